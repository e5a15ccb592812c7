"""Kaggle ML & DS Survey, 2017-2022: from the raw zips to a respondent table and framework shares.

Each year's quirks (see data/raw/kaggle_survey/SOURCES.md):
- 2017 has no framework question (one comma-joined tools column, TensorFlow the only DL option);
  it is read for sample composition only.
- 2018 asks "used in the past 5 years" (ever-use); 2019-2022 "use on a regular basis".
- Question numbers change every year (Q19, Q28, Q16, Q16, Q17) and 2022 renumbered columns
  (`Q17_n`), so columns are found by their question text in the second header row, not by code.
- The literal answer "None" is an answer, never missing: CSVs are read with
  ``keep_default_na=False, na_values=['']``.
- Who was shown the question changes (everyone in 2018, coders in 2019, coders who use ML in
  2020-2022), so "% of answered" has a different denominator population each year.
"""
from __future__ import annotations

import csv
import io
import re
import zipfile
from dataclasses import dataclass
from pathlib import Path

import numpy as np
import pandas as pd
import pyarrow as pa
import pyarrow.csv as pv

from ..chain import paths
from ..chain.io import InputFileError
from ..registry.sources import SOURCE_BY_ID

YEARS = tuple(range(2017, 2023))
FRAMEWORK_YEARS = tuple(range(2018, 2023))
ENCODING = {2017: "ISO-8859-1"}  # every later year is UTF-8
FRAMEWORK_QUESTION = re.compile(r"machine learning frameworks.*Selected Choice", re.I)
COUNTRY_QUESTION = re.compile(r"^In which country do you currently reside\?", re.I)
ROLE_QUESTION = re.compile(r"^Select the title most similar to your current role.*Selected Choice", re.I)
STUDENT_QUESTION = re.compile(r"^Are you currently a student\?", re.I)
WORDING = {2018: "used in the past 5 years", 2019: "use on a regular basis", 2020: "use on a regular basis",
           2021: "use on a regular basis", 2022: "use on a regular basis"}
# Who saw the framework question: the denominator population of answered_share.
GATE = {2018: "everyone (drop-outs excepted)", 2019: "respondents who write code",
        2020: "coders who use ML", 2021: "coders who use ML", 2022: "coders who use ML"}

# Option labels as printed, lower-cased and stripped -> the project's framework id.
ALIASES = {
    "scikit-learn": "scikit-learn", "tensorflow": "tensorflow", "keras": "keras", "pytorch": "pytorch",
    "spark mllib": "spark-mllib", "spark mlib": "spark-mllib", "h20": "h2o", "h2o 3": "h2o",
    "fastai": "fastai", "fast.ai": "fastai", "mxnet": "mxnet", "caret": "caret", "xgboost": "xgboost",
    "mlr": "mlr", "prophet": "prophet", "randomforest": "randomforest", "lightgbm": "lightgbm",
    "catboost": "catboost", "cntk": "cntk", "caffe": "caffe", "none": "none", "other": "other",
    "tidymodels": "tidymodels", "jax": "jax", "pytorch lightning": "pytorch-lightning",
    "huggingface": "huggingface",
}

COUNTRY_GROUPS = {"India": "India", "United States of America": "United States", "United States": "United States",
                  "China": "China", "People 's Republic of China": "China", "Brazil": "Brazil", "Japan": "Japan",
                  "Russia": "Russia", "Nigeria": "Nigeria"}
ROLE_GROUPS = {
    "student": "student",
    "data scientist": "data", "data analyst": "data", "business analyst": "data", "statistician": "data",
    "data engineer": "data", "data miner": "data", "predictive modeler": "data", "marketing analyst": "data",
    "data analyst (business, marketing, financial, quantitative, etc)": "data", "data architect": "data",
    "data administrator": "data", "data journalist": "data", "operations research practitioner": "data",
    "software engineer": "engineering", "software developer/software engineer": "engineering",
    "machine learning engineer": "engineering", "machine learning/ mlops engineer": "engineering",
    "dba/database engineer": "engineering", "engineer": "engineering", "programmer": "engineering",
    "engineer (non-software)": "engineering", "computer scientist": "engineering",
    "research scientist": "research", "scientist/researcher": "research", "researcher": "research",
    "research assistant": "research", "principal investigator": "research", "teacher / professor": "research",
}


class KaggleFileError(InputFileError):
    """A Kaggle survey file cannot be read as the official layout. The message names the file."""


@dataclass(frozen=True)
class Columns:
    """Where one year's questions of interest sit in its responses file."""
    framework: dict[str, str]  # column -> framework id
    country: str | None
    role: str | None
    student: str | None


def framework_id(label: str) -> str:
    """Map a printed option label (any spacing/case) to the project's lower-case id."""
    key = re.sub(r"\s+", " ", label).strip().lower()
    return ALIASES.get(key, re.sub(r"[^a-z0-9.+]+", "-", key).strip("-"))


def zip_path(year: int, raw: Path | None = None) -> Path:
    return (raw or paths.RAW) / SOURCE_BY_ID["kaggle_survey"].file("survey", year=year)


def _responses_member(zf: zipfile.ZipFile, source: Path) -> str:
    names = [n for n in zf.namelist() if n.lower().endswith(".csv") and "respon" in n.lower()]
    if len(names) != 1:
        raise KaggleFileError(f"{source}: expected exactly one responses CSV inside the zip, found {names or 'none'}")
    return names[0]


def _read_csv(data: bytes, encoding: str, label: str) -> pd.DataFrame:
    """Every cell as a string (empty = missing, the answer "None" kept), read once with pyarrow's CSV reader.

    A record with the wrong number of fields (a file cut short, a stray quote) is an error, never padded.
    """
    read = pv.ReadOptions(encoding=encoding, block_size=1 << 22)
    parse = pv.ParseOptions(newlines_in_values=True)
    try:
        header = next(csv.reader(io.TextIOWrapper(io.BytesIO(data), encoding=encoding, newline="")))
    except (StopIteration, csv.Error):
        raise InputFileError(f"{label}: empty file or unreadable header") from None
    convert = pv.ConvertOptions(column_types={c: pa.string() for c in header}, strings_can_be_null=True,
                                quoted_strings_can_be_null=True, null_values=[""])
    try:
        table = pv.read_csv(io.BytesIO(data), read_options=read, parse_options=parse, convert_options=convert)
    except pa.ArrowInvalid as e:
        raise InputFileError(f"{label}: the CSV is truncated or malformed ({str(e).splitlines()[0][:160]})") from e
    return table.to_pandas()


def read_responses(year: int, source: Path | None = None) -> tuple[pd.DataFrame, pd.Series | None]:
    """Read one year's responses CSV out of its zip, without extracting it.

    Returns (respondent rows, question-text row or None for 2017). All values are strings;
    empty cells are missing, the answer "None" is kept.
    """
    source = source or zip_path(year)
    encoding = ENCODING.get(year, "utf-8")
    if not source.exists():
        raise KaggleFileError(f"{source}: missing")
    try:
        with zipfile.ZipFile(source) as zf:
            member = _responses_member(zf, source)
            data = zf.read(member)
        try:
            data.decode(encoding)
        except UnicodeDecodeError as e:
            raise KaggleFileError(f"{source}: bytes that are not {encoding} at offset {e.start} of the responses CSV; "
                                  "the official export is UTF-8 (ISO-8859-1 in 2017)") from e
        df = _read_csv(data, "latin-1" if encoding.lower() in ("iso-8859-1", "latin-1") else "utf8",
                       f"{source}:{member}")
    except zipfile.BadZipFile as e:
        raise KaggleFileError(f"{source}: not a readable zip archive ({e}); restore it from git or the manifest") from e
    except KaggleFileError:
        raise
    except InputFileError as e:
        raise KaggleFileError(str(e)) from e
    except (EOFError, zipfile.LargeZipFile, OSError) as e:
        raise KaggleFileError(f"{source}: the responses CSV is truncated or malformed ({e})") from e
    if year == 2017:
        return df, None
    if df.empty:
        raise KaggleFileError(f"{source}: the responses CSV has no rows")
    questions = df.iloc[0]
    return df.iloc[1:].reset_index(drop=True), questions


def locate_columns(year: int, questions: pd.Series | None, source: Path | str = "") -> Columns:
    """Find the framework, country, role and student columns from the question texts."""
    if questions is None:  # 2017: one row of codes only
        return Columns(framework={}, country="Country", role="CurrentJobTitleSelect", student=None)
    fw = {}
    for col, text in questions.items():
        text = str(text)
        if FRAMEWORK_QUESTION.search(text) and not text.rstrip().endswith("- Text"):
            fw[col] = framework_id(text.rsplit(" - ", 1)[-1])
    if not fw:
        raise KaggleFileError(f"{source}: no column asks 'which machine learning frameworks' (Selected Choice); "
                              "is this the official responses export with its question-text row?")

    def find(pattern: re.Pattern) -> str | None:
        hits = [c for c, t in questions.items() if pattern.search(str(t))]
        return hits[0] if hits else None

    country = find(COUNTRY_QUESTION)
    if country is None:
        raise KaggleFileError(f"{source}: no 'In which country do you currently reside?' column")
    return Columns(framework=fw, country=country, role=find(ROLE_QUESTION), student=find(STUDENT_QUESTION))


def _role_group(role: pd.Series, student: pd.Series | None) -> pd.Series:
    g = role.str.strip().str.lower().map(ROLE_GROUPS).fillna("other")
    if student is not None:  # 2022: students were asked a yes/no question instead of a title
        g = g.mask(student.eq("Yes"), "student")
    return g


def respondents(year: int, source: Path | None = None) -> pd.DataFrame:
    """One row per respondent of `year`: country, role, whether they answered, one flag per option.

    Framework flags are nullable booleans: NA where the year did not ask the question (2017).
    `answered` is True when at least one option (None and Other included) was selected.
    """
    source = source or zip_path(year)
    df, questions = read_responses(year, source)
    cols = locate_columns(year, questions, source)
    for col in (cols.country, cols.role):
        if col and col not in df.columns:
            raise KaggleFileError(f"{source}: column {col!r} is missing")
    out = pd.DataFrame({
        "year": np.full(len(df), year, dtype="int64"),
        "respondent": np.arange(1, len(df) + 1, dtype="int64"),
        "country": df[cols.country].fillna("(no answer)"),
    })
    out["country_group"] = out["country"].map(COUNTRY_GROUPS).fillna("Other")
    role = df[cols.role] if cols.role else pd.Series("(no answer)", index=df.index)
    out["role"] = role.fillna("(no answer)")
    out["role_group"] = _role_group(role.fillna(""), df[cols.student] if cols.student else None)
    if not cols.framework:
        out["is_answered"] = pd.array([pd.NA] * len(df), dtype="boolean")
        return out
    flags = {}
    for col, fid in cols.framework.items():
        values = df[col].dropna().str.strip()
        if values.map(framework_id).ne(fid).any():
            bad = values[values.map(framework_id).ne(fid)].iloc[0]
            raise KaggleFileError(f"{source}: column {col} ({fid}) holds {bad!r}, not its option label")
        flags[fid] = flags.get(fid, False) | df[col].notna().to_numpy()
    fw = pd.DataFrame({f"fw_{k}": pd.array(v, dtype="boolean") for k, v in sorted(flags.items())})
    out["is_answered"] = pd.array(fw.any(axis=1).to_numpy(), dtype="boolean")
    return pd.concat([out, fw], axis=1)


def all_respondents(raw: Path | None = None) -> pd.DataFrame:
    """Every year stacked; framework flags are NA for options a year did not offer. `raw` is the data/raw
    folder (default: the project's)."""
    frames = [respondents(y, zip_path(y, raw)) for y in YEARS]
    table = pd.concat(frames, ignore_index=True)
    fw_cols = sorted(c for c in table.columns if c.startswith("fw_"))
    base = [c for c in table.columns if not c.startswith("fw_")]
    return table[base + fw_cols]


def framework_shares(resp: pd.DataFrame) -> pd.DataFrame:
    """The `kaggle_framework_shares.csv` contract: one row per year (2018-2022) and option.

    all_share = n_selected / n_respondents; answered_share = n_selected / n_answered; both are
    fractions in [0, 1]. n_answered counts respondents who selected any option, None and Other
    included.
    """
    rows = []
    for year, g in resp.groupby("year", sort=True):
        if g["is_answered"].isna().all():
            continue  # 2017: the question was not asked
        n, n_ans = len(g), int(g["is_answered"].sum())
        for col in sorted(c for c in g.columns if c.startswith("fw_")):
            if g[col].isna().all():
                continue  # option not offered this year
            k = int(g[col].sum())
            rows.append({"year": int(year), "framework": col[3:], "n_selected": k, "n_respondents": n,
                         "n_answered": n_ans, "all_share": k / n, "answered_share": k / n_ans,
                         "wording": WORDING.get(int(year), ""), "shown_to": GATE.get(int(year), "")})
    columns = ["year", "framework", "n_selected", "n_respondents", "n_answered", "all_share", "answered_share",
               "wording", "shown_to"]
    return pd.DataFrame(rows, columns=columns).sort_values(["year", "framework"], ignore_index=True)


def build(raw: Path | None = None) -> dict[str, pd.DataFrame]:
    """Step 10_clean_kaggle: the respondent table and the framework shares with Wilson intervals."""
    from ..stats.proportions import add_wilson
    resp = all_respondents(raw)
    return {"kaggle_respondents": resp, "kaggle_framework_shares": add_wilson(framework_shares(resp))}
