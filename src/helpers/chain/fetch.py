"""Download raw files that are missing, from the manifest's direct upstream URLs.

Each download is streamed to a temporary file next to its target, checked against the manifest's
size and sha256, then renamed into place (atomic). Transient failures (connection errors, timeouts,
HTTP 5xx/429) are retried with exponential back-off; a hash or size mismatch is an error and the
download is discarded. A file already present is never overwritten.

`python -m helpers.fetch` (or `make fetch`).
"""
from __future__ import annotations

import hashlib
import http.client
import os
import sys
import time
import urllib.error
import urllib.request
from pathlib import Path

from tqdm import tqdm

from ..registry.tables import RAW_FOLDERS, raw_stamp
from . import paths
from .manifest import Entry, RawDataError, drop_ins, read_manifest, verify

CHUNK = 1 << 16
PROGRESS_FROM = 1 << 20  # show a progress bar for files of 1 MiB and more


class FetchError(RawDataError):
    """A download failed for good (after retries) or gave the wrong bytes."""


def _transient(exc: Exception) -> bool:
    if isinstance(exc, urllib.error.HTTPError):
        return exc.code >= 500 or exc.code == 429
    return isinstance(exc, (urllib.error.URLError, TimeoutError, ConnectionError, OSError, http.client.HTTPException))


def download(entry: Entry, target: Path, retries: int = 4, backoff: float = 1.0, timeout: float = 30.0,
             progress: bool = True) -> Path:
    """Fetch one manifest entry into `target`; verify size and sha256 before it appears there."""
    if target.exists():
        raise FetchError(f"data/raw/{entry.path}: already present; refusing to overwrite it "
                         "(delete it first if you mean to download it again)")
    target.parent.mkdir(parents=True, exist_ok=True)
    tmp = target.with_name(f".{target.name}.download")
    last: Exception | None = None
    for attempt in range(retries + 1):
        if attempt:
            time.sleep(backoff * 2 ** (attempt - 1))
        try:
            h, size = hashlib.sha256(), 0
            with urllib.request.urlopen(entry.url, timeout=timeout) as resp, open(tmp, "wb") as out:
                total = int(resp.headers.get("Content-Length") or entry.bytes)
                bar = tqdm(total=total, unit="B", unit_scale=True, desc=entry.path, leave=False,
                           disable=not progress or total < PROGRESS_FROM)
                while block := resp.read(CHUNK):
                    out.write(block)
                    h.update(block)
                    size += len(block)
                    bar.update(len(block))
                bar.close()
            if size != entry.bytes or h.hexdigest() != entry.sha256:
                raise FetchError(f"data/raw/{entry.path}: downloaded {size:,} bytes with sha256 {h.hexdigest()} from "
                                 f"{entry.url}; the manifest expects {entry.bytes:,} bytes, sha256 {entry.sha256}. "
                                 "The download was discarded; the upstream file has changed or the transfer was cut.")
            os.replace(tmp, target)
            return target
        except FetchError:
            tmp.unlink(missing_ok=True)
            if size < entry.bytes and attempt < retries:  # a short read is worth another try
                last = FetchError(f"data/raw/{entry.path}: transfer cut short ({size:,} of {entry.bytes:,} bytes)")
                continue
            raise
        except Exception as e:
            tmp.unlink(missing_ok=True)
            last = e
            if not _transient(e):
                break
    raise FetchError(f"data/raw/{entry.path}: could not download {entry.url} after {attempt + 1} attempt(s): {last}")


def fetch_missing(raw: Path | None = None, progress: bool = True, **kw) -> list[str]:
    """Download every manifest entry that is absent and has a URL; return the paths fetched.

    Entries without a direct URL (files the project repackaged) are left for `git checkout`.
    """
    raw = raw or paths.RAW
    fetched = []
    for e in read_manifest(raw / "MANIFEST.csv"):
        if e.url and not (raw / e.path).exists():
            download(e, raw / e.path, progress=progress, **kw)
            fetched.append(e.path)
    return fetched


def stamps(verified, added) -> dict[str, str]:
    """{stamp table id: text} for every raw folder a source reads: one line per verified manifest file and per
    drop-in file in it (path, bytes, sha256). A folder's stamp changes exactly when its files do, so Make reruns
    only the steps reading that folder (`io.write_table` rewrites a stamp only when its text changes)."""
    files = [*verified[["path", "bytes", "sha256"]].itertuples(index=False),
             *added[["path", "bytes", "sha256"]].itertuples(index=False)]
    return {raw_stamp(folder): "".join(f"{p} {b} {h}\n" for p, b, h in sorted(files) if p.startswith(f"{folder}/"))
            for folder in RAW_FOLDERS}


def build() -> dict:
    """Step 00_acquire: download files that are missing (when their manifest entry has a URL), then verify
    every file. Raises RawDataError naming each problem; returns the verified manifest (`manifest`), the drop-in
    files present (`drop_ins`), the files downloaded (`fetched`) and one stamp per raw folder (`stamps`)."""
    fetched = fetch_missing(progress=False)
    verified, added = verify(), drop_ins()
    return {"manifest": verified, "drop_ins": added, "fetched": fetched, **stamps(verified, added)}


def main() -> int:
    try:
        got = fetch_missing()
    except RawDataError as e:
        print(f"error: {e}", file=sys.stderr)
        return 1
    print(f"fetched {len(got)} file(s)" + (": " + ", ".join(got) if got else "; nothing was missing"))
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
