"""Classical trend statistics against scipy/statsmodels and series with known answers."""
import numpy as np
import pandas as pd
import pymannkendall as mk
import pytest
from scipy import stats

from helpers.stats import trend_tests as tt


def ar1(rng, n_series, n, phi):
    e = rng.standard_normal((n_series, n))
    x = np.empty_like(e)
    x[:, 0] = e[:, 0]
    for k in range(1, n):
        x[:, k] = phi * x[:, k - 1] + np.sqrt(1 - phi**2) * e[:, k]
    return x


def test_mann_kendall_tau_and_sen_slope_match_scipy_and_the_p_value_has_its_floor():
    rng = np.random.default_rng(1)
    x = np.linspace(0.1, 0.6, 120) + rng.normal(0, 0.03, 120)
    null = 0.35 + 0.03 * rng.standard_normal((999, 120))
    r = tt.mann_kendall(pd.Series(x), null)
    assert r["tau"] == pytest.approx(stats.kendalltau(np.arange(120), x).statistic, abs=1e-9)
    assert r["sen_slope_per_year"] == pytest.approx(12 * stats.theilslopes(x, np.arange(120)).slope)
    # no trend-free series gives an S as large: the p-value is its floor 1 / (B + 1), never 0
    assert r["trend"] == "increasing" and r["p_value"] == pytest.approx(1 / 1000)


def test_the_p_value_counts_null_series_at_least_as_extreme():
    """A hand-made null of S values: p = (1 + #|S_null| >= |S|) / (B + 1)."""
    x = np.array([0.0, 1.0, 2.0, 3.0])  # S = 6
    null = np.array([[0, 1, 2, 3], [3, 2, 1, 0], [0, 2, 1, 3], [1, 0, 2, 3]], float)  # S = 6, -6, 4, 4
    assert tt.mann_kendall(x, null)["p_value"] == pytest.approx((1 + 2) / 5)


def test_trend_free_series_have_the_stated_noise():
    """Without counting noise (huge counts), the logit of a trend-free series is the level plus AR(1) deviations of
    the stated persistence and variance plus irregulars."""
    noise = tt.Noise(phi=0.8, s2_ar=0.01, s2_irregular=0.0, totals=np.full(400, 1e9))
    x = tt.trend_free(noise, level=-0.5, n_sim=400, seed=3)
    logit = np.log(x / (1 - x))
    assert logit.mean() == pytest.approx(-0.5, abs=0.02)
    assert logit.var(axis=1).mean() == pytest.approx(0.01 / (1 - 0.64), rel=0.1)
    lag1 = np.mean([np.corrcoef(v[:-1], v[1:])[0, 1] for v in logit])
    assert lag1 == pytest.approx(0.8, abs=0.03)


def test_a_null_from_the_right_noise_keeps_the_level_where_the_iid_test_does_not():
    """AR(1) noise with phi 0.9 and no trend: the i.i.d. Mann-Kendall test rejects far more than 5% of the time;
    against trend-free series with the same noise, about 5% (at most 7%)."""
    rng = np.random.default_rng(3)
    series = 0.02 * ar1(rng, 300, 96, 0.9)
    null = 0.02 * ar1(np.random.default_rng(4), 999, 96, 0.9)
    ours = np.mean([tt.mann_kendall(x, null)["p_value"] < 0.05 for x in series])
    iid = np.mean([mk.original_test(x).p < 0.05 for x in series])
    assert iid > 0.4 and ours <= 0.07


def test_minimum_detectable_slope_has_the_stated_power_under_the_tests_own_noise():
    sd, phi, n = 0.02, 0.5, 12
    null = sd * ar1(np.random.default_rng(98), 2000, n, phi)
    mde = tt.minimum_detectable_slope(null)
    noise = sd * ar1(np.random.default_rng(99), 8000, n, phi)  # an independent simulation of the same noise
    p = np.array([tt.mann_kendall(x, null)["p_value"] for x in noise[:400]])
    assert (p < 0.05).mean() <= 0.07                          # the test keeps its level on fresh noise
    power = np.mean([tt.mann_kendall(mde * np.arange(n) + x, null)["p_value"] <= 0.05 for x in noise[:1000]])
    assert power == pytest.approx(0.80, abs=0.04)
    assert tt.minimum_detectable_slope(2 * null) > mde  # more noise, larger detectable slope


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


def test_a_p_value_that_underflows_is_stored_as_its_bound():
    from helpers.stats.proportions import P_FLOOR, floor_p
    assert floor_p(0.0) == P_FLOOR == 1e-300 and floor_p(0.03) == 0.03 and np.isnan(floor_p(np.nan))
    t = np.arange(120)
    strong = tt.seasonality(pd.Series(0.1 + 0.005 * t + 0.02 * np.sin(2 * np.pi * t / 12)))
    assert strong["p_seasonal_mk"] >= P_FLOOR
