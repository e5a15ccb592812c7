"""Shared fixtures: miniature project trees (fixture raw data, a manifest, the notebooks) and the chain run on one.

A tree is a real checkout as far as the helpers can tell (`data/raw/MANIFEST.csv` and `notebooks/`), so steps
run on it exactly as Make runs them: `helpers.chain.run.main([step])` with the tree as root.
"""
from __future__ import annotations

import os

# Two test workers, each starting kernels, on two cores: one BLAS thread per process (set before numpy loads; the
# kernels inherit it). Several threads per process would fight over the cores (the same rule as the Makefile's).
for _var in ("OPENBLAS_NUM_THREADS", "OMP_NUM_THREADS", "MKL_NUM_THREADS"):
    os.environ.setdefault(_var, "1")

import csv
import datetime as dt
import hashlib
import os
import re
import shutil
import subprocess
import sys
from contextlib import contextmanager
from pathlib import Path

import pytest

from helpers.chain import paths
from helpers.chain import run as chain_run
from helpers.registry.tables import RAW_FOLDERS

# The fixture chains check structure and contracts, not published months: fewer simulated paths per signal (the
# same code; kernels inherit the setting). Tests of seed stability pass their own number of paths.
os.environ.setdefault("PTVTF_DRAWS", "4000")

REPO = Path(__file__).resolve().parents[1]
FIXTURES = REPO / "tests" / "fixtures"
MANIFEST_COLUMNS = ["path", "bytes", "sha256", "source", "upstream", "url", "retrieved", "licence"]
# every raw folder the source registry declares is copied into a fixture tree as it is, except the ones whose
# fixtures replace them (small Kaggle zips in the published layouts, instead of 15 MB of real ones)
REPLACED_BY_FIXTURES = ("kaggle_survey",)
COPIED_FOLDERS = tuple(f for f in RAW_FOLDERS if f not in REPLACED_BY_FIXTURES)


def write_manifest(raw: Path, urls: dict[str, str] | None = None) -> Path:
    """Hash every data file under `raw` into raw/MANIFEST.csv (hashlib here, independent of helpers)."""
    rows = []
    for p in sorted(raw.rglob("*")):
        rel = p.relative_to(raw).as_posix()
        if p.is_file() and not rel.endswith(".md") and rel != "MANIFEST.csv":
            data = p.read_bytes()
            rows.append([rel, len(data), hashlib.sha256(data).hexdigest(), rel.split("/")[0],
                         "test fixture", (urls or {}).get(rel, ""), "2026-11-25", "test"])
    with open(raw / "MANIFEST.csv", "w", newline="", encoding="utf-8") as f:
        w = csv.writer(f, lineterminator="\n")
        w.writerow(MANIFEST_COLUMNS)
        w.writerows(rows)
    return raw / "MANIFEST.csv"


def make_tree(root: Path, monthly: bool = False) -> Path:
    """A project tree: the fixture Kaggle zips (and, with `monthly`, the project's own small monthly sources),
    a manifest, and the notebooks."""
    kaggle = root / "data" / "raw" / "kaggle_survey"
    kaggle.mkdir(parents=True)
    for z in sorted((FIXTURES / "kaggle_survey").glob("*.zip")):
        shutil.copy2(z, kaggle / z.name)
    if monthly:
        for folder in COPIED_FOLDERS:
            shutil.copytree(REPO / "data" / "raw" / folder, root / "data" / "raw" / folder)
    write_manifest(root / "data" / "raw")
    shutil.copytree(REPO / "notebooks", root / "notebooks")
    return root


@contextmanager
def rooted(tree: Path):
    """Point the helpers (this process, and the kernels it starts) at `tree` for the duration."""
    old = paths.ROOT
    paths.set_root(tree)
    try:
        yield tree
    finally:
        paths.set_root(old)


def run_step(name: str, tree: Path, year: int | None = None) -> int:
    """Run one step on `tree` as Make does (its kernel importing the tree's own copy of the package, when it has
    one, as Make's PYTHONPATH does); the exit status (0 = success)."""
    own = tree / "src"
    with rooted(tree), pytest.MonkeyPatch.context() as mp:
        if own.is_dir():
            mp.setenv("PYTHONPATH", str(own))
        return chain_run.main([name] + (["--year", str(year)] if year is not None else []))


def execute(name: str, tree: Path, year=None, out: Path | None = None, parameters: dict | None = None) -> Path:
    """Execute a notebook step with papermill (raises PapermillExecutionError on failure: for error tests)."""
    from helpers.registry.steps import step
    with rooted(tree):
        return chain_run.execute(step(name), year, out or tree / "build" / "test.ipynb", parameters)


def install_make(tree: Path) -> Path:
    """Make `tree` a checkout Make can drive: the Makefile, pyproject.toml and the package under test copied (a
    notebook checks that its code comes from its own checkout), tests/ linked (for `make lint`), so
    `make -C tree ...` runs exactly the commands a user runs."""
    for name in ("Makefile", "pyproject.toml"):
        shutil.copy2(REPO / name, tree / name)
    shutil.copytree(REPO / "src", tree / "src", ignore=shutil.ignore_patterns("__pycache__", "*.egg-info"),
                    dirs_exist_ok=True)
    if not (tree / "tests").exists():
        (tree / "tests").symlink_to(REPO / "tests", target_is_directory=True)
    return tree


def make(tree: Path, *args: str, env: dict | None = None, timeout: int = 900) -> subprocess.CompletedProcess:
    """`make -C tree ARGS` with this test run's environment (its virtual environment and kernel; no reinstall),
    output captured."""
    venv = Path(sys.prefix)
    clean = {k: v for k, v in os.environ.items() if k not in ("MAKEFLAGS", "MFLAGS", "MAKELEVEL", "PTVTF_ROOT")}
    return subprocess.run(["make", "-C", str(tree), "--no-print-directory", f"VENV={venv}",
                           f"ENV_STAMP={venv / 'bin' / 'python'}", f"PYTHON={sys.executable}", *args],
                          env={**clean, **(env or {})}, capture_output=True, text=True, timeout=timeout)


def made(proc: subprocess.CompletedProcess) -> str:
    """The output of a `make` that must have succeeded (its end when it did not) without a warning from make itself."""
    assert proc.returncode == 0, f"{' '.join(proc.args[4:])} failed:\n{(proc.stdout + proc.stderr)[-4000:]}"
    warning = re.search(r"^g?make(\[\d+\])?: warning.*$", proc.stdout + proc.stderr, re.MULTILINE)
    assert warning is None, f"{' '.join(proc.args[4:])}: {warning.group(0)}"
    return proc.stdout


@pytest.fixture
def fixture_tree(tmp_path: Path) -> Path:
    return make_tree(tmp_path / "project")


def tree_snapshot(root: Path) -> dict[str, str]:
    """sha256 of every file under root (to prove that nothing changed)."""
    return {p.relative_to(root).as_posix(): hashlib.sha256(p.read_bytes()).hexdigest()
            for p in sorted(root.rglob("*")) if p.is_file()}


def sha(path: Path) -> str:
    return hashlib.sha256(path.read_bytes()).hexdigest()


def add_drop_ins(tree: Path) -> None:
    """The drop-ins a user adds, in their published layouts: a German daily Google Trends export of seven months
    (2020-06 to 2020-12) and Stack Overflow survey zips of 2018-2025 (small samples, real headers and options)."""
    raw = tree / "data" / "raw"
    shutil.copy(FIXTURES / "google_trends" / "daily_de_2020.csv", raw / "google_trends" / "multiTimeline.csv")
    for z in sorted((FIXTURES / "so_survey").glob("*.zip")):
        shutil.copy(z, raw / "so_survey" / z.name)


REFRESH_DAY = dt.date(2026, 11, 25)


@pytest.fixture(scope="session")
def chain(tmp_path_factory):
    """The whole chain as a user runs it, once per test session, on a fixture tree with drop-ins: `make refresh`
    against the local stand-ins (tests/fake_upstreams.py), then `make all YEAR=2021`."""
    from fake_upstreams import Upstreams
    tree = install_make(make_tree(tmp_path_factory.mktemp("chain") / "project", monthly=True))
    add_drop_ins(tree)
    up = Upstreams()
    try:
        refresh_log = made(make(tree, "refresh", f"REFRESH_ARGS=--today {REFRESH_DAY}", env=up.env()))
    finally:
        up.close()
    raw_before = tree_snapshot(tree / "data" / "raw")
    all_log = made(make(tree, "all", "YEAR=2021"))
    yield {"tree": tree, "raw_before": raw_before, "html": tree / "reports" / "html", "refresh_log": refresh_log,
           "all_log": all_log}
