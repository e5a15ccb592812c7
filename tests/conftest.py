"""Shared fixtures: a miniature project tree (fixture raw data + manifest) for chain and input tests."""
from __future__ import annotations

import csv
import hashlib
import os
import shutil
from pathlib import Path

import papermill as pm
import pytest

REPO = Path(__file__).resolve().parents[1]
FIXTURES = REPO / "tests" / "fixtures"
MANIFEST_COLUMNS = ["path", "bytes", "sha256", "source", "upstream", "url", "retrieved", "licence"]


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


def make_tree(root: Path) -> Path:
    """A project tree whose raw data are the fixture Kaggle zips, with a manifest."""
    kaggle = root / "data" / "raw" / "kaggle_survey"
    kaggle.mkdir(parents=True)
    for z in sorted((FIXTURES / "kaggle").glob("*.zip")):
        shutil.copy2(z, kaggle / z.name)
    write_manifest(root / "data" / "raw")
    return root


def make_full_tree(root: Path) -> Path:
    """Fixture Kaggle zips plus the project's own (small) monthly sources: the whole chain can run."""
    make_tree(root)
    for folder in ("github", "so_tags", "pypi_downloads", "conference_papers", "google_trends", "so_survey"):
        shutil.copytree(REPO / "data" / "raw" / folder, root / "data" / "raw" / folder)
    write_manifest(root / "data" / "raw")
    return root


@pytest.fixture
def fixture_tree(tmp_path: Path) -> Path:
    return make_tree(tmp_path / "project")


def tree_snapshot(root: Path) -> dict[str, str]:
    """sha256 of every file under root (to prove that nothing changed)."""
    return {p.relative_to(root).as_posix(): hashlib.sha256(p.read_bytes()).hexdigest()
            for p in sorted(root.rglob("*")) if p.is_file()}


# --- the whole chain on a fixture tree (session-scoped: run once, checked by several test modules) ---

KERNEL = "pytorch-vs-tensorflow"
CLEANING = ("00_acquire", "10_clean_kaggle", "11_clean_stackexchange", "12_clean_github", "13_clean_pypi",
            "14_clean_conferences", "15_clean_google_trends", "16_clean_so_survey")
PARTS = ("stackexchange", "github", "pypi", "google_trends")


def run(nb: str, tree, year=2021, out=None):
    out = out or tree / "build" / f"{nb}_{year}.ipynb"
    out.parent.mkdir(parents=True, exist_ok=True)
    pm.execute_notebook(str(REPO / "notebooks" / f"{nb}.ipynb"), str(out), parameters={"year": year},
                        kernel_name=KERNEL, cwd=str(REPO / "notebooks"), progress_bar=False)
    return out


def sha(path):
    return hashlib.sha256(path.read_bytes()).hexdigest()


def assemble(tree):
    from helpers import signals
    processed = tree / "data" / "processed"
    signals.main(["x", str(processed / "monthly_signals.csv"), *(str(processed / f"monthly_{p}.csv") for p in PARTS)])


@pytest.fixture(scope="session")
def chain(tmp_path_factory):
    tree = make_full_tree(tmp_path_factory.mktemp("chain") / "project")
    old = os.environ.get("PTVTF_ROOT")
    os.environ["PTVTF_ROOT"] = str(tree)  # the kernel inherits it; helpers.paths reads it
    try:
        raw_before = tree_snapshot(tree / "data" / "raw")
        for nb in CLEANING:
            run(nb, tree)
        assemble(tree)
        executed = {nb: run(nb, tree) for nb in ("20_trend_tests", "30_survey_shift", "40_verdict")}
        html = tree / "reports" / "html"
        from helpers import export
        for nb, path in executed.items():
            export.to_html(path, html / f"{nb}_2021.html")
        yield {"tree": tree, "raw_before": raw_before, "html": html}
    finally:
        if old is None:
            os.environ.pop("PTVTF_ROOT", None)
        else:
            os.environ["PTVTF_ROOT"] = old
