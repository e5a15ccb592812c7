"""Stack Overflow Developer Survey zips dropped into data/raw/so_survey/ (2018-2025).

Each official zip (`stack-overflow-developer-survey-YYYY.zip`) holds `survey_results_public.csv`, one respondent
per row. The deep-learning frameworks are options of a multi-select question whose column and option list change
over the years; what each year asked is declared once, in LAYOUTS, with where each fact comes from (see also
data/raw/so_survey/SOURCES.md). Answers are `;`-joined option labels; a missing answer is "NA" (2018-2021) or
empty. An option a year did not offer is *not offered* (shares empty), never 0; a year that asked no framework
question (2025) is read, counted and reported as such.

Only the needed columns are read (pyarrow's CSV reader, which also rejects a record with the wrong number of
fields, i.e. a file cut short). Row counts are compared with the publisher's respondent counts: a file with a
different count is a *sample* (`complete` False), shown as such and never compared with a full year.
"""
from __future__ import annotations

import csv
import io
import re
import zipfile
from dataclasses import dataclass, field
from pathlib import Path

import pandas as pd
import pyarrow as pa
import pyarrow.csv as pacsv

from ..chain import paths
from ..chain.io import InputFileError, is_lfs_pointer, raw_label
from ..registry.sources import SOURCE_BY_ID

SOURCE = SOURCE_BY_ID["so_survey"]
FOLDER = SOURCE.folder
NAME = re.compile(f"^{SOURCE.dropin}$")  # the file name a user drops in (its `year` group: the survey year)
MEMBER = "survey_results_public.csv"
FRAMEWORKS = ("tensorflow", "pytorch", "keras", "jax")
CONTENDERS = ("tensorflow", "pytorch", "jax")  # compared pairwise in the years that offer them (Keras beside)
NA_VALUES = ["NA", ""]
BLOCK_SIZE = 1 << 24  # pyarrow block: larger than any respondent's row (2025 has free-text fields > 100 kB)


@dataclass(frozen=True)
class Layout:
    """What one survey year asked. `column`: the frameworks question's column (None: no such question);
    `options`: framework id -> the option label offered that year (a framework absent was not offered);
    `published`: respondents the publisher reports (the full file's row count); `source`: where these come from."""
    year: int
    id_column: str
    column: str | None
    options: dict[str, str] = field(default_factory=dict)
    published: int = 0
    source: str = ""


_TF_PT = {"tensorflow": "TensorFlow", "pytorch": "Torch/PyTorch"}
_ALL = _TF_PT | {"keras": "Keras"}
_WITH_JAX = _ALL | {"jax": "JAX"}  # 2023 on: JAX among "other frameworks and libraries"
_RESULTS = "the publisher's results page data (github.com/StackExchange/Survey, packages/archive/{}/json)"
LAYOUTS = {lay.year: lay for lay in (
    Layout(2018, "Respondent", "FrameworkWorkedWith", _TF_PT, 98_855,
           "schema file 2018 (FrameworkWorkedWith); options as published in the 2018 results (no Keras)"),
    Layout(2019, "Respondent", "MiscTechWorkedWith", _TF_PT, 88_883,
           "schema file 2019; options: " + _RESULTS.format(2019) + " (18 options, no Keras)"),
    Layout(2020, "Respondent", "MiscTechWorkedWith", _ALL, 64_461,
           "schema file 2020; options: " + _RESULTS.format(2020) + " (Keras first offered)"),
    Layout(2021, "ResponseId", "MiscTechHaveWorkedWith", _ALL, 83_439, "options: " + _RESULTS.format(2021)),
    Layout(2022, "ResponseId", "MiscTechHaveWorkedWith", _ALL, 73_268,
           "schema file 2022 (MiscTech block); options: " + _RESULTS.format(2022)),
    Layout(2023, "ResponseId", "MiscTechHaveWorkedWith", _WITH_JAX, 89_184,
           "schema file 2023 (QID265 MiscTech); column and options seen in the public file's first 595 rows"),
    Layout(2024, "ResponseId", "MiscTechHaveWorkedWith", _WITH_JAX, 65_437,
           "schema file 2024 (QID265 MiscTech, as 2023)"),
    Layout(2025, "ResponseId", None, {}, 49_123,
           "2025 public file: 170 columns, no MiscTech ('other frameworks and libraries') question"),
)}
# Labels that also count for a framework (case-insensitive), should a year spell the option differently.
ALIASES = {"tensorflow": {"tensorflow"}, "pytorch": {"torch/pytorch", "pytorch", "torch"}, "keras": {"keras"},
           "jax": {"jax"}}


class SoSurveyError(InputFileError):
    """A survey zip that is not in the official layout. The message names the file."""


def files(raw: Path | None = None) -> dict[int, Path]:
    """Survey year -> zip, for every correctly named file in data/raw/so_survey/."""
    out = {}
    for p in sorted(((raw or paths.RAW) / FOLDER).glob("*.zip")):
        m = NAME.match(p.name)
        if not m:
            raise SoSurveyError(f"data/raw/{FOLDER}/{p.name}: name is not stack-overflow-developer-survey-YYYY.zip")
        out[int(m["year"])] = p
    return out


def _header(zf: zipfile.ZipFile, member: str) -> list[str]:
    with zf.open(member) as fh:
        first = next(csv.reader(io.TextIOWrapper(fh, encoding="utf-8-sig", newline="")), None)
    if not first:
        raise SoSurveyError(f"{MEMBER} is empty")
    return [c.strip() for c in first]


def layout_for(year: int, header: list[str], name: str) -> Layout:
    """The year's layout, checked against the file's header; an error names what was looked for."""
    known = sorted({lay.column for lay in LAYOUTS.values() if lay.column})
    candidates = [c for c in header if re.search(r"framework|misctech", c, re.I)]
    lay = LAYOUTS.get(year)
    if lay is None:
        raise SoSurveyError(f"{name}: the layout of the {year} survey is unknown (known: {min(LAYOUTS)}-"
                            f"{max(LAYOUTS)}); looked for a frameworks column among {known}, the file has "
                            f"{candidates or 'none of them'}. Add the year to so_survey.LAYOUTS with its column "
                            "and options.")
    if lay.id_column not in header:
        raise SoSurveyError(f"{name}: no {lay.id_column} column; this is not the {year} public file "
                            f"(first columns: {header[:5]})")
    if lay.column and lay.column not in header:
        raise SoSurveyError(f"{name}: no framework column {lay.column!r} (the {year} layout); columns that look "
                            f"related: {candidates or 'none'}")
    if lay.column is None and any(c in header for c in known):
        found = [c for c in known if c in header]
        raise SoSurveyError(f"{name}: has {found}, but the {year} survey asked no frameworks question; check that "
                            "the file is the official one of that year")
    return lay


def read(year: int, path: Path) -> tuple[pd.Series, int, Layout]:
    """The frameworks answers of every respondent (missing = NA; empty Series when the year did not ask), the
    number of respondent rows, and the year's layout."""
    name = raw_label(path)
    if is_lfs_pointer(path):
        raise SoSurveyError(f"{name}: is a Git-LFS pointer, not the survey zip")
    try:
        with zipfile.ZipFile(path) as zf:
            members = [n for n in zf.namelist() if n.rsplit("/", 1)[-1] == MEMBER and "__MACOSX" not in n]
            if not members:
                raise SoSurveyError(f"{name}: no {MEMBER} inside (found {zf.namelist()[:6]})")
            lay = layout_for(year, _header(zf, members[0]), name)
            cols = [lay.id_column] + ([lay.column] if lay.column else [])
            with zf.open(members[0]) as fh:
                table = pacsv.read_csv(fh, read_options=pacsv.ReadOptions(block_size=BLOCK_SIZE),
                                       parse_options=pacsv.ParseOptions(newlines_in_values=True),
                                       convert_options=pacsv.ConvertOptions(
                                           include_columns=cols, column_types={c: pa.string() for c in cols},
                                           null_values=NA_VALUES, strings_can_be_null=True))
    except zipfile.BadZipFile as e:
        raise SoSurveyError(f"{name}: not a readable zip archive ({e})") from e
    except UnicodeDecodeError as e:
        raise SoSurveyError(f"{name}: {MEMBER} has bytes that are not UTF-8 (offset {e.start})") from e
    except SoSurveyError as e:
        raise SoSurveyError(str(e) if str(e).startswith(name) else f"{name}: {e}") from e
    except pa.ArrowInvalid as e:
        text = str(e)
        if "UTF8" in text or "utf8" in text.lower():
            raise SoSurveyError(f"{name}: {MEMBER} has bytes that are not UTF-8 ({text.splitlines()[0]})") from e
        raise SoSurveyError(f"{name}: {MEMBER} is truncated or malformed ({text.splitlines()[0]})") from e
    except (EOFError, zipfile.LargeZipFile, OSError) as e:
        raise SoSurveyError(f"{name}: {MEMBER} is truncated or malformed ({e})") from e
    answers = table.column(lay.column).to_pandas() if lay.column else pd.Series(dtype=object)
    return answers, table.num_rows, lay


def options_of(answers: pd.Series) -> pd.Series:
    """Per respondent, the set of option labels picked (lower case)."""
    return answers.fillna("").str.lower().str.split(";").map(lambda xs: {x.strip() for x in xs if x.strip()})


def flags(answers: pd.Series, lay: Layout) -> tuple[pd.DataFrame, dict[str, bool]]:
    """Per respondent: answered, and one boolean per framework; and which frameworks were offered. A framework
    counts as offered when the year's layout lists it, or when its label appears in the answers anyway."""
    picked = options_of(answers)
    seen = set().union(*picked) if len(picked) else set()
    out = pd.DataFrame({"is_answered": answers.notna().to_numpy()})
    offered = {}
    for fw in FRAMEWORKS:
        labels = ALIASES[fw] | ({lay.options[fw].lower()} if fw in lay.options else set())
        offered[fw] = fw in lay.options or bool(seen & labels)
        out[fw] = picked.map(lambda s, labels=labels: bool(s & labels)).to_numpy()
    return out, offered


def sample_note(n: int, published: int) -> str:
    """'' for a complete file; otherwise what it is against the published count."""
    if n == published:
        return ""
    kind = "a sample" if n < published else "more rows than published"
    return f"{kind}: {n:,} of {published:,} published respondents"


def contender_pairs(year: int, a: pd.DataFrame, offered: dict[str, bool], note: str) -> list[dict]:
    """Among those who answered, the paired counts of every two contenders the year offered (`CONTENDERS` order)."""
    out = []
    fws = [fw for fw in CONTENDERS if offered.get(fw)]
    for i, x in enumerate(fws):
        for y in fws[i + 1:]:
            out.append({"year": year, "first_framework": x, "second_framework": y, "n_answered": len(a),
                        "n_both": int((a[x] & a[y]).sum()), "n_first_only": int((a[x] & ~a[y]).sum()),
                        "n_second_only": int((~a[x] & a[y]).sum()), "n_neither": int((~a[x] & ~a[y]).sum()),
                        "is_complete": not note, "sample_note": note})
    return out


def shares(raw: Path | None = None) -> tuple[pd.DataFrame, pd.DataFrame, pd.DataFrame]:
    """(framework shares per year in the Kaggle contract's columns, per-year paired counts TF vs PyTorch, and paired
    counts of every two contenders a year offered)."""
    rows, pairs, contenders = [], [], []
    for year, path in files(raw).items():
        answers, n, lay = read(year, path)
        note = sample_note(n, lay.published)
        base = {"year": year, "n_respondents": n, "column": lay.column or "", "n_published_respondents": lay.published,
                "is_complete": not note, "sample_note": note}
        if lay.column is None:
            rows += [base | {"framework": fw, "n_selected": None, "n_answered": None, "all_share": None,
                             "answered_share": None, "is_offered": False,
                             "status": f"not asked: the {year} survey has no frameworks question"} for fw in FRAMEWORKS]
            continue
        f, offered = flags(answers, lay)
        n_ans = int(f["is_answered"].sum())
        for fw in FRAMEWORKS:
            k = int(f[fw].sum()) if offered[fw] else None
            rows.append(base | {"framework": fw, "n_selected": k, "n_answered": n_ans,
                                "all_share": k / n if k is not None and n else None,
                                "answered_share": k / n_ans if k is not None and n_ans else None,
                                "is_offered": offered[fw],
                                "status": "offered" if offered[fw] else f"not offered in {year}"})
        a = f[f["is_answered"]]
        pairs.append({"year": year, "n_answered": len(a), "n_both": int((a["tensorflow"] & a["pytorch"]).sum()),
                      "n_tensorflow_only": int((a["tensorflow"] & ~a["pytorch"]).sum()),
                      "n_pytorch_only": int((~a["tensorflow"] & a["pytorch"]).sum()),
                      "n_neither": int((~a["tensorflow"] & ~a["pytorch"]).sum()), "is_complete": not note,
                      "sample_note": note})
        contenders += contender_pairs(year, a, offered, note)
    cols = ["year", "framework", "n_selected", "n_respondents", "n_answered", "all_share", "answered_share", "column",
            "n_published_respondents", "is_complete", "sample_note", "is_offered", "status"]
    pair_cols = ["year", "n_answered", "n_both", "n_tensorflow_only", "n_pytorch_only", "n_neither", "is_complete",
                 "sample_note"]
    out = pd.DataFrame(rows, columns=cols)
    for c in ("n_selected", "n_answered"):
        out[c] = out[c].astype("Int64")
    for c in ("all_share", "answered_share"):
        out[c] = out[c].astype(float)
    contender_cols = ["year", "first_framework", "second_framework", "n_answered", "n_both", "n_first_only",
                      "n_second_only", "n_neither", "is_complete", "sample_note"]
    return out, pd.DataFrame(pairs, columns=pair_cols), pd.DataFrame(contenders, columns=contender_cols)


def build(raw: Path | None = None) -> dict[str, pd.DataFrame]:
    """Step 16_clean_so_survey: shares per year (Wilson intervals) and paired counts (TensorFlow-PyTorch, and every
    two contenders a year offered); empty without survey files."""
    from ..chain.schemas import empty
    from ..stats.proportions import add_wilson
    rows, pairs, contenders = shares(raw)
    return {"so_survey_framework_shares": add_wilson(rows) if len(rows) else empty("so_survey_framework_shares"),
            "so_survey_pairs": pairs if len(pairs) else empty("so_survey_pairs"),
            "so_survey_contender_pairs": contenders if len(contenders) else empty("so_survey_contender_pairs")}


def samples(shares_: pd.DataFrame) -> list[str]:
    """One line per survey year that is a sample: for the report's banner."""
    s = shares_.drop_duplicates("year")
    return [f"{int(r.year)}: {r.sample_note}" for r in s.itertuples() if not r.is_complete]
