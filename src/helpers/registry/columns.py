"""The field registry: every column that more than one table holds, defined once (name, kind, description, whether
it may be empty). A table lists such a column by name (`F("year")`), overriding its description or nullability where
the table means something narrower (`F("n_months", "months of the year in the model")`); a column only one table
holds is declared in that table (`registry.tables.C`). Kinds, their units, displays and name marks:
`registry.fields`; naming rules: docs/naming.md. A test holds every table to one kind and one definition per name.

Pure Python (no third-party imports): Make reads the registries through `helpers.chain.makefile`.
"""
from __future__ import annotations

from dataclasses import dataclass

from .crossover import OUTCOMES

OUTCOME_IDS = "`" + "`, `".join(OUTCOMES) + "`"


@dataclass(frozen=True)
class Field:
    """A column shared by several tables. `nullable`: may hold missing values unless a table says otherwise."""
    name: str
    kind: str
    description: str
    nullable: bool = False


def bounds(name: str, kind: str, interval: str = "95% interval", nullable: bool = False) -> tuple[Field, Field]:
    """The two bounds of an interval of `name`: `<name>_low` and `<name>_high`."""
    return (Field(f"{name}_low", kind, f"{interval}, lower bound", nullable),
            Field(f"{name}_high", kind, f"{interval}, upper bound", nullable))


FIELDS = {f.name: f for f in (
    Field("year", "year", "the year (calendar year; for a survey or a conference, its year)"),
    Field("framework", "str", "framework id, lower case (`pytorch`, `tensorflow`, `jax`, `keras`, ...; a survey's option id; a "
          "PyPI package where the source counts packages)"),
    Field("n_answered", "count", "respondents who answered the framework question (selected at least one of its options, "
          "\"None\" and \"Other\" included)"),
    Field("source_id", "id", "the source's id (`helpers.registry.sources`)"),
    Field("metric", "str", "what is counted: one of the source's metrics (`helpers.registry.sources`)"),
    Field("month", "month", "calendar month, YYYY-MM"),
    Field("break_id", "id", "the known change of method that starts in (or, for an episode or an exclusion, covers) "
          "this month: a break's id in `helpers.registry.sources` (`<source>_<start>`, e.g. "
          "`pypi_2024_11`), or `splice` on the first month taken from a refresh (`make refresh`: the "
          "`origin` column names the file); empty otherwise", nullable=True),
    Field("signal_id", "id", "the signal's id (`helpers.registry.signals`): the key"),
    Field("signal", "label", "the signal's display label, from the registry, written beside its id when the table is written "
          "(for reading only; never matched)"),
    Field("outcome_id", "id", f"what the crossover rule finds: {OUTCOME_IDS} (`helpers.registry.crossover`)"),
    Field("pytorch_share", "share", "PyTorch's share of PyTorch + TensorFlow", nullable=True),
    Field("ahead_prob", "prob", "P(PyTorch's share > 1/2)", nullable=True),
    Field("leader", "str", "`PyTorch`, `TensorFlow`, `too close to call` (the interval contains 50%), or why there is "
          "no value (`not covered in Y`, `no data`)"),
    Field("n_months", "count", "months"),
    Field("method", "str", "`vertex` (the month is a point of the path) or `interpolated` (svgo merged it into a "
          "straight segment)"),
    Field("share_change", "change", "a change of a share: the later share minus the earlier", nullable=True),
    Field("first_month", "month", "the first month of the rows described", nullable=True),
    Field("last_month", "month", "the last month of the rows described", nullable=True),
    Field("n_both", "count", "selected both"),
    Field("n_tensorflow_only", "count", "selected TensorFlow and not PyTorch"),
    Field("n_pytorch_only", "count", "selected PyTorch and not TensorFlow"),
    Field("is_complete", "bool", "the file's row count equals the published count (False: a sample)"),
    Field("sample_note", "str", "for a sample: its rows against the published count", nullable=True),
    Field("is_popularity", "bool", "counted in verdicts (False: a process signal, GitHub PRs)"),
    Field("status", "str", "`modelled`, `no data`, or why it is not modelled (too short: its months and the "
          "minimum)"),
    Field("tau", "float", "Kendall's tau of the observed shares against time", nullable=True),
    Field("p_value", "p_value", "p-value of the table's test (named in its description); floor 1e-300", nullable=True),
    Field("p_holm", "p_value", "Holm-adjusted p-value over the table's family of tests", nullable=True),
    Field("sen_slope_per_year", "rate", "Sen's slope of the observed shares, share points per year", nullable=True),
    Field("phi", "float", "fitted persistence of the share's deviations from its trend (AR(1), per month)", nullable=True),
    Field("sd_slope", "float", "s.d. of the trend slope's monthly change (logit)", nullable=True),
    Field("is_modelled", "bool", "False for a monthly signal too short for the model (no crossover can be dated)"),
    Field("rule_id", "id", "the crossover rule (`helpers.registry.crossover`): `window` (primary) or `ten_of_twelve` (variant)"),
    Field("crossover_year", "period", "calendar year of the crossover (for `not_decidable`: of the lead that would "
          "be dated); empty for the other outcomes", nullable=True),
    Field("year_prob", "prob", "share of simulated paths with that outcome and year"),
    *bounds("share_change", "change", nullable=True),
    Field("common_share", "share", "the common trend's share (logistic of the common trend)"),
    *bounds("common_share", "share"),
    Field("claim_id", "id", "the claim's id (`helpers.registry.claims`)"),
    Field("verdict", "str", "`supported`, `contradicted`, `mixed` (the signals disagree or the test is "
          "inconclusive), `untestable` (no data; the evidence says what would settle it)"),
    Field("n_selected", "count", "respondents who selected the option"),
    Field("n_respondents", "count", "all respondent rows of that year"),
    Field("all_share", "share", "`n_selected / n_respondents`"),
    Field("answered_share", "share", "`n_selected / n_answered`"),
    *bounds("all_share", "share", "Wilson 95% interval of `all_share`"),
    *bounds("answered_share", "share", "Wilson 95% interval of `answered_share`"),
    Field("value", "float", "count in the month (Google Trends: monthly mean of the export's values; acquired GitHub from "
          "2025-08: a net change, see `is_net_change`)"),
    Field("break_kind", "str", "that break's kind: `scales_all`, `changes_mix` (a splice is one) or `exclude`; empty "
          "otherwise", nullable=True),
    Field("crossover", "period", "the crossover month (the median path's; a yearly series: the year), when dated",
          nullable=True),
    Field("window_end", "month", "the end month of the crossover's 12-month window (the data through it date it)",
          nullable=True),
    Field("crossover_low", "period", "95% interval, lower end; empty: the interval reaches 'ahead since the series "
          "began' (or a yearly series)", nullable=True),
    Field("crossover_high", "period", "95% interval, upper end; empty: the interval reaches beyond the data (see "
          "`high_outcome_id`)", nullable=True),
    Field("high_outcome_id", "id", "when the interval reaches beyond the data: the likelier of `not_yet` and "
          "`not_decidable`", nullable=True),
    Field("dated_prob", "prob", "share of simulated paths the rule dates", nullable=True),
    Field("not_yet_prob", "prob", "share of paths behind at the data end (not yet)", nullable=True),
    Field("not_decidable_prob", "prob", "share of paths ahead at the data end that the rule cannot decide yet",
          nullable=True),
    Field("ahead_since_start_prob", "prob", "share of paths ahead since the series began (left-censored)",
          nullable=True),
    Field("decidable_from", "month", "for 'not decidable yet': the month whose data would decide it", nullable=True),
    Field("summary", "str", "what the primary rule finds, in a reader's words (as every report prints it)",
          nullable=True),
    Field("family", "label", "the signal's family, as labelled in the signal registry (Q&A sites, GitHub, ...)"),
    *bounds("pytorch_share", "share", nullable=True),
    Field("n_months_ahead", "count", "how the year went: months in which PyTorch was ahead (P(ahead) above 1/2; a signal "
          "too short to model: its observed share); empty for a yearly signal", nullable=True),
    Field("basis", "str", "what the share and interval are made from"),
    Field("mc_se", "float", "a Monte Carlo standard error (of what, the table says)"),
    Field("year_before", "year", "earlier survey year"),
    Field("year_after", "year", "later survey year"),
    Field("before_share", "share", "share in the earlier year"),
    Field("after_share", "share", "share in the later year"),
    Field("z", "float", "two-proportion z (pooled)"),
    Field("cohen_h", "float", "Cohen's h (/h/ 0.2 small, 0.5 medium, 0.8 large)"),
    Field("first_framework", "str", "the first contender of the pair (`tensorflow`, `pytorch`, `jax`)"),
    Field("second_framework", "str", "the second contender of the pair"),
    Field("n_first_only", "count", "selected the first and not the second"),
    Field("n_second_only", "count", "selected the second and not the first"),
    Field("n_neither", "count", "selected neither"),
    Field("test", "str", "exact or chi-square McNemar; `no answers` when nobody answered"),
)}
