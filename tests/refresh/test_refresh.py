"""`make refresh` without network: the SQL on embedded engines against hand counts, the clients against a local
server that speaks ClickHouse's HTTP interface and the Stack Exchange API, the stored files, and the splice."""
from __future__ import annotations

import datetime as dt
import io
import os
import subprocess
import sys
import time
from collections import Counter

import duckdb
import numpy as np
import pandas as pd
import pytest
import sqlglot
from fake_upstreams import LATEST, QUOTA, REPOS, SE_DAILY, START, Upstreams, days, github_rows, pypi_rows

from conftest import REPO, sha, tree_snapshot, write_manifest
from helpers.chain import manifest
from helpers.chain import refresh_files as names
from helpers.chain.io import InputFileError
from helpers.refresh import check, clickhouse, dump, http, queries, run, store
from helpers.refresh.stackexchange_api import Client
from helpers.sources import pypi, refreshed
from helpers.stats import share_model

TODAY = dt.date(2026, 11, 25)


@pytest.fixture(scope="module")
def upstreams():
    up = Upstreams()
    yield up
    up.close()


@pytest.fixture
def env(upstreams, monkeypatch):
    for k, v in upstreams.env().items():
        monkeypatch.setenv(k, v)
    upstreams.script.clear()
    upstreams.quota = QUOTA
    return upstreams


@pytest.fixture
def raw(tmp_path):
    """A raw tree with the acquired files the refresh reads its starting months from."""
    raw = tmp_path / "data" / "raw"
    for folder in ("pypi_downloads", "github", "so_tags"):
        (raw / folder).mkdir(parents=True)
        for p in (REPO / "data" / "raw" / folder).iterdir():
            if p.suffix != ".md":
                (raw / folder / p.name).symlink_to(p)
    write_manifest(raw)
    return raw


# --- hand counts from the fixture rules ---------------------------------------------------------------------

def hand_pypi() -> dict[tuple[str, str], int]:
    out = Counter()
    for d, p, c in pypi_rows():
        out[(d[:7], p)] += c
    return out


def hand_github() -> dict[tuple[str, str, str], int]:
    """Events by month, repository (its first name: a renamed repository stays one series) and metric."""
    metric = {"WatchEvent": "new_stars", "ForkEvent": "new_forks", "IssuesEvent": "new_issues",
              "PullRequestEvent": "new_prs"}
    first_name = {rid: repo for repo, (rid, _) in REPOS.items()}
    out = Counter()
    for t, rid, _, event, action in github_rows():
        if event in ("WatchEvent", "ForkEvent") or (event in metric and action == "opened"):
            out[(t[:7], first_name[rid], metric[event])] += 1
    return out


def at(up) -> clickhouse.Endpoint:
    """The local server as a ClickHouse endpoint (its documented user)."""
    return clickhouse.Endpoint(up.url, "demo", "the test's local server")


def test_hand_counts_follow_the_rules():
    """The rules written out for one month: February 2025 has 28 days, 9 of them divisible by 3 as ordinals."""
    feb = [d for d in days() if d.strftime("%Y-%m") == "2025-02"]
    assert len(feb) == 28
    gh, py = hand_github(), hand_pypi()
    assert gh[("2025-02", "pytorch/pytorch", "new_stars")] == 28 * 5
    assert gh[("2025-02", "pytorch/pytorch", "new_prs")] == 28 * 2
    assert gh[("2025-02", "keras-team/keras", "new_issues")] == sum(d.toordinal() % 3 == 0 for d in feb) == 9
    first = (feb[0] - START).days  # the day index of 1 February
    assert py[("2025-02", "torch")] == 28 * 1000 + sum(range(first, first + 28))


# --- one query, several engines -----------------------------------------------------------------------------

def test_clickhouse_sql_runs_in_chdb_and_matches_hand_counts(upstreams):
    items = ("torch", "tensorflow", "tensorflow-gpu", "keras")
    sql = queries.render(queries.PYPI_MONTHLY, "clickhouse", "2025-01-01", "2025-04-01", items)
    got = pd.read_csv(io.BytesIO(upstreams.chdb.query(sql, "CSVWithNames").bytes()), keep_default_na=False)
    assert list(got.columns) == list(queries.PYPI_MONTHLY.columns)
    hand = hand_pypi()
    assert {(r.month, r.project): r.downloads for r in got.itertuples()} == \
        {(m, p): hand[(m, p)] for m in ("2025-01", "2025-02", "2025-03") for p in items}
    assert set(got["days"]) == {31, 28} and set(got["installer"]) == {""}

    sql = queries.render(queries.GITHUB_MONTHLY, "clickhouse", "2024-08-01", "2024-10-01",
                         ("pytorch/pytorch", "keras-team/keras"))
    got = pd.read_csv(io.BytesIO(upstreams.chdb.query(sql, "CSVWithNames").bytes()))
    gh = hand_github()
    assert {(r.month, r.repo_name, r.metric): r.events for r in got.itertuples()} == \
        {k: v for k, v in gh.items() if k[0] in ("2024-08", "2024-09") and k[1] in ("pytorch/pytorch", "keras-team/keras")}
    assert "pytorch/vision" not in set(got["repo_name"])  # a repository not asked for is not counted


def test_the_same_aggregation_runs_in_duckdb():
    con = duckdb.connect()
    pypi_df = pd.DataFrame(pypi_rows(), columns=["day", "project", "downloads"]).assign(installer="")
    gh_df = pd.DataFrame(github_rows(), columns=["created_at", "repo_id", "repo_name", "event_type", "action"])
    con.register("pypi_df", pypi_df)
    con.register("gh_df", gh_df)
    con.execute("CREATE TABLE pypi_days_local AS SELECT CAST(day AS DATE) AS day, project, installer, downloads "
                "FROM pypi_df")
    con.execute("CREATE TABLE gh_events_local AS SELECT CAST(CAST(created_at AS TIMESTAMP) AS DATE) AS day, repo_id, "
                "repo_name, event_type, action FROM gh_df")
    got = con.execute(queries.render(queries.PYPI_MONTHLY, "duckdb", "2025-01-01", "2025-03-01", ("torch",))).df()
    hand = hand_pypi()
    assert got["downloads"].tolist() == [hand[("2025-01", "torch")], hand[("2025-02", "torch")]]
    got = con.execute(queries.render(queries.GITHUB_MONTHLY, "duckdb", "2025-02-01", "2025-03-01",
                                     ("tensorflow/tensorflow",))).df()
    assert dict(zip(got["metric"], got["events"], strict=True)) == {
        m: hand_github()[("2025-02", "tensorflow/tensorflow", m)] for m in ("new_forks", "new_issues", "new_prs",
                                                                          "new_stars")}
    assert con.execute(queries.latest_day(queries.PYPI_MONTHLY, "duckdb", "2025-01-01", "2027-01-01",
                                          ("torch",))).fetchall() == [("torch", LATEST.isoformat())]


def test_bigquery_sql_round_trips_to_duckdb_on_the_public_schema():
    """The BigQuery text, transpiled back to DuckDB, runs on a table shaped like `file_downloads` (nested
    `file` and `details` records) and gives the per-installer counts."""
    sql = queries.render(queries.PYPI_MONTHLY, "bigquery", "2025-01-01", "2025-03-01", ("torch", "keras"))
    assert "`bigquery-public-data.pypi.file_downloads`" in sql and "FORMAT_DATE('%Y-%m', day)" in sql
    con = duckdb.connect()
    con.execute('ATTACH \':memory:\' AS "bigquery-public-data"')
    con.execute('CREATE SCHEMA "bigquery-public-data".pypi')
    con.execute('CREATE TABLE "bigquery-public-data".pypi.file_downloads (timestamp TIMESTAMPTZ, country_code VARCHAR, '
                "url VARCHAR, project VARCHAR, file STRUCT(filename VARCHAR, project VARCHAR, version VARCHAR, "
                "type VARCHAR), details STRUCT(installer STRUCT(name VARCHAR, version VARCHAR), python VARCHAR))")
    downloads = [("2025-01-03 10:00:00+00", "torch", "pip")] * 3 + [("2025-01-31 23:59:59+00", "torch", "uv")] + \
        [("2025-02-01 00:00:00+00", "torch", None)] + [("2025-02-10 08:00:00+00", "keras", "pip")] * 2 + \
        [("2025-03-01 00:00:00+00", "torch", "pip")] + [("2025-01-05 00:00:00+00", "numpy", "pip")]
    con.executemany('INSERT INTO "bigquery-public-data".pypi.file_downloads VALUES (?, \'US\', \'\', ?, '
                    "{'filename': 'f', 'project': ?, 'version': '1', 'type': 'bdist_wheel'}, "
                    "{'installer': {'name': ?, 'version': '1'}, 'python': '3.12'})",
                    [(t, p, p, i) for t, p, i in downloads])
    back = sqlglot.transpile(sql, read="bigquery", write="duckdb")[0]
    got = con.execute(back).fetchall()
    assert [tuple(r[:4]) for r in got] == [("2025-01", "torch", "pip", 3), ("2025-01", "torch", "uv", 1),
                                           ("2025-02", "keras", "pip", 2), ("2025-02", "torch", "", 1)]
    rows = run.rows_from_engine("pypi", queries.PYPI_MONTHLY, pd.DataFrame(got, columns=queries.PYPI_MONTHLY.columns).astype(str))
    by = {(r.metric, r.framework, r.month): r.value for r in rows.itertuples()}
    assert by[("downloads", "torch", "2025-01")] == 4 and by[("downloads_pip", "torch", "2025-01")] == 3
    gh = queries.render(queries.GITHUB_MONTHLY, "bigquery", "2024-08-01", "2024-10-01", ("pytorch/pytorch",))
    assert "_TABLE_SUFFIX BETWEEN" in gh  # only the months asked for are scanned (and billed)
    sqlglot.parse_one(gh, read="bigquery")


def test_names_become_literals_only_when_safe():
    with pytest.raises(ValueError, match="names must match"):
        queries.render(queries.PYPI_MONTHLY, "clickhouse", "2025-01-01", "2025-02-01", ("torch'; DROP TABLE x --",))
    with pytest.raises(ValueError, match="start < end"):
        queries.render(queries.PYPI_MONTHLY, "clickhouse", "2025-02-01", "2025-01-01", ("torch",))
    with pytest.raises(ValueError, match="table must look like"):
        queries.render(queries.PYPI_MONTHLY, "clickhouse", "2025-01-01", "2025-02-01", ("torch",), table="x; DROP y")


def test_a_mirror_may_name_the_table_differently(env, monkeypatch):
    """CLICKHOUSE_GITHUB_TABLE points the same query at a mirror's table (here a copy in another database)."""
    env.chdb.query("CREATE DATABASE IF NOT EXISTS mirror")
    env.chdb.query("CREATE TABLE IF NOT EXISTS mirror.events ENGINE = MergeTree ORDER BY tuple() "
                   "AS SELECT * FROM github.github_events WHERE repo_name = 'pytorch/pytorch'")
    monkeypatch.setenv("CLICKHOUSE_GITHUB_TABLE", "mirror.events")
    assert run.table_for("github", "clickhouse") == "mirror.events"
    sql = queries.render(queries.GITHUB_MONTHLY, "clickhouse", "2025-02-01", "2025-03-01", ("pytorch/pytorch",),
                         table=run.table_for("github", "clickhouse"))
    got = clickhouse.query(sql, queries.GITHUB_MONTHLY.columns, at(env))
    assert "FROM mirror.events" in sql and int(got.set_index("metric").loc["new_stars", "events"]) == 28 * 5


POSTS = """<?xml version="1.0" encoding="utf-8"?>
<posts>
  <row Id="1" PostTypeId="1" CreationDate="2023-05-31T23:59:59.997" Body="&lt;p&gt;a &quot;b&quot;&lt;/p&gt;" \
Tags="&lt;python&gt;&lt;pytorch&gt;" />
  <row Id="2" PostTypeId="2" ParentId="1" CreationDate="2023-06-01T00:00:00.000" \
Body="&lt;p&gt;Tags=&quot;&amp;lt;pytorch&amp;gt;&quot;&lt;/p&gt;" />
  <row Id="3" PostTypeId="1" CreationDate="2023-06-01T00:00:00.000" Body="x" Tags="|tensorflow|keras|" />
  <row Id="4" PostTypeId="1" CreationDate="2023-06-15T10:00:00.000" Body="x" Tags="&lt;tensorflow2.0&gt;" />
  <row Id="5" PostTypeId="1" CreationDate="2023-06-30T12:00:00.000" Body="x" Tags="&lt;pytorch&gt;&lt;tensorflow&gt;" />
  <row Id="6" PostTypeId="1" CreationDate="2023-07-02T12:00:00.000" Body="x" Tags="&lt;pytorch&gt;" />
</posts>
"""


def test_a_dump_is_counted_exactly_from_xml_and_parquet(tmp_path):
    """Answers are not questions; `tensorflow2.0` is not `tensorflow`; both tag spellings count."""
    xml = tmp_path / "Posts.xml"
    xml.write_text(POSTS)
    want = {("2023-05", "all"): 1, ("2023-05", "pytorch"): 1, ("2023-06", "all"): 3, ("2023-06", "pytorch"): 1,
            ("2023-06", "tensorflow"): 2, ("2023-06", "keras"): 1}
    got, _ = dump.count(str(xml), "2023-05", "2023-06")
    assert {(r.month, r.tag): r.questions for r in got.itertuples()} == want
    pq = tmp_path / "Posts.parquet"
    duckdb.sql(f"COPY (SELECT * FROM (VALUES (1, 1, TIMESTAMP '2023-05-31 23:59:59', '<python><pytorch>'), "
               "(2, 2, TIMESTAMP '2023-06-01 00:00:00', NULL), (3, 1, TIMESTAMP '2023-06-01', '|tensorflow|keras|'), "
               "(4, 1, TIMESTAMP '2023-06-15', '<tensorflow2.0>'), (5, 1, TIMESTAMP '2023-06-30', '<pytorch><tensorflow>')) "
               f"AS t(Id, PostTypeId, CreationDate, Tags)) TO '{pq}' (FORMAT parquet)")
    got, _ = dump.count(str(pq), "2023-05", "2023-06")
    assert {(r.month, r.tag): r.questions for r in got.itertuples()} == want
    assert dump.newest_day(str(xml), "2023-01") == "2023-07-02"


def test_the_dump_command_writes_a_refresh_file(raw, tmp_path):
    xml = tmp_path / "Posts.xml"
    xml.write_text(POSTS)
    out = io.StringIO()
    assert dump.main([str(xml), "--site", "stackoverflow", "--since", "2023-05"], raw=raw, out=out) == 0
    [path] = names.files("stackoverflow", raw)
    df = pd.read_csv(path)
    assert sorted(df["month"].unique()) == ["2023-05", "2023-06"]  # July is not complete in the dump
    assert "saved" in out.getvalue() and manifest.verify(raw).shape[0] == len(manifest.read_manifest(raw / "MANIFEST.csv"))


# --- the clients against the local server -------------------------------------------------------------------

def test_clickhouse_client_reads_csv_and_reports_errors(env):
    df = clickhouse.query("SELECT 1 AS a, 'x' AS b", ("a", "b"), at(env))
    assert df.to_dict("records") == [{"a": "1", "b": "x"}]
    with pytest.raises(http.RefreshError, match="unexpected result columns"):
        clickhouse.query("SELECT 1 AS c", ("a",), at(env))
    with pytest.raises(http.RefreshError, match=r"HTTP 500.*UNKNOWN_IDENTIFIER|HTTP 500.*Unknown"):
        clickhouse.query("SELECT nosuchcolumn FROM pypi.pypi_downloads_per_day", ("a",), at(env))
    env.script.append("ch_truncated")
    with pytest.raises(http.RefreshError, match="truncated"):
        clickhouse.query(queries.render(queries.PYPI_MONTHLY, "clickhouse", "2025-01-01", "2025-03-01", ("torch",)),
                         queries.PYPI_MONTHLY.columns, at(env))


def client(env, waits):
    return Client(url=f"{env.url}/2.3", key="secret-key", sleep=waits.append)


def test_stackexchange_totals_and_the_key_is_sent_not_shown(env):
    waits = []
    c = client(env, waits)
    assert c.read_quota() == QUOTA - 1  # /info without a filter carries the quota (and costs a request)
    assert c.question_total("stackoverflow", "pytorch", "2025-02") == 28 * SE_DAILY[("stackoverflow", "pytorch")]
    assert c.quota_remaining == QUOTA - 2 and waits == []  # `filter=total` says nothing of it: counted down
    assert "key=secret-key" in env.seen[-1] and "filter=total" in env.seen[-1] and "tagged=pytorch" in env.seen[-1]
    env.script.append("schema")
    with pytest.raises(http.RefreshError, match="no `total`") as e:
        c.question_total("stackoverflow", "pytorch", "2025-02")
    assert "secret-key" not in str(e.value)


def test_stackexchange_429_and_throttle_wait_then_retry(env):
    waits = []
    c = client(env, waits)
    env.script += ["429", "throttle"]
    assert c.question_total("datascience", "tensorflow", "2025-01") == 31 * SE_DAILY[("datascience", "tensorflow")]
    assert waits == [2.0, 3.0]  # Retry-After of the 429, then the throttle error's backoff


def test_stackexchange_backoff_is_honoured_before_the_next_request(env):
    waits = []
    c = client(env, waits)
    env.script.append("backoff")
    c.question_total("stackoverflow", "tensorflow", "2025-01")
    c.question_total("stackoverflow", "tensorflow", "2025-02")
    assert len(waits) == 1 and 4.0 < waits[0] <= 5.0


def test_stackexchange_truncated_body_and_spent_quota_stop(env):
    c = client(env, [])
    env.script.append("truncated")
    with pytest.raises(http.RefreshError, match="truncated"):
        c.question_total("stackoverflow", "pytorch", "2025-01")
    env.quota = 0  # the API then answers every request with a throttle error saying when more are available
    with pytest.raises(http.RefreshError, match="quota is spent"):
        c.question_total("stackoverflow", "pytorch", "2025-01")
    assert c.requests == 0  # no retries: a wait of 80,000 s is not waited out


# --- make refresh end to end --------------------------------------------------------------------------------

def test_refresh_adds_files_and_manifest_rows_and_never_overwrites(env, raw):
    out = io.StringIO()
    assert run.main([], raw=raw, today=TODAY, out=out) == 0
    text = out.getvalue()
    for source in run.SOURCES:
        assert f"{source}: saved" in text
    assert "Added:" in text
    files = {s: names.files(s, raw) for s in run.SOURCES}
    assert all(len(f) == 1 for f in files.values())
    entries = {e.path: e for e in manifest.read_manifest(raw / "MANIFEST.csv")}
    for [path] in files.values():
        e = entries[f"{path.parent.name}/{path.name}"]
        assert e.bytes == path.stat().st_size and e.sha256 == sha(path) and e.retrieved == TODAY.isoformat()
        assert e.query and "\n" not in e.query and e.url.startswith(env.url)
    manifest.verify(raw)  # every new file verifies
    py = pd.read_csv(files["pypi"][0])
    assert py["month"].min() == "2025-04" and py["month"].max() == "2026-10"  # 12 months before 2026-03 .. October
    hand = hand_pypi()
    torch = py[(py["framework"] == "torch")].set_index("month")["value"]
    assert torch["2026-10"] == hand[("2026-10", "torch")] and "numpy" not in set(py["framework"])
    gh = pd.read_csv(files["github"][0])
    assert gh["month"].min() == "2024-08"
    jax = gh[(gh["framework"] == "jax") & (gh["metric"] == "new_stars")].set_index("month")["value"]
    assert len(jax) == 27 and jax["2024-10"] == 2 * 31  # jax-ml/jax since 2024-09, google/jax before: one series
    so = pd.read_csv(files["stackoverflow"][0]).set_index(["framework", "month"])["value"]
    assert so[("pytorch", "2026-10")] == 31 * SE_DAILY[("stackoverflow", "pytorch")]
    before = tree_snapshot(raw)
    assert run.main(["--sources", "pypi"], raw=raw, today=TODAY, out=io.StringIO()) == 0
    assert [p.name for p in names.files("pypi", raw)] == ["refresh_pypi_2026-11-25.csv", "refresh_pypi_2026-11-25_2.csv"]
    assert all(tree_snapshot(raw)[k] == v for k, v in before.items() if k != "MANIFEST.csv")


def test_without_network_refresh_fails_fast_naming_the_endpoint_and_changes_nothing(raw, monkeypatch):
    import socket
    with socket.socket() as s:  # a port nobody listens on
        s.bind(("127.0.0.1", 0))
        port = s.getsockname()[1]
    for k in ("CLICKHOUSE_PYPI_URL", "CLICKHOUSE_GITHUB_URL"):
        monkeypatch.setenv(k, f"http://127.0.0.1:{port}")
    monkeypatch.setenv("STACKEXCHANGE_API_URL", f"http://127.0.0.1:{port}/2.3")
    before = tree_snapshot(raw)
    out = io.StringIO()
    t = time.monotonic()
    assert run.main([], raw=raw, today=TODAY, out=out) == 2
    assert time.monotonic() - t < 10
    assert f"127.0.0.1:{port}" in out.getvalue() and "cannot reach" in out.getvalue()
    assert "Nothing was changed" in out.getvalue() and tree_snapshot(raw) == before


def test_an_interrupted_write_leaves_nothing(env, raw, monkeypatch):
    before = tree_snapshot(raw)

    def boom(*a, **k):
        raise KeyboardInterrupt

    monkeypatch.setattr(manifest, "write_manifest", boom)
    with pytest.raises(KeyboardInterrupt):
        run.main(["--sources", "pypi"], raw=raw, today=TODAY, out=io.StringIO())
    assert tree_snapshot(raw) == before
    assert not list(raw.rglob(".*.tmp"))


def test_an_incomplete_engine_month_saves_nothing(env, raw):
    """The engine's newest day is mid-month: that month is not asked for; a month with days missing is refused."""
    rows = pd.DataFrame({"source": "pypi", "metric": "downloads", "framework": "torch", "month": ["2025-01", "2025-02"],
                         "value": [1.0, 2.0], "days": [31, 20]})
    with pytest.raises(http.RefreshError, match="not complete"):
        run._check_complete("pypi", rows, "2025-01", "2025-02")
    with pytest.raises(http.RefreshError, match="expected 2025-01..2025-03"):
        run._check_complete("pypi", rows, "2025-01", "2025-03")


# --- the splice ---------------------------------------------------------------------------------------------

def write_refresh(raw, source, months, value=100.0, today="2026-11-25", frameworks=("torch", "tensorflow")):
    rows = pd.DataFrame([{"source": source, "metric": "downloads", "framework": f, "month": m, "value": value,
                          "days": pd.Period(m, freq="M").days_in_month} for m in months for f in frameworks])
    return store.write(source, rows, "test engine", "", "SELECT 1", raw=raw, today=today)


def test_splice_keeps_acquired_months_adds_later_ones_and_labels_the_break(raw):
    months = [str(p) for p in pd.period_range("2025-04", "2026-06", freq="M")]
    write_refresh(raw, "pypi", months)
    df = pypi.monthly(raw)
    torch = df[df["framework"] == "torch"].set_index("month")
    assert (torch.loc["2026-03", "origin"], torch.loc["2026-04", "origin"]) == ("acquired", "refresh_pypi_2026-11-25.csv")
    assert torch.loc["2026-03", "value_refreshed"] == 100 and torch.loc["2026-04", "value"] == 100
    assert (torch.loc["2026-04", "break_id"], torch.loc["2026-04", "break_kind"]) == ("splice", "changes_mix")
    assert torch.loc["2026-05", "break_id"] == "" and torch.loc["2026-04", "window_days"] == 30
    assert torch.loc["2024-11", "break_id"] == "pypi_2024_11"  # the registry's breaks on the acquired months
    # tensorflow-gpu is absent from the refresh: its acquired months stay, nothing is invented after them
    assert df[df["framework"] == "tensorflow-gpu"]["month"].max() <= "2026-03"
    ov = refreshed.overlap(df.assign(source_id="pypi"))
    t = ov.set_index("framework").loc["torch"]
    assert t["n_months"] == 12 and t["first_month"] == "2025-04" and t["last_month"] == "2026-03"


def test_the_newest_refresh_wins_and_a_gap_is_an_error(raw):
    write_refresh(raw, "pypi", ["2025-04", "2025-05"], value=1.0, today="2026-01-01")
    write_refresh(raw, "pypi", [str(p) for p in pd.period_range("2025-04", "2026-05", freq="M")], value=2.0)
    got = refreshed.read("pypi", raw)
    assert set(got["value"]) == {2.0}
    (raw / "pypi_downloads").joinpath("refresh_pypi_2026-11-25.csv").unlink()
    (raw / "pypi_downloads").joinpath("refresh_pypi_2026-01-01.csv").unlink()
    write_refresh(raw, "pypi", ["2026-06", "2026-07"], today="2026-08-02")
    with pytest.raises(InputFileError, match="gap after the acquired data's last usable month 2026-03"):
        pypi.monthly(raw)


@pytest.mark.parametrize("edit, message", [
    (lambda t: t.replace("2025-04,", "2025-13,", 1), "YYYY-MM"),
    (lambda t: t.replace(",100.0,", ",-1.0,", 1), "count >= 0"),
    (lambda t: t.replace("source,metric", "origin,metric"), "source"),
])
def test_a_malformed_refresh_file_is_named(raw, edit, message):
    path = write_refresh(raw, "pypi", ["2025-04", "2025-05"])
    path.write_text(edit(path.read_text()))
    with pytest.raises(InputFileError, match=rf"refresh_pypi_2026-11-25\.csv.*{message}|{message}.*refresh_pypi"):
        refreshed.read("pypi", raw)


def test_a_splice_is_a_break_in_the_model():
    from helpers.registry.signals import SIGNAL_BY_ID
    months = [str(p) for p in pd.period_range("2023-01", "2024-12", freq="M")]
    share = pd.DataFrame({"month": months, "pt": 60.0, "tf": 40.0,
                          "break_id": ["splice" if m == "2024-01" else "" for m in months],
                          "break_kind": ["changes_mix" if m == "2024-01" else "" for m in months]})
    s = share_model.prepare(share, SIGNAL_BY_ID["github_stars"])  # no documented break inside 2023-2024
    assert [b.start for b in s.breaks] == ["2024-01"] and s.D[:, 0].sum() == 12


def test_valid_years_follow_the_newest_refresh(tmp_path):
    raw = tmp_path / "raw"
    (raw / "github").mkdir(parents=True)
    assert names.newest_month(raw) is None
    (raw / "github" / "refresh_github_2027-02-03.csv").write_text("x")
    assert names.newest_month(raw) == "2027-01"
    (raw / "github" / "refresh_github_2028-01-01.csv").write_text("x")
    assert names.newest_month(raw) == "2027-12"



def test_without_refresh_files_the_overlap_table_is_empty_and_valid(raw):
    """The acquired data alone (a fresh clone): no refreshed months, an empty overlap table that passes its schema."""
    from helpers.chain import schemas
    df = pypi.monthly(raw)
    assert set(df["origin"]) == {"acquired"} and df["value_refreshed"].isna().all()
    ov = refreshed.overlap(df)
    assert ov.empty
    schemas.validate("refresh_overlap", ov)


def test_the_dump_command_reads_a_stream(raw):
    """`7z e -so Posts.7z | python -m helpers.refresh.dump /dev/stdin`: a stream is read once; its last month may be
    cut short, so it is left out."""
    env = {**os.environ, "PTVTF_ROOT": str(raw.parents[1]), "PYTHONPATH": str(REPO / "src")}
    proc = subprocess.run([sys.executable, "-m", "helpers.refresh.dump", "/dev/stdin", "--site", "dsse",
                           "--since", "2023-05"], input=POSTS, text=True, capture_output=True, env=env, timeout=120)
    assert proc.returncode == 0, proc.stderr
    [path] = names.files("dsse", raw)
    df = pd.read_csv(path)
    assert sorted(df["month"].unique()) == ["2023-05", "2023-06"] and "saved" in proc.stdout


def test_the_overlap_months_reach_the_model_and_set_the_splice_shift():
    """monthly_signals rows that a refresh also counted (`value_refreshed`) become pt/tf_refreshed in the signal's
    share table, and the splice's shift is their mean logit difference: refreshed PyTorch counts 1.5 times the
    acquired ones, TensorFlow's equal -> a shift of log(1.5)."""
    from helpers.registry.signals import SIGNAL_BY_ID
    from helpers.stats import shares
    months = [str(p) for p in pd.period_range("2023-01", "2024-12", freq="M")]
    rows = []
    for m in months:
        for fw, v in (("pytorch", 600.0), ("tensorflow", 400.0)):
            rows.append({"source_id": "github", "metric": "new_stars", "framework": fw, "month": m, "value": v,
                         "break_id": "splice" if m == "2024-01" else "",
                         "break_kind": "changes_mix" if m == "2024-01" else "",
                         "value_refreshed": (v * (1.5 if fw == "pytorch" else 1.0)) if "2023-06" <= m <= "2023-12"
                         else np.nan})
    share = shares.share(pd.DataFrame(rows), SIGNAL_BY_ID["github_stars"])
    assert share["pt_refreshed"].notna().sum() == 7
    s = share_model.prepare(share, SIGNAL_BY_ID["github_stars"])
    assert [b.start for b in s.breaks] == ["2024-01"]
    assert s.prior_mean[0] == pytest.approx(np.log(1.5), abs=0.01) and s.prior_sd[0] < 0.1


# --- the services' real behaviour: authentication, settings, quota, endpoints ---------------------------------

def test_clickhouse_credentials_go_as_headers_and_no_setting_is_sent(env, monkeypatch):
    """(a) A password with the user in the URL is refused by ClickHouse (code 516): both go as headers. (d) No
    setting in the URL: a read-only profile refuses `readonly=1` (code 164)."""
    monkeypatch.setenv("CLICKHOUSE_USER", "reader")
    monkeypatch.setenv("CLICKHOUSE_PASSWORD", "s3cret")
    got = clickhouse.query("SELECT 1 AS a", ("a",), at(env))
    assert got["a"].tolist() == ["1"] and env.auth[-1] == {"header": True, "basic": False, "url": False}
    assert env.seen[-1] == "/"  # nothing in the query string: no user, no password, no setting
    monkeypatch.setenv("CLICKHOUSE_PASSWORD", "wrong")
    with pytest.raises(http.RefreshError, match="516.*Authentication failed") as e:
        clickhouse.query("SELECT 1 AS a", ("a",), at(env))
    assert "wrong" not in str(e.value)
    # what the fake refuses, as the server does: a URL user with header credentials, a key without a user, and a
    # readonly setting
    with pytest.raises(http.RefreshError, match="516.*simultaneously"):
        http.request(f"{env.url}/?user=reader", data=b"SELECT 1", headers={"X-ClickHouse-User": "reader",
                                                                             "X-ClickHouse-Key": "s3cret"})
    with pytest.raises(http.RefreshError, match="516.*empty user name"):
        http.request(f"{env.url}/", data=b"SELECT 1", headers={"X-ClickHouse-Key": "s3cret"})
    with pytest.raises(http.RefreshError, match="164.*readonly"):
        http.request(f"{env.url}/?readonly=1", data=b"SELECT 1", headers={"X-ClickHouse-User": "play"})


def test_refresh_with_a_password_runs_end_to_end(env, raw, monkeypatch):
    monkeypatch.setenv("CLICKHOUSE_USER", "reader")
    monkeypatch.setenv("CLICKHOUSE_PASSWORD", "s3cret")
    out = io.StringIO()
    assert run.main(["--sources", "pypi,github"], raw=raw, today=TODAY, out=out) == 0, out.getvalue()
    assert "s3cret" not in out.getvalue() and all(a["header"] and not a["url"] for a in env.auth[-4:])


def test_the_stack_exchange_refresh_stops_before_the_quota_is_spent_and_resumes(env, raw):
    """(b) The quota is read once (`/info` without a filter) and counted down; a run that would spend it stops,
    saves the complete months it has and says so; the next day's run continues after them."""
    env.quota = 41  # the first run: 1 for the probe, 1 for /info, then 13 months of 3 tags
    out = io.StringIO()
    assert run.main(["--sources", "stackoverflow"], raw=raw, today=TODAY, out=out) == 0
    text = out.getvalue()
    assert "39 requests left today" in text and "stopped before the daily quota was spent" in text
    assert "saved 13 of 53 months" in text and "continues from 2023-07" in text
    [first] = names.files("stackoverflow", raw)
    got = pd.read_csv(first)
    assert (got["month"].min(), got["month"].max(), got["month"].nunique()) == ("2022-06", "2023-06", 13)
    assert env.quota == 0 and not any("throttle" in line for line in text.splitlines())
    env.quota = QUOTA  # the next day
    out = io.StringIO()
    assert run.main(["--sources", "stackoverflow"], raw=raw, today=TODAY, out=out) == 0
    second = [p for p in names.files("stackoverflow", raw) if p != first]
    assert len(second) == 1 and pd.read_csv(second[0])["month"].min() == "2023-07"
    assert "asking Stack Exchange API from 2023-07" in out.getvalue()
    both = refreshed.read("stackoverflow", raw)
    assert both["month"].nunique() == 53 and both["month"].max() == "2026-10"


def test_refresh_check_names_each_endpoint_its_table_and_newest_day(env, monkeypatch):
    """(c) `make refresh-check`: the endpoint that answered, its table and each source's newest day; a wrong table is
    named."""
    out = io.StringIO()
    assert check.main([], today=LATEST + dt.timedelta(days=2), out=out) == 0, out.getvalue()
    text = out.getvalue()
    assert "pypi.pypi_downloads_per_day" in text and "github.github_events" in text and env.url in text
    assert LATEST.isoformat() in text and f"{QUOTA - 1} requests left today" in text
    assert "ok: make refresh would reach 2026-10" in text and "4 of 4 sources ready" in text
    monkeypatch.setenv("CLICKHOUSE_GITHUB_TABLE", "default.github_events")  # the playground's unqualified name
    out = io.StringIO()
    assert check.main([], today=LATEST + dt.timedelta(days=2), out=out) == 1
    assert "no table default.github_events" in out.getvalue() and "3 of 4 sources ready" in out.getvalue()


def dead_port() -> int:
    import socket
    with socket.socket() as s:  # a port nobody listens on
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def test_the_next_endpoint_is_tried_and_the_one_that_answered_is_named(env, raw, monkeypatch):
    """The first endpoint does not answer: the next one does, and both the check and the refresh say which."""
    dead = f"http://127.0.0.1:{dead_port()}"
    monkeypatch.setenv("CLICKHOUSE_PYPI_URL", f"{dead},{env.url}")
    out = io.StringIO()
    assert check.main([], today=TODAY, out=out) == 0, out.getvalue()
    block = out.getvalue().split("\npypi ")[1].split("\n\n")[0]
    assert env.url in block.splitlines()[0] and f"answered after: {dead}: unreachable" in block
    out = io.StringIO()
    assert run.main(["--sources", "pypi"], raw=raw, today=TODAY, out=out) == 0, out.getvalue()
    assert f"pypi: ClickHouse at {env.url} answered (tried first: {dead}: unreachable" in out.getvalue()


@pytest.mark.parametrize("value", ["http://127.0.0.1:9 http://127.0.0.1:8123", "127.0.0.1:8123", "ftp://host", "https://"])
def test_a_mistyped_endpoint_setting_is_named_not_a_traceback(env, raw, monkeypatch, value):
    """A URL setting that is not one http(s) URL (here: two separated by a space) is refused by name, before any
    request; the check reports it on that source and goes on with the others; the refresh changes nothing."""
    monkeypatch.setenv("CLICKHOUSE_PYPI_URL", value)
    with pytest.raises(http.RefreshError, match=r"CLICKHOUSE_PYPI_URL=.* is not an http\(s\) URL"):
        clickhouse.endpoints("pypi")
    out = io.StringIO()
    check.main([], today=TODAY, out=out)
    assert "failed: CLICKHOUSE_PYPI_URL=" in out.getvalue() and "\ngithub " in out.getvalue()
    before = tree_snapshot(raw)
    assert run.main(["--sources", "pypi"], raw=raw, today=TODAY, out=io.StringIO()) != 0
    assert tree_snapshot(raw) == before
    monkeypatch.setenv("STACKEXCHANGE_API_URL", "api.stackexchange.com/2.3")
    with pytest.raises(http.RefreshError, match="STACKEXCHANGE_API_URL"):
        Client()
    out = io.StringIO()
    assert run.main([], raw=raw, today=TODAY, out=out) == 2 and "error: STACKEXCHANGE_API_URL=" in out.getvalue()
    assert tree_snapshot(raw) == before


def test_the_documented_endpoints_and_users_are_clickpys_current_then_previous(monkeypatch):
    """ClickPy's README and .env.example name sql-clickhouse.clickhouse.com with user `demo` (since 2024-12-03);
    the previous instance, with user `play`, is the next one tried."""
    for k in ("CLICKHOUSE_PYPI_URL", "CLICKHOUSE_GITHUB_URL", "CLICKHOUSE_USER"):
        monkeypatch.delenv(k, raising=False)
    assert [(e.url, e.user) for e in clickhouse.endpoints("pypi")] == [
        ("https://sql-clickhouse.clickhouse.com", "demo"), ("https://clickpy-clickhouse.clickhouse.com", "play")]
    assert clickhouse.headers(clickhouse.endpoints("github")[0])["X-ClickHouse-User"] == "demo"
    assert {run.table_for(s, "clickhouse") for s in ("pypi", "github")} == {"pypi.pypi_downloads_per_day",
                                                                            "github.github_events"}


def test_a_renamed_repository_stays_one_series_selected_by_its_id(upstreams):
    """google/jax's events carry jax-ml/jax from 2024-09-01 (same id): asked by its old name, every month counts."""
    sql = queries.render(queries.GITHUB_MONTHLY, "clickhouse", "2024-08-01", "2024-11-01", ("google/jax",))
    got = pd.read_csv(io.BytesIO(upstreams.chdb.query(sql, "CSVWithNames").bytes()))
    stars = got[got["metric"] == "new_stars"].set_index("month")["events"]
    assert set(got["repo_name"]) == {"google/jax"} and stars.to_dict() == {"2024-08": 62, "2024-09": 60, "2024-10": 62}
    assert hand_github()[("2024-10", "google/jax", "new_stars")] == 62
    latest = queries.latest_day(queries.GITHUB_MONTHLY, "clickhouse", "2024-08-01", "2026-12-01", ("google/jax",))
    assert upstreams.chdb.query(latest, "CSV").bytes().decode().strip() == f'"google/jax","{LATEST.isoformat()}"'


def test_an_item_the_engine_stopped_holding_is_never_read_as_zeros(env, raw, monkeypatch):
    """keras (not read by the signals) has no events after 2025-12 in a mirror: its later months are left out, the
    other items go on; torch missing altogether stops the source with its name."""
    env.chdb.query("CREATE DATABASE IF NOT EXISTS mirror")
    env.chdb.query("DROP TABLE IF EXISTS mirror.pypi")
    env.chdb.query("CREATE TABLE mirror.pypi ENGINE = MergeTree ORDER BY tuple() AS SELECT * FROM "
                   "pypi.pypi_downloads_per_day WHERE NOT (project = 'keras' AND date >= '2026-01-01')")
    monkeypatch.setenv("CLICKHOUSE_PYPI_TABLE", "mirror.pypi")
    out = io.StringIO()
    assert run.main(["--sources", "pypi"], raw=raw, today=TODAY, out=out) == 0, out.getvalue()
    assert "keras's newest day is 2025-12-31: its months after 2025-11 are left out" in out.getvalue()
    both = refreshed.read("pypi", raw)
    keras, torch = (both[both["framework"] == f]["month"] for f in ("keras", "torch"))
    assert keras.max() == "2025-11" and torch.max() == "2026-10"  # no zero months for keras after its data end
    env.chdb.query("DROP TABLE mirror.pypi")
    env.chdb.query("CREATE TABLE mirror.pypi ENGINE = MergeTree ORDER BY tuple() AS SELECT * FROM "
                   "pypi.pypi_downloads_per_day WHERE project != 'torch'")
    out = io.StringIO()
    assert run.main(["--sources", "pypi"], raw=raw, today=TODAY, out=out) == 1
    assert "holds nothing for ['torch']" in out.getvalue()


def test_a_stalled_upstream_is_named_by_the_check(env, monkeypatch):
    """Checked 30 days after the engine's newest day: the source is named as stalled, with the month a refresh would
    reach (not a month of zeros)."""
    out = io.StringIO()
    assert check.main([], today=LATEST + dt.timedelta(days=30), out=out) == 0
    text = out.getvalue()
    assert "stalled: torch's newest day is 30 days old; make refresh would stop at 2026-10" in text
    assert "with a stalled upstream" in text


def test_after_the_quota_is_spent_no_site_is_asked_again_in_the_run(env, raw):
    """The first answer saying the quota is spent stops every Stack Exchange request of the run (both sites), and the
    run says when it can continue."""
    env.script.append("quota0")  # another client on this IP spends the quota: the next answer says it is spent
    before = len(env.seen)
    out = io.StringIO()
    run.main(["--sources", "stackoverflow,dsse"], raw=raw, today=TODAY, out=out)
    text = out.getvalue()
    asked = [p for p in env.seen[before:] if p.startswith("/2.3/")]
    assert len(asked) == 4  # probe, /info, 1 answered, 1 refused: nothing after it
    assert "requests are available again from" in text or "run `make refresh` again from" in text
    assert "dsse: not asked: the daily quota was spent earlier in this run" in text
    before = len(env.seen)
    out = io.StringIO()
    assert check.main([], today=TODAY, out=out) == 1
    refused = [p for p in env.seen[before:] if p.startswith("/2.3/")]
    assert len(refused) == 1 and "quota spent: requests available again from" in out.getvalue()
