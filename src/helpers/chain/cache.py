"""Results worth keeping between steps, in `build/cache/` (never committed; `make clean` removes it).

An entry is found by a key made of everything the result depends on: its input's bytes and the code that computes
it (every module of the sub-packages named, and the numerical libraries' versions). Change either and the key
changes, so an entry is never stale: it is the same value computed again. A missing or unreadable entry is
computed again and rewritten (atomically); nothing here can change a number.
"""
from __future__ import annotations

import hashlib
import os
import pickle
from functools import cache
from importlib import metadata
from pathlib import Path

from . import paths

LIBRARIES = ("numpy", "scipy", "statsmodels", "pandas")  # whose versions a numerical result depends on
PACKAGE = Path(__file__).resolve().parent.parent       # src/helpers


@cache
def code_digest(*packages: str) -> bytes:
    """sha256 of every module of the `helpers` sub-packages named and of the numerical libraries' versions."""
    h = hashlib.sha256()
    for package in packages:
        for f in sorted((PACKAGE / package).rglob("*.py")):
            h.update(f.relative_to(PACKAGE).as_posix().encode() + b"\0" + f.read_bytes() + b"\0")
    for lib in LIBRARIES:
        h.update(f"{lib}=={metadata.version(lib)}\0".encode())
    return h.digest()


def key(value: object, *packages: str) -> str:
    """The key of a result computed from `value` (pickled) by the code of `packages`."""
    return hashlib.sha256(code_digest(*packages) + pickle.dumps(value, protocol=5)).hexdigest()


def folder(kind: str) -> Path:
    return paths.BUILD / "cache" / kind


def load(kind: str, entry: str) -> object | None:
    """The entry's value, or None when it is missing or cannot be read (then it is computed again)."""
    try:
        return pickle.loads((folder(kind) / f"{entry}.pkl").read_bytes())
    except Exception:  # missing, truncated or written by another version: recompute, never fail
        return None


def store(kind: str, entry: str, value: object) -> None:
    """Write the entry atomically (a concurrent reader sees the old file or the new one, never half of one)."""
    path = folder(kind) / f"{entry}.pkl"
    path.parent.mkdir(parents=True, exist_ok=True)
    tmp = path.with_name(f".{path.name}.{os.getpid()}.tmp")
    tmp.write_bytes(pickle.dumps(value, protocol=5))
    os.replace(tmp, path)

