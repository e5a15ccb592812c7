"""The bad-input matrix: every row gives a clear error naming the file and the problem, and leaves
data/raw (apart from the file the test broke) and data/processed exactly as they were.

Each test copies the session's finished chain tree, breaks one input, runs the notebook that reads it.
"""
from __future__ import annotations

import shutil
import signal
import subprocess
import sys
import time
import zipfile

import papermill as pm
import pytest

from conftest import FIXTURES, REPO, run, tree_snapshot

pytestmark = pytest.mark.chain


@pytest.fixture
def tree(chain, tmp_path):
    t = tmp_path / "project"
    shutil.copytree(chain["tree"], t)
    return t


def expect_failure(tree, monkeypatch, notebook, *fragments, year=2021, broken=None):
    """Run `notebook`; it must fail with every fragment in its error; raw (but `broken`) and processed unchanged."""
    monkeypatch.setenv("PTVTF_ROOT", str(tree))
    raw_before = {k: v for k, v in tree_snapshot(tree / "data" / "raw").items() if k != broken}
    processed_before = tree_snapshot(tree / "data" / "processed")
    with pytest.raises(pm.PapermillExecutionError) as e:
        run(notebook, tree, year=year, out=tree / "build" / "failed.ipynb")
    message = f"{e.value.ename}: {e.value.evalue}"
    for f in fragments:
        assert f in message, message
    assert {k: v for k, v in tree_snapshot(tree / "data" / "raw").items() if k != broken} == raw_before
    assert tree_snapshot(tree / "data" / "processed") == processed_before
    return message


def test_corrupt_zip(tree, monkeypatch):
    rel = "so_survey/stack-overflow-developer-survey-2021.zip"
    (tree / "data" / "raw" / rel).write_bytes(b"PK\x03\x04 this is not a zip")
    expect_failure(tree, monkeypatch, "16_clean_so_survey", rel, "not a readable zip", broken=rel)


def test_truncated_csv(tree, monkeypatch):
    rel = "pypi_downloads/hugovk_top_pypi_ml_packages.csv"
    f = tree / "data" / "raw" / rel
    f.write_bytes(f.read_bytes()[:5000])
    expect_failure(tree, monkeypatch, "00_acquire", rel, "truncated", "expected 707,015 bytes", broken=rel)


def test_truncated_dropin_csv(tree, monkeypatch):
    rel = "google_trends/multiTimeline.csv"
    text = (FIXTURES / "google_trends" / "monthly.csv").read_text(encoding="utf-8-sig")
    (tree / "data" / "raw" / rel).write_text(text[: len(text) - 7], encoding="utf-8")
    expect_failure(tree, monkeypatch, "15_clean_google_trends", rel, "truncated or malformed", broken=rel)


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
    rel = "so_survey/stack-overflow-developer-survey-2022.zip"
    src = FIXTURES / "so_survey" / "stack-overflow-developer-survey-2022.zip"
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


@pytest.mark.parametrize("year, fragment", [(2040, "outside the range the data can speak to (2017-2026)"),
                                            (1.5, "must be an integer in 2017-2026"),
                                            ("twenty", "must be an integer in 2017-2026")])
def test_bad_year(tree, monkeypatch, year, fragment):
    expect_failure(tree, monkeypatch, "40_verdict", "YearError", fragment, year=year)


@pytest.mark.parametrize("value, fragment", [("abc", "must be an integer"), ("2031", "outside the range")])
def test_bad_year_through_make(value, fragment):
    r = subprocess.run(["make", "-s", "check-year", f"YEAR={value}"], cwd=REPO, capture_output=True, text=True)
    assert r.returncode != 0 and fragment in r.stderr and "2017-2026" in r.stderr


def executed_cells(path) -> int:
    """Cells papermill has recorded as executed so far (it saves the output notebook after each cell)."""
    import json
    try:
        nb = json.loads(path.read_text())
    except (OSError, ValueError):
        return 0
    return sum(1 for c in nb["cells"] if c.get("cell_type") == "code" and c.get("execution_count"))


def test_interrupted_run_is_rerun_cleanly(tree, monkeypatch):
    """Kill the trend tests mid-notebook: earlier tables survive intact, nothing half-written; a re-run
    completes and gives the same bytes as the uninterrupted run."""
    import json
    import os
    monkeypatch.setenv("PTVTF_ROOT", str(tree))
    tables = tree / "reports" / "tables"
    before = tree_snapshot(tables)
    out = tree / "build" / "killed.ipynb"
    cmd = [sys.executable, "-m", "papermill", str(REPO / "notebooks" / "20_trend_tests.ipynb"), str(out),
           "-k", "pytorch-vs-tensorflow", "-p", "year", "2021", "--cwd", str(REPO / "notebooks"), "--no-progress-bar"]
    proc = subprocess.Popen(cmd, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL, start_new_session=True)
    deadline = time.time() + 120
    while executed_cells(out) < 4 and time.time() < deadline and proc.poll() is None:
        time.sleep(0.05)  # parameters, injected parameters, set-up (slow: every test), coverage: then kill
    os.killpg(proc.pid, signal.SIGKILL)
    proc.wait()
    nb = json.loads(out.read_text())
    code = [c for c in nb["cells"] if c["cell_type"] == "code"]
    assert not all(c.get("execution_count") for c in code), "the run finished before it could be interrupted"
    after_kill = tree_snapshot(tables)
    assert all(after_kill[k] == before[k] for k in after_kill if k in before), "a table was half-written"
    run("20_trend_tests", tree, out=tree / "build" / "rerun.ipynb")
    assert tree_snapshot(tables) == before, "the re-run gives the same bytes as the first run"
    assert not [p for p in tables.iterdir() if p.name.endswith(".tmp")], "stale temp files"
