"""Every popularity signal, its family and every known method break, declared once.

A *signal* compares PyTorch with TensorFlow on one source and metric; its share is
PyTorch / (PyTorch + TensorFlow). Charts, tables, summary sentences, family groupings, the models and
the tests all read this module; adding a signal is one entry here (plus its source's cleaning).

Pure Python (no third-party imports): Make reads it through `helpers.chain.makefile`.
"""
from __future__ import annotations

from dataclasses import dataclass

PYTORCH_RELEASE = "2017-01"  # PyTorch's public release (January 2017): monthly series start here


@dataclass(frozen=True)
class Family:
    """Signals that measure the same kind of crowd."""
    id: str
    label: str  # as printed in reports ("Q&A sites")
    who: str    # whose behaviour the family measures, one clause


BREAK_KINDS = ("scales_all", "changes_mix", "exclude")
PRIOR_SD = 0.1  # default prior s.d. (logit scale) of a `changes_mix` break's shift of the share


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

    def __post_init__(self):
        if self.kind not in BREAK_KINDS:
            raise ValueError(f"break {self.source} {self.start}: kind {self.kind!r} is not one of {BREAK_KINDS}")

    def covers(self, period: str) -> bool:
        """Is `period` (YYYY-MM or YYYY) inside this break's episode (from `start`, to `end` if any)?"""
        return period >= self.start and (not self.end or period[:len(self.end)] <= self.end)


@dataclass(frozen=True)
class Signal:
    """One comparison of PyTorch with TensorFlow.

    `pytorch`/`tensorflow` are the `framework` values summed on each side (PyPI: package names).
    `granularity` is "month" (rows of monthly_signals.csv) or "year" (a survey or paper count).
    `popularity` False marks a process signal: shown, never counted in verdicts.
    `estimand` says in one sentence what the share estimates.
    """
    id: str
    name: str
    source: str
    metric: str
    pytorch: tuple[str, ...]
    tensorflow: tuple[str, ...]
    family: str
    audience: str
    colour: str
    estimand: str
    coverage: str
    granularity: str = "month"
    popularity: bool = True

    @property
    def family_label(self) -> str:
        return FAMILIES[self.family].label


FAMILIES = {f.id: f for f in (
    Family("qa", "Q&A sites", "people stuck on a problem: heavy for newcomers and for the framework with more users "
                              "in industry"),
    Family("github", "GitHub", "developers' attention and contributions: researchers and tool builders"),
    Family("installs", "Package installs", "automated installs (CI, Docker); PyTorch's GPU builds bypass PyPI"),
    Family("search", "Web search", "general interest, including students and people just curious"),
    Family("surveys", "Surveys and papers", "self-reported use by Kaggle's data scientists; framework mentions in "
                                            "research papers"),
)}

SIGNALS = (
    Signal("so_questions", "Stack Overflow questions", "stackoverflow", "questions", ("pytorch",), ("tensorflow",),
           "qa", "developers asking for help", "#0072B2",
           "a near-census: the share of new Stack Overflow questions tagged pytorch among those tagged pytorch or "
           "tensorflow (still carrying the tag when counted)",
           "2016-12 to 2023-05 (the charts stop)"),
    Signal("dsse_questions", "Data Science SE questions", "dsse", "questions", ("pytorch",), ("tensorflow",),
           "qa", "data scientists asking for help (small site)", "#56B4E9",
           "the share of new Data Science SE questions tagged pytorch among those tagged pytorch or tensorflow, "
           "without counting noise (5-50 questions a month per tag, so a month's share is known only roughly)",
           "2014-05 to 2024-07 (the export's last complete month)"),
    Signal("github_stars", "GitHub new stars", "github", "new_stars", ("pytorch",), ("tensorflow",),
           "github", "GitHub users' attention", "#D55E00",
           "a near-census of surviving stars: the share of new stars given to pytorch/pytorch among the two "
           "repositories (stars later removed are missing)",
           "2016-08 to 2025-07 (later months hold net changes)"),
    Signal("github_forks", "GitHub new forks", "github", "new_forks", ("pytorch",), ("tensorflow",),
           "github", "people who build on the code", "#E69F00",
           "a near-census of surviving forks: the share of new forks made of pytorch/pytorch among the two",
           "2016-08 to 2025-07"),
    Signal("github_issues", "GitHub new issues", "github", "new_issues", ("pytorch",), ("tensorflow",),
           "github", "users reporting problems", "#CC79A7",
           "a census: the share of new issues opened on pytorch/pytorch among the two repositories (also reflects "
           "each project's triage process)",
           "2016-08 to 2025-07"),
    Signal("pypi_downloads", "PyPI downloads", "pypi", "downloads", ("torch",), ("tensorflow", "tensorflow-gpu",
                                                                                   "tensorflow-cpu"),
           "installs", "pip installs, mostly CI and automation (PyTorch's CUDA builds are not on PyPI)", "#009E73",
           "a near-census of downloads from PyPI: torch's share of torch plus the TensorFlow packages, in one "
           "snapshot window per month (counting rules changed three times)",
           "2018-02 to 2026-03 (no snapshot upstream for 2024-07 and 2024-12)"),
    Signal("google_trends", "Google Trends interest", "google_trends", "interest", ("pytorch",), ("tensorflow",),
           "search", "web searchers", "#000000",
           "a relative index: PyTorch's share of the two search interests in one Google Trends request (a sample "
           "of searches, rescaled)",
           "only when an export is added to data/raw/google_trends/"),
    Signal("github_prs", "GitHub new pull requests", "github", "new_prs", ("pytorch",), ("tensorflow",),
           "github", "each project's own workflow", "#999999",
           "a process measure: the share of new pull requests opened on pytorch/pytorch (PyTorch opens one per "
           "change; TensorFlow mirrors automated PRs)",
           "2016-08 to 2025-07", popularity=False),
    Signal("kaggle_survey", "Kaggle survey", "kaggle_survey", "exclusive_users", ("pytorch",), ("tensorflow",),
           "surveys", "Kaggle's data scientists", "#8C564B",
           "a sample estimate: among Kaggle respondents who use exactly one of the two, the share using PyTorch "
           "(describes Kaggle respondents only, not all practitioners)",
           "survey years 2018-2022 (2017 had no framework question)", granularity="year"),
    Signal("conference_papers", "Conference papers", "conference_papers", "papers", ("pytorch",), ("tensorflow",),
           "surveys", "researchers publishing at ML conferences", "#7F7F7F",
           "a census of accepted papers: among papers at the listed conferences naming only one framework, the "
           "share naming PyTorch",
           "2015-2021 accepted papers (ICLR 2021-2022 rows are submissions)", granularity="year"),
)
SIGNAL_BY_ID = {s.id: s for s in SIGNALS}
SIGNAL_BY_NAME = {s.name: s for s in SIGNALS}
MONTHLY = tuple(s for s in SIGNALS if s.granularity == "month")
YEARLY = tuple(s for s in SIGNALS if s.granularity == "year")
POPULARITY = tuple(s for s in SIGNALS if s.popularity)
# the `source` values of monthly_signals.csv, in the order reports list them
MONTHLY_SOURCES = tuple(dict.fromkeys(s.source for s in MONTHLY))

BREAKS = (
    Break("stackoverflow", "2022-01", "fetch timing: later months counted a day after month end (fewer deletions "
                                      "yet)", prior_sd=0.05),
    Break("pypi", "2018-08", "Linehaul/BigQuery source change: ~3x jump for every package", kind="scales_all"),
    Break("pypi", "2020-12", "documented 2021 dip in the source data (snapshots of 2021-01..04, months 2020-12..2021-03)",
          kind="scales_all", end="2021-03"),
    Break("pypi", "2024-11", "every installer counted (pip, uv, poetry, ...), 29-day window", prior_sd=0.15),
    Break("pypi", "2025-06", "ClickHouse dataset, previous calendar month"),
    Break("github", "2025-08", "daily values become net changes (negatives appear): incremental collector, inferred",
          kind="exclude"),
    Break("google_trends", "2016-01", "Google: improvement to geographic assignment (the note on trends.google.com "
                                      "charts)", prior_sd=0.2),
    Break("google_trends", "2022-01", "Google: improvement to the data collection system (the note on "
                                      "trends.google.com charts)", prior_sd=0.2),
    Break("kaggle_survey", "2019", "wording: 'used in past 5 years' (2018) -> 'use on a regular basis'; question shown "
                                   "to coders only"),
    Break("kaggle_survey", "2020", "question shown only to coders who use ML; option list grows (JAX, MXNet, ...)"),
    Break("kaggle_survey", "2021", "responses under 2 minutes or with <15 choices dropped; PyTorch Lightning, "
                                   "Huggingface added"),
    Break("kaggle_survey", "2022", "questions renumbered; students asked yes/no instead of a job title"),
    Break("so_survey", "2019", "FrameworkWorkedWith -> MiscTechWorkedWith: frameworks moved to 'other frameworks and "
                               "libraries'"),
    Break("so_survey", "2021", "MiscTechWorkedWith -> MiscTechHaveWorkedWith: new survey layout"),
)


# A splice onto refreshed data (`make refresh`) is a break too, found in the data rather than declared here: its
# label in monthly_signals.csv starts with this word, and the models treat it as a `changes_mix` shift estimated from
# the months both the acquired and the refreshed data hold.
SPLICE = "splice"


def breaks(source: str) -> tuple[Break, ...]:
    """The breaks of one source, in time order."""
    return tuple(sorted((b for b in BREAKS if b.source == source), key=lambda b: b.start))


def survey_breaks(source: str) -> dict[int, str]:
    """{first survey year after the change: description} for a survey source (charts label them B1, B2, ...)."""
    return {int(b.start): b.description for b in breaks(source)}


def break_label(source: str, period: str) -> str:
    """The description of the break that starts at `period` ('' if none), as written in monthly_signals.csv.
    A temporary or excluding episode is written on every month it covers."""
    hits = [b.description for b in breaks(source) if b.start == period or ((b.end or b.kind == "exclude")
                                                                             and b.covers(period))]
    return "; ".join(hits)
