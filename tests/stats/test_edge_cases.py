"""Edge values never crash a statistic or a chart: zero counts, shares of exactly 0 or 1, one point, a series too
short for a test, a year without data. Each statistic returns a stated 'too short' (or an exact bound); each chart
is drawn."""
from __future__ import annotations

import matplotlib
import numpy as np
import pandas as pd
import pytest

from helpers.registry.signals import SIGNAL_BY_ID
from helpers.report import plots
from helpers.stats import proportions, share_model, signal_results, surveys, trend_tests

matplotlib.use("Agg")


@pytest.fixture(autouse=True)
def _close_figures():
    yield
    matplotlib.pyplot.close("all")


# --- statistics ------------------------------------------------------------------------------------------------

def test_wilson_bounds_are_exact_at_zero_and_all_and_missing_without_trials():
    assert proportions.wilson(0, 10)[0] == 0.0 and proportions.wilson(10, 10)[1] == 1.0  # no 2.7e-20 dust
    assert np.isnan(proportions.wilson(0, 0)).all()
    lo, hi = proportions.wilson(np.array([0, 3, 4]), np.array([5, 0, 4]))
    assert lo[0] == 0 and np.isnan(lo[1]) and hi[2] == 1


@pytest.mark.parametrize("x", [[], [0.3], [0.2, 0.4], [0.5] * 5])
def test_trend_tests_on_short_or_constant_series_say_why_there_is_no_result(x):
    x = np.array(x, dtype=float)
    mk = trend_tests.mann_kendall(x, np.zeros((10, len(x))))
    assert np.isnan(mk["p_value"]) and mk["trend"] in ("too short", "constant")
    assert np.isnan(trend_tests.seasonality(pd.Series(x, dtype=float))["seasonal_strength"])


def test_paired_and_two_proportion_tests_with_zero_counts():
    t = proportions.paired_counts(5, 0, 0, 5)  # no discordant pairs
    assert t["p_value"] == 1.0 and t["diff"] == 0
    shift = proportions.two_proportion(0, 10, 0, 12)  # 0% both years
    assert shift["share_change"] == 0 and shift["share_change_low"] < 0 < shift["share_change_high"]
    assert shift["cohen_h"] == 0


# every paired table of n = 0, 1, 2 and every table with all its answers in one cell: bounded or empty, never a crash
SMALL_TABLES = [(0, 0, 0, 0)] + [tuple(int(i == j) for j in range(4)) for i in range(4)] + [
    tuple(int(c) for c in cells) for cells in np.ndindex(3, 3, 3, 3) if sum(cells) == 2] + [
    tuple(50 * int(i == j) for j in range(4)) for i in range(4)]


@pytest.mark.parametrize("cells", SMALL_TABLES, ids=str)
def test_every_survey_statistic_stays_inside_its_domain_on_tiny_and_one_cell_tables(cells):
    both, only_tf, only_pt, neither = cells
    n = sum(cells)
    t = proportions.paired_counts(both, only_tf, only_pt, neither)
    if n == 0:
        assert np.isnan([t["diff"], t["diff_low"], t["diff_high"], t["p_a"], t["p_value"]]).all()
        assert t["test"] == "no answers"
    else:
        assert -1 <= t["diff_low"] <= t["diff"] <= t["diff_high"] <= 1 and 0 <= t["p_value"] <= 1
        assert 0 <= t["p_a"] <= 1 and 0 <= t["p_b"] <= 1
    k_tf = both + only_tf
    lo, hi = proportions.wilson(k_tf, n)
    assert (np.isnan(lo) and n == 0) or 0 <= lo <= k_tf / n <= hi <= 1
    shift = proportions.two_proportion(k_tf, n, only_pt + both, n)
    assert n == 0 and np.isnan(shift["share_change"]) or -1 <= shift["share_change_low"] <= shift["share_change_high"] <= 1
    flags = pd.Series([True] * k_tf + [False] * (n - k_tf))
    cells_ = pd.Series(["a"] * n)
    rw = proportions.poststratified_share(flags, cells_, pd.Series({"a": 0.6, "b": 0.4}))
    assert n == 0 and np.isnan(rw["share"]) or 0 <= rw["low"] <= rw["share"] <= rw["high"] <= 1
    assert n == 0 or rw["high"] - rw["low"] > 0  # never a zero-width interval from a tiny sample
    assert surveys.paired_leader(n, t["diff_low"], t["diff_high"]) in ("too few answers", "TensorFlow", "PyTorch",
                                                                        "too close to call")


def test_counting_interval_of_an_index_at_zero_less_than_one_and_the_maximum():
    s = share_model.Series(SIGNAL_BY_ID["google_trends"], ["2020-01", "2020-02", "2020-03"],
                           pt=np.array([0.0, 0.5, 100.0]), total=np.array([40.0, 40.5, 100.0]), counts=False)
    lo, hi = share_model.counting_interval(s)
    assert lo[0] == 0 and hi[0] == pytest.approx(0.5 / 40)     # 0 vs 40: up to 0.5 vs 39.5 before rounding
    assert lo[1] == 0 and hi[1] == pytest.approx(1 / 40.5)      # '<1': anywhere in [0, 1]
    assert lo[2] == pytest.approx(99.5 / 100) and hi[2] == 1.0  # 100 vs 0: TensorFlow could be up to 0.5


def test_a_signal_too_short_to_model_gets_observed_years_not_an_error():
    months = [f"2020-{m:02d}" for m in range(6, 13)]
    share = pd.DataFrame({"month": months, "pt": 0.0, "tf": 30.0})  # PyTorch never counted: share exactly 0
    s = share_model.prepare(share, SIGNAL_BY_ID["dsse_questions"])
    y = signal_results.observed_year(s, 2020)
    assert y["n_months"] == 7 and y["pytorch_share"] == 0 and y["pytorch_share_low"] == 0 and y["leader"] == "TensorFlow"
    assert signal_results.observed_year(s, 2019) is None
    assert "7 months" in signal_results.too_short_reason(s)
    table = share_model.observed_table(s)
    assert table["latent_share"].isna().all() and (table["latent_share_low"] == 0).all()


def test_the_model_fits_shares_of_exactly_zero_and_one():
    rng = np.random.default_rng(0)
    totals = rng.integers(5, 20, 30)
    pt = np.where(np.arange(30) < 10, 0, np.where(np.arange(30) > 25, totals, rng.binomial(totals, 0.5)))
    months = [str(p) for p in pd.period_range("2018-01", periods=30, freq="M")]
    s = share_model.prepare(pd.DataFrame({"month": months, "pt": pt, "tf": totals - pt}),
                            SIGNAL_BY_ID["dsse_questions"])
    summary = share_model.summarise(share_model.fit(s), n=500)
    m = summary.monthly
    assert np.isfinite(m[["latent_share", "latent_share_low", "latent_share_high"]].to_numpy()).all()
    assert m["latent_share"].iloc[0] < 0.3 and m["latent_share"].iloc[-1] > 0.7


def test_year_over_year_skips_nothing_when_counts_are_zero():
    shares = pd.DataFrame({"year": [2019, 2020], "framework": "keras", "n_selected": [0, 0],
                           "n_answered": [50, 60], "n_respondents": [70, 80]})
    out = surveys.year_over_year(shares, frameworks=("keras",))
    assert len(out) == 1 and out["share_change"].iloc[0] == 0


# --- charts ------------------------------------------------------------------------------------------------------

def test_survey_shares_with_a_zero_count_an_option_not_offered_and_a_sample():
    rows = []
    for year, k_keras, complete in ((2019, None, True), (2020, 0, False)):
        for fw, k in (("tensorflow", 20), ("pytorch", 10), ("keras", k_keras)):
            n_sel = np.nan if k is None else k
            rows.append({"year": year, "framework": fw, "n_selected": n_sel, "n_respondents": 40, "n_answered": 32,
                         "all_share": n_sel / 40, "answered_share": n_sel / 32, "is_complete": complete})
    shares = proportions.add_wilson(pd.DataFrame(rows))
    fig = plots.survey_shares(shares)
    labels = [t.get_text() for t in fig.axes[0].get_xticklabels()]
    assert labels == ["2019", "2020\n(sample)"]


def test_share_family_draws_a_single_unmodelled_month_and_extreme_shares():
    months = pd.DataFrame({"signal_id": ["google_trends"] * 1 + ["dsse_questions"] * 2,
                           "signal": ["Google Trends interest"] * 1 + ["Data Science SE questions"] * 2,
                           "month": ["2020-06", "2020-01", "2020-02"], "observed_share": [0.0, 1.0, 0.0],
                           "pt_plus_tf": [40.0, 3.0, 2.0], "latent_share": [np.nan, 0.9, 0.2],
                           "latent_share_low": [0.0, 0.5, 0.01],
                           "latent_share_high": [0.02, 0.99, 0.6], "ahead_prob": [np.nan, 0.9, 0.2],
                           "is_modelled": [False, True, True]})
    crossovers = pd.DataFrame(columns=["signal_id", "outcome_id", "crossover", "crossover_low", "crossover_high"])
    fig = plots.share_family(months, crossovers, "edge cases")
    assert any("too short to model" in t.get_text() for t in fig.axes[0].get_legend().get_texts())


def test_crossover_timeline_says_too_short_and_leaders_draws_whatever_has_a_share():
    rows = pd.DataFrame([{"signal_id": "google_trends", "signal": "Google Trends interest", "granularity": "month",
                          "is_popularity": True, "is_modelled": False, "outcome_id": "",
                          "crossover": "", "crossover_low": "", "crossover_high": "", "closest_share": np.nan,
                          "closest_period": "", "first_period": "2020-06", "last_period": "2020-12",
                          "last_decidable": "", "reason": "too short for the model: 7 months"}])
    fig = plots.crossover_timeline(rows)
    assert any("too short to date" in t.get_text() for t in fig.axes[0].texts)
    lead = pd.DataFrame({"signal_id": ["so_questions", "google_trends"],
                         "signal": ["Stack Overflow questions", "Google Trends interest"],
                         "pytorch_share": [np.nan, 0.0], "pytorch_share_low": [np.nan, 0.0],
                         "pytorch_share_high": [np.nan, 0.01],
                         "leader": ["not covered in 2026", "TensorFlow"]})
    assert len(plots.leaders(lead, 2026).axes[0].get_yticklabels()) == 1
    assert plots.leaders(lead.iloc[:1], 2026) is not None  # nothing to draw: an empty chart, not an error


def test_interest_with_a_single_month():
    rows = pd.DataFrame({"framework": ["pytorch", "tensorflow"], "month": ["2020-06", "2020-06"],
                         "value": [40.0, 100.0]})
    facts = pd.DataFrame([{"geo": "Weltweit", "resolution": "daily"}])
    assert plots.interest(rows, facts).axes[0].lines[0].get_marker() == "o"
