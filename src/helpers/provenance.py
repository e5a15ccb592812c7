"""A provenance record per run: parameters, git commit, input hashes, library versions."""
from __future__ import annotations

import platform
import subprocess
from datetime import datetime, timezone
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


def record(year: int, outputs: list) -> dict:
    """Everything needed to say which bytes, code and libraries produced this year's reports."""
    raw = manifest.verify()
    drops = manifest.drop_ins()
    return {
        "parameters": {"year": year},
        "generated_at_utc": datetime.now(timezone.utc).replace(microsecond=0).isoformat(),
        "git": git_state(),
        "python": platform.python_version(),
        "libraries": {lib: metadata.version(lib) for lib in LIBRARIES},
        "inputs": {r["path"]: {"sha256": r["sha256"], "bytes": int(r["bytes"]), "upstream": r["upstream"]}
                   for _, r in raw.iterrows()},
        "drop_ins": {r["path"]: {"sha256": r["sha256"], "bytes": int(r["bytes"])} for _, r in drops.iterrows()},
        "outputs": {str(p.relative_to(paths.ROOT)): manifest.sha256_of(p) for p in outputs if p.exists()},
    }
