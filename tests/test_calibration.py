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


@pytest.mark.parametrize("n, p", [(400, 0.3), (60, 0.1)])
def test_simulated_wilson_coverage_agrees_with_the_exact_sum(n, p):
    yearly = pd.DataFrame([{"signal": "Kaggle survey", "year": 2021, "named": n, "pytorch_share": p}])
    row = calibration.yearly_signal_study(yearly, n_sim=20_000, seed=1).iloc[0]
    exact = exact_wilson_coverage(n, p)
    assert abs(row["coverage"] - exact) < 4 * row["mc_se"]
    assert row["mc_se"] == pytest.approx(np.sqrt(row["coverage"] * (1 - row["coverage"]) / 20_000))


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
    assert (sim.pt <= sim.total).all() and truth["eta"].shape == (72,)


def test_a_replicate_is_reproducible(fitted):
    one, two = (calibration.replicate(fitted, "fitted", np.random.default_rng(7), 2021) for _ in range(2))
    assert one == two and {"year share", "within-year change", "crossover month"} <= set(one)


def test_the_model_intervals_cover_a_well_specified_simulation(fitted):
    table = pd.DataFrame(calibration._signal_job((fitted, "fitted", 8, 7))).set_index("method")
    assert table.loc["year share", "year"] == 2021 and table.loc["year share", "n_sim"] == 8
    # 8 replicates of a well-specified model: a 95% interval missing 3 or more times has probability about 0.6%
    assert (table.loc[["year share", "crossover month"], "coverage"] >= 6 / 8).all()
    assert (table["mean_width"] > 0).all()
