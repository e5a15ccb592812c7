"""Small HTTP helpers shared by the refresh clients: one request with a short connect timeout, errors that name
the endpoint, and a clear "offline" error so that `make refresh` without network fails in seconds."""
from __future__ import annotations

import gzip
import http.client
import json
import urllib.error
import urllib.parse
import urllib.request
import zlib

PROBE_TIMEOUT = 10.0   # seconds: `probe` tells an unreachable endpoint within this
READ_TIMEOUT = 300.0   # an engine may take a while to aggregate


class RefreshError(RuntimeError):
    """A refresh request failed for good. The message names the endpoint and what went wrong."""


def url_setting(name: str, value: str) -> str:
    """An endpoint URL given in the environment variable `name`, checked: http(s), a host, no spaces (a mistyped
    setting is named here, not met as a traceback from deep inside a request); without a trailing slash."""
    parts = urllib.parse.urlsplit(value.strip())
    if parts.scheme not in ("http", "https") or not parts.netloc or any(c.isspace() for c in value.strip()):
        raise RefreshError(f"{name}={value!r} is not an http(s) URL (several: separated by commas)")
    return value.strip().rstrip("/")


class UnreachableError(RefreshError):
    """The endpoint could not be reached at all (no network, wrong host, refused); `reason` says how."""

    def __init__(self, message: str, reason: str = ""):
        super().__init__(message)
        self.reason = reason


class ThrottledError(RefreshError):
    """The endpoint asked us to slow down (HTTP 429 or an API throttle error); `wait` seconds, when it says."""

    def __init__(self, message: str, wait: float | None = None):
        super().__init__(message)
        self.wait = wait


def redact(url: str) -> str:
    """`url` without secrets in its query string (key, password, access_token)."""
    parts = urllib.parse.urlsplit(url)
    q = [(k, "***" if k.lower() in ("key", "password", "access_token") else v)
         for k, v in urllib.parse.parse_qsl(parts.query, keep_blank_values=True)]
    return urllib.parse.urlunsplit(parts._replace(query=urllib.parse.urlencode(q)))


def request(url: str, data: bytes | None = None, headers: dict | None = None,
            timeout: float = READ_TIMEOUT, json_errors: bool = False) -> bytes:
    """The response body of one request; raises Unreachable, Throttled or RefreshError naming the endpoint.
    With `json_errors`, an HTTP error whose body is JSON (an API's error wrapper) is returned for the caller to
    read; HTTP 429 is always a ThrottledError."""
    headers = {"Accept-Encoding": "gzip", "User-Agent": "pytorch-vs-tensorflow-refresh", **(headers or {})}
    req = urllib.request.Request(url, data=data, headers=headers, method="POST" if data is not None else "GET")
    shown = redact(url)
    try:
        with urllib.request.urlopen(req, timeout=timeout) as resp:
            expected = resp.headers.get("Content-Length")
            body = resp.read()
            if expected is not None and len(body) != int(expected):
                raise RefreshError(f"{shown}: truncated response ({len(body):,} of {int(expected):,} bytes)")
            return _decoded(body, resp.headers.get("Content-Encoding", ""), shown)
    except urllib.error.HTTPError as e:
        body = _decoded(e.read(), e.headers.get("Content-Encoding", ""), shown)
        detail = body[:500].decode("utf-8", "replace").strip()
        if json_errors and e.code != 429 and body.lstrip().startswith(b"{"):
            return body
        if e.code == 429:
            wait = e.headers.get("Retry-After")
            raise ThrottledError(f"{shown}: HTTP 429 too many requests ({detail})",
                            float(wait) if wait and wait.isdigit() else _backoff(detail)) from e
        raise RefreshError(f"{shown}: HTTP {e.code} {e.reason}: {detail}") from e
    except http.client.IncompleteRead as e:
        raise RefreshError(f"{shown}: truncated response ({len(e.partial):,} bytes, then the connection closed)") from e
    except (TimeoutError, urllib.error.URLError, ConnectionError) as e:
        reason = getattr(e, "reason", e)
        raise UnreachableError(f"{shown}: cannot reach the endpoint ({reason}); check the network or the URL "
                               "environment variable", str(reason)) from e


def _decoded(body: bytes, encoding: str, shown: str) -> bytes:
    """The body without its transfer compression (the Stack Exchange API always compresses)."""
    try:
        if encoding == "gzip":
            return gzip.decompress(body)
        if encoding == "deflate":
            return zlib.decompress(body)
    except (OSError, EOFError, zlib.error) as e:
        raise RefreshError(f"{shown}: truncated or corrupt {encoding} response ({e})") from e
    return body


def probe(url: str) -> None:
    """Fail within PROBE_TIMEOUT seconds when `url` cannot be reached (any HTTP answer counts as reachable)."""
    try:
        request(url, timeout=PROBE_TIMEOUT)
    except UnreachableError:
        raise
    except RefreshError:
        pass


def _backoff(text: str) -> float | None:
    try:
        value = json.loads(text).get("backoff")
        return float(value) if value is not None else None
    except (ValueError, AttributeError):
        return None
