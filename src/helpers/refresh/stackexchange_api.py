"""Monthly question counts per tag from the Stack Exchange API: `/questions?tagged=T&fromdate=..&todate=..` with
the built-in `total` filter, one request per site, tag and month (no paging: only the count comes back).

The API's rules are honoured: a `backoff` field means no request to the same method for that many seconds; an
HTTP 429 or a throttle error (error_id 502) waits (`backoff`, `Retry-After`, or doubling from 1 s) and retries up
to MAX_RETRIES times, unless the error says the wait is longer than MAX_WAIT ("more requests available in N
seconds": the daily quota is spent), which stops at once.

The quota (10,000 requests a day with a key, 300 without): the `total` filter returns nothing but the total, so
`read_quota` asks `/info` once without a filter for `quota_remaining`, and every request after it counts the quota
down (a wrapper that does carry `quota_remaining` resets the count). `make refresh` plans its requests against it
and stops before it is spent. Once an answer says the quota is spent, the client sends nothing more, to any site,
and every later call says when requests are available again (`QuotaSpentError.available_at`).

Environment: STACKEXCHANGE_API_URL (default https://api.stackexchange.com/2.3, the API's version 2.3 as its
documentation at https://api.stackexchange.com/docs names it), STACKEXCHANGE_KEY (optional app key: a larger quota;
the quotas and the `backoff` rule: https://api.stackexchange.com/docs/throttle).
"""
from __future__ import annotations

import datetime as dt
import json
import os
import re
import time
import urllib.parse
from dataclasses import dataclass, field

import pandas as pd

from . import http

DEFAULT_URL = "https://api.stackexchange.com/2.3"
MAX_RETRIES = 5
MAX_WAIT = 120.0  # seconds: a longer demanded wait stops the run instead
THROTTLE_ERRORS = {502}  # throttle_violation
QUOTA = {False: 300, True: 10_000}  # requests a day per IP, without / with an app key (the API's documentation)
_AVAILABLE_IN = re.compile(r"available in (\d+) seconds")


class QuotaSpentError(http.RefreshError):
    """The daily request quota is spent (or would be by the next request); `available_at`: when the API said more
    requests would be available (UTC), if it said."""

    def __init__(self, message: str, available_at: dt.datetime | None = None):
        super().__init__(message)
        self.available_at = available_at


def when(t: dt.datetime | None) -> str:
    """'from 2026-12-08 13:20 UTC' (or 'tomorrow' when the API did not say)."""
    return f"from {t:%Y-%m-%d %H:%M} UTC" if t else "tomorrow (the API did not say when)"


def endpoint() -> str:
    return http.url_setting("STACKEXCHANGE_API_URL", os.environ.get("STACKEXCHANGE_API_URL", DEFAULT_URL))


@dataclass
class Client:
    """One API session: remembers the backoff it was given and the quota left."""
    url: str = field(default_factory=endpoint)
    key: str = field(default_factory=lambda: os.environ.get("STACKEXCHANGE_KEY", ""))
    sleep: callable = time.sleep
    quota_remaining: int | None = None
    requests: int = 0
    spent: QuotaSpentError | None = None  # set by the first answer saying the quota is spent: nothing is sent after
    _not_before: float = 0.0

    def get(self, method: str, **params) -> dict:
        """One API call's JSON wrapper, after waiting out any backoff and retrying throttles; once the quota is
        spent, QuotaSpentError without a request."""
        if self.spent is not None:
            raise QuotaSpentError(f"{self.url}: no request sent: the daily quota was spent after {self.requests} "
                                  f"requests; requests are available again {when(self.spent.available_at)}",
                                  self.spent.available_at)
        query = {**params, **({"key": self.key} if self.key else {})}
        url = f"{self.url}/{method.strip('/')}?{urllib.parse.urlencode(query)}"
        delay = 1.0
        for attempt in range(MAX_RETRIES + 1):
            wait = self._not_before - time.monotonic()
            if wait > 0:
                self.sleep(wait)
            try:
                data = self._parse(http.request(url, json_errors=True), url)
            except http.ThrottledError as e:
                if attempt == MAX_RETRIES:
                    raise
                pause = e.wait if e.wait is not None else delay
                if pause > MAX_WAIT:
                    at = (dt.datetime.now(dt.UTC) + dt.timedelta(seconds=pause)).replace(second=0, microsecond=0)
                    self.spent = QuotaSpentError(f"{http.redact(url)}: asked to wait {pause:.0f} s: the daily quota is "
                                                 f"spent after {self.requests} requests; requests are available again "
                                                 f"{when(at)}", at)
                    raise self.spent from e
                self.sleep(pause)
                delay *= 2
                continue
            self.requests += 1
            if "backoff" in data:
                self._not_before = time.monotonic() + float(data["backoff"])
            if "quota_remaining" in data:
                self.quota_remaining = int(data["quota_remaining"])
            elif self.quota_remaining is not None:
                self.quota_remaining -= 1
            return data
        raise AssertionError("unreachable")

    @staticmethod
    def _parse(body: bytes, url: str) -> dict:
        shown = http.redact(url)
        try:
            data = json.loads(body)
        except (ValueError, UnicodeDecodeError) as e:
            raise http.RefreshError(f"{shown}: the answer is not JSON ({e}): {body[:120]!r}") from e
        if not isinstance(data, dict):
            raise http.RefreshError(f"{shown}: unexpected answer {str(data)[:120]}")
        if "error_id" in data:
            message = f"{shown}: API error {data['error_id']} {data.get('error_name', '')}: {data.get('error_message', '')}"
            if int(data["error_id"]) in THROTTLE_ERRORS:
                wait = _AVAILABLE_IN.search(str(data.get("error_message", "")))
                raise http.ThrottledError(message, float(data["backoff"]) if "backoff" in data else
                                          float(wait[1]) if wait else None)
            raise http.RefreshError(message)
        return data

    def read_quota(self, site: str = "stackoverflow") -> int:
        """Requests left today, from `/info` without a filter (one request; its wrapper carries the quota)."""
        data = self.get("info", site=site)
        if "quota_remaining" not in data:
            self.quota_remaining = QUOTA[bool(self.key)] - self.requests  # not said: assume a fresh day's quota
        return self.quota_remaining

    def question_total(self, site: str, tag: str, month: str) -> int:
        """Questions created in `month` (YYYY-MM, UTC) on `site` that carry `tag` now."""
        if self.quota_remaining is not None and self.quota_remaining <= 0:
            self.spent = self.spent or QuotaSpentError(
                f"{self.url}: the daily request quota is spent after {self.requests} requests; set STACKEXCHANGE_KEY "
                "for a larger quota or run again tomorrow")
            raise self.spent
        start = pd.Timestamp(f"{month}-01", tz="UTC")
        end = start + pd.offsets.MonthBegin(1)
        data = self.get("questions", site=site, tagged=tag, fromdate=int(start.timestamp()),
                        todate=int(end.timestamp()) - 1, filter="total")
        if "total" not in data:
            raise http.RefreshError(f"{self.url}/questions ({site}, {tag}, {month}): no `total` in the answer; "
                                    f"fields: {sorted(data)}")
        return int(data["total"])


def probe(url: str | None = None) -> None:
    http.probe(f"{url or endpoint()}/info?site=stackoverflow")
