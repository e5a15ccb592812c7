"""The composite: every popularity signal on one scale (PyTorch's share, 0-1), averaged with stated weights;
how far it moves under other weightings is part of the result."""
from __future__ import annotations

import numpy as np
import pandas as pd

from ..registry.signals import SIGNAL_BY_NAME
from .smoothing import smooth


def composite(shares: dict[str, pd.DataFrame], yearly_series: dict[str, pd.Series], n_draws: int = 1000,
              seed: int = 7) -> tuple[pd.DataFrame, pd.DataFrame]:
    """Monthly composite of PyTorch's share across signals under several weightings.

    `shares`: signal -> monthly table (month, share); `yearly_series`: signal -> share by year (spread over
    that year's months). Schemes: equal weight per signal; equal weight per family; each signal left out;
    and 1000 random Dirichlet(1) weightings (their 2.5-97.5% range). Only months where every included
    signal has data enter a scheme (weights renormalised over the signals present that month).
    """
    wide = pd.DataFrame({n: smooth(s.set_index("month")["share"]) for n, s in shares.items()})
    for name, by_year in yearly_series.items():
        months = pd.Series(wide.index, index=wide.index)
        wide[name] = months.str[:4].astype(int).map(by_year)
    wide = wide.sort_index()

    def combine(weights: pd.Series) -> pd.Series:
        w = wide.notna().mul(weights.reindex(wide.columns).fillna(0), axis=1)
        return (wide.fillna(0) * w).sum(axis=1) / w.sum(axis=1).replace(0, np.nan)

    schemes = {"equal per signal": pd.Series(1.0, index=wide.columns)}
    fam = pd.Series({c: SIGNAL_BY_NAME[c].family for c in wide.columns})
    schemes["equal per family"] = 1 / fam.map(fam.value_counts())
    for c in wide.columns:
        schemes[f"without {c}"] = pd.Series(1.0, index=wide.columns).drop(c)
    out = pd.DataFrame({name: combine(w) for name, w in schemes.items()})
    rng = np.random.default_rng(seed)
    draws = np.stack([combine(pd.Series(rng.dirichlet(np.ones(len(wide.columns))), index=wide.columns)).to_numpy()
                      for _ in range(n_draws)])
    out["random weights 2.5%"] = np.nanpercentile(draws, 2.5, axis=0)
    out["random weights 97.5%"] = np.nanpercentile(draws, 97.5, axis=0)
    out = out[wide.notna().sum(axis=1) >= 3]  # at least three signals in the month
    crossings = pd.DataFrame([{"scheme": c, "crossover": _first_stay_above(out[c])} for c in out.columns
                              if not c.startswith("random")])
    return out.reset_index().rename(columns={"index": "month"}), crossings


def _first_stay_above(s: pd.Series) -> str:
    above = (s > 0.5).to_numpy()
    if not len(above) or not above[-1]:
        return ""
    below = np.flatnonzero(~above)
    return str(s.index[below[-1] + 1] if len(below) else s.index[0])
