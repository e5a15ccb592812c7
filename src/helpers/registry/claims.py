"""The article's claims, declared once: id -> the claim as the reports quote it.

Each id has one rule in `helpers.report.claims` and one row in `verdict.csv`. Pure Python (no third-party imports),
so a report can print the wording without loading the statistics.
"""
from __future__ import annotations

CLAIMS = {
    "gt_2020_pt_ahead": "Google Trends: in 2020 PyTorch was consistently more searched than TensorFlow, peaking Sep 2020",
    "pt_rise_began_2018": "TensorFlow led clearly until early 2018, when PyTorch's rise began",
    "so_2020_pt_more_questions": "Stack Overflow: in 2020 PyTorch consistently got more questions than TensorFlow",
    "kaggle_2021_shares": "Kaggle survey 2021: 42% use PyTorch, 37% TensorFlow (453 respondents)",
    "kaggle_2020_shares": "Kaggle survey 2020: 43% TensorFlow, 36% PyTorch",
    "kaggle_shift_2020_2021": "Between 2020 and 2021 the survey flipped from TensorFlow to PyTorch",
    "pt_overtook_2021": "PyTorch overtook TensorFlow as the most popular framework in 2021",
    "tf_better_answered": "TensorFlow has better community support: more of its questions get answered",
    "tf_closing_gap_2021": "In 2021 TensorFlow was closing the gap again",
    "tf_pypi_115m_2020": "TensorFlow was downloaded about 115 million times from PyPI in 2020 (Chollet, Jan 2021)",
    "he_2019_conference_majority": "In 2019 every major ML conference had a majority of framework-naming papers using "
                                   "PyTorch (He, 2019)",
}

VERDICTS = ("supported", "contradicted", "mixed", "untestable")
HEADLINE = "pt_overtook_2021"  # the article's headline claim: first on every page that lists the claims
