"""`make bench`: the notebook chain against its kernel-free lower bound, measured in one run.

Cold = environment built, processed data, reports, executed notebooks and cached fits removed. Measured in order:
cold `make all`, no-op `make all`, cold `make all-years`, and the lower bound: `helpers.chain.pipeline`
(every step's computation — cleaning, statistics, scorecard, the year's verdict — without notebooks) in a
scratch tree that shares data/raw. Timings on a shared 2-core machine are noisy: compare the ratios,
which come from one run, not absolute seconds across runs.
"""
from __future__ import annotations

import argparse
import os
import shutil
import subprocess
import sys
import tempfile
import time
from pathlib import Path

from . import params, paths

TARGETS = {"cold all / lower bound": 2.0, "cold all-years / cold all": 1.5}


def _timed(cmd: list[str], env: dict | None = None) -> float:
    # a make started from `make bench` must not inherit the parent's job-server flags (it would run with -j1)
    env = {k: v for k, v in (env or os.environ).items() if k not in ("MAKEFLAGS", "MFLAGS", "MAKELEVEL")}
    t0 = time.perf_counter()
    subprocess.run(cmd, cwd=paths.ROOT, check=True, stdout=subprocess.DEVNULL, env=env)
    return time.perf_counter() - t0


def _clean() -> None:
    for d in (paths.PROCESSED, paths.REPORTS, paths.BUILD / "notebooks", paths.BUILD / "cache"):
        shutil.rmtree(d, ignore_errors=True)
    shutil.rmtree(paths.BUILD / "raw", ignore_errors=True)  # the raw folders' stamps (00_acquire reruns)


def lower_bound(year: int) -> float:
    """Seconds for the pipeline in a scratch tree whose data/raw is a link to this one's."""
    with tempfile.TemporaryDirectory() as tmp:
        scratch = Path(tmp)
        (scratch / "data").mkdir()
        os.symlink(paths.RAW, scratch / "data" / "raw")
        os.symlink(paths.NOTEBOOKS, scratch / "notebooks")
        env = {**os.environ, "PTVTF_ROOT": str(scratch)}
        return _timed([sys.executable, "-m", "helpers.chain.pipeline", "--year", str(year)], env)


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--year", default=str(params.DEFAULT_YEAR))
    ap.add_argument("--dry-run", action="store_true",
                    help="check that every timed command resolves (make -n) without running or cleaning anything")
    args = ap.parse_args(argv)
    year = params.validate_year(params.from_command_line(args.year))
    make = ["make", "--no-print-directory"]
    if args.dry_run:
        for goal in ("all", "all-years"):
            _timed([*make, "-n", goal, f"YEAR={year}"])
        print(f"bench (dry run): make all YEAR={year} and make all-years resolve; nothing was run or removed")
        return 0
    _clean()
    cold = _timed([*make, "all", f"YEAR={year}"])
    noop = _timed([*make, "all", f"YEAR={year}"])
    _clean()
    all_years = _timed([*make, "all-years"])
    lower = lower_bound(year)
    ratios = {"cold all / lower bound": cold / lower, "cold all-years / cold all": all_years / cold}
    print(f"cold chain (make all YEAR={year}):       {cold:7.1f} s")
    print(f"no-op make all:                          {noop:7.2f} s   (target < 2 s)")
    print(f"cold make all-years ({len(params.VALID_YEARS)} years):       {all_years:7.1f} s")
    print(f"lower bound (every step, no notebooks):  {lower:7.1f} s")
    for name, value in ratios.items():
        print(f"{name + ':':40s} {value:7.2f} x   (target <= {TARGETS[name]} x)")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
