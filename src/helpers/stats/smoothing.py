"""The centred rolling mean drawn on every share chart and used by the crossover rule (pandas only, so charts
do not import the statistics libraries)."""
from __future__ import annotations

import numpy as np
import pandas as pd

ROLL = 3  # months in the rolling mean


def smooth(share, roll: int = ROLL) -> pd.Series:
    """Centred `roll`-month mean (a trailing mean would date every crossing a month late)."""
    s = share if isinstance(share, pd.Series) else pd.Series(np.asarray(share, dtype=float))
    return s.astype(float).rolling(roll, center=True, min_periods=2).mean()
