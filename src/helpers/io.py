"""Writing outputs: atomic (temp file then rename) and deterministic (same input, same bytes).

A failed or interrupted notebook never leaves a half-written table behind.
"""
from __future__ import annotations

import csv
import json
import os
import tempfile
from contextlib import contextmanager
from pathlib import Path

import pandas as pd


@contextmanager
def atomic_path(target: Path):
    """Yield a temporary path next to `target`; rename it into place only if the block succeeds."""
    target = Path(target)
    target.parent.mkdir(parents=True, exist_ok=True)
    for stale in target.parent.glob(f".{target.name}.*.tmp"):  # left by a run that was killed
        stale.unlink(missing_ok=True)
    fd, tmp = tempfile.mkstemp(prefix=f".{target.name}.", suffix=".tmp", dir=target.parent)
    os.close(fd)
    try:
        yield Path(tmp)
        umask = os.umask(0)
        os.umask(umask)
        os.chmod(tmp, 0o666 & ~umask)  # mkstemp creates 0600; give the file the usual permissions
        os.replace(tmp, target)
    finally:
        if os.path.exists(tmp):
            os.unlink(tmp)


def write_csv(df: pd.DataFrame, target: Path, sort_by: list[str] | None = None) -> Path:
    """UTF-8 CSV, LF line ends, rows sorted, floats at 10 significant digits (stable across runs)."""
    if sort_by:
        df = df.sort_values(sort_by, kind="mergesort", ignore_index=True)
    with atomic_path(target) as tmp:
        df.to_csv(tmp, index=False, encoding="utf-8", lineterminator="\n", float_format="%.10g")
    return Path(target)


def write_parquet(df: pd.DataFrame, target: Path) -> Path:
    with atomic_path(target) as tmp:
        df.to_parquet(tmp, index=False)
    return Path(target)


def write_json(obj, target: Path) -> Path:
    with atomic_path(target) as tmp:
        tmp.write_text(json.dumps(obj, indent=2, sort_keys=True, default=str) + "\n", encoding="utf-8")
    return Path(target)


class InputFileError(ValueError):
    """An input file is not in the layout its parser expects. The message names the file and the problem."""


def check_csv_fields(text, source: str) -> int:
    """Read a CSV text stream once and check that every record has the header's number of fields.

    A file cut short (or with a stray quote) ends in a record with fewer fields, which pandas would
    silently pad with missing values. Returns the number of records after the header.
    """
    reader = csv.reader(text)
    try:
        header = next(reader)
    except StopIteration:
        raise InputFileError(f"{source}: empty file, no header") from None
    except csv.Error as e:
        raise InputFileError(f"{source}: unreadable header ({e})") from e
    n = 0
    try:
        for n, row in enumerate(reader, start=1):
            if len(row) != len(header):
                raise InputFileError(f"{source}: record {n} has {len(row)} fields, the header has {len(header)}; "
                                     "the file is truncated or malformed")
    except csv.Error as e:
        raise InputFileError(f"{source}: malformed CSV near record {n + 1} ({e})") from e
    return n
