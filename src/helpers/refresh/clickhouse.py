"""A ClickHouse client over its HTTP interface (POST the SQL, read CSV with a header): enough for aggregations
that return a few hundred rows. Defaults: the public, read-only services — ClickPy's for the `pypi` database
(`pypi_downloads_per_day`), the ClickHouse playground for `github.github_events` (GH Archive).

Environment: CLICKHOUSE_PYPI_URL (default https://clickpy-clickhouse.clickhouse.com), CLICKHOUSE_GITHUB_URL
(default https://play.clickhouse.com), CLICKHOUSE_USER (default `play`), CLICKHOUSE_PASSWORD (default empty).
A mirror, a proxy or a local server can stand in.
"""
from __future__ import annotations

import io
import os
import urllib.parse

import pandas as pd

from . import http

DEFAULT_URLS = {"pypi": "https://clickpy-clickhouse.clickhouse.com", "github": "https://play.clickhouse.com"}
DEFAULT_USER = "play"


def endpoint(source: str) -> str:
    """The service holding `source`'s table (`pypi` or `github`), from CLICKHOUSE_<SOURCE>_URL or the default."""
    return os.environ.get(f"CLICKHOUSE_{source.upper()}_URL", DEFAULT_URLS[source]).rstrip("/")


def query(sql: str, columns: tuple[str, ...], url: str) -> pd.DataFrame:
    """Run `sql` at `url` and return its rows as strings; the result must have exactly `columns` (an error names
    what came back)."""
    base = url.rstrip("/")
    params = {"user": os.environ.get("CLICKHOUSE_USER", DEFAULT_USER), "default_format": "CSVWithNames",
              "readonly": "1"}
    headers = {"Content-Type": "text/plain; charset=utf-8"}
    password = os.environ.get("CLICKHOUSE_PASSWORD", "")
    if password:
        headers["X-ClickHouse-Key"] = password
    body = http.request(f"{base}/?{urllib.parse.urlencode(params)}", data=sql.encode("utf-8"), headers=headers)
    try:
        df = pd.read_csv(io.BytesIO(body), dtype=str, keep_default_na=False)
    except (pd.errors.ParserError, pd.errors.EmptyDataError, UnicodeDecodeError) as e:
        raise http.RefreshError(f"{base}: the answer is not CSV with a header ({e}): {body[:200]!r}") from e
    if tuple(df.columns) != tuple(columns):
        raise http.RefreshError(f"{base}: unexpected result columns {list(df.columns)}; expected {list(columns)}")
    return df


def probe(url: str) -> None:
    http.probe(f"{url.rstrip('/')}/ping")
