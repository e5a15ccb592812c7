"""Exact monthly question counts per tag from a local Stack Exchange data dump, counted by DuckDB.

    python -m helpers.refresh.dump PATH --site stackoverflow      # Posts.xml (extracted from Posts.7z) or .parquet
    7z e -so stackoverflow.com-Posts.7z | python -m helpers.refresh.dump /dev/stdin --site stackoverflow

Posts.xml (about 100 GB for Stack Overflow) is read as a stream of lines, one `<row .../>` each, never loaded:
DuckDB keeps only the monthly counts, under `--memory` (default 2GB) on two threads. The aggregation is
`queries.SE_MONTHLY` (one definition; tags in any of the dumps' spellings). The months written run from 12
before the acquired data's end (an overlap to compare) to the dump's last complete month, or from `--since`;
the result is a new raw file like any refresh (`store`), with the query in its manifest row.
"""
from __future__ import annotations

import argparse
import sys
from pathlib import Path

import duckdb
import pandas as pd

from ..chain import paths
from ..chain.refresh_files import shift_month
from ..sources.stackexchange import TAGS
from . import queries, store
from .run import OVERLAP_MONTHS, SPECS


def count(path: str, start_month: str, end_month: str, tags: tuple[str, ...] = TAGS,
          memory: str = "2GB") -> tuple[pd.DataFrame, str]:
    """Questions per month and tag (and `all`) in [start_month, end_month] from a dump at `path`, and the SQL."""
    variant = "duckdb_parquet" if path.endswith(".parquet") else None
    sql = queries.render(queries.SE_MONTHLY, "duckdb", f"{start_month}-01", f"{shift_month(end_month, 1)}-01",
                         (*tags, "all"), variant=variant, path=path)
    with duckdb.connect(config={"memory_limit": memory, "threads": 2, "preserve_insertion_order": False}) as con:
        return con.execute(sql).df(), sql


def newest_day(path: str, start_month: str, memory: str = "2GB") -> str | None:
    variant = "duckdb_parquet" if path.endswith(".parquet") else None
    sql = queries.latest_day(queries.SE_MONTHLY, "duckdb", f"{start_month}-01", "9999-12-31", ("all",),
                             variant=variant, path=path)
    with duckdb.connect(config={"memory_limit": memory, "threads": 2}) as con:
        return con.execute(sql).fetchone()[1]  # (item, latest)


def main(argv: list[str] | None = None, raw: Path | None = None, out=sys.stdout) -> int:
    ap = argparse.ArgumentParser(prog="python -m helpers.refresh.dump", description=__doc__.split("\n")[0])
    ap.add_argument("path", help="Posts.xml, a Parquet conversion (.parquet), or /dev/stdin")
    ap.add_argument("--site", required=True, choices=sorted(s for s, spec in SPECS.items() if spec.site),
                    help="whose dump it is (the source id)")
    ap.add_argument("--since", help="first month to write (YYYY-MM); default 12 months before the acquired end")
    ap.add_argument("--memory", default="2GB", help="DuckDB memory limit (default 2GB)")
    args = ap.parse_args(argv)
    raw = raw or paths.RAW
    source = args.site
    start = args.since or shift_month(SPECS[source].acquired_end, 1 - OVERLAP_MONTHS)
    streamed = args.path in ("-", "/dev/stdin")
    if not streamed and not Path(args.path).is_file():
        ap.error(f"{args.path}: no such file")
    # a stream can be read once: count every month from `start`, then drop the last (possibly partial) one
    last = None if streamed else newest_day(args.path, start, args.memory)
    end = shift_month(last[:7], -1) if last else str(pd.Timestamp.now(tz="UTC").to_period("M"))
    print(f"{source}: counting questions {start}..{end} in {args.path} with DuckDB ...", file=out, flush=True)
    df, sql = count("/dev/stdin" if streamed else args.path, start, end, memory=args.memory)
    if streamed and len(df):
        df = df[df["month"] < df["month"].max()]
    if df.empty:
        print(f"{source}: the dump holds no complete month from {start} on; nothing saved", file=out)
        return 1
    rows = pd.DataFrame({"source": source, "metric": "questions", "framework": df["tag"], "month": df["month"],
                         "value": df["questions"].astype(float), "days": df["days"]})
    path = store.write(source, rows, f"Stack Exchange data dump ({Path(args.path).name}), DuckDB", "", sql, raw=raw)
    print(f"{source}: saved {len(rows)} rows, {rows['month'].nunique()} months ({rows['month'].min()}.."
          f"{rows['month'].max()}) to data/raw/{path.parent.name}/{path.name}", file=out)
    return 0


if __name__ == "__main__":
    sys.exit(main())
