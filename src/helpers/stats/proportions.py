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
P_FLOOR = 1e-300  # a p-value that underflows is stored as this bound (never 0)


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

    Returns the shift p2 - p1 with a Newcombe interval (inside [-1, 1] at any size), the pooled two-sided z test and
    Cohen's h (z empty and p 1 when both years are 0% or both 100%; everything empty when a year has no answers).
    """
    if n1 <= 0 or n2 <= 0:
        nan = float("nan")
        return {"before_share": k1 / n1 if n1 > 0 else nan, "after_share": k2 / n2 if n2 > 0 else nan,
                "share_change": nan, "share_change_low": nan, "share_change_high": nan, "z": nan, "p_value": nan,
                "cohen_h": nan}
    if k1 + k2 in (0, n1 + n2):  # both 0% or both 100%: no variance, nothing to test (z undefined)
        z, p = np.nan, 1.0
    else:
        z, p = proportions_ztest([k2, k1], [n2, n1])
    low, high = confint_proportions_2indep(k2, n2, k1, n1, method="newcomb", alpha=alpha)
    p1, p2 = k1 / n1, k2 / n2
    return {"before_share": p1, "after_share": p2, "share_change": p2 - p1,
            "share_change_low": float(np.clip(low, -1, 1)), "share_change_high": float(np.clip(high, -1, 1)),
            "z": float(z), "p_value": floor_p(float(p)), "cohen_h": float(cohen_h(p2, p1))}


def floor_p(p: float) -> float:
    """A p-value as stored: never exactly 0 (an underflow is stored as its bound, 1e-300)."""
    return float(max(p, P_FLOOR)) if np.isfinite(p) else float(p)


def paired_comparison(a: pd.Series, b: pd.Series, alpha: float = ALPHA) -> dict:
    """McNemar test of P(a) = P(b) when the same respondents can pick both (paired booleans)."""
    a, b = a.astype(bool).to_numpy(), b.astype(bool).to_numpy()
    return paired_counts(int((a & b).sum()), int((a & ~b).sum()), int((~a & b).sum()), int((~a & ~b).sum()), alpha)


def newcombe_paired(both: int, only_a: int, only_b: int, neither: int, alpha: float = ALPHA) -> tuple[float, float]:
    """Newcombe's square-and-add interval for P(a) - P(b) from paired data (Newcombe 1998, method 10; as in
    Fagerland, Lydersen & Laake 2017, ch. 8): the Wilson intervals of the two margins combined with the estimated
    correlation of the two proportions (its continuity-corrected form). Inside [-1, 1] at any sample size; NaN
    when n is 0."""
    n = both + only_a + only_b + neither
    if n <= 0:
        return float("nan"), float("nan")
    p1, p2 = (both + only_a) / n, (both + only_b) / n
    l1, u1 = wilson(both + only_a, n, alpha)
    l2, u2 = wilson(both + only_b, n, alpha)
    margins = [both + only_a, only_b + neither, both + only_b, only_a + neither]
    if min(margins) == 0:
        psi = 0.0
    else:
        A = both * neither - only_a * only_b
        scale = np.sqrt(float(np.prod(np.asarray(margins, float))))
        psi = (A - n / 2) / scale if A > n / 2 else (0.0 if A >= 0 else A / scale)
    d = p1 - p2
    low = d - np.sqrt(max((p1 - l1) ** 2 + (u2 - p2) ** 2 - 2 * psi * (p1 - l1) * (u2 - p2), 0.0))
    high = d + np.sqrt(max((p2 - l2) ** 2 + (u1 - p1) ** 2 - 2 * psi * (p2 - l2) * (u1 - p1), 0.0))
    return float(np.clip(low, -1, 1)), float(np.clip(high, -1, 1))


def paired_counts(both: int, only_a: int, only_b: int, neither: int, alpha: float = ALPHA) -> dict:
    """McNemar from the four cells of the paired table, with Newcombe's square-and-add interval of the difference
    P(a) - P(b) (bounded at any size; `newcombe_paired`).

    Exact binomial McNemar when the discordant pairs number under 25, else chi-square with continuity correction;
    p = 1 without discordant pairs; shares, interval and test empty when nobody answered (n = 0).
    """
    n = both + only_a + only_b + neither
    discordant = only_a + only_b
    exact = discordant < 25
    if n == 0:
        nan = float("nan")
        return {"n": 0, "both": both, "only_a": only_a, "only_b": only_b, "neither": neither, "p_a": nan, "p_b": nan,
                "diff": nan, "diff_low": nan, "diff_high": nan, "statistic": nan, "p_value": nan,
                "test": "no answers"}
    if discordant == 0:
        statistic, p = 0.0, 1.0
    else:
        res = mcnemar([[both, only_a], [only_b, neither]], exact=exact, correction=True)
        statistic, p = float(res.statistic), float(res.pvalue)
    low, high = newcombe_paired(both, only_a, only_b, neither, alpha)
    return {"n": n, "both": both, "only_a": only_a, "only_b": only_b, "neither": neither,
            "p_a": (both + only_a) / n, "p_b": (both + only_b) / n, "diff": (only_a - only_b) / n,
            "diff_low": low, "diff_high": high, "statistic": statistic, "p_value": floor_p(p),
            "test": "McNemar exact" if exact else "McNemar chi2 (continuity-corrected)"}


def poststratified_share(flags: pd.Series, cells: pd.Series, weights: pd.Series, alpha: float = ALPHA) -> dict:
    """Share of `flags` re-weighted to a fixed cell mix (post-stratification).

    `cells` labels each respondent's stratum, `weights` maps stratum -> reference share. Strata
    absent from this sample are dropped and the remaining weights renormalised (`coverage` says
    how much reference weight was kept). The variance is sum w_c^2 p_c (1 - p_c) / n_c; the interval is Wilson's at
    the effective sample size p (1 - p) / variance (at most the sample size; the sample size itself when the
    variance is 0), so it stays inside [0, 1] and is not of zero width at small n. Empty without respondents.
    """
    df = pd.DataFrame({"y": flags.astype(float).to_numpy(), "c": cells.to_numpy()})
    g = df.groupby("c")["y"].agg(["mean", "size"])
    w = weights.reindex(g.index).fillna(0.0)
    coverage = float(w.sum() / weights.sum()) if weights.sum() > 0 else 0.0
    if not len(g) or w.sum() <= 0:
        return {"share": float("nan"), "low": float("nan"), "high": float("nan"), "coverage": coverage}
    w = w / w.sum()
    est = float((w * g["mean"]).sum())
    var = float((w ** 2 * g["mean"] * (1 - g["mean"]) / g["size"]).sum())
    n = float(g["size"].sum())
    n_eff = min(n, est * (1 - est) / var) if var > 0 else n
    low, high = proportion_confint(est * n_eff, n_eff, alpha=alpha, method="wilson")
    return {"share": est, "low": float(max(0.0, low)), "high": float(min(1.0, high)), "coverage": coverage}


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
