"""Where refresh files live and how they are named (standard library only: the year range reads it).

File: `data/raw/<folder>/refresh_<source>_<YYYY-MM-DD>.csv` (the retrieval date, UTC; a second file on one day gets
`_2`, `_3`, ...), with the columns `COLUMNS`.
"""
from __future__ import annotations

import re
from pathlib import Path

from ..registry.fields import ID
from ..registry.sources import REFRESHABLE, SOURCE_BY_ID
from . import paths

# the `source` values of monthly_signals.csv that a refresh can continue, and the raw folder of each
FOLDERS = {s.id: s.folder for s in REFRESHABLE}
COLUMNS = ["source", "metric", "framework", "month", "value", "days"]
NAME = re.compile(rf"^refresh_(?P<source>{ID})_(?P<date>\d{{4}}-\d{{2}}-\d{{2}})(?:_(?P<n>\d+))?\.csv$")


def files(source: str, raw: Path | None = None) -> list[Path]:
    """The refresh files of `source` (any declared source; none for one `make refresh` cannot continue), oldest
    first (by retrieval date, then sequence number)."""
    if source not in SOURCE_BY_ID:
        raise KeyError(f"no source {source!r} in helpers.registry.sources")
    folder = (raw or paths.RAW) / SOURCE_BY_ID[source].folder
    found = [(m, p) for p in folder.glob(f"refresh_{source}_*.csv") if (m := NAME.match(p.name)) and m["source"] == source]
    return [p for m, p in sorted(found, key=lambda mp: (mp[0]["date"], int(mp[0]["n"] or 1)))]


def newest_month(raw: Path | None = None) -> str | None:
    """The last month any refresh file could hold (the month before its retrieval date), or None. Pure Python:
    the year parameter's range reads it."""
    raw = raw or paths.RAW
    dates = [m["date"] for folder in set(FOLDERS.values()) for p in (raw / folder).glob("refresh_*.csv")
             if (m := NAME.match(p.name))]
    if not dates:
        return None
    return shift_month(max(dates)[:7], -1)


def shift_month(month: str, n: int) -> str:
    """The month `n` months after `month` (YYYY-MM; negative `n`: before)."""
    k = int(month[:4]) * 12 + int(month[5:7]) - 1 + n
    return f"{k // 12}-{k % 12 + 1:02d}"


