"""A ClickHouse client over its HTTP interface (POST the SQL, read CSV with a header): enough for aggregations
that return a few hundred rows.

Default service: ClickPy's public, read-only ClickHouse (https://clickpy-clickhouse.clickhouse.com, user `play`) for
both engine sources. It holds `pypi.pypi_downloads_per_day` (the PyPI download counts ClickPy is built on) and
`github.github_events`, which ClickPy's own loader (`scripts/update_github.sh` in ClickHouse/clickpy) fills from
GH Archive every hour for its GitHub panels. The ClickHouse playground (play.clickhouse.com) documents its GitHub
examples against an unqualified `github_events`, so the one qualified name would not be true there; sql.clickhouse.com
also holds `github.github_events` (set CLICKHOUSE_GITHUB_URL to use it). `make refresh-check` shows, for each
configured service, whether its table exists and its newest day.

Authentication: the user and the password go as the `X-ClickHouse-User` and `X-ClickHouse-Key` headers, together
(ClickHouse refuses a user in the URL with a key in a header). The output format is the query's own `FORMAT`
clause and no setting is sent (a read-only profile may refuse to change `readonly` or any other setting).

Environment: CLICKHOUSE_PYPI_URL, CLICKHOUSE_GITHUB_URL (default: ClickPy's service), CLICKHOUSE_USER (default
`play`), CLICKHOUSE_PASSWORD (default empty). A mirror, a proxy or a local server can stand in.
"""
from __future__ import annotations

import io
import os

import pandas as pd

from . import http

DEFAULT_URL = "https://clickpy-clickhouse.clickhouse.com"
DEFAULT_USER = "play"
FORMAT = "CSVWithNames"


def endpoint(source: str) -> str:
    """The service holding `source`'s table, from CLICKHOUSE_<SOURCE>_URL or the default."""
    return os.environ.get(f"CLICKHOUSE_{source.upper()}_URL", DEFAULT_URL).rstrip("/")


def headers() -> dict[str, str]:
    """The request headers: the SQL's content type and the credentials (never in the URL, never logged)."""
    return {"Content-Type": "text/plain; charset=utf-8",
            "X-ClickHouse-User": os.environ.get("CLICKHOUSE_USER", DEFAULT_USER),
            "X-ClickHouse-Key": os.environ.get("CLICKHOUSE_PASSWORD", "")}


def query(sql: str, columns: tuple[str, ...], url: str) -> pd.DataFrame:
    """Run `sql` at `url` and return its rows as strings; the result must have exactly `columns` (an error names
    what came back)."""
    base = url.rstrip("/")
    body = http.request(f"{base}/", data=f"{sql.rstrip().rstrip(';')}\nFORMAT {FORMAT}".encode(),
                        headers=headers())
    try:
        df = pd.read_csv(io.BytesIO(body), dtype=str, keep_default_na=False)
    except (pd.errors.ParserError, pd.errors.EmptyDataError, UnicodeDecodeError) as e:
        raise http.RefreshError(f"{base}: the answer is not CSV with a header ({e}): {body[:200]!r}") from e
    if tuple(df.columns) != tuple(columns):
        raise http.RefreshError(f"{base}: unexpected result columns {list(df.columns)}; expected {list(columns)}")
    return df


def probe(url: str) -> None:
    http.probe(f"{url.rstrip('/')}/ping")
