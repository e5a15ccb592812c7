"""Every processed and report table, declared once: path, producing step, columns with their meaning.

From this registry come the pandera schemas (`helpers.chain.schemas`), the writers (`helpers.chain.io`),
Make's output lists (`helpers.chain.makefile`) and the data dictionary, docs/data-dictionary.md (`helpers.chain.docs`).

Column kinds (what a value is, how it is shown, and the name that marks it): `helpers.registry.fields`; the
naming convention is docs/naming.md. A column may hold missing values only when `nullable`. Extra columns are
allowed (documented ones first).

Pure Python (no third-party imports): Make reads it through `helpers.chain.makefile`.
"""
from __future__ import annotations

from dataclasses import dataclass, field, replace

from .columns import FIELDS, OUTCOME_IDS
from .sources import SOURCES


@dataclass(frozen=True)
class Column:
    name: str
    kind: str          # a kind of `helpers.registry.fields.KINDS`
    description: str
    nullable: bool = False
    required: bool = True  # False: present only when the source that fills it is (e.g. PyPI's window_days)
    shared: bool = False   # a field of registry.columns (F), not declared by this table alone (C)


@dataclass(frozen=True)
class Table:
    """One output file. `path` is relative to the project root; `{year}` marks a per-year file."""
    id: str
    path: str
    step: str
    description: str
    columns: tuple[Column, ...] = ()
    key: tuple[str, ...] = ()          # unique key (no duplicate rows)
    sort: tuple[str, ...] = ()         # rows are written sorted by these
    checks: tuple[str, ...] = ()       # named table-level checks (see helpers.chain.schemas.CHECKS)
    fmt: str = "csv"                   # csv, parquet, json, stamp
    notes: tuple[str, ...] = field(default=())

    @property
    def per_year(self) -> bool:
        return "{year}" in self.path

    def file(self, year: int | None = None) -> str:
        if self.per_year and year is None:
            raise ValueError(f"table {self.id} is per year: give the year")
        return self.path.format(year=year) if self.per_year else self.path


def C(name: str, kind: str, description: str, nullable: bool = False, required: bool = True) -> Column:  # noqa: N802
    """A column only this table holds (a shared one is `F`)."""
    if name in FIELDS:
        raise ValueError(f"column {name!r} is a shared field (registry.columns): list it with F({name!r})")
    return Column(name, kind, description, nullable, required)


def F(name: str, description: str = "", nullable: bool | None = None, required: bool = True) -> Column:  # noqa: N802
    """A shared field (`registry.columns.FIELDS`) in this table, with this table's narrower description or
    nullability where given."""
    f = FIELDS[name]
    return Column(name, f.kind, description or f.description, f.nullable if nullable is None else nullable, required,
                  shared=True)


def own_bounds(name: str, kind: str, nullable: bool = False) -> tuple[Column, Column]:
    """The two bounds of a 95% interval of a column only this table holds: `<name>_low`, `<name>_high`."""
    return (C(f"{name}_low", kind, "95% interval, lower bound", nullable),
            C(f"{name}_high", kind, "95% interval, upper bound", nullable))


# shared column groups ------------------------------------------------------------------------------------------
SHARE_COLUMNS = (
    F("year"),
    F("framework", "option id, lower case: `tensorflow`, `pytorch`, `keras`, `jax`, `scikit-learn`, "
                          "`pytorch-lightning`, `huggingface`, `xgboost`, ..., `none`, `other`"),
    F("n_selected"),
    F("n_respondents"),
    F("n_answered"),
    F("all_share"),
    F("answered_share"),
)
WILSON_COLUMNS = (
    F("all_share_low"),
    F("all_share_high"),
    F("answered_share_low"),
    F("answered_share_high"),
)
def _codes(values) -> str:
    return ", ".join(f"`{v}`" for v in values)


# the vocabularies of the monthly tables, from the source registry (a schema check holds the rows to them)
MONTHLY = tuple(s for s in SOURCES if s.granularity == "month")
MONTHLY_COLUMNS = (
    F("source_id", "the source's id: " + "; ".join(f"`{s.id}` ({s.label})" for s in MONTHLY)),
    F("metric", "what is counted, per source: " + "; ".join(
        f"{s.label}: " + ", ".join(f"`{m}` ({what})" for m, what in s.metrics.items()) for s in MONTHLY)),
    F("framework", "the item counted, per source: " + "; ".join(
        f"{s.label}: {_codes(s.items) if s.items else 'the search terms as the export names them'}" for s in MONTHLY)),
    F("month", "calendar month (PyPI snapshots: the month holding most of the snapshot's window; refreshed "
                        "months are calendar months)"),
    F("value"),
    F("break_id"),
    F("break_kind"),
)
MONTHLY_CHECKS = ("months_contiguous", "value_nonnegative", "declared_vocabulary")


def monthly_part(module: str) -> Table:
    """The slice of monthly_signals.csv that one cleaning module (`helpers.sources.<module>`) writes: its monthly
    sources' rows."""
    sources = [src for src in SOURCES if src.module == module and src.granularity == "month"]
    return Table(f"monthly_{module}", f"data/processed/monthly_{module}.csv", sources[0].step,
                 f"{', '.join(src.label for src in sources)}: this source's rows of `monthly_signals.csv`, same columns.",
                 MONTHLY_COLUMNS, key=("source_id", "metric", "framework", "month"),
                 sort=("source_id", "metric", "framework", "month"), checks=MONTHLY_CHECKS)


MONTHLY_PARTS = tuple(monthly_part(m) for m in dict.fromkeys(src.module for src in SOURCES if src.granularity == "month"))
RAW_FOLDERS = tuple(dict.fromkeys(src.folder for src in SOURCES))


def raw_stamp(folder: str) -> str:
    """The id of the stamp `00_acquire` writes for one raw folder (what the steps reading it wait for)."""
    return f"raw_{folder}"


RAW_STAMPS = tuple(Table(raw_stamp(f), f"build/raw/{f}.stamp", "00_acquire",
                         f"Stamp: the verified files of data/raw/{f}/ (path, bytes, sha256), rewritten only when they "
                         "change, so that only the steps reading this folder rerun.", fmt="stamp")
                   for f in RAW_FOLDERS)


# the source id of a survey table's rows: one of the sources counting survey responses
SURVEY_ID = F("source_id", "the survey's source id: " + " or ".join(
    f"`{s.id}`" for s in SOURCES if s.measure == "responses"))
# a survey's year-over-year shifts (two-proportion tests), as every shifts table holds them
SHIFT_COLUMNS = (
    SURVEY_ID,
    F("framework"),
    F("year_before"),
    F("year_after"),
    F("before_share"),
    F("after_share"),
    F("share_change", nullable=False),
    F("share_change_low", "Newcombe 95% interval of the shift, lower bound", nullable=False),
    F("share_change_high", nullable=False),
    F("z"),
    F("p_value", "two-sided p-value", nullable=False),
    F("cohen_h"),
    F("break_id", "the id of the survey's method break starting in `year_after` (`helpers.registry.sources`); "
                  "empty if none", nullable=True),
    F("p_holm", "Holm-adjusted over every shift of the table's family (one per survey)", nullable=False),
)
# every report table about signals is keyed by the signal's id; its label is only shown (helpers.chain.labels)
SIGNAL_KEY = (
    F("signal_id"),
    F("signal"),
)
# the estimand of every table built on the monthly models, in one sentence
LATENT = ("A monthly signal's latent share is the share as the source counted it that month (under the counting "
          "rules in force that month), without counting noise.")
# what a crossover rule finds (registry.crossover), as every crossover table holds it
CROSSOVER_COLUMNS = (
    F("outcome_id", f"what the primary rule finds: {OUTCOME_IDS} (see `helpers.registry.crossover`); the "
                          "outcome holding the median path", nullable=True),
    F("crossover"),
    F("window_end"),
    F("crossover_low"),
    F("crossover_high"),
    F("high_outcome_id"),
    F("dated_prob"),
    F("not_yet_prob"),
    F("not_decidable_prob"),
    F("ahead_since_start_prob"),
    F("decidable_from"),
    F("summary"),
)
LEADER_COLUMNS = (
    *SIGNAL_KEY,
    F("family"),
    F("pytorch_share", "PyTorch's share in the year: a monthly signal's pooled latent share (PyTorch's "
                                "latent count over the pair's in the year's months, what a reader computes from the "
                                "year's counts); a yearly signal's share of the year"),
    F("pytorch_share_low"),
    F("pytorch_share_high"),
    F("ahead_prob", "P(PyTorch's share in the year > 1/2)"),
    F("leader"),
    F("n_months", "months of the year the signal covers (12 for a yearly signal)"),
    F("n_months_ahead"),
    F("basis"),
)
# how a crossover's simulated findings fall into outcomes and calendar years (a signal's, or the common trend's)
CROSSOVER_YEAR_COLUMNS = (*SIGNAL_KEY, F("rule_id"), F("outcome_id"), F("crossover_year"), F("year_prob"))
CROSSOVER_YEAR_KEY = ("signal_id", "rule_id", "outcome_id", "crossover_year")

TABLES = (
    # --- processed data (data/processed) ----------------------------------------------------------------------
    *RAW_STAMPS,
    Table("kaggle_framework_shares", "data/processed/kaggle_framework_shares.csv", "10_clean_kaggle",
          "One row per survey year (2018-2022) and framework option.",
          SHARE_COLUMNS + (
              C("wording", "str", "\"used in the past 5 years\" (2018) or \"use on a regular basis\" (2019-2022)"),
              C("shown_to", "str", "who was shown the question: the population behind `answered_share`"),
          ) + WILSON_COLUMNS,
          key=("year", "framework"), sort=("year", "framework"), checks=("shares_consistent",)),
    Table("kaggle_respondents", "data/processed/kaggle_respondents.parquet", "10_clean_kaggle",
          "One row per respondent and year (2017-2022).",
          (F("year"),
           C("respondent", "int", "row number within the year"),
           C("country", "str", "country as answered"),
           C("country_group", "str", "India, United States, China, Brazil, Japan, Russia, Nigeria, Other"),
           C("role", "str", "job title as answered"),
           C("role_group", "str", "student, data, engineering, research, other (2022: students from the yes/no "
                                  "question)"),
           C("is_answered", "bool", "selected any framework option; missing in 2017, which had no framework question",
             nullable=True)),
          key=("year", "respondent"), fmt="parquet",
          notes=("Plus one `fw_<framework>` column per option (selected it; missing where the year did not offer it).",)),
    Table("so_questions_digitised", "data/processed/so_questions_digitised.csv", "11_clean_stackexchange",
          "Stack Overflow questions per tag and month, read back from the nschloe/stackoverflow-trends SVG charts.",
          (C("tag", "str", "`tensorflow`, `pytorch`, `keras`, `scikit-learn`, `all`"),
           F("month"),
           C("n_questions", "count", "integer read back from the chart"),
           C("per_day", "float", "questions per day, as plotted"),
           C("n_days", "count", "days in the month"),
           F("method"),
           C("n_svg_versions", "count", "chart versions in which the month is a vertex"),
           C("n_distinct_values", "count", "distinct integers across those versions (1 = exact)"),
           C("max_abs_residual", "float", "largest distance of the read-back count to its integer", nullable=True)),
          key=("tag", "month"), sort=("tag", "month")),
    Table("dsse_snapshot_sensitivity", "reports/tables/dsse_snapshot_sensitivity.csv", "11_clean_stackexchange",
          "PyTorch and TensorFlow Data Science SE questions per year in each of the two exports.",
          (F("year", "calendar year complete in both exports"),
           C("n_pytorch_first", "count", "PyTorch questions, first (older) export"),
           C("n_tensorflow_first", "count", "TensorFlow questions, first export"),
           C("n_pytorch_second", "count", "PyTorch questions, second (later) export"),
           C("n_tensorflow_second", "count", "TensorFlow questions, second export"),
           C("first_pytorch_share", "share", "PyTorch's share, first export (empty when neither tag was used)",
             nullable=True),
           C("second_pytorch_share", "share", "PyTorch's share, second export", nullable=True),
           F("share_change")),
          key=("year",), sort=("year",)),
    Table("conference_papers", "data/processed/conference_papers.csv", "14_clean_conferences",
          "Papers naming only PyTorch or only TensorFlow, per conference and year (Horace He's counts).",
          (C("conference", "str", "conference"),
           F("year"),
           C("n_pytorch_papers", "count", "papers mentioning a PyTorch term and no TensorFlow term"),
           C("n_tensorflow_papers", "count", "papers mentioning a TensorFlow term and no PyTorch term"),
           C("n_papers", "count", "papers in that conference-year list"),
           C("month_of_year", "int", "conference month"),
           C("papers_are", "str", "`accepted`, or `submissions` for ICLR 2021-2022"),
           F("pytorch_share", "`n_pytorch_papers / (n_pytorch_papers + n_tensorflow_papers)`")),
          key=("conference", "year"), sort=("conference", "year"), checks=("papers_within_total",)),
    Table("google_trends_export", "data/processed/google_trends_export.csv", "15_clean_google_trends",
          "The Google Trends export used (empty without one).",
          (C("file", "str", "the export under data/raw/google_trends/"),
           C("geo", "str", "region of the request, as the export names it"),
           C("resolution", "str", "`monthly`, `weekly` or `daily` rows"),
           C("terms", "str", "search terms, comma-separated"),
           C("first", "str", "first day the file covers"),
           C("last", "str", "last day the file covers (the end of its last week or month)"),
           C("n_rows", "count", "data rows"),
           C("dropped_partial", "str", "periods an `isPartial` column flags as incomplete, left out", nullable=True),
           F("n_months", "complete calendar months (every day covered): the months the signal uses"),
           F("first_month"),
           F("last_month"),
           C("partial_months", "str", "months only partly covered (weekly or daily rows straddling the range's ends, "
                                      "or dropped partial periods), left out, with the days covered", nullable=True)),
          key=("file",)),
    Table("so_survey_framework_shares", "data/processed/so_survey_framework_shares.csv", "16_clean_so_survey",
          "Stack Overflow Developer Survey shares (empty without survey files): as the Kaggle table, for "
          "`tensorflow`, `pytorch`, `keras`. Counts and shares are empty where the year did not offer the option "
          "or asked no frameworks question (never 0).",
          tuple(replace(c, nullable=c.name not in ("year", "framework", "n_respondents")) for c in SHARE_COLUMNS) + (
              C("column", "str", "the frameworks question's column that year (empty: not asked)", nullable=True),
              C("n_published_respondents", "count", "respondents the publisher reports for the year"),
              F("is_complete"),
              F("sample_note"),
              C("is_offered", "bool", "the year offered this framework as an option"),
              F("status", "`offered`, `not offered in Y`, or `not asked: ...`"),
          ) + tuple(replace(c, nullable=True) for c in WILSON_COLUMNS),
          key=("year", "framework"), sort=("year", "framework"), checks=("shares_consistent",)),
    Table("so_survey_pairs", "data/processed/so_survey_pairs.csv", "16_clean_so_survey",
          "Per Stack Overflow survey year that asked about frameworks, among those who answered: who picked "
          "TensorFlow, PyTorch, both, neither.",
          (F("year"),
           F("n_answered"),
           F("n_both"),
           F("n_tensorflow_only"),
           F("n_pytorch_only"),
           F("n_neither"),
           F("is_complete"),
           F("sample_note")),
          key=("year",), sort=("year",)),
    Table("so_survey_contender_pairs", "data/processed/so_survey_contender_pairs.csv", "16_clean_so_survey",
          "Per Stack Overflow survey year, among those who answered: who picked each two of TensorFlow, PyTorch and "
          "JAX that the year offered (both, only the first, only the second, neither).",
          (F("year"),
           F("first_framework"),
           F("second_framework"),
           F("n_answered"),
           F("n_both"),
           F("n_first_only"),
           F("n_second_only"),
           F("n_neither"),
           F("is_complete"),
           F("sample_note")),
          key=("year", "first_framework", "second_framework"), sort=("year", "first_framework", "second_framework")),
    Table("best_of_ml_pypi", "data/processed/best_of_ml_pypi.csv", "17_clean_best_of_ml_python",
          "PyPI downloads over the 30 days before each best-of-ml-python snapshot, as its generator read them: an "
          "independent cross-check of the PyPI signal (another reader of the same upstream, at other dates).",
          (C("snapshot_date", "date", "the snapshot's date (its file name)"),
           F("framework"),
           C("package", "str", "the PyPI package the snapshot read (`torch`, `tensorflow`, `jax`, ...)"),
           C("n_downloads_30d", "count", "downloads in the 30 days before the snapshot")),
          key=("snapshot_date", "framework"), sort=("framework", "snapshot_date")),
    *MONTHLY_PARTS,
    Table("monthly_signals", "data/processed/monthly_signals.csv", "assemble_signals",
          "Long format, one row per source, metric, framework and month: every monthly source's part stacked.",
          MONTHLY_COLUMNS + (
              C("is_net_change", "bool", "GitHub from 2025-08: `value` is a net daily change of the totals, not a "
                                         "count (left out of shares)"),
              C("note", "str", "GitHub PRs: \"process signal ...\" (kept out of the verdicts)", nullable=True,
                required=False),
              C("window_days", "float", "PyPI: length of the download window (30, 29 or a calendar month)",
                nullable=True, required=False),
              C("snapshot", "str", "PyPI: the snapshot commit (10 characters)", nullable=True, required=False),
              C("origin", "str", "`acquired`, or the `make refresh` file the month comes from (`refresh_<source>_<date>"
                                 ".csv`; its manifest row gives the engine and the query)"),
              C("value_refreshed", "float", "an acquired month that a refresh also holds: the refreshed count (compared "
                                            "in `refresh_overlap`)", nullable=True, required=False)),
          key=("source_id", "metric", "framework", "month"), sort=("source_id", "metric", "framework", "month"),
          checks=MONTHLY_CHECKS,
          notes=("Series are month-contiguous except PyPI, which has no snapshot upstream for 2024-07 and 2024-12.",)),
    Table("refresh_overlap", "reports/tables/refresh_overlap.csv", "assemble_signals",
          "Where acquired and refreshed data (`make refresh`) both hold a month: how the two counts compare, per "
          "source, metric and framework. Empty before the first refresh.",
          (F("source_id"),
           F("metric"),
           F("framework"),
           F("n_months", "months held by both"),
           F("first_month", nullable=False),
           F("last_month", nullable=False),
           C("n_acquired", "count", "sum of the acquired counts over those months"),
           C("n_refreshed", "count", "sum of the refreshed counts over those months"),
           C("ratio_median", "float", "median of refreshed / acquired over those months (1: the same counting)"),
           C("ratio_min", "float", "smallest monthly ratio"),
           C("ratio_max", "float", "largest monthly ratio")),
          key=("source_id", "metric", "framework"), sort=("source_id", "metric", "framework")),
    # --- analysis tables (reports/tables) ---------------------------------------------------------------------
    Table("signal_tests", "reports/tables/signal_tests.csv", "20_trend_tests",
          "Per monthly signal: coverage, what its share estimates, the fitted state-space model, the trend over the "
          "whole series, seasonality, and when PyTorch's rise began.",
          (*SIGNAL_KEY,
           F("source_id"),
           F("is_popularity"),
           C("is_available", "bool", "the signal is modelled in this run"),
           C("estimand", "str", "what the signal's share estimates (from the signal registry)"),
           F("status"),
           F("first_month", "first month modelled (PyTorch's release, 2017-01, or later)"),
           F("last_month"),
           F("n_months", nullable=True),
           C("trend", "str", "Mann-Kendall verdict on the observed shares: increasing, decreasing, no trend",
             nullable=True),
           F("tau"),
           F("p_value", "Mann-Kendall p-value against 2,000 trend-free series from a null model fitted to the "
                                   "signal without any trend (a constant level, AR(1) deviations, irregulars, counting "
                                   "noise at the real monthly counts); its level under the signal's own fitted noise "
                                   "is measured by `make calibrate`; floor 1/2001"),
           F("p_holm", "Holm-adjusted across the popularity signals"),
           C("p_bh", "p_value", "Benjamini-Hochberg-adjusted across the popularity signals", nullable=True),
           F("sen_slope_per_year"),
           C("seasonal_strength", "float", "STL seasonal strength (0 none, 1 all)", nullable=True),
           C("p_seasonal_mk", "p_value", "seasonal Mann-Kendall p-value", nullable=True),
           F("phi"),
           C("sd_ar", "float", "s.d. of the persistent deviations' monthly innovations (logit scale)", nullable=True),
           C("sd_irregular", "float", "s.d. of month-specific variation beyond counting noise (logit)", nullable=True),
           F("sd_slope"),
           C("onset", "month", "when PyTorch's rise began: median month at which the break-adjusted share's rise "
                               "accelerates most (a broken line's hinge on the share scale, 2017-04..2020-12); empty "
                               "when most paths never accelerate",
             nullable=True),
           C("onset_low", "month", "95% interval, lower end", nullable=True),
           C("onset_high", "month", "95% interval, upper end; empty when the interval reaches \"no acceleration\" "
                                    "(paths without acceleration count as after the window)", nullable=True),
           C("onset_edge_prob", "prob", "share of paths whose hinge sits at the window's edge (no change inside it)",
             nullable=True),
           C("onset_none_prob", "prob", "share of paths on which no hinge steepens the line (no acceleration to date)",
             nullable=True),
           C("share_change_2017", "change", "change of the latent share within 2017, from 2017-04 (launch months left out; "
                                            "share points; was the rise already under way?)", nullable=True),
           *own_bounds("share_change_2017", "change", nullable=True),
           C("approximation_ess_share", "share", "effective sample share of importance weights (binomial likelihood over "
                                             "its Gaussian approximation): near 1, the approximation changes nothing",
             nullable=True),
           *(c for year, what in ((2017, "April to December: launch months left out"), (2018, "the whole year"))
             for c in (C(f"gain_per_year_{year}", "rate", f"PyTorch's gain per year in {year} (slope of the break-adjusted "
                                                  f"share, {what}; a fraction, 0.05 = 5 points a year)", nullable=True),
                       *own_bounds(f"gain_per_year_{year}", "rate", nullable=True))),
           C("faster_prob_2018", "prob", "posterior probability that the 2018 gain was larger than the 2017 gain",
             nullable=True),
           C("ess_hyper", "float", "effective number of the hyperparameters' grid points (1 / sum of squared posterior "
                                   "weights, out of `n_hyper_points`): how spread their posterior is over the grid",
             nullable=True),
           C("n_hyper_points", "count", "points of the deterministic grid over the hyperparameters' posterior",
             nullable=True)),
          key=("signal_id",),
          notes=("The model's convergence flag, its breaks and the slopes around the hinge are extra columns.",)),
    Table("signal_months", "reports/tables/signal_months.csv", "20_trend_tests",
          "Per monthly signal and month: the observed share and the model's latent share with its 95% band. " + LATENT,
          (*SIGNAL_KEY,
           F("month"),
           C("observed_share", "share", "PyTorch / (PyTorch + TensorFlow) as counted"),
           C("pt_plus_tf", "float", "PyTorch + TensorFlow (counts; index points for Google Trends)"),
           C("latent_share", "share", "posterior median of the latent share: the share as the source counted it that "
                                      "month (under the counting rules in force that month), without counting noise; "
                                      "empty when not modelled", nullable=True),
           C("latent_share_low", "share", "95% band, lower bound: the model's, or for a signal too short to model the counting "
                             "interval of the observed share (Wilson; for an index, the bounds of rounding)"),
           C("latent_share_high", "share", "95% band, upper bound (as `low`)"),
           F("ahead_prob", "P(the latent share > 1/2); empty when not modelled"),
           C("adjusted_share", "share", "posterior median of the break-adjusted share: the latent share mapped onto the "
                                        "newest counting rules (what comparisons across a break read); empty when not "
                                        "modelled", nullable=True),
           F("is_modelled"),
           F("break_id", "a `changes_mix` change of method starting this month, whose shift of the share the "
                                "model estimates: a documented break's id or `splice` (onto refreshed data); empty "
                                "otherwise")),
          key=("signal_id", "month"), sort=("signal_id", "month")),
    Table("crossovers", "reports/tables/crossovers.csv", "20_trend_tests",
          "One row per signal: when PyTorch overtook TensorFlow by the primary rule (a month with its 95% interval, "
          "or in plain words not yet, not decidable yet, ahead since the series began), each outcome's "
          "probability, and what the variant rule finds beside it. " + LATENT,
          (*SIGNAL_KEY,
           F("source_id"),
           F("metric"),
           C("granularity", "str", "`month` or `year`"),
           F("is_popularity"),
           *CROSSOVER_COLUMNS,
           C("variant_outcome_id", "id", "what the variant rule (ahead in 10 of 12 months) finds", nullable=True),
           C("variant_crossover", "period", "the variant rule's crossover month", nullable=True),
           C("variant_crossover_low", "period", "its 95% interval, lower end", nullable=True),
           C("variant_crossover_high", "period", "its 95% interval, upper end", nullable=True),
           C("variant_high_outcome_id", "id", "beyond the data: `not_yet` or `not_decidable`", nullable=True),
           C("variant_decidable_from", "month", "for the variant's 'not decidable yet': the deciding month",
             nullable=True),
           C("closest_share", "share", "highest latent share reached when nothing is dated", nullable=True),
           C("closest_period", "period", "when the closest approach happened", nullable=True),
           C("reason", "str", "why nothing is dated, or why a date is tentative, in the counts' own terms",
             nullable=True),
           C("first_period", "period", "first month (year) of the series"),
           C("last_period", "period", "last month (year) of the series"),
           C("last_decidable", "period", "the last month a crossover can be dated at with the data in (its 12-month "
                                         "window and 5 more must be observed)", nullable=True),
           C("rule", "str", "the primary rule"),
           C("interval", "str", "how the interval was made", nullable=True),
           F("is_modelled")),
          key=("signal_id",), sort=("granularity", "signal_id")),
    Table("crossover_years", "reports/tables/crossover_years.csv", "20_trend_tests",
          "Per signal (and the common trend) and crossover rule: how the simulated paths' findings fall into "
          "outcomes and calendar years. " + LATENT,
          CROSSOVER_YEAR_COLUMNS, key=CROSSOVER_YEAR_KEY),
    Table("yearly_trends", "reports/tables/yearly_trends.csv", "20_trend_tests",
          "Per monthly signal and year: did PyTorch's share change within the year? The model's change of the latent "
          "share, and a Mann-Kendall test of the observed months against trend-free years simulated from the "
          "signal's own fitted noise, with the slope it detects. " + LATENT
          + " A year that spans a break reads the break-adjusted share (every month on the newest counting rules). "
            "PyTorch's launch months (2017-01 to 2017-03) are left out of 2017.",
          (*SIGNAL_KEY,
           F("year"),
           F("n_months", "months in the year the change and test read (years with at least 6)"),
           F("first_month", "the first of them (2017: 2017-04, after the launch months)", nullable=False),
           F("pytorch_share", "the year's pooled latent share (all its months, as in `leaders_by_year`)", nullable=False),
           F("share_change", "change of the latent share from the first to the last of those months (a "
                                       "least-squares line through them), share points", nullable=False),
           F("share_change_low", nullable=False),
           F("share_change_high", nullable=False),
           C("share_change_low90", "change", "90% interval, lower bound (for equivalence tests)"),
           C("share_change_high90", "change", "90% interval, upper bound"),
           C("fall_prob", "prob", "P(change < 0)"),
           F("tau"),
           F("p_value", "Mann-Kendall p-value against 2,000 trend-free years simulated from the signal's "
                                   "fitted noise (AR(1) deviations, irregulars, counting noise; floor 1/2001)"),
           F("sen_slope_per_year"),
           C("mde_per_year", "rate", "minimum detectable slope: the linear slope this test detects with 80% power at "
                                     "5%, under the same simulated noise, share points per year", nullable=True),
           C("p_holm_within_year", "p_value", "Holm-adjusted across the popularity signals within the year "
                                              "(process signals excluded)", nullable=True)),
          key=("signal_id", "year")),
    Table("leaders_by_year", "reports/tables/leaders_by_year.csv", "20_trend_tests",
          "Who led, for every valid year and popularity signal. " + LATENT,
          (F("year"),) + LEADER_COLUMNS,
          key=("year", "signal_id"), sort=("year",), notes=("Within a year, rows follow the signal registry's order.",)),
    Table("common_trend", "reports/tables/common_trend.csv", "20_trend_tests",
          "The movement shared by the popularity signals: a common trend with per-signal offsets and deviations. "
          "Per month: the share of a typical signal (offsets averaging zero).",
          (F("month"),
           F("common_share"),
           F("common_share_low"),
           F("common_share_high"),
           F("ahead_prob", "P(common share > 1/2)", nullable=False)),
          key=("month",), sort=("month",)),
    Table("common_trend_years", "reports/tables/common_trend_years.csv", "20_trend_tests",
          "The common share averaged over each year, with its 95% interval.",
          (F("year"),
           F("n_months", "months of the year in the model"),
           F("common_share", "mean common share over the year's months"),
           F("common_share_low"),
           F("common_share_high"),
           F("ahead_prob", "P(mean common share > 1/2)", nullable=False)),
          key=("year",), sort=("year",)),
    Table("common_trend_signals", "reports/tables/common_trend_signals.csv", "20_trend_tests",
          "Per signal in the common-trend model: how far its audience sits from the shared movement.",
          (*SIGNAL_KEY,
           C("offset", "float", "the signal's offset from the common trend (logit scale; offsets sum to zero)"),
           *own_bounds("offset", "float"),
           C("sd_deviation", "float", "s.d. of the signal's monthly deviation innovations (logit)"),
           F("phi", "persistence of the signal's deviation (fixed at 0.9 for yearly signals)", nullable=False)),
          key=("signal_id",)),
    Table("common_trend_crossover", "reports/tables/common_trend_crossover.csv", "20_trend_tests",
          "When the common share overtook 50% by the primary crossover rule (every month of a window weighs the "
          "same: a typical signal has no counts).",
          (*CROSSOVER_COLUMNS,
           C("n_signals", "count", "signals in the model"),
           C("is_converged", "bool", "the maximum-likelihood fit converged"),
           F("sd_slope", nullable=False))),
    Table("common_trend_loo", "reports/tables/common_trend_loo.csv", "20_trend_tests",
          "The common trend without each popularity signal in turn: how much its crossover depends on which "
          "audiences are in it (the composition uncertainty).",
          (*SIGNAL_KEY, *CROSSOVER_COLUMNS),
          key=("signal_id",), notes=("Each row is the common trend's posterior without that signal, the other "
                                    "hyperparameters held at the full fit's values.",)),
    Table("common_trend_loo_years", "reports/tables/common_trend_loo_years.csv", "20_trend_tests",
          "The common trend's crossover by outcome and calendar year when one signal is left out.",
          CROSSOVER_YEAR_COLUMNS, key=CROSSOVER_YEAR_KEY),
    Table("contenders_by_year", "reports/tables/contenders_by_year.csv", "22_contenders",
          "Per signal that counts JAX, year and contender: the contender's share of all contenders' latent counts in "
          "the year's months that count every contender (the K-way model: log-ratios against TensorFlow with their "
          "full counting covariance, `helpers.stats.contenders`). " + LATENT,
          (F("signal_id"),
           F("year"),
           F("framework", "the contender: `pytorch`, `tensorflow` or `jax`"),
           C("framework_share", "share", "the contender's pooled latent share of all contenders in the year"),
           *own_bounds("framework_share", "share"),
           C("lead_prob", "prob", "P(the contender's pooled share is the largest in the year)"),
           C("ahead_of_tensorflow_prob", "prob", "P(the contender's pooled share exceeds TensorFlow's); empty for "
                                                 "TensorFlow", nullable=True),
           F("n_months", "the year's months that count every contender")),
          key=("signal_id", "year", "framework"), sort=("signal_id", "year"),
          notes=("Within a signal-year, rows follow the contenders' order: PyTorch, TensorFlow, JAX.",)),
    Table("contender_crossovers", "reports/tables/contender_crossovers.csv", "22_contenders",
          "When each contender other than PyTorch began a persistent lead over TensorFlow, per signal that counts it: "
          "the crossover rule of `crossovers.csv` read on the paths of its log-ratio against TensorFlow (its share "
          "of the two).",
          (F("signal_id"),
           F("framework", "the contender (`jax`)"),
           *CROSSOVER_COLUMNS,
           F("first_month", "first month with both counts"),
           F("last_month", "last month with both counts")),
          key=("signal_id", "framework"), sort=("signal_id", "framework")),
    Table("contenders_consistency", "reports/tables/contenders_consistency.csv", "22_contenders",
          "PyTorch's pooled share of PyTorch + TensorFlow per signal and year, from the K-way model's paths and from "
          "the two-way model of the same log-ratio (the fit and grid behind `leaders_by_year`, fewer paths): the "
          "two-way tables keep the two-way model; this says how far the K-way model would move them.",
          (F("signal_id"),
           F("year"),
           C("kway_pytorch_share", "share", "from the K-way model (its PyTorch log-ratio's paths, the same months)"),
           C("two_way_pytorch_share", "share", "from the two-way model (as `leaders_by_year.pytorch_share`)"),
           F("mc_se", "Monte Carlo standard error of the difference of the two means")),
          key=("signal_id", "year"), sort=("signal_id", "year")),
    Table("calibration", "reports/tables/calibration.csv", "25_calibration",
          "The simulated coverage and width of every interval the reports print, and the trend tests' level "
          "(make calibrate).",
          (F("method", "the interval: year share, within-year change, crossover month (each rule), onset of "
                              "the rise (state-space model); Wilson share, Newcombe paired difference, Newcombe shift, "
                              "post-stratified share (surveys); Wilson share (yearly signal); or a trend test's level"),
           C("scenario", "str", "how the data were simulated: `fitted` (the signal's own fitted model, binomial counts "
                                "at its real monthly totals), `level break` (plus a +0.3 logit shift the model is told "
                                "about), and outside the model's form `overdispersed` (negative-binomial counts), "
                                "`s-curve` (a logistic adoption curve), `seasonal` (a yearly cycle), `undocumented "
                                "break` (a shift the model is not told about), `slow rise` (a linear logit rising "
                                "0.0125 a month, crossing 50% three years before the data end); `no trend` (trend-free "
                                "series under the signal's fitted noise: a test's level); or the survey year and sizes"),
           F("signal_id", nullable=True),
           F("signal", nullable=True),
           C("nominal_share", "share", "the interval's nominal coverage (a test: 1 - its nominal level)"),
           C("coverage_share", "share", "share of simulated replicates whose interval contains the truth (a test: "
                                        "the share of trend-free series it does not reject; its level is 1 minus it)"),
           F("mc_se", "Monte Carlo standard error of `coverage_share`"),
           C("n_sim", "count", "replicates"),
           C("bias", "float", "mean point estimate minus the truth (in `unit`)", nullable=True),
           C("width", "float", "median width of the interval over the replicates (in `unit`; months: how many "
                               "months the interval holds)", nullable=True),
           C("oracle_width", "float", "what the interval needs (see `oracle_kind`): shares, the width of the central 95% "
                                      "of the estimator's errors (estimate minus truth) over the same replicates; "
                                      "months in a scenario the model generated, the median width of the shortest "
                                      "interval holding 95% of the posterior at the generating hyperparameters (no "
                                      "interval covering 95% given the data is narrower); other months, the fewest "
                                      "months an interval at a fixed offset from the estimate must hold to contain 95% "
                                      "of the truths", nullable=True),
           C("oracle_kind", "str", "`central errors`, `bayes` or `fixed offset` (see `oracle_width`); empty for a test",
             nullable=True),
           C("width_ratio", "float", "`width / oracle_width`: the pass mark is at most 1.5 in the median over cells "
                                     "and at most 2.5 in every cell (1 = as narrow as the real error allows)",
             nullable=True),
           C("unit", "str", "unit of `bias`, `width` and `oracle_width` (`test` for a test's level)"),
           F("year", "the year used by the year-share and within-year checks", nullable=True),
           C("underlying_coverage_share", "share", "crossover rules: share of replicates whose interval contains the "
                                                   "month the scenario's smooth underlying curve crosses 50%",
             nullable=True),
           C("is_exact", "bool", "every replicate's interval is one month and exact (a near-census count): listed, "
                                 "left out of the coverage and width summaries")),
          key=("method", "scenario", "signal_id")),
    Table("survey_within_year", "reports/tables/survey_within_year.csv", "30_survey_shift",
          "TensorFlow vs PyTorch within each survey year among those who answered (McNemar: one respondent can "
          "pick both).",
          (SURVEY_ID,
           F("year"),
           F("n_answered"),
           C("tensorflow_share", "share", "share selecting TensorFlow (empty when nobody answered)", nullable=True),
           F("pytorch_share", "share selecting PyTorch"),
           C("tf_minus_pt_change", "change", "TensorFlow's share minus PyTorch's", nullable=True),
           C("tf_minus_pt_change_low", "change", "95% interval (Newcombe's square-and-add for paired proportions: "
                                                 "inside [-1, 1] at any size), lower bound", nullable=True),
           C("tf_minus_pt_change_high", "change", "95% interval, upper bound", nullable=True),
           F("n_tensorflow_only"),
           F("n_pytorch_only"),
           F("n_both"),
           C("statistic", "float", "McNemar statistic", nullable=True),
           F("p_value", "McNemar p-value (stored no lower than 1e-300)"),
           F("test"),
           F("leader", "who led the year: `TensorFlow` or `PyTorch` when the interval excludes 0, `too close "
                              "to call`, or `too few answers` (fewer than 10: nothing can be said)"),
           F("sample_note", "Stack Overflow: when the year's file is a sample, its rows against the "
                                   "published count")),
          key=("source_id", "year"), sort=("source_id", "year")),
    Table("survey_shifts", "reports/tables/survey_shifts.csv", "30_survey_shift",
          "Year-over-year shifts of each framework's share among those who answered; `p_holm` is the one "
          "multiple-testing family (all shifts of one survey) quoted everywhere. Stack Overflow: complete years "
          "that offered the framework only (a sample is never tested against another year).",
          SHIFT_COLUMNS, key=("source_id", "framework", "year_before"), sort=("source_id", "framework", "year_before")),
    Table("survey_contender_shifts", "reports/tables/survey_contender_shifts.csv", "30_survey_shift",
          "Year-over-year shifts of the options added later (JAX from 2020, PyTorch Lightning from 2021 on Kaggle; "
          "JAX from 2023 on Stack Overflow), as `survey_shifts` computes them; `p_holm` is their own family (one per "
          "survey), so that the published family of `survey_shifts` is unchanged.",
          SHIFT_COLUMNS, key=("source_id", "framework", "year_before"), sort=("source_id", "framework", "year_before")),
    Table("survey_contender_shares", "reports/tables/survey_contender_shares.csv", "30_survey_shift",
          "In the survey years that offered TensorFlow, PyTorch and JAX: each one's share of those who answered the "
          "framework question, with Keras and PyTorch Lightning beside (a respondent may pick several).",
          (SURVEY_ID,
           F("year"),
           F("framework"),
           F("n_answered"),
           F("n_selected"),
           F("answered_share"),
           F("answered_share_low"),
           F("answered_share_high"),
           C("is_contender", "bool", "a contender (TensorFlow, PyTorch, JAX); False: reported beside (Keras, PyTorch "
                                     "Lightning)")),
          key=("source_id", "year", "framework"), sort=("source_id", "year", "framework")),
    Table("survey_contender_pairs", "reports/tables/survey_contender_pairs.csv", "30_survey_shift",
          "In the survey years that offered all three, every two of TensorFlow, PyTorch and JAX compared among the "
          "same respondents (McNemar; Newcombe's paired interval of the first's share minus the second's, inside "
          "+-100 points at any size).",
          (SURVEY_ID,
           F("year"),
           F("first_framework"),
           F("second_framework"),
           F("n_answered"),
           C("first_share", "share", "share selecting the first"),
           C("second_share", "share", "share selecting the second"),
           F("n_first_only"),
           F("n_second_only"),
           F("n_both"),
           F("share_change", "the first's share minus the second's", nullable=True),
           F("share_change_low", "Newcombe paired 95% interval, lower bound"),
           F("share_change_high"),
           F("p_value", "McNemar p-value (stored no lower than 1e-300)"),
           F("test"),
           F("leader", "who led the year: the first or the second contender when the interval excludes 0, `too close "
                       "to call`, or `too few answers` (fewer than 10)"),
           F("sample_note")),
          key=("source_id", "year", "first_framework", "second_framework"),
          sort=("source_id", "year", "first_framework", "second_framework")),
    Table("survey_reweighted", "reports/tables/survey_reweighted.csv", "30_survey_shift",
          "Kaggle shares among those who answered, raw and post-stratified to a fixed country x role mix.",
          (F("year"),
           F("framework"),
           C("raw_share", "share", "share as sampled"),
           C("reweighted_share", "share", "share re-weighted to the reference mix"),
           C("reweighted_share_low", "share", "95% interval (normal, stratified variance), lower bound"),
           C("reweighted_share_high", "share", "upper bound"),
           C("composition_change", "change", "raw minus re-weighted: what the sample's drift alone contributes"),
           C("covered_share", "share", "share of the reference mix present in the year's sample"),
           C("cells", "str", "the strata: `country x role`, or `country` alone in 2022, whose students skipped the "
                             "job-title question (its role cells are not comparable; 2022 is also left out of the "
                             "reference mix)")),
          key=("year", "framework"), sort=("year", "framework")),
    Table("verdict", "reports/tables/verdict.csv", "35_claims",
          "The claims scorecard: one row per claim of the article (and two published claims from outside it).",
          (F("claim_id"),
           F("verdict"),
           C("evidence", "str", "numbers, test, p-value or interval"),
           C("finding", "str", "the verdict in one sentence")),
          key=("claim_id",)),
    Table("verdict_robustness", "reports/tables/verdict_robustness.csv", "35_claims",
          "Each testable claim's verdict under its default rule and under other thresholds, denominators, signal "
          "sets, and with break windows excluded.",
          (F("claim_id"),
           C("variant", "str", "`default`, or what the variant changes"),
           F("verdict", "the verdict under that variant"),
           C("detail", "str", "the variant's one-sentence finding")),
          key=("claim_id", "variant")),
    Table("leaders", "reports/tables/leaders_{year}.csv", "40_verdict",
          "Who led in the year in question on each popularity signal. " + LATENT,
          LEADER_COLUMNS, key=("signal_id",)),
    Table("provenance", "reports/provenance_{year}.json", "40_verdict",
          "Provenance of one year's reports: parameters, git commit, input hashes, library versions, output hashes.",
          fmt="json"),
)
TABLE_BY_ID = {t.id: t for t in TABLES}


def table(table_id: str) -> Table:
    try:
        return TABLE_BY_ID[table_id]
    except KeyError:
        raise KeyError(f"no table {table_id!r} in helpers.registry.tables") from None
