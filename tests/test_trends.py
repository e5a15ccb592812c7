"""Trend statistics against scipy and synthetic series with known answers."""
import numpy as np
import pandas as pd
import pytest
from scipy import stats

from helpers.stats import trend_tests as trends


def months(n, start="2017-01"):
    return pd.Series(pd.period_range(start, periods=n, freq="M").astype(str))


def test_mann_kendall_tau_and_sen_slope_match_scipy():
    rng = np.random.default_rng(1)
    x = np.linspace(0.1, 0.6, 60) + rng.normal(0, 0.03, 60)
    r = trends.mann_kendall(pd.Series(x))
    tau = stats.kendalltau(np.arange(60), x).statistic
    sen = stats.theilslopes(x, np.arange(60)).slope
    assert r["tau"] == pytest.approx(tau, abs=1e-9)
    assert r["sen_slope_per_year"] == pytest.approx(12 * sen)
    assert r["trend"] == "increasing" and r["p_value"] < 1e-6


def test_autocorrelation_correction_widens_the_test():
    # a random walk has strong autocorrelation: Hamed-Rao's z must be smaller than the naive one
    rng = np.random.default_rng(3)
    x = np.cumsum(rng.normal(0, 1, 120))
    import pymannkendall as mk
    assert abs(trends.mann_kendall(pd.Series(x))["z"]) <= abs(mk.original_test(x).z)


def test_short_or_constant_series_are_not_tested():
    assert trends.mann_kendall(pd.Series([0.1, 0.2]))["trend"] == "too short"
    assert trends.mann_kendall(pd.Series([0.3] * 20))["trend"] == "constant"


@pytest.mark.parametrize("series, expected", [
    ([0.4] * 10 + [0.6] * 10, 10),                    # clean step at index 10
    ([0.4] * 10 + [0.6] * 5 + [0.35] + [0.7] * 8, 10),  # a one-month dip is smoothed over by the 3-month mean
    ([0.4] * 10 + [0.6] * 5 + [0.3] * 3 + [0.7] * 8, 18),  # a real reversal: the lead only counts after it
    ([0.45] * 30, None),                              # never
    ([0.6] * 12, 0),                                  # ahead from the start
])
def test_crossover_persistence_rule(series, expected):
    assert trends.crossover_index(np.array(series)) == expected


def test_crossover_interval_brackets_a_noisy_step():
    rng = np.random.default_rng(5)
    n = 72
    x = np.clip(0.2 + 0.6 * np.arange(n) / n + rng.normal(0, 0.03, n), 0, 1)  # crosses 0.5 at month 36
    r = trends.crossover(months(n), pd.Series(x))
    m = months(n)
    assert m[30] <= r["crossover_month"] <= m[42]
    assert r["crossover_low"] <= r["crossover_month"] <= r["crossover_high"]
    assert r["p_never"] == 0


def test_never_crossing_reports_the_closest_approach():
    x = np.concatenate([np.linspace(0.1, 0.45, 30), [0.44] * 6])
    r = trends.crossover(months(36), pd.Series(x))
    assert r["crossover_month"] is None and r["closest_share"] == pytest.approx(0.45, abs=0.01)


def test_hinge_finds_a_known_change_point_with_an_interval():
    rng = np.random.default_rng(7)
    n, tau = 60, 25
    t = np.arange(n)
    y = 0.1 + 0.008 * np.clip(t - tau, 0, None) + rng.normal(0, 0.005, n)
    r = trends.change_point(months(n), pd.Series(y))
    m = months(n)
    assert m[tau - 3] <= r["change_month"] <= m[tau + 3]
    assert r["change_low"] <= m[tau] <= r["change_high"]
    assert r["slope_before"] == pytest.approx(0, abs=0.02) and r["slope_after"] == pytest.approx(0.096, abs=0.02)


def test_hinge_batch_equals_one_by_one():
    rng = np.random.default_rng(11)
    Y = rng.normal(size=(4, 40)).cumsum(axis=1)
    assert list(trends.hinge_batch(Y)) == [trends.hinge(y)[0] for y in Y]


def test_year_leader_and_determinism():
    rng = np.random.default_rng(9)
    x = pd.Series(np.clip(0.62 + rng.normal(0, 0.02, 48), 0, 1))
    a = trends.year_leader(months(48), x, 2019)
    assert a["leader"] == "PyTorch" and a["pt_led_months"] == 12 and a["low"] < a["mean_share"] < a["high"]
    assert trends.year_leader(months(48), x, 2019) == a  # fixed seed: identical
    assert trends.year_leader(months(48), x, 2030)["leader"] == "not covered"


def test_seasonality_detects_a_pure_seasonal_series():
    t = np.arange(72)
    strong = trends.seasonality(pd.Series(0.5 + 0.1 * np.sin(2 * np.pi * t / 12) + 0.001 * t))
    rng = np.random.default_rng(2)
    weak = trends.seasonality(pd.Series(0.5 + 0.004 * t + rng.normal(0, 0.02, 72)))
    assert strong["seasonal_strength"] > 0.9 and weak["seasonal_strength"] < 0.5


def test_holm_adjustment_matches_statsmodels_and_keeps_nan():
    from statsmodels.stats.multitest import multipletests
    p = pd.Series([0.01, np.nan, 0.04, 0.03])
    out = trends.adjust(p)
    assert np.isnan(out[1])
    assert np.allclose(out[[0, 2, 3]], multipletests([0.01, 0.04, 0.03], method="holm")[1])
