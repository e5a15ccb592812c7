"""The notebook chain itself, run with papermill on fixture data (a miniature project tree).

The Kaggle zips are 300-respondent fixtures; the monthly sources are the project's own small raw
files. The whole chain runs once per test session (module fixture); tests then check the outputs.
"""
from __future__ import annotations

import ast
import json
import re

import nbformat
import pandas as pd
import papermill as pm
import pytest

from helpers import claims, schemas, signals
from conftest import KERNEL, REPO, assemble, run, sha, tree_snapshot

pytestmark = pytest.mark.chain


def test_raw_data_untouched(chain):
    assert tree_snapshot(chain["tree"] / "data" / "raw") == chain["raw_before"]


def test_kaggle_shares_contract(chain):
    shares = pd.read_csv(chain["tree"] / "data" / "processed" / "kaggle_framework_shares.csv")
    schemas.validate_kaggle_shares(shares)
    assert sorted(shares["year"].unique()) == [2018, 2019, 2020, 2021, 2022] and (shares["n_respondents"] == 300).all()


def test_monthly_signals_contract(chain):
    ms = signals.read(chain["tree"] / "data" / "processed" / "monthly_signals.csv")
    schemas.validate_monthly_signals(ms)
    assert list(ms.columns[:5]) == ["source", "metric", "framework", "month", "value"]
    assert {"stackoverflow", "dsse", "github", "pypi"} <= set(ms["source"])
    assert ms.equals(ms.sort_values(["source", "metric", "framework", "month"], ignore_index=True))
    # counts add up: DSSE per-tag questions never exceed all questions in the month
    d = ms[(ms["source"] == "dsse") & (ms["metric"] == "questions")].pivot(index="month", columns="framework", values="value")
    assert (d.drop(columns="all").le(d["all"], axis=0)).all().all()
    a = ms[(ms["source"] == "dsse")].pivot_table(index=["framework", "month"], columns="metric", values="value").dropna()
    assert (a["answered"] <= a["questions"]).all()


def test_conference_papers_contract(chain):
    p = pd.read_csv(chain["tree"] / "data" / "processed" / "conference_papers.csv")
    schemas.validate_conference_papers(p)
    assert list(p.columns[:5]) == ["conference", "year", "pytorch_papers", "tensorflow_papers", "total_papers"]


def test_processed_tables_are_deterministic(chain):
    tree = chain["tree"]
    target = tree / "data" / "processed" / "monthly_signals.csv"
    before = sha(target)
    assemble(tree)
    assert sha(target) == before
    part = tree / "data" / "processed" / "monthly_github.csv"
    before = sha(part)
    run("12_clean_github", tree, out=tree / "build" / "again.ipynb")
    assert sha(part) == before
    # report tables too: the bootstrap intervals are seeded
    tables = tree / "reports" / "tables"
    before = {n: sha(tables / n) for n in ("crossovers.csv", "signal_tests_2021.csv", "yearly_trends.csv")}
    run("20_trend_tests", tree, out=tree / "build" / "again20.ipynb")
    assert {n: sha(tables / n) for n in before} == before


def test_crossovers_contract(chain):
    c = pd.read_csv(chain["tree"] / "reports" / "tables" / "crossovers.csv", keep_default_na=False)
    assert c["signal"].is_unique
    for _, r in c.iterrows():
        if r["crossover"]:
            assert re.fullmatch(r"\d{4}(-\d{2})?", r["crossover"])
            if r["crossover_low"]:
                assert r["crossover_low"] <= r["crossover"] <= r["crossover_high"]
        else:
            assert r["reason"], "an empty crossover must say why"
    assert {"Stack Overflow questions", "GitHub new stars", "PyPI downloads", "Kaggle survey"} <= set(c["signal"])


def test_verdict_contract(chain):
    v = pd.read_csv(chain["tree"] / "reports" / "tables" / "verdict_2021.csv")
    assert list(v.columns) == ["claim_id", "verdict", "evidence"]
    assert list(v["claim_id"]) == list(claims.CLAIMS)
    assert set(v["verdict"]) <= set(claims.VERDICTS) and v["evidence"].str.len().min() > 40
    g = v.set_index("claim_id")
    assert g.loc["gt_2020_pt_ahead", "verdict"] == "untestable" and "multiTimeline.csv" in g.loc["gt_2020_pt_ahead", "evidence"]
    assert g.loc["so_2020_pt_more_questions", "verdict"] == "contradicted"  # real SO counts: TF ahead all of 2020
    assert g.loc["tf_pypi_115m_2020", "verdict"] == "supported"


def test_provenance_record(chain):
    rec = json.loads((chain["tree"] / "reports" / "provenance_2021.json").read_text())
    assert rec["parameters"] == {"year": 2021}
    assert len(rec["inputs"]) == len(pd.read_csv(chain["tree"] / "data" / "raw" / "MANIFEST.csv"))
    assert {"pandas", "statsmodels", "papermill"} <= set(rec["libraries"]) and rec["git"]["commit"]
    assert "reports/tables/verdict_2021.csv" in rec["outputs"]


def test_html_has_no_code_and_needs_no_network(chain):
    for page in chain["html"].glob("*.html"):
        text = page.read_text(encoding="utf-8")
        assert not re.search(r'class="[^"]*(jp-InputArea-editor|hl-ipython3|jp-CodeMirrorEditor)', text), page.name
        assert not re.search(r'<script[^>]+src="https?://', text), page.name
        assert not re.search(r'<link[^>]+href="https?://', text), page.name
        assert "data:image/png;base64" in text, page.name  # charts embedded


@pytest.mark.parametrize("year, fragment", [(2030, "outside the range"), ("2021", "must be an integer"),
                                            (2021.5, "must be an integer")])
def test_bad_year_stops_the_first_cell(fixture_tree, monkeypatch, year, fragment):
    monkeypatch.setenv("PTVTF_ROOT", str(fixture_tree))
    with pytest.raises(pm.PapermillExecutionError) as e:
        run("10_clean_kaggle", fixture_tree, year=year)
    assert "YearError" in e.value.ename and fragment in e.value.evalue and "2017-2026" in e.value.evalue
    # parameters, papermill's injected parameters, then the validation cell fails: nothing else ran
    assert e.value.exec_count == 3 and "validate_year" in e.value.source
    assert not (fixture_tree / "data" / "processed").exists()


def test_tampered_raw_file_stops_acquisition(fixture_tree, monkeypatch):
    monkeypatch.setenv("PTVTF_ROOT", str(fixture_tree))
    f = fixture_tree / "data" / "raw" / "kaggle_survey" / "kaggle_survey_2021.zip"
    f.write_bytes(f.read_bytes()[:100])
    with pytest.raises(pm.PapermillExecutionError) as e:
        run("00_acquire", fixture_tree)
    assert "RawDataError" in e.value.ename and "kaggle_survey_2021.zip: truncated" in e.value.evalue


def test_source_notebooks_have_one_literal_parameters_cell_and_no_outputs():
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
        first_code = next(c for c in nb.cells if c.cell_type == "code" and c is not tagged[0])
        assert "validate_year" in first_code.source, f"{path.name}: the cell after the parameters must check `year`"


def test_drop_ins_flow_into_the_reports(chain, tmp_path, monkeypatch):
    """A Google Trends export and SO survey zips added to data/raw/ reach monthly_signals, 30 and the verdict."""
    import shutil
    from conftest import FIXTURES
    tree = tmp_path / "project"
    shutil.copytree(chain["tree"], tree)
    raw = tree / "data" / "raw"
    shutil.copy(FIXTURES / "google_trends" / "monthly.csv", raw / "google_trends" / "multiTimeline.csv")
    for z in (FIXTURES / "so_survey").glob("*.zip"):
        shutil.copy(z, raw / "so_survey" / z.name)
    monkeypatch.setenv("PTVTF_ROOT", str(tree))
    for nb in ("00_acquire", "15_clean_google_trends", "16_clean_so_survey"):
        run(nb, tree)
    assemble(tree)
    ms = signals.read(tree / "data" / "processed" / "monthly_signals.csv")
    assert set(ms.loc[ms["source"] == "google_trends", "framework"]) == {"pytorch", "tensorflow"}
    out = run("30_survey_shift", tree)
    nb = nbformat.read(out, as_version=4)
    assert any("McNemar" in json.dumps(c.get("outputs", [])) for c in nb.cells if "so_within" in c.source)
    run("20_trend_tests", tree)
    run("40_verdict", tree)
    v = pd.read_csv(tree / "reports" / "tables" / "verdict_2021.csv").set_index("claim_id")
    assert v.loc["gt_2020_pt_ahead", "verdict"] != "untestable"
    assert "Google Trends interest 2020" in v.loc["gt_2020_pt_ahead", "evidence"]
    rec = json.loads((tree / "reports" / "provenance_2021.json").read_text())
    assert "google_trends/multiTimeline.csv" in rec["drop_ins"]
