"""Output contracts (DESIGN.md section 5) as pandera schemas: columns, types, ranges, keys.

`validate_*` raise pandera's SchemaError naming the failing column and rows.
"""
from __future__ import annotations

import pandas as pd
import pandera.pandas as pa

LOWER_ID = r"^[a-z0-9][a-z0-9.+-]*$"
share = pa.Check.in_range(0.0, 1.0)

KAGGLE_SHARES = pa.DataFrameSchema(
    {
        "year": pa.Column(int, pa.Check.in_range(2018, 2022)),
        "framework": pa.Column(str, pa.Check.str_matches(LOWER_ID)),
        "n_selected": pa.Column(int, pa.Check.ge(0)),
        "n_respondents": pa.Column(int, pa.Check.gt(0)),
        "n_answered": pa.Column(int, pa.Check.gt(0)),
        "pct_all": pa.Column(float, share),
        "pct_answered": pa.Column(float, share),
    },
    checks=[
        pa.Check(lambda d: d["n_selected"] <= d["n_answered"], error="n_selected <= n_answered"),
        pa.Check(lambda d: d["n_answered"] <= d["n_respondents"], error="n_answered <= n_respondents"),
        pa.Check(lambda d: (d["pct_all"] - d["n_selected"] / d["n_respondents"]).abs() < 1e-9,
                 error="pct_all = n_selected / n_respondents"),
        pa.Check(lambda d: (d["pct_answered"] - d["n_selected"] / d["n_answered"]).abs() < 1e-9,
                 error="pct_answered = n_selected / n_answered"),
        pa.Check(lambda d: d.groupby("year")[["n_respondents", "n_answered"]].nunique().eq(1).all().all(),
                 error="one n_respondents and n_answered per year"),
    ],
    unique=["year", "framework"],
    strict=False,
)


SIGNAL_SOURCES = ("stackoverflow", "dsse", "github", "pypi", "google_trends")
GAPPY = {"pypi"}  # sources whose months may have gaps (PyPI: no snapshot for that month upstream)


def _contiguous(df: pd.DataFrame) -> bool:
    for (source, _, _), g in df.groupby(["source", "metric", "framework"]):
        if source in GAPPY:
            continue
        p = pd.PeriodIndex(g["month"], freq="M")
        if len(p) != (p.max() - p.min()).n + 1:
            return False
    return True


MONTHLY_SIGNALS = pa.DataFrameSchema(
    {
        "source": pa.Column(str, pa.Check.isin(SIGNAL_SOURCES)),
        "metric": pa.Column(str, pa.Check.str_matches(r"^[a-z_]+$")),
        "framework": pa.Column(str, pa.Check.str_matches(r"^[a-z0-9][a-z0-9.+-]*$")),
        "month": pa.Column(str, pa.Check.str_matches(r"^\d{4}-(0[1-9]|1[0-2])$")),
        "value": pa.Column(float),
        "break": pa.Column(str, nullable=True),
    },
    checks=[pa.Check(_contiguous, error="months contiguous within each series (PyPI excepted)"),
            pa.Check(lambda d: (d["value"] >= 0) | d["break"].str.contains("net change", na=False),
                     error="value >= 0 (only GitHub's net-change months may be negative)")],
    unique=["source", "metric", "framework", "month"],
)

CONFERENCE_PAPERS = pa.DataFrameSchema(
    {
        "conference": pa.Column(str),
        "year": pa.Column(int, pa.Check.in_range(2015, 2030)),
        "pytorch_papers": pa.Column(int, pa.Check.ge(0)),
        "tensorflow_papers": pa.Column(int, pa.Check.ge(0)),
        "total_papers": pa.Column(int, pa.Check.gt(0)),
    },
    checks=[pa.Check(lambda d: d["pytorch_papers"] + d["tensorflow_papers"] <= d["total_papers"],
                     error="framework-naming papers <= total papers")],
    unique=["conference", "year"],
)


def validate_kaggle_shares(df: pd.DataFrame) -> pd.DataFrame:
    return KAGGLE_SHARES.validate(df, lazy=True)


def validate_monthly_signals(df: pd.DataFrame) -> pd.DataFrame:
    """Types, ranges, unique keys, contiguous months (PyPI excepted)."""
    return MONTHLY_SIGNALS.validate(df, lazy=True)


def validate_conference_papers(df: pd.DataFrame) -> pd.DataFrame:
    return CONFERENCE_PAPERS.validate(df, lazy=True)
