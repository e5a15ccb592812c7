"""The coverage study itself: its simulation matches exact answers where they exist, and its monthly machinery
re-fits simulated series and finds the model's intervals covering the truth."""
from __future__ import annotations

import numpy as np
import pandas as pd
import pytest
from scipy import stats
from statsmodels.stats.proportion import proportion_confint

from helpers.registry.signals import SIGNAL_BY_ID
from helpers.stats import calibration
from helpers.stats import share_model as sm
from helpers.stats.signal_results import Result


def exact_wilson_coverage(n: int, p: float) -> float:
    """Coverage of the Wilson interval by summing the binomial pmf over the k whose interval contains p."""
    k = np.arange(n + 1)
    lo, hi = proportion_confint(k, n, method="wilson")
    return float(stats.binom.pmf(k, n, p)[(lo <= p) & (p <= hi)].sum())


@pytest.mark.parametrize("n, k", [(400, 120), (60, 6), (24, 0)])
def test_simulated_wilson_coverage_agrees_with_the_exact_sum(n, k):
    """Simulated at the share half a count from the ends, (k + 0.5) / (n + 1): 0 of 24 is simulated at 1/50."""
    yearly = pd.DataFrame([{"signal_id": "kaggle_survey", "year": 2021, "named": n, "pytorch": k, "pytorch_share": k / n}])
    row = calibration.yearly_signal_study(yearly, n_sim=20_000, seed=1).iloc[0]
    exact = exact_wilson_coverage(n, (k + 0.5) / (n + 1))
    assert 0.5 * row["oracle_width"] < row["width"] < 3 * row["oracle_width"]
    assert abs(row["coverage_share"] - exact) < 4 * row["mc_se"]
    assert row["mc_se"] == pytest.approx(np.sqrt(row["coverage_share"] * (1 - row["coverage_share"]) / 20_000))


@pytest.fixture(scope="module")
def fitted():
    """A 6-year monthly signal with a rise and a documented-looking structure, fitted as the reports fit it."""
    rng = np.random.default_rng(2)
    T = 72
    months = [str(p) for p in pd.period_range("2017-01", periods=T, freq="M")]
    eta = -1.2 + 0.035 * np.arange(T) + 0.2 * np.sin(np.arange(T) / 5)
    totals = rng.integers(30, 90, T)
    pt = rng.binomial(totals, sm.logistic(eta))
    sig = SIGNAL_BY_ID["dsse_questions"]
    series = sm.prepare(pd.DataFrame({"month": months, "pt": pt, "tf": totals - pt}), sig)
    return Result(sig, sm.summarise(sm.fit(series), n=1000))


def test_simulate_keeps_the_months_and_totals_and_adds_the_scenario_break(fitted):
    rng = np.random.default_rng(0)
    sim, truth = calibration.simulate(fitted, "level break", rng)
    assert sim.months == fitted.series.months
    np.testing.assert_array_equal(sim.total, fitted.series.total)
    assert sim.D.shape[1] == fitted.series.D.shape[1] + 1 and sim.D[-1, -1] == 1 and sim.D[0, -1] == 0
    assert (sim.pt <= sim.total).all() and truth["theta"].shape == (72,)


def test_a_replicate_is_reproducible(fitted):
    one, two = (calibration.replicate(fitted, "fitted", np.random.default_rng(7), 2021) for _ in range(2))
    assert one == two and {"year share", "within-year change", "crossover month"} <= set(one)


def test_the_model_intervals_cover_a_well_specified_simulation(fitted):
    table = pd.DataFrame(calibration._signal_job((fitted, "fitted", 8, 7))).set_index("method")
    assert table.loc["year share", "year"] == 2021 and table.loc["year share", "n_sim"] == 8
    # 8 replicates of a well-specified model: a 95% interval missing 3 or more times has probability about 0.6%
    assert (table.loc[["year share", "crossover month"], "coverage_share"] >= 6 / 8).all()
    assert (table["width"] > 0).all() and (table["oracle_width"] > 0).all()


def test_the_scenarios_outside_the_model_have_their_named_shapes(fitted):
    T = len(fitted.series.months)
    base, _ = calibration.simulate(fitted, "fitted", np.random.default_rng(1))
    # undocumented: the model is not told (no extra column), yet the truth shifts by +0.3 from the middle
    sim, truth = calibration.simulate(fitted, "undocumented break", np.random.default_rng(1))
    _, plain = calibration.simulate(fitted, "fitted", np.random.default_rng(1))
    assert sim.D.shape == fitted.series.D.shape
    np.testing.assert_allclose(truth["theta"] - plain["theta"], calibration.BREAK_EFFECT * (np.arange(T) >= T // 2))
    # s-curve: a monotone logistic curve between the first and the last year's observed shares
    _, s = calibration.simulate(fitted, "s-curve", np.random.default_rng(2))
    share = sm.logistic(s["theta"])
    assert (np.diff(share) >= 0).all() or (np.diff(share) <= 0).all()
    logit_steps = np.diff(s["theta"])
    assert logit_steps.std() > 0.1 * abs(logit_steps.mean())  # not a straight line in the logit
    # seasonal: the truth minus the fitted scenario's is a 12-month cycle of the stated amplitude
    _, season = calibration.simulate(fitted, "seasonal", np.random.default_rng(1))
    cycle = season["theta"] - plain["theta"]
    assert np.allclose(cycle[:12], cycle[12:24]) and np.ptp(cycle) == pytest.approx(2 * calibration.SEASONAL_AMPLITUDE,
                                                                                     rel=0.05)


def test_overdispersed_counts_vary_beyond_the_binomial(fitted):
    """Negative-binomial counts: around the realised rates the counts are Poisson (the truth is the rates' share);
    around the smooth share they spread more than binomial counts would."""
    rng = np.random.default_rng(3)
    resid = []
    for _ in range(200):
        sim, truth = calibration.simulate(fitted, "overdispersed", rng)
        p = sm.logistic(truth["theta"])
        resid.append((sim.pt - sim.total * p) / np.sqrt(sim.total * p * (1 - p)))
    assert np.concatenate(resid).std() == pytest.approx(1.0, abs=0.1)  # binomial around the realised share
    assert not np.array_equal(sim.total, fitted.series.total)           # the totals vary too


def test_a_cell_reports_median_width_and_the_oracle_width_by_hand():
    errors = np.linspace(-1, 1, 401)  # central 95% of these errors: [-0.95, 0.95]
    row = calibration.cell("year share", "fitted", np.ones(401), errors, np.full(401, 2.0), "share")
    assert row["width"] == 2.0 and row["oracle_width"] == pytest.approx(1.9)
    assert calibration.cell("crossover month", "fitted", [1, 1], [0, 0], [0, 0], "months")["oracle_width"] == 1.0


def test_the_pass_mark_fails_both_ways():
    ok = pd.DataFrame({"coverage_share": [0.95, 0.93], "width_ratio": [1.1, 1.4], "n_sim": [200, 200]})
    assert calibration.verdict(ok)["passes"]
    assert not calibration.verdict(ok.assign(coverage_share=[0.95, 0.89]))["passes"]  # undercovers
    assert not calibration.verdict(ok.assign(width_ratio=[1.1, 2.6]))["passes"]     # one cell far too wide
    assert not calibration.verdict(ok.assign(width_ratio=[1.6, 1.7]))["passes"]     # too wide in the median


def test_undercovering_by_chance_is_the_binomial_tail():
    """100 replicates of an exact 95% interval measure below 90% when 11 or more miss: P = 0.0115 (binomial)."""
    t = pd.DataFrame({"n_sim": [100, 100], "coverage_share": [0.95, 0.95], "width_ratio": [1.0, 1.0]})
    assert calibration.chance_undercover(t) == pytest.approx(2 * stats.binom.sf(10, 100, 0.05), rel=1e-9)
    assert calibration.chance_undercover(t) == pytest.approx(0.023, abs=0.001)
