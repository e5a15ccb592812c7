"""Google Trends and Stack Overflow Developer Survey drop-ins, on fixtures in the official layouts."""
from __future__ import annotations

import dataclasses
import shutil
import zipfile

import pandas as pd
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
    assert set(rows["source_id"]) == {"google_trends"} and set(rows["metric"]) == {"interest"}


def test_non_english_header_and_a_third_term(tmp_path):
    rows, facts = gt.monthly(gt_raw(tmp_path, "monthly_de.csv"))
    assert facts.loc[0, "geo"] == "Weltweit" and set(rows["framework"]) == {"pytorch", "tensorflow", "keras"}


def test_weekly_export_becomes_monthly_means_without_partial_end_months(tmp_path):
    rows, facts = gt.monthly(gt_raw(tmp_path, "weekly.csv"))
    assert facts.loc[0, "resolution"] == "weekly" and facts.loc[0, "geo"] == "United States"
    table, _ = gt.parse(FIXTURES / "google_trends" / "weekly.csv")
    # 2020-03: weeks starting 03-01 ... 03-29; the last covers 03-29..04-04, so March's days are 7,7,7,7 and 3
    tf = table[table["term"] == "tensorflow"].set_index("start")["value"]
    weeks = tf["2020-03-01":"2020-03-29"].to_numpy()
    expected = (weeks[:4].sum() * 7 + weeks[4] * 3) / 31
    got = rows[(rows["framework"] == "tensorflow") & (rows["month"] == "2020-03")]["value"].iloc[0]
    assert got == pytest.approx(expected)
    assert rows["month"].min() == "2019-02" and rows["month"].max() == "2021-12"
    assert facts.loc[0, "partial_months"] == "2019-01 (26 of 31 days); 2022-01 (1 of 31 days)"


def test_weekly_2016_2020_export_keeps_every_complete_month_of_2020(tmp_path):
    """The issue's case: weeks 2016-01-03 ... 2020-12-27. The last week ends 2021-01-02, so December 2020 is
    complete and 2020 has all 12 months; only 2016-01 (from the 3rd) and 2021-01 (two days) are partial."""
    rows, facts = gt.monthly(gt_raw(tmp_path, "weekly_2016_2020.csv", rename="multiTimeline.csv"))
    months = sorted(rows["month"].unique())
    assert months[0] == "2016-02" and months[-1] == "2020-12" and len(months) == 59
    assert sum(m.startswith("2020") for m in months) == 12
    assert facts.loc[0, "n_months"] == 59 and "2016-01 (29 of 31 days)" in facts.loc[0, "partial_months"]
    table, _ = gt.parse(FIXTURES / "google_trends" / "weekly_2016_2020.csv")
    assert table[table["term"] == "pytorch"]["value"].iloc[0] == 0.5  # '<1' is read as 0.5, not 0, not an error


def test_daily_german_export_gives_its_complete_months(tmp_path):
    rows, facts = gt.monthly(gt_raw(tmp_path, "daily_de_2020.csv", rename="multiTimeline.csv"))
    f = facts.iloc[0]
    assert (f["resolution"], f["geo"], f["n_months"], f["partial_months"]) == ("daily", "Weltweit", 7, "")
    table, _ = gt.parse(FIXTURES / "google_trends" / "daily_de_2020.csv")
    july = table[(table["term"] == "pytorch") & (table["start"].dt.month == 7)]["value"].mean()
    assert rows.set_index(["framework", "month"]).loc[("pytorch", "2020-07"), "value"] == pytest.approx(july)


@pytest.mark.parametrize("edit, check", [
    (lambda t: t.replace("(Worldwide)", "(United Kingdom)"), lambda f: f["geo"] == "United Kingdom"),
    (lambda t: t.replace("Category: All categories\n\n", ""), lambda f: f["n_months"] == 59),  # no preamble
    (lambda t: t.replace("Week,", "Semaine,").replace("Category: All categories", "Catégorie : Toutes catégories"),
     lambda f: f["resolution"] == "weekly"),
    (lambda t: "\n".join(line + (",x,y,z" if i == 2 else ",1,2,3" if i > 2 and line else "")
                         for i, line in enumerate(t.splitlines()))
     .replace(",x,y,z", ",keras: (Worldwide),jax: (Worldwide),mxnet: (Worldwide)"),
     lambda f: f["terms"] == "pytorch, tensorflow, keras, jax, mxnet"),
])
def test_variants_trends_google_com_produces(tmp_path, edit, check):
    """Region, language and preamble variants and five terms: all read, the region named."""
    d = tmp_path / "google_trends"
    d.mkdir()
    text = (FIXTURES / "google_trends" / "weekly_2016_2020.csv").read_text(encoding="utf-8-sig")
    (d / "multiTimeline.csv").write_text(edit(text), encoding="utf-8")
    _, facts = gt.monthly(tmp_path)
    assert check(facts.iloc[0]), facts.iloc[0].to_dict()


def test_six_terms_and_hourly_rows_are_refused(tmp_path):
    d = tmp_path / "google_trends"
    d.mkdir()
    six = "Time,pytorch: (Worldwide),tensorflow: (Worldwide),a: (Worldwide),b: (Worldwide),c: (Worldwide),d: (Worldwide)"
    (d / "multiTimeline.csv").write_text(f"{six}\n2020-01,1,100,1,1,1,1\n")
    with pytest.raises(gt.GoogleTrendsError, match="6 terms"):
        gt.monthly(tmp_path)
    (d / "multiTimeline.csv").write_text("Time,pytorch: (Worldwide),tensorflow: (Worldwide)\n"
                                         "2020-06-01T10,40,100\n2020-06-01T11,41,99\n")
    with pytest.raises(gt.GoogleTrendsError, match="hourly rows"):
        gt.monthly(tmp_path)


def test_pytrends_style_csv_drops_the_partial_period(tmp_path):
    d = tmp_path / "google_trends"
    d.mkdir()
    (d / "pytrends.csv").write_text("date,pytorch,tensorflow,isPartial\n2020-01-01,40,100,False\n"
                                    "2020-02-01,45,90,False\n2020-03-01,50,80,True\n")
    rows, facts = gt.monthly(tmp_path)
    assert facts.loc[0, "resolution"] == "monthly" and facts.loc[0, "geo"] == "(not stated)"
    assert sorted(rows["month"].unique()) == ["2020-01", "2020-02"] and facts.loc[0, "dropped_partial"] == "2020-03-01"


def test_pytrends_weekly_partial_week_leaves_its_month_partial(tmp_path):
    d = tmp_path / "google_trends"
    d.mkdir()
    weeks = pd.date_range("2020-11-01", "2020-12-27", freq="7D")
    body = "".join(f"{w:%Y-%m-%d},{40 + i},{100 - i},{'True' if w == weeks[-1] else 'False'}\n"
                   for i, w in enumerate(weeks))
    (d / "pytrends.csv").write_text("date,pytorch,tensorflow,isPartial\n" + body)
    rows, facts = gt.monthly(tmp_path)
    assert sorted(rows["month"].unique()) == ["2020-11"]  # December lost its last week
    assert "2020-12 (26 of 31 days)" in facts.loc[0, "partial_months"]


def test_no_export_is_not_an_error(tmp_path):
    rows, facts = gt.monthly(tmp_path)
    assert rows.empty and facts.empty


def test_two_exports_are_rejected(tmp_path):
    raw = gt_raw(tmp_path, "monthly.csv", "weekly.csv")
    with pytest.raises(gt.GoogleTrendsError, match="2 exports .* not comparable"):
        gt.monthly(raw)


@pytest.mark.parametrize("edit, message", [
    (lambda t: t.replace("tensorflow: (Worldwide)", "tensorflow: (Germany)"), "different regions"),
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

SO_YEARS = (2018, 2019, 2020, 2023, 2024, 2025)


def so_raw(tmp_path, years=SO_YEARS):
    d = tmp_path / "so_survey"
    d.mkdir(parents=True, exist_ok=True)
    for y in years:
        shutil.copy(FIXTURES / "so_survey" / f"stack-overflow-developer-survey-{y}.zip", d)
    return tmp_path


def test_so_survey_counts_match_hand_counts(tmp_path):
    """40 rows cycling 10 answers in each year's real option strings: TensorFlow in 5, Torch/PyTorch in 4, Keras in
    2 (offered from 2020), missing in 2 of every 10."""
    shares, pairs, _ = so_survey.shares(so_raw(tmp_path))
    s = shares.set_index(["year", "framework"])
    columns = {2018: "FrameworkWorkedWith", 2019: "MiscTechWorkedWith", 2020: "MiscTechWorkedWith",
               2023: "MiscTechHaveWorkedWith", 2024: "MiscTechHaveWorkedWith"}
    for y, column in columns.items():
        assert s.loc[(y, "tensorflow"), "n_selected"] == 20 and s.loc[(y, "pytorch"), "n_selected"] == 16
        assert s.loc[(y, "tensorflow"), "n_answered"] == 32 and s.loc[(y, "tensorflow"), "column"] == column
        assert not s.loc[(y, "tensorflow"), "is_complete"] and "40 of" in s.loc[(y, "tensorflow"), "sample_note"]
    p = pairs.set_index("year").loc[2020]
    assert (p["n_both"], p["n_tensorflow_only"], p["n_pytorch_only"], p["n_neither"]) == (8, 12, 8, 4)
    w = survey_shift.so_within_year(pairs).set_index("year")
    assert w.loc[2024, "tf_minus_pt_change"] == pytest.approx(4 / 32) and w.loc[2024, "sample_note"].startswith("a sample")


def test_an_option_a_year_did_not_offer_is_missing_not_zero(tmp_path):
    """Keras was not an option in 2018 (FrameworkWorkedWith) or 2019 (MiscTechWorkedWith): no count, no share,
    no interval, and the status says so; from 2020 it is a count."""
    shares = so_survey.build(so_raw(tmp_path, (2019, 2020)))["so_survey_framework_shares"].set_index(["year",
                                                                                                      "framework"])
    k19 = shares.loc[(2019, "keras")]
    assert pd.isna(k19["n_selected"]) and pd.isna(k19["answered_share"]) and pd.isna(k19["answered_share_low"])
    assert k19["status"] == "not offered in 2019" and not k19["is_offered"]
    assert shares.loc[(2020, "keras"), "n_selected"] == 8 and shares.loc[(2020, "keras"), "is_offered"]
    from helpers.chain import schemas
    schemas.validate("so_survey_framework_shares", shares.reset_index())


def test_a_year_without_a_frameworks_question_is_read_and_reported(tmp_path):
    """2025 asked no frameworks question: its 40 rows are counted (one has a 200 kB free-text answer, beyond
    Python csv's default field limit), every framework is 'not asked', and there are no pairs."""
    shares, pairs, _ = so_survey.shares(so_raw(tmp_path, (2025,)))
    assert (shares["n_respondents"] == 40).all() and shares["n_selected"].isna().all()
    assert shares["status"].str.startswith("not asked").all() and pairs.empty


def test_a_year_with_an_unknown_layout_names_the_columns_looked_for(tmp_path):
    d = tmp_path / "so_survey"
    d.mkdir()
    shutil.copy(FIXTURES / "so_survey" / "stack-overflow-developer-survey-2024.zip",
                d / "stack-overflow-developer-survey-2026.zip")
    with pytest.raises(so_survey.SoSurveyError, match=r"2026 survey is unknown .*MiscTechHaveWorkedWith") as e:
        so_survey.shares(tmp_path)
    assert "stack-overflow-developer-survey-2026.zip" in str(e.value)


def test_so_survey_complete_when_row_count_matches(tmp_path, monkeypatch):
    monkeypatch.setitem(so_survey.LAYOUTS, 2020, dataclasses.replace(so_survey.LAYOUTS[2020], published=40))
    shares, pairs, _ = so_survey.shares(so_raw(tmp_path, (2020,)))
    assert shares["is_complete"].all() and (shares["sample_note"] == "").all() and pairs["is_complete"].all()


def test_samples_are_never_tested_against_full_years(tmp_path, monkeypatch):
    """Two complete years get a year-over-year test; a sample year between them is left out of the shifts."""
    for year in (2019, 2023):
        monkeypatch.setitem(so_survey.LAYOUTS, year, dataclasses.replace(so_survey.LAYOUTS[year], published=40))
    shares = so_survey.build(so_raw(tmp_path, (2019, 2020, 2023)))["so_survey_framework_shares"]
    comparable = survey_shift.so_comparable(shares)
    shifts = survey_shift.year_over_year(comparable)
    assert set(zip(shifts["year_before"], shifts["year_after"], strict=True)) == {(2019, 2023)}
    assert set(shifts["framework"]) == {"tensorflow", "pytorch"}  # keras: not offered in 2019
    assert so_survey.samples(shares) == ["2020: a sample: 40 of 64,461 published respondents"]


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
    (lambda t: rezip(t, 2024, lambda b: b.replace(b"MiscTechHaveWorkedWith", b"ToolsUsed")),
     r"no framework column 'MiscTechHaveWorkedWith' \(the 2024 layout\)"),
    (lambda t: rezip(t, 2024, lambda b: b.replace(b"ResponseId", b"Id")), "no ResponseId column"),
    (lambda t: rezip(t, 2024, lambda b: b, member="other.csv"), "no survey_results_public.csv"),
    (lambda t: rezip(t, 2024, lambda b: b[: len(b) - 30]), "truncated or malformed"),
    (lambda t: rezip(t, 2024, lambda b: b.replace(b"Torch/PyTorch", b"Torch/PyT\xf6rch")), "not UTF-8"),
])
def test_bad_so_survey_zips(tmp_path, make, message):
    with pytest.raises(so_survey.SoSurveyError, match=message) as e:
        so_survey.shares(make(tmp_path))
    assert "data/raw/so_survey/stack-overflow-developer-survey-2024.zip" in str(e.value)


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
    shares, pairs, _ = so_survey.shares(tmp_path)
    assert shares.empty and pairs.empty


def test_a_real_sample_with_two_answers_is_reported_not_a_crash(tmp_path):
    """A 2024 file of 10 rows of which 2 answer the frameworks question (as a real sample was): every survey
    statistic stays inside its domain, the year says it has too few answers, and the survey step's tables pass
    their contracts (a Wald interval had reached 1.19 here and stopped `make all`)."""
    import csv
    import io

    from helpers.chain import schemas

    def ten_rows_two_answers(data: bytes) -> bytes:
        rows = list(csv.DictReader(io.StringIO(data.decode())))[:10]
        for i, r in enumerate(rows):
            r["MiscTechHaveWorkedWith"] = {0: "TensorFlow", 1: "Torch/PyTorch;TensorFlow"}.get(i, "")
        out = io.StringIO()
        w = csv.DictWriter(out, fieldnames=list(rows[0]), lineterminator="\n")
        w.writeheader()
        w.writerows(rows)
        return out.getvalue().encode()

    raw = rezip(tmp_path, 2024, ten_rows_two_answers)
    shares, pairs, _ = so_survey.shares(raw)
    assert int(pairs.iloc[0]["n_answered"]) == 2
    within = survey_shift.with_leader(survey_shift.so_within_year(pairs))
    r = within.iloc[0]
    assert -1 <= r["tf_minus_pt_change_low"] <= r["tf_minus_pt_change_high"] <= 1 and r["leader"] == "too few answers"
    table = within[survey_shift.WITHIN_COLUMNS].assign(source_id="so_survey")
    schemas.validate("survey_within_year", table)


def test_jax_from_2023_is_a_third_contender_in_the_so_survey(tmp_path):
    """The 2023 and 2024 fixtures offer JAX (2 answers in 10, with Torch/PyTorch in one of them): its share, and the
    paired counts of every two contenders, by hand; before 2023 JAX is not offered (missing, never 0)."""
    shares, _, pairs = so_survey.shares(so_raw(tmp_path))
    s = shares.set_index(["year", "framework"])
    assert s.loc[(2023, "jax"), "n_selected"] == 8 and s.loc[(2023, "jax"), "n_answered"] == 32
    assert pd.isna(s.loc[(2020, "jax"), "n_selected"]) and s.loc[(2020, "jax"), "status"] == "not offered in 2020"
    p = pairs.set_index(["year", "first_framework", "second_framework"])
    assert tuple(p.loc[(2023, "pytorch", "jax"), ["n_both", "n_first_only", "n_second_only", "n_neither"]]) == (4, 12, 4, 12)
    assert tuple(p.loc[(2023, "tensorflow", "jax"), ["n_both", "n_first_only", "n_second_only", "n_neither"]]) == (0, 20, 8, 4)
    assert set(pairs.loc[pairs["second_framework"] == "jax", "year"]) == {2023, 2024}  # the years offering JAX
    rows = pd.DataFrame(survey_shift.so_contender_pairs(pairs)).set_index(["year", "first_framework", "second_framework"])
    r = rows.loc[(2023, "tensorflow", "jax")]
    assert r["share_change"] == pytest.approx(20 / 32 - 8 / 32) and -1 <= r["share_change_low"] <= r["share_change_high"] <= 1
    assert r["leader"] == "TensorFlow" and rows.loc[(2023, "pytorch", "jax"), "leader"] in ("PyTorch", "too close to call")
