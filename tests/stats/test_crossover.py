"""The crossover rules on hand-made paths, on both sides of every threshold: calendar months, pooled windows, six
windows, ten of twelve months, and the four findings (a month, not yet, not decidable yet, ahead since the start)."""
from __future__ import annotations

import numpy as np
import pandas as pd
import pytest

from helpers.registry import crossover as registry
from helpers.stats import crossover as cx

DATED, NOT_YET, NOT_DECIDABLE, AHEAD = (registry.CODES.index(o) for o in
                                        ("dated", "not_yet", "not_decidable", "ahead_since_start"))


def months(n: int, start: str = "2018-01") -> list[str]:
    return [str(p) for p in pd.period_range(start, periods=n, freq="M")]


def window(share, weights=None, cal=None):
    share = np.atleast_2d(np.asarray(share, float))
    T = share.shape[1]
    return cx.window_rule(share, np.ones(T) if weights is None else np.asarray(weights, float),
                          np.arange(T) if cal is None else np.asarray(cal))


def test_a_step_is_dated_at_its_month_and_the_window_end_six_months_later():
    """40% for two years, then 60%: the first window above 50% holds 7 months of the lead (its middle month, the
    6th of 12, is the step's month); dated there once six windows in a row are above."""
    share = np.r_[np.full(24, 0.4), np.full(24, 0.6)]
    c = window(share)
    assert (c.kind[0], c.month[0]) == (DATED, 24)
    s = cx.summary(c, months(48))
    assert (s["outcome"], s["crossover"], s["window_end"]) == ("dated", "2020-01", "2020-07")


def test_one_months_dip_does_not_undo_a_lead_but_five_windows_are_not_enough():
    dip = np.r_[np.full(24, 0.4), np.full(11, 0.6), [0.45], np.full(12, 0.6)]
    assert window(dip).kind[0] == DATED and window(dip).month[0] == 24
    # a 10-month lead, then nothing: exactly 5 windows above 50% (not dated: the 6th is needed); 11 months: 6
    five = np.r_[np.full(24, 0.4), np.full(10, 0.6), np.full(20, 0.0)]
    assert window(five).kind[0] == NOT_YET
    six = np.r_[np.full(24, 0.4), np.full(11, 0.6), np.full(20, 0.0)]
    assert window(six).kind[0] == DATED


def test_the_pooled_share_weighs_months_by_their_counts():
    """40% in months of 10 counts, then 60% in months of 1 count: a window is above 50% once it holds 11 lead months
    (0.1 k > 12 - k), so the crossover is dated 4 months later than with equal weights (7 lead months)."""
    share = np.r_[np.full(24, 0.4), np.full(30, 0.6)]
    weights = np.r_[np.full(24, 10.0), np.full(30, 1.0)]
    assert window(share).month[0] == 24
    assert window(share, weights).month[0] == 28


def test_windows_count_calendar_months_and_a_missing_month_counts_neither_way():
    share = np.r_[np.full(24, 0.4), np.full(24, 0.6)]
    cal = np.r_[np.arange(20), np.arange(21, 49)]  # month 20 missing: the series has 48 entries over 49 months
    c = window(share, cal=cal)
    assert c.n_calendar == 49 and c.kind[0] == DATED
    # the step is at calendar month 25 (entry 24); the window of months 19-30 holds 11 months (20 is missing), 6 of
    # them in the lead: above 50%, so the crossover is its middle month, calendar 24 (array entries would say 25)
    assert c.month[0] == 24
    # the variant too: ahead in 10 of the 12 calendar months from m
    v = cx.ahead_rule(np.atleast_2d(share), cal)
    assert (v.kind[0], v.month[0]) == (DATED, 25)


def test_ahead_since_the_series_began_is_never_dated_at_the_first_month():
    c = window(np.full(40, 0.6))
    assert c.kind[0] == AHEAD and c.month[0] == -1 and c.position()[0] == -1
    s = cx.summary(c, months(40))
    assert s["outcome"] == "ahead_since_start" and s["crossover"] == ""
    assert registry.describe(s["outcome"], first_period="2018-01") == "ahead since the series began (2018-01)"
    assert cx.ahead_rule(np.atleast_2d(np.full(40, 0.6)), np.arange(40)).kind[0] == AHEAD


def test_not_decidable_yet_names_the_month_that_would_decide_it():
    """Behind for two years, ahead for the last 8 months: windows above for 2 of the 6 needed."""
    share = np.r_[np.full(24, 0.4), np.full(8, 0.6)]
    c = window(share)
    assert c.kind[0] == NOT_DECIDABLE
    s = cx.summary(c, months(32))
    # the first window above ends at 2020-07 (7 of its months in the lead): its 6th window ends 5 months later
    assert s["outcome"] == "not_decidable" and s["decidable_from"] == "2020-12"
    assert cx.summary(window(np.r_[np.full(24, 0.4), np.full(8, 0.45)]), months(32))["outcome"] == "not_yet"


@pytest.mark.parametrize("ahead, expected", [(10, DATED), (9, NOT_YET)])
def test_the_variant_needs_ten_of_twelve_months(ahead, expected):
    """Behind for a year, then a run of 12 months of which `ahead` are above 50% (the month m itself among them),
    then behind again: ten of twelve date it, nine do not."""
    run = np.r_[[0.6] * ahead, [0.4] * (12 - ahead)]
    share = np.r_[np.full(12, 0.4), run, np.full(12, 0.4)]
    c = cx.ahead_rule(np.atleast_2d(share), np.arange(len(share)))
    assert c.kind[0] == expected
    if expected == DATED:
        assert c.month[0] == 12


def test_the_summary_reads_outcomes_over_paths_and_their_years():
    """900 paths dated at 2020-01, 60 not yet, 40 not decidable: the median is a month, the upper end beyond the
    data, and each outcome's probability; by year: 0.9 in 2020."""
    dated = np.r_[np.full(24, 0.4), np.full(24, 0.6)]
    not_yet = np.r_[np.full(24, 0.4), np.full(24, 0.45)]
    pending = np.r_[np.full(40, 0.4), np.full(8, 0.6)]
    share = np.vstack([np.tile(dated, (900, 1)), np.tile(not_yet, (60, 1)), np.tile(pending, (40, 1))])
    c = window(share)
    s = cx.summary(c, months(48))
    assert (s["outcome"], s["crossover"], s["crossover_low"], s["crossover_high"]) == ("dated", "2020-01", "2020-01", "")
    assert s["high_outcome"] == "not_yet"
    assert (s["dated_prob"], s["not_yet_prob"], s["not_decidable_prob"]) == pytest.approx((0.9, 0.06, 0.04))
    rows = {(r["outcome_id"], r["crossover_year"]): r["year_prob"] for r in cx.by_year("x", c, months(48))}
    assert rows == pytest.approx({("dated", "2020"): 0.9, ("not_yet", ""): 0.06, ("not_decidable", "2021"): 0.04})
    text = registry.describe(s["outcome"], s["crossover"], s["crossover_low"], s["crossover_high"], s["window_end"],
                             high_outcome=s["high_outcome"])
    assert text == "2020-01 (12-month window to 2020-07), 95% interval 2020-01 to not yet"


def test_an_exact_interval_is_said_once():
    c = window(np.tile(np.r_[np.full(24, 0.4), np.full(24, 0.6)], (100, 1)))
    s = cx.summary(c, months(48))
    assert registry.describe(s["outcome"], s["crossover"], s["crossover_low"], s["crossover_high"],
                             s["window_end"]) == "2020-01 (12-month window to 2020-07), exact (every simulated path agrees)"


def test_the_underlying_crossing_is_the_start_of_the_last_run_above_half():
    line = 1 / (1 + np.exp(-0.05 * (np.arange(60) - 40)))
    u = cx.underlying_crossing(line[None, :], np.arange(60))
    assert (u.kind[0], u.month[0]) == (DATED, 41)
    wiggle = np.r_[np.full(10, 0.6), np.full(10, 0.4), np.full(10, 0.6)]
    assert cx.underlying_crossing(wiggle[None, :], np.arange(30)).month[0] == 20
    assert cx.underlying_crossing(np.full((1, 10), 0.4), np.arange(10)).kind[0] == NOT_YET


def test_stable_quantile_widens_an_interval_at_a_boundary_and_is_exact_otherwise():
    v = np.r_[np.zeros(250), np.ones(9750)]  # P(0) = 0.025 exactly: on the boundary
    assert cx.stable_quantile(v, 0.025) == 0
    assert cx.stable_quantile(v, 0.025, "low") == 0          # the wider end
    w = np.r_[np.zeros(2), np.ones(9998)]
    assert cx.stable_quantile(w, 0.025, "low") == 1           # far from the boundary: the plain quantile
    u = np.r_[np.zeros(9740), np.ones(260)]
    assert cx.stable_quantile(u, 0.975, "high") == 1          # P(<= 0) = 0.974: within the slack, widen


def test_calendar_positions_skip_missing_months():
    assert list(cx.calendar(["2024-05", "2024-06", "2024-08", "2025-01"])) == [0, 1, 3, 8]
    assert cx.labels(["2024-11", "2025-02"]) == ["2024-11", "2024-12", "2025-01", "2025-02"]
