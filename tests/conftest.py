"""Shared fixtures: a miniature project tree (fixture raw data + manifest) for chain and input tests."""
from __future__ import annotations

import csv
import hashlib
import shutil
from pathlib import Path

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


@pytest.fixture
def fixture_tree(tmp_path: Path) -> Path:
    return make_tree(tmp_path / "project")


def tree_snapshot(root: Path) -> dict[str, str]:
    """sha256 of every file under root (to prove that nothing changed)."""
    return {p.relative_to(root).as_posix(): hashlib.sha256(p.read_bytes()).hexdigest()
            for p in sorted(root.rglob("*")) if p.is_file()}
