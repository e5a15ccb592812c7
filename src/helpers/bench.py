"""`make bench`: time the chain cold, a no-op `make all`, and the helpers-only lower bound, in one run.

Cold = environment built, but processed data, reports and executed notebooks removed. Timings on a
shared 2-core machine are noisy; compare the ratios printed here, not absolute seconds across runs.
"""
from __future__ import annotations

import argparse
import shutil
import subprocess
import sys
import tempfile
import time

from . import paths


def _timed(cmd: list[str]) -> float:
    t0 = time.perf_counter()
    subprocess.run(cmd, cwd=paths.ROOT, check=True, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    return time.perf_counter() - t0


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__)
    ap.add_argument("--year", type=int, default=2021)
    args = ap.parse_args(argv)
    for d in (paths.PROCESSED, paths.REPORTS, paths.BUILD):
        shutil.rmtree(d, ignore_errors=True)
    cold = _timed(["make", "all", f"YEAR={args.year}"])
    noop = _timed(["make", "all", f"YEAR={args.year}"])
    with tempfile.TemporaryDirectory() as tmp:
        lower = _timed([sys.executable, "-m", "helpers.pipeline", tmp])
    print(f"cold chain (make all YEAR={args.year}): {cold:7.1f} s   target < 60 s")
    print(f"no-op make all:                      {noop:7.2f} s   target < 2 s")
    print(f"lower bound (helpers, no notebooks): {lower:7.1f} s")
    print(f"cold / lower bound:                  {cold / lower:7.1f} x")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
