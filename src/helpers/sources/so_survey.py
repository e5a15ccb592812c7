"""Stack Overflow Developer Survey zips dropped into data/raw/so_survey/ (2018-2024).

Each official zip holds `survey_results_public.csv`. The framework question's column is renamed over
the years (FrameworkWorkedWith in 2018, MiscTechWorkedWith in 2019-2020, MiscTechHaveWorkedWith from
2021); answers are `;`-joined option labels, missing as "NA" (2018-2021) or empty. Row counts are
compared with the publisher's respondent counts: a file with fewer rows (a sample, or cut short at a
row boundary) is kept but flagged `complete = False`.
"""
from __future__ import annotations

import io
import re
import zipfile
from pathlib import Path

import pandas as pd

from ..chain import paths
from ..chain.io import InputFileError, check_csv_fields, is_lfs_pointer, raw_label

FOLDER = "so_survey"
NAME = re.compile(r"^stack-overflow-developer-survey-(\d{4})\.zip$")
MEMBER = "survey_results_public.csv"
FRAMEWORK_COLUMNS = ("FrameworkWorkedWith", "MiscTechWorkedWith", "MiscTechHaveWorkedWith")
PUBLISHED = {2018: 98_855, 2019: 88_883, 2020: 64_461, 2021: 83_439, 2022: 73_268, 2023: 89_184, 2024: 65_437}
OPTIONS = {"tensorflow": {"tensorflow"}, "pytorch": {"torch/pytorch", "pytorch", "torch"}, "keras": {"keras"}}


class SoSurveyError(InputFileError):
    """A survey zip that is not in the official layout. The message names the file."""


def files(raw: Path | None = None) -> dict[int, Path]:
    """Survey year -> zip, for every correctly named file in data/raw/so_survey/."""
    out = {}
    for p in sorted(((raw or paths.RAW) / FOLDER).glob("*.zip")):
        m = NAME.match(p.name)
        if not m:
            raise SoSurveyError(f"data/raw/{FOLDER}/{p.name}: name is not stack-overflow-developer-survey-YYYY.zip")
        year = int(m.group(1))
        if year not in PUBLISHED:
            raise SoSurveyError(f"data/raw/{FOLDER}/{p.name}: {year} is outside the surveys this project reads "
                                f"({min(PUBLISHED)}-{max(PUBLISHED)})")
        out[year] = p
    return out


def read(year: int, path: Path) -> tuple[pd.Series, str]:
    """The framework answers of every respondent (missing = NA) and the column they came from."""
    name = raw_label(path)
    if is_lfs_pointer(path):
        raise SoSurveyError(f"{name}: is a Git-LFS pointer, not the survey zip")
    try:
        with zipfile.ZipFile(path) as zf:
            members = [n for n in zf.namelist() if n.rsplit("/", 1)[-1] == MEMBER]
            if not members:
                raise SoSurveyError(f"{name}: no {MEMBER} inside (found {zf.namelist()[:6]})")
            with zf.open(members[0]) as fh:
                text = io.TextIOWrapper(fh, encoding="utf-8", newline="")
                check_csv_fields(text, f"{name}:{MEMBER}")
            with zf.open(members[0]) as fh:
                header = pd.read_csv(fh, nrows=0).columns
            column = next((c for c in FRAMEWORK_COLUMNS if c in header), None)
            if column is None:
                raise SoSurveyError(f"{name}: no framework column; expected one of {list(FRAMEWORK_COLUMNS)}, "
                                    f"found {list(header)[:10]}...")
            with zf.open(members[0]) as fh:
                answers = pd.read_csv(fh, usecols=[column], dtype=str, keep_default_na=False,
                                      na_values=["", "NA"])[column]
    except zipfile.BadZipFile as e:
        raise SoSurveyError(f"{name}: not a readable zip archive ({e})") from e
    except UnicodeDecodeError as e:
        raise SoSurveyError(f"{name}: {MEMBER} has bytes that are not UTF-8 (offset {e.start})") from e
    except InputFileError as e:
        raise SoSurveyError(str(e)) from e
    except (pd.errors.ParserError, EOFError, zipfile.LargeZipFile, OSError) as e:
        raise SoSurveyError(f"{name}: {MEMBER} is truncated or malformed ({e})") from e
    return answers, column


def flags(answers: pd.Series) -> pd.DataFrame:
    """Per respondent: answered, and one boolean per framework (exact option labels, case-insensitive)."""
    options = answers.fillna("").str.lower().str.split(";").map(lambda xs: {x.strip() for x in xs if x.strip()})
    out = pd.DataFrame({"answered": answers.notna().to_numpy()})
    for fw, labels in OPTIONS.items():
        out[fw] = options.map(lambda s, labels=labels: bool(s & labels)).to_numpy()
    return out


def shares(raw: Path | None = None) -> tuple[pd.DataFrame, pd.DataFrame]:
    """(framework shares per year in the Kaggle contract's columns, per-year paired counts TF vs PyTorch)."""
    rows, pairs = [], []
    for year, path in files(raw).items():
        answers, column = read(year, path)
        f = flags(answers)
        n, n_ans = len(f), int(f["answered"].sum())
        complete = n == PUBLISHED[year]
        for fw in OPTIONS:
            k = int(f[fw].sum())
            rows.append({"year": year, "framework": fw, "n_selected": k, "n_respondents": n, "n_answered": n_ans,
                         "pct_all": k / n if n else float("nan"), "pct_answered": k / n_ans if n_ans else float("nan"),
                         "column": column, "published_respondents": PUBLISHED[year], "complete": complete})
        a = f[f["answered"]]
        pairs.append({"year": year, "n": len(a), "both": int((a["tensorflow"] & a["pytorch"]).sum()),
                      "tensorflow_only": int((a["tensorflow"] & ~a["pytorch"]).sum()),
                      "pytorch_only": int((~a["tensorflow"] & a["pytorch"]).sum()),
                      "neither": int((~a["tensorflow"] & ~a["pytorch"]).sum()), "complete": complete})
    cols = ["year", "framework", "n_selected", "n_respondents", "n_answered", "pct_all", "pct_answered", "column",
            "published_respondents", "complete"]
    pair_cols = ["year", "n", "both", "tensorflow_only", "pytorch_only", "neither", "complete"]
    return pd.DataFrame(rows, columns=cols), pd.DataFrame(pairs, columns=pair_cols)


def build(raw: Path | None = None) -> dict[str, pd.DataFrame]:
    """Step 16_clean_so_survey: shares per year (Wilson intervals) and paired counts; empty without survey files."""
    from ..chain.schemas import empty
    from ..stats.proportions import add_wilson
    rows, pairs = shares(raw)
    return {"so_survey_framework_shares": add_wilson(rows) if len(rows) else empty("so_survey_framework_shares"),
            "so_survey_pairs": pairs if len(pairs) else empty("so_survey_pairs")}
