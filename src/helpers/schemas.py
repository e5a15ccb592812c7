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


def validate_kaggle_shares(df: pd.DataFrame) -> pd.DataFrame:
    return KAGGLE_SHARES.validate(df, lazy=True)
