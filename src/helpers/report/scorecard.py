"""The claims scorecard (step 35): every claim of the article, and two from outside it, judged once.

The claims are about fixed years (2018-2021), so the scorecard does not depend on the year in question:
one `reports/tables/verdict.csv`, read by every year's verdict report.
"""
from __future__ import annotations

import pandas as pd

from ..chain import io
from . import claims

ARTICLE_YEAR = 2021


def scorecard(ms, table, lead_2021, yearly, crossovers, shares, resp, papers) -> pd.DataFrame:
    """Every claim with verdict, finding and evidence, in the order of `claims.CLAIMS`.

    `lead_2021`: who led in 2021 per popularity signal (rows of leaders_by_year); `table`: signal_tests.
    """
    kaggle = claims.kaggle_claims(shares, resp).set_index("claim_id")
    rows = {
        "gt_2020_pt_ahead": claims.google_trends_2020(ms),
        "pt_rise_began_2018": claims.rise_2018(table, yearly, crossovers),
        "so_2020_pt_more_questions": claims.so_2020(ms),
        **{cid: kaggle.loc[cid].to_dict() | {"claim_id": cid} for cid in kaggle.index},
        "pt_overtook_2021": claims.overtook(ARTICLE_YEAR, lead_2021, crossovers),
        "tf_better_answered": claims.better_answered(ms),
        "tf_closing_gap_2021": claims.closing_gap(yearly, table),
        "tf_pypi_115m_2020": claims.pypi_115m(ms),
        "he_2019_conference_majority": claims.conference_majority(papers),
    }
    out = pd.DataFrame([rows[c] for c in claims.CLAIMS])
    return out[["claim_id", "verdict", "finding", "evidence", "claim"]]


def build() -> dict[str, pd.DataFrame]:
    """Step 35_claims: the scorecard from the tables of steps 10-30."""
    by_year = io.read_table("leaders_by_year")
    card = scorecard(io.read_table("monthly_signals"), io.read_table("signal_tests"),
                     by_year[by_year["year"] == ARTICLE_YEAR], io.read_table("yearly_trends"),
                     io.read_table("crossovers"), io.read_table("kaggle_framework_shares"),
                     io.read_table("kaggle_respondents"), io.read_table("conference_papers"))
    return {"verdict": card[["claim_id", "verdict", "evidence", "finding"]], "scorecard": card}
