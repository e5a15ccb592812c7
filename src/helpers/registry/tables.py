"""Every processed and report table, declared once: path, producing step, columns with their meaning.

From this registry come the pandera schemas (`helpers.chain.schemas`), the writers (`helpers.chain.io`),
Make's output lists (`helpers.chain.makefile`) and the README data dictionary (`helpers.chain.docs`).

Column kinds (and the checks each implies): str, int, count (int >= 0), float, share (float in [0, 1]),
p (a p-value in [0, 1]), month (YYYY-MM), year (int), bool, period (YYYY-MM or YYYY).
A column may hold missing values only when `nullable`. Extra columns are allowed (documented ones first).

Pure Python (no third-party imports): Make reads it through `helpers.chain.makefile`.
"""
from __future__ import annotations

from dataclasses import dataclass, field

from .signals import MONTHLY_SOURCES


@dataclass(frozen=True)
class Column:
    name: str
    kind: str
    description: str
    nullable: bool = False
    required: bool = True  # False: present only when the source that fills it is (e.g. PyPI's window_days)


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
    return Column(name, kind, description, nullable, required)


# shared column groups ------------------------------------------------------------------------------------------
SHARE_COLUMNS = (
    C("year", "year", "survey year"),
    C("framework", "str", "option id, lower case: `tensorflow`, `pytorch`, `keras`, `jax`, `scikit-learn`, "
                          "`pytorch-lightning`, `huggingface`, `xgboost`, ..., `none`, `other`"),
    C("n_selected", "count", "respondents who selected the option"),
    C("n_respondents", "count", "all respondent rows of that year"),
    C("n_answered", "count", "respondents who selected at least one option of the framework question "
                             "(\"None\" and \"Other\" included)"),
    C("pct_all", "share", "`n_selected / n_respondents`"),
    C("pct_answered", "share", "`n_selected / n_answered`"),
)
WILSON_COLUMNS = (
    C("ci_all_low", "share", "Wilson 95% interval of `pct_all`, lower bound"),
    C("ci_all_high", "share", "Wilson 95% interval of `pct_all`, upper bound"),
    C("ci_answered_low", "share", "Wilson 95% interval of `pct_answered`, lower bound"),
    C("ci_answered_high", "share", "Wilson 95% interval of `pct_answered`, upper bound"),
)
MONTHLY_COLUMNS = (
    C("source", "str", "`" + "`, `".join(MONTHLY_SOURCES) + "` (Data Science Stack Exchange is `dsse`)"),
    C("metric", "str", "`questions` (SO, DSSE), `answered` (DSSE questions with >= 1 answer), `new_stars`, "
                       "`new_forks`, `new_issues`, `new_prs` (GitHub), `downloads` (PyPI), `interest` (Google Trends, "
                       "0-100)"),
    C("framework", "str", "`pytorch`, `tensorflow`, `keras`, `scikit-learn`, `transformers`, `all` (all questions on "
                          "the site); for PyPI the package: `torch`, `tensorflow`, `tensorflow-gpu`, `tensorflow-cpu`, "
                          "`tensorflow-intel`, `keras`, `jax`, ..."),
    C("month", "month", "calendar month (PyPI: the month holding most of the snapshot's window)"),
    C("value", "float", "count in the month (Google Trends: monthly mean of the export's values; GitHub from 2025-08: "
                        "a net change, see `is_net_change`)"),
    C("break", "str", "a known change of method that starts in (or, for an episode, covers) this month; empty "
                      "otherwise. Declared once in `helpers.registry.signals.BREAKS`"),
)
MONTHLY_CHECKS = ("months_contiguous", "value_nonnegative")


def monthly_part(source_step: str, stem: str, what: str) -> Table:
    """The slice of monthly_signals.csv that one source's cleaning step writes."""
    return Table(f"monthly_{stem}", f"data/processed/monthly_{stem}.csv", source_step,
                 f"{what}: this source's rows of `monthly_signals.csv`, same columns.",
                 MONTHLY_COLUMNS, key=("source", "metric", "framework", "month"),
                 sort=("source", "metric", "framework", "month"), checks=MONTHLY_CHECKS)


LEADER_COLUMNS = (
    C("signal", "str", "signal name (see the signal registry)"),
    C("family", "str", "family of signals (Q&A sites, GitHub, Package installs, Web search, Surveys and papers)"),
    C("pytorch_share", "share", "PyTorch's share in the year (monthly signals: mean monthly share)", nullable=True),
    C("low", "share", "95% interval, lower bound", nullable=True),
    C("high", "share", "95% interval, upper bound", nullable=True),
    C("leader", "str", "`PyTorch`, `TensorFlow`, `too close to call` (the interval contains 50%), or why there is "
                       "no value (`not covered in Y`, `no data`)"),
    C("basis", "str", "what the share and interval are made from"),
)

TABLES = (
    # --- processed data (data/processed) ----------------------------------------------------------------------
    Table("raw_verified", "build/raw_verified.stamp", "00_acquire",
          "Stamp: every file in data/raw matched data/raw/MANIFEST.csv when 00_acquire last ran.", fmt="stamp"),
    Table("kaggle_framework_shares", "data/processed/kaggle_framework_shares.csv", "10_clean_kaggle",
          "One row per survey year (2018-2022) and framework option.",
          SHARE_COLUMNS + (
              C("wording", "str", "\"used in the past 5 years\" (2018) or \"use on a regular basis\" (2019-2022)"),
              C("shown_to", "str", "who was shown the question: the population behind `pct_answered`"),
          ) + WILSON_COLUMNS,
          key=("year", "framework"), sort=("year", "framework"), checks=("shares_consistent",)),
    Table("kaggle_respondents", "data/processed/kaggle_respondents.parquet", "10_clean_kaggle",
          "One row per respondent and year (2017-2022).",
          (C("year", "year", "survey year"),
           C("respondent", "int", "row number within the year"),
           C("country", "str", "country as answered"),
           C("country_group", "str", "India, United States, China, Brazil, Japan, Russia, Nigeria, Other"),
           C("role", "str", "job title as answered"),
           C("role_group", "str", "student, data, engineering, research, other (2022: students from the yes/no "
                                  "question)"),
           C("answered", "bool", "selected any framework option; missing in 2017, which had no framework question",
             nullable=True)),
          key=("year", "respondent"), fmt="parquet",
          notes=("Plus one `fw_<framework>` column per option (selected it; missing where the year did not offer it).",)),
    monthly_part("11_clean_stackexchange", "stackexchange", "Stack Overflow (digitised charts) and Data Science SE"),
    Table("so_questions_digitised", "data/processed/so_questions_digitised.csv", "11_clean_stackexchange",
          "Stack Overflow questions per tag and month, read back from the nschloe/stackoverflow-trends SVG charts.",
          (C("tag", "str", "`tensorflow`, `pytorch`, `keras`, `scikit-learn`, `all`"),
           C("month", "month", "calendar month"),
           C("questions", "count", "integer read back from the chart"),
           C("per_day", "float", "questions per day, as plotted"),
           C("days", "count", "days in the month"),
           C("method", "str", "`vertex` (the month is a point of the path) or `interpolated` (svgo merged it into a "
                              "straight segment)"),
           C("n_svg_versions", "count", "chart versions in which the month is a vertex"),
           C("n_distinct_values", "count", "distinct integers across those versions (1 = exact)"),
           C("max_abs_residual", "float", "largest distance of the read-back count to its integer", nullable=True)),
          key=("tag", "month"), sort=("tag", "month")),
    Table("dsse_snapshot_sensitivity", "reports/tables/dsse_snapshot_sensitivity.csv", "11_clean_stackexchange",
          "PyTorch and TensorFlow Data Science SE questions per year in each of the two exports.",
          (C("year", "year", "calendar year complete in both exports"),
           C("pytorch_first", "count", "PyTorch questions, first (older) export"),
           C("tensorflow_first", "count", "TensorFlow questions, first export"),
           C("pytorch_second", "count", "PyTorch questions, second (later) export"),
           C("tensorflow_second", "count", "TensorFlow questions, second export"),
           C("pt_share_first", "share", "PyTorch's share, first export (empty when neither tag was used)",
             nullable=True),
           C("pt_share_second", "share", "PyTorch's share, second export", nullable=True),
           C("share_difference", "float", "second minus first", nullable=True)),
          key=("year",), sort=("year",)),
    monthly_part("12_clean_github", "github", "GitHub stars, forks, issues and pull requests per month"),
    monthly_part("13_clean_pypi", "pypi", "PyPI downloads, one snapshot per month"),
    Table("conference_papers", "data/processed/conference_papers.csv", "14_clean_conferences",
          "Papers naming only PyTorch or only TensorFlow, per conference and year (Horace He's counts).",
          (C("conference", "str", "conference"),
           C("year", "year", "conference year"),
           C("pytorch_papers", "count", "papers mentioning a PyTorch term and no TensorFlow term"),
           C("tensorflow_papers", "count", "papers mentioning a TensorFlow term and no PyTorch term"),
           C("total_papers", "count", "papers in that conference-year list"),
           C("month", "int", "conference month"),
           C("papers_are", "str", "`accepted`, or `submissions` for ICLR 2021-2022"),
           C("pytorch_share", "share", "`pytorch_papers / (pytorch_papers + tensorflow_papers)`", nullable=True)),
          key=("conference", "year"), sort=("conference", "year"), checks=("papers_within_total",)),
    monthly_part("15_clean_google_trends", "google_trends", "Google Trends interest (empty without an export)"),
    Table("google_trends_export", "data/processed/google_trends_export.csv", "15_clean_google_trends",
          "The Google Trends export used (empty without one).",
          (C("file", "str", "the export under data/raw/google_trends/"),
           C("geo", "str", "region of the request, as the export names it"),
           C("resolution", "str", "`monthly`, `weekly` or `daily` rows"),
           C("terms", "str", "search terms, comma-separated"),
           C("first", "str", "first date in the file"),
           C("last", "str", "last date in the file"),
           C("rows", "count", "data rows")),
          key=("file",)),
    Table("so_survey_framework_shares", "data/processed/so_survey_framework_shares.csv", "16_clean_so_survey",
          "Stack Overflow Developer Survey shares (empty without survey files): as the Kaggle table, for "
          "`tensorflow`, `pytorch`, `keras`.",
          SHARE_COLUMNS + (
              C("column", "str", "the framework column of that year"),
              C("published_respondents", "count", "respondents the publisher reports for the year"),
              C("complete", "bool", "the file's row count equals the published count"),
          ) + WILSON_COLUMNS,
          key=("year", "framework"), sort=("year", "framework"), checks=("shares_consistent",)),
    Table("so_survey_pairs", "data/processed/so_survey_pairs.csv", "16_clean_so_survey",
          "Per Stack Overflow survey year, among those who answered: who picked TensorFlow, PyTorch, both, neither.",
          (C("year", "year", "survey year"),
           C("n", "count", "respondents who answered the framework question"),
           C("both", "count", "selected both"),
           C("tensorflow_only", "count", "selected TensorFlow and not PyTorch"),
           C("pytorch_only", "count", "selected PyTorch and not TensorFlow"),
           C("neither", "count", "selected neither"),
           C("complete", "bool", "the file's row count equals the published count")),
          key=("year",), sort=("year",)),
    Table("monthly_signals", "data/processed/monthly_signals.csv", "assemble_signals",
          "Long format, one row per source, metric, framework and month: every monthly source's part stacked.",
          MONTHLY_COLUMNS + (
              C("is_net_change", "bool", "GitHub from 2025-08: `value` is a net daily change of the totals, not a "
                                         "count (left out of shares)"),
              C("note", "str", "GitHub PRs: \"process signal ...\" (kept out of the verdicts)", nullable=True,
                required=False),
              C("window_days", "float", "PyPI: length of the download window (30, 29 or a calendar month)",
                nullable=True, required=False),
              C("snapshot", "str", "PyPI: the snapshot commit (10 characters)", nullable=True, required=False)),
          key=("source", "metric", "framework", "month"), sort=("source", "metric", "framework", "month"),
          checks=MONTHLY_CHECKS,
          notes=("Series are month-contiguous except PyPI, which has no snapshot upstream for 2024-07 and 2024-12.",)),
    # --- analysis tables (reports/tables) ---------------------------------------------------------------------
    Table("signal_tests", "reports/tables/signal_tests.csv", "20_trend_tests",
          "Per signal: coverage, trend over the whole series, seasonality, change points.",
          (C("signal", "str", "signal name"),
           C("source", "str", "source id"),
           C("popularity", "bool", "counted in verdicts (False: process signal)"),
           C("available", "bool", "the signal has data in this run"),
           C("first_month", "month", "first month of PyTorch's share", nullable=True),
           C("last_month", "month", "last month", nullable=True),
           C("n", "count", "months", nullable=True),
           C("trend", "str", "Mann-Kendall verdict: increasing, decreasing, no trend, too short", nullable=True),
           C("tau", "float", "Kendall's tau of the share against time", nullable=True),
           C("z", "float", "Mann-Kendall z (Hamed-Rao autocorrelation correction)", nullable=True),
           C("p_value", "p", "Mann-Kendall p-value", nullable=True),
           C("p_holm", "p", "Holm-adjusted across the popularity signals", nullable=True),
           C("p_bh", "p", "Benjamini-Hochberg-adjusted across the popularity signals", nullable=True),
           C("sen_slope_per_year", "float", "Sen's slope, share points per year", nullable=True),
           C("seasonal_strength", "float", "STL seasonal strength (0 none, 1 all)", nullable=True),
           C("seasonal_mk_p", "p", "seasonal Mann-Kendall p-value", nullable=True)),
          key=("signal",),
          notes=("Plus change-point columns `change_*` (whole series) and `early_*` (2017-2020).",)),
    Table("crossovers", "reports/tables/crossovers.csv", "20_trend_tests",
          "One row per signal: the first month (or year) from which PyTorch led and stayed ahead, with its "
          "uncertainty, or empty with the reason.",
          (C("signal", "str", "signal name"),
           C("source", "str", "source id"),
           C("metric", "str", "metric"),
           C("granularity", "str", "`month` or `year`"),
           C("popularity", "bool", "False for GitHub PRs (a process signal)"),
           C("crossover", "period", "first month (or year) from which PyTorch stayed ahead; empty if never",
             nullable=True),
           C("crossover_low", "period", "95% interval, lower end", nullable=True),
           C("crossover_high", "period", "95% interval, upper end", nullable=True),
           C("p_never", "p", "share of simulated series with no crossover", nullable=True),
           C("closest_share", "share", "highest share reached when there is no crossover", nullable=True),
           C("closest_period", "period", "when the closest approach happened", nullable=True),
           C("reason", "str", "why empty (or \"tentative\")", nullable=True),
           C("first_period", "period", "first month (year) of the series"),
           C("last_period", "period", "last month (year) of the series"),
           C("rule", "str", "the persistence rule"),
           C("interval", "str", "how the interval was made")),
          key=("signal",), sort=("granularity", "signal")),
    Table("yearly_trends", "reports/tables/yearly_trends.csv", "20_trend_tests",
          "Per signal and year: the trend of PyTorch's share within the year.",
          (C("signal", "str", "signal name"),
           C("year", "year", "calendar year"),
           C("n", "count", "months"),
           C("mean_share", "share", "mean monthly share"),
           C("trend", "str", "Mann-Kendall verdict"),
           C("tau", "float", "Kendall's tau", nullable=True),
           C("sen_slope_per_year", "float", "Sen's slope, share points per year", nullable=True),
           C("p_value", "p", "Mann-Kendall p-value", nullable=True),
           C("p_holm_within_year", "p", "Holm-adjusted across signals within the year", nullable=True)),
          key=("signal", "year")),
    Table("leaders_by_year", "reports/tables/leaders_by_year.csv", "20_trend_tests",
          "Who led, for every valid year and popularity signal.",
          (C("year", "year", "the year"),) + LEADER_COLUMNS,
          key=("year", "signal"), sort=("year",), notes=("Within a year, rows follow the signal registry's order.",)),
    Table("composite", "reports/tables/composite.csv", "20_trend_tests",
          "PyTorch's share averaged over the popularity signals, per month and weighting scheme (months with at least "
          "three signals).",
          (C("month", "month", "calendar month"),
           C("scheme", "str", "`equal per signal`, `equal per family`, `without <signal>`, or "
                              "`random weights 2.5%`/`97.5%` (the range under 1,000 Dirichlet(1) weightings)"),
           C("share", "share", "the composite share")),
          key=("month", "scheme"), sort=("month",)),
    Table("composite_crossovers", "reports/tables/composite_crossovers.csv", "20_trend_tests",
          "Per weighting scheme, the month from which the composite stays above 50%.",
          (C("scheme", "str", "weighting scheme"),
           C("crossover", "month", "first month from which the composite stays above 50%; empty if never",
             nullable=True)),
          key=("scheme",)),
    Table("survey_within_year", "reports/tables/survey_within_year.csv", "30_survey_shift",
          "TensorFlow vs PyTorch within each survey year among those who answered (McNemar: one respondent can "
          "pick both).",
          (C("survey", "str", "`kaggle` or `stackoverflow`"),
           C("year", "year", "survey year"),
           C("n", "count", "respondents who answered the framework question"),
           C("share_tensorflow", "share", "share selecting TensorFlow"),
           C("share_pytorch", "share", "share selecting PyTorch"),
           C("diff", "float", "TensorFlow's share minus PyTorch's"),
           C("diff_low", "float", "95% interval (Wald, paired), lower bound"),
           C("diff_high", "float", "95% interval, upper bound"),
           C("tensorflow_only", "count", "selected TensorFlow, not PyTorch"),
           C("pytorch_only", "count", "selected PyTorch, not TensorFlow"),
           C("both", "count", "selected both"),
           C("statistic", "float", "McNemar statistic"),
           C("p_value", "p", "McNemar p-value"),
           C("test", "str", "exact or chi-square McNemar")),
          key=("survey", "year"), sort=("survey", "year")),
    Table("survey_shifts", "reports/tables/survey_shifts.csv", "30_survey_shift",
          "Year-over-year shifts of each framework's share among those who answered; `p_holm` is the one "
          "multiple-testing family (all shifts of one survey) quoted everywhere.",
          (C("survey", "str", "`kaggle` or `stackoverflow`"),
           C("framework", "str", "framework id"),
           C("year_before", "year", "earlier survey year"),
           C("year_after", "year", "later survey year"),
           C("p_before", "share", "share in the earlier year"),
           C("p_after", "share", "share in the later year"),
           C("shift", "float", "`p_after - p_before`"),
           C("shift_low", "float", "Newcombe 95% interval of the shift, lower bound"),
           C("shift_high", "float", "upper bound"),
           C("z", "float", "two-proportion z (pooled)"),
           C("p_value", "p", "two-sided p-value"),
           C("cohen_h", "float", "Cohen's h (|h| 0.2 small, 0.5 medium, 0.8 large)"),
           C("break", "str", "the method break between the two years (B1, B2, ...), empty if none"),
           C("p_holm", "p", "Holm-adjusted over every shift of the survey")),
          key=("survey", "framework", "year_before"), sort=("survey", "framework", "year_before")),
    Table("survey_reweighted", "reports/tables/survey_reweighted.csv", "30_survey_shift",
          "Kaggle shares among those who answered, raw and post-stratified to a fixed country x role mix.",
          (C("year", "year", "survey year"),
           C("framework", "str", "framework id"),
           C("raw_share", "share", "share as sampled"),
           C("reweighted_share", "share", "share re-weighted to the reference mix"),
           C("reweighted_low", "share", "95% interval (normal, stratified variance), lower bound"),
           C("reweighted_high", "share", "upper bound"),
           C("composition_effect", "float", "raw minus re-weighted: what the sample's drift alone contributes"),
           C("weight_coverage", "share", "share of the reference mix present in the year's sample")),
          key=("year", "framework"), sort=("year", "framework")),
    Table("verdict", "reports/tables/verdict.csv", "35_claims",
          "The claims scorecard: one row per claim of the article (and two published claims from outside it).",
          (C("claim_id", "str", "the claim's id (see the README's claims table)"),
           C("verdict", "str", "`supported`, `contradicted`, `mixed` (the signals disagree or the test is "
                               "inconclusive), `untestable` (no data; the evidence says what would settle it)"),
           C("evidence", "str", "numbers, test, p-value or interval"),
           C("finding", "str", "the verdict in one sentence")),
          key=("claim_id",)),
    Table("leaders", "reports/tables/leaders_{year}.csv", "40_verdict",
          "Who led in the year in question on each popularity signal.",
          LEADER_COLUMNS, key=("signal",)),
    Table("provenance", "reports/provenance_{year}.json", "40_verdict",
          "Provenance of one year's reports: parameters, git commit, input hashes, library versions, output hashes.",
          fmt="json"),
)
TABLE_BY_ID = {t.id: t for t in TABLES}
MONTHLY_PARTS = tuple(t for t in TABLES if t.id.startswith("monthly_") and t.id != "monthly_signals")


def table(table_id: str) -> Table:
    try:
        return TABLE_BY_ID[table_id]
    except KeyError:
        raise KeyError(f"no table {table_id!r} in helpers.registry.tables") from None
