"""BigQuery as the alternative engine, for users with a Google Cloud project (`pip install -e '.[bigquery]'`).

The public tables are `bigquery-public-data.pypi.file_downloads` (one row per download, with the installer; documented
by PyPI at https://docs.pypi.org/api/bigquery/) and GH Archive's `githubarchive.month.YYYYMM` (https://www.gharchive.org,
"Analyzing with BigQuery"; `repo.id` is the repository's id, which survives a rename). The default endpoint is the
BigQuery REST service endpoint `https://bigquery.googleapis.com` (https://cloud.google.com/bigquery/docs/reference/rest,
"Service endpoint"). Queries are billed by bytes scanned: each query is limited by
BIGQUERY_MAX_BYTES (default 2 TB; the free tier is 1 TB a month) and reads only the dates it needs (both tables
are partitioned or sharded by date).

Environment: BIGQUERY_PROJECT (the project billed; default: the credentials' project), BIGQUERY_MAX_BYTES,
GOOGLE_APPLICATION_CREDENTIALS (standard Google auth), BIGQUERY_API_URL (an endpoint standing in for Google's).
"""
from __future__ import annotations

import os

import pandas as pd

from . import http

DEFAULT_URL = "https://bigquery.googleapis.com"
DEFAULT_MAX_BYTES = 2 * 10**12


def endpoint() -> str:
    return http.url_setting("BIGQUERY_API_URL", os.environ.get("BIGQUERY_API_URL", DEFAULT_URL))


def _client():
    try:
        from google.cloud import bigquery
    except ImportError as e:
        raise http.RefreshError("the BigQuery engine needs the optional client: pip install -e '.[bigquery]'") from e
    try:
        client = bigquery.Client(project=os.environ.get("BIGQUERY_PROJECT") or None,
                                 client_options={"api_endpoint": endpoint()})
    except Exception as e:  # google.auth raises several kinds when no credentials are set up
        raise http.RefreshError(f"BigQuery: no usable Google Cloud credentials or project ({e}); see "
                                "https://cloud.google.com/docs/authentication/provide-credentials-adc") from e
    return bigquery, client


def query(sql: str, columns: tuple[str, ...]) -> pd.DataFrame:
    """Run `sql` (BigQuery dialect) and return its rows as strings; the result must have exactly `columns`."""
    bigquery, client = _client()
    limit = int(os.environ.get("BIGQUERY_MAX_BYTES", DEFAULT_MAX_BYTES))
    try:
        rows = client.query(sql, job_config=bigquery.QueryJobConfig(maximum_bytes_billed=limit)).result()
        df = pd.DataFrame([dict(r.items()) for r in rows], columns=[f.name for f in rows.schema])
    except Exception as e:  # the client's API errors carry the reason (quota, bytes limit, permissions)
        raise http.RefreshError(f"BigQuery ({endpoint()}): {e}") from e
    if tuple(df.columns) != tuple(columns):
        raise http.RefreshError(f"BigQuery: unexpected result columns {list(df.columns)}; expected {list(columns)}")
    return df.astype(str)


def probe() -> None:
    http.probe(endpoint())
