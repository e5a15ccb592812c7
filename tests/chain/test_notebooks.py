"""The notebooks as the chain runs them, without the session's chain: each calls its registered function, has one
literal parameters cell and no outputs, and stops at its first cell on a bad year or a tampered raw file; a failed
step leaves no outputs."""
from __future__ import annotations

import ast
import re

import nbformat
import papermill as pm
import pytest

from conftest import REPO, execute, run_step
from helpers.registry.steps import STEPS, step
from helpers.registry.tables import TABLES


def test_notebooks_call_their_registered_function():
    """Each notebook computes its outputs with its step's registered function (the one the pipeline calls)."""
    for s in STEPS:
        if s.notebook:
            module, name = s.function.split(":")
            source = "\n".join(c.source for c in nbformat.read(REPO / "notebooks" / f"{s.name}.ipynb", 4).cells)
            alias = module.rsplit(".", 1)[-1]
            assert re.search(rf"\b\w+\.{name}\(", source) and (alias in source or " as " in source), s.name
            if s.outputs:
                assert f'write_outputs("{s.name}"' in source, s.name


@pytest.mark.parametrize("year, fragment", [(2030, "outside the range"), ("2021", "must be an integer")])
def test_bad_year_stops_the_first_cell(fixture_tree, year, fragment):
    with pytest.raises(pm.PapermillExecutionError) as e:
        execute("40_verdict", fixture_tree, year=year)
    assert "YearError" in e.value.ename and fragment in e.value.evalue and "2017-2026" in e.value.evalue
    assert "notebook.start(year)" in e.value.source  # the cell after the parameters: nothing else ran
    assert not (fixture_tree / "reports").exists()


def test_tampered_raw_file_stops_acquisition(fixture_tree):
    f = fixture_tree / "data" / "raw" / "kaggle_survey" / "kaggle_survey_2021.zip"
    f.write_bytes(f.read_bytes()[:100])
    with pytest.raises(pm.PapermillExecutionError) as e:
        execute("00_acquire", fixture_tree)
    assert "RawDataError" in e.value.ename and "kaggle_survey_2021.zip: truncated" in e.value.evalue


def test_a_failed_step_leaves_no_outputs(fixture_tree):
    """helpers.chain.run removes a failed step's registered outputs (Make's .DELETE_ON_ERROR for grouped targets)."""
    out = fixture_tree / "data" / "processed" / "conference_papers.csv"
    out.parent.mkdir(parents=True)
    out.write_text("stale\n")
    assert run_step("14_clean_conferences", fixture_tree) == 1  # the fixture tree has no conference papers
    assert not out.exists() and not (fixture_tree / "reports" / "html" / "14_clean_conferences.html").exists()


def test_source_notebooks_have_one_literal_parameters_cell_and_no_outputs():
    for s in STEPS:
        if not s.notebook:
            continue
        nb = nbformat.read(REPO / "notebooks" / f"{s.name}.ipynb", as_version=4)
        tagged = [c for c in nb.cells if "parameters" in c.metadata.get("tags", [])]
        assert len(tagged) == 1, s.name
        body = ast.parse(tagged[0].source).body
        assert all(isinstance(n, ast.Assign) and isinstance(n.value, ast.Constant) for n in body), s.name
        assert ("year" in {t.id for n in body for t in n.targets}) == s.per_year, f"{s.name}: year only where used"
        assert all(not c.get("outputs") and c.get("execution_count") is None
                   for c in nb.cells if c.cell_type == "code"), f"{s.name} has outputs"
        assert nb.metadata["kernelspec"]["name"] == "pytorch-vs-tensorflow"
        first_code = next(c for c in nb.cells if c.cell_type == "code" and c is not tagged[0])
        assert "notebook.start(" in first_code.source, f"{s.name}: the cell after the parameters must start the notebook"
    assert {p.stem for p in (REPO / "notebooks").glob("*.ipynb")} == {s.name for s in STEPS if s.notebook}


def test_steps_cover_every_table():
    for t in TABLES:
        assert t.id in step(t.step).outputs
