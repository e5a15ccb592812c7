"""Verdict rules on small hand-made inputs: each verdict is reachable and follows its stated rule."""
import pandas as pd
import pytest

from helpers.report import claims
from helpers.stats import proportions as surveys


def leaders(*rows):
    return pd.DataFrame([{"signal": s, "pytorch_share": p, "low": p - 0.02, "high": p + 0.02, "leader": who}
                         for s, p, who in rows])


CROSS = pd.DataFrame({"signal": ["A", "B"], "crossover": ["2021-03", ""], "popularity": [True, True]})


@pytest.mark.parametrize("rows, verdict", [
    ([("A", 0.6, "PyTorch"), ("B", 0.7, "PyTorch")], "supported"),
    ([("A", 0.3, "TensorFlow"), ("B", 0.4, "TensorFlow")], "contradicted"),
    ([("A", 0.6, "PyTorch"), ("B", 0.4, "TensorFlow")], "mixed"),
])
def test_overtook_rule(rows, verdict):
    r = claims.overtook(2021, leaders(*rows), CROSS)
    assert r["verdict"] == verdict and "crossovers dated in 2021: A" in r["evidence"]


def kaggle_inputs(n=1000, p_tf=0.48, p_pt=0.31, both=0.15):
    """A survey year with given shares among those who answered (all answered)."""
    k_both = int(both * n)
    k_tf_only, k_pt_only = int(p_tf * n) - k_both, int(p_pt * n) - k_both
    tf = [True] * k_both + [True] * k_tf_only + [False] * k_pt_only
    pt = [True] * k_both + [False] * k_tf_only + [True] * k_pt_only
    rest = n - len(tf)
    tf, pt = tf + [False] * rest, pt + [False] * rest
    resp = pd.DataFrame({"year": 2021, "respondent": range(n), "answered": pd.array([True] * n, dtype="boolean"),
                         "fw_tensorflow": pd.array(tf, dtype="boolean"), "fw_pytorch": pd.array(pt, dtype="boolean"),
                         "country_group": "India", "role_group": "student"})
    shares = pd.DataFrame({"year": 2021, "framework": ["tensorflow", "pytorch"], "n_selected": [sum(tf), sum(pt)],
                           "n_respondents": n, "n_answered": n})
    shares["pct_all"] = shares["n_selected"] / n
    shares["pct_answered"] = shares["pct_all"]
    return shares, resp


def test_claimed_shares_equal_to_the_survey_are_supported():
    shares, resp = kaggle_inputs()
    r = claims.kaggle_year_shares("kaggle_2021_shares", 2021, 0.48, 0.31, shares, resp)
    assert r["verdict"] == "supported"


def test_claimed_flip_against_a_clear_tensorflow_lead_is_contradicted_with_a_test():
    shares, resp = kaggle_inputs()
    r = claims.kaggle_year_shares("kaggle_2021_shares", 2021, 0.37, 0.42, shares, resp, n_claim=453)
    assert r["verdict"] == "contradicted" and "random sample of those who answered" in r["evidence"]
    t = surveys.claim_vs_sample(0.42, 0.37, 453, resp["fw_pytorch"], resp["fw_tensorflow"])
    assert t["p_gap"] < 1e-6


def pypi_rows(total_2020):
    months = [f"2020-{m:02d}" for m in range(1, 13)]
    return pd.DataFrame({"source": "pypi", "metric": "downloads", "framework": "tensorflow", "month": months,
                         "value": total_2020 / 12, "window_days": 30.0, "break": ""})


@pytest.mark.parametrize("total, verdict", [(115e6, "supported"), (112e6, "supported"), (60e6, "contradicted")])
def test_pypi_115m_tolerance(total, verdict):
    assert claims.pypi_115m(pypi_rows(total))["verdict"] == verdict


def test_pypi_without_data_is_untestable():
    empty = pypi_rows(1).iloc[:0]
    assert claims.pypi_115m(empty)["verdict"] == "untestable"


def conf(rows):
    return pd.DataFrame([{"conference": c, "year": 2019, "pytorch_papers": a, "tensorflow_papers": b, "total_papers": 500,
                          "papers_are": "accepted"} for c, a, b in rows])


@pytest.mark.parametrize("rows, verdict", [
    ([("A", 80, 20), ("B", 70, 30)], "supported"),
    ([("A", 80, 20), ("B", 30, 30)], "mixed"),      # a tie is not a majority
    ([("A", 20, 80), ("B", 30, 70)], "contradicted"),
])
def test_conference_majority_rule(rows, verdict):
    assert claims.conference_majority(conf(rows))["verdict"] == verdict


def yearly(slopes_p):
    return pd.DataFrame([{"signal": s, "year": 2021, "sen_slope_per_year": sl, "p_holm_within_year": p}
                         for s, sl, p in slopes_p])


TABLE = pd.DataFrame({"signal": ["A", "B", "C"], "available": True, "popularity": True})


@pytest.mark.parametrize("rows, verdict", [
    ([("A", -0.1, 0.01), ("B", -0.2, 0.001), ("C", 0.05, 0.5)], "supported"),
    ([("A", 0.1, 0.01), ("B", 0.2, 0.001), ("C", -0.05, 0.5)], "contradicted"),
    ([("A", -0.1, 0.01), ("B", 0.2, 0.001), ("C", 0.05, 0.5)], "mixed"),
])
def test_closing_gap_rule(rows, verdict):
    assert claims.closing_gap(yearly(rows), TABLE)["verdict"] == verdict


def dsse(k_tf, n_tf, k_pt, n_pt):
    rows = []
    for fw, k, n in (("tensorflow", k_tf, n_tf), ("pytorch", k_pt, n_pt)):
        rows += [{"source": "dsse", "metric": "questions", "framework": fw, "month": "2019-01", "value": float(n)},
                 {"source": "dsse", "metric": "answered", "framework": fw, "month": "2019-01", "value": float(k)}]
    return pd.DataFrame(rows)


@pytest.mark.parametrize("counts, verdict", [
    ((900, 1000, 700, 1000), "supported"),      # TF answered much more often
    ((7000, 10000, 7000, 10000), "contradicted"),  # equal and precise: a 5 pp advantage is excluded
    ((72, 100, 70, 100), "mixed"),              # equal-ish but imprecise: inconclusive
    ((500, 1000, 800, 1000), "contradicted"),   # PyTorch answered more often
])
def test_better_answered_rule(counts, verdict):
    assert claims.better_answered(dsse(*counts))["verdict"] == verdict


def test_unknown_verdict_is_refused():
    with pytest.raises(ValueError):
        claims._row("kaggle_2021_shares", "probably", "x")
