"""`make refresh` (python -m helpers.refresh.run): each monthly source continued up to the last complete month.

1. Every endpoint the run needs is probed first: without network it stops within seconds, naming what it tried
   to reach, and writes nothing.
2. Per source, the months asked for run from OVERLAP_MONTHS before the acquired data's last usable month (an
   overlap, to compare the two countings) to the engine's last complete month.
3. Each result is checked and saved as a new raw file with its manifest row (`store`); progress is printed per
   source and a summary of what was added at the end.

What each source needs is its `refresh` spec in `helpers.registry.sources` (engines, items, tables, aggregation,
site, acquired end): this module has no per-source code. Engines: ClickHouse (default) or BigQuery for the sources
a query engine counts (`--engine`), the Stack Exchange API for Stack Overflow and Data Science SE (a quota-limited
API: a stopped run resumes where it stopped). A local Stack Exchange data dump is counted with
`python -m helpers.refresh.dump`.
"""
from __future__ import annotations

import argparse
import datetime as dt
import os
import sys
from collections.abc import Callable
from dataclasses import dataclass, replace
from pathlib import Path

import pandas as pd

from ..chain import paths
from ..chain.refresh_files import shift_month
from ..registry.signals import MONTHLY
from ..registry.sources import REFRESHABLE, SOURCE_BY_ID
from ..sources import refreshed
from . import bigquery, clickhouse, http, queries, store
from .stackexchange_api import Client, QuotaSpentError, when
from .stackexchange_api import endpoint as se_endpoint
from .stackexchange_api import probe as se_probe

OVERLAP_MONTHS = 12
SPECS = {s.id: s.refresh for s in REFRESHABLE}  # every source a refresh can continue, and how
SOURCES = tuple(SPECS)
ENGINE_NAMES = {"clickhouse": "ClickHouse", "bigquery": "BigQuery", "stackexchange_api": "Stack Exchange API"}
ENGINE_CHOICES = ("clickhouse", "bigquery")  # `--engine`: where a source offers both, which to ask


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


def engine_of(source: str, choice: str) -> str:
    """The engine that refreshes `source`: `choice` when the source offers it, else the source's default."""
    engines = SPECS[source].engines
    return choice if choice in engines else engines[0]


def names(source: str) -> dict[str, str]:
    """{upstream name: framework} for everything a source's refresh continues (a renamed repository: every name)."""
    return {name: fw for fw in SPECS[source].items for name in SOURCE_BY_ID[source].names(fw)}


def items(source: str) -> tuple[str, ...]:
    """What a source's query selects, by the upstream's names (packages, repositories, tags)."""
    return tuple(names(source))


def rows_from_engine(source: str, agg: queries.Aggregation, df: pd.DataFrame) -> pd.DataFrame:
    """An engine's answer as refresh rows (store's columns): the item mapped back to the signals' `framework`,
    summed per month and metric; where the engine breaks a split column down (PyPI installers on BigQuery), each
    of `agg.split_metrics` continues a series of its own (`downloads_pip`)."""
    by_item = names(source)
    df = df.assign(framework=df[agg.item_result].map(by_item), value=pd.to_numeric(df[agg.value_column]),
                   days=pd.to_numeric(df["days"]), **({"metric": agg.metric} if agg.metric else {}))
    key = ["month", "framework", "metric"]
    parts = [df.groupby(key, as_index=False).agg(value=("value", "sum"), days=("days", "max"))]
    if agg.split_column and (df[agg.split_column] != "").any():
        for value, metric in (agg.split_metrics or {}).items():
            part = df[df[agg.split_column] == value]
            parts.append(part.groupby(key, as_index=False).agg(value=("value", "sum"), days=("days", "max"))
                         .assign(metric=metric))
    return pd.concat(parts, ignore_index=True).assign(source=source)[store.COLUMNS]


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


def signal_items(source: str) -> tuple[str, ...]:
    """The main framework of each side of `source`'s signals (torch and tensorflow; not an alternative package such
    as tensorflow-cpu, whose absence may be a true zero): their newest day decides the last month refreshed."""
    return tuple(dict.fromkeys(f for s in MONTHLY if s.source == source for f in (s.pytorch[0], s.tensorflow[0])))


def newest_days(source: str, engine: str, start: str, end: str, connection) -> dict[str, str]:
    """{framework: the newest day the engine holds for it since `start`} (an item under several names: the newest);
    frameworks it holds nothing for are absent."""
    agg, run, _, _ = connection
    df = run(queries.latest_day(agg, engine, start, end, items(source), table=table_for(source, engine)),
             queries.LATEST_COLUMNS)
    by, out = names(source), {}
    for item, day in zip(df["item"], df["latest"], strict=True):
        if day and day not in ("\\N", "None", "nan") and item in by:
            out[by[item]] = max(out.get(by[item], ""), day)
    return out


def last_complete(source: str, newest: dict[str, str]) -> tuple[str, str]:
    """(the last month complete for every framework the signals read, the framework whose newest day decides it);
    RefreshError naming a framework the signals read that the engine holds nothing for (renamed, removed, not
    loaded: its months are never read as zeros)."""
    wanted = signal_items(source) or tuple(newest)
    missing = [f for f in wanted if f not in newest]
    if missing:
        raise http.RefreshError(f"{source}: the engine holds nothing for {missing} "
                                f"({', '.join(n for f in missing for n in SOURCE_BY_ID[source].names(f))}) in the "
                                "months asked for: renamed, removed or not loaded; nothing saved")
    limit = min(wanted, key=lambda f: newest[f])
    return shift_month(newest[limit][:7], -1), limit


def refresh_engine(source: str, engine: str, start_month: str, raw: Path, log: Callable[[str], None],
                   today: dt.date, connection=None) -> Added:
    """Query `source` on `engine` from `start_month` to the last month complete for every framework its signals
    read; another item's months after its own newest day are left out (never counted as zeros); save the result."""
    connection = connection or connect(source, engine)
    agg, run, url, _ = connection
    table = table_for(source, engine)
    start, bound = f"{start_month}-01", f"{today:%Y-%m}-01"
    log(f"{source}: asking {engine} ({url}) for each item's newest day ...")
    newest = newest_days(source, engine, start, bound, connection)
    if not newest:
        return Added(source, engine, note=f"the engine holds nothing from {start_month} on")
    last, limit = last_complete(source, newest)
    if last < start_month:
        return Added(source, engine, note=f"no complete month after {start_month} yet ({limit}'s newest day "
                                          f"{newest[limit]})")
    if any(day[:7] > newest[limit][:7] for day in newest.values()):
        log(f"{source}: {limit}'s newest day {newest[limit]} limits the refresh to {last}")
    sql = queries.render(agg, engine, start, f"{shift_month(last, 1)}-01", items(source), table=table)
    log(f"{source}: counting {start_month}..{last} on {engine} ...")
    rows = rows_from_engine(source, agg, run(sql, agg.columns))
    stale = {f: shift_month(d[:7], -1) for f, d in newest.items() if shift_month(d[:7], -1) < last}
    for f, until in stale.items():
        log(f"{source}: {f}'s newest day is {newest[f]}: its months after {until} are left out")
    rows = rows[[m <= stale.get(f, last) for m, f in zip(rows["month"], rows["framework"], strict=True)]]
    _check_complete(source, rows, start_month, last)
    path = store.write(source, rows, f"{ENGINE_NAMES[engine]} {table}", url, sql, raw=raw, today=today.isoformat())
    return _added(source, engine, rows, path)


def table_for(source: str, engine: str) -> str:
    """The table to read: <ENGINE>_<SOURCE>_TABLE from the environment (a mirror's name), else the public one."""
    return os.environ.get(f"{engine.upper()}_{source.upper()}_TABLE") or SPECS[source].tables[engine]


def connect(source: str, engine: str):
    """(the source's aggregation, a function running SQL on `engine` and returning its rows, the endpoint that
    answered, what the endpoints tried before it answered). ClickHouse: the first documented (or configured)
    endpoint that answers and holds the table (`clickhouse.resolve`)."""
    agg = queries.AGGREGATIONS[SPECS[source].aggregation]
    if engine == "clickhouse":
        ep, tried = clickhouse.resolve(source, table_for(source, engine))
        return agg, lambda sql, cols: clickhouse.query(sql, cols, ep), ep.url, tried
    if engine == "bigquery":
        return agg, bigquery.query, bigquery.endpoint(), []
    raise ValueError(f"{source}: no query engine {engine!r}; it offers {SPECS[source].engines}")


def refresh_api(source: str, start_month: str, raw: Path, log: Callable[[str], None], today: dt.date,
                client: Client) -> Added:
    """Monthly question counts per tag from the Stack Exchange API, from `start_month` to last month. Before each
    month the requests it needs are held against the quota left: when they would spend it, the run stops there and
    saves the complete months it has (the next run continues after them). After an answer saying the quota is
    spent (this source's or an earlier one's), no further request is sent: the months done are saved and the note
    says when the API takes requests again."""
    site, tags = SPECS[source].site, SPECS[source].items
    if client.spent is not None:
        return Added(source, "stackexchange_api", note=f"not asked: the daily quota was spent earlier in this run; "
                                                       f"run `make refresh` again {when(client.spent.available_at)}")
    last = shift_month(f"{today:%Y-%m}", -1)
    months = list(pd.period_range(start_month, last, freq="M").astype(str))
    if not months:
        return Added(source, "stackexchange_api", note=f"nothing to ask: the refreshed data reach {last}")
    log(f"{source}: {len(months) * len(tags)} requests ({len(tags)} tags x {len(months)} months); "
        f"quota left {client.quota_remaining}")
    rows, stopped = [], ""
    for i, month in enumerate(months, start=1):
        if client.quota_remaining is not None and client.quota_remaining < len(tags):
            stopped = (f"stopped before the daily quota was spent ({client.quota_remaining} requests left, "
                       f"{len(tags)} needed a month): saved {i - 1} of {len(months)} months; run `make refresh` "
                       f"again tomorrow (it continues from {month}) or set STACKEXCHANGE_KEY (10,000 a day)")
            break
        try:
            counted = [(tag, client.question_total(site, SOURCE_BY_ID[source].names(tag)[0], month)) for tag in tags]
        except QuotaSpentError as e:
            stopped = (f"the API says the daily quota is spent: saved {i - 1} of {len(months)} months; run `make "
                       f"refresh` again {when(e.available_at)} (it continues from {month})")
            break
        rows += [{"source": source, "metric": "questions", "framework": tag, "month": month, "value": float(n),
                  "days": pd.Period(month, freq="M").days_in_month} for tag, n in counted]
        if i == len(months) or i % 6 == 0:
            log(f"{source}: {i}/{len(months)} months ({month}); quota left {client.quota_remaining}")
    if not rows:
        return Added(source, "stackexchange_api", note=stopped)
    df = pd.DataFrame(rows, columns=store.COLUMNS)
    query = (f"GET /questions?site={site}&tagged={{{','.join(tags)}}}&fromdate=<month start>"
             f"&todate=<month end - 1 s>&filter=total for each month {start_month}..{df['month'].max()}")
    path = store.write(source, df, f"Stack Exchange API /questions (site={site}, filter=total)",
                       client.url, query, raw=raw, today=today.isoformat())
    return replace(_added(source, "stackexchange_api", df, path), note=stopped)


def _added(source: str, engine: str, rows: pd.DataFrame, path: Path) -> Added:
    return Added(source, engine, rows["month"].min(), rows["month"].max(), rows["month"].nunique(), len(rows),
                 f"{path.parent.name}/{path.name}")


def open_connections(sources: tuple[str, ...], choice: str, log: Callable[[str], None]) -> dict:
    """Before anything is asked: each query-engine source's connection (`connect`: the endpoint that answered, or
    the RefreshError saying why none did), and the Stack Exchange API probed. UnreachableError when an endpoint a
    source needs cannot be reached at all (offline: within seconds, nothing written)."""
    out, probed = {}, set()
    for s in sources:
        engine = engine_of(s, choice)
        if engine == "stackexchange_api":
            if se_endpoint() not in probed:
                log(f"checking {http.redact(se_endpoint())} ...")
                se_probe()
                probed.add(se_endpoint())
            continue
        if engine == "bigquery" and bigquery.endpoint() not in probed:
            log(f"checking {bigquery.endpoint()} ...")
            bigquery.probe()
            probed.add(bigquery.endpoint())
        try:
            out[s] = connect(s, engine)
        except http.UnreachableError:
            raise
        except http.RefreshError as e:
            out[s] = e
            continue
        _, _, url, tried = out[s]
        log(f"{s}: {ENGINE_NAMES[engine]} at {http.redact(url)} answered"
            + (f" (tried first: {'; '.join(tried)})" if tried else ""))
    return out


def start_month(source: str, raw: Path) -> str:
    """The first month to ask for: OVERLAP_MONTHS before the acquired data's end, so that both countings hold a
    year; for a quota-limited API, after the months earlier refresh files already hold (a stopped run resumes)."""
    start = shift_month(SPECS[source].acquired_end, 1 - OVERLAP_MONTHS)
    if "stackexchange_api" in SPECS[source].engines:
        held = refreshed.read(source, raw)
        if len(held):
            start = max(start, shift_month(held["month"].max(), 1))
    return start


def main(argv: list[str] | None = None, raw: Path | None = None, today: dt.date | None = None,
         out=sys.stdout) -> int:
    ap = argparse.ArgumentParser(prog="make refresh", description=__doc__.split("\n")[0])
    ap.add_argument("--sources", default=",".join(SOURCES), help=f"comma-separated, from {','.join(SOURCES)}")
    ap.add_argument("--engine", default="clickhouse", choices=ENGINE_CHOICES,
                    help="engine for the sources a query engine refreshes (PyPI, GitHub; default clickhouse)")
    ap.add_argument("--today", type=dt.date.fromisoformat, default=None,
                    help="YYYY-MM-DD: refresh the complete months before this day (default: today, UTC)")
    args = ap.parse_args(argv)
    sources = tuple(s.strip() for s in args.sources.split(",") if s.strip())
    unknown = [s for s in sources if s not in SOURCES]
    if unknown:
        ap.error(f"unknown source(s) {unknown}; choose from {', '.join(SOURCES)}")
    raw, today = raw or paths.RAW, today or args.today or dt.datetime.now(dt.UTC).date()

    def log(msg: str) -> None:
        print(msg, file=out, flush=True)

    for name in store.clean_leftovers(raw):
        log(f"removed {name}, left by an interrupted refresh")
    try:
        connections = open_connections(sources, args.engine, log)
    except http.RefreshError as e:  # offline, or a mistyped endpoint setting: nothing is asked
        log(f"error: {e}\nNothing was changed.")
        return 2
    client = None
    added, failed = [], []
    for source in sources:
        engine = engine_of(source, args.engine)
        start = start_month(source, raw)
        log(f"{source}: acquired data end {SPECS[source].acquired_end}; asking {ENGINE_NAMES[engine]} from {start}")
        try:
            if engine == "stackexchange_api":
                if client is None:
                    client = Client()
                    log(f"Stack Exchange API: {client.read_quota()} requests left today")
                added.append(refresh_api(source, start, raw, log, today, client))
            elif isinstance(connections[source], http.RefreshError):
                raise connections[source]
            else:
                added.append(refresh_engine(source, engine, start, raw, log, today, connections[source]))
        except http.RefreshError as e:
            failed.append(source)
            log(f"{source}: failed, nothing saved for it: {e}")
            added.append(Added(source, engine, note=f"failed: {str(e)[:120]}"))
        else:
            a = added[-1]
            log(f"{source}: " + (f"saved {a.rows} rows, {a.months} months ({a.first_month}..{a.last_month}) to "
                                 f"data/raw/{a.file}" + (f"; {a.note}" if a.note else "") if a.file else a.note))
    summary = pd.DataFrame([a.__dict__ for a in added])
    log("\nAdded:\n" + summary.to_string(index=False))
    if any(a.file for a in added):
        log("\nNext: `make all` uses the new months (the chain splices them on; see reports/tables/refresh_overlap.csv).")
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main())
