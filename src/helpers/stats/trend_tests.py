"""Trend, change point, crossover and leader-in-a-year statistics on PyTorch's monthly share.

- Trend: Mann-Kendall with the Hamed-Rao variance correction for autocorrelation, and Sen's slope
  (pymannkendall); seasonality measured with an STL decomposition (statsmodels) and a seasonal
  Mann-Kendall test, so the reader sees whether it matters.
- Change point: a hinge (broken-stick) regression share = a + b t + c (t - tau)+ fitted by least
  squares over every candidate month; tau's uncertainty comes from a moving-block bootstrap of the
  residuals (autocorrelation kept within blocks).
- Crossover: the first month from which the centred 3-month mean share stays above 1/2 until the
  series ends (persistence rule); interval from a moving-block bootstrap around a LOWESS trend.
- Leader in a year: the mean monthly share in that year, with the same bootstrap interval, and the
  number of months PyTorch led.
"""
from __future__ import annotations

from functools import lru_cache

import numpy as np
import pandas as pd
import pymannkendall as mk
from statsmodels.nonparametric.smoothers_lowess import lowess
from statsmodels.stats.multitest import multipletests
from statsmodels.tsa.seasonal import STL

from .smoothing import ROLL, smooth

BLOCK = 6          # months per bootstrap block
N_BOOT = 500
SEED = 20210101    # fixed: identical inputs give identical intervals


def mann_kendall(share: pd.Series) -> dict:
    """Hamed-Rao modified Mann-Kendall on a monthly share; Sen's slope in share points per year."""
    x = np.asarray(share, dtype=float)
    if len(x) < 8 or np.ptp(x) == 0:
        return {"n": len(x), "trend": "too short" if len(x) < 8 else "constant", "tau": np.nan, "z": np.nan,
                "p_value": np.nan, "sen_slope_per_year": np.nan}
    r = mk.hamed_rao_modification_test(x)
    return {"n": len(x), "trend": r.trend, "tau": float(r.Tau), "z": float(r.z), "p_value": float(r.p),
            "sen_slope_per_year": float(r.slope) * 12}


def seasonality(share: pd.Series) -> dict:
    """Strength of the 12-month seasonal component (STL: 1 - Var(resid)/Var(season + resid), Hyndman's
    F_s, 0 = none, 1 = all) and the seasonal Mann-Kendall trend p-value."""
    x = pd.Series(np.asarray(share, dtype=float))
    if len(x) < 36:
        return {"seasonal_strength": np.nan, "seasonal_mk_p": np.nan}
    res = STL(x, period=12, robust=True).fit()
    strength = max(0.0, 1 - np.var(res.resid) / np.var(res.seasonal + res.resid))
    return {"seasonal_strength": float(strength), "seasonal_mk_p": float(mk.seasonal_test(x.to_numpy(), period=12).p)}


@lru_cache(maxsize=64)
def _hinge_hats(n: int, margin: int) -> tuple[np.ndarray, np.ndarray]:
    """Candidate hinge months and, for each, the hat matrix of y ~ 1 + t + (t - tau)+ (shape taus x n x n)."""
    t = np.arange(n, dtype=float)
    taus = np.arange(margin, n - margin)
    X = np.stack([np.column_stack([np.ones(n), t, np.clip(t - tau, 0, None)]) for tau in taus])
    hats = X @ np.linalg.pinv(X)
    return taus, hats


def hinge_batch(Y: np.ndarray, margin: int = 6) -> np.ndarray:
    """Least-squares hinge month for each row of Y (rows: series of equal length)."""
    Y = np.atleast_2d(np.asarray(Y, dtype=float))
    taus, hats = _hinge_hats(Y.shape[1], margin)
    resid = Y[None, :, :] - np.einsum("tij,bj->tbi", hats, Y)
    return taus[np.argmin((resid ** 2).sum(axis=2), axis=0)]


def hinge(y: np.ndarray, margin: int = 6) -> tuple[int, np.ndarray]:
    """Index of the best hinge month (at least `margin` months from either end) and the fitted line."""
    y = np.asarray(y, dtype=float)
    best = int(hinge_batch(y, margin)[0])
    taus, hats = _hinge_hats(len(y), margin)
    return best, hats[best - margin] @ y


def _block_resample(resid: np.ndarray, rng: np.random.Generator, block: int = BLOCK) -> np.ndarray:
    """Moving-block bootstrap: concatenate random blocks of consecutive residuals to the same length."""
    n = len(resid)
    starts = rng.integers(0, max(1, n - block + 1), size=n // block + 1)
    return np.concatenate([resid[s:s + block] for s in starts])[:n]


def change_point(months: pd.Series, share: pd.Series, n_boot: int = N_BOOT, seed: int = SEED) -> dict:
    """Hinge change point in the share's slope with a 95% moving-block bootstrap interval."""
    y = np.asarray(share, dtype=float)
    months = list(months)
    if len(y) < 24:
        return {"change_month": None, "change_low": None, "change_high": None, "slope_before": np.nan,
                "slope_after": np.nan}
    tau, fit = hinge(y)
    resid = y - fit
    rng = np.random.default_rng(seed)
    taus = hinge_batch(np.stack([fit + _block_resample(resid, rng) for _ in range(n_boot)]))
    lo, hi = np.percentile(taus, [2.5, 97.5])
    slopes = np.diff(fit)
    return {"change_month": months[tau], "change_low": months[int(np.floor(lo))], "change_high": months[int(np.ceil(hi))],
            "slope_before": float(slopes[max(tau - 1, 0)] * 12), "slope_after": float(slopes[min(tau, len(slopes) - 1)] * 12)}


def crossover_index(share: np.ndarray, roll: int = ROLL) -> int | None:
    """First index from which the centred `roll`-month mean share stays above 1/2 to the end."""
    s = smooth(share, roll).to_numpy()
    above = s > 0.5
    if not above[-1]:
        return None
    below = np.flatnonzero(~above)
    return int(below[-1] + 1) if len(below) else 0


def crossover(months: pd.Series, share: pd.Series, n_boot: int = N_BOOT, seed: int = SEED) -> dict:
    """Crossover month under the persistence rule, with a 95% block-bootstrap interval.

    The bootstrap regenerates the series as LOWESS trend + block-resampled residuals; the share of
    replicates with no crossover is reported (`p_never`). When PyTorch never led, the closest approach
    (highest 3-month mean share) is given instead.
    """
    y = np.asarray(share, dtype=float)
    months = list(months)
    idx = crossover_index(y)
    rolled = smooth(y)
    closest = int(rolled.idxmax()) if rolled.notna().any() else 0
    out = {"crossover_month": months[idx] if idx is not None else None, "crossover_low": None,
           "crossover_high": None, "p_never": np.nan, "closest_month": months[closest],
           "closest_share": float(rolled.max()) if rolled.notna().any() else float("nan"),
           "months_after": len(y) - idx if idx is not None else 0}
    if len(y) < 12:
        return out
    trend = lowess(y, np.arange(len(y)), frac=0.2, return_sorted=False)
    resid = y - trend
    rng = np.random.default_rng(seed)
    found = [crossover_index(trend + _block_resample(resid, rng)) for _ in range(n_boot)]
    hits = np.array([f for f in found if f is not None])
    out["p_never"] = 1 - len(hits) / n_boot
    if len(hits):
        lo, hi = np.percentile(hits, [2.5, 97.5])
        out["crossover_low"], out["crossover_high"] = months[int(np.floor(lo))], months[int(np.ceil(hi))]
    return out


def leader(low: float, high: float) -> str:
    """Who led, from a 95% interval of PyTorch's share: named only when the interval excludes 1/2."""
    return "PyTorch" if low > 0.5 else ("TensorFlow" if high < 0.5 else "too close to call")


def year_leader(months: pd.Series, share: pd.Series, year: int, n_boot: int = N_BOOT, seed: int = SEED) -> dict:
    """Mean monthly share in `year` with a 95% block-bootstrap interval; months PyTorch led."""
    months = pd.Series(list(months))
    y = np.asarray(share, dtype=float)
    in_year = months.str.startswith(str(year)).to_numpy()
    if not in_year.any():
        return {"months": 0, "mean_share": np.nan, "low": np.nan, "high": np.nan, "pt_led_months": 0, "leader": "not covered"}
    mean = float(y[in_year].mean())
    if len(y) >= 12:
        trend = lowess(y, np.arange(len(y)), frac=0.2, return_sorted=False)
        resid = y - trend
        rng = np.random.default_rng(seed)
        boots = [float((trend + _block_resample(resid, rng))[in_year].mean()) for _ in range(n_boot)]
        lo, hi = np.percentile(boots, [2.5, 97.5])
    else:
        lo = hi = np.nan
    return {"months": int(in_year.sum()), "mean_share": mean, "low": float(lo), "high": float(hi),
            "pt_led_months": int((y[in_year] > 0.5).sum()), "leader": leader(lo, hi)}


def yearly_trends(months: pd.Series, share: pd.Series) -> pd.DataFrame:
    """Mann-Kendall (Hamed-Rao) and Sen's slope within each calendar year with at least 8 months."""
    df = pd.DataFrame({"month": list(months), "share": np.asarray(share, dtype=float)})
    df["year"] = df["month"].str[:4].astype(int)
    rows = [{"year": y, **mann_kendall(g["share"])} for y, g in df.groupby("year") if len(g) >= 8]
    return pd.DataFrame(rows)


def adjust(p_values: pd.Series, method: str = "holm") -> np.ndarray:
    """Multiple-testing adjustment over a family of p-values (NaN kept as NaN)."""
    p = np.asarray(p_values, dtype=float)
    out = np.full_like(p, np.nan)
    ok = ~np.isnan(p)
    if ok.any():
        out[ok] = multipletests(p[ok], method=method)[1]
    return out
