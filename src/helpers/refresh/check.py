"""`make refresh-check` (python -m helpers.refresh.check): are the configured endpoints right? Online, in seconds,
nothing written.

For each refreshable source on its engine (`--engine` as for `make refresh`): whether the table exists there
(`EXISTS TABLE` on ClickHouse) and the newest day it holds for the source's items; for the Stack Exchange API, the
requests left today. Exit status 0 when every source answers, 1 otherwise.
"""
from __future__ import annotations

import argparse
import datetime as dt
import sys

import pandas as pd

from ..chain.refresh_files import shift_month
from . import clickhouse, http, queries
from .run import ENGINE_CHOICES, ENGINE_NAMES, OVERLAP_MONTHS, SOURCES, SPECS, connect, engine_of, items, table_for
from .stackexchange_api import Client


def check_engine(source: str, engine: str, today: dt.date) -> dict:
    """One source on a query engine: the table's existence and its newest day for the source's items."""
    agg, run, url = connect(source, engine)
    table = table_for(source, engine)
    row = {"source": source, "engine": ENGINE_NAMES[engine], "endpoint": http.redact(url), "table": table}
    if engine == "clickhouse":
        exists = clickhouse.query(f"EXISTS TABLE {table}", ("result",), url)["result"].iloc[0] == "1"
        row["table exists"] = "yes" if exists else "no"
        if not exists:
            return row | {"newest day": "", "status": "table not found: set CLICKHOUSE_" + source.upper() + "_URL or "
                                                      + f"CLICKHOUSE_{source.upper()}_TABLE"}
    start = f"{shift_month(SPECS[source].acquired_end, 1 - OVERLAP_MONTHS)}-01"
    sql = queries.latest_day(agg, engine, start, f"{today:%Y-%m}-28", items(source), table=table)
    latest = run(sql, ("latest",))["latest"].iloc[0]
    fresh = bool(latest) and latest not in ("\\N", "None", "nan")
    return row | {"table exists": row.get("table exists", "yes"), "newest day": latest if fresh else "",
                  "status": "ok" if fresh else f"no rows for {', '.join(items(source))} since {start}"}


def check_api(source: str, client: Client) -> dict:
    """A Stack Exchange site: the requests left today (read once per run: each read spends one)."""
    left = client.quota_remaining if client.quota_remaining is not None else client.read_quota(SPECS[source].site)
    return {"source": source, "engine": ENGINE_NAMES["stackexchange_api"], "endpoint": client.url,
            "table": f"site={SPECS[source].site}", "table exists": "yes",
            "newest day": "", "status": f"ok: {left} requests left today"}


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
            rows.append({"source": source, "engine": ENGINE_NAMES[engine], "status": f"failed: {str(e)[:160]}"})
    table = pd.DataFrame(rows).fillna("")
    print(table.to_string(index=False), file=out)
    bad = table[~table["status"].str.startswith("ok")]
    print(f"\n{len(table) - len(bad)} of {len(table)} sources ready for `make refresh`.", file=out)
    return 1 if len(bad) else 0


if __name__ == "__main__":
    sys.exit(main())
