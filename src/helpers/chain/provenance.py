"""A provenance record per run: parameters, git commit, raw-input hashes, library versions, table hashes."""
from __future__ import annotations

import os
import platform
import subprocess
from datetime import UTC, datetime
from importlib import metadata

from . import manifest, paths

LIBRARIES = ("pandas", "numpy", "scipy", "statsmodels", "pymannkendall", "pandera", "pyarrow", "matplotlib",
             "seaborn", "papermill", "nbconvert", "jupyterlab")


def git_state() -> dict:
    def run(*args):
        try:
            return subprocess.run(["git", *args], cwd=paths.PACKAGE_ROOT, capture_output=True, text=True,
                                  timeout=10).stdout.strip()
        except (OSError, subprocess.SubprocessError):
            return ""
    return {"commit": run("rev-parse", "HEAD") or "unknown", "dirty": bool(run("status", "--porcelain"))}


def table_hashes() -> dict[str, str]:
    """sha256 of every year-independent table the year's report rests on (its own per-year tables derive
    from these)."""
    from ..registry.tables import TABLES
    return {t.path: manifest.sha256_of(paths.ROOT / t.path) for t in TABLES
            if t.fmt in ("csv", "parquet") and not t.per_year and (paths.ROOT / t.path).exists()}


def record(year: int) -> dict:
    """Everything needed to say which bytes, code and libraries produced this year's reports."""
    raw = manifest.verify()
    drops = manifest.drop_ins()
    return {
        "parameters": {"year": year},
        "settings": {"PTVTF_DRAWS": os.environ.get("PTVTF_DRAWS", "default (50,000 paths per signal)")},
        "root": str(paths.ROOT),
        "code": str(paths.PACKAGE_ROOT),
        "generated_at_utc": datetime.now(UTC).replace(microsecond=0).isoformat(),
        "git": git_state(),
        "python": platform.python_version(),
        "libraries": {lib: metadata.version(lib) for lib in LIBRARIES},
        "inputs": {r["path"]: {"sha256": r["sha256"], "bytes": int(r["bytes"]), "upstream": r["upstream"]}
                   for _, r in raw.iterrows()},
        "drop_ins": {r["path"]: {"sha256": r["sha256"], "bytes": int(r["bytes"])} for _, r in drops.iterrows()},
        "tables": table_hashes(),
    }
