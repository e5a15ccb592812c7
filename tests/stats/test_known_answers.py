"""Every interval method, level and decision threshold the reports state, against a published or hand-computed
answer: a change of level (90% for 95%), of method or of threshold fails here."""
from __future__ import annotations

import warnings

import numpy as np
import pandas as pd
import pytest
from scipy.stats import norm

from helpers.registry.signals import SIGNAL_BY_ID
from helpers.stats import proportions
from helpers.stats import share_model as sm
from helpers.stats import signal_results as sr

Z95 = 1.959963984540054  # norm.ppf(0.975)


def test_the_reports_z_is_the_95_percent_one():
    assert norm.ppf(0.975) == pytest.approx(Z95, abs=1e-12)


# --- survey intervals: published values ---------------------------------------------------------------------------

def test_wilson_81_of_263():
    """Newcombe (1998a), Table I: 81/263, Wilson score interval 0.2553 to 0.3662."""
    lo, hi = proportions.wilson(81, 263)
    assert (round(lo, 4), round(hi, 4)) == (0.2553, 0.3662)


@pytest.mark.parametrize("k1, n1, k2, n2, expected", [(56, 70, 48, 80, (0.0524, 0.3339)),
                                                      (9, 10, 3, 10, (0.1705, 0.8090))])
def test_newcombe_shift_for_independent_proportions(k1, n1, k2, n2, expected):
    """Newcombe (1998b), Table II, method 10 (the later year minus the earlier: here p1 - p2 as published)."""
    r = proportions.two_proportion(k2, n2, k1, n1)
    assert (round(r["share_change_low"], 4), round(r["share_change_high"], 4)) == expected


def test_newcombe_square_and_add_for_paired_proportions():
    """Fagerland, Lydersen & Laake (2017), ch. 8, the Cavo et al. (2012) table [[59, 6], [16, 80]]: estimate
    -0.0621, 95% interval -0.1186 to -0.0046."""
    r = proportions.paired_counts(59, 6, 16, 80)
    assert round(r["diff"], 4) == -0.0621
    assert (round(r["diff_low"], 4), round(r["diff_high"], 4)) == (-0.1186, -0.0046)


def test_post_stratified_share_by_hand():
    """Two strata weighted 0.6 / 0.4 with 30 of 100 and 10 of 50: share 0.6*0.3 + 0.4*0.2 = 0.26, variance
    0.36*0.21/100 + 0.16*0.16/50 = 0.001268; Wilson at the effective size 0.26*0.74/0.001268 = 151.7, capped at
    the 150 respondents. With 0.9 / 0.1 weights the effective size is below the sample: 118.8."""
    flags = pd.Series([True] * 30 + [False] * 70 + [True] * 10 + [False] * 40)
    cells = pd.Series(["a"] * 100 + ["b"] * 50)
    r = proportions.poststratified_share(flags, cells, pd.Series({"a": 0.6, "b": 0.4}))
    def wilson(p, n):
        centre = (p + Z95**2 / (2 * n)) / (1 + Z95**2 / n)
        half = Z95 * np.sqrt(p * (1 - p) / n + Z95**2 / (4 * n**2)) / (1 + Z95**2 / n)
        return centre - half, centre + half
    assert r["share"] == pytest.approx(0.26) and (r["low"], r["high"]) == pytest.approx(wilson(0.26, 150))
    r = proportions.poststratified_share(flags, cells, pd.Series({"a": 0.9, "b": 0.1}))
    p, var = 0.9 * 0.3 + 0.1 * 0.2, 0.81 * 0.21 / 100 + 0.01 * 0.16 / 50
    assert (r["low"], r["high"]) == pytest.approx(wilson(p, p * (1 - p) / var))


# --- the model's intervals ----------------------------------------------------------------------------------------

def test_the_model_band_is_the_smoothers_95_percent_band():
    """With one hyperparameter vector and no irregular variance, the monthly band is logistic(mean +- 1.96 sd) of
    statsmodels' Kalman smoother (trend + AR(1) deviation): a 90% band would fail here."""
    rng = np.random.default_rng(12)
    T = 40
    months = [str(p) for p in pd.period_range("2018-01", periods=T, freq="M")]
    y = -0.8 + 0.03 * np.arange(T) + rng.normal(0, 0.1, T)
    h = np.full(T, 0.02)
    series = sm.Series(SIGNAL_BY_ID["so_questions"], months, np.ones(T), np.full(T, 2.0), True, [],
                       np.zeros((T, 0)))
    p = np.array([1e-4, 0.6, 0.01, 0.0])
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        smoothed = sm.ShareModel(y, h, series.D).smooth(p)
    st, cov = smoothed.smoothed_state, smoothed.smoothed_state_cov
    mean, sd = st[0] + st[2], np.sqrt(cov[0, 0] + cov[2, 2] + 2 * cov[0, 2])
    table = sm.monthly_table(series, [sm.Posterior(y, h, series, p)], np.ones(1))
    np.testing.assert_allclose(table["latent_share_low"], sm.logistic(mean - Z95 * sd), atol=1e-7)
    np.testing.assert_allclose(table["latent_share_high"], sm.logistic(mean + Z95 * sd), atol=1e-7)
    np.testing.assert_allclose(table["ahead_prob"], norm.sf(0, loc=mean, scale=sd), atol=1e-7)


def test_interval_and_summaries_are_the_central_95_and_90_percent():
    v = np.linspace(0, 1, 100_001)
    assert sm.interval(v) == pytest.approx((0.025, 0.975))
    y = sm.year_summary(v, 12)
    c = sm.change_summary(v - 0.5, 12)
    assert (y["low"], y["high"], y["share"]) == pytest.approx((0.025, 0.975, 0.5))
    assert (c["low"], c["high"], c["low90"], c["high90"]) == pytest.approx((-0.475, 0.475, -0.45, 0.45))
    assert y["ahead_prob"] == pytest.approx(0.5, abs=1e-4)


@pytest.mark.parametrize("low, high, leader", [(0.5001, 0.6, "PyTorch"), (0.5, 0.6, "too close to call"),
                                               (0.4, 0.4999, "TensorFlow"), (0.4, 0.5, "too close to call")])
def test_a_leader_is_named_only_when_the_95_percent_interval_excludes_half(low, high, leader):
    assert sr.leader(low, high) == leader


def test_the_grid_of_hyperparameters_is_deterministic_and_weights_its_points_by_the_posterior():
    """No seed: the same fit gives the same vectors and weights; the weights sum to 1 and the densest point is the
    posterior mode's neighbourhood (the largest weight at the grid's centre row)."""
    rng = np.random.default_rng(3)
    T = 60
    months = [str(p) for p in pd.period_range("2018-01", periods=T, freq="M")]
    totals = rng.integers(20, 60, T)
    pt = rng.binomial(totals, sm.logistic(-1 + 0.04 * np.arange(T)))
    s = sm.prepare(pd.DataFrame({"month": months, "pt": pt, "tf": totals - pt}), SIGNAL_BY_ID["dsse_questions"])
    f = sm.fit(s)
    one, two = sm.hyperparameter_sets(f, 16), sm.hyperparameter_sets(f, 16)
    assert all(np.array_equal(a, b) for a, b in zip(one.params, two.params, strict=True))
    assert np.array_equal(one.weights, two.weights) and one.weights.sum() == pytest.approx(1.0)
    U, w = sm.posterior_grid(f)
    assert w.sum() == pytest.approx(1.0) and len(w) == one.points and 1 <= one.ess <= len(w)
    assert one.ess == pytest.approx(1 / (w**2).sum())
