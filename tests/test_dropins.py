"""Google Trends and Stack Overflow Developer Survey drop-ins, on fixtures in the official layouts."""
from __future__ import annotations

import shutil
import zipfile

import pytest

from conftest import FIXTURES
from helpers.sources import google_trends as gt
from helpers.sources import so_survey
from helpers.stats import surveys as survey_shift


def gt_raw(tmp_path, *names, rename=None):
    d = tmp_path / "google_trends"
    d.mkdir(parents=True, exist_ok=True)
    for n in names:
        shutil.copy(FIXTURES / "google_trends" / n, d / (rename or n))
    return tmp_path


def test_monthly_export_with_bom_and_less_than_one(tmp_path):
    rows, facts = gt.monthly(gt_raw(tmp_path, "monthly.csv", rename="multiTimeline.csv"))
    assert facts.loc[0, "geo"] == "Worldwide" and facts.loc[0, "resolution"] == "monthly"
    pt = rows[rows["framework"] == "pytorch"].set_index("month")["value"]
    assert pt["2016-01"] == 0 and pt["2016-07"] == 0.5  # "<1" -> 0.5
    assert len(pt) == 84 and rows["value"].max() == 100
    assert set(rows["source"]) == {"google_trends"} and set(rows["metric"]) == {"interest"}


def test_non_english_header_and_a_third_term(tmp_path):
    rows, facts = gt.monthly(gt_raw(tmp_path, "monthly_de.csv"))
    assert facts.loc[0, "geo"] == "Weltweit" and set(rows["framework"]) == {"pytorch", "tensorflow", "keras"}


def test_weekly_export_becomes_monthly_means_without_partial_end_months(tmp_path):
    rows, facts = gt.monthly(gt_raw(tmp_path, "weekly.csv"))
    assert facts.loc[0, "resolution"] == "weekly"
    table, _ = gt.parse(FIXTURES / "google_trends" / "weekly.csv")
    expected = table[(table["term"] == "tensorflow") & (table["date"].dt.strftime("%Y-%m") == "2020-03")]["value"].mean()
    got = rows[(rows["framework"] == "tensorflow") & (rows["month"] == "2020-03")]["value"].iloc[0]
    assert got == pytest.approx(expected)
    assert rows["month"].min() == "2019-02" and rows["month"].max() == "2021-11"


def test_pytrends_style_csv_drops_the_partial_period(tmp_path):
    d = tmp_path / "google_trends"
    d.mkdir()
    (d / "pytrends.csv").write_text("date,pytorch,tensorflow,isPartial\n2020-01-01,40,100,False\n"
                                    "2020-02-01,45,90,False\n2020-03-01,50,80,True\n")
    rows, facts = gt.monthly(tmp_path)
    assert facts.loc[0, "resolution"] == "monthly" and facts.loc[0, "geo"] == "(not stated)"
    assert sorted(rows["month"].unique()) == ["2020-01", "2020-02"]


def test_no_export_is_not_an_error(tmp_path):
    rows, facts = gt.monthly(tmp_path)
    assert rows.empty and facts.empty


def test_two_exports_are_rejected(tmp_path):
    raw = gt_raw(tmp_path, "monthly.csv", "weekly.csv")
    with pytest.raises(gt.GoogleTrendsError, match="2 exports .* not comparable"):
        gt.monthly(raw)


@pytest.mark.parametrize("edit, message", [
    (lambda t: t.replace("tensorflow: (Worldwide)", "tensorflow: (Germany)"), "different geographies"),
    (lambda t: t.replace("tensorflow: (Worldwide)", "jax: (Worldwide)"), r"lack \['tensorflow'\]"),
    (lambda t: t.replace("2018-05,", "May 2018,"), "is not YYYY-MM"),
    (lambda t: t.replace(",100", ",99"), "no value is 100"),
    (lambda t: t.replace("2018-05,", "2018-05,x"), "is not 0-100"),
    (lambda t: t.rsplit("\n", 3)[0] + "\n2022-12", "truncated or malformed"),
    (lambda t: "Interest over time\nnothing,here\n", "no header like"),
])
def test_malformed_exports_name_the_file_and_the_problem(tmp_path, edit, message):
    d = tmp_path / "google_trends"
    d.mkdir()
    text = (FIXTURES / "google_trends" / "monthly.csv").read_text(encoding="utf-8-sig")
    (d / "multiTimeline.csv").write_text(edit(text), encoding="utf-8")
    with pytest.raises(gt.GoogleTrendsError, match=message) as e:
        gt.monthly(tmp_path)
    assert "data/raw/google_trends/multiTimeline.csv" in str(e.value)


def test_non_utf8_export(tmp_path):
    d = tmp_path / "google_trends"
    d.mkdir()
    text = (FIXTURES / "google_trends" / "monthly_de.csv").read_text().replace("Alle Kategorien", "Alle Kategorien äöü")
    (d / "multiTimeline.csv").write_bytes(text.encode("latin-1"))
    with pytest.raises(gt.GoogleTrendsError, match="not UTF-8"):
        gt.monthly(tmp_path)


# --- Stack Overflow Developer Survey ------------------------------------------------------------------

def so_raw(tmp_path, years=(2018, 2020, 2022)):
    d = tmp_path / "so_survey"
    d.mkdir(parents=True, exist_ok=True)
    for y in years:
        shutil.copy(FIXTURES / "so_survey" / f"stack-overflow-developer-survey-{y}.zip", d)
    return tmp_path


def test_so_survey_counts_match_hand_counts(tmp_path):
    # 50 rows cycling 10 answers: TensorFlow in 5, Torch/PyTorch in 4, Keras in 2, missing in 2 of every 10
    shares, pairs = so_survey.shares(so_raw(tmp_path))
    s = shares.set_index(["year", "framework"])
    for y, column in ((2018, "FrameworkWorkedWith"), (2020, "MiscTechWorkedWith"), (2022, "MiscTechHaveWorkedWith")):
        assert s.loc[(y, "tensorflow"), "n_selected"] == 25 and s.loc[(y, "pytorch"), "n_selected"] == 20
        assert s.loc[(y, "keras"), "n_selected"] == 10 and s.loc[(y, "keras"), "n_answered"] == 40
        assert s.loc[(y, "tensorflow"), "column"] == column and not s.loc[(y, "tensorflow"), "complete"]
    p = pairs.set_index("year").loc[2020]
    assert (p["both"], p["tensorflow_only"], p["pytorch_only"], p["neither"]) == (10, 15, 10, 5)
    w = survey_shift.so_within_year(pairs).set_index("year")
    assert w.loc[2022, "test"].startswith("McNemar chi2") and w.loc[2022, "diff"] == pytest.approx(5 / 40)  # 25 discordant


def test_so_survey_complete_when_row_count_matches(tmp_path, monkeypatch):
    monkeypatch.setitem(so_survey.PUBLISHED, 2020, 50)
    shares, _ = so_survey.shares(so_raw(tmp_path, (2020,)))
    assert shares["complete"].all()


def rezip(tmp_path, year, transform, member="survey_results_public.csv"):
    src = FIXTURES / "so_survey" / f"stack-overflow-developer-survey-{year}.zip"
    with zipfile.ZipFile(src) as zf:
        data = transform(zf.read("survey_results_public.csv"))
    d = tmp_path / "so_survey"
    d.mkdir(exist_ok=True)
    with zipfile.ZipFile(d / src.name, "w") as zf:
        zf.writestr(member, data)
    return tmp_path


@pytest.mark.parametrize("make, message", [
    (lambda t: rezip(t, 2022, lambda b: b.replace(b"MiscTechHaveWorkedWith", b"ToolsUsed")), "no framework column"),
    (lambda t: rezip(t, 2022, lambda b: b, member="other.csv"), "no survey_results_public.csv"),
    (lambda t: rezip(t, 2022, lambda b: b[: len(b) - 30]), "truncated or malformed"),
    (lambda t: rezip(t, 2022, lambda b: b.replace(b"Germany", b"Germ\xe4ny")), "not UTF-8"),
])
def test_bad_so_survey_zips(tmp_path, make, message):
    with pytest.raises(so_survey.SoSurveyError, match=message) as e:
        so_survey.shares(make(tmp_path))
    assert "data/raw/so_survey/stack-overflow-developer-survey-2022.zip" in str(e.value)


def test_so_survey_corrupt_zip_lfs_pointer_and_bad_name(tmp_path):
    d = tmp_path / "so_survey"
    d.mkdir()
    (d / "stack-overflow-developer-survey-2021.zip").write_bytes(b"PK\x03\x04garbage")
    with pytest.raises(so_survey.SoSurveyError, match="2021.zip: not a readable zip"):
        so_survey.shares(tmp_path)
    (d / "stack-overflow-developer-survey-2021.zip").write_text("version https://git-lfs.github.com/spec/v1\noid x\n")
    with pytest.raises(so_survey.SoSurveyError, match="2021.zip: is a Git-LFS pointer"):
        so_survey.shares(tmp_path)
    (d / "stack-overflow-developer-survey-2021.zip").unlink()
    (d / "survey2021.zip").write_bytes(b"x")
    with pytest.raises(so_survey.SoSurveyError, match="survey2021.zip: name is not"):
        so_survey.shares(tmp_path)


def test_empty_so_survey_folder(tmp_path):
    shares, pairs = so_survey.shares(tmp_path)
    assert shares.empty and pairs.empty


# --- the drop-ins reach the reports -------------------------------------------------------------------------

@pytest.mark.chain
def test_drop_ins_flow_into_the_reports(tmp_path):
    """A Google Trends export and SO survey zips added to data/raw/ are verified as drop-ins, reach
    monthly_signals, the survey report and the verdict, and are hashed into the provenance record."""
    import json

    import nbformat

    from conftest import compute_steps, make_tree, rooted, run_step
    from helpers.chain import io
    tree = make_tree(tmp_path / "project", monthly=True)
    raw = tree / "data" / "raw"
    shutil.copy(FIXTURES / "google_trends" / "monthly.csv", raw / "google_trends" / "multiTimeline.csv")
    for z in (FIXTURES / "so_survey").glob("*.zip"):
        shutil.copy(z, raw / "so_survey" / z.name)
    for name in ("00_acquire", "15_clean_google_trends", "16_clean_so_survey"):
        assert run_step(name, tree) == 0, name
    compute_steps(tree, ["10_clean_kaggle", "11_clean_stackexchange", "12_clean_github", "13_clean_pypi",
                         "14_clean_conferences", "assemble_signals", "20_trend_tests"])
    for name in ("30_survey_shift", "35_claims"):
        assert run_step(name, tree) == 0, name
    assert run_step("40_verdict", tree, 2021) == 0
    with rooted(tree):
        ms, v = io.read_table("monthly_signals"), io.read_table("verdict").set_index("claim_id")
    assert set(ms.loc[ms["source"] == "google_trends", "framework"]) == {"pytorch", "tensorflow"}
    nb = nbformat.read(tree / "build" / "notebooks" / "30_survey_shift.ipynb", as_version=4)
    assert any("McNemar" in json.dumps(c.get("outputs", [])) for c in nb.cells if "so_within" in c.source)
    assert v.loc["gt_2020_pt_ahead", "verdict"] != "untestable"
    assert "Google Trends interest 2020" in v.loc["gt_2020_pt_ahead", "evidence"]
    rec = json.loads((tree / "reports" / "provenance_2021.json").read_text())
    assert "google_trends/multiTimeline.csv" in rec["drop_ins"]
