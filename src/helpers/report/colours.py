"""The reports' one colour language, written once: PyTorch, TensorFlow, JAX and "too close to call" keep one colour
each on every page and chart; nothing else is drawn in them. Signals are told apart by their registered colour
(chosen away from these four, a test checks), marker and direct label; verdicts by their own pale backgrounds.

(Okabe-Ito colours: readable for the common colour-vision deficiencies.)
"""
from __future__ import annotations

PYTORCH = "#D55E00"      # vermillion
TENSORFLOW = "#0072B2"   # blue
JAX = "#E69F00"          # orange: the third contender, where a signal counts it
TOO_CLOSE = "#9A9A9A"    # grey: an interval that contains 50%
NOT_COVERED = "#FFFFFF"  # white (hatched in the heat map): no data for that year
YEAR_BAND = "#FFF3B0"    # pale yellow: the year in question, behind time series

LEADER = {"PyTorch": PYTORCH, "TensorFlow": TENSORFLOW, "JAX": JAX, "too close to call": TOO_CLOSE}
FRAMEWORK = {"pytorch": PYTORCH, "tensorflow": TENSORFLOW, "keras": "#009E73", "transformers": "#CC79A7",
             "jax": JAX, "scikit-learn": "#6B4C9A"}
VERDICT = {"supported": "#d9f2d9", "contradicted": "#f8d7d3", "mixed": "#fff0c2", "untestable": "#e6e6e6"}
RESERVED = (PYTORCH, TENSORFLOW, JAX, TOO_CLOSE)  # signals never use these


def leader(name: str) -> str:
    """The colour of a leader value (`PyTorch`, `TensorFlow`, `too close to call`); white for `not covered`."""
    return LEADER.get(name, NOT_COVERED)


def distance(a: str, b: str) -> float:
    """Euclidean distance of two #RRGGBB colours in RGB (0-441)."""
    ra, rb = (tuple(int(c[i:i + 2], 16) for i in (1, 3, 5)) for c in (a, b))
    return sum((x - y) ** 2 for x, y in zip(ra, rb, strict=True)) ** 0.5
