"""GitHub activity per month (0x0w1/repostory daily histories): stars, forks, issues, pull requests.

Stars and forks are survivor counts (removed stars and deleted forks are missing, more so for older
periods and the older repository). Pull requests measure each project's process (PyTorch opens a PR
per change; TensorFlow mirrors automated PRs from 2024), so they are kept but flagged, not used as
popularity. The month of `fetched_at` is partial and dropped. From 2025-08 the files hold net daily
changes (see NET_FROM); `make refresh` continues the counts from GH Archive (see `sources.refreshed`).
"""
from __future__ import annotations

import json
from pathlib import Path

import pandas as pd

from ..chain import paths
from ..chain.io import InputFileError
from ..chain.refresh_files import shift_month
from ..registry.sources import SOURCE_BY_ID, breaks
from . import refreshed

SOURCE = SOURCE_BY_ID["github"]
REPOS = {fw: SOURCE.names(fw)[0] for fw in SOURCE.items}  # framework -> owner/name of its raw file
REQUIRED = ("pytorch", "tensorflow")  # the signals' pair: their files must be there; another item may have none (JAX:
                                      # refreshed months only)
METRICS = {"stars_by_date": "new_stars", "forks_by_date": "new_forks", "issues_by_date": "new_issues",
           "pull_requests_by_date": "new_prs"}
# From 2025-08-09 on, daily values can be negative in every file: they are net changes of the totals
# (the collector evidently switched to incremental updates), not events by date. Months from then on
# are flagged `is_net_change` and left out of shares (a net change is not comparable to a gross count);
# the break is declared in the source registry.
NET_FROM = next(b.start for b in breaks("github") if b.kind == "exclude")
LAST_COUNTED = shift_month(NET_FROM, -1)  # the last month of counts; a refresh continues from here
PROCESS_METRICS = {"new_prs": "process signal (PR workflow, bots, mirrored PRs), not popularity"}


def load(framework: str, raw: Path | None = None) -> dict:
    """One repository's JSON, checked for the documented keys."""
    owner, name = REPOS[framework].split("/", 1)
    where = SOURCE.file("repository", owner=owner, name=name)
    path = (raw or paths.RAW) / where
    try:
        data = json.loads(path.read_text(encoding="utf-8"))
    except FileNotFoundError:
        raise InputFileError(f"data/raw/{where}: missing") from None
    except (json.JSONDecodeError, UnicodeDecodeError) as e:
        raise InputFileError(f"data/raw/{where}: not valid UTF-8 JSON ({e}); truncated?") from e
    missing = [k for k in (*METRICS, "fetched_at") if k not in data]
    if missing:
        raise InputFileError(f"data/raw/{where}: missing key(s) {missing}")
    return data


def acquired(raw: Path | None = None) -> list[str]:
    """The frameworks with an acquired file (the signals' pair always: a missing file of theirs is an error)."""
    def has(fw: str) -> bool:
        owner, name = REPOS[fw].split("/", 1)
        return ((raw or paths.RAW) / SOURCE.file("repository", owner=owner, name=name)).exists()
    return [fw for fw in REPOS if fw in REQUIRED or has(fw)]


def monthly(raw: Path | None = None) -> pd.DataFrame:
    """Long rows (source github) for every repository and metric, complete months only."""
    rows = []
    for fw in acquired(raw):
        data = load(fw, raw)
        last_complete = pd.Timestamp(data["fetched_at"]).to_period("M") - 1
        for key, metric in METRICS.items():
            daily = pd.Series(data[key], dtype=float)
            if daily.empty:
                continue
            daily.index = pd.to_datetime(daily.index, format="%Y-%m-%d")
            m = daily.groupby(daily.index.to_period("M")).sum()
            m = m.reindex(pd.period_range(m.index.min(), last_complete, freq="M"), fill_value=0.0)
            months = m.index.astype(str)
            rows.append(pd.DataFrame({"source_id": "github", "metric": metric, "framework": fw,
                                      "month": months, "value": m.to_numpy(),
                                      "is_net_change": months >= NET_FROM, "note": PROCESS_METRICS.get(metric, "")}))
    out = refreshed.splice(pd.concat(rows, ignore_index=True), "github", last_usable=LAST_COUNTED, raw=raw)
    out["is_net_change"] = out["is_net_change"].fillna(False).astype(bool)
    out["note"] = out["metric"].map(PROCESS_METRICS).fillna("")
    return out


def totals_check(raw: Path | None = None) -> pd.DataFrame:
    """Daily counts summed against the totals stored in each file (they should match)."""
    rows = []
    for fw in acquired(raw):
        data = load(fw, raw)
        for key, metric in METRICS.items():
            total_key = "total_" + key.replace("_by_date", "")
            rows.append({"framework": fw, "metric": metric, "sum_of_days": int(sum(data[key].values())),
                         "stored_total": data.get(total_key)})
    out = pd.DataFrame(rows)
    out["shortfall_share"] = 1 - out["sum_of_days"] / out["stored_total"]
    return out


def build(raw: Path | None = None) -> dict[str, pd.DataFrame]:
    """Step 12_clean_github: monthly counts per repository and metric."""
    return {"monthly_github": monthly(raw)}
