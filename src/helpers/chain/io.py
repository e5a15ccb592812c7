"""Reading inputs and writing outputs.

Writes are atomic (temp file then rename: a failed or interrupted step never leaves a half-written table)
and deterministic (same input, same bytes). Registered tables are written with `write_table`, which checks
them against their schema first and sorts them by their registered keys; `read_table` reads them back with
the registered types. Raw CSVs are read with `read_csv_checked`, which turns every way a file can be
broken into an `InputFileError` naming the file.
"""
from __future__ import annotations

import csv
import gzip
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


def write_stamp(text: str, target: Path) -> Path:
    """A stamp file, rewritten only when its text changes (its modification time is what Make compares)."""
    target = Path(target)
    if not target.exists() or target.read_text(encoding="utf-8") != text:
        with atomic_path(target) as tmp:
            tmp.write_text(text, encoding="utf-8")
    return target


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


LFS_MAGIC = b"version https://git-lfs.github.com/spec/v1"


def raw_label(path: Path) -> str:
    """How messages name a raw file: data/raw/<source folder>/<file>."""
    path = Path(path)
    return f"data/raw/{path.parent.name}/{path.name}"


def is_lfs_pointer(path: Path) -> bool:
    """True when a Git-LFS pointer sits where the data should be."""
    with open(path, "rb") as fh:
        return fh.read(len(LFS_MAGIC)) == LFS_MAGIC


def read_csv_checked(path: Path, **kw) -> pd.DataFrame:
    """pandas.read_csv for a raw CSV (plain or .gz), after checking it is data, UTF-8 and complete.

    Every problem becomes an InputFileError naming the file: a Git-LFS pointer, non-UTF-8 bytes, a
    record with the wrong number of fields (cut short), a corrupt gzip stream.
    """
    path = Path(path)
    label = raw_label(path)
    if is_lfs_pointer(path):
        raise InputFileError(f"{label}: is a Git-LFS pointer, not the data; run `git lfs pull`")
    opener = gzip.open if path.suffix == ".gz" else open
    try:
        with opener(path, "rt", encoding="utf-8", newline="") as fh:
            check_csv_fields(fh, label)
        return pd.read_csv(path, **kw)
    except UnicodeDecodeError as e:
        raise InputFileError(f"{label}: bytes that are not UTF-8 at offset {e.start}") from e
    except (EOFError, OSError, gzip.BadGzipFile, pd.errors.ParserError) as e:
        raise InputFileError(f"{label}: truncated or corrupt ({e})") from e


def require_columns(df: pd.DataFrame, columns, path: Path) -> None:
    """InputFileError naming the file and the missing column(s) if any of `columns` is absent."""
    missing = [c for c in columns if c not in df.columns]
    if missing:
        raise InputFileError(f"{raw_label(path)}: missing column(s) {missing}; found {list(df.columns)[:12]}")


# --- registered tables --------------------------------------------------------------------------------------

def write_table(table_id: str, df: pd.DataFrame, year: int | None = None) -> Path:
    """Validate `df` against the table's schema, put documented columns first, sort, write atomically."""
    from ..registry.tables import table
    from . import labels, paths, schemas
    t = table(table_id)
    target = paths.table_path(table_id, year)
    if t.fmt == "json":
        return write_json(df, target)
    if t.fmt == "stamp":
        return write_stamp(df, target)
    df = schemas.validate(table_id, labels.fill(df, [c.name for c in t.columns if c.kind == "label"]))
    documented = [c.name for c in t.columns if c.name in df.columns]
    df = df[documented + [c for c in df.columns if c not in documented]]
    if t.fmt == "parquet":
        return write_parquet(df, target)
    return write_csv(df, target, sort_by=list(t.sort) or None)


STEP_ENV = "PTVTF_STEP"  # the step being run (set by `reading_as`; a notebook's kernel inherits it)


class UndeclaredInputError(RuntimeError):
    """A step read a table it does not declare as an input (so Make would not rerun it when the table changes)."""


@contextmanager
def reading_as(step_name: str):
    """While a step runs (its function or its notebook's kernel), `read_table` accepts only the tables the step
    declares in `helpers.registry.steps` (its inputs, and its own outputs)."""
    before = os.environ.get(STEP_ENV)
    os.environ[STEP_ENV] = step_name
    try:
        yield
    finally:
        if before is None:
            os.environ.pop(STEP_ENV, None)
        else:
            os.environ[STEP_ENV] = before


def check_declared(table_id: str) -> None:
    """Raise UndeclaredInputError when the running step (if any) does not declare `table_id`."""
    name = os.environ.get(STEP_ENV)
    if not name:
        return  # outside the chain (JupyterLab, a test): anything may be read
    from ..registry.steps import step
    s = step(name)
    if table_id not in (*s.inputs, *s.optional_inputs, *s.outputs):
        raise UndeclaredInputError(
            f"step {name} reads the table {table_id!r} but does not declare it: add it to the step's `inputs` in "
            f"src/helpers/registry/steps.py (so that Make reruns {name} when it changes); declared: "
            f"{', '.join(s.inputs) or 'none'}")


def read_table(table_id: str, year: int | None = None) -> pd.DataFrame:
    """A registered table back with its documented types: text columns as strings ('' when empty), booleans as
    bool (nullable ones as pandas' boolean), months as 'YYYY-MM' strings. Inside a running step, only a table the
    step declares (`check_declared`)."""
    from ..registry.tables import table
    from . import paths
    from .schemas import DTYPES  # one storage type per column kind
    check_declared(table_id)
    t = table(table_id)
    path = paths.table_path(table_id, year)
    if t.fmt == "parquet":
        return pd.read_parquet(path)
    if not path.exists():
        raise FileNotFoundError(f"{paths.relative(path)} is missing: it is written by the step {t.step} "
                                f"(run `make all`, or the notebook notebooks/{t.step}.ipynb)")
    kinds = {c.name: c for c in t.columns}
    text = [n for n, c in kinds.items() if DTYPES[c.kind] == "str"]
    df = pd.read_csv(path, dtype={n: str for n in text}, keep_default_na=False, na_values=[""])
    for name in text:
        if name in df.columns:
            df[name] = df[name].fillna("")
    for name, c in kinds.items():
        if name in df.columns and DTYPES[c.kind] == "float64":
            df[name] = df[name].astype(float)  # "%.10g" writes 12.0 as 12
        if name in df.columns and DTYPES[c.kind] == "int64" and not df[name].isna().any():
            df[name] = df[name].astype("int64")  # also when the table is empty (no rows to infer from)
        if name in df.columns and c.kind == "bool":
            values = df[name].map({"True": True, "False": False, True: True, False: False})
            df[name] = values.astype("boolean") if c.nullable else values.fillna(False).astype(bool)
    return df


def read_optional(table_id: str) -> pd.DataFrame | None:
    """A table a step reads when it exists (a step's `optional_inputs`, e.g. the coverage study's, built only by
    `make calibrate`), or None."""
    from . import paths
    check_declared(table_id)
    return read_table(table_id) if paths.table_path(table_id).exists() else None


def write_outputs(step_name: str, result: dict, year: int | None = None) -> list[Path]:
    """Write the tables a step is registered to produce, from the dict its `build` returned (other keys are
    for display only). Every registered output must be there: a step that forgot one fails here."""
    from ..registry.steps import step
    s = step(step_name)
    wanted = list(s.outputs)
    missing = [t for t in wanted if t not in result]
    if missing:
        raise KeyError(f"step {step_name} did not produce {missing}")
    return [write_table(t, result[t], year) for t in wanted]
