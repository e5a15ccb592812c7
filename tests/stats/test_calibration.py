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


CROSSOVER = list(calibration.CROSSOVER_METHODS.values())


def test_a_replicate_is_reproducible(fitted):
    one, two = (calibration.replicate(fitted, "fitted", np.random.default_rng(7), 2021) for _ in range(2))
    assert one == two and {"year share", "within-year change", *CROSSOVER} <= set(one)
    # a scenario the model generated: each month-valued interval has its Bayes oracle; the others have none
    assert all("oracle" in one[m] for m in CROSSOVER)
    other = calibration.replicate(fitted, "s-curve", np.random.default_rng(7), 2021)
    assert not any("oracle" in other[m] for m in CROSSOVER) and all("underlying" in other[m] for m in CROSSOVER)


def test_the_model_intervals_cover_a_well_specified_simulation(fitted):
    table = pd.DataFrame(calibration._signal_job((fitted, "fitted", 8, 7))).set_index("method")
    assert table.loc["year share", "year"] == 2021 and table.loc["year share", "n_sim"] == 8
    # 8 replicates of a well-specified model: a 95% interval missing 3 or more times has probability about 0.6%
    assert (table.loc[["year share", *CROSSOVER], "coverage_share"] >= 6 / 8).all()
    assert (table["width"] > 0).all() and (table["oracle_width"] > 0).all()
    assert (table.loc[CROSSOVER, "oracle_kind"] == "bayes").all() and not table["is_exact"].any()
    # no 95% interval given the data is narrower than the Bayes oracle: the model's are not far below it
    assert (table.loc[CROSSOVER, "width"] >= 0.6 * table.loc[CROSSOVER, "oracle_width"]).all()


def test_the_slow_rise_crosses_three_years_before_the_end_and_hovers_above(fitted):
    T = len(fitted.series.months)
    _, truth = calibration.simulate(fitted, "slow rise", np.random.default_rng(4))
    line = truth["underlying"]
    assert np.allclose(np.diff(line), calibration.SLOW_RISE)
    crossing = int(np.argmax(line > 0))
    assert crossing == T - calibration.SLOW_RISE_AHEAD + 1
    assert 0.5 < sm.logistic(line[-1]) < 0.62  # a few points above 50% at the data end


def test_the_trend_tests_level_is_measured_on_trend_free_series(fitted):
    rows = pd.DataFrame(calibration._level_job((fitted, 40, 3))).set_index("method")
    assert set(rows.index) == set(calibration.LEVEL_METHODS.values()) and (rows["unit"] == "test").all()
    assert (rows["n_sim"] == 40).all() and (rows["coverage_share"] >= 0.8).all()  # 40 trend-free series each


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
    assert row["width"] == 2.0 and row["oracle_width"] == pytest.approx(1.9) and not row["is_exact"]
    # months: 20 replicates, errors 0 except one of +5: the shortest fixed-offset window holding 95% is one month
    months = calibration.cell("crossover month", "s-curve", np.ones(20), np.r_[np.zeros(19), 5], np.full(20, 3), "months")
    assert (months["oracle_width"], months["oracle_kind"], months["width"]) == (1.0, "fixed offset", 3.0)
    bayes = calibration.cell("crossover month", "fitted", np.ones(4), np.zeros(4), np.full(4, 3), "months",
                             oracles=[2, 2, 4, 6])
    assert (bayes["oracle_width"], bayes["oracle_kind"]) == (3.0, "bayes")


def test_a_cell_exact_by_construction_is_flagged_and_left_out_of_the_summaries():
    exact = calibration.cell("crossover month", "fitted", np.ones(5), np.zeros(5), np.ones(5), "months")
    assert exact["is_exact"] and exact["coverage_share"] == 1.0
    near = calibration.cell("crossover month", "fitted", np.ones(5), np.r_[0, 0, 0, 0, 1], np.ones(5), "months")
    assert not near["is_exact"]
    cells = pd.DataFrame([exact | {"width_ratio": 1.0},
                          {"coverage_share": 0.95, "width_ratio": 1.2, "n_sim": 5, "unit": "share", "is_exact": False}])
    assert calibration.verdict(cells)["cells"] == 1 and calibration.verdict(cells)["exact"] == 1


def test_shortest_cover_by_hand():
    assert calibration.shortest_cover(np.r_[np.zeros(19), 100.0]) == (0.0, 0.0)
    assert calibration.shortest_cover(np.arange(20.0)) == (0.0, 18.0)  # 19 of 20 = 95%


def test_the_pass_mark_fails_both_ways():
    ok = pd.DataFrame({"coverage_share": [0.95, 0.93], "width_ratio": [1.1, 1.4], "n_sim": [200, 200],
                       "unit": "share", "is_exact": False})
    assert calibration.verdict(ok)["passes"]
    assert not calibration.verdict(ok.assign(coverage_share=[0.95, 0.89]))["passes"]  # undercovers
    assert not calibration.verdict(ok.assign(width_ratio=[1.1, 2.6]))["passes"]     # one cell far too wide
    assert not calibration.verdict(ok.assign(width_ratio=[1.6, 1.7]))["passes"]     # too wide in the median
    level = pd.DataFrame({"coverage_share": [0.92], "width_ratio": [np.nan], "n_sim": [200], "unit": "test",
                          "is_exact": False})
    assert not calibration.verdict(pd.concat([ok, level]))["passes"]                 # a test rejecting 8%
    assert calibration.verdict(pd.concat([ok, level.assign(coverage_share=0.94)]))["passes"]


def test_undercovering_by_chance_is_the_binomial_tail():
    """100 replicates of an exact 95% interval measure below 90% when 11 or more miss: P = 0.0115 (binomial)."""
    t = pd.DataFrame({"n_sim": [100, 100], "coverage_share": [0.95, 0.95], "width_ratio": [1.0, 1.0]})
    assert calibration.chance_undercover(t) == pytest.approx(2 * stats.binom.sf(10, 100, 0.05), rel=1e-9)
    assert calibration.chance_undercover(t) == pytest.approx(0.023, abs=0.001)
