"""Run one step of the chain (what each Make rule calls): `python -m helpers.chain.run STEP [--year Y]`.

A notebook step is executed with papermill (the project kernel, in the notebook's own folder as JupyterLab
does, `year` injected only into per-year notebooks) into build/notebooks/, then exported to
reports/html/. A module step calls its registered function and writes its tables. If anything fails, the
step's registered outputs are removed (no stale table is mistaken for a result) and the exit status is 1;
an executed notebook is kept for debugging.
"""
from __future__ import annotations

import argparse
import os
import sys
import time
from importlib import import_module
from pathlib import Path

from ..registry.steps import Step, step
from . import params, paths

KERNEL = "pytorch-vs-tensorflow"
# nbformat validates notebooks with jsonschema, which imports rfc3987_syntax (building a grammar: ~1.5 s per
# process) only to check "iri" string formats; no notebook schema uses them, so this runner skips that import.
sys.modules.setdefault("rfc3987_syntax", None)


def outputs(s: Step, year: int | None) -> list[Path]:
    files = [paths.table_path(t, year) for t in s.outputs]
    if s.notebook:
        files.append(paths.HTML / f"{s.report(year)}.html")
    return files


def function(s: Step):
    module, name = s.function.split(":")
    return getattr(import_module(module), name)


def parse_parameters(s: Step, given: list[str]) -> dict:
    """`NAME=VALUE` strings -> {name: int, float or str}, for parameters the step declares."""
    declared = {name for name, _, _ in s.parameters}
    out = {}
    for item in given:
        name, _, raw = item.partition("=")
        if name not in declared:
            raise ValueError(f"step {s.name} has no parameter {name!r} (it has: {', '.join(sorted(declared)) or 'none'})")
        for cast in (int, float, str):
            try:
                out[name] = cast(raw)
                break
            except ValueError:
                continue
    return out


def compute(s: Step, year: int | None = None, parameters: dict | None = None) -> dict:
    """Run a step's function and write its tables (no kernel): what module steps and the pipeline do."""
    from . import io
    fn = function(s)
    with io.reading_as(s.name):
        result = fn(year, **(parameters or {})) if s.per_year else fn(**(parameters or {}))
    io.write_outputs(s.name, result, year)
    return result


def execute(s: Step, year: int | None = None, out: Path | None = None, parameters: dict | None = None) -> Path:
    """Execute a notebook step with papermill into `out` (default build/notebooks/<report>.ipynb)."""
    import papermill as pm
    out = out or paths.BUILD / "notebooks" / f"{s.report(year)}.ipynb"
    out.parent.mkdir(parents=True, exist_ok=True)
    os.environ["PTVTF_ROOT"] = str(paths.ROOT)  # the kernel inherits it: same root as this process
    values = {"year": year} if s.per_year else {}
    from . import io
    with io.reading_as(s.name):  # the kernel inherits the step's name: it may read only what the step declares
        pm.execute_notebook(str(paths.NOTEBOOKS / f"{s.name}.ipynb"), str(out),
                            parameters={**values, **(parameters or {})}, kernel_name=KERNEL, cwd=str(paths.NOTEBOOKS),
                            progress_bar=False, log_output=False)
    return out


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("step")
    ap.add_argument("--year", help="the year in question (per-year steps only)")
    ap.add_argument("--param", action="append", default=[], metavar="NAME=VALUE",
                    help="a notebook parameter the step declares (a number or a string)")
    args = ap.parse_args(argv)
    try:
        s = step(args.step)
        year = params.validate_year(params.from_command_line(args.year)) if s.per_year else None
        if args.year is not None and not s.per_year:
            raise params.YearError(f"step {s.name} does not depend on the year; run it without --year")
        values = parse_parameters(s, args.param)
    except (KeyError, ValueError, params.YearError) as e:
        print(f"error: {e.args[0]}", file=sys.stderr)
        return 2
    started = time.monotonic()
    try:
        if s.notebook:
            import papermill as pm

            from . import export
            try:
                executed = execute(s, year, parameters=values)
            except pm.PapermillExecutionError as e:
                print(f"error: notebooks/{s.name}.ipynb failed in cell {e.exec_count}: {e.ename}: {e.evalue}\n"
                      f"       (executed copy: build/notebooks/{s.report(year)}.ipynb)", file=sys.stderr)
                raise
            export.to_html(executed, paths.HTML / f"{s.report(year)}.html")
        else:
            compute(s, year, values)
    except Exception as e:
        for f in outputs(s, year):
            f.unlink(missing_ok=True)
        if not s.notebook or not type(e).__name__.startswith("Papermill"):
            print(f"error: step {s.name} failed: {type(e).__name__}: {e}", file=sys.stderr)
        return 1
    shown = f"{paths.relative(paths.HTML / f'{s.report(year)}.html')}" if s.notebook else "tables written"
    print(f"[{time.monotonic() - started:5.0f} s] {s.report(year)}: {s.title} -> {shown}", flush=True)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
