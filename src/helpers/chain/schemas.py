"""Output contracts as pandera schemas, generated from the table registry (helpers.registry.tables).

Every column's kind implies its type and range (a share is a float in [0, 1], a month is YYYY-MM, a count is
a non-negative integer); table keys must be unique; named table checks (CHECKS) add the invariants that span
columns. `validate` raises pandera's SchemaErrors naming the failing column, check and rows.
"""
from __future__ import annotations

from functools import cache

import pandas as pd
import pandera.pandas as pa

from ..registry.fields import ID
from ..registry.sources import SOURCE_BY_ID, SOURCES
from ..registry.tables import table

MONTH = r"^\d{4}-(0[1-9]|1[0-2])$"
PERIOD = r"^(\d{4}|\d{4}-(0[1-9]|1[0-2]))$"
GAPPY_SOURCES = {s.id for s in SOURCES if s.has_gaps}  # months may have gaps (no snapshot covers them)


def _contiguous(df: pd.DataFrame) -> bool:
    """Within each source/metric/framework series the months have no gap (sources declared `has_gaps` excepted)."""
    for (source, _, _), g in df.groupby(["source_id", "metric", "framework"]):
        if source in GAPPY_SOURCES:
            continue
        p = pd.PeriodIndex(g["month"], freq="M")
        if len(p) != (p.max() - p.min()).n + 1:
            return False
    return True


def _declared(df: pd.DataFrame) -> pd.Series:
    """Each row's source is declared, its metric one of the source's `metrics` and its framework one of its `items`
    (where the source declares them)."""
    ok = pd.Series(False, index=df.index)
    for source, g in df.groupby("source_id"):
        s = SOURCE_BY_ID.get(source)
        if s is not None:
            ok[g.index] = g["metric"].isin(list(s.metrics)) & (g["framework"].isin(list(s.items)) if s.items else True)
    return ok


def _nonnegative(df: pd.DataFrame) -> pd.Series:
    net = df["is_net_change"].astype(bool) if "is_net_change" in df.columns else False
    return (df["value"] >= 0) | net


CHECKS = {
    "months_contiguous": pa.Check(_contiguous,
                                  error="months contiguous within each series (sources declared `has_gaps` excepted)"),
    "declared_vocabulary": pa.Check(_declared, error="source, metric and framework declared in helpers.registry.sources"),
    "value_nonnegative": pa.Check(_nonnegative, error="value >= 0 (only GitHub's net-change months may be negative)"),
    "shares_consistent": [  # a missing count or share (an option not offered, a question not asked) passes
        pa.Check(lambda d: (d["n_selected"] <= d["n_answered"]) | d["n_selected"].isna() | d["n_answered"].isna(),
                 error="n_selected <= n_answered"),
        pa.Check(lambda d: (d["n_answered"] <= d["n_respondents"]) | d["n_answered"].isna(),
                 error="n_answered <= n_respondents"),
        pa.Check(lambda d: ((d["all_share"] - d["n_selected"] / d["n_respondents"]).abs() < 1e-9) | d["all_share"].isna(),
                 error="all_share = n_selected / n_respondents"),
        pa.Check(lambda d: ((d["answered_share"] - d["n_selected"] / d["n_answered"]).abs() < 1e-9)
                 | d["answered_share"].isna(), error="answered_share = n_selected / n_answered"),
        pa.Check(lambda d: d.groupby("year")[["n_respondents", "n_answered"]].nunique().le(1).all().all(),
                 error="one n_respondents and n_answered per year"),
        pa.Check(lambda d: d["answered_share"].notna() == d["n_selected"].notna(),
                 error="a share exactly where a count is"),
    ],
    "papers_within_total": pa.Check(lambda d: d["n_pytorch_papers"] + d["n_tensorflow_papers"] <= d["n_papers"],
                                    error="framework-naming papers <= total papers"),
}

def _pattern(regex: str, name: str) -> pa.Check:
    """Values match `regex`; a missing value ('' or NaN) passes (nullability is checked separately)."""
    return pa.Check(lambda s: s.isna() | (s.astype(str) == "") | s.astype(str).str.match(regex),
                    element_wise=False, error=name)


KINDS = {  # kind -> (storage type, value checks)
    "str": (str, []),
    "id": (str, [_pattern(f"^{ID}$", "a snake_case id")]),   # a registry id (signal, source, break, claim)
    "label": (str, []),                               # a registry's display label: shown, never matched
    "int": (int, []),
    "count": (int, [pa.Check.ge(0)]),
    "year": (int, [pa.Check.in_range(1990, 2100)]),
    "float": (float, []),
    "share": (float, [pa.Check.in_range(0.0, 1.0)]),
    "p_value": (float, [pa.Check.in_range(0.0, 1.0)]),
    "prob": (float, [pa.Check.in_range(0.0, 1.0)]),
    "change": (float, [pa.Check.in_range(-1.0, 1.0)]),
    "rate": (float, []),
    "month": (str, [_pattern(MONTH, "YYYY-MM")]),
    "date": (str, [_pattern(r"^\d{4}-(0[1-9]|1[0-2])-(0[1-9]|[12]\d|3[01])$", "YYYY-MM-DD")]),
    "period": (str, [_pattern(PERIOD, "YYYY or YYYY-MM")]),
    "bool": (bool, []),
}


@cache
def schema(table_id: str) -> pa.DataFrameSchema:
    """The pandera schema of a registered table."""
    t = table(table_id)
    columns = {}
    for c in t.columns:
        dtype, value_checks = KINDS[c.kind]
        # a nullable column may be all-missing (an empty drop-in): check its values, not its storage type
        columns[c.name] = pa.Column(None if c.nullable else dtype, value_checks, nullable=c.nullable,
                                    required=c.required)
    checks = []
    for name in t.checks:
        check = CHECKS[name]
        checks.extend(check if isinstance(check, list) else [check])
    return pa.DataFrameSchema(columns, checks=checks, unique=list(t.key) or None, strict=False, name=table_id)


def validate(table_id: str, df: pd.DataFrame) -> pd.DataFrame:
    """Check `df` against the registered contract (lazy: every failure is reported at once)."""
    if df.empty and not len(df.columns):
        raise ValueError(f"{table_id}: no columns at all; an empty table must still have its documented columns")
    return schema(table_id).validate(df, lazy=True)


DTYPES = {"str": "str", "id": "str", "label": "str",
          "month": "str", "date": "str", "period": "str", "int": "int64", "count": "int64", "year": "int64",
          "float": "float64", "share": "float64", "p_value": "float64", "prob": "float64", "change": "float64",
          "rate": "float64",
          "bool": "bool"}


def empty(table_id: str) -> pd.DataFrame:
    """A registered table with no rows but every documented column, typed (an absent drop-in source)."""
    return pd.DataFrame({c.name: pd.Series(dtype=DTYPES[c.kind]) for c in table(table_id).columns})
