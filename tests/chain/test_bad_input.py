"""The bad-input matrix: every row gives a clear error naming the file and the problem, and leaves
data/raw (apart from the file the test broke) and data/processed exactly as they were.

Each test builds a small tree (fixture Kaggle zips, the project's monthly sources, the drop-ins, a processed
table that must survive), breaks one input, and runs the step that reads it: the step's registered function
(what its notebook's cell calls), and for one input of each kind the notebook itself with papermill, to show
the reader gets the same message.
"""
from __future__ import annotations

import shutil
import zipfile

import papermill as pm
import pytest

from conftest import FIXTURES, execute, make_tree, rooted, tree_snapshot
from helpers.chain import run as chain_run
from helpers.registry.steps import step

pytestmark = pytest.mark.chain


@pytest.fixture
def tree(tmp_path):
    t = make_tree(tmp_path / "project", monthly=True)
    for z in (FIXTURES / "so_survey").glob("*.zip"):
        shutil.copy(z, t / "data" / "raw" / "so_survey" / z.name)
    shutil.copy(FIXTURES / "google_trends" / "monthly.csv", t / "data" / "raw" / "google_trends" / "multiTimeline.csv")
    (t / "data" / "processed").mkdir(parents=True)
    (t / "data" / "processed" / "conference_papers.csv").write_text("an earlier run's table\n")
    return t


def expect_failure(tree, monkeypatch, name, *fragments, broken=None, notebook=False):
    """Run step `name` (its function, or with `notebook` its notebook); it must fail with every fragment in its
    error; raw (but `broken`) and processed unchanged."""
    raw_before = {k: v for k, v in tree_snapshot(tree / "data" / "raw").items() if k != broken}
    processed_before = tree_snapshot(tree / "data" / "processed")
    if notebook:
        with pytest.raises(pm.PapermillExecutionError) as e:
            execute(name, tree, out=tree / "build" / "failed.ipynb")
        message = f"{e.value.ename}: {e.value.evalue}"
    else:
        with rooted(tree), pytest.raises(Exception) as e:
            chain_run.function(step(name))()
        message = f"{type(e.value).__name__}: {e.value}"
    for f in fragments:
        assert f in message, message
    assert {k: v for k, v in tree_snapshot(tree / "data" / "raw").items() if k != broken} == raw_before
    assert tree_snapshot(tree / "data" / "processed") == processed_before
    return message


def test_corrupt_zip(tree, monkeypatch):
    rel = "so_survey/stack-overflow-developer-survey-2021.zip"
    (tree / "data" / "raw" / rel).write_bytes(b"PK\x03\x04 this is not a zip")
    expect_failure(tree, monkeypatch, "16_clean_so_survey", rel, "not a readable zip", broken=rel, notebook=True)


def test_truncated_csv(tree, monkeypatch):
    rel = "pypi_downloads/hugovk_top_pypi_ml_packages.csv"
    f = tree / "data" / "raw" / rel
    f.write_bytes(f.read_bytes()[:5000])
    expect_failure(tree, monkeypatch, "00_acquire", rel, "truncated", "expected 707,015 bytes", broken=rel, notebook=True)


def test_truncated_dropin_csv(tree, monkeypatch):
    rel = "google_trends/multiTimeline.csv"
    text = (FIXTURES / "google_trends" / "monthly.csv").read_text(encoding="utf-8-sig")
    (tree / "data" / "raw" / rel).write_text(text[: len(text) - 7], encoding="utf-8")
    expect_failure(tree, monkeypatch, "15_clean_google_trends", rel, "truncated or malformed", broken=rel, notebook=True)


def test_git_lfs_pointer(tree, monkeypatch):
    rel = "kaggle_survey/kaggle_survey_2020.zip"
    (tree / "data" / "raw" / rel).write_text("version https://git-lfs.github.com/spec/v1\noid sha256:a7aa\nsize 2001291\n")
    expect_failure(tree, monkeypatch, "00_acquire", rel, "Git-LFS pointer", "git lfs pull", broken=rel)


def test_wrong_hash(tree, monkeypatch):
    rel = "github/repostory_keras-team_keras.json"
    f = tree / "data" / "raw" / rel
    data = bytearray(f.read_bytes())
    data[100] = ord("7") if data[100] != ord("7") else ord("8")
    f.write_bytes(bytes(data))
    msg = expect_failure(tree, monkeypatch, "00_acquire", rel, "altered", "5ab2c83263481a48", broken=rel)
    assert "git checkout -- data/raw/" in msg


def test_missing_file(tree, monkeypatch):
    rel = "kaggle_survey/kaggle_survey_2019.zip"
    (tree / "data" / "raw" / rel).unlink()
    expect_failure(tree, monkeypatch, "00_acquire", rel, "missing", broken=rel)


def test_extra_unknown_file(tree, monkeypatch):
    rel = "github/repostory_jax-ml_jax.json"
    (tree / "data" / "raw" / rel).write_text("{}")
    expect_failure(tree, monkeypatch, "00_acquire", rel, "unknown file", broken=rel)


def test_renamed_column(tree, monkeypatch):
    rel = "so_survey/stack-overflow-developer-survey-2024.zip"
    src = FIXTURES / "so_survey" / "stack-overflow-developer-survey-2024.zip"
    with zipfile.ZipFile(src) as zin, zipfile.ZipFile(tree / "data" / "raw" / rel, "w") as zout:
        zout.writestr("survey_results_public.csv",
                      zin.read("survey_results_public.csv").replace(b"MiscTechHaveWorkedWith", b"FrameworksUsed"))
    expect_failure(tree, monkeypatch, "16_clean_so_survey", rel, "no framework column", broken=rel)


def test_missing_column(tree, monkeypatch):
    rel = "google_trends/multiTimeline.csv"
    text = (FIXTURES / "google_trends" / "monthly.csv").read_text(encoding="utf-8-sig")
    lines = [",".join(line.split(",")[:2]) for line in text.splitlines()]
    (tree / "data" / "raw" / rel).write_text("\n".join(lines) + "\n", encoding="utf-8")
    expect_failure(tree, monkeypatch, "15_clean_google_trends", rel, "lack ['tensorflow']", broken=rel)


def test_non_utf8_bytes(tree, monkeypatch):
    rel = "google_trends/multiTimeline.csv"
    text = (FIXTURES / "google_trends" / "monthly_de.csv").read_text().replace("Kategorien", "Kategorien (Ü)")
    (tree / "data" / "raw" / rel).write_bytes(text.encode("cp1252"))
    expect_failure(tree, monkeypatch, "15_clean_google_trends", rel, "not UTF-8", broken=rel)
