"""Every path of the project, rooted at the repository (never the current directory).

Set the environment variable ``PTVTF_ROOT`` to point the chain at another tree
(the test suite does this to run the notebooks on small fixture data).
"""
from __future__ import annotations

import os
from pathlib import Path

PACKAGE_ROOT = Path(__file__).resolve().parents[2]
ROOT = Path(os.environ.get("PTVTF_ROOT", PACKAGE_ROOT)).resolve()

DATA = ROOT / "data"
RAW = DATA / "raw"
PROCESSED = DATA / "processed"
MANIFEST = RAW / "MANIFEST.csv"
REPORTS = ROOT / "reports"
TABLES = REPORTS / "tables"
HTML = REPORTS / "html"
BUILD = ROOT / "build"

KAGGLE_RAW = RAW / "kaggle_survey"
KAGGLE_SHARES = PROCESSED / "kaggle_framework_shares.csv"
KAGGLE_RESPONDENTS = PROCESSED / "kaggle_respondents.parquet"
MONTHLY_SIGNALS = PROCESSED / "monthly_signals.csv"
SO_DIGITISED = PROCESSED / "so_questions_digitised.csv"
CONFERENCE_PAPERS = PROCESSED / "conference_papers.csv"
CROSSOVERS = TABLES / "crossovers.csv"
SO_SURVEY_SHARES = PROCESSED / "so_survey_framework_shares.csv"
SO_SURVEY_PAIRS = PROCESSED / "so_survey_pairs.csv"
GOOGLE_TRENDS_FACTS = PROCESSED / "google_trends_export.csv"


def signal_part(family: str) -> Path:
    """Per-source slice of monthly_signals.csv written by that source's cleaning notebook."""
    return PROCESSED / f"monthly_{family}.csv"


def year_table(name: str, year: int) -> Path:
    return TABLES / f"{name}_{year}.csv"

