"""Every processed table straight from the raw files, with no notebook or kernel.

This is the lower bound the notebook chain is measured against (`make bench`), and a one-call way
to rebuild the processed data: `python -m helpers.pipeline [OUTPUT_DIR]`.
"""
from __future__ import annotations

import sys
from pathlib import Path

from . import io, kaggle, manifest, paths, schemas, surveys


def build_processed(out: Path | None = None) -> list[Path]:
    """Verify the raw data, then write each processed table into `out` (default data/processed)."""
    out = Path(out or paths.PROCESSED)
    manifest.verify()
    resp = kaggle.all_respondents()
    shares = schemas.validate_kaggle_shares(surveys.add_wilson(kaggle.framework_shares(resp)))
    return [io.write_parquet(resp, out / paths.KAGGLE_RESPONDENTS.name),
            io.write_csv(shares, out / paths.KAGGLE_SHARES.name, sort_by=["year", "framework"])]


if __name__ == "__main__":
    for p in build_processed(Path(sys.argv[1]) if len(sys.argv) > 1 else None):
        print(p)
