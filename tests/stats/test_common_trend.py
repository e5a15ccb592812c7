"""The common trend: on synthetic signals built from one known trend and known offsets, it recovers both."""
from __future__ import annotations

import numpy as np
import pandas as pd
import pytest

from helpers.registry.signals import COMMON_TREND, SIGNAL_BY_ID
from helpers.stats import common_trend
from helpers.stats import share_model as sm
from helpers.stats.signal_results import Result

T = 60
OFFSETS = {"github_forks": 0.6, "github_issues": 0.0, "dsse_questions": -0.6}
TREND = -1.0 + 0.04 * np.arange(T)  # crosses zero at month 25: 2019-02


@pytest.fixture(scope="module")
def built():
    rng = np.random.default_rng(11)
    months = [str(p) for p in pd.period_range("2017-01", periods=T, freq="M")]
    results = {}
    for sig_id, a in OFFSETS.items():
        sig = SIGNAL_BY_ID[sig_id]
        dev = np.zeros(T)
        for t in range(1, T):
            dev[t] = 0.5 * dev[t - 1] + rng.normal(0, 0.05)
        totals = np.full(T, 20_000)
        pt = rng.binomial(totals, sm.logistic(TREND + a + dev))
        series = sm.prepare(pd.DataFrame({"month": months, "pt": pt, "tf": totals - pt}), sig)
        results[sig.id] = Result(sig, sm.summarise(sm.fit(series), n=500))
    yearly = pd.DataFrame(columns=["signal_id", "year", "pytorch", "named"])
    return common_trend.build(results, yearly)


def test_offsets_are_recovered_and_sum_to_zero(built):
    off = built["common_trend_signals"].set_index("signal_id")
    assert off["offset"].sum() == pytest.approx(0.0, abs=1e-6)
    for sig_id, a in OFFSETS.items():
        row = off.loc[sig_id]
        assert row["offset"] == pytest.approx(a, abs=0.15)
        assert row["offset_low"] < row["offset"] < row["offset_high"]


def test_the_common_share_follows_the_shared_trend(built):
    ct = built["common_trend"]
    assert ct["month"].iloc[0] == "2017-01" and len(ct) == T
    assert ((ct["common_share_low"] <= ct["common_share"]) & (ct["common_share"] <= ct["common_share_high"])).all()
    np.testing.assert_allclose(ct["common_share"], sm.logistic(TREND), atol=0.05)
    assert ct["ahead_prob"].iloc[0] < 0.01 and ct["ahead_prob"].iloc[-1] > 0.99


def test_the_common_crossover_brackets_the_true_month(built):
    c = built["common_trend_crossover"].iloc[0]
    assert c["crossover_low"] <= "2019-02" <= c["crossover_high"]
    assert abs(pd.Period(c["crossover"], "M").ordinal - pd.Period("2019-02", "M").ordinal) <= 3
    years = built["crossover_years"]
    assert years["year_prob"].sum() == pytest.approx(1.0)
    assert (years["signal_id"] == COMMON_TREND).all()


def test_leave_one_out_moves_the_crossover_by_the_left_out_offset(built):
    """Offsets average zero over the signals in the model: without the +0.6 signal the typical signal sits 0.3 lower
    on the logit scale, so the common crossover comes 0.3 / 0.04 = 7.5 months later (and earlier without the -0.6
    one, unchanged without the 0.0 one). That spread is the composition uncertainty the table reports."""
    loo = built["common_trend_loo"].set_index("signal_id")
    assert sorted(loo.index) == sorted(OFFSETS)
    for sig_id in OFFSETS:
        rest = np.mean([a for s, a in OFFSETS.items() if s != sig_id])
        expected = -rest / 0.04
        got = pd.Period(loo.loc[sig_id, "crossover"], "M").ordinal - pd.Period("2019-02", "M").ordinal
        assert abs(got - expected) <= 3, (sig_id, got, expected)
    years = built["common_trend_loo_years"]
    assert years.groupby("signal_id")["year_prob"].sum().round(9).eq(1.0).all()
