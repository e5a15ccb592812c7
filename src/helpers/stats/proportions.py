"""Survey statistics: Wilson intervals, McNemar, two-proportion tests, Cohen's h, re-weighting.

Shares are fractions in [0, 1]. Tests come from statsmodels; this module only arranges inputs
and outputs so that notebooks show one tidy table per question.
"""
from __future__ import annotations

import numpy as np
import pandas as pd
from scipy import stats
from statsmodels.stats.contingency_tables import mcnemar
from statsmodels.stats.proportion import (
    confint_proportions_2indep,
    proportion_confint,
    proportion_effectsize,
    proportions_ztest,
)

ALPHA = 0.05


def wilson(k, n, alpha: float = ALPHA):
    """Wilson score interval for k successes out of n (vectorised); returns (low, high). Exact 0 at k = 0 and 1
    at k = n (the closed form leaves rounding dust such as 2.7e-20); NaN where n is 0 or missing."""
    k, n = np.asarray(k, dtype=float), np.asarray(n, dtype=float)
    ok = n > 0
    with np.errstate(invalid="ignore", divide="ignore"):
        low, high = proportion_confint(np.where(ok, k, 0), np.where(ok, n, 1), alpha=alpha, method="wilson")
    low = np.where(ok, np.where(k <= 0, 0.0, low), np.nan)
    high = np.where(ok, np.where(k >= n, 1.0, high), np.nan)
    return (float(low), float(high)) if low.ndim == 0 else (low, high)


def add_wilson(shares: pd.DataFrame, alpha: float = ALPHA) -> pd.DataFrame:
    """Add all_share_low/high and answered_share_low/high (Wilson, 1-alpha) to a shares table."""
    out = shares.copy()
    k = out["n_selected"].astype(float)
    out["all_share_low"], out["all_share_high"] = wilson(k, out["n_respondents"].astype(float), alpha)
    out["answered_share_low"], out["answered_share_high"] = wilson(k, out["n_answered"].astype(float), alpha)
    return out


def cohen_h(p1, p2):
    """Cohen's h = 2 asin(sqrt p1) - 2 asin(sqrt p2); |h| 0.2 small, 0.5 medium, 0.8 large."""
    return proportion_effectsize(p1, p2)


def two_proportion(k1: int, n1: int, k2: int, n2: int, alpha: float = ALPHA) -> dict:
    """Compare independent proportions k1/n1 (earlier) and k2/n2 (later).

    Returns the shift p2 - p1 with a Newcombe interval, the pooled two-sided z test and Cohen's h (z empty and p 1
    when both years are 0% or both 100%).
    """
    if k1 + k2 in (0, n1 + n2):  # both 0% or both 100%: no variance, nothing to test (z undefined)
        z, p = np.nan, 1.0
    else:
        z, p = proportions_ztest([k2, k1], [n2, n1])
    low, high = confint_proportions_2indep(k2, n2, k1, n1, method="newcomb", alpha=alpha)
    p1, p2 = k1 / n1, k2 / n2
    return {"before_share": p1, "after_share": p2, "share_change": p2 - p1, "share_change_low": low,
            "share_change_high": high,
            "z": float(z), "p_value": float(p), "cohen_h": float(cohen_h(p2, p1))}


def paired_comparison(a: pd.Series, b: pd.Series, alpha: float = ALPHA) -> dict:
    """McNemar test of P(a) = P(b) when the same respondents can pick both (paired booleans)."""
    a, b = a.astype(bool).to_numpy(), b.astype(bool).to_numpy()
    return paired_counts(int((a & b).sum()), int((a & ~b).sum()), int((~a & b).sum()), int((~a & ~b).sum()), alpha)


def paired_counts(both: int, only_a: int, only_b: int, neither: int, alpha: float = ALPHA) -> dict:
    """McNemar from the four cells of the paired table.

    Exact binomial McNemar when the discordant pairs number under 25, else chi-square with
    continuity correction. The difference P(a) - P(b) gets a Wald interval for paired data.
    """
    n = both + only_a + only_b + neither
    exact = only_a + only_b < 25
    res = mcnemar([[both, only_a], [only_b, neither]], exact=exact, correction=True)
    diff = (only_a - only_b) / n
    se = np.sqrt((only_a + only_b) - (only_a - only_b) ** 2 / n) / n
    zc = stats.norm.ppf(1 - alpha / 2)
    return {"n": n, "both": both, "only_a": only_a, "only_b": only_b, "neither": neither,
            "p_a": (both + only_a) / n, "p_b": (both + only_b) / n, "diff": diff,
            "diff_low": diff - zc * se, "diff_high": diff + zc * se,
            "statistic": float(res.statistic), "p_value": float(res.pvalue),
            "test": "McNemar exact" if exact else "McNemar chi2 (continuity-corrected)"}


def poststratified_share(flags: pd.Series, cells: pd.Series, weights: pd.Series, alpha: float = ALPHA) -> dict:
    """Share of `flags` re-weighted to a fixed cell mix (post-stratification).

    `cells` labels each respondent's stratum, `weights` maps stratum -> reference share. Strata
    absent from this sample are dropped and the remaining weights renormalised (`coverage` says
    how much reference weight was kept). The interval is the normal approximation with
    variance sum w_c^2 p_c (1 - p_c) / n_c.
    """
    df = pd.DataFrame({"y": flags.astype(float).to_numpy(), "c": cells.to_numpy()})
    g = df.groupby("c")["y"].agg(["mean", "size"])
    w = weights.reindex(g.index).fillna(0.0)
    coverage = float(w.sum() / weights.sum())
    w = w / w.sum()
    est = float((w * g["mean"]).sum())
    se = float(np.sqrt((w ** 2 * g["mean"] * (1 - g["mean"]) / g["size"]).sum()))
    zc = stats.norm.ppf(1 - alpha / 2)
    return {"share": est, "low": max(0.0, est - zc * se), "high": min(1.0, est + zc * se), "coverage": coverage}


def max_compatible_n(claimed: float, true: float, alpha: float = ALPHA) -> float:
    """Largest simple-random-sample size at which a claimed share is not rejected against the true one.

    Normal approximation: the claim is compatible while |claimed - true| < z * sqrt(true (1 - true) / n).
    """
    if claimed == true:
        return float("inf")
    zc = stats.norm.ppf(1 - alpha / 2)
    return zc ** 2 * true * (1 - true) / (claimed - true) ** 2


def claim_vs_sample(claimed_pt: float, claimed_tf: float, n_claim: int, pt: pd.Series, tf: pd.Series) -> dict:
    """Could a random sample of `n_claim` respondents from this survey show the claimed shares?

    Two-sided binomial tests of each claimed share against the survey's share, and a z test of the
    claimed PyTorch-minus-TensorFlow gap against the survey's paired gap, with the standard error a
    sample of n_claim would have.
    """
    pt, tf = pt.astype(bool).to_numpy(), tf.astype(bool).to_numpy()
    p_pt, p_tf = pt.mean(), tf.mean()
    d = pt.astype(int) - tf.astype(int)
    se_gap = d.std(ddof=0) / np.sqrt(n_claim)
    z_gap = ((claimed_pt - claimed_tf) - d.mean()) / se_gap
    k_pt, k_tf = round(claimed_pt * n_claim), round(claimed_tf * n_claim)
    return {"n_claim": n_claim, "claimed_pt": claimed_pt, "claimed_tf": claimed_tf,
            "survey_pt": float(p_pt), "survey_tf": float(p_tf), "survey_gap": float(d.mean()),
            "p_pt": float(stats.binomtest(k_pt, n_claim, p_pt).pvalue),
            "p_tf": float(stats.binomtest(k_tf, n_claim, p_tf).pvalue),
            "z_gap": float(z_gap), "p_gap": float(2 * stats.norm.sf(abs(z_gap)))}
