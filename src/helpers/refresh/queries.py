"""Each monthly aggregation, written once, and the relation every engine feeds it from.

An aggregation is DuckDB SQL over a small logical relation (`pypi_days`, `gh_events`); each engine provides that
relation from its own tables as a CTE (`WITH pypi_days AS (...)`), and sqlglot transpiles the aggregation into
the engine's dialect (ClickHouse, BigQuery; DuckDB runs it as written). So the counting rule — which events,
which months, which packages — exists once, and the engine-specific part is only where the rows come from.

Relations (columns):
- `pypi_days`: day DATE, project, installer ('' where the engine has no breakdown), downloads (count).
- `gh_events`: day DATE, repo_id, repo_name, event_type ('WatchEvent', ...), action ('started', 'opened', ... or
  ''). Repositories are selected by id: the ids that carry one of the declared names in the months asked for, and
  then every event of those ids under any name (a repository renamed inside or after the window, as google/jax
  became jax-ml/jax in 2024-09, stays one series; its declared names map it back to its framework).
- `posts`: day DATE, tags (a question's tags as the dump writes them: `&lt;a&gt;&lt;b&gt;`, `<a><b>` or `|a|b|`) —
  questions only; from a Stack Exchange data dump (Posts.xml or a Parquet conversion), run by DuckDB.

Every aggregation also returns `days`, the number of distinct days with data in the month, so that a month the
engine does not (yet) hold completely is recognised and left out; `latest_day` gives the newest day the engine
holds for each item, so that an item that stalled (or was renamed out of the declared names) is named.
"""
from __future__ import annotations

import re
from dataclasses import dataclass

import sqlglot

from ..registry.sources import REFRESHABLE

ENGINES = ("clickhouse", "bigquery", "duckdb")


@dataclass(frozen=True)
class Aggregation:
    """One monthly count. Its result becomes refresh rows (`helpers.refresh.run.rows_from_engine`): `item_result`
    names the upstream item (mapped back to the signals' `framework` by the source's refresh spec), `value_column`
    the count, `metric` the metric (or '' when the result has a `metric` column); where `split_column` is filled
    (an engine that breaks installers down), each value in `split_metrics` is also counted as a metric of its own."""
    name: str
    relation: str                  # the logical relation it reads
    sql: str                       # DuckDB SQL; {start}, {end} (dates) and {items} (a quoted list) are filled in
    columns: tuple[str, ...]       # the result's columns, in order
    relations: dict[str, str]      # engine -> SQL giving the relation (`{table}`: the engine's table)
    item_column: str               # the relation's column that `items` select (packages, repositories), if any
    id_column: str = ""            # the relation's stable id of an item: items are selected by the ids of their names,
    ids: str = ""                  # ... which this subquery finds (`id_column`, and `declared`: the declared name)
    item_result: str = ""          # the result's column naming the item
    value_column: str = ""         # the result's count column
    metric: str = ""               # the metric of every row ('' : the result's `metric` column)
    split_column: str = ""
    split_metrics: dict[str, str] | None = None


PYPI_MONTHLY = Aggregation(
    "pypi_monthly", "pypi_days",
    """SELECT strftime(day, '%Y-%m') AS month, project, installer, SUM(downloads) AS downloads,
              COUNT(DISTINCT day) AS days
       FROM pypi_days
       WHERE project IN ({items}) AND day >= DATE '{start}' AND day < DATE '{end}'
       GROUP BY 1, 2, 3
       ORDER BY 1, 2, 3""",
    ("month", "project", "installer", "downloads", "days"),
    {"clickhouse": "SELECT date AS day, project, '' AS installer, count AS downloads FROM {table}",
     "bigquery": "SELECT DATE(timestamp) AS day, file.project AS project, "
                 "COALESCE(details.installer.name, '') AS installer, 1 AS downloads FROM `{table}` "
                 "WHERE DATE(timestamp) >= DATE '{start}' AND DATE(timestamp) < DATE '{end}'",
     "duckdb": "SELECT day, project, installer, downloads FROM pypi_days_local"},
    "project", item_result="project", value_column="downloads", metric="downloads", split_column="installer",
    split_metrics={"pip": "downloads_pip"},
)

# the ids of the repositories carrying a declared name in the window, each with its (first) declared name
GH_IDS = ("(SELECT repo_id, MIN(repo_name) AS declared FROM gh_events WHERE repo_name IN ({items}) "
          "AND day >= DATE '{start}' AND day < DATE '{end}' GROUP BY repo_id)")

GITHUB_MONTHLY = Aggregation(
    "github_monthly", "gh_events",
    """SELECT strftime(e.day, '%Y-%m') AS month, i.declared AS repo_name,
              CASE e.event_type WHEN 'WatchEvent' THEN 'new_stars' WHEN 'ForkEvent' THEN 'new_forks'
                              WHEN 'IssuesEvent' THEN 'new_issues' WHEN 'PullRequestEvent' THEN 'new_prs' END AS metric,
              COUNT(*) AS events, COUNT(DISTINCT e.day) AS days
       FROM gh_events AS e JOIN """ + GH_IDS + """ AS i ON e.repo_id = i.repo_id
       WHERE e.day >= DATE '{start}' AND e.day < DATE '{end}'
         AND (e.event_type IN ('WatchEvent', 'ForkEvent')
              OR (e.event_type IN ('IssuesEvent', 'PullRequestEvent') AND e.action = 'opened'))
       GROUP BY 1, 2, 3
       ORDER BY 1, 2, 3""",
    ("month", "repo_name", "metric", "events", "days"),
    {"clickhouse": "SELECT toDate(created_at) AS day, repo_id, repo_name, toString(event_type) AS event_type, "
                   "toString(action) AS action FROM {table}",
     "bigquery": "SELECT DATE(created_at) AS day, repo.id AS repo_id, repo.name AS repo_name, type AS event_type, "
                 "COALESCE(JSON_EXTRACT_SCALAR(payload, '$.action'), '') AS action "
                 "FROM `{table}` "
                 "WHERE _TABLE_SUFFIX BETWEEN FORMAT_DATE('%Y%m', DATE '{start}') "
                 "AND FORMAT_DATE('%Y%m', DATE_SUB(DATE '{end}', INTERVAL 1 DAY))",
     "duckdb": "SELECT day, repo_id, repo_name, event_type, action FROM gh_events_local"},
    "repo_name", id_column="repo_id", ids=GH_IDS, item_result="repo_name", value_column="events",
)

# A tag matches in any of the dumps' spellings; `all` counts every question. {items} are the tags.
SE_MONTHLY = Aggregation(
    "se_monthly", "posts",
    """SELECT strftime(day, '%Y-%m') AS month, t.tag AS tag, COUNT(*) AS questions, COUNT(DISTINCT day) AS days
       FROM posts, (SELECT UNNEST([{items}]) AS tag) AS t
       WHERE day >= DATE '{start}' AND day < DATE '{end}'
         AND (t.tag = 'all' OR contains(tags, '&lt;' || t.tag || '&gt;') OR contains(tags, '<' || t.tag || '>')
              OR contains(tags, '|' || t.tag || '|'))
       GROUP BY 1, 2
       ORDER BY 1, 2""",
    ("month", "tag", "questions", "days"),
    # Posts.xml read as lines (one <row .../> per line), attributes picked out; PostTypeId 1 is a question
    {"duckdb": "SELECT CAST(regexp_extract(line, ' CreationDate=\"([0-9]{{4}}-[0-9]{{2}}-[0-9]{{2}})', 1) AS DATE) "
               "AS day, regexp_extract(line, ' Tags=\"([^\"]*)\"', 1) AS tags "
               "FROM read_csv('{path}', columns = {{'line': 'VARCHAR'}}, header = false, delim = '\x1f', "
               "quote = '', escape = '', max_line_size = 67108864, auto_detect = false) "
               "WHERE contains(line, ' PostTypeId=\"1\"')",
     "duckdb_parquet": "SELECT CAST(CreationDate AS DATE) AS day, Tags AS tags FROM read_parquet('{path}') "
                       "WHERE CAST(PostTypeId AS VARCHAR) = '1'"},
    "",  # every question is read; the tags select inside the aggregation
    item_result="tag", value_column="questions", metric="questions",
)

AGGREGATIONS = {a.name: a for a in (PYPI_MONTHLY, GITHUB_MONTHLY, SE_MONTHLY)}
_DATE = re.compile(r"^\d{4}-\d{2}-\d{2}$")
_ITEM = re.compile(r"^[A-Za-z0-9._/-]+$")


def _checked(start: str, end: str, items: tuple[str, ...]) -> str:
    """`items` as a list of SQL literals, after checking the dates and names (they are pasted into SQL)."""
    if not (_DATE.match(start) and _DATE.match(end)) or start >= end:
        raise ValueError(f"need start < end as YYYY-MM-DD dates, got {start!r}, {end!r}")
    bad = [i for i in items if not _ITEM.match(i)]
    if bad or not items:
        raise ValueError(f"names must match {_ITEM.pattern}: {bad or 'none given'}")
    return ", ".join(f"'{i}'" for i in items)


_TABLE = re.compile(r"^[A-Za-z0-9_-]+(\.[A-Za-z0-9_*-]+){0,2}$")


def _relation(agg: Aggregation, engine: str, variant: str | None, table: str | None = None, **fill) -> str:
    key = variant or engine
    if engine not in ENGINES or key not in agg.relations:
        raise ValueError(f"{agg.name} runs on {sorted(agg.relations)}, not {key!r}")
    table = table or next((s.refresh.tables.get(engine, "") for s in REFRESHABLE
                           if s.refresh.aggregation == agg.name), "")
    if "{table}" in agg.relations[key] and not _TABLE.match(table):
        raise ValueError(f"table must look like db.table or project.dataset.table, not {table!r}")
    return agg.relations[key].format(table=table, **fill)


def _in_dialect(sql: str, engine: str) -> str:
    return sql if engine == "duckdb" else sqlglot.transpile(sql, read="duckdb", write=engine, pretty=False)[0]


def render(agg: Aggregation, engine: str, start: str, end: str, items: tuple[str, ...], variant: str | None = None,
           path: str = "", table: str | None = None) -> str:
    """The complete query for `engine`: the relation as a CTE and the aggregation in the engine's dialect.
    `start` (inclusive) and `end` (exclusive) are dates; `items` are package, repository or tag names (checked
    against a strict pattern: they become SQL literals). `variant` picks another relation of the same engine
    (`duckdb_parquet`); `path` is the local file a DuckDB relation reads; `table` replaces the engine's public
    table (a mirror's name for it)."""
    body = agg.sql.format(start=start, end=end, items=_checked(start, end, items))
    relation = _relation(agg, engine, variant, table, start=start, end=end, path=path.replace("'", "''"))
    return f"WITH {agg.relation} AS ({relation})\n{_in_dialect(body, engine)}"


LATEST_COLUMNS = ("item", "latest")


def latest_day(agg: Aggregation, engine: str, start: str, end: str, items: tuple[str, ...],
               variant: str | None = None, path: str = "", table: str | None = None) -> str:
    """The query for the newest day the engine holds for each of `items` from `start` on (columns `item`,
    `latest`; one row per item it holds; an aggregation without items: one row, item ''): the months before the
    oldest of those days are complete there for every item. Items selected by id (`id_column`) are named by their
    declared name, whatever name their newest events carry."""
    names = _checked(start, end, items)
    if agg.id_column:
        ids = agg.ids.format(items=names, start=start, end=end)
        body = (f"SELECT i.declared AS item, CAST(MAX(e.day) AS VARCHAR) AS latest FROM {agg.relation} AS e "
                f"JOIN {ids} AS i ON e.{agg.id_column} = i.{agg.id_column} WHERE e.day >= DATE '{start}' GROUP BY 1")
    elif agg.item_column:
        body = (f"SELECT {agg.item_column} AS item, CAST(MAX(day) AS VARCHAR) AS latest FROM {agg.relation} "
                f"WHERE day >= DATE '{start}' AND {agg.item_column} IN ({names}) GROUP BY 1")
    else:
        body = f"SELECT '' AS item, CAST(MAX(day) AS VARCHAR) AS latest FROM {agg.relation} WHERE day >= DATE '{start}'"
    relation = _relation(agg, engine, variant, table, start=start, end=end, path=path.replace("'", "''"))
    return f"WITH {agg.relation} AS ({relation})\n{_in_dialect(body, engine)}"
