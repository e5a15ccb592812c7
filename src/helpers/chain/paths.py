"""Every path of the project, from one root (never the current directory's files).

The root is, in this order:
1. `PTVTF_ROOT` if set — the Makefile sets it to its own folder, and the tests to a fixture tree;
2. the checkout the current directory belongs to — a notebook opened in JupyterLab runs in its own
   `notebooks/` folder, so it works on the checkout it belongs to even when the kernel's environment
   was installed from another clone;
3. the checkout this package was installed from.
A checkout is a folder holding `data/raw/MANIFEST.csv` and `notebooks/`.
"""
from __future__ import annotations

import os
from pathlib import Path

PACKAGE_ROOT = Path(__file__).resolve().parents[3]


def is_checkout(folder: Path) -> bool:
    return (folder / "data" / "raw" / "MANIFEST.csv").is_file() and (folder / "notebooks").is_dir()


def find_root(cwd: Path | None = None) -> Path:
    env = os.environ.get("PTVTF_ROOT")
    if env:
        return Path(env).resolve()
    here = (cwd or Path.cwd()).resolve()
    for folder in (here, *here.parents):
        if is_checkout(folder):
            return folder
    return PACKAGE_ROOT


def set_root(root: Path) -> None:
    """Point every path of this module at another project tree (the tests' fixture trees; Make uses
    PTVTF_ROOT). Callers read these attributes at call time, so the change reaches every module."""
    global ROOT, DATA, RAW, PROCESSED, MANIFEST, REPORTS, TABLES, HTML, BUILD, NOTEBOOKS
    ROOT = Path(root).resolve()
    DATA = ROOT / "data"
    RAW = DATA / "raw"
    PROCESSED = DATA / "processed"
    MANIFEST = RAW / "MANIFEST.csv"
    REPORTS = ROOT / "reports"
    TABLES = REPORTS / "tables"
    HTML = REPORTS / "html"
    BUILD = ROOT / "build"
    NOTEBOOKS = ROOT / "notebooks"


set_root(find_root())


def table_path(table_id: str, year: int | None = None) -> Path:
    """Where a registered table lives (see helpers.registry.tables)."""
    from ..registry.tables import table
    return ROOT / table(table_id).file(year)


def relative(path: Path) -> str:
    """A path as the reader should see it: relative to the project root when inside it."""
    try:
        return Path(path).resolve().relative_to(ROOT).as_posix()
    except ValueError:
        return str(path)
