"""The claims scorecard (step 35): every claim of the article, and two from outside it, judged once, and each
verdict under other thresholds, denominators, signal sets and with break windows excluded.

The claims are about fixed years (2018-2021), so the scorecard does not depend on the year in question:
one `reports/tables/verdict.csv` (and `verdict_robustness.csv`), read by every year's verdict report.
"""
from __future__ import annotations

import pandas as pd

from . import claims


def build() -> dict[str, pd.DataFrame]:
    """Step 35_claims: the scorecard and its robustness table from the tables of steps 10-30."""
    ev = claims.Evidence.load()
    card = claims.evaluate(ev)
    return {"verdict": card[["claim_id", "verdict", "evidence", "finding"]], "scorecard": card,
            "verdict_robustness": claims.robustness(ev)}
