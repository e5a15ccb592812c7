"""The crossover rules (declared in `helpers.registry.crossover`) applied to paths of a monthly share.

Every rule counts calendar months, not array entries: a series may miss months (PyPI has no snapshot for 2024-07
and 2024-12), so its months are placed on a calendar by `calendar` and a missing month holds no count (it counts
neither way). The same functions read the model's simulated paths (`helpers.stats.share_model`) and, in the
calibration study, the simulated truth.

Per path a rule gives an outcome code (`registry.crossover.CODES`), a month and a `decidable_from` month (calendar
positions): for `dated` the crossover month; for `not_decidable` the month a lead that has lasted so far would be
dated, and the month whose data would decide it; -1 where none applies.
"""
from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import pandas as pd

from ..registry.crossover import (
    CODES,
    DATE_OFFSET,
    PERSIST_WINDOWS,
    PRIMARY,
    VARIANT_AHEAD,
    VARIANT_MONTHS,
    WINDOW_MONTHS,
)

DATED, NOT_YET, NOT_DECIDABLE, AHEAD_SINCE_START = (CODES.index(c) for c in
                                                    ("dated", "not_yet", "not_decidable", "ahead_since_start"))


def calendar(months: list[str]) -> np.ndarray:
    """Each month's position on the calendar from the first month (0, 1, ...; a missing month leaves a gap)."""
    p = pd.PeriodIndex(months, freq="M")
    return np.asarray((p - p[0]).map(lambda d: d.n), dtype=int)


def labels(months: list[str]) -> list[str]:
    """The calendar months from the first to the last of `months`, gaps included (position -> 'YYYY-MM')."""
    return [str(p) for p in pd.period_range(months[0], months[-1], freq="M")]


@dataclass
class Crossings:
    """One rule's finding on each path (rows of the share array it was given)."""
    kind: np.ndarray            # outcome code per path
    month: np.ndarray           # calendar position of the (candidate) crossover month, -1 where none
    decidable_from: np.ndarray  # calendar position of the month that decides a `not_decidable` path, else -1
    n_calendar: int             # calendar months the series spans

    def position(self) -> np.ndarray:
        """Per path, a position on one ordered axis for quantiles: -1 for 'ahead since the series began' (before
        the data), the month for a dated crossover, n_calendar for 'not yet' or 'not decidable yet' (no persistent
        lead inside the data)."""
        return np.where(self.kind == DATED, self.month,
                        np.where(self.kind == AHEAD_SINCE_START, -1, self.n_calendar))


def _runs(above: np.ndarray) -> np.ndarray:
    """Per row and column, how many consecutive True values start there (to the right)."""
    S, W = above.shape
    run = np.zeros((S, W + 1), dtype=int)
    for w in range(W - 1, -1, -1):
        run[:, w] = np.where(above[:, w], run[:, w + 1] + 1, 0)
    return run[:, :W]


def _final_run(above: np.ndarray) -> np.ndarray:
    """Per row, how many consecutive True values end the row (0 when its last value is False)."""
    return _runs(above[:, ::-1])[:, 0]


def window_rule(share: np.ndarray, weights: np.ndarray, cal: np.ndarray, window: int = WINDOW_MONTHS,
                persist: int = PERSIST_WINDOWS, offset: int = DATE_OFFSET) -> Crossings:
    """The primary rule on paths `share` (paths x months) with each month's counts `weights` (the pair's total; equal
    weights for a share without counts): per trailing `window`-month calendar window, PyTorch's pooled share (sum
    of weight x share over the sum of weights of the months present). Dated at the middle month of the first window
    from which `persist` consecutive windows are above 1/2; left-censored when that is the first window."""
    share = np.atleast_2d(share)
    S = share.shape[0]
    C = int(cal[-1]) + 1
    pt, n = np.zeros((S, C)), np.zeros(C)
    pt[:, cal], n[cal] = share * weights, weights
    cpt = np.concatenate([np.zeros((S, 1)), np.cumsum(pt, axis=1)], axis=1)
    cn = np.r_[0.0, np.cumsum(n)]
    W = C - window + 1
    if W <= 0:  # shorter than one window: nothing can be decided
        return Crossings(np.full(S, NOT_DECIDABLE), np.full(S, -1), np.full(S, window - 1), C)
    wn = cn[window:] - cn[:-window]
    with np.errstate(invalid="ignore", divide="ignore"):
        pooled = (cpt[:, window:] - cpt[:, :-window]) / wn
    above = np.nan_to_num(pooled, nan=0.0) > 0.5
    run = _runs(above)
    done = run >= persist
    dated = done.any(axis=1)
    first = done.argmax(axis=1)
    final_start = W - _final_run(above)      # the first window of the lead at the data end (W when behind)
    ahead_end = above[:, -1]
    start = np.where(dated, first, final_start)
    kind = np.where(dated | ahead_end, np.where(start == 0, AHEAD_SINCE_START,
                                                 np.where(dated, DATED, NOT_DECIDABLE)), NOT_YET)
    end_month = start + window - 1           # the window's last calendar month
    month = np.where(kind == NOT_YET, -1, end_month - offset)
    decide = np.where(kind == NOT_DECIDABLE, end_month + persist - 1, -1)
    return Crossings(kind, np.where(kind == AHEAD_SINCE_START, -1, month), decide, C)


def ahead_rule(share: np.ndarray, cal: np.ndarray, months: int = VARIANT_MONTHS, ahead: int = VARIANT_AHEAD) -> Crossings:
    """The variant: the first month m in which the share is above 1/2 and at most `months - ahead` of the calendar
    months m .. m + months - 1 are below it (a missing month counts neither way); left-censored at the first month."""
    share = np.atleast_2d(share)
    S = share.shape[0]
    C = int(cal[-1]) + 1
    up, down = np.zeros((S, C), bool), np.zeros((S, C), bool)
    up[:, cal], down[:, cal] = share > 0.5, share <= 0.5
    cdown = np.concatenate([np.zeros((S, 1), int), np.cumsum(down, axis=1)], axis=1)
    m = np.arange(C)
    end = np.minimum(m + months, C)            # exclusive end of each month's window, cut at the data end
    behind = cdown[:, end] - cdown[:, m]       # months behind in the window so far
    allowed = months - ahead
    complete = m + months <= C
    candidate = up & (behind <= allowed)
    dated_at = candidate & complete
    pending = candidate & ~complete
    dated = dated_at.any(axis=1)
    first = dated_at.argmax(axis=1)
    ahead_end = up[:, cal[-1]]
    first_pending = pending.argmax(axis=1)
    start = np.where(dated, first, first_pending)
    kind = np.where(dated | ahead_end, np.where(start == 0, AHEAD_SINCE_START,
                                                 np.where(dated, DATED, NOT_DECIDABLE)), NOT_YET)
    month = np.where((kind == DATED) | (kind == NOT_DECIDABLE), start, -1)
    decide = np.where(kind == NOT_DECIDABLE, start + months - 1, -1)
    return Crossings(kind, month, decide, C)


def underlying_crossing(share: np.ndarray, cal: np.ndarray) -> Crossings:
    """The crossing of a smooth share (a scenario's underlying curve, without month-to-month variation): the first
    month of its last run above 1/2 (`not_yet` when it ends below; left-censored when it is above throughout)."""
    share = np.atleast_2d(share)
    S = share.shape[0]
    C = int(cal[-1]) + 1
    run = _final_run(share > 0.5)
    T = share.shape[1]
    start = T - run
    kind = np.where(run == 0, NOT_YET, np.where(start == 0, AHEAD_SINCE_START, DATED))
    month = np.where(kind == DATED, cal[np.minimum(start, T - 1)], -1)
    return Crossings(kind, month, np.full(S, -1), C)


def stable_quantile(values: np.ndarray, q: float, conservative: str = "") -> int:
    """The q-quantile of integer `values` (positions). With `conservative` "low" or "high", an end of an interval:
    where the cumulative share at a boundary lies within three Monte Carlo errors of q, the position that widens the
    interval is taken, so the published month is the same for any seed (the interval covers at least its nominal
    share)."""
    v = np.sort(np.asarray(values))
    if not conservative:
        return int(np.quantile(v, q, method="inverted_cdf"))
    slack = 3 * np.sqrt(q * (1 - q) / len(v))
    target = q - slack if conservative == "low" else q + slack
    return int(v[min(len(v) - 1, max(0, int(np.ceil(np.clip(target, 0, 1) * len(v))) - 1))])


def summary(c: Crossings, months: list[str], windowed: bool = True) -> dict:
    """What a rule's finding over all paths says: the published outcome (the one holding the median path; beyond the
    data, the likelier of 'not yet' and 'not decidable yet'), the crossover month (median) and window end, a 95%
    interval of positions with seed-stable ends ('' beyond either end of the data), each outcome's probability, and
    the month from which a 'not decidable yet' becomes decidable (median over those paths; when that is the
    outcome). `windowed`: the rule dates a window (its end month is given beside the crossover). The positions of the
    median and of the interval's ends are kept too (`*_position`), for the calibration study."""
    cal_labels = labels(months)
    C = c.n_calendar
    pos = c.position()

    def label(p: int) -> str:
        return cal_labels[p] if 0 <= p < C else ""

    probs = {o: float((c.kind == i).mean()) for i, o in enumerate(CODES)}
    mid = stable_quantile(pos, 0.5)
    beyond = "not_yet" if probs["not_yet"] >= probs["not_decidable"] else "not_decidable"
    outcome = "dated" if 0 <= mid < C else ("ahead_since_start" if mid < 0 else beyond)
    lo, hi = stable_quantile(pos, 0.025, "low"), stable_quantile(pos, 0.975, "high")
    pending = c.decidable_from[c.kind == NOT_DECIDABLE]
    decide = int(np.median(pending)) if len(pending) and outcome == "not_decidable" else -1
    return {"outcome": outcome, "crossover": label(mid) if outcome == "dated" else "",
            "window_end": label(mid + DATE_OFFSET) if outcome == "dated" and windowed else "",
            "median_position": mid, "low_position": lo, "high_position": hi,
            "crossover_low": label(lo), "crossover_high": label(hi),
            "high_outcome": beyond if hi >= C else "",
            "decidable_from": (str(pd.Period(months[0], freq="M") + decide) if decide >= 0 else ""),
            **{f"{o}_prob": p for o, p in probs.items()}, "distribution": pos}


def by_year(signal_id: str, c: Crossings, months: list[str], rule_id: str = PRIMARY) -> list[dict]:
    """Rows (signal_id, rule_id, outcome_id, crossover_year, year_prob): a dated crossover's (or a not-decidable
    lead's) calendar year, and the share of paths; the other outcomes without a year."""
    first = pd.Period(months[0], freq="M")
    rows = []
    for i, o in enumerate(CODES):
        sel = c.kind == i
        if not sel.any():
            continue
        if o in ("dated", "not_decidable"):
            years = np.array([(first + int(k)).year for k in c.month[sel]])
            for y, k in zip(*np.unique(years, return_counts=True), strict=True):
                rows.append({"signal_id": signal_id, "rule_id": rule_id, "outcome_id": o, "crossover_year": str(y),
                             "year_prob": k / len(c.kind)})
        else:
            rows.append({"signal_id": signal_id, "rule_id": rule_id, "outcome_id": o, "crossover_year": "",
                         "year_prob": float(sel.mean())})
    return rows
