"""The field registry: every column kind with its unit, its display format and the naming rule that marks it, and the
display header of every column that needs one. Written once; the table registry (`registry.tables`) gives each
column a kind, the schemas check values by kind, `report.styled` formats and heads columns from here, and a test holds
every registered column name to its kind's rule (docs/naming.md).

Pure Python (no third-party imports): Make reads the registries through `helpers.chain.makefile`.
"""
from __future__ import annotations

import re
from dataclasses import dataclass

ID = r"[a-z][a-z0-9_]*"  # every registry id (signal, source, break, claim, outcome, rule ...): lower snake case


def is_id(text: str) -> bool:
    """Is `text` a registry id (`ID`)?"""
    return re.fullmatch(ID, text) is not None


@dataclass(frozen=True)
class Kind:
    """A column kind. `suffix`/`prefix`: the name rule (after a bound or year qualifier is taken off, see `base`);
    `display`: how a report prints a value (`report.styled`); `unit`: what a value is."""
    id: str
    unit: str
    display: str
    suffix: str = ""
    prefix: str = ""


KINDS = {k.id: k for k in (
    Kind("share", "a fraction in [0, 1]", "percent, one decimal (12.3%)", suffix="_share"),
    Kind("change", "a difference of two shares, a fraction in [-1, 1]", "signed percentage points (+1.2 pp)",
         suffix="_change"),
    Kind("rate", "a change of a share per year, a fraction per year", "signed points per year (+1.2 pp/yr)",
         suffix="_per_year"),
    Kind("prob", "a posterior probability (a share of simulated paths), in [0, 1]",
         "three decimals, never 0 or 1 (< 0.001, > 0.999)", suffix="_prob"),
    Kind("p_value", "a p-value, in [0, 1]", "two significant digits below 0.001 (< 1e-300 at the floor)", prefix="p_"),
    Kind("count", "a non-negative integer count", "thousands separators (12,345)", prefix="n_"),
    Kind("bool", "True or False", "yes / no", prefix="is_"),
    Kind("id", "a snake_case registry id", "as is", suffix="_id"),
    Kind("label", "a registry's display label: shown, never matched", "as is"),
    Kind("year", "a calendar or survey year", "as is (no separator)"),
    Kind("month", "a calendar month, YYYY-MM", "as is"),
    Kind("date", "a calendar day, YYYY-MM-DD", "as is", suffix="_date"),
    Kind("period", "YYYY-MM for a monthly signal, YYYY for a yearly one", "as is"),
    Kind("int", "an integer (not a count)", "as is"),
    Kind("float", "a number (its unit in the column's description)", "three significant digits"),
    Kind("str", "text or a code", "as is"),
)}
LABEL_NAMES = ("signal", "family")  # the label columns (the only names of kind `label`)
_QUALIFIER = re.compile(r"(_\d{4})?(_(low|high)(90)?)?$")  # `share_change_2017_low`: a year, then a bound


def base(name: str) -> str:
    """`name` without a trailing year qualifier and interval bound (`_2017`, `_low`, `_high90`)."""
    return _QUALIFIER.sub("", name)


def kind_by_name(name: str) -> str | None:
    """The kind a column name announces by its suffix or prefix, or None for a name without a marker."""
    b = base(name)
    for k in KINDS.values():  # a prefix first: `is_net_change` is a bool
        if k.prefix and name.startswith(k.prefix):
            return k.id
    for k in KINDS.values():
        if k.suffix and b.endswith(k.suffix):
            return k.id
    return "label" if name in LABEL_NAMES else None


def check_name(name: str, kind: str) -> str:
    """'' when `name` follows the naming convention for `kind`, else what is wrong: a kind with a marker must carry
    it, and a name carrying a marker must be of that kind."""
    announced = kind_by_name(name)
    k = KINDS[kind]
    if (k.suffix or k.prefix or kind == "label") and announced != kind:
        marker = f"end in `{k.suffix}`" if k.suffix else (f"start with `{k.prefix}`" if k.prefix else
                                                          f"be one of {LABEL_NAMES}")
        return f"{name}: a {kind} column must {marker} (before a year or bound qualifier)"
    if announced and announced != kind:
        return f"{name}: the name announces a {announced} column, but its kind is {kind}"
    return ""


# Display headers of columns whose name, words joined, would not read well. An interval's bound needs none: `_low`
# and `_high` read "95% low"/"95% high", `_low90` "90% low" (`bound_header`).
HEADERS = {
    "n_selected": "selected", "n_respondents": "respondents", "n_answered": "answered", "all_share": "% of all",
    "answered_share": "% of those who answered", "all_share_low": "95% low (all)", "all_share_high": "95% high (all)",
    "p_value": "p", "p_holm": "p (Holm)", "p_bh": "p (BH)", "p_holm_within_year": "p (Holm, within the year)",
    "p_seasonal_mk": "seasonal MK p", "sen_slope_per_year": "Sen's slope per year", "cohen_h": "Cohen's h",
    "tf_minus_pt_change": "TF minus PT", "share_change": "change", "share_change_2017": "change in 2017",
    "tau": "Kendall's tau", "max_abs_residual": "max |residual|", "mde_per_year": "detectable slope (80% power)",
    "not_yet_prob": "P(not yet)", "ahead_prob": "P(PyTorch ahead)", "fall_prob": "P(fell)",
    "onset_none_prob": "P(no acceleration)", "onset_edge_prob": "P(edge)", "faster_prob_2018": "P(2018 faster)",
    "year_prob": "P(in that year)", "sd_ar": "s.d. deviations", "sd_irregular": "s.d. irregular",
    "phi": "persistence (phi)", "n_sim": "replicates", "mc_se": "MC error", "ess_hyper": "ESS (hyperparameters)",
    "n_hyper_points": "hyperparameter grid points", "level_share": "rejected (5% test)",
    "underlying_coverage_share": "underlying coverage", "n_months_ahead": "months PyTorch ahead",
    "is_exact": "exact", "dated_prob": "P(dated)", "not_decidable_prob": "P(not decidable yet)",
    "ahead_since_start_prob": "P(ahead since start)", "width_ratio": "width / oracle", "coverage_share": "coverage",
    "nominal_share": "nominal", "gain_per_year_2017": "gain per year, 2017", "gain_per_year_2018": "gain per year, 2018",
    "n_months": "months", "pt_plus_tf": "PyTorch + TensorFlow", "before_share": "share before",
    "after_share": "share after", "is_popularity": "counted in verdicts", "is_available": "modelled",
    "is_modelled": "modelled",
}


def bound_header(name: str) -> str:
    """The header of an interval bound (`pytorch_share_low` -> '95% low', `share_change_high90` -> '90% high'), or
    '' when `name` is not one."""
    m = re.search(r"_(low|high)(90)?$", name)
    return f"{m[2] or 95}% {m[1]}" if m else ""
