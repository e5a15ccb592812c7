"""Kaggle cleaning: fixture zips in the official layout, counted by hand with the csv module."""
import csv
import io
import zipfile

import pytest

from conftest import FIXTURES
from helpers.chain import schemas
from helpers.sources import kaggle
from helpers.stats import proportions as surveys

FW_CODE = {2018: "Q19_Part_", 2019: "Q28_Part_", 2020: "Q16_", 2021: "Q16_", 2022: "Q17_"}


def hand_count(year):
    """Count framework selections with the csv module only: {label: n}, answered, respondents."""
    with zipfile.ZipFile(FIXTURES / "kaggle_survey" / f"kaggle_survey_{year}.zip") as zf:
        name = [n for n in zf.namelist() if "respon" in n.lower()][0]
        rows = list(csv.reader(io.TextIOWrapper(zf.open(name), encoding="utf-8", newline="")))
    header, data = rows[0], rows[2:]
    idx = [i for i, c in enumerate(header) if c.startswith(FW_CODE[year]) and "TEXT" not in c]
    counts, answered = {}, 0
    for r in data:
        picked = [r[i].strip() for i in idx if r[i] != ""]
        answered += bool(picked)
        for label in picked:
            counts[label] = counts.get(label, 0) + 1
    return counts, answered, len(data)


@pytest.mark.parametrize("year", kaggle.FRAMEWORK_YEARS)
def test_shares_equal_hand_counts(year):
    resp = kaggle.respondents(year, FIXTURES / "kaggle_survey" / f"kaggle_survey_{year}.zip")
    shares = kaggle.framework_shares(resp).set_index("framework")
    counts, answered, n = hand_count(year)
    assert len(resp) == n == 300
    assert (shares["n_answered"] == answered).all() and (shares["n_respondents"] == n).all()
    for label, k in counts.items():
        assert shares.loc[kaggle.framework_id(label), "n_selected"] == k
    assert shares.loc["none", "n_selected"] == counts.get("None", 0)  # "None" is an answer, not missing
    assert {"tensorflow", "pytorch", "keras"} <= set(shares.index)


def test_2017_has_no_framework_question_but_keeps_respondents():
    resp = kaggle.respondents(2017, FIXTURES / "kaggle_survey" / "kaggle_survey_2017.zip")
    assert len(resp) == 300 and resp["is_answered"].isna().all()
    assert kaggle.framework_shares(resp).empty
    assert resp["country"].notna().all()


def test_all_years_stack_with_na_for_options_not_offered():
    resp = kaggle.all_respondents(FIXTURES)
    assert sorted(resp["year"].unique()) == list(kaggle.YEARS)
    assert resp.loc[resp["year"] == 2018, "fw_jax"].isna().all()  # JAX first offered in 2020
    assert resp.loc[resp["year"] == 2020, "fw_jax"].notna().all()
    assert not resp.duplicated(["year", "respondent"]).any()
    shares = surveys.add_wilson(kaggle.framework_shares(resp))
    schemas.validate("kaggle_framework_shares", shares)
    assert list(shares.columns[:7]) == ["year", "framework", "n_selected", "n_respondents", "n_answered",
                                        "all_share", "answered_share"]
    assert shares.equals(shares.sort_values(["year", "framework"], ignore_index=True))


@pytest.mark.parametrize("label, fid", [("  Scikit-learn ", "scikit-learn"), ("Scikit-Learn", "scikit-learn"),
                                        (" PyTorch Lightning ", "pytorch-lightning"), ("H20", "h2o"),
                                        (" H2O 3 ", "h2o"), ("Fast.ai", "fastai"), ("Spark MLlib", "spark-mllib"),
                                        (" Spark MLib ", "spark-mllib"), ("None", "none"), ("Brand New Lib", "brand-new-lib")])
def test_framework_ids(label, fid):
    assert kaggle.framework_id(label) == fid


def test_2022_students_come_from_the_yes_no_question():
    resp = kaggle.respondents(2022, FIXTURES / "kaggle_survey" / "kaggle_survey_2022.zip")
    assert (resp["role_group"] == "student").sum() > 0
    assert set(resp["role_group"]) <= {"student", "data", "engineering", "research", "other"}


# --- bad input: a clear error naming the file -------------------------------------------------------

def _rezip(tmp_path, year, transform, name=None):
    src = FIXTURES / "kaggle_survey" / f"kaggle_survey_{year}.zip"
    with zipfile.ZipFile(src) as zf:
        member = zf.namelist()[0]
        data = transform(zf.read(member))
    out = tmp_path / f"kaggle_survey_{year}.zip"
    with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as zf:
        zf.writestr(name or member, data)
    return out


def test_corrupt_zip(tmp_path):
    bad = tmp_path / "kaggle_survey_2021.zip"
    bad.write_bytes(b"PK\x03\x04 not really a zip")
    with pytest.raises(kaggle.KaggleFileError, match=r"kaggle_survey_2021.zip: not a readable zip"):
        kaggle.respondents(2021, bad)


def test_non_utf8_bytes(tmp_path):
    bad = _rezip(tmp_path, 2021, lambda b: b.replace(b"Other", b"Oth\xe9r", 1))
    with pytest.raises(kaggle.KaggleFileError, match=r"kaggle_survey_2021.zip: bytes that are not utf-8"):
        kaggle.respondents(2021, bad)


def test_missing_framework_question(tmp_path):
    bad = _rezip(tmp_path, 2020, lambda b: b.replace(b"machine learning frameworks", b"machine learning toys"))
    with pytest.raises(kaggle.KaggleFileError, match=r"kaggle_survey_2020.zip: no column asks"):
        kaggle.respondents(2020, bad)


def test_renamed_country_column(tmp_path):
    bad = _rezip(tmp_path, 2019, lambda b: b.replace(b"In which country do you currently reside?", b"Where?"))
    with pytest.raises(kaggle.KaggleFileError, match="country"):
        kaggle.respondents(2019, bad)


def test_option_column_holding_another_label(tmp_path):
    def relabel_one_answer(b):  # only in a respondent row, not in the question-text row
        lines = b.split(b"\n")
        i = next(i for i, line in enumerate(lines) if i > 1 and b"  TensorFlow ," in line)
        lines[i] = lines[i].replace(b"  TensorFlow ,", b"  Tensorflaw ,")
        return b"\n".join(lines)
    bad = _rezip(tmp_path, 2021, relabel_one_answer)
    with pytest.raises(kaggle.KaggleFileError, match="not its option label"):
        kaggle.respondents(2021, bad)


def test_zip_without_responses_csv(tmp_path):
    bad = _rezip(tmp_path, 2021, lambda b: b, name="readme.txt")
    with pytest.raises(kaggle.KaggleFileError, match="expected exactly one responses CSV"):
        kaggle.respondents(2021, bad)


@pytest.mark.parametrize("cut", [lambda b: b[: len(b) // 2], lambda b: b[: len(b) // 2] + b'"unterminated'])
def test_truncated_csv_inside_zip_is_an_error(tmp_path, cut):
    # a CSV cut mid-record must not be read as complete rows padded with missing answers
    bad = _rezip(tmp_path, 2022, cut)
    message = r"kaggle_survey_2022.zip:kaggle_survey_2022_responses.csv: .*(truncated|malformed)"
    with pytest.raises(kaggle.KaggleFileError, match=message):
        kaggle.respondents(2022, bad)
