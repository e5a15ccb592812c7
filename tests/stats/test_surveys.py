"""Survey statistics against textbook formulas and hand-computed cases."""
import math

import numpy as np
import pandas as pd
import pytest
from scipy import stats

from helpers.stats import proportions as surveys


def test_wilson_matches_the_closed_form():
    k, n, z = 10, 20, stats.norm.ppf(0.975)
    p = k / n
    centre = (p + z * z / (2 * n)) / (1 + z * z / n)
    half = z * math.sqrt(p * (1 - p) / n + z * z / (4 * n * n)) / (1 + z * z / n)
    low, high = surveys.wilson(k, n)
    assert low == pytest.approx(centre - half) and high == pytest.approx(centre + half)


def test_wilson_is_inside_unit_interval_at_the_edges():
    low, high = surveys.wilson(np.array([0, 5]), np.array([5, 5]))
    assert low[0] == pytest.approx(0) and high[1] == pytest.approx(1)
    assert 0 < high[0] < 0.5 and 0.5 < low[1] < 1


def test_cohen_h_textbook_value():
    # h(0.5, 0.25) = 2 asin(sqrt .5) - 2 asin(sqrt .25) = pi/2 - pi/3 = pi/6
    assert surveys.cohen_h(0.5, 0.25) == pytest.approx(math.pi / 6)


def test_two_proportion_pooled_z_by_hand():
    k1, n1, k2, n2 = 30, 100, 45, 100
    p = (k1 + k2) / (n1 + n2)
    z = (0.45 - 0.30) / math.sqrt(p * (1 - p) * (1 / n1 + 1 / n2))
    r = surveys.two_proportion(k1, n1, k2, n2)
    assert r["z"] == pytest.approx(z) and r["p_value"] == pytest.approx(2 * stats.norm.sf(z))
    assert r["share_change"] == pytest.approx(0.15) and r["share_change_low"] < 0.15 < r["share_change_high"]


def _paired(both, only_a, only_b, neither):
    a = [True] * both + [True] * only_a + [False] * only_b + [False] * neither
    b = [True] * both + [False] * only_a + [True] * only_b + [False] * neither
    return pd.Series(a), pd.Series(b)


def test_mcnemar_chi2_with_continuity_correction_by_hand():
    a, b = _paired(50, 25, 10, 100)
    r = surveys.paired_comparison(a, b)
    chi2 = (abs(25 - 10) - 1) ** 2 / (25 + 10)
    assert r["statistic"] == pytest.approx(chi2) and r["p_value"] == pytest.approx(stats.chi2.sf(chi2, 1))
    assert r["diff"] == pytest.approx(15 / 185) and r["test"].startswith("McNemar chi2")


def test_mcnemar_exact_for_few_discordant_pairs():
    a, b = _paired(5, 2, 8, 5)
    r = surveys.paired_comparison(a, b)
    assert r["p_value"] == pytest.approx(2 * stats.binom.cdf(2, 10, 0.5))  # 0.109375
    assert r["test"] == "McNemar exact"


def test_poststratification_hand_case():
    # cell A: 4 respondents all True; cell B: 1 respondent False. Raw share 0.8, equal weights -> 0.5
    flags = pd.Series([True] * 4 + [False])
    cells = pd.Series(["A"] * 4 + ["B"])
    r = surveys.poststratified_share(flags, cells, pd.Series({"A": 0.5, "B": 0.5}))
    assert r["share"] == pytest.approx(0.5) and r["coverage"] == pytest.approx(1.0)
    # a reference cell absent from the sample is dropped and reported through coverage
    r = surveys.poststratified_share(flags, cells, pd.Series({"A": 0.25, "B": 0.25, "C": 0.5}))
    assert r["share"] == pytest.approx(0.5) and r["coverage"] == pytest.approx(0.5)


def test_max_compatible_n_inverts_the_normal_test():
    n = surveys.max_compatible_n(0.36, 0.30)
    z = stats.norm.ppf(0.975)
    assert abs(0.36 - 0.30) == pytest.approx(z * math.sqrt(0.3 * 0.7 / n))


def test_claim_vs_sample_detects_an_impossible_lead():
    pt, tf = _paired(300, 100, 400, 200)  # survey: pt 0.4, tf 0.7 -> gap -0.3
    r = surveys.claim_vs_sample(0.42, 0.37, 453, tf, pt)  # note argument order: pt first
    assert r["survey_pt"] == pytest.approx(0.7) and r["p_gap"] < 1e-6
    r = surveys.claim_vs_sample(0.70, 0.40, 453, tf, pt)
    assert r["p_pt"] > 0.5 and r["p_gap"] > 0.5


def test_a_year_with_differently_coded_roles_is_reweighted_on_country_alone():
    """2022 asked students a separate question: its role cells stay out of the reference mix and it is weighted to
    the mix's country margin. Hand case: 2021 (roles comparable) defines the mix; 2022's 'students' are many."""
    from helpers.stats import surveys as shifts
    rows = []
    for country, role, fw, n in [("India", "student", True, 2), ("India", "professional", False, 2),
                                 ("United States", "professional", True, 4)]:
        rows += [{"year": 2021, "country_group": country, "role_group": role, "fw_pytorch": fw, "fw_tensorflow": not fw,
                  "is_answered": True}] * n
    for country, role, fw, n in [("India", "student", True, 6), ("United States", "student", False, 2)]:
        rows += [{"year": 2022, "country_group": country, "role_group": role, "fw_pytorch": fw, "fw_tensorflow": not fw,
                  "is_answered": True}] * n
    resp = pd.DataFrame(rows)
    mix = shifts.reference_mix(resp)
    assert mix.to_dict() == pytest.approx({("India", "professional"): 0.25, ("India", "student"): 0.25,
                                           ("United States", "professional"): 0.5})  # 2021 alone
    rw = shifts.reweighted(resp, frameworks=("pytorch",)).set_index("year")
    assert rw.loc[2021, "cells"] == "country x role" and rw.loc[2021, "reweighted_share"] == pytest.approx(0.75)
    # 2022: India 0.5 x 1.0 + United States 0.5 x 0.0 (country margin of the mix), though 75% raw
    assert rw.loc[2022, "cells"].startswith("country (") and rw.loc[2022, "reweighted_share"] == pytest.approx(0.5)
    assert rw.loc[2022, "raw_share"] == pytest.approx(0.75)
