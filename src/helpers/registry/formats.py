"""How each kind of number is printed (the display column of `registry.fields.KINDS`), in tables and sentences
alike: a share as a percentage, a change of shares in percentage points, a p-value and a posterior probability never
as exactly 0 or 1 but as the bound the computation supports. Pure Python: every layer may use it."""
from __future__ import annotations

import math

PROB_FLOOR = 0.001  # probabilities from simulated paths are printed to this resolution
NEAR_CENSUS = 0.001  # a share's 95% interval narrower than 0.1 point is a near-census count: the share is printed once


def pct(x: float) -> str:
    """A share: '12.3%'."""
    return f"{100 * x:.1f}%"


def missing(x) -> bool:
    return x is None or (isinstance(x, float) and math.isnan(x))


def share_interval(share: float, low: float, high: float) -> str:
    """A share with its 95% interval: '42.3% [41.8%, 43.0%]'; a near-census count (an interval narrower than 0.1
    point) once, saying so: '26.8%, counted: ±<0.1 pp'; '' when missing."""
    if missing(share):
        return ""
    if missing(low) or missing(high):
        return pct(share)
    if high - low < NEAR_CENSUS:
        return f"{pct(share)}, counted: ±<0.1 pp"
    return f"{pct(share)} [{pct(low)}, {pct(high)}]"


def pp(x: float) -> str:
    """A change of a share (a difference of two fractions) in percentage points: '+1.2 pp'."""
    return f"{100 * x:+.1f} pp"


def pp_per_year(x: float) -> str:
    """A change of a share per year: '+1.2 pp/yr'."""
    return f"{100 * x:+.1f} pp/yr"


def p_value(p: float) -> str:
    """A p-value as a table cell: '< 1e-300' below the floating-point floor, two significant digits below 0.001,
    '> 0.999' at the top, else three decimals; '' when missing."""
    if missing(p):
        return ""
    if p <= 1e-300:  # an underflow, stored as its bound
        return "< 1e-300"
    if p > 1 - PROB_FLOOR:
        return f"> {1 - PROB_FLOOR:g}"
    return f"{p:.2g}" if p < 0.001 else f"{p:.3f}"


def pval(p: float) -> str:
    """A p-value in a sentence: 'p = 0.012', 'p < 1e-300'."""
    text = p_value(p)
    return f"p {text}" if text[:1] in "<>" else f"p = {text}"


def prob(x: float, digits: int = 2) -> str:
    """A posterior probability (a share of simulated paths): '< 0.001' and '> 0.999' at the ends, never 0 or 1."""
    if missing(x):
        return ""
    if x < PROB_FLOOR:
        return f"< {PROB_FLOOR:g}"
    if x > 1 - PROB_FLOOR:
        return f"> {1 - PROB_FLOOR:g}"
    text = f"{x:.{digits}f}"
    if float(text) in (0.0, 1.0):  # rounding would print an end: one more digit
        text = f"{x:.3f}"
    return text


def prob_eq(x: float) -> str:
    """'= 0.42', or the bound ('< 0.001') for a probability at an end: to follow 'P(...)' in a sentence."""
    text = prob(x)
    return text if text[:1] in "<>" else f"= {text}"
