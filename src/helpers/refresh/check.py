"""`make refresh-check` (python -m helpers.refresh.check): are the configured endpoints right? Online, in seconds,
nothing written.

For each refreshable source on its engine (`--engine` as for `make refresh`): the endpoint that answered (a
ClickHouse source tries the documented endpoints in turn, and says what the ones before it answered), the table, and
the newest day the engine holds for each item the signals read: the oldest of them is the source's newest day, and
the last month `make refresh` would take is the month before it. A newest day more than STALL_DAYS before today is
named as a stalled upstream (ClickPy's loaders have stalled for weeks: ClickHouse/clickpy issues #188, #225), never
read as a month of zeros. For the Stack Exchange API: the requests left today (after an answer that the quota is
spent, no further request: the row says when requests are available again). Exit status 0 when every source answers,
1 otherwise.
"""
from __future__ import annotations

import argparse
import datetime as dt
import sys

import pandas as pd

from ..chain.refresh_files import shift_month
from . import http
from .run import (
    ENGINE_CHOICES,
    ENGINE_NAMES,
    OVERLAP_MONTHS,
    SOURCES,
    SPECS,
    connect,
    engine_of,
    last_complete,
    newest_days,
    signal_items,
    table_for,
)
from .stackexchange_api import Client, QuotaSpentError, when

STALL_DAYS = 7  # a newest day older than this (before today) names the upstream as stalled


def check_engine(source: str, engine: str, today: dt.date) -> dict:
    """One source on a query engine: the endpoint that answered, its table, and each item's newest day."""
    connection = connect(source, engine)
    _, _, url, tried = connection
    row = {"source": source, "engine": ENGINE_NAMES[engine], "endpoint": http.redact(url), "table": table_for(source, engine),
           "tried first": "; ".join(tried)}
    start = f"{shift_month(SPECS[source].acquired_end, 1 - OVERLAP_MONTHS)}-01"
    newest = newest_days(source, engine, start, f"{today:%Y-%m-%d}", connection)
    if not newest:
        return row | {"newest day": "", "status": f"no rows for {', '.join(SPECS[source].items)} since {start}"}
    try:
        last, limit = last_complete(source, newest)
    except http.RefreshError as e:
        return row | {"newest day": "", "status": f"failed: {str(e)[len(source) + 2:]}"}
    others = [f"{f} {d}" for f, d in sorted(newest.items()) if f not in signal_items(source) and d < newest[limit]]
    missing = [f for f in SPECS[source].items if f not in newest]
    age = (today - dt.date.fromisoformat(newest[limit][:10])).days
    status = (f"stalled: {limit}'s newest day is {age} days old; make refresh would stop at {last}" if age > STALL_DAYS
              else f"ok: make refresh would reach {last}")
    if others:
        status += f" (older items, left out after their own newest day: {', '.join(others)})"
    if missing:
        status += f" (nothing for {', '.join(missing)} in these months)"
    return row | {"newest day": newest[limit], "status": status,
                  "items": ", ".join(f"{f} {newest[f]}" for f in SPECS[source].items if f in newest)}


def check_api(source: str, client: Client) -> dict:
    """A Stack Exchange site: the requests left today (read once per run: each read spends one; none once an answer
    said the quota is spent)."""
    row = {"source": source, "engine": ENGINE_NAMES["stackexchange_api"], "endpoint": client.url,
           "table": f"site={SPECS[source].site}", "newest day": ""}
    try:
        left = client.quota_remaining if client.quota_remaining is not None else client.read_quota(SPECS[source].site)
    except QuotaSpentError as e:
        return row | {"status": f"quota spent: requests available again {when(e.available_at)}"}
    return row | {"status": f"ok: {left} requests left today; tags {', '.join(SPECS[source].items)}"}


def main(argv: list[str] | None = None, today: dt.date | None = None, out=sys.stdout) -> int:
    ap = argparse.ArgumentParser(prog="make refresh-check", description=__doc__.split("\n")[0])
    ap.add_argument("--engine", default="clickhouse", choices=ENGINE_CHOICES)
    ap.add_argument("--today", type=dt.date.fromisoformat, default=None,
                    help="YYYY-MM-DD: check as of this day (default: today, UTC)")
    args = ap.parse_args(argv)
    today = today or args.today or dt.datetime.now(dt.UTC).date()
    rows, client = [], None
    for source in SOURCES:
        engine = engine_of(source, args.engine)
        try:
            if engine == "stackexchange_api":
                client = client or Client()
                rows.append(check_api(source, client))
            else:
                rows.append(check_engine(source, engine, today))
        except http.RefreshError as e:
            rows.append({"source": source, "engine": ENGINE_NAMES[engine], "status": f"failed: {e}"})
    for r in rows:  # one block per source: where it was asked, what answered before, what it holds
        where = "  ".join(r[k] for k in ("engine", "endpoint", "table") if r.get(k))
        print(f"{r['source']:<14} {where}" + (f"  newest day {r['newest day']}" if r.get("newest day") else ""),
              file=out)
        if r.get("tried first"):
            print(f"{'':<14} answered after: {r['tried first']}", file=out)
        if r.get("items"):
            print(f"{'':<14} newest day per item: {r['items']}", file=out)
        print(f"{'':<14} {r['status']}", file=out)  # whole, never cut
    table = pd.DataFrame(rows).fillna("")
    ready = table["status"].str.startswith(("ok", "stalled"))
    stalled = table["status"].str.startswith("stalled").sum()
    print(f"\n{ready.sum()} of {len(table)} sources ready for `make refresh`"
          + (f"; {stalled} with a stalled upstream (named above)" if stalled else "") + ".", file=out)
    return 0 if ready.all() else 1


if __name__ == "__main__":
    sys.exit(main())
