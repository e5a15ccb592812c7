"""A ClickHouse client over its HTTP interface (POST the SQL, read CSV with a header): enough for aggregations
that return a few hundred rows.

Default service, as ClickPy documents it today: the public, read-only instance `https://sql-clickhouse.clickhouse.com`
with user `demo` and no password (ClickHouse/clickpy README, "Public instance", and `.env.example`:
CLICKHOUSE_HOST=https://sql-clickhouse.clickhouse.com, CLICKHOUSE_USERNAME=demo, PYPI_DATABASE=pypi,
GITHUB_DATABASE=github; since ClickPy's commit 44a5be2 "move to sql.clickhouse.com", 2024-12-03). It holds
`pypi.pypi_downloads_per_day` (the PyPI counts ClickPy is built on) and `github.github_events` (GH Archive, loaded by
ClickPy's `scripts/update_github.sh`, with the repository's id in `repo_id`). Before that date ClickPy's README named
`https://clickpy-clickhouse.clickhouse.com` with user `play`: the next endpoint tried when the first does not answer
or does not hold the table (`resolve`). ClickPy's loaders have stalled for weeks at a time (ClickHouse/clickpy issues
#188, #225): `make refresh-check` reports each item's newest day.

Authentication: the user and the password go as the `X-ClickHouse-User` and `X-ClickHouse-Key` headers, together
(ClickHouse refuses a user in the URL with a key in a header). The output format is the query's own `FORMAT`
clause and no setting is sent (a read-only profile may refuse to change `readonly` or any other setting).

Environment: CLICKHOUSE_PYPI_URL, CLICKHOUSE_GITHUB_URL, ... (CLICKHOUSE_<SOURCE>_URL: one URL, or several separated
by commas, tried in order, instead of the documented ones), CLICKHOUSE_USER and CLICKHOUSE_PASSWORD (instead of each
documented endpoint's user). A mirror, a proxy or a local server can stand in.
"""
from __future__ import annotations

import io
import os
from dataclasses import dataclass

import pandas as pd

from . import http

FORMAT = "CSVWithNames"


@dataclass(frozen=True)
class Endpoint:
    """A ClickHouse service: its URL, the user it documents, and where it is documented."""
    url: str
    user: str
    documented: str

    def __str__(self) -> str:
        return self.url


DOCUMENTED = (
    Endpoint("https://sql-clickhouse.clickhouse.com", "demo",
             "ClickHouse/clickpy README, 'Public instance', and .env.example (since 2024-12-03)"),
    Endpoint("https://clickpy-clickhouse.clickhouse.com", "play",
             "ClickHouse/clickpy README before commit 44a5be2 (2024-12-03): the previous public instance"),
)


def endpoints(source: str) -> tuple[Endpoint, ...]:
    """The services to try for `source`, in order: CLICKHOUSE_<SOURCE>_URL's (comma-separated) or the documented."""
    given = os.environ.get(f"CLICKHOUSE_{source.upper()}_URL", "")
    if given:
        name = f"CLICKHOUSE_{source.upper()}_URL"
        return tuple(Endpoint(http.url_setting(name, u), os.environ.get("CLICKHOUSE_USER", DOCUMENTED[0].user), name)
                     for u in given.split(",") if u.strip())
    return DOCUMENTED


def headers(endpoint: Endpoint) -> dict[str, str]:
    """The request headers: the SQL's content type and the credentials (never in the URL, never logged)."""
    return {"Content-Type": "text/plain; charset=utf-8",
            "X-ClickHouse-User": os.environ.get("CLICKHOUSE_USER", endpoint.user),
            "X-ClickHouse-Key": os.environ.get("CLICKHOUSE_PASSWORD", "")}


def resolve(source: str, table: str) -> tuple[Endpoint, list[str]]:
    """The first of `endpoints(source)` that answers and holds `table` (`EXISTS TABLE`), and what the ones before it
    answered; UnreachableError (none could be reached) or RefreshError (none holds it) naming every one tried."""
    tried, reachable = [], False
    for e in endpoints(source):
        try:
            exists = query(f"EXISTS TABLE {table}", ("result",), e, http.PROBE_TIMEOUT)["result"].iloc[0] == "1"
        except http.UnreachableError as err:
            tried.append(f"{e.url}: unreachable ({err.reason[:80]})")
            continue
        except http.RefreshError as err:
            reachable = True
            tried.append(f"{e.url}: {str(err)[len(e.url) + 2:][:120]}")
            continue
        reachable = True
        if exists:
            return e, tried
        tried.append(f"{e.url}: no table {table}")
    error = http.RefreshError if reachable else http.UnreachableError
    raise error(f"{source}: no ClickHouse endpoint answered with {table}: " + "; ".join(tried)
                + f". Set CLICKHOUSE_{source.upper()}_URL (and CLICKHOUSE_USER) to a service that holds it")


def query(sql: str, columns: tuple[str, ...], endpoint: Endpoint, timeout: float = http.READ_TIMEOUT) -> pd.DataFrame:
    """Run `sql` at `endpoint` and return its rows as strings; the result must have exactly `columns` (an error names
    what came back)."""
    base = endpoint.url.rstrip("/")
    body = http.request(f"{base}/", data=f"{sql.rstrip().rstrip(';')}\nFORMAT {FORMAT}".encode(),
                        headers=headers(endpoint), timeout=timeout)
    try:
        df = pd.read_csv(io.BytesIO(body), dtype=str, keep_default_na=False)
    except (pd.errors.ParserError, pd.errors.EmptyDataError, UnicodeDecodeError) as e:
        raise http.RefreshError(f"{base}: the answer is not CSV with a header ({e}): {body[:200]!r}") from e
    if tuple(df.columns) != tuple(columns):
        raise http.RefreshError(f"{base}: unexpected result columns {list(df.columns)}; expected {list(columns)}")
    return df


