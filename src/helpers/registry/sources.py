"""Every data source, declared once (PUDL's `metadata/sources.py` as the model): where its raw files live, what it
counts, its known method breaks and, for a source `make refresh` can continue, how to ask an engine for new months.

A *source* is one upstream's way of counting (Stack Overflow and Data Science SE are two sources in one raw folder).
Signals (`registry.signals`) compare PyTorch with TensorFlow within one source. Cleaning code reads its folder and
file patterns here; `make refresh` reads only the `refresh` spec (no per-source code); the models read the breaks.

Pure Python (no third-party imports): Make reads it through `helpers.chain.makefile`.
"""
from __future__ import annotations

from dataclasses import dataclass, field

BREAK_KINDS = ("scales_all", "changes_mix", "exclude")
PRIOR_SD = 0.1  # default prior s.d. (logit scale) of a `changes_mix` break's shift of the share
MEASURES = ("counts", "index", "responses")
GRANULARITIES = ("month", "year")
SPLICE_ID = "splice"  # `break_id` of the first refreshed month in monthly_signals.csv (a `changes_mix` break)


@dataclass(frozen=True)
class Break:
    """A known change of method in a source, and what it can do to PyTorch's share.

    `kind` (the evidence for each is in the source's SOURCES.md, "Method breaks"):
    - "scales_all": every package, tag or repository is counted alike changed by one factor (e.g. a new log
      pipeline that sees three times as many downloads of everything). A share cannot move: no parameter at all.
    - "changes_mix": what is counted changes (installers, windows, deletions), so the share may shift from `start`
      (to `end`, for an episode that reverts). The models estimate the shift on the logit scale with a prior centred
      on zero with s.d. `prior_sd`, or from overlap months where both counts exist (a splice onto refreshed data).
    - "exclude": from `start` (to `end`) the values are not comparable counts and are left out.
    `start`/`end` are months (YYYY-MM) for monthly sources and years (YYYY) for surveys.
    """
    source: str
    start: str
    description: str
    kind: str = "changes_mix"
    end: str = ""
    prior_sd: float = PRIOR_SD
    given_id: str = ""  # only for a break found in the data (a splice: `SPLICE_ID`); declared ones derive theirs

    def __post_init__(self):
        if self.kind not in BREAK_KINDS:
            raise ValueError(f"break {self.source} {self.start}: kind {self.kind!r} is not one of {BREAK_KINDS}")

    @property
    def id(self) -> str:
        """`<source>_<start>` in snake case (`pypi_2024_11`): the `break_id` written in monthly_signals.csv."""
        return self.given_id or f"{self.source}_{self.start.replace('-', '_')}"

    def covers(self, period: str) -> bool:
        """Is `period` (YYYY-MM or YYYY) inside this break's episode (from `start`, to `end` if any)?"""
        return period >= self.start and (not self.end or period[:len(self.end)] <= self.end)

    def marks(self, period: str) -> bool:
        """Is this break written on `period` in the monthly tables: its first month, and every month of an
        episode with an end or of an exclusion?"""
        return self.start == period or (bool(self.end or self.kind == "exclude") and self.covers(period))


@dataclass(frozen=True)
class RefreshSpec:
    """How `make refresh` continues a monthly source past its acquired data.

    `engines`: where the new months can come from, the default first (`clickhouse`, `bigquery`: the aggregation
    `aggregation` of `helpers.refresh.queries` on `tables[engine]`; `stackexchange_api`: question totals per tag
    on Stack Exchange site `site`). `items` maps each `framework` value the signals read to the name the upstream
    uses (a package, a repository, a tag); `acquired_end` is the acquired data's last usable month, where the
    refresh's 12 overlap months end (tests/sources/test_declared_sources.py reads it back from the raw files).
    `licence` goes into the manifest row of every refreshed file.
    """
    engines: tuple[str, ...]
    items: dict[str, str]
    acquired_end: str
    licence: str
    aggregation: str = ""
    tables: dict[str, str] = field(default_factory=dict)
    site: str = ""


@dataclass(frozen=True)
class Source:
    """One upstream's way of counting.

    `folder`: its folder under data/raw/ (shared by sources of one upstream); `files`: glob patterns of the
    acquired files the cleaning reads (every manifest file must match one, a test checks); `dropin`: the regular
    expression (a file name inside `folder`) of exports a user may add, which are not in the manifest (empty: none);
    `measure`: `counts` (events, downloads, questions, papers), `index` (a rescaled relative index) or `responses`
    (survey answers); `step`: the cleaning step that reads it.
    """
    id: str
    label: str
    folder: str
    step: str
    measure: str
    granularity: str
    files: tuple[str, ...] = ()
    dropin: str = ""
    breaks: tuple[Break, ...] = ()
    refresh: RefreshSpec | None = None

    def __post_init__(self):
        if self.measure not in MEASURES or self.granularity not in GRANULARITIES:
            raise ValueError(f"source {self.id}: measure {self.measure!r} must be one of {MEASURES} and granularity "
                             f"{self.granularity!r} one of {GRANULARITIES}")
        wrong = [b.start for b in self.breaks if b.source != self.id]
        if wrong:
            raise ValueError(f"source {self.id}: breaks {wrong} name another source")


SE_LICENCE = "Stack Exchange API: counts of CC BY-SA content"

SOURCES = (
    Source("stackoverflow", "Stack Overflow", "so_tags", "11_clean_stackexchange", "counts", "month",
           files=("nschloe_*.svg", "nschloe_svg_history.zip", "aiindex2020_*.csv", "sede_so_*.csv"),
           breaks=(Break("stackoverflow", "2022-01", "fetch timing: later months counted a day after month end (fewer "
                                                     "deletions yet)", prior_sd=0.05),),
           refresh=RefreshSpec(("stackexchange_api",), {"pytorch": "pytorch", "tensorflow": "tensorflow"},
                               "2023-05", SE_LICENCE, site="stackoverflow")),
    Source("dsse", "Data Science SE", "so_tags", "11_clean_stackexchange", "counts", "month",
           files=("dsse_all_questions__*.csv.gz",),
           refresh=RefreshSpec(("stackexchange_api",), {"pytorch": "pytorch", "tensorflow": "tensorflow"},
                               "2024-07", SE_LICENCE, site="datascience")),
    Source("github", "GitHub", "github", "12_clean_github", "counts", "month", files=("repostory_*.json",),
           breaks=(Break("github", "2025-08", "daily values become net changes (negatives appear): incremental "
                                              "collector, inferred", kind="exclude"),),
           refresh=RefreshSpec(("clickhouse", "bigquery"),
                               {"pytorch": "pytorch/pytorch", "tensorflow": "tensorflow/tensorflow",
                                "keras": "keras-team/keras", "transformers": "huggingface/transformers"},
                               "2025-07", "GH Archive: public GitHub event metadata", aggregation="github_monthly",
                               tables={"clickhouse": "github.github_events", "bigquery": "githubarchive.month.*"})),
    Source("pypi", "PyPI", "pypi_downloads", "13_clean_pypi", "counts", "month",
           files=("hugovk_top_pypi_ml_packages.csv", "hugovk_top_pypi_packages_30d_snapshots.tar.xz"),
           breaks=(Break("pypi", "2018-08", "Linehaul/BigQuery source change: ~3x jump for every package",
                         kind="scales_all"),
                   Break("pypi", "2020-12", "documented 2021 dip in the source data (snapshots of 2021-01..04, months "
                                            "2020-12..2021-03)", kind="scales_all", end="2021-03"),
                   Break("pypi", "2024-11", "every installer counted (pip, uv, poetry, ...), 29-day window",
                         prior_sd=0.15),
                   Break("pypi", "2025-06", "ClickHouse dataset, previous calendar month")),
           refresh=RefreshSpec(("clickhouse", "bigquery"),
                               {p: p for p in ("torch", "tensorflow", "tensorflow-gpu", "tensorflow-cpu",
                                               "tensorflow-intel", "keras", "jax", "transformers",
                                               "pytorch-lightning", "lightning", "scikit-learn")},
                               "2026-03", "PyPI download statistics: public data (BigQuery public dataset / ClickPy)",
                               aggregation="pypi_monthly",
                               tables={"clickhouse": "pypi.pypi_downloads_per_day",
                                       "bigquery": "bigquery-public-data.pypi.file_downloads"})),
    Source("google_trends", "Google Trends", "google_trends", "15_clean_google_trends", "index", "month",
           dropin=r"[^/]*\.csv",
           breaks=(Break("google_trends", "2016-01", "Google: improvement to geographic assignment (the note on "
                                                     "trends.google.com charts)", prior_sd=0.2),
                   Break("google_trends", "2022-01", "Google: improvement to the data collection system (the note on "
                                                     "trends.google.com charts)", prior_sd=0.2))),
    Source("kaggle_survey", "Kaggle survey", "kaggle_survey", "10_clean_kaggle", "responses", "year",
           files=("kaggle_survey_*.zip",),
           breaks=(Break("kaggle_survey", "2019", "wording: 'used in past 5 years' (2018) -> 'use on a regular basis'; "
                                                  "question shown to coders only"),
                   Break("kaggle_survey", "2020", "question shown only to coders who use ML; option list grows (JAX, "
                                                  "MXNet, ...)"),
                   Break("kaggle_survey", "2021", "responses under 2 minutes or with <15 choices dropped; PyTorch "
                                                  "Lightning, Huggingface added"),
                   Break("kaggle_survey", "2022", "questions renumbered; students asked yes/no instead of a job "
                                                  "title"))),
    Source("conference_papers", "Conference papers", "conference_papers", "14_clean_conferences", "counts", "year",
           files=("chillee_data.csv", "chillee_paper_lists.zip")),
    Source("so_survey", "Stack Overflow Developer Survey", "so_survey", "16_clean_so_survey", "responses", "year",
           dropin=r"stack-overflow-developer-survey-\d{4}\.zip",
           breaks=(Break("so_survey", "2019", "FrameworkWorkedWith -> MiscTechWorkedWith: frameworks moved to 'other "
                                              "frameworks and libraries'"),
                   Break("so_survey", "2021", "MiscTechWorkedWith -> MiscTechHaveWorkedWith: new survey layout"))),
)
SOURCE_BY_ID = {s.id: s for s in SOURCES}
REFRESHABLE = tuple(s for s in SOURCES if s.refresh)
BREAKS = tuple(b for s in SOURCES for b in s.breaks)
BREAK_BY_ID = {b.id: b for b in BREAKS}


def breaks(source: str) -> tuple[Break, ...]:
    """The breaks of one source, in time order."""
    return tuple(sorted(SOURCE_BY_ID[source].breaks, key=lambda b: b.start))


def survey_breaks(source: str) -> dict[int, str]:
    """{first survey year after the change: description} for a survey source (charts label them B1, B2, ...)."""
    return {int(b.start): b.description for b in breaks(source)}


def break_at(source: str, period: str) -> Break | None:
    """The break written on `period` of `source` in the monthly tables (see `Break.marks`), or None. A source's
    breaks never mark one month twice (a test checks)."""
    return next((b for b in breaks(source) if b.marks(period)), None)


def break_fields(source: str, period: str) -> tuple[str, str]:
    """(`break_id`, `break_kind`) as written on `period` of `source` in the monthly tables; ("", "") if none."""
    b = break_at(source, period)
    return (b.id, b.kind) if b else ("", "")
