"""Numbers as printed: no p-value or probability is shown as exactly 0 or 1."""
import math

import pytest

from helpers.registry import formats


@pytest.mark.parametrize("x, text", [(0.0, "< 0.001"), (1.0, "> 0.999"), (0.0004, "< 0.001"), (0.9996, "> 0.999"),
                                     (0.42, "0.42"), (0.004, "0.004"), (0.996, "0.996"), (math.nan, "")])
def test_probabilities_print_their_bound_at_the_ends(x, text):
    assert formats.prob(x) == text


@pytest.mark.parametrize("p, text", [(0.0, "p < 1e-300"), (1e-320, "p < 1e-300"), (2.5e-8, "p = 2.5e-08"),
                                     (0.0123, "p = 0.012"), (1.0, "p > 0.999")])
def test_p_values_in_sentences(p, text):
    assert formats.pval(p) == text


def test_prob_eq_reads_after_a_probability_name():
    assert formats.prob_eq(0.0) == "< 0.001" and formats.prob_eq(0.25) == "= 0.25"
