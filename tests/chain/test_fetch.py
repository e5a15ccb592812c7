"""Downloads against a local HTTP server on 127.0.0.1: good, truncated, wrong, slow and failing files."""
from __future__ import annotations

import hashlib
import http.server
import threading
import time

import pytest

from helpers.chain import fetch
from helpers.chain.manifest import Entry

GOOD = bytes(range(256)) * 8192  # 2 MiB: large enough for the progress bar path


class Handler(http.server.BaseHTTPRequestHandler):
    hits: dict[str, int] = {}

    def log_message(self, *args):
        pass

    def do_GET(self):
        Handler.hits[self.path] = Handler.hits.get(self.path, 0) + 1
        if self.path == "/good":
            self._send(GOOD)
        elif self.path == "/wrong":
            self._send(bytes(reversed(GOOD)))
        elif self.path == "/truncated":  # announces the full size, sends half, closes
            self.send_response(200)
            self.send_header("Content-Length", str(len(GOOD)))
            self.end_headers()
            self.wfile.write(GOOD[: len(GOOD) // 2])
        elif self.path == "/flaky":  # 503 twice, then the file
            if Handler.hits[self.path] <= 2:
                self.send_error(503)
            else:
                self._send(GOOD)
        elif self.path == "/slow":
            time.sleep(2)
            self._send(GOOD)
        else:
            self.send_error(404)

    def _send(self, data):
        try:
            self.send_response(200)
            self.send_header("Content-Length", str(len(data)))
            self.end_headers()
            self.wfile.write(data)
        except (BrokenPipeError, ConnectionResetError):
            pass  # the client gave up (the timeout test): expected


@pytest.fixture(scope="module")
def server():
    httpd = http.server.ThreadingHTTPServer(("127.0.0.1", 0), Handler)
    t = threading.Thread(target=httpd.serve_forever, daemon=True)
    t.start()
    yield f"http://127.0.0.1:{httpd.server_address[1]}"
    httpd.shutdown()


def entry(url, path="src/file.bin"):
    return Entry(path=path, bytes=len(GOOD), sha256=hashlib.sha256(GOOD).hexdigest(), source="src", upstream="test",
                 url=url, retrieved="2026-11-25", licence="test")


def test_good_download_is_verified_and_placed(server, tmp_path):
    target = tmp_path / "src" / "file.bin"
    fetch.download(entry(f"{server}/good"), target, backoff=0.01)
    assert target.read_bytes() == GOOD
    assert not list(target.parent.glob(".*download"))


@pytest.mark.parametrize("path, message", [("/wrong", "discarded"), ("/truncated", "could not download|cut short|discarded"),
                                           ("/missing", "could not download")])
def test_bad_downloads_leave_nothing(server, tmp_path, path, message):
    target = tmp_path / "src" / "file.bin"
    with pytest.raises(fetch.FetchError, match=message) as e:
        fetch.download(entry(f"{server}{path}"), target, retries=1, backoff=0.01)
    assert "data/raw/src/file.bin" in str(e.value)
    assert not target.exists() and not list(target.parent.glob(".*"))


def test_wrong_hash_names_both_hashes(server, tmp_path):
    with pytest.raises(fetch.FetchError) as e:
        fetch.download(entry(f"{server}/wrong"), tmp_path / "f.bin", retries=0)
    assert hashlib.sha256(GOOD).hexdigest() in str(e.value)
    assert hashlib.sha256(bytes(reversed(GOOD))).hexdigest() in str(e.value)


def test_transient_errors_are_retried(server, tmp_path):
    Handler.hits.pop("/flaky", None)
    target = tmp_path / "f.bin"
    fetch.download(entry(f"{server}/flaky"), target, retries=3, backoff=0.01)
    assert target.read_bytes() == GOOD and Handler.hits["/flaky"] == 3


def test_slow_server_times_out_then_gives_up(server, tmp_path):
    with pytest.raises(fetch.FetchError, match="could not download .* after 2 attempt"):
        fetch.download(entry(f"{server}/slow"), tmp_path / "f.bin", retries=1, backoff=0.01, timeout=0.5)
    assert not (tmp_path / "f.bin").exists()


def test_never_overwrites_a_present_file(server, tmp_path):
    target = tmp_path / "f.bin"
    target.write_bytes(b"mine")
    with pytest.raises(fetch.FetchError, match="refusing to overwrite"):
        fetch.download(entry(f"{server}/good"), target)
    assert target.read_bytes() == b"mine"


def test_fetch_missing_downloads_only_missing_entries_with_urls(server, tmp_path):
    raw = tmp_path / "raw"
    (raw / "src").mkdir(parents=True)
    (raw / "src" / "present.bin").write_bytes(GOOD)
    import csv
    with open(raw / "MANIFEST.csv", "w", newline="") as f:
        w = csv.writer(f, lineterminator="\n")
        w.writerow(["path", "bytes", "sha256", "source", "upstream", "url", "retrieved", "licence"])
        for name, url in (("present.bin", f"{server}/good"), ("missing.bin", f"{server}/good"), ("nourl.bin", "")):
            e = entry(url, f"src/{name}")
            w.writerow([e.path, e.bytes, e.sha256, e.source, e.upstream, e.url, e.retrieved, e.licence])
    assert fetch.fetch_missing(raw, progress=False, backoff=0.01) == ["src/missing.bin"]
    assert (raw / "src" / "missing.bin").read_bytes() == GOOD and not (raw / "src" / "nourl.bin").exists()
