"""Refreshed months (`make refresh`, see helpers.refresh) spliced onto an acquired monthly series.

A source's refresh files (`data/raw/<folder>/refresh_<source>_<date>.csv`) are read together, the newest file
winning for each month. The acquired series is kept through its last usable month; refreshed months after it
are appended. Where both hold a month (each refresh reaches 12 months back), the refreshed count is kept beside
the acquired one (`value_refreshed`): the overlap table compares them. The first refreshed month carries
`break_id` "splice" (`break_kind` `changes_mix`; its `origin` names the file, whose manifest row names the engine),
which the share models treat as a break whose shift is estimated from the overlap months. Acquired months carry the
registry's breaks (`with_breaks`).
"""
from __future__ import annotations

from pathlib import Path

import numpy as np
import pandas as pd

from ..chain import refresh_files as names
from ..chain import schemas
from ..chain.io import InputFileError, raw_label, read_csv_checked, require_columns
from ..registry.sources import SOURCE_BY_ID, SPLICE_ID, break_fields

ACQUIRED = "acquired"


def read(source: str, raw: Path | None = None) -> pd.DataFrame:
    """Every refresh row of `source` (names.COLUMNS plus `origin`, the file name), newest file winning per
    (metric, framework, month); a (metric, framework) absent from a month inside its own first and last month in the
    file counts zero there (no event that month); after its last month it has no value (an item the engine stopped
    holding is never read as zeros)."""
    frames = []
    for order, path in enumerate(names.files(source, raw)):
        df = read_csv_checked(path, dtype={"month": str, "metric": str, "framework": str, "source": str},
                              keep_default_na=False)
        require_columns(df, names.COLUMNS, path)
        _check(df, source, path)
        spans = df.groupby(["metric", "framework"])["month"].agg(["min", "max"])
        grid = pd.MultiIndex.from_tuples([(m, f, month) for (m, f), (lo, hi) in spans.iterrows()
                                          for month in pd.period_range(lo, hi, freq="M").astype(str)],
                                         names=["metric", "framework", "month"])
        full = df.set_index(["metric", "framework", "month"])[["value", "days"]].reindex(grid, fill_value=0)
        frames.append(full.reset_index().assign(source_id=source, origin=path.name, order=order))
    if not frames:
        return pd.DataFrame(columns=["source_id", *names.COLUMNS[1:], "origin"])
    out = pd.concat(frames, ignore_index=True).sort_values("order")
    out = out.drop_duplicates(["metric", "framework", "month"], keep="last").drop(columns="order")
    return out.sort_values(["metric", "framework", "month"], ignore_index=True)


def _check(df: pd.DataFrame, source: str, path: Path) -> None:
    label = raw_label(path)
    if df.empty:
        raise InputFileError(f"{label}: no rows")
    if set(df["source"]) != {source}:
        raise InputFileError(f"{label}: `source` must be {source!r} throughout, found {sorted(set(df['source']))}")
    if not df["month"].str.fullmatch(r"\d{4}-(0[1-9]|1[0-2])").all():
        raise InputFileError(f"{label}: `month` must be YYYY-MM, e.g. {df['month'].iloc[0]!r}")
    value = pd.to_numeric(df["value"], errors="coerce")
    if value.isna().any() or (value < 0).any():
        raise InputFileError(f"{label}: `value` must be a count >= 0")
    if df.duplicated(["metric", "framework", "month"]).any():
        raise InputFileError(f"{label}: duplicate (metric, framework, month) rows")
    df["value"] = value.astype(float)
    df["days"] = pd.to_numeric(df["days"], errors="coerce")


def with_breaks(rows: pd.DataFrame, source: str) -> pd.DataFrame:
    """`rows` (with `month` and `framework`) plus `break_id` and `break_kind` from the source registry's breaks (a
    break with `items` marks only the rows of those frameworks)."""
    keys = rows[["month", "framework"]].drop_duplicates().itertuples(index=False)
    fields = {(m, f): break_fields(source, m, f) for m, f in keys}
    pairs = list(zip(rows["month"], rows["framework"], strict=True))
    return rows.assign(break_id=[fields[p][0] for p in pairs], break_kind=[fields[p][1] for p in pairs])


def splice(acquired: pd.DataFrame, source: str, last_usable: str | None = None,
           raw: Path | None = None) -> pd.DataFrame:
    """The acquired rows through `last_usable` (default: their last month) and refreshed rows after it.

    Adds `origin` (`acquired` or the refresh file), the break columns (`with_breaks`; `splice` on the first
    refreshed month) and `value_refreshed` (the refreshed count of an acquired month
    that a refresh also holds). Acquired rows after `last_usable` (e.g. GitHub's net changes) are replaced by the
    refresh where it has them and otherwise kept. Raises InputFileError when the refresh leaves a gap.
    """
    ref = read(source, raw)
    out = with_breaks(acquired, source).assign(origin=ACQUIRED)
    if ref.empty:
        return out.assign(value_refreshed=np.nan)
    key = ["metric", "framework", "month"]
    last = last_usable or acquired["month"].max()
    new = ref[ref["month"] > last]
    if not new.empty and new["month"].min() > names.shift_month(last, 1):
        raise InputFileError(f"data/raw/{SOURCE_BY_ID[source].folder}/{new['origin'].iloc[0]}: starts at "
                             f"{new['month'].min()}, leaving a gap after the acquired data's last usable month {last}; "
                             "run `make refresh` again (it reaches back 12 months from the acquired data's end)")
    out = out.merge(ref[key + ["value"]].rename(columns={"value": "value_refreshed"}), on=key, how="left")
    out = out[(out["month"] <= last) | ~out["month"].isin(set(new["month"]))]
    # refreshed months carry only the splice (the registry's breaks describe the acquired data's methods)
    first = new["month"] == new["month"].min()
    rows = new.assign(break_id=np.where(first, SPLICE_ID, ""), break_kind=np.where(first, "changes_mix", ""))
    return pd.concat([out, rows[["source_id", *key, "value", "break_id", "break_kind", "origin"]]], ignore_index=True)


def overlap(signals: pd.DataFrame) -> pd.DataFrame:
    """Per source, metric and framework: the months both the acquired and the refreshed data hold, and the ratio
    refreshed / acquired (median, min, max). Empty without refresh files."""
    empty = schemas.empty("refresh_overlap")
    if "value_refreshed" not in signals:
        return empty
    both = signals[signals["value_refreshed"].notna() & (signals["value"] > 0)]
    if both.empty:
        return empty
    both = both.assign(ratio=both["value_refreshed"] / both["value"])
    g = both.groupby(["source_id", "metric", "framework"])
    out = g.agg(n_months=("month", "size"), first_month=("month", "min"), last_month=("month", "max"),
                n_acquired=("value", "sum"), n_refreshed=("value_refreshed", "sum"),
                ratio_median=("ratio", "median"), ratio_min=("ratio", "min"), ratio_max=("ratio", "max"))
    out[["n_acquired", "n_refreshed"]] = out[["n_acquired", "n_refreshed"]].round().astype("int64")
    return out.reset_index()[list(empty.columns)]
