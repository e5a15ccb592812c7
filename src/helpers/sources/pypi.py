"""PyPI downloads per month from the hugovk/top-pypi-packages snapshot history.

Each snapshot counts downloads in a window that ends at its run time: 30 days (pip only) until
2024-11, 29 days with every installer from 2024-12, the previous calendar month (ClickHouse) from
2025-07. Months after the snapshots come from `make refresh` (calendar months, every installer; see
`sources.refreshed`). A window is assigned to the calendar month holding most of its days; where several
snapshots fall on one month (weekly runs in 2018-2019), the one overlapping it most is kept.
A project outside that month's top-N list has no row (its count is below the list's threshold).
"""
from __future__ import annotations

import tarfile
from pathlib import Path

import pandas as pd

from ..chain import paths
from ..chain.io import InputFileError, read_csv_checked, require_columns
from ..registry.sources import SOURCE_BY_ID
from . import refreshed

SOURCE = SOURCE_BY_ID["pypi"]
PACKAGES = tuple(SOURCE.items)  # the packages counted, acquired and refreshed alike
# TensorFlow as a framework: these packages are alternative installs of it. tensorflow-intel is left
# out because `pip install tensorflow` on Windows pulls it in as a dependency (one install, two rows).
TF_FAMILY = ("tensorflow", "tensorflow-gpu", "tensorflow-cpu")


def _window(row) -> tuple[pd.Timestamp, pd.Timestamp]:
    end = pd.Timestamp(row["last_update"] if isinstance(row["last_update"], str) and row["last_update"]
                       else row["commit_date"])
    end = end.tz_localize(None) if end.tzinfo is None else end.tz_convert("UTC").tz_localize(None)
    if row["source"] == "ClickHouse":  # previous calendar month exactly
        start = (end.to_period("M") - 1).to_timestamp()
        return start, end.to_period("M").to_timestamp()
    days = 29 if end >= pd.Timestamp("2024-11-10") else 30
    return end - pd.Timedelta(days=days), end


def snapshots(raw: Path | None = None) -> pd.DataFrame:
    """Rows of the 30-day files for our packages, each with its window and assigned month."""
    path = (raw or paths.RAW) / SOURCE.file("monthly")
    df = read_csv_checked(path, dtype={"last_update": str, "source": str}, keep_default_na=False, na_values=[""])
    require_columns(df, ["file", "commit", "commit_date", "last_update", "source", "n_rows", "project",
                         "download_count"], path)
    df = df[(df["file"] == "top-pypi-packages-30-days.json")].copy()
    df["last_update"] = df["last_update"].fillna("")
    df["source"] = df["source"].fillna("")
    win = df.apply(_window, axis=1, result_type="expand")
    df["window_start"], df["window_end"] = win[0], win[1]
    df["window_days"] = (df["window_end"] - df["window_start"]).dt.total_seconds() / 86400
    # the month holding most of the window: the month of the window's midpoint
    mid = df["window_start"] + (df["window_end"] - df["window_start"]) / 2
    df["month"] = mid.dt.to_period("M").astype(str)
    month_start = mid.dt.to_period("M").dt.to_timestamp()
    month_end = (mid.dt.to_period("M") + 1).dt.to_timestamp()
    overlap = (df["window_end"].clip(upper=month_end) - df["window_start"].clip(lower=month_start))
    df["overlap_days"] = overlap.dt.total_seconds() / 86400
    return df


def monthly(raw: Path | None = None) -> pd.DataFrame:
    """Long rows (source pypi, metric downloads): one snapshot per month, per package.

    Extra columns: `window_days` and `snapshot` (commit); the breaks' columns come with the splice.
    """
    df = snapshots(raw)
    per_commit = df.drop_duplicates("commit")[["commit", "month", "overlap_days", "window_end"]]
    best = per_commit.sort_values(["month", "overlap_days", "window_end"], ascending=[True, False, False]) \
        .drop_duplicates("month")
    kept = df[df["commit"].isin(best["commit"]) & df["project"].isin(PACKAGES)]
    out = pd.DataFrame({"source_id": "pypi", "metric": "downloads", "framework": kept["project"], "month": kept["month"],
                        "value": kept["download_count"].astype(float),
                        "window_days": kept["window_days"].round(3), "snapshot": kept["commit"].str[:10]})
    out = refreshed.splice(out, "pypi", raw=raw)
    out = out[out["framework"].isin(PACKAGES)]
    fresh = out["origin"] != refreshed.ACQUIRED  # calendar months
    out.loc[fresh, "window_days"] = pd.PeriodIndex(out.loc[fresh, "month"], freq="M").days_in_month.astype(float)
    out.loc[fresh, "snapshot"] = ""
    return out.sort_values(["metric", "framework", "month"], ignore_index=True)


def family_totals(pypi: pd.DataFrame) -> pd.DataFrame:
    """Per month: torch, the TensorFlow family (sum of TF_FAMILY present that month), and their share."""
    wide = pypi.pivot_table(index="month", columns="framework", values="value", aggfunc="sum")
    out = pd.DataFrame({"torch": wide.get("torch"), "tensorflow_family": wide.reindex(columns=TF_FAMILY).sum(axis=1,
                                                                                                          min_count=1)})
    return out.dropna()


def year_total(pypi: pd.DataFrame, year: int, packages=TF_FAMILY) -> dict:
    """Downloads of `packages` over the windows assigned to the 12 months of `year`, scaled to calendar
    months (count x days_in_month / window_days). Returns the total, months found and the packages."""
    rows = pypi[pypi["month"].str.startswith(str(year)) & pypi["framework"].isin(packages)].copy()
    days = pd.PeriodIndex(rows["month"], freq="M").days_in_month
    rows["calendar"] = rows["value"] * days / rows["window_days"]
    return {"total_raw_windows": float(rows["value"].sum()), "total_calendar": float(rows["calendar"].sum()),
            "months": int(rows["month"].nunique()), "packages": ", ".join(sorted(rows["framework"].unique()))}


def tarball_members(raw: Path | None = None) -> int:
    """Number of snapshot JSON files in the tarball (cross-check of the CSV's commit count)."""
    path = (raw or paths.RAW) / SOURCE.file("snapshots")
    try:
        with tarfile.open(path, "r:xz") as tf:
            return sum(1 for m in tf.getmembers() if m.name.endswith(".json"))
    except (tarfile.TarError, EOFError, OSError) as e:
        raise InputFileError(f"data/raw/{SOURCE.file('snapshots')}: unreadable ({e})") from e


def build(raw: Path | None = None) -> dict[str, pd.DataFrame]:
    """Step 13_clean_pypi: one snapshot per month for the framework packages."""
    return {"monthly_pypi": monthly(raw)}


def best_of_cross_check(rows: pd.DataFrame, best_of: pd.DataFrame) -> pd.DataFrame:
    """torch's share of torch + tensorflow (the `tensorflow` package alone, as best-of-ml-python reads it) per month,
    in the PyPI signal and in the best-of-ml-python snapshots: a snapshot's 30-day window belongs to the month holding
    most of its days (as for the PyPI snapshots), several snapshots of a month are pooled. Months both hold."""
    pkg = {"pytorch": "torch", "tensorflow": "tensorflow"}
    b = best_of[best_of["framework"].isin(pkg) & best_of["package"].isin(pkg.values())]
    b = b.assign(month=(pd.to_datetime(b["snapshot_date"]) - pd.Timedelta(days=15)).dt.to_period("M").astype(str))
    snap = b.pivot_table(index="month", columns="package", values="n_downloads_30d", aggfunc="sum")
    n = b.groupby("month")["snapshot_date"].nunique()
    ours = rows[rows["framework"].isin(pkg.values())].pivot_table(index="month", columns="framework", values="value")
    out = pd.DataFrame({"pypi_share": ours["torch"] / (ours["torch"] + ours["tensorflow"]),
                        "best_of_share": snap["torch"] / (snap["torch"] + snap["tensorflow"]),
                        "n_snapshots": n}).dropna()
    out["share_change"] = out["best_of_share"] - out["pypi_share"]
    return out.rename_axis("month").reset_index().astype({"n_snapshots": int})
