"""Verify ``data/raw`` against ``data/raw/MANIFEST.csv`` (path, bytes, sha256, upstream, licence, query), and add
rows for new files.

Raw data is immutable: this module only reads it. Drop-in sources that a user may add
(Google Trends, Stack Overflow Developer Survey) are not in the manifest; they are listed
separately and validated by their own parsers.

    python -m helpers.chain.manifest add data/raw/<folder>/<file>... --upstream "owner/repo@commit path" \
        --licence "CC-BY-4.0" [--url URL] [--retrieved YYYY-MM-DD]

writes one row per file (its bytes and sha256 measured here, its folder as `source`), for files a source in
`helpers.registry.sources` declares; a file already listed with the same bytes is left as it is.
"""
from __future__ import annotations

import argparse
import csv
import datetime as dt
import fnmatch
import hashlib
import re
import sys
from dataclasses import dataclass
from pathlib import Path

import pandas as pd

from ..registry.sources import SOURCES, Source
from . import paths
from .io import atomic_path, is_lfs_pointer

MANIFEST_COLUMNS = ["path", "bytes", "sha256", "source", "upstream", "url", "retrieved", "licence", "query"]
# Files a user may add by hand; checked by their parsers, hashed into the provenance record.
DROP_IN_PATTERNS = {s.id: re.compile(f"^{re.escape(s.folder)}/{s.dropin}$") for s in SOURCES if s.dropin}
NOTES = re.compile(r"(^|/)(SOURCES|README)\.md$|^MANIFEST\.csv$")


class RawDataError(RuntimeError):
    """A raw file is missing, altered, truncated or unexpected. The message names each file."""


@dataclass(frozen=True)
class Entry:
    path: str
    bytes: int
    sha256: str
    source: str
    upstream: str
    url: str
    retrieved: str
    licence: str
    query: str = ""  # the query that produced the file (`make refresh`), on one line; empty for downloaded files


def sha256_of(path: Path, chunk: int = 1 << 20) -> str:
    """Hex sha256 of a file, read in 1 MiB chunks."""
    h = hashlib.sha256()
    with open(path, "rb") as f:
        while block := f.read(chunk):
            h.update(block)
    return h.hexdigest()


def read_manifest(manifest: Path | None = None) -> list[Entry]:
    """Parse the manifest; a malformed one is an error naming the file and the row."""
    manifest = manifest or paths.MANIFEST
    if not manifest.exists():
        raise RawDataError(f"{manifest}: the manifest is missing; restore it with `git checkout -- {manifest.name}`")
    with open(manifest, newline="", encoding="utf-8") as f:
        reader = csv.DictReader(f)
        # a manifest written before `make refresh` existed has no `query` column: every query is then empty
        if reader.fieldnames not in (MANIFEST_COLUMNS, MANIFEST_COLUMNS[:-1]):
            raise RawDataError(f"{manifest}: header is {reader.fieldnames}, expected {MANIFEST_COLUMNS}")
        entries = []
        for i, row in enumerate(reader, start=2):
            try:
                entries.append(Entry(**{**row, "bytes": int(row["bytes"])}))
            except (TypeError, ValueError) as e:
                raise RawDataError(f"{manifest}, line {i}: malformed row ({e})") from e
    return entries


def write_manifest(entries: list[Entry], manifest: Path | None = None) -> None:
    """Write the manifest atomically (`io.atomic_path`): an interrupted write leaves the old one."""
    with atomic_path(manifest or paths.MANIFEST) as tmp, open(tmp, "w", newline="", encoding="utf-8") as f:
        w = csv.writer(f, lineterminator="\n")
        w.writerow(MANIFEST_COLUMNS)
        w.writerows([getattr(e, c) for c in MANIFEST_COLUMNS] for e in entries)


def _restore_hint(entry: Entry) -> str:
    hint = f"restore it with `git checkout -- data/raw/{entry.path}`"
    if entry.url:
        hint += " or `make fetch` (downloads from the upstream URL in the manifest)"
    return hint


def check_entry(entry: Entry, raw: Path) -> str | None:
    """Return a problem description for one manifest entry, or None when the file is intact."""
    f = raw / entry.path
    if not f.exists():
        return f"data/raw/{entry.path}: missing (expected {entry.bytes:,} bytes, sha256 {entry.sha256}); {_restore_hint(entry)}"
    size = f.stat().st_size
    if is_lfs_pointer(f):
        return (f"data/raw/{entry.path}: is a Git-LFS pointer ({size} bytes), not the data; "
                f"run `git lfs pull` or {_restore_hint(entry)}")
    actual = sha256_of(f)
    if size != entry.bytes or actual != entry.sha256:
        kind = "truncated" if size < entry.bytes else ("altered" if size == entry.bytes else "longer than expected")
        return (f"data/raw/{entry.path}: {kind}: {size:,} bytes, sha256 {actual}; "
                f"expected {entry.bytes:,} bytes, sha256 {entry.sha256}; {_restore_hint(entry)}")
    return None


def unknown_files(entries: list[Entry], raw: Path) -> list[str]:
    """Files under data/raw that are neither in the manifest, notes, nor a recognised drop-in."""
    known = {e.path for e in entries}
    out = []
    for p in sorted(raw.rglob("*")):
        rel = p.relative_to(raw).as_posix()
        if not p.is_file() or rel in known or NOTES.search(rel):
            continue
        if any(pat.match(rel) for pat in DROP_IN_PATTERNS.values()):
            continue
        out.append(rel)
    return out


def drop_ins(raw: Path | None = None) -> pd.DataFrame:
    """User-added source files present now, with size and sha256 (for the provenance record)."""
    raw = raw or paths.RAW
    rows = []
    for p in sorted(raw.rglob("*")):
        rel = p.relative_to(raw).as_posix()
        for source, pat in DROP_IN_PATTERNS.items():
            if p.is_file() and pat.match(rel):
                rows.append({"path": rel, "source": source, "bytes": p.stat().st_size, "sha256": sha256_of(p)})
    return pd.DataFrame(rows, columns=["path", "source", "bytes", "sha256"])


def verify(raw: Path | None = None, manifest: Path | None = None) -> pd.DataFrame:
    """Check every manifest entry; raise RawDataError listing every problem, else return the table.

    The returned table has one row per file: path, source, bytes, sha256 (verified), upstream,
    licence, status.
    """
    raw = raw or paths.RAW
    entries = read_manifest(manifest or raw / "MANIFEST.csv")
    problems = [p for e in entries if (p := check_entry(e, raw))]
    problems += [f"data/raw/{rel}: unknown file, not in data/raw/MANIFEST.csv and not a recognised drop-in; "
                 "move it out of data/raw/ or add it to the manifest with its upstream and sha256"
                 for rel in unknown_files(entries, raw)]
    if problems:
        raise RawDataError("raw data failed verification:\n- " + "\n- ".join(problems))
    table = pd.DataFrame([e.__dict__ for e in entries])
    table["status"] = "verified"
    return table


def declared_by(path: str) -> Source | None:
    """The source whose record declares the file `path` (relative to data/raw: one of its `files`, its drop-in
    pattern, or a refresh file of it), or None."""
    from .refresh_files import NAME as REFRESH_FILE
    folder, _, name = path.partition("/")
    for s in SOURCES:
        if s.folder != folder:
            continue
        refreshed = (m := REFRESH_FILE.match(name)) and m["source"] == s.id and s.refresh
        if any(fnmatch.fnmatch(name, p) for p in s.patterns) or (s.dropin and re.fullmatch(s.dropin, name)) or refreshed:
            return s
    return None


def add(files: list[Path], upstream: str, licence: str, url: str = "", retrieved: str = "",
        raw: Path | None = None, manifest: Path | None = None) -> list[Entry]:
    """Add a manifest row for each of `files` (under data/raw, declared by a source: `declared_by`), measuring its
    bytes and sha256; a file listed already with the same bytes is left alone. Raises RawDataError naming every
    file it cannot add (none is added then). Returns the rows added."""
    raw = (raw or paths.RAW).resolve()
    manifest = manifest or raw / "MANIFEST.csv"
    entries = read_manifest(manifest)
    listed = {e.path: e for e in entries}
    retrieved = retrieved or dt.date.today().isoformat()
    new, problems = [], []
    for f in files:
        f = Path(f).resolve()
        try:
            rel = f.relative_to(raw).as_posix()
        except ValueError:
            problems.append(f"{f}: not under {raw}")
            continue
        if not f.is_file():
            problems.append(f"data/raw/{rel}: no such file")
        elif is_lfs_pointer(f):
            problems.append(f"data/raw/{rel}: a Git-LFS pointer, not the data (run `git lfs pull` first)")
        elif not (src := declared_by(rel)):
            problems.append(f"data/raw/{rel}: no source declares it; add its name to the `files` of its source in "
                            "src/helpers/registry/sources.py first")
        else:
            entry = Entry(rel, f.stat().st_size, sha256_of(f), src.folder, upstream, url, retrieved, licence)
            old = listed.get(rel)
            if old and (old.bytes, old.sha256) != (entry.bytes, entry.sha256):
                problems.append(f"data/raw/{rel}: listed with {old.bytes:,} bytes, sha256 {old.sha256}; the file now "
                                f"has {entry.bytes:,} bytes, sha256 {entry.sha256} (raw data is immutable: restore it, "
                                "or give the new version a new name)")
            elif not old:
                new.append(entry)
    if problems:
        raise RawDataError("not added to the manifest:\n- " + "\n- ".join(problems))
    if new:
        write_manifest(sorted([*entries, *new], key=lambda e: e.path), manifest)
    return new


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(prog="python -m helpers.chain.manifest", description=__doc__.splitlines()[0])
    sub = ap.add_subparsers(dest="command", required=True)
    a = sub.add_parser("add", help="add manifest rows for new raw files")
    a.add_argument("paths", nargs="+", type=Path, metavar="PATH")
    a.add_argument("--upstream", required=True, help="where the file comes from (repository@commit path, a page)")
    a.add_argument("--licence", required=True)
    a.add_argument("--url", default="", help="a direct download URL (`make fetch` uses it)")
    a.add_argument("--retrieved", default="", help="retrieval date, YYYY-MM-DD (default: today)")
    args = ap.parse_args(argv)
    try:
        added = add(args.paths, args.upstream, args.licence, args.url, args.retrieved)
    except RawDataError as e:
        print(f"error: {e}", file=sys.stderr)
        return 1
    for e in added:
        print(f"added data/raw/{e.path}: {e.bytes:,} bytes, sha256 {e.sha256}")
    if not added:
        print("nothing to add: every file is listed already with the same bytes")
    return 0


def source_summary(table: pd.DataFrame) -> pd.DataFrame:
    """One row per source folder: files, total MB, licences."""
    g = table.groupby("source")
    return pd.DataFrame({
        "files": g.size(),
        "megabytes": (g["bytes"].sum() / 1e6).round(2),
        "licences": g["licence"].agg(lambda s: "; ".join(sorted(set(s)))),
    }).reset_index()



if __name__ == "__main__":
    raise SystemExit(main())
