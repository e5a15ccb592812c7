"""`make refresh`: the months after the acquired data, aggregated where the full data live.

PyPI's download log, GH Archive and the Stack Overflow posts are far larger than a laptop; public engines hold
them and aggregate in seconds, so only monthly counts come home:

- `queries`   — each aggregation written once (DuckDB's SQL) over a small logical relation, and the relation
                each engine provides; sqlglot transpiles the aggregation to ClickHouse and BigQuery.
- `clickhouse`, `bigquery`, `stackexchange_api` — the clients (documented endpoints, or the environment's);
  `http` — one request with named errors.
- `dump`      — DuckDB over a local Stack Exchange data dump (Posts.xml or Parquet): exact monthly tag counts.
- `store`     — each result becomes a new raw file with a manifest row (query text, retrieval date); atomic.
- `run`       — `python -m helpers.refresh.run`: what to fetch (from the acquired data's last months), progress,
                a summary. `check` — `make refresh-check`: which endpoint answers, each source's newest day.

The chain splices refreshed months onto the acquired series in `helpers.sources.refreshed`.
"""
