"""The crossover, declared once: its two rules, the four things a rule can find, and how each is worded.

"When did PyTorch overtake TensorFlow?" is answered per signal by a persistence rule that one month's dip cannot
undo, read on the latent share (the share as the source counted it, without counting noise) of every simulated
path, and on the truth in the calibration study. Besides a month, a rule can find that PyTorch is *not yet* ahead
(behind at the data end), that the question is *not decidable yet* (ahead at the data end, but the data end before
the rule can decide), or that PyTorch was *ahead since the series began* (left-censored: never dated at a series'
first month, never counted as crossing in that year).

Pure Python (no third-party imports): tables, claims, charts and the documentation read the wording from here.
"""
from __future__ import annotations

from dataclasses import dataclass

WINDOW_MONTHS = 12     # the primary rule: a trailing window of this many calendar months ...
PERSIST_WINDOWS = 6    # ... whose pooled share stays above 50% for this many consecutive windows
DATE_OFFSET = 6        # ... dated at the window's middle month: this many months before its end (its 6th of 12)
VARIANT_MONTHS = 12    # the variant: ahead in month m and in at least VARIANT_AHEAD of the VARIANT_MONTHS
VARIANT_AHEAD = 10     # calendar months from m


@dataclass(frozen=True)
class Rule:
    id: str
    label: str   # short, for tables and charts
    text: str    # the rule in one sentence


RULES = {r.id: r for r in (
    Rule("window", "12-month pooled share",
         f"the first trailing {WINDOW_MONTHS}-month window whose pooled share (PyTorch's latent count over the "
         f"pair's, in the window's calendar months) is above 50% and stays above for {PERSIST_WINDOWS} consecutive "
         f"windows, dated at that window's middle month (its {WINDOW_MONTHS - DATE_OFFSET}th; with a steady rise, "
         "the month the share crosses 50%), with the window's end month beside it"),
    Rule("ten_of_twelve", f"ahead in {VARIANT_AHEAD} of {VARIANT_MONTHS} months",
         f"the first month m in which PyTorch is ahead and ahead in at least {VARIANT_AHEAD} of the "
         f"{VARIANT_MONTHS} calendar months from m (a month without data counts neither way)"),
)}
PRIMARY = "window"
VARIANT = "ten_of_twelve"


@dataclass(frozen=True)
class Outcome:
    id: str
    label: str    # as printed in every table, sentence and chart
    meaning: str


OUTCOMES = {o.id: o for o in (
    Outcome("dated", "a month", "the rule dates the crossover"),
    Outcome("not_yet", "not yet", "PyTorch behind at the data end: no lead that persists"),
    Outcome("not_decidable", "not decidable yet",
            "PyTorch ahead at the data end, but the data end before the rule can decide"),
    Outcome("ahead_since_start", "ahead since the series began",
            "PyTorch ahead from the series' first months: the crossing happened before the data (left-censored)"),
)}
CODES = tuple(OUTCOMES)  # an outcome's integer code in arrays of paths is its position here


def describe(outcome: str, crossover: str = "", low: str = "", high: str = "", window_end: str = "",
             decidable_from: str = "", first_period: str = "", high_outcome: str = "", interval: bool = True) -> str:
    """A crossover as a reader reads it: '2023-01 (12-month window to 2023-06), 95% interval 2022-11 to 2023-03',
    '2024-04, exact (every simulated path agrees)', 'not decidable yet (decidable from 2025-09)', 'not yet',
    'ahead since the series began (2018-02)'. An interval end beyond the data reads by `high_outcome`; without
    `interval` (a yearly series) the period alone."""
    if outcome != "dated":
        text = OUTCOMES[outcome].label
        if outcome == "not_decidable" and decidable_from:
            text += f" (decidable from {decidable_from})"
        if outcome == "ahead_since_start" and first_period:
            text += f" ({first_period})"
        return text
    text = crossover + (f" (12-month window to {window_end})" if window_end else "")
    if not interval:
        return text
    if low == high == crossover:
        return text + ", exact (every simulated path agrees)"
    lo = low or OUTCOMES["ahead_since_start"].label
    hi = high or OUTCOMES[high_outcome or "not_yet"].label
    return f"{text}, 95% interval {lo} to {hi}"


def describe_record(r, prefix: str = "") -> str:
    """A crossovers row (a mapping, e.g. a table row; the variant rule's columns with `prefix` 'variant_') in a
    reader's words (`describe`); '' for a row without an outcome (a signal too short to date). Missing values (NaN,
    None) read as empty."""
    def get(col: str) -> str:
        v = r.get(prefix + col, "") if col not in ("first_period", "granularity") else r.get(col, "")
        return v if isinstance(v, str) else ""
    if not get("outcome_id"):
        return ""
    return describe(get("outcome_id"), get("crossover"), get("crossover_low"), get("crossover_high"),
                    "" if prefix else get("window_end"), get("decidable_from"), get("first_period"),
                    get("high_outcome_id"), interval=get("granularity") != "year")
