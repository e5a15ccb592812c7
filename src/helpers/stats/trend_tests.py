"""Classical tests on PyTorch's monthly share, beside the state-space model (helpers.stats.share_model).

- Trend tests that keep their level under each signal's own noise: the Mann-Kendall S statistic of the observed
  shares against its distribution over trend-free series simulated from a noise model (AR(1) deviations,
  month-specific irregulars and counting noise at the real monthly counts, around a constant level), so that
  autocorrelation as strong as the signal's own (persistence 0.9 and more) cannot pass for a trend. The whole
  series takes that noise from a null model fitted without any trend (`share_model.fit_trend_free`: a parametric
  bootstrap under the null); a calendar year (12 points) from the signal's fitted model, and the minimum
  detectable slope beside a year's test is computed under the very noise its p-value comes from. Each test's level
  under the signal's own fitted noise is measured in the calibration study (`helpers.stats.calibration`). Sen's
  slope beside.
- Seasonality: STL seasonal strength and a seasonal Mann-Kendall test.
- Hinge: the broken-line fit behind "when did the rise begin" (helpers.stats.share_model.onset).

A p-value from simulation is at least 1 / (B + 1); one from a formula is stored no lower than P_FLOOR (an underflow
is stored as its bound, `proportions.P_FLOOR`).
"""
from __future__ import annotations

from dataclasses import dataclass
from functools import lru_cache

import numpy as np
import pandas as pd
import pymannkendall as mk
from scipy import stats
from statsmodels.stats.multitest import multipletests
from statsmodels.tsa.seasonal import STL

from .proportions import floor_p

SEED = 20210101    # fixed: identical inputs give identical numbers
ALPHA = 0.05
POWER = 0.80
N_NULL = 2000      # trend-free series simulated for a p-value (its floor is 1 / (N_NULL + 1))

@dataclass(frozen=True)
class Noise:
    """A signal's fitted noise around its trend, on the logit scale: AR(1) deviations (persistence `phi`, innovation
    variance `s2_ar`), month-specific irregulars (`s2_irregular`), and counting noise at the monthly `totals`
    (binomial counts, or rounding to whole points for an index without counts), in months at calendar `positions`
    (default: consecutive; the AR(1) goes on through a month without data)."""
    phi: float
    s2_ar: float
    s2_irregular: float
    totals: np.ndarray
    counts: bool = True
    positions: np.ndarray | None = None


def trend_free(noise: Noise, level, n_sim: int = N_NULL, seed: int = SEED) -> np.ndarray:
    """`n_sim` observed-share series (rows) without any trend: a constant logit `level` plus the fitted noise
    (`level` may also be one row per series: a constant plus the documented breaks' shifts, `share_model`)."""
    rng = np.random.default_rng(seed)
    T = len(noise.totals)
    pos = np.arange(T) if noise.positions is None else np.asarray(noise.positions) - noise.positions[0]
    C = int(pos[-1]) + 1 if T else 0
    phi = float(np.clip(noise.phi, -0.999, 0.999))
    c = np.empty((n_sim, C))
    c[:, 0] = rng.normal(0, np.sqrt(noise.s2_ar / (1 - phi**2)), n_sim)
    innovations = rng.normal(0, np.sqrt(noise.s2_ar), (n_sim, C))
    for t in range(1, C):
        c[:, t] = phi * c[:, t - 1] + innovations[:, t]
    theta = level + c[:, pos] + rng.normal(0, np.sqrt(noise.s2_irregular), (n_sim, T))
    p = 1 / (1 + np.exp(-theta))
    n = np.asarray(noise.totals, float)
    if noise.counts:
        k = rng.binomial(np.round(n).astype(np.int64)[None, :].repeat(n_sim, 0), p)
        return k / np.round(n)[None, :]
    return np.round(p * n) / n


def mann_kendall(share, null: np.ndarray) -> dict:
    """Mann-Kendall trend test of a monthly share against trend-free series `null` (rows, same length, from
    `trend_free`): two-sided p = (1 + #|S_null| >= |S|) / (1 + B), so its floor is 1 / (1 + B). Sen's slope in share
    points per year."""
    x = np.asarray(share, dtype=float)
    n = len(x)
    if n < 4 or np.ptp(x) == 0:
        return {"n": n, "trend": "too short" if n < 4 else "constant", "tau": np.nan, "p_value": np.nan,
                "sen_slope_per_year": np.nan}
    s_obs = float(mk_s(x[None, :])[0])
    s_null = mk_s(np.asarray(null, float))
    p = (1 + np.sum(np.abs(s_null) >= abs(s_obs))) / (1 + len(s_null))
    trend = "no trend" if p >= ALPHA else ("increasing" if s_obs > 0 else "decreasing")
    return {"n": n, "trend": trend, "tau": float(stats.kendalltau(np.arange(n), x).statistic), "p_value": float(p),
            "sen_slope_per_year": float(stats.theilslopes(x, np.arange(n)).slope) * 12}


def seasonality(share: pd.Series) -> dict:
    """Strength of the 12-month seasonal component (STL: 1 - Var(resid)/Var(season + resid), Hyndman's
    F_s, 0 = none, 1 = all) and the seasonal Mann-Kendall trend p-value."""
    x = pd.Series(np.asarray(share, dtype=float))
    if len(x) < 36:
        return {"seasonal_strength": np.nan, "p_seasonal_mk": np.nan}
    res = STL(x, period=12, robust=True).fit()
    strength = max(0.0, 1 - np.var(res.resid) / np.var(res.seasonal + res.resid))
    return {"seasonal_strength": float(strength),
            "p_seasonal_mk": floor_p(float(mk.seasonal_test(x.to_numpy(), period=12).p))}


@lru_cache(maxsize=64)
def _hinge_bases(n: int, margin: int) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """Candidate hinge months and, for each, the QR factors of y ~ 1 + t + (t - tau)+ (Q: taus x n x 3, R^-1)."""
    t = np.arange(n, dtype=float)
    taus = np.arange(margin, n - margin)
    X = np.stack([np.column_stack([np.ones(n), t, np.clip(t - tau, 0, None)]) for tau in taus])
    Q, R = np.linalg.qr(X)
    return taus, Q, np.linalg.inv(R)


def hinge_batch(Y: np.ndarray, margin: int = 6, accelerating: bool = False) -> np.ndarray:
    """Least-squares hinge month for each row of Y (rows: series of equal length): the candidate whose broken
    line leaves the smallest residual sum of squares, ||y||^2 - ||Q' y||^2. With `accelerating`, only hinges after
    which the slope is steeper count (a positive slope-change coefficient); -1 where no candidate accelerates."""
    Y = np.atleast_2d(np.asarray(Y, dtype=float))
    taus, Q, R_inv = _hinge_bases(Y.shape[1], margin)
    explained = np.matmul(Q.transpose(0, 2, 1), Y.T)  # taus x 3 x rows (BLAS)
    fit = (explained**2).sum(axis=1)
    if accelerating:
        slope_change = (R_inv[:, 2, :, None] * explained).sum(axis=1)
        fit = np.where(slope_change > 0, fit, -np.inf)
    best = np.argmax(fit, axis=0)
    out = taus[best]
    if accelerating:
        out = np.where(np.isfinite(fit[best, np.arange(len(best))]), out, -1)
    return out


def adjust(p_values: pd.Series, method: str = "holm") -> np.ndarray:
    """Multiple-testing adjustment over a family of p-values (NaN kept as NaN)."""
    p = np.asarray(p_values, dtype=float)
    out = np.full_like(p, np.nan)
    ok = ~np.isnan(p)
    if ok.any():
        out[ok] = multipletests(p[ok], method=method)[1]
    return out


def mk_s(X: np.ndarray, chunk: int = 500) -> np.ndarray:
    """The Mann-Kendall S statistic of each row: the sum over pairs i < j of sign(x_j - x_i) (rows in chunks, so a
    long series' pairs never fill the memory)."""
    X = np.atleast_2d(X)
    i, j = np.triu_indices(X.shape[1], k=1)
    return np.concatenate([np.sign(X[a:a + chunk, j] - X[a:a + chunk, i]).sum(axis=1)
                           for a in range(0, len(X), chunk)]) if len(X) else np.zeros(0)


def minimum_detectable_slope(null: np.ndarray, power: float = POWER, alpha: float = ALPHA) -> float:
    """Smallest linear slope (share per step) that the test of `mann_kendall` against the trend-free series `null`
    detects with `power` at level `alpha`, when the series is that slope plus the very noise of `null` (each null row
    in turn is the noise; the critical |S| is the one the test's p-value uses)."""
    null = np.asarray(null, float)
    B, n = null.shape
    if n < 4:
        return float("nan")
    s_null = np.abs(mk_s(null))
    # p <= alpha  <=>  #(|S_null| >= |S|) <= alpha (B + 1) - 1
    allowed = int(np.floor(alpha * (B + 1) - 1))
    if allowed < 0:  # too few null series for a p-value this small
        return float("nan")
    ordered = np.sort(s_null)[::-1]
    crit = ordered[allowed] + 1 if allowed < B else 0  # |S| must exceed the (allowed+1)-th largest null value
    t = np.arange(n)
    spread = float(np.std(null))
    if spread == 0:
        return float("nan")

    def achieved(slope: float) -> float:
        return float((np.abs(mk_s(slope * t + null)) >= crit).mean())

    lo, hi = 0.0, spread
    while achieved(hi) < power:
        hi *= 2
        if hi > 1e3:
            return float("nan")
    for _ in range(25):
        mid = (lo + hi) / 2
        lo, hi = (mid, hi) if achieved(mid) < power else (lo, mid)
    return hi
