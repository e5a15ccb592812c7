"""A refresh result becomes a new raw file with its manifest row; nothing existing is ever overwritten.

Where and under which name: `names`. Columns (`names.COLUMNS`): source, metric, framework, month, value, days —
`days` is the number of days of the month with data for that row (a completeness check, not used as a count).

Atomic: the CSV and then the new manifest are written with `io.atomic_path` (a temporary file renamed into
place); if the manifest cannot be written the new CSV is removed again, so an interrupted run leaves the old
manifest and no partial or unlisted file (a leftover temporary file is removed by the next refresh).
"""
from __future__ import annotations

import datetime as dt
import hashlib
from pathlib import Path

import pandas as pd

from ..chain import manifest, paths
from ..chain.io import atomic_path
from ..chain.refresh_files import COLUMNS, FOLDERS
from ..registry.sources import SOURCE_BY_ID


def _target(folder: Path, source: str, today: str) -> Path:
    n = 1
    while True:
        name = f"refresh_{source}_{today}{'' if n == 1 else f'_{n}'}.csv"
        if not (folder / name).exists():
            return folder / name
        n += 1


def clean_leftovers(raw: Path | None = None) -> list[str]:
    """Remove temporary files an interrupted refresh left behind; returns their names."""
    raw = raw or paths.RAW
    gone = []
    for folder in {raw / f for f in FOLDERS.values()}:
        for p in folder.glob(".refresh_*.tmp"):  # io.atomic_path's temporary names
            p.unlink()
            gone.append(p.name)
    return gone


def write(source: str, rows: pd.DataFrame, upstream: str, url: str, query: str,
          raw: Path | None = None, today: str | None = None) -> Path:
    """Save `rows` (COLUMNS) as a new raw file of `source` and add its manifest row; returns the new file's path.

    `upstream` names the engine and table, `url` the endpoint (no credentials), `query` the query text (one line).
    """
    raw = raw or paths.RAW
    if source not in FOLDERS:
        raise ValueError(f"unknown refresh source {source!r}; known: {sorted(FOLDERS)}")
    missing = [c for c in COLUMNS if c not in rows.columns]
    if missing:
        raise ValueError(f"refresh rows for {source} lack column(s) {missing}")
    today = today or dt.datetime.now(dt.UTC).date().isoformat()
    folder = raw / FOLDERS[source]
    folder.mkdir(parents=True, exist_ok=True)
    target = _target(folder, source, today)
    data = rows[COLUMNS].sort_values(["metric", "framework", "month"]).to_csv(index=False, lineterminator="\n")
    body = data.encode("utf-8")
    entries = manifest.read_manifest(raw / "MANIFEST.csv")
    entry = manifest.Entry(path=target.relative_to(raw).as_posix(), bytes=len(body),
                           sha256=hashlib.sha256(body).hexdigest(), source=FOLDERS[source],
                           upstream=upstream, url=url, retrieved=today, licence=SOURCE_BY_ID[source].refresh.licence,
                           query=" ".join(query.split()))
    with atomic_path(target) as tmp:
        tmp.write_bytes(body)
    try:
        manifest.write_manifest([*entries, entry], raw / "MANIFEST.csv")
    except BaseException:
        target.unlink()  # no file without its manifest row
        raise
    return target

