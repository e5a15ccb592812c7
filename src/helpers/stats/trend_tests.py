"""Classical tests on PyTorch's monthly share, beside the state-space model (helpers.stats.share_model).

- Whole series (dozens of months): Mann-Kendall with a block-permutation null (12-month blocks keep the
  autocorrelation) and Sen's slope; seasonality measured by STL seasonal strength and a seasonal Mann-Kendall test.
- Short windows (a calendar year, 12 points): nothing autocorrelation-corrected — Hamed-Rao estimates lag
  correlations up to 11 from 12 points. The exact Mann-Kendall test (Kendall's tau against time with its exact null
  distribution; a permutation test when values tie), Sen's slope, and beside every result the minimum detectable
  slope at 80% power, by simulation at the series' own noise and persistence.
- Hinge: the broken-line fit behind "when did the rise begin" (helpers.stats.share_model.onset).
"""
from __future__ import annotations

from functools import lru_cache

import numpy as np
import pandas as pd
import pymannkendall as mk
from scipy import stats
from statsmodels.stats.multitest import multipletests
from statsmodels.tsa.seasonal import STL

SEED = 20210101    # fixed: identical inputs give identical numbers
ALPHA = 0.05
POWER = 0.80


BLOCK = 12         # months per block in the block-permutation Mann-Kendall test
N_PERM = 2000      # block permutations


def mann_kendall(share: pd.Series, block: int = BLOCK, n_perm: int = N_PERM, seed: int = SEED) -> dict:
    """Mann-Kendall trend test on a monthly share, valid for an autocorrelated series: the S statistic against its
    distribution under `n_perm` random orders of `block`-month blocks (the months inside a block keep their order,
    so dependence shorter than a block is preserved under the null); p = (1 + #|S_null| >= |S|) / (1 + n_perm), so
    its floor is 1 / (1 + n_perm). Sen's slope in share points per year. (The Hamed-Rao correction was dropped: on
    a series dominated by its trend it inflated z beyond what any ordering of the data can give.)"""
    x = np.asarray(share, dtype=float)
    n = len(x)
    if n < 2 * block or np.ptp(x) == 0:
        return {"n": n, "trend": "too short" if n < 2 * block else "constant", "tau": np.nan, "p_value": np.nan,
                "sen_slope_per_year": np.nan}
    s_obs = float(mk_s(x[None, :])[0])
    starts = np.arange(0, n, block)
    rng = np.random.default_rng(seed)
    orders = np.argsort(rng.random((n_perm, len(starts))), axis=1)
    blocks = [np.arange(a, min(a + block, n)) for a in starts]
    idx = np.array([np.concatenate([blocks[k] for k in o]) for o in orders])
    s_null = mk_s(x[idx])
    p = (1 + np.sum(np.abs(s_null) >= abs(s_obs))) / (1 + n_perm)
    tau = s_obs / (n * (n - 1) / 2)
    trend = "no trend" if p >= ALPHA else ("increasing" if s_obs > 0 else "decreasing")
    return {"n": n, "trend": trend, "tau": float(tau), "p_value": float(p),
            "sen_slope_per_year": float(stats.theilslopes(x, np.arange(n)).slope) * 12}


def seasonality(share: pd.Series) -> dict:
    """Strength of the 12-month seasonal component (STL: 1 - Var(resid)/Var(season + resid), Hyndman's
    F_s, 0 = none, 1 = all) and the seasonal Mann-Kendall trend p-value."""
    x = pd.Series(np.asarray(share, dtype=float))
    if len(x) < 36:
        return {"seasonal_strength": np.nan, "p_seasonal_mk": np.nan}
    res = STL(x, period=12, robust=True).fit()
    strength = max(0.0, 1 - np.var(res.resid) / np.var(res.seasonal + res.resid))
    return {"seasonal_strength": float(strength), "p_seasonal_mk": float(mk.seasonal_test(x.to_numpy(), period=12).p)}


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


def mann_kendall_exact(x, n_perm: int = 20000, seed: int = SEED) -> dict:
    """Exact Mann-Kendall for a short window: Kendall's tau of the values against time, two-sided p from the exact
    null distribution (scipy), or from `n_perm` permutations when values tie; Sen's slope per step."""
    x = np.asarray(x, dtype=float)
    n = len(x)
    if n < 4 or np.ptp(x) == 0:
        return {"n": n, "tau": np.nan, "p_value": np.nan, "sen_slope": np.nan,
                "test": "too short" if n < 4 else "constant"}
    t = np.arange(n)
    sen = float(stats.theilslopes(x, t).slope)
    if len(np.unique(x)) == n:
        r = stats.kendalltau(t, x, method="exact")
        return {"n": n, "tau": float(r.statistic), "p_value": float(r.pvalue), "sen_slope": sen, "test": "exact"}
    s_obs = mk_s(x[None, :])[0]
    rng = np.random.default_rng(seed)
    perms = np.argsort(rng.random((n_perm, n)), axis=1)
    s_null = mk_s(x[perms])
    p = (1 + np.sum(np.abs(s_null) >= abs(s_obs))) / (n_perm + 1)
    return {"n": n, "tau": float(stats.kendalltau(t, x).statistic), "p_value": float(p), "sen_slope": sen,
            "test": "permutation"}


def mk_s(X: np.ndarray) -> np.ndarray:
    """The Mann-Kendall S statistic of each row: the sum over pairs i < j of sign(x_j - x_i)."""
    i, j = np.triu_indices(X.shape[1], k=1)
    return np.sign(X[:, j] - X[:, i]).sum(axis=1)


@lru_cache(maxsize=32)
def mk_critical(n: int, alpha: float = ALPHA) -> float:
    """Smallest |S| with exact two-sided p <= alpha for n distinct values (from scipy's exact distribution)."""
    t = np.arange(n)
    n_pairs = n * (n - 1) // 2
    for s in range(n_pairs % 2, n_pairs + 1, 2):  # S has the parity of n(n-1)/2
        x = _series_with_s(n, s)
        if stats.kendalltau(t, x, method="exact").pvalue <= alpha:
            return float(s)
    return float("inf")


def _series_with_s(n: int, s: int) -> np.ndarray:
    """A permutation of 0..n-1 whose S equals s (built by adjacent swaps from the increasing order)."""
    x = list(range(n))
    current = n * (n - 1) // 2
    i = 0
    while current > s:
        for k in range(n - 1 - i):
            if current <= s:
                break
            if x[k] < x[k + 1]:
                x[k], x[k + 1] = x[k + 1], x[k]
                current -= 2
        i = (i + 1) % (n - 1)
    return np.array(x, dtype=float)


def minimum_detectable_slope(n: int, sd: float, phi: float = 0.0, power: float = POWER, alpha: float = ALPHA,
                             n_sim: int = 2000, seed: int = SEED) -> float:
    """Smallest linear slope (per step) the Mann-Kendall test detects with `power` at a real level `alpha`, when the
    series is that slope plus AR(1) noise with marginal s.d. `sd` and lag-one correlation `phi` (by simulation: the
    critical value is calibrated on the same simulated noise without a slope)."""
    if not np.isfinite(sd) or sd <= 0 or n < 4:
        return float("nan")
    rng = np.random.default_rng(seed)
    e = rng.standard_normal((n_sim, n))
    noise = np.empty_like(e)
    noise[:, 0] = e[:, 0]
    for k in range(1, n):
        noise[:, k] = phi * noise[:, k - 1] + np.sqrt(1 - phi**2) * e[:, k]
    noise *= sd
    # the critical |S| whose level is `alpha` under this noise (the exact i.i.d. value rejects far more often when
    # phi > 0), never below the exact one
    crit = max(mk_critical(n, alpha), float(np.quantile(np.abs(mk_s(noise)), 1 - alpha, method="higher")) + 1)
    t = np.arange(n)

    def achieved(slope: float) -> float:
        return float((np.abs(mk_s(slope * t + noise)) >= crit).mean())

    lo, hi = 0.0, sd
    while achieved(hi) < power:
        hi *= 2
    for _ in range(30):
        mid = (lo + hi) / 2
        lo, hi = (mid, hi) if achieved(mid) < power else (lo, mid)
    return hi
