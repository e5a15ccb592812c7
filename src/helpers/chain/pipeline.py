"""The whole chain without notebooks or kernels: every registered step's function, in chain order (the coverage
study of `make calibrate` excepted).

It calls the same functions the notebooks call (`helpers.registry.steps`), drop-in sources included, and
writes the same tables; it is the lower bound `make bench` compares the notebook chain with, and a
one-call way to rebuild every table: `python -m helpers.chain.pipeline [--year Y] [--all-years]`.
Set PTVTF_ROOT to write into another tree.
"""
from __future__ import annotations

import argparse
import sys
import time

from ..registry.steps import STEPS
from . import params
from .run import compute


def build(years: tuple[int, ...], verbose: bool = False) -> dict[str, float]:
    """Run every step (per-year steps once per year in `years`); returns seconds per step."""
    timings = {}
    for s in STEPS:
        if s.goal == "calibrate" or (s.goal == "all-years" and len(years) < len(params.VALID_YEARS)):
            continue
        for year in (years if s.per_year else (None,)):
            t0 = time.perf_counter()
            compute(s, year)
            key = s.report(year)
            timings[key] = time.perf_counter() - t0
            if verbose:
                print(f"{key:28s} {timings[key]:6.1f} s", flush=True)
    return timings


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--year", default=str(params.DEFAULT_YEAR))
    ap.add_argument("--all-years", action="store_true", help="every valid year, as `make all-years`")
    args = ap.parse_args(argv)
    years = params.VALID_YEARS if args.all_years else (params.validate_year(params.from_command_line(args.year)),)
    timings = build(years, verbose=True)
    print(f"{'total':28s} {sum(timings.values()):6.1f} s")
    return 0


if __name__ == "__main__":
    sys.exit(main())
