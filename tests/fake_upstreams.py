"""Stand-ins for the refresh upstreams on 127.0.0.1, for the tests and for trying `make refresh` offline.

- ClickHouse's HTTP interface (`GET /ping`, `POST /` with the SQL as body): the SQL really runs, in chDB (embedded
  ClickHouse), on small tables with the public schemas — `pypi.pypi_downloads_per_day` (ClickPy) and
  `github.github_events` (GH Archive as ClickPy's loader writes it, `repo_id` after `repo_name`; the columns the
  query reads). Authentication as the server does it: by `X-ClickHouse-User`/`X-ClickHouse-Key` headers, HTTP basic
  auth, or `user`/`password` URL parameters — one of them (a mix fails with code 516, as does a key without a user, a
  wrong password or no user at all); accounts `demo` and `play` (no password) and `reader`/`s3cret`. The profile is
  read-only (`readonly=2`): a `readonly` setting in the URL fails with code 164.
- The Stack Exchange API (`/2.3/info`, `/2.3/questions?...&filter=total`): gzip-compressed JSON. The `total`
  filter returns `{"total": N}` and nothing else (no `quota_remaining`), as the real API's built-in filter does;
  without a filter the wrapper carries `quota_remaining` and `quota_max`. A daily quota (`quota`, 300) is counted
  per request; once spent, every request gets error 502 `throttle_violation` "too many requests from this IP, more
  requests available in 80000 seconds". On demand: `backoff`, `error_id` and HTTP 429.

The fixture events follow simple rules (`FIXTURE`), so every monthly count is known by hand. `Upstreams.script`
queues misbehaviour for the next Stack Exchange or ClickHouse answers: "429", "throttle", "backoff", "truncated",
"schema", "quota0", "ch_truncated". Run this file to serve it and print the environment for `make refresh`.
"""
from __future__ import annotations

import base64
import datetime as dt
import gzip
import http.server
import json
import re
import threading
import urllib.parse

# Every day from START to LATEST, per rule: (what, per-day count). Months before LATEST's month are complete.
START, LATEST = dt.date(2024, 6, 1), dt.date(2026, 11, 3)
PYPI_DAILY = {"torch": 1000, "tensorflow": 700, "tensorflow-gpu": 10, "keras": 300, "jax": 50, "numpy": 9999}
# repository: (id, stars a day); ids made up for the fake. pytorch/vision is not asked for: it must not be counted.
REPOS = {"pytorch/pytorch": (1, 5), "tensorflow/tensorflow": (2, 3), "keras-team/keras": (3, 1),
         "huggingface/transformers": (4, 4), "google/jax": (5, 2), "pytorch/vision": (6, 7)}
RENAMED = {"google/jax": ("jax-ml/jax", dt.date(2024, 9, 1))}  # the name its events carry from that day (same id)
# per repository and day: `stars` WatchEvent started, 1 ForkEvent, issues opened on days divisible by 3, one
# issue closed, 2 PRs opened and 1 closed, 3 PushEvents (not counted)
ACCOUNTS = {"demo": "", "play": "", "reader": "s3cret"}  # ClickHouse users and their passwords
QUOTA = 300  # Stack Exchange API requests a day without a key
SE_DAILY = {("stackoverflow", "pytorch"): 10, ("stackoverflow", "tensorflow"): 12, ("datascience", "pytorch"): 2,
            ("datascience", "tensorflow"): 1}


def days(start: dt.date = START, end: dt.date = LATEST):
    d = start
    while d <= end:
        yield d
        d += dt.timedelta(days=1)


def pypi_rows() -> list[tuple[str, str, int]]:
    """(date, project, count): the count grows by one per day so that months differ."""
    return [(d.isoformat(), p, base + i) for i, d in enumerate(days()) for p, base in PYPI_DAILY.items()]


def name_on(repo: str, day: dt.date) -> str:
    """The name a repository's events carry on `day` (a renamed one: its new name from the rename on)."""
    new, since = RENAMED.get(repo, (repo, dt.date.max))
    return new if day >= since else repo


def github_rows() -> list[tuple[str, int, str, str, str]]:
    """(created_at, repo_id, repo_name as the event carries it, event_type, action) for every fixture event."""
    out = []
    for d in days():
        t = f"{d.isoformat()} 12:00:00"
        for repo, (rid, stars) in REPOS.items():
            r = (t, rid, name_on(repo, d))
            out += [(*r, "WatchEvent", "started")] * stars + [(*r, "ForkEvent", "none")]
            if d.toordinal() % 3 == 0:
                out.append((*r, "IssuesEvent", "opened"))
            out += [(*r, "IssuesEvent", "closed"), (*r, "PullRequestEvent", "opened"),
                    (*r, "PullRequestEvent", "opened"), (*r, "PullRequestEvent", "closed")]
            out += [(*r, "PushEvent", "none")] * 3
    return out


def se_total(site: str, tag: str, fromdate: int, todate: int) -> int:
    """Questions with `tag` created in [fromdate, todate] (seconds, UTC): SE_DAILY per day up to LATEST."""
    first = dt.datetime.fromtimestamp(fromdate, dt.UTC).date()
    last = min(dt.datetime.fromtimestamp(todate, dt.UTC).date(), LATEST)
    return sum(SE_DAILY.get((site, tag), 0) for _ in days(first, last)) if first <= last else 0


EVENT_ENUM = ("'CommitCommentEvent' = 1, 'CreateEvent' = 2, 'DeleteEvent' = 3, 'ForkEvent' = 4, 'GollumEvent' = 5, "
              "'IssueCommentEvent' = 6, 'IssuesEvent' = 7, 'MemberEvent' = 8, 'PublicEvent' = 9, "
              "'PullRequestEvent' = 10, 'PullRequestReviewCommentEvent' = 11, 'PushEvent' = 12, 'ReleaseEvent' = 13, "
              "'SponsorshipEvent' = 14, 'WatchEvent' = 15, 'GistEvent' = 16, 'FollowEvent' = 17, "
              "'DownloadEvent' = 18, 'PullRequestReviewEvent' = 19, 'ForkApplyEvent' = 20, 'Event' = 21, "
              "'TeamAddEvent' = 22")
ACTION_ENUM = ("'none' = 0, 'created' = 1, 'added' = 2, 'edited' = 3, 'deleted' = 4, 'opened' = 5, 'closed' = 6, "
               "'reopened' = 7, 'assigned' = 8, 'unassigned' = 9, 'labeled' = 10, 'unlabeled' = 11, "
               "'review_requested' = 12, 'review_request_removed' = 13, 'synchronize' = 14, 'started' = 15, "
               "'published' = 16, 'update' = 17, 'create' = 18, 'fork' = 19, 'merged' = 20")


def chdb_session():
    """A chDB session holding the fixture tables, in the public schemas' names and types."""
    from chdb import session
    s = session.Session()
    s.query("CREATE DATABASE IF NOT EXISTS pypi")
    s.query("CREATE DATABASE IF NOT EXISTS github")
    s.query("DROP TABLE IF EXISTS pypi.pypi_downloads_per_day")
    s.query("DROP TABLE IF EXISTS github.github_events")
    s.query("CREATE TABLE pypi.pypi_downloads_per_day (date Date, project String, count Int64) "
            "ENGINE = MergeTree ORDER BY (project, date)")
    s.query(f"CREATE TABLE github.github_events (file_time DateTime, event_type Enum8({EVENT_ENUM}), "
            "actor_login LowCardinality(String), repo_name LowCardinality(String), repo_id UInt64, created_at DateTime, "
            f"updated_at DateTime, action Enum8({ACTION_ENUM}), number UInt32) "
            "ENGINE = MergeTree ORDER BY (event_type, repo_name, created_at)")
    s.query("INSERT INTO pypi.pypi_downloads_per_day VALUES "
            + ",".join(f"('{d}', '{p}', {c})" for d, p, c in pypi_rows()))
    rows = github_rows()
    for i in range(0, len(rows), 20000):
        s.query("INSERT INTO github.github_events VALUES " + ",".join(
            f"('{t}', '{e}', 'someone', '{r}', {rid}, '{t}', '{t}', '{a}', 1)" for t, rid, r, e, a in rows[i:i + 20000]))
    return s


class Upstreams:
    """The server, its chDB session, the requests it saw and the misbehaviour queued for the next answers."""

    def __init__(self):
        self.chdb = chdb_session()
        self.script: list[str] = []
        self.seen: list[str] = []
        self.auth: list[dict] = []  # the credentials each ClickHouse request carried
        self.quota = QUOTA
        self.lock = threading.Lock()
        self.httpd = http.server.ThreadingHTTPServer(("127.0.0.1", 0), self._handler())
        self.url = f"http://127.0.0.1:{self.httpd.server_address[1]}"
        threading.Thread(target=self.httpd.serve_forever, daemon=True).start()

    def env(self) -> dict[str, str]:
        return {"CLICKHOUSE_PYPI_URL": self.url, "CLICKHOUSE_GITHUB_URL": self.url,
                "STACKEXCHANGE_API_URL": f"{self.url}/2.3"}

    def close(self):
        self.httpd.shutdown()
        self.httpd.server_close()
        self.chdb.close()

    def next_trick(self, kinds: tuple[str, ...]) -> str | None:
        with self.lock:
            if self.script and self.script[0] in kinds:
                return self.script.pop(0)
        return None

    def _handler(self):
        up = self

        class Handler(http.server.BaseHTTPRequestHandler):
            def log_message(self, *args):
                pass

            def send(self, code: int, body: bytes, ctype: str, gz: bool = False, length: int | None = None,
                     headers: dict | None = None):
                if gz:
                    body = gzip.compress(body)
                self.send_response(code)
                self.send_header("Content-Type", ctype)
                if gz:
                    self.send_header("Content-Encoding", "gzip")
                for k, v in (headers or {}).items():
                    self.send_header(k, v)
                self.send_header("Content-Length", str(length if length is not None else len(body)))
                self.end_headers()
                self.wfile.write(body)

            def do_GET(self):
                url = urllib.parse.urlsplit(self.path)
                q = dict(urllib.parse.parse_qsl(url.query))
                up.seen.append(self.path)
                if url.path == "/ping":
                    return self.send(200, b"Ok.\n", "text/plain")
                if url.path.startswith("/2.3/"):
                    with up.lock:
                        if up.quota <= 0:
                            return self.api({"error_id": 502, "error_name": "throttle_violation",
                                             "error_message": "too many requests from this IP, more requests "
                                                              "available in 80000 seconds"}, code=400)
                        up.quota -= 1
                if url.path == "/2.3/info":
                    wrapper = {"items": [{"total_questions": 1}], "quota_remaining": up.quota,
                               "quota_max": QUOTA, "has_more": False}
                    return self.api({"total": 1} if q.get("filter") == "total" else wrapper)
                if url.path == "/2.3/questions":
                    trick = up.next_trick(("429", "throttle", "backoff", "truncated", "schema", "quota0"))
                    total = se_total(q["site"], q.get("tagged", ""), int(q["fromdate"]), int(q["todate"]))
                    wrapper = ({"total": total} if q.get("filter") == "total" else
                               {"items": [], "quota_remaining": up.quota, "quota_max": QUOTA, "has_more": False})
                    if trick == "429":
                        return self.send(429, b'{"backoff": 1}', "application/json", headers={"Retry-After": "2"})
                    if trick == "throttle":
                        return self.api({"error_id": 502, "error_name": "throttle_violation",
                                         "error_message": "too many requests from this IP", "backoff": 3}, code=400)
                    if trick == "backoff":
                        wrapper["backoff"] = 5
                    if trick == "schema":
                        wrapper = {"items": [{"question_id": 1}], "has_more": True}
                    if trick == "quota0":
                        up.quota = 0
                    if trick == "truncated":
                        body = json.dumps(wrapper).encode()
                        return self.send(200, body[: len(body) // 2], "application/json", length=len(body))
                    return self.api(wrapper)
                self.send(404, b'{"error_id": 404, "error_name": "no_method"}', "application/json")

            def refused(self, q: dict) -> tuple[int, bytes] | None:
                """ClickHouse's answer to the request's credentials and settings, when it refuses them."""
                h = {k.lower(): v for k, v in self.headers.items()}
                by_header = "x-clickhouse-user" in h or "x-clickhouse-key" in h
                basic = h.get("authorization", "").startswith("Basic ")
                by_url = "user" in q or "password" in q
                up.auth.append({"header": by_header, "basic": basic, "url": by_url})
                if sum((by_header, basic, by_url)) > 1:
                    return 403, (b"Code: 516. DB::Exception: Invalid authentication: it is not allowed to use "
                                 b"X-ClickHouse HTTP headers and other authentication methods simultaneously. "
                                 b"(AUTHENTICATION_FAILED)")
                if by_header:
                    user, key = h.get("x-clickhouse-user", ""), h.get("x-clickhouse-key", "")
                    if not user:
                        return 403, (b"Code: 516. DB::Exception: Got an empty user name from X-ClickHouse HTTP "
                                     b"headers. (AUTHENTICATION_FAILED)")
                elif basic:
                    user, _, key = base64.b64decode(h["authorization"][6:]).decode().partition(":")
                else:
                    user, key = q.get("user", "default"), q.get("password", "")
                if ACCOUNTS.get(user) != key:
                    return 403, (f"Code: 516. DB::Exception: {user}: Authentication failed: password is incorrect, "
                                 "or there is no user with such name. (AUTHENTICATION_FAILED)").encode()
                if "readonly" in q:
                    return 500, (b"Code: 164. DB::Exception: Cannot modify 'readonly' setting in readonly mode. "
                                 b"(READONLY)")
                return None

            def api(self, data: dict, code: int = 200):
                self.send(code, json.dumps(data).encode(), "application/json; charset=utf-8", gz=True)

            def do_POST(self):
                up.seen.append(self.path)
                sql = self.rfile.read(int(self.headers.get("Content-Length", 0))).decode()
                q = dict(urllib.parse.parse_qsl(urllib.parse.urlsplit(self.path).query))
                refused = self.refused(q)
                if refused:
                    return self.send(*refused, "text/plain")
                trick = up.next_trick(("ch_truncated",))
                fmt = re.search(r"\s+FORMAT\s+(\w+)\s*;?\s*$", sql)
                if fmt:
                    sql = sql[:fmt.start()]
                try:
                    with up.lock:
                        body = up.chdb.query(sql, fmt[1] if fmt else q.get("default_format", "TabSeparated")).bytes()
                except Exception as e:  # ClickHouse answers an error as HTTP 500 with its message
                    return self.send(500, str(e).encode(), "text/plain")
                if trick == "ch_truncated":
                    return self.send(200, body[: len(body) // 2], "text/csv", length=len(body))
                self.send(200, body, "text/csv; charset=UTF-8")

        return Handler


if __name__ == "__main__":
    up = Upstreams()
    print("Serving fake upstreams; in another shell:")
    print("  " + " ".join(f"{k}={v}" for k, v in up.env().items()) + " make refresh")
    try:
        threading.Event().wait()
    except KeyboardInterrupt:
        up.close()
