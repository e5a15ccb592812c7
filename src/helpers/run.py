"""Run one notebook of the chain and export its report, in one process (what each Make rule calls).

`python -m helpers.run NAME YEAR [--report STEM] [--outputs FILE ...]`

Executes notebooks/NAME.ipynb with papermill (the project kernel, `year` injected, the notebook's own
folder as working directory, as in JupyterLab) into build/notebooks/STEM.ipynb, then writes
reports/html/STEM.html. If the notebook fails, the listed outputs are removed (so no stale table is
mistaken for a result) and the exit status is 1; the executed notebook is kept for debugging.
"""
from __future__ import annotations

import argparse
import sys
from pathlib import Path

import papermill as pm

from . import export, params, paths

KERNEL = "pytorch-vs-tensorflow"


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("name")
    ap.add_argument("year")
    ap.add_argument("--report", help="stem of the executed notebook and HTML (default: NAME)")
    ap.add_argument("--outputs", nargs="*", default=[], help="files to remove if the notebook fails")
    args = ap.parse_args(argv)
    year = params.from_command_line(args.year)
    stem = args.report or args.name
    notebooks = paths.PACKAGE_ROOT / "notebooks"
    executed = paths.BUILD / "notebooks" / f"{stem}.ipynb"
    executed.parent.mkdir(parents=True, exist_ok=True)
    try:
        pm.execute_notebook(str(notebooks / f"{args.name}.ipynb"), str(executed), parameters={"year": year},
                            kernel_name=KERNEL, cwd=str(notebooks), progress_bar=False, log_output=False)
    except pm.PapermillExecutionError as e:
        for f in args.outputs:
            Path(f).unlink(missing_ok=True)
        print(f"error: notebooks/{args.name}.ipynb failed in cell {e.exec_count}: {e.ename}: {e.evalue}\n"
              f"       (executed copy: {executed.relative_to(paths.ROOT)})", file=sys.stderr)
        return 1
    export.to_html(executed, paths.HTML / f"{stem}.html")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
