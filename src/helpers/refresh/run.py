"""`make refresh` (python -m helpers.refresh.run): each monthly source continued up to the last complete month.

1. Every endpoint the run needs is probed first: without network it stops within seconds, naming what it tried
   to reach, and writes nothing.
2. Per source, the months asked for run from OVERLAP_MONTHS before the acquired data's last usable month (an
   overlap, to compare the two countings) to the engine's last complete month.
3. Each result is checked and saved as a new raw file with its manifest row (`store`); progress is printed per
   source and a summary of what was added at the end.

Engines: ClickHouse (default) or BigQuery for PyPI and GitHub (`--engine`), the Stack Exchange API for Stack
Overflow and Data Science SE. A local Stack Exchange data dump is counted with `python -m helpers.refresh.dump`.
"""
from __future__ import annotations

import argparse
import datetime as dt
import os
import sys
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

import pandas as pd

from ..chain import paths
from ..registry.signals import MONTHLY
from ..sources import github, pypi, so_charts
from ..sources import stackexchange as se
from . import bigquery, clickhouse, http, names, queries, store
from .names import shift_month
from .stackexchange_api import Client
from .stackexchange_api import endpoint as se_endpoint
from .stackexchange_api import probe as se_probe

OVERLAP_MONTHS = 12
SOURCES = tuple(names.FOLDERS)  # every source a refresh can continue
SITES = {"stackoverflow": "stackoverflow", "dsse": "datascience"}  # the others: Stack Exchange API site names
AGGREGATION = queries.BY_SOURCE
ENGINE_NAMES = {"clickhouse": "ClickHouse", "bigquery": "BigQuery"}


@dataclass
class Added:
    """What one source's refresh added (for the summary)."""
    source: str
    engine: str
    first_month: str = ""
    last_month: str = ""
    months: int = 0
    rows: int = 0
    file: str = ""
    note: str = ""


def acquired_ends(raw: Path | None = None) -> dict[str, str]:
    """Per refreshable source: the acquired data's last usable month (read from the raw files)."""
    raw = raw or paths.RAW
    so = so_charts.digitise((raw / se.SO_DIR / se.ML_SVG).read_text(encoding="utf-8"), f"data/raw/{se.SO_DIR}/{se.ML_SVG}")
    dsse = se.dsse_questions(raw / se.SO_DIR / se.DSSE_PRIMARY)
    return {"pypi": pypi.snapshots(raw)["month"].max(), "github": github.LAST_COUNTED,
            "stackoverflow": so["month"].max(), "dsse": se.last_complete_month(str(dsse["created"].max()))}


def items(source: str) -> tuple[str, ...]:
    """What a source's query selects: PyPI packages and GitHub repositories as the cleaning steps read them; for
    the Stack Exchange API (a request per tag and month, against a daily quota) only the tags the signals use."""
    if source == "pypi":
        return pypi.PACKAGES
    if source == "github":
        return tuple(github.REPO_NAMES.values())
    return tuple(dict.fromkeys(f for s in MONTHLY if s.source == source for f in (*s.pytorch, *s.tensorflow)))


def rows_from_engine(source: str, df: pd.DataFrame) -> pd.DataFrame:
    """An engine's answer as refresh rows (store's columns). PyPI: `downloads` sums every installer; where the
    engine breaks installers down (BigQuery), `downloads_pip` continues the pip-only series too."""
    num = {c: pd.to_numeric(df[c]) for c in df.columns if c in ("downloads", "events", "days")}
    df = df.assign(**num)
    if source == "pypi":
        total = df.groupby(["month", "project"], as_index=False).agg(value=("downloads", "sum"), days=("days", "max"))
        parts = [total.assign(metric="downloads")]
        if (df["installer"] != "").any():
            pip = df[df["installer"] == "pip"].rename(columns={"downloads": "value"})
            parts.append(pip[["month", "project", "value", "days"]].assign(metric="downloads_pip"))
        out = pd.concat(parts, ignore_index=True).rename(columns={"project": "framework"})
    else:
        by_name = {v: k for k, v in github.REPO_NAMES.items()}
        out = df.assign(framework=df["repo_name"].map(by_name), value=df["events"])
    return out.assign(source=source)[store.COLUMNS]


def _check_complete(source: str, rows: pd.DataFrame, first: str, last: str) -> None:
    """Every month asked for is there, and (for the most active item) every day of it: else the engine's data
    are incomplete and nothing is saved."""
    want = list(pd.period_range(first, last, freq="M").astype(str))
    got = sorted(rows["month"].unique())
    if got != want:
        raise http.RefreshError(f"{source}: the engine returned months {got[:1]}..{got[-1:]} ({len(got)}), "
                                f"expected {first}..{last} ({len(want)}); nothing saved")
    full = rows.groupby("month")["days"].max()
    short = [m for m in want if full[m] < pd.Period(m, freq="M").days_in_month]
    if short:
        raise http.RefreshError(f"{source}: months {short} are not complete in the engine (days missing); "
                                "nothing saved")


def refresh_engine(source: str, engine: str, start_month: str, raw: Path, log: Callable[[str], None],
                   today: dt.date) -> Added:
    """Query `source` on `engine` from `start_month` to its last complete month; save the result."""
    agg, run, url = _engine(source, engine)
    table = table_for(source, engine)
    start, bound = f"{start_month}-01", f"{today:%Y-%m}-01"
    log(f"{source}: asking {engine} ({url}) for its newest day ...")
    latest = run(queries.latest_day(agg, engine, start, bound, items(source), table=table), ("latest",))["latest"].iloc[0]
    if not latest or latest in ("\\N", "None", "nan"):
        return Added(source, engine, note=f"the engine holds nothing from {start_month} on")
    last = shift_month(latest[:7], -1)
    if last < start_month:
        return Added(source, engine, note=f"no complete month after {start_month} yet (newest day {latest})")
    sql = queries.render(agg, engine, start, f"{shift_month(last, 1)}-01", items(source), table=table)
    log(f"{source}: counting {start_month}..{last} on {engine} ...")
    rows = rows_from_engine(source, run(sql, agg.columns))
    _check_complete(source, rows, start_month, last)
    path = store.write(source, rows, f"{ENGINE_NAMES[engine]} {table}", url, sql, raw=raw, today=today.isoformat())
    return _added(source, engine, rows, path)


def table_for(source: str, engine: str) -> str:
    """The table to read: <ENGINE>_<SOURCE>_TABLE from the environment (a mirror's name), else the public one."""
    return os.environ.get(f"{engine.upper()}_{source.upper()}_TABLE") or AGGREGATION[source].tables[engine]


def _engine(source: str, engine: str):
    agg = AGGREGATION[source]
    if engine == "clickhouse":
        url = clickhouse.endpoint(source)
        return agg, lambda sql, cols: clickhouse.query(sql, cols, url), url
    if engine == "bigquery":
        return agg, bigquery.query, bigquery.endpoint()
    raise ValueError(f"engine must be clickhouse or bigquery, not {engine!r}")


def refresh_api(source: str, start_month: str, raw: Path, log: Callable[[str], None], today: dt.date,
                client: Client) -> Added:
    """Monthly question counts per tag from the Stack Exchange API, from `start_month` to last month."""
    last = shift_month(f"{today:%Y-%m}", -1)
    months = list(pd.period_range(start_month, last, freq="M").astype(str))
    tags = items(source)
    log(f"{source}: {len(months) * len(tags)} requests ({len(tags)} tags x {len(months)} months)")
    rows = []
    for i, month in enumerate(months, start=1):
        for tag in tags:
            rows.append({"source": source, "metric": "questions", "framework": tag, "month": month,
                         "value": float(client.question_total(SITES[source], tag, month)),
                         "days": pd.Period(month, freq="M").days_in_month})
        if i == len(months) or i % 6 == 0:
            log(f"{source}: {i}/{len(months)} months ({month}); quota left {client.quota_remaining}")
    df = pd.DataFrame(rows, columns=store.COLUMNS)
    query = (f"GET /questions?site={SITES[source]}&tagged={{{','.join(tags)}}}&fromdate=<month start>"
             f"&todate=<month end - 1 s>&filter=total for each month {start_month}..{last}")
    path = store.write(source, df, f"Stack Exchange API /questions (site={SITES[source]}, filter=total)",
                       client.url, query, raw=raw, today=today.isoformat())
    return _added(source, "stackexchange-api", df, path)


def _added(source: str, engine: str, rows: pd.DataFrame, path: Path) -> Added:
    return Added(source, engine, rows["month"].min(), rows["month"].max(), rows["month"].nunique(), len(rows),
                 f"{path.parent.name}/{path.name}")


def plan_endpoints(sources: tuple[str, ...], engine: str) -> dict[str, Callable[[], None]]:
    """What must be reachable, as {shown endpoint: probe}."""
    out = {}
    for s in sources:
        if s in AGGREGATION and engine == "clickhouse":
            url = clickhouse.endpoint(s)
            out[url] = lambda url=url: clickhouse.probe(url)
        elif s in AGGREGATION:
            out[bigquery.endpoint()] = bigquery.probe
        else:
            out[se_endpoint()] = se_probe
    return out


def main(argv: list[str] | None = None, raw: Path | None = None, today: dt.date | None = None,
         out=sys.stdout) -> int:
    ap = argparse.ArgumentParser(prog="make refresh", description=__doc__.split("\n")[0])
    ap.add_argument("--sources", default=",".join(SOURCES), help=f"comma-separated, from {','.join(SOURCES)}")
    ap.add_argument("--engine", default="clickhouse", choices=("clickhouse", "bigquery"),
                    help="engine for PyPI and GitHub (default clickhouse)")
    args = ap.parse_args(argv)
    sources = tuple(s.strip() for s in args.sources.split(",") if s.strip())
    unknown = [s for s in sources if s not in SOURCES]
    if unknown:
        ap.error(f"unknown source(s) {unknown}; choose from {', '.join(SOURCES)}")
    raw, today = raw or paths.RAW, today or dt.datetime.now(dt.UTC).date()

    def log(msg: str) -> None:
        print(msg, file=out, flush=True)

    for name in store.clean_leftovers(raw):
        log(f"removed {name}, left by an interrupted refresh")
    try:
        for shown, probe in plan_endpoints(sources, args.engine).items():
            log(f"checking {http.redact(shown)} ...")
            probe()
    except http.UnreachableError as e:
        log(f"error: {e}\nNothing was changed.")
        return 2
    ends = acquired_ends(raw)
    client = Client() if any(s in SITES for s in sources) else None
    added, failed = [], []
    for source in sources:
        start = shift_month(ends[source], 1 - OVERLAP_MONTHS)
        log(f"{source}: acquired data end {ends[source]}; asking from {start} (12 months overlap)")
        try:
            if source in AGGREGATION:
                added.append(refresh_engine(source, args.engine, start, raw, log, today))
            else:
                added.append(refresh_api(source, start, raw, log, today, client))
        except http.RefreshError as e:
            failed.append(source)
            log(f"{source}: failed, nothing saved for it: {e}")
            added.append(Added(source, args.engine if source in AGGREGATION else "stackexchange-api",
                               note=f"failed: {str(e)[:120]}"))
        else:
            a = added[-1]
            log(f"{source}: " + (f"saved {a.rows} rows, {a.months} months ({a.first_month}..{a.last_month}) to "
                                 f"data/raw/{a.file}" if a.file else a.note))
    summary = pd.DataFrame([a.__dict__ for a in added])
    log("\nAdded:\n" + summary.to_string(index=False))
    if any(a.file for a in added):
        log("\nNext: `make all` uses the new months (the chain splices them on; see reports/tables/refresh_overlap.csv).")
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main())
