"""Every data source, declared once (PUDL's `metadata/sources.py` as the model): where its raw files live, what it
counts, its known method breaks and, for a source `make refresh` can continue, how to ask an engine for new months.

A *source* is one upstream's way of counting (Stack Overflow and Data Science SE are two sources in one raw folder).
Signals (`registry.signals`) compare PyTorch with TensorFlow within one source. Cleaning code reads its folder and
file patterns here; `make refresh` reads only the `refresh` spec (no per-source code); the models read the breaks.

Pure Python (no third-party imports): Make reads it through `helpers.chain.makefile`.
"""
from __future__ import annotations

import re
from dataclasses import dataclass, field

from .fields import ID, is_id

BREAK_KINDS = ("scales_all", "changes_mix", "exclude")
PRIOR_SD = 0.1  # default prior s.d. (logit scale) of a `changes_mix` break's shift of the share
MEASURES = ("counts", "index", "responses")
GRANULARITIES = ("month", "year")
SPLICE_ID = "splice"  # `break_id` of the first refreshed month in monthly_signals.csv (a `changes_mix` break)
CLEANING_STEP = re.compile(rf"^\d{{2}}_clean_(?P<module>{ID})$")  # a cleaning step's name names its module


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
    `start`/`end` are months (YYYY-MM) for monthly sources and years (YYYY) for surveys. `items`: the `framework`
    values it concerns (empty: every one), e.g. one project's count that failed while the others' did not.
    """
    source: str
    start: str
    description: str
    kind: str = "changes_mix"
    end: str = ""
    prior_sd: float = PRIOR_SD
    given_id: str = ""  # only for a break found in the data (a splice: `SPLICE_ID`); declared ones derive theirs
    items: tuple[str, ...] = ()

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

    def concerns(self, frameworks) -> bool:
        """Does this break concern any of `frameworks` (every break without `items` does)?"""
        return not self.items or bool(set(self.items) & set(frameworks))


@dataclass(frozen=True)
class RefreshSpec:
    """How `make refresh` continues a monthly source past its acquired data.

    `engines`: where the new months can come from, the default first (`clickhouse`, `bigquery`: the aggregation
    `aggregation` of `helpers.refresh.queries` on `tables[engine]`; `stackexchange_api`: question totals per tag
    on Stack Exchange site `site`). `items`: the `framework` values it continues (the source's `items` give the
    names the upstream uses: a package, a repository under every name it has had, a tag); `acquired_end` is the
    acquired data's last usable month, where the refresh's 12 overlap months end (tests/sources/
    test_declared_sources.py reads it back from the raw files).
    `licence` goes into the manifest row of every refreshed file.
    """
    engines: tuple[str, ...]
    items: tuple[str, ...]
    acquired_end: str
    licence: str
    aggregation: str = ""
    tables: dict[str, str] = field(default_factory=dict)
    site: str = ""


@dataclass(frozen=True)
class Source:
    """One upstream's way of counting.

    `folder`: its folder under data/raw/ (shared by sources of one upstream); `files`: the acquired files the
    cleaning reads, by role: {role: file name}, a `{field}` in a name standing for any text (`kaggle_survey_{year}.zip`);
    the cleaning finds its files here (`file`) and every manifest file must match one (`patterns`); `dropin`: the regular
    expression (a file name inside `folder`) of exports a user may add, which are not in the manifest (empty: none);
    `measure`: `counts` (events, downloads, questions, papers), `index` (a rescaled relative index) or `responses`
    (survey answers); `step`: the cleaning step that reads it, named `NN_clean_<module>` for its notebook
    `notebooks/<step>.ipynb` and its module `helpers.sources.<module>` (whose `build()` the step runs); `title` and
    `question`: what that step does and what its report answers (given by the first source of a step); `reads`: the
    tables of other steps the cleaning reads (e.g. a cross-check); `items`: each `framework` value the cleaning
    writes and the upstream's name(s) of it (a project id, a package), where the upstream names them otherwise;
    `has_gaps`: a monthly series may miss months (no snapshot covers them; the models observe them nowhere), where
    every other monthly source's months are contiguous (a schema check); `metrics`: for a monthly source, each
    `metric` value its rows carry and what it counts (the monthly tables hold no other pair of source and metric, and
    every `framework` value is one of `items` where the source declares them: a schema check); `keras`: how Keras is
    counted among the contenders (PyTorch, TensorFlow, JAX), a declared decision with its evidence in SOURCES.md.
    """
    id: str
    label: str
    folder: str
    step: str
    measure: str
    granularity: str
    files: dict[str, str] = field(default_factory=dict)
    dropin: str = ""
    breaks: tuple[Break, ...] = ()
    refresh: RefreshSpec | None = None
    items: dict[str, tuple[str, ...]] = field(default_factory=dict)
    title: str = ""
    question: str = ""
    reads: tuple[str, ...] = ()
    has_gaps: bool = False
    metrics: dict[str, str] = field(default_factory=dict)
    keras: str = ""  # how Keras is counted (the declared decision; its evidence in the source's SOURCES.md)

    def __post_init__(self):
        if not is_id(self.id):
            raise ValueError(f"source id {self.id!r} is not a registry id (lower snake case, see registry.fields.ID)")
        if self.measure not in MEASURES or self.granularity not in GRANULARITIES:
            raise ValueError(f"source {self.id}: measure {self.measure!r} must be one of {MEASURES} and granularity "
                             f"{self.granularity!r} one of {GRANULARITIES}")
        wrong = [b.start for b in self.breaks if b.source != self.id]
        if wrong:
            raise ValueError(f"source {self.id}: breaks {wrong} name another source")
        if not CLEANING_STEP.match(self.step):
            raise ValueError(f"source {self.id}: step {self.step!r} is not named NN_clean_<module>")
        if self.refresh and self.items and not set(self.refresh.items) <= set(self.items):
            raise ValueError(f"source {self.id}: the refresh continues {sorted(set(self.refresh.items) - set(self.items))}"
                             " that the source does not declare among its items")
        if (self.granularity == "month") != bool(self.metrics):
            raise ValueError(f"source {self.id}: a monthly source declares its metrics, a yearly one none")

    def names(self, item: str) -> tuple[str, ...]:
        """The upstream's names of one `framework` value: those `items` declares, else the value itself."""
        if self.items and item not in self.items:
            raise KeyError(f"source {self.id}: no item {item!r} among {sorted(self.items)}")
        return self.items.get(item) or (item,)

    def file(self, role: str, **fields) -> str:
        """The path under data/raw/ of the file with that role (`fields` fill the name's `{...}` parts)."""
        try:
            return f"{self.folder}/{self.files[role].format(**fields)}"
        except KeyError:
            raise KeyError(f"source {self.id}: no file {role!r} with fields {fields} among {self.files}") from None

    @property
    def patterns(self) -> tuple[str, ...]:
        """Glob patterns (relative to the folder) of the acquired files: each name with its `{...}` parts as `*`."""
        return tuple(re.sub(r"\{[^}]*\}", "*", name) for name in self.files.values())

    @property
    def module(self) -> str:
        """The cleaning module `helpers.sources.<module>` (and the part `monthly_<module>` of a monthly source)."""
        return CLEANING_STEP.match(self.step)["module"]


SE_LICENCE = "Stack Exchange API: counts of CC BY-SA content"
# How Keras is counted among the contenders, per kind of source (the evidence: each source's SOURCES.md, "Keras").
# Standalone Keras ran on TensorFlow until Keras 3 became multi-backend (2023-11); from TensorFlow 2.6 (2021-08) a
# `pip install tensorflow` installs `keras` too, so Keras's counts follow TensorFlow's instead of adding to them.
KERAS_PYPI = ("not counted for any contender: `keras` installs follow TensorFlow's (a dependency of `tensorflow` from "
              "2.6; 23-75% of TensorFlow's downloads a year) and from Keras 3 its backend is unknown; written as its own "
              "package, reported beside")
KERAS_TAG = ("its own tag, counted for no contender: a `keras` question is not a TensorFlow question (Keras 3 runs on "
             "JAX and PyTorch too); written as its own series")
KERAS_REPO = "keras-team/keras is its own project, counted for no contender; written as its own series where counted"
KERAS_OPTION = ("its own option, reported beside TensorFlow, PyTorch and JAX (a respondent may pick Keras with any of "
                "them); never merged into TensorFlow")
SE_TAGS = {t: () for t in ("pytorch", "tensorflow", "jax", "keras", "scikit-learn", "all")}  # `all`: every question
PYPI_PACKAGES = ("torch", "tensorflow", "tensorflow-gpu", "tensorflow-cpu", "tensorflow-intel", "keras", "tf-keras",
                 "jax", "jaxlib", "flax", "transformers", "pytorch-lightning", "lightning", "scikit-learn")

SOURCES = (
    Source("stackoverflow", "Stack Overflow", "so_tags", "11_clean_stackexchange", "counts", "month",
           keras=KERAS_TAG,
           metrics={"questions": "new questions with the tag (read back from nschloe's charts; `all`: every question)"},
           items=SE_TAGS,
           title="Stack Overflow and Data Science SE: monthly questions",
           question="How many questions a month does each framework get on Stack Overflow and Data Science SE?",
           files={"ml_chart": "nschloe_machine-learning.svg", "total_chart": "nschloe_total.svg",
                  "chart_history": "nschloe_svg_history.zip",
                  "aiindex_counts": "aiindex2020_frameworks_questions_count.csv",
                  "aiindex_questions": "aiindex2020_{tag}_questions.csv",
                  "sede_top100": "sede_so_top100_tags_by_month__erikgregorywebb_QueryResults.csv",
                  "sede_tags": "sede_so_tag_counts_by_month__ragulkesavan_STACK-INDEX_multiTimeline.csv"},
           breaks=(Break("stackoverflow", "2022-01", "fetch timing: later months counted a day after month end (fewer "
                                                     "deletions yet)", prior_sd=0.05),),
           refresh=RefreshSpec(("stackexchange_api",), ("pytorch", "tensorflow", "jax"), "2023-05", SE_LICENCE,
                               site="stackoverflow")),
    Source("dsse", "Data Science SE", "so_tags", "11_clean_stackexchange", "counts", "month",
           keras=KERAS_TAG,
           metrics={"questions": "new questions with the tag (`all`: every question on the site)",
                    "answered": "new questions with the tag that have at least one answer"},
           items=SE_TAGS,
           files={"export": "dsse_all_questions__GautamJetley_DSSE-Analysis.csv.gz",  # has AnswerCount
                  "later_export": "dsse_all_questions__carlaruc_stack-exchange.csv.gz"},
           refresh=RefreshSpec(("stackexchange_api",), ("pytorch", "tensorflow", "jax"), "2024-07", SE_LICENCE,
                               site="datascience")),
    Source("github", "GitHub", "github", "12_clean_github", "counts", "month",
           keras=KERAS_REPO,
           files={"repository": "repostory_{owner}_{name}.json"},
           metrics={"new_stars": "stars given (survivors: stars later removed are missing)",
                    "new_forks": "forks made (survivors)", "new_issues": "issues opened",
                    "new_prs": "pull requests opened (a process signal)"},
           # every name a repository has had (GH Archive is selected by the ids of these names: a rename stays one
           # series); JAX has no acquired file, only refreshed months
           items={"pytorch": ("pytorch/pytorch",), "tensorflow": ("tensorflow/tensorflow",),
                  "jax": ("jax-ml/jax", "google/jax"), "keras": ("keras-team/keras",),
                  "transformers": ("huggingface/transformers",)},
           title="GitHub: monthly stars, forks, issues, pull requests",
           question="How many new stars, forks, issues and pull requests a month on GitHub?",
           breaks=(Break("github", "2025-08", "daily values become net changes (negatives appear): incremental "
                                              "collector, inferred", kind="exclude"),),
           refresh=RefreshSpec(("clickhouse", "bigquery"), ("pytorch", "tensorflow", "jax", "keras", "transformers"),
                               "2025-07",
                               "GH Archive: public GitHub event metadata", aggregation="github_monthly",
                               tables={"clickhouse": "github.github_events", "bigquery": "githubarchive.month.*"})),
    Source("pypi", "PyPI", "pypi_downloads", "13_clean_pypi", "counts", "month", title="PyPI: monthly downloads",
           keras=KERAS_PYPI,
           question="How many downloads a month from PyPI, and where did the counting change?",
           reads=("best_of_ml_pypi",),  # the snapshots' PyPI 30-day counts: an independent cross-check
           has_gaps=True,  # no snapshot upstream for 2024-07 and 2024-12
           files={"monthly": "hugovk_top_pypi_ml_packages.csv",
                  "snapshots": "hugovk_top_pypi_packages_30d_snapshots.tar.xz"},
           metrics={"downloads": "downloads of the package in the month's snapshot window (a refresh: the calendar "
                                 "month)",
                    "downloads_pip": "downloads by pip alone (a refresh on BigQuery, which names the installer)"},
           items={p: () for p in PYPI_PACKAGES},  # `framework` holds the package
           breaks=(Break("pypi", "2018-08", "Linehaul/BigQuery source change: ~3x jump for every package",
                         kind="scales_all"),
                   Break("pypi", "2020-12", "documented 2021 dip in the source data (snapshots of 2021-01..04, months "
                                            "2020-12..2021-03)", kind="scales_all", end="2021-03"),
                   Break("pypi", "2024-11", "every installer counted (pip, uv, poetry, ...), 29-day window",
                         prior_sd=0.15),
                   Break("pypi", "2025-06", "ClickHouse dataset, previous calendar month")),
           refresh=RefreshSpec(("clickhouse", "bigquery"), PYPI_PACKAGES,
                               "2026-03", "PyPI download statistics: public data (BigQuery public dataset / ClickPy)",
                               aggregation="pypi_monthly",
                               tables={"clickhouse": "pypi.pypi_downloads_per_day",
                                       "bigquery": "bigquery-public-data.pypi.file_downloads"})),
    Source("best_of_ml_python", "best-of-ml-python snapshots", "best_of_ml_python", "17_clean_best_of_ml_python",
           "counts", "month", files={"history": "best_of_ml_python_frameworks_history.csv"}, keras=KERAS_REPO,
           metrics={"new_dependents": "repositories newly naming the project in their dependency files (changes of "
                                      "GitHub's \"used by\" count)"},
           has_gaps=True,  # snapshot gaps longer than five weeks, and the excluded readings (breaks)
           title="best-of-ml-python snapshots: new GitHub dependents a month",
           question="How many GitHub projects a month start depending on each framework (GitHub's 'used by' count)?",
           # the GitHub ids of each framework, old and new (GitHub redirects a renamed repository)
           items={"pytorch": ("pytorch/pytorch",), "tensorflow": ("tensorflow/tensorflow",),
                  "jax": ("google/jax", "jax-ml/jax"), "keras": ("keras-team/keras",), "flax": ("google/flax",),
                  "mxnet": ("apache/incubator-mxnet", "apache/mxnet"),
                  "lightning": ("PyTorchLightning/pytorch-lightning", "Lightning-AI/lightning",
                                "Lightning-AI/pytorch-lightning")},
           breaks=(Break("best_of_ml_python", "2021-08", "PyTorch's used-by count missing from 2021-08-19, then read "
                                                         "4-11 in 2023-08 (a scraping failure, not a collapse): left out "
                                                         "until the count returns on 2023-09-07",
                         kind="exclude", end="2023-08", items=("pytorch",)),
                   Break("best_of_ml_python", "2023-02", "every project's count jumped in the week to 2023-02-16 "
                                                         "(TensorFlow 10x, JAX 13x, MXNet 60x a usual week: a recount "
                                                         "of GitHub's dependency graph, dating earlier additions to "
                                                         "that week): the month is left out",
                         kind="exclude", end="2023-02",
                         items=("tensorflow", "jax", "keras", "flax", "mxnet", "lightning")))),
    Source("google_trends", "Google Trends", "google_trends", "15_clean_google_trends", "index", "month",
           keras="a `keras` search term, where the export has one, is its own series, counted for no contender",
           title="Google Trends (a source you add)", question="What does the Google Trends export you added say?",
           dropin=r"[^/]*\.csv",
           metrics={"interest": "the export's relative search interest (0-100), monthly mean; `framework` holds the "
                                "search term as the export names it"},
           breaks=(Break("google_trends", "2016-01", "Google: improvement to geographic assignment (the note on "
                                                     "trends.google.com charts)", prior_sd=0.2),
                   Break("google_trends", "2022-01", "Google: improvement to the data collection system (the note on "
                                                     "trends.google.com charts)", prior_sd=0.2))),
    Source("kaggle_survey", "Kaggle survey", "kaggle_survey", "10_clean_kaggle", "responses", "year",
           keras=KERAS_OPTION,
           title="Kaggle survey: cleaning and framework shares",
           question="Which frameworks do Kaggle's respondents use, year by year?",
           files={"survey": "kaggle_survey_{year}.zip"},
           breaks=(Break("kaggle_survey", "2019", "wording: 'used in past 5 years' (2018) -> 'use on a regular basis'; "
                                                  "question shown to coders only"),
                   Break("kaggle_survey", "2020", "question shown only to coders who use ML; option list grows (JAX, "
                                                  "MXNet, ...)"),
                   Break("kaggle_survey", "2021", "responses under 2 minutes or with <15 choices dropped; PyTorch "
                                                  "Lightning, Huggingface added"),
                   Break("kaggle_survey", "2022", "questions renumbered; students asked yes/no instead of a job "
                                                  "title"))),
    Source("conference_papers", "Conference papers", "conference_papers", "14_clean_conferences", "counts", "year",
           keras=("counted as TensorFlow, as the upstream counted it (its TensorFlow terms: tensorflow, opennmt-tf, "
                  "keras; papers before Keras 3): kept as published, since the claims tested are about these counts"),
           title="Conference papers: which framework they name", question="Which framework do conference papers name?",
           files={"counts": "chillee_data.csv", "paper_lists": "chillee_paper_lists.zip"}),
    Source("so_survey", "Stack Overflow Developer Survey", "so_survey", "16_clean_so_survey", "responses", "year",
           keras=KERAS_OPTION,
           title="Stack Overflow Developer Survey (a source you add)",
           question="What do the Stack Overflow survey files you added say?",
           dropin=r"stack-overflow-developer-survey-(?P<year>\d{4})\.zip",
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


def break_label(break_id: str) -> str:
    """How reports name a break: a survey's by its order (`B2`, as its charts mark it), a monthly source's by its
    first month; an id the registry does not hold (a refresh's `splice`) as it is."""
    b = BREAK_BY_ID.get(break_id)
    if b is None:
        return break_id
    if SOURCE_BY_ID[b.source].granularity == "year":
        return f"B{[x.id for x in breaks(b.source)].index(b.id) + 1}"
    return b.start


def survey_breaks(source: str) -> dict[int, str]:
    """{first survey year after the change: description} for a survey source (charts label them B1, B2, ...)."""
    return {int(b.start): b.description for b in breaks(source)}


def break_at(source: str, period: str, framework: str = "") -> Break | None:
    """The break written on `period` of `source` in the monthly tables (see `Break.marks`; with `framework`, only a
    break that concerns it), or None. A source's breaks never mark one month of one item twice (a test checks)."""
    return next((b for b in breaks(source) if b.marks(period) and (not framework or b.concerns((framework,)))), None)


def break_fields(source: str, period: str, framework: str = "") -> tuple[str, str]:
    """(`break_id`, `break_kind`) as written on `period` of `source` (and `framework`) in the monthly tables; ("", "")
    if none."""
    b = break_at(source, period, framework)
    return (b.id, b.kind) if b else ("", "")
