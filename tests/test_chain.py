"""The notebook chain itself, run with papermill on fixture data (a miniature project tree)."""
from __future__ import annotations

import hashlib
import shutil

import pandas as pd
import papermill as pm
import pytest

from helpers import schemas
from conftest import REPO, tree_snapshot

KERNEL = "pytorch-vs-tensorflow"
pytestmark = pytest.mark.chain


def run(nb: str, tree, year=2021, out=None):
    out = out or tree / "build" / f"{nb}_{year}.ipynb"
    out.parent.mkdir(parents=True, exist_ok=True)
    return pm.execute_notebook(str(REPO / "notebooks" / f"{nb}.ipynb"), str(out), parameters={"year": year},
                               kernel_name=KERNEL, cwd=str(REPO / "notebooks"), progress_bar=False)


@pytest.fixture
def chain_env(fixture_tree, monkeypatch):
    monkeypatch.setenv("PTVTF_ROOT", str(fixture_tree))  # the kernel inherits it; helpers.paths reads it
    return fixture_tree


def sha(path):
    return hashlib.sha256(path.read_bytes()).hexdigest()


def test_chain_runs_on_fixtures_and_writes_valid_tables(chain_env):
    tree = chain_env
    raw_before = tree_snapshot(tree / "data" / "raw")
    for nb in ("00_acquire", "10_clean_kaggle", "30_survey_shift"):
        run(nb, tree)
    shares_path = tree / "data" / "processed" / "kaggle_framework_shares.csv"
    shares = pd.read_csv(shares_path)
    schemas.validate_kaggle_shares(shares)
    assert sorted(shares["year"].unique()) == [2018, 2019, 2020, 2021, 2022]
    assert (shares["n_respondents"] == 300).all()
    resp = pd.read_parquet(tree / "data" / "processed" / "kaggle_respondents.parquet")
    assert len(resp) == 6 * 300 and not resp.duplicated(["year", "respondent"]).any()
    # deterministic: running the cleaning again gives byte-identical tables
    first = sha(shares_path), sha(tree / "data" / "processed" / "kaggle_respondents.parquet")
    run("10_clean_kaggle", tree, out=tree / "build" / "again.ipynb")
    assert (sha(shares_path), sha(tree / "data" / "processed" / "kaggle_respondents.parquet")) == first
    assert tree_snapshot(tree / "data" / "raw") == raw_before  # raw data is never modified


@pytest.mark.parametrize("year, fragment", [(2030, "outside the range"), ("2021", "must be an integer"),
                                            (2021.5, "must be an integer")])
def test_bad_year_stops_the_first_cell(chain_env, year, fragment):
    with pytest.raises(pm.PapermillExecutionError) as e:
        run("10_clean_kaggle", chain_env, year=year)
    assert "YearError" in e.value.ename and fragment in e.value.evalue and "2017-2026" in e.value.evalue
    # parameters, papermill's injected parameters, then the validation cell fails: nothing else ran
    assert e.value.exec_count == 3 and "validate_year" in e.value.source
    assert not (chain_env / "data" / "processed").exists()


def test_tampered_raw_file_stops_acquisition(chain_env):
    f = chain_env / "data" / "raw" / "kaggle_survey" / "kaggle_survey_2021.zip"
    f.write_bytes(f.read_bytes()[:100])
    with pytest.raises(pm.PapermillExecutionError) as e:
        run("00_acquire", chain_env)
    assert "RawDataError" in e.value.ename and "kaggle_survey_2021.zip: truncated" in e.value.evalue


def test_source_notebooks_have_one_literal_parameters_cell_and_no_outputs():
    import ast
    import nbformat
    for path in sorted((REPO / "notebooks").glob("*.ipynb")):
        nb = nbformat.read(path, as_version=4)
        tagged = [c for c in nb.cells if "parameters" in c.metadata.get("tags", [])]
        assert len(tagged) == 1, path.name
        for node in ast.parse(tagged[0].source).body:  # literals only
            assert isinstance(node, ast.Assign) and isinstance(node.value, ast.Constant), path.name
        assert "year" in tagged[0].source
        assert all(not c.get("outputs") and c.get("execution_count") is None
                   for c in nb.cells if c.cell_type == "code"), f"{path.name} has outputs"
        assert nb.metadata["kernelspec"]["name"] == KERNEL
