"""best-of-ml-python's weekly snapshots (ml-tooling/best-of-ml-python, `history/`): new GitHub dependents a month, and
the snapshots' PyPI 30-day downloads (an independent cross-check of the PyPI signal).

GitHub's "used by" count (`github_dependent_project_count`: repositories whose dependency files name the project) is
cumulative. Between two consecutive readings of a project at most `MAX_GAP_DAYS` apart, its change spread evenly over
the days between them is a daily rate; a calendar month's new dependents are the sum of its days' rates, written only
when every day of the month lies between two such readings (a month touched by a longer gap is not written: the
series has a hole there, never a zero). Readings are left out where a source break of kind `exclude` concerning the
project covers their month (PyTorch's scraping failure), and so is a reading below `FAILED_READ` times the project's
last reading before it (a failed read, not a collapse). Months of an `exclude` break are written with the break's id,
as every source does, and the models leave them out (the 2023-02 recount).
"""
from __future__ import annotations

from pathlib import Path

import numpy as np
import pandas as pd

from ..chain import paths
from ..chain.io import InputFileError, read_csv_checked, require_columns
from ..registry.sources import SOURCE_BY_ID, breaks
from .refreshed import with_breaks

SOURCE = SOURCE_BY_ID["best_of_ml_python"]
MAX_GAP_DAYS = 35   # readings at most five weeks apart make a daily rate (the job runs about weekly)
FAILED_READ = 0.5   # a cumulative count below half its last reading is a failed read
COUNT = "github_dependent_project_count"
DOWNLOADS = "pypi_monthly_downloads"
COLUMNS = ["snapshot_date", "github_id", "pypi_id", COUNT, DOWNLOADS]
# the frameworks written as monthly rows (Keras's count is almost always empty or implausible: SOURCES.md)
WRITTEN = ("pytorch", "tensorflow", "jax", "flax", "mxnet", "lightning")
PROJECT = {gid: fw for fw, ids in SOURCE.items.items() for gid in ids}  # GitHub id -> framework id


def snapshots(raw: Path | None = None) -> pd.DataFrame:
    """The extraction's rows of the declared projects: snapshot date, framework (`SOURCE.items`), PyPI package, the
    dependents count and the 30-day PyPI downloads (NaN where not collected that week). Rows of other projects are
    left out; a malformed file is an InputFileError naming it."""
    path = (raw or paths.RAW) / SOURCE.file("history")
    df = read_csv_checked(path, dtype={"snapshot_date": str, "github_id": str, "pypi_id": str})
    require_columns(df, COLUMNS, path)
    where = f"data/raw/{SOURCE.file('history')}"
    day = pd.to_datetime(df["snapshot_date"], format="%Y-%m-%d", errors="coerce")
    if day.isna().any():
        raise InputFileError(f"{where}: snapshot_date {df.loc[day.isna(), 'snapshot_date'].iloc[0]!r} is not YYYY-MM-DD")
    out = pd.DataFrame({"day": day, "framework": df["github_id"].map(PROJECT), "package": df["pypi_id"].fillna("")})
    for c in (COUNT, DOWNLOADS):
        values = pd.to_numeric(df[c], errors="coerce")
        if (values.isna() & df[c].notna()).any() or (values < 0).any():
            raise InputFileError(f"{where}: column {c} holds a value that is not a count >= 0")
        out[c] = values
    out = out[out["framework"].notna()]
    if out.duplicated(["day", "framework"]).any():
        raise InputFileError(f"{where}: a project appears twice in one snapshot")
    if out.empty:
        raise InputFileError(f"{where}: none of the declared projects {sorted(PROJECT)}")
    return out.sort_values(["framework", "day"], ignore_index=True)


def readings(snaps: pd.DataFrame, framework: str) -> pd.Series:
    """One project's usable cumulative counts by day: collected, outside every `exclude` break concerning it, and
    not a failed read (below FAILED_READ times the last kept reading)."""
    s = snaps.loc[snaps["framework"] == framework].set_index("day")[COUNT].dropna()
    out = [b for b in breaks(SOURCE.id) if b.kind == "exclude" and b.concerns((framework,))]
    s = s[[not any(b.covers(str(d.to_period("M"))) for b in out) for d in s.index]]
    kept, last = [], -np.inf
    for v in s.to_numpy():
        kept.append(v >= FAILED_READ * last)
        last = v if kept[-1] else last
    return s[np.array(kept, dtype=bool)]


def daily_rates(counts: pd.Series) -> pd.Series:
    """The daily rate of change on every day between consecutive readings at most MAX_GAP_DAYS apart (the day after
    a reading to the day of the next one); days in longer gaps are absent."""
    parts = []
    for (d0, v0), (d1, v1) in zip(counts.items(), list(counts.items())[1:], strict=False):
        days = (d1 - d0).days
        if 0 < days <= MAX_GAP_DAYS:
            parts.append(pd.Series((v1 - v0) / days, index=pd.date_range(d0 + pd.Timedelta(days=1), d1)))
    return pd.concat(parts) if parts else pd.Series(dtype=float)


def monthly_counts(rates: pd.Series) -> pd.Series:
    """New dependents per calendar month: the sum of the daily rates of the months whose every day has one."""
    if rates.empty:
        return pd.Series(dtype=float)
    month = rates.index.to_period("M")
    g = rates.groupby(month)
    covered = g.size() == g.size().index.days_in_month
    out = g.sum()[covered]
    out.index = out.index.astype(str)
    return out


def monthly(snaps: pd.DataFrame) -> pd.DataFrame:
    """Long rows of monthly_signals (metric `new_dependents`) for the written frameworks, with the registry's
    breaks."""
    frames = [monthly_counts(daily_rates(readings(snaps, fw))).rename("value").rename_axis("month").reset_index()
              .assign(framework=fw) for fw in WRITTEN]
    rows = pd.concat(frames, ignore_index=True).assign(source_id=SOURCE.id, metric="new_dependents")
    cols = ["source_id", "metric", "framework", "month", "value", "break_id", "break_kind"]
    return with_breaks(rows, SOURCE.id)[cols].sort_values(["framework", "month"], ignore_index=True)


def pypi_cross_check(snaps: pd.DataFrame) -> pd.DataFrame:
    """The snapshots' PyPI 30-day downloads of each written framework's package (where collected)."""
    d = snaps[snaps["framework"].isin(WRITTEN) & snaps[DOWNLOADS].notna()]
    return pd.DataFrame({"snapshot_date": d["day"].dt.strftime("%Y-%m-%d"), "framework": d["framework"],
                         "package": d["package"], "n_downloads_30d": d[DOWNLOADS].round().astype("int64")})


def first_ahead(check: pd.DataFrame, leader: str = "pytorch", behind: str = "tensorflow") -> str:
    """The first snapshot date at which `leader`'s 30-day PyPI downloads exceed `behind`'s ('' if none)."""
    w = check.pivot_table(index="snapshot_date", columns="framework", values="n_downloads_30d")
    if not {leader, behind} <= set(w.columns):
        return ""
    ahead = w.index[(w[leader] > w[behind]).to_numpy()]
    return str(ahead[0]) if len(ahead) else ""


def build(raw: Path | None = None) -> dict[str, pd.DataFrame]:
    """Step 17_clean_best_of_ml_python: new GitHub dependents a month, and the PyPI 30-day counts of each snapshot.
    Extra key (not written): `snapshots` (every row read)."""
    snaps = snapshots(raw)
    return {"monthly_best_of_ml_python": monthly(snaps), "best_of_ml_pypi": pypi_cross_check(snaps),
            "snapshots": snaps}
