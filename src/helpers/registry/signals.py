"""Every popularity signal and its family, declared once (sources and their method breaks: `registry.sources`).

A *signal* compares PyTorch with TensorFlow on one source and metric; its share is
PyTorch / (PyTorch + TensorFlow). Charts, tables, summary sentences, family groupings, the models and
the tests all read this module; adding a signal is one entry here (plus its source's cleaning).

Pure Python (no third-party imports): Make reads it through `helpers.chain.makefile`.
"""
from __future__ import annotations

from dataclasses import dataclass

from .sources import SOURCE_BY_ID

PYTORCH_RELEASE = "2017-01"  # PyTorch's public release (January 2017): monthly series start here
LAUNCH_MONTHS = ("2017-01", "2017-02", "2017-03")  # the release's own spike: out of every change and gain of 2017,
AFTER_LAUNCH = "2017-04"                           # which are read from this month (year shares say they hold them)


@dataclass(frozen=True)
class Family:
    """Signals that measure the same kind of crowd."""
    id: str
    label: str  # as printed in reports (e.g. Q&A sites)
    who: str    # whose behaviour the family measures, one clause


@dataclass(frozen=True)
class Signal:
    """One comparison of PyTorch with TensorFlow.

    `pytorch`/`tensorflow` are the `framework` values summed on each side (PyPI: package names).
    `granularity` is "month" (rows of monthly_signals.csv) or "year" (a survey or paper count).
    `popularity` False marks a process signal: shown, never counted in verdicts.
    `estimand` says in one sentence what the share estimates. `colour` and `marker` draw the signal in charts; the
    colour is never one of the reports' leader colours (`helpers.report.colours`). `jax`: the `framework` values
    summed for JAX where the signal counts it (empty: a two-way signal); its contenders are then PyTorch,
    TensorFlow and JAX (`helpers.stats.contenders`).
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
    marker: str = "o"  # matplotlib marker: with the colour and a direct label, how charts tell signals apart
    jax: tuple[str, ...] = ()

    @property
    def family_label(self) -> str:
        return FAMILIES[self.family].label

    @property
    def contenders(self) -> tuple[str, ...]:
        """The frameworks this signal counts: PyTorch and TensorFlow, and JAX where it counts JAX."""
        return ("pytorch", "tensorflow") + (("jax",) if self.jax else ())

    def items_of(self, framework: str) -> tuple[str, ...]:
        """The `framework` values summed for one contender."""
        return {"pytorch": self.pytorch, "tensorflow": self.tensorflow, "jax": self.jax}[framework]


# how reports name a framework id (the contenders first)
FRAMEWORK_LABELS = {"pytorch": "PyTorch", "tensorflow": "TensorFlow", "jax": "JAX", "keras": "Keras",
                    "transformers": "Transformers", "scikit-learn": "scikit-learn", "flax": "Flax", "mxnet": "MXNet",
                    "lightning": "Lightning", "pytorch-lightning": "PyTorch Lightning"}

FAMILIES = {f.id: f for f in (
    Family("qa", "Q&A sites", "people stuck on a problem: heavy for newcomers and for the framework with more users "
                              "in industry"),
    Family("github", "GitHub", "developers' attention and contributions: researchers and tool builders"),
    Family("dependents", "GitHub dependents", "projects whose dependency files name the framework: software built on "
                                              "it, counted when GitHub's dependency graph finds it"),
    Family("installs", "Package installs", "automated installs (CI, Docker); PyTorch's GPU builds bypass PyPI"),
    Family("search", "Web search", "general interest, including students and people just curious"),
    Family("surveys", "Surveys and papers", "self-reported use by Kaggle's data scientists; framework mentions in "
                                            "research papers"),
)}

SIGNALS = (
    Signal("so_questions", "Stack Overflow questions", "stackoverflow", "questions", ("pytorch",), ("tensorflow",),
           "qa", "developers asking for help", "#009E73",
           "a near-census: the share of new Stack Overflow questions tagged pytorch among those tagged pytorch or "
           "tensorflow (still carrying the tag when counted)",
           "2016-12 to 2023-05 (the charts stop)", marker="o", jax=("jax",)),
    Signal("dsse_questions", "Data Science SE questions", "dsse", "questions", ("pytorch",), ("tensorflow",),
           "qa", "data scientists asking for help (small site)", "#9ACD32",
           "the share of new Data Science SE questions tagged pytorch among those tagged pytorch or tensorflow, "
           "without counting noise (5-50 questions a month per tag, so a month's share is known only roughly)",
           "2014-05 to 2024-07 (the export's last complete month)", marker="s", jax=("jax",)),
    Signal("github_stars", "GitHub new stars", "github", "new_stars", ("pytorch",), ("tensorflow",),
           "github", "GitHub users' attention", "#6A3D9A",
           "a near-census of surviving stars: the share of new stars given to pytorch/pytorch among the two "
           "repositories (stars later removed are missing)",
           "2016-08 to 2025-07 (later months hold net changes)", marker="^", jax=("jax",)),
    Signal("github_forks", "GitHub new forks", "github", "new_forks", ("pytorch",), ("tensorflow",),
           "github", "people who build on the code", "#E377C2",
           "a near-census of surviving forks: the share of new forks made of pytorch/pytorch among the two",
           "2016-08 to 2025-07", marker="v", jax=("jax",)),
    Signal("github_issues", "GitHub new issues", "github", "new_issues", ("pytorch",), ("tensorflow",),
           "github", "users reporting problems", "#B8005C",
           "a census: the share of new issues opened on pytorch/pytorch among the two repositories (also reflects "
           "each project's triage process)",
           "2016-08 to 2025-07", marker="D", jax=("jax",)),
    Signal("pypi_downloads", "PyPI downloads", "pypi", "downloads", ("torch",), ("tensorflow", "tensorflow-gpu",
                                                                                   "tensorflow-cpu"),
           "installs", "pip installs, mostly CI and automation (PyTorch's CUDA builds are not on PyPI)", "#8C6D1F",
           "a near-census of downloads from PyPI: torch's share of torch plus the TensorFlow packages, in one "
           "snapshot window per month (counting rules changed three times)",
           "2018-02 to 2026-03 (no snapshot upstream for 2024-07 and 2024-12)", marker="P", jax=("jax",)),
    Signal("github_dependents", "GitHub new dependents", "best_of_ml_python", "new_dependents", ("pytorch",),
           ("tensorflow",), "dependents", "projects that build on the framework", "#17BECF",
           "GitHub's count of repositories whose dependency files name pytorch/pytorch, against tensorflow/tensorflow: "
           "the share of the month's new dependents (changes of the cumulative \"used by\" counts in weekly "
           "snapshots, spread evenly over the days between them)",
           "2020-12 to 2025-05, with holes: PyTorch's count failed 2021-08..2023-08; snapshot gaps of more than five "
           "weeks", marker="p", jax=("jax",)),
    Signal("google_trends", "Google Trends interest", "google_trends", "interest", ("pytorch",), ("tensorflow",),
           "search", "web searchers", "#000000",
           "a relative index: PyTorch's share of the two search interests in one Google Trends request (a sample "
           "of searches, rescaled)",
           "only when an export is added to data/raw/google_trends/", marker="X"),
    Signal("github_prs", "GitHub new pull requests", "github", "new_prs", ("pytorch",), ("tensorflow",),
           "github", "each project's own workflow", "#BCBD22",
           "a process measure: the share of new pull requests opened on pytorch/pytorch (PyTorch opens one per "
           "change; TensorFlow mirrors automated PRs)",
           "2016-08 to 2025-07", popularity=False, marker="*"),
    Signal("kaggle_survey", "Kaggle survey", "kaggle_survey", "exclusive_users", ("pytorch",), ("tensorflow",),
           "surveys", "Kaggle's data scientists", "#5A3A22",
           "a sample estimate: among Kaggle respondents who use exactly one of the two, the share using PyTorch "
           "(describes Kaggle respondents only, not all practitioners)",
           "survey years 2018-2022 (2017 had no framework question)", granularity="year", marker="h"),
    Signal("conference_papers", "Conference papers", "conference_papers", "papers", ("pytorch",), ("tensorflow",),
           "surveys", "researchers publishing at ML conferences", "#1F5C3A",
           "a census of accepted papers: among papers at the listed conferences naming only one framework, the "
           "share naming PyTorch",
           "2015-2021 accepted papers (ICLR 2021-2022 rows are submissions)", granularity="year", marker="<"),
)
SIGNAL_BY_ID = {s.id: s for s in SIGNALS}
MONTHLY = tuple(s for s in SIGNALS if s.granularity == "month")
YEARLY = tuple(s for s in SIGNALS if s.granularity == "year")
THREE_WAY = tuple(s for s in MONTHLY if s.jax)  # the monthly signals that count JAX too

_unknown = [s.id for s in SIGNALS if s.source not in SOURCE_BY_ID]
if _unknown:
    raise ValueError(f"signals {_unknown} name a source not declared in registry.sources")
_undeclared = [s.id for s in MONTHLY if s.metric not in SOURCE_BY_ID[s.source].metrics
               or (SOURCE_BY_ID[s.source].items
                   and not {*s.pytorch, *s.tensorflow, *s.jax} <= set(SOURCE_BY_ID[s.source].items))]
if _undeclared:
    raise ValueError(f"signals {_undeclared} read a metric or an item their source does not declare")

# The trend common to all signals (helpers.stats.common_trend) is listed beside them in report tables.
COMMON_TREND = "common_trend"
COMMON_TREND_LABEL = "Common trend (all signals)"


def label(signal_id: str) -> str:
    """The display label of a signal id (or of the common trend's): for rendering only, never for matching."""
    return COMMON_TREND_LABEL if signal_id == COMMON_TREND else SIGNAL_BY_ID[signal_id].name
