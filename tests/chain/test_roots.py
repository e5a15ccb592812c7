"""One root: a second clone sharing this checkout's environment, a copied tree, and a JupyterLab kernel started
in another checkout each read and write only their own files."""
from __future__ import annotations

import os
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

from conftest import REPO, make_tree, tree_snapshot

pytestmark = pytest.mark.chain
VENV = Path(sys.executable).parents[1]


def clone(target: Path) -> Path:
    """A checkout of this repository's tracked code (not its data/raw) with small fixture raw data."""
    make_tree(target)  # fixture raw data, manifest, notebooks
    listed = subprocess.run(["git", "ls-files", "--cached", "--others", "--exclude-standard"], cwd=REPO,
                            capture_output=True, text=True, check=True)
    files = [f for f in listed.stdout.split() if (REPO / f).is_file()]
    for rel in files:
        if rel.startswith(("data/raw/", "notebooks/")):
            continue
        (target / rel).parent.mkdir(parents=True, exist_ok=True)
        shutil.copy2(REPO / rel, target / rel)
    return target


def make(tree: Path, *goals: str) -> subprocess.CompletedProcess:
    env = {k: v for k, v in os.environ.items() if k not in ("PTVTF_ROOT", "PYTHONPATH", "MAKEFLAGS", "MAKELEVEL")}
    return subprocess.run(["make", "-s", "--no-print-directory", "-C", str(tree), f"VENV={VENV}", *goals],
                          capture_output=True, text=True, env=env)


def own_outputs(repo_before: dict) -> None:
    assert tree_snapshot(REPO / "data" / "raw") == repo_before, "the original checkout's data/raw changed"


def test_second_clone_and_copied_tree_write_only_into_themselves(tmp_path):
    processed = REPO / "data" / "processed"
    before = {"raw": tree_snapshot(REPO / "data" / "raw"),
              "processed": tree_snapshot(processed) if processed.exists() else {}}
    a = clone(tmp_path / "a")
    r = make(a, "verify")
    assert r.returncode == 0, r.stderr
    assert (a / "build" / "raw" / "kaggle_survey.stamp").exists() and (a / "reports" / "html" / "00_acquire.html").exists()
    assert (a / "build" / "rules.mk").exists()
    assert "data/raw/kaggle_survey/kaggle_survey_2017.zip" in (a / "build" / "raw_files.txt").read_text()
    b = tmp_path / "b"
    shutil.copytree(a, b, symlinks=True)  # a copied checkout, build files and all
    a_before = tree_snapshot(a)
    (b / "data" / "raw" / "kaggle_survey" / "kaggle_survey_2018.zip").unlink()  # break the copy only
    r = make(b, "verify")
    assert r.returncode != 0 and "kaggle_survey_2018.zip: missing" in r.stderr, r.stderr
    assert not (b / "build" / "raw" / "kaggle_survey.stamp").exists()  # the failed step's output is removed
    assert tree_snapshot(a) == a_before, "running make in the copy changed the original"
    own_outputs(before["raw"])
    assert (tree_snapshot(processed) if processed.exists() else {}) == before["processed"]


def test_a_kernel_started_in_another_checkout_works_on_that_checkout(tmp_path):
    """JupyterLab starts the kernel in the notebook's folder; with this checkout's environment, paths resolve
    to the notebook's checkout, and the notebook warns that the code comes from elsewhere."""
    other = clone(tmp_path / "other")
    env = {k: v for k, v in os.environ.items() if k not in ("PTVTF_ROOT", "PYTHONPATH")}
    code = ("import warnings; warnings.simplefilter('always')\n"
            "from helpers.chain import paths; from helpers.report import notebook; print(paths.ROOT); notebook.start()")
    r = subprocess.run([sys.executable, "-c", code], cwd=other / "notebooks", env=env, capture_output=True, text=True)
    assert r.returncode == 0, r.stderr
    assert r.stdout.strip() == str(other.resolve())
    assert "helpers code comes from" in r.stderr and str(other) in r.stderr
