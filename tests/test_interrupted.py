"""An interrupted run: a step killed mid-notebook leaves every earlier table intact and nothing half-written;
running it again completes and gives the bytes an uninterrupted run gives."""
from __future__ import annotations

import json
import os
import signal
import subprocess
import sys
import time

import pytest

from conftest import compute_steps, run_step, tree_snapshot

pytestmark = pytest.mark.chain


def executed_cells(path) -> int:
    """Cells papermill has recorded as executed so far (it saves the output notebook after each cell)."""
    try:
        nb = json.loads(path.read_text())
    except (OSError, ValueError):
        return 0
    return sum(1 for c in nb["cells"] if c.get("cell_type") == "code" and c.get("execution_count"))


def test_interrupted_run_is_rerun_cleanly(cleaned_tree):
    """Kill the trend tests mid-notebook: earlier tables survive intact, nothing half-written; a re-run
    completes and gives the same bytes as the uninterrupted run."""
    tree = cleaned_tree
    compute_steps(tree, ["20_trend_tests"])  # the uninterrupted result (the pipeline gives the notebook's bytes)
    tables = tree / "reports" / "tables"
    before = tree_snapshot(tables)
    out = tree / "build" / "notebooks" / "20_trend_tests.ipynb"
    out.unlink(missing_ok=True)
    env = {**os.environ, "PTVTF_ROOT": str(tree)}
    proc = subprocess.Popen([sys.executable, "-m", "helpers.chain.run", "20_trend_tests"], env=env,
                            stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL, start_new_session=True)
    deadline = time.time() + 120
    while executed_cells(out) < 2 and time.time() < deadline and proc.poll() is None:
        time.sleep(0.05)  # parameters and set-up done: the next cell computes and writes the tables
    time.sleep(2)  # well inside that cell (it takes several seconds), then kill it
    os.killpg(proc.pid, signal.SIGKILL)
    proc.wait()
    nb = json.loads(out.read_text())
    code = [c for c in nb["cells"] if c["cell_type"] == "code"]
    assert not all(c.get("execution_count") for c in code), "the run finished before it could be interrupted"
    after_kill = tree_snapshot(tables)
    assert all(after_kill[k] == before[k] for k in after_kill if k in before), "a table was half-written"
    assert run_step("20_trend_tests", tree) == 0
    assert tree_snapshot(tables) == before, "the re-run gives the same bytes as the first run"
    assert not [p for p in tables.iterdir() if p.name.endswith(".tmp")], "stale temp files"
