"""Classical trend statistics against scipy/statsmodels and series with known answers."""
import numpy as np
import pandas as pd
import pymannkendall as mk
import pytest
from scipy import stats

from helpers.stats import trend_tests as tt


def test_mann_kendall_tau_and_sen_slope_match_scipy():
    rng = np.random.default_rng(1)
    x = np.linspace(0.1, 0.6, 120) + rng.normal(0, 0.03, 120)
    r = tt.mann_kendall(pd.Series(x))
    assert r["tau"] == pytest.approx(stats.kendalltau(np.arange(120), x).statistic, abs=1e-9)
    assert r["sen_slope_per_year"] == pytest.approx(12 * stats.theilslopes(x, np.arange(120)).slope)
    # no order of the 12-month blocks gives an S as large: the p-value is the permutation test's floor
    assert r["trend"] == "increasing" and r["p_value"] == pytest.approx(1 / (1 + tt.N_PERM))


def ar1(rng, n_series, n, phi):
    e = rng.standard_normal((n_series, n))
    x = np.empty_like(e)
    x[:, 0] = e[:, 0]
    for k in range(1, n):
        x[:, k] = phi * x[:, k - 1] + np.sqrt(1 - phi**2) * e[:, k]
    return x


def test_block_permutation_mann_kendall_keeps_its_level_on_an_autocorrelated_series():
    """AR(1) noise with phi 0.6 and no trend: the i.i.d. Mann-Kendall test rejects far more than 5% of the time,
    the block-permutation test about 5%."""
    series = ar1(np.random.default_rng(3), 300, 96, 0.6)
    block = np.mean([tt.mann_kendall(pd.Series(x), n_perm=199)["p_value"] < 0.05 for x in series])
    iid = np.mean([mk.original_test(x).p < 0.05 for x in series])
    assert iid > 0.2 and block < 0.09


def test_exact_mann_kendall_equals_scipys_exact_kendall_tau():
    rng = np.random.default_rng(2)
    for _ in range(5):
        x = rng.normal(size=12).cumsum()
        r = tt.mann_kendall_exact(x)
        ref = stats.kendalltau(np.arange(12), x, method="exact")
        assert r["test"] == "exact" and r["p_value"] == pytest.approx(ref.pvalue) and r["tau"] == pytest.approx(ref.statistic)


def test_no_twelve_point_test_reports_an_impossible_p_value():
    from math import factorial
    x = np.arange(12, dtype=float)  # a perfectly increasing year: the smallest possible p is 2 / 12!
    assert tt.mann_kendall_exact(x)["p_value"] == pytest.approx(2 / factorial(12))


def test_ties_use_a_permutation_test():
    x = np.array([1, 1, 2, 2, 3, 3, 3, 4, 4, 5, 5, 6], dtype=float)
    r = tt.mann_kendall_exact(x)
    assert r["test"] == "permutation" and 0 < r["p_value"] < 0.01


def test_critical_value_of_s_for_twelve_points():
    # published tables (e.g. Hollander & Wolfe): n = 12, two-sided 5%: |S| >= 30
    assert tt.mk_critical(12) == 30
    assert all(tt.mk_s(tt._series_with_s(12, s)[None, :])[0] == s for s in (66, 30, 0, -20))


def test_minimum_detectable_slope_has_the_stated_power():
    sd, phi, n = 0.02, 0.5, 12
    mde = tt.minimum_detectable_slope(n, sd, phi)
    noise = sd * ar1(np.random.default_rng(99), 8000, n, phi)  # an independent simulation
    crit = np.quantile(np.abs(tt.mk_s(noise)), 0.95, method="higher") + 1  # a 5% test under this noise
    assert (np.abs(tt.mk_s(noise)) >= crit).mean() <= 0.05
    power = (np.abs(tt.mk_s(mde * np.arange(n) + noise)) >= crit).mean()
    assert power == pytest.approx(0.80, abs=0.03)
    assert tt.minimum_detectable_slope(n, 2 * sd, phi) > mde  # more noise, larger detectable slope


def brute_force_hinge(y, margin, accelerating):
    n = len(y)
    t = np.arange(n)
    best, best_rss = -1, np.inf
    for tau in range(margin, n - margin):
        X = np.column_stack([np.ones(n), t, np.clip(t - tau, 0, None)])
        coef, *_ = np.linalg.lstsq(X, y, rcond=None)
        rss = ((y - X @ coef) ** 2).sum()
        if (not accelerating or coef[2] > 0) and rss < best_rss:
            best, best_rss = tau, rss
    return best


@pytest.mark.parametrize("accelerating", [False, True])
def test_hinge_batch_equals_brute_force_least_squares(accelerating):
    rng = np.random.default_rng(11)
    Y = rng.normal(size=(6, 40)).cumsum(axis=1)
    assert list(tt.hinge_batch(Y, margin=3, accelerating=accelerating)) == [
        brute_force_hinge(y, 3, accelerating) for y in Y]


def test_accelerating_hinge_finds_a_known_onset_and_none_for_a_concave_path():
    t = np.arange(48, dtype=float)
    onset = 0.1 * t + 0.5 * np.clip(t - 15, 0, None)
    concave = np.log1p(t)
    got = tt.hinge_batch(np.vstack([onset, concave]), margin=3, accelerating=True)
    assert got[0] == 15 and got[1] == -1


def test_seasonality_detects_a_pure_seasonal_series():
    t = np.arange(72)
    strong = tt.seasonality(pd.Series(0.5 + 0.1 * np.sin(2 * np.pi * t / 12) + 0.001 * t))
    weak = tt.seasonality(pd.Series(0.5 + 0.004 * t + np.random.default_rng(2).normal(0, 0.02, 72)))
    assert strong["seasonal_strength"] > 0.9 and weak["seasonal_strength"] < 0.5


def test_holm_adjustment_matches_statsmodels_and_keeps_nan():
    from statsmodels.stats.multitest import multipletests
    out = tt.adjust(pd.Series([0.01, np.nan, 0.04, 0.03]))
    assert np.isnan(out[1])
    assert np.allclose(out[[0, 2, 3]], multipletests([0.01, 0.04, 0.03], method="holm")[1])
