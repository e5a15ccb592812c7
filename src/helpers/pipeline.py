"""Every processed table straight from the raw files, with no notebook or kernel.

This is the lower bound the notebook chain is measured against (`make bench`), and a one-call way
to rebuild the processed data: `python -m helpers.pipeline [OUTPUT_DIR]`.
"""
from __future__ import annotations

import sys
from pathlib import Path


from . import (conferences, github, io, kaggle, manifest, paths, pypi, schemas, signals, stackexchange as se,
               surveys)


def build_processed(out: Path | None = None) -> list[Path]:
    """Verify the raw data, then write each processed table into `out` (default data/processed)."""
    out = Path(out or paths.PROCESSED)
    manifest.verify()
    resp = kaggle.all_respondents()
    shares = schemas.validate_kaggle_shares(surveys.add_wilson(kaggle.framework_shares(resp)))
    digitised, _ = se.so_digitised()
    dsse = se.dsse_monthly(se.dsse_questions(paths.RAW / se.SO_DIR / se.DSSE_PRIMARY))
    monthly = schemas.validate_monthly_signals(signals.assemble(se.so_signals(digitised), dsse, github.monthly(), pypi.monthly()))
    papers = conferences.papers()
    schemas.validate_conference_papers(papers)
    return [io.write_parquet(resp, out / paths.KAGGLE_RESPONDENTS.name),
            io.write_csv(shares, out / paths.KAGGLE_SHARES.name, sort_by=["year", "framework"]),
            io.write_csv(digitised, out / paths.SO_DIGITISED.name, sort_by=["tag", "month"]),
            io.write_csv(monthly, out / paths.MONTHLY_SIGNALS.name),
            io.write_csv(papers, out / paths.CONFERENCE_PAPERS.name, sort_by=["conference", "year"])]


if __name__ == "__main__":
    for p in build_processed(Path(sys.argv[1]) if len(sys.argv) > 1 else None):
        print(p)
