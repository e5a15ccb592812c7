"""Verdict rules on small hand-made tables: each verdict is reachable and follows the claim's stated rule."""
import numpy as np
import pandas as pd
import pytest

from helpers.registry.signals import COMMON_TREND, label
from helpers.report import claims
from helpers.stats import proportions

A, B, C, D = "so_questions", "github_stars", "github_forks", "pypi_downloads"  # signal ids


def ev(**tables):
    return claims.Evidence(dict(tables))


# --- overtaking in 2021: did each signal's persistent lead begin in 2021? one standard both ways -------------------

def years_rows(signal_id: str, p_in: float, p_later: float = 0.0, extra: tuple = ()) -> list[dict]:
    """crossover_years rows of the primary rule: P(dated in 2021), P(dated in 2023), the rest 'not yet'; `extra`:
    (outcome, year, probability) taken from 'not yet'."""
    rest = 1 - p_in - p_later - sum(p for *_, p in extra)
    rows = [("dated", "2021", p_in), ("dated", "2023", p_later), ("not_yet", "", rest), *extra]
    return [{"signal_id": signal_id, "rule_id": "window", "outcome_id": o, "crossover_year": y, "year_prob": p}
            for o, y, p in rows if p > 0]


def crossings(rows, common_p=0.0, loo_p=None, first="2017-01", leader="TensorFlow"):
    """Signals (id, P(crossed in 2021), P(crossed later)), the common trend's P(in 2021) (the rest in 2022), and its
    leave-one-out refits' (by default each equal to the full fit's)."""
    cross = pd.DataFrame([{"signal_id": s, "signal": label(s), "granularity": "month", "is_popularity": True,
                           "outcome_id": "dated", "crossover": "2021-06", "crossover_low": "2021-01",
                           "crossover_high": "2023-06", "window_end": "2021-12", "high_outcome_id": "",
                           "decidable_from": "", "first_period": first, "last_period": "2025-07",
                           "last_decidable": "2024-09"} for s, *_ in rows])
    years = pd.DataFrame([r for s, p_in, p_later in rows for r in years_rows(s, p_in, p_later)]
                         + years_rows(COMMON_TREND, common_p, 1 - common_p))
    common = pd.DataFrame([{"outcome_id": "dated", "crossover": "2022-09", "crossover_low": "2021-12",
                            "crossover_high": "2023-06", "window_end": "2023-03"}])
    loo_p = loo_p or {s: common_p for s, *_ in rows}
    loo = pd.DataFrame([{"signal_id": s, "outcome_id": "dated", "crossover": "2022-09"} for s in loo_p])
    loo_years = pd.DataFrame([r for s, p in loo_p.items() for r in years_rows(s, p, 1 - p)])
    lead = pd.DataFrame([{"year": 2021, "signal_id": s, "pytorch_share": 0.4, "leader": leader} for s, *_ in rows])
    trend = pd.DataFrame({"month": ["2017-01", "2025-07"]})
    return ev(crossovers=cross, crossover_years=years, common_trend_crossover=common, common_trend_loo=loo,
              common_trend_loo_years=loo_years, leaders_by_year=lead, common_trend=trend)


@pytest.mark.parametrize("rows, common_p, verdict", [
    ([(A, 0.97, 0.0), (B, 0.96, 0.0), (C, 0.0, 1.0)], 0.5, "supported"),     # 2 of 3 crossed in 2021
    ([(A, 0.0, 1.0), (B, 0.97, 0.0), (C, 0.0, 1.0), (D, 0.0, 0.98)], 0.0, "contradicted"),  # 3 of 4 did not
    ([(A, 0.0, 1.0), (B, 0.97, 0.0), (C, 0.0, 1.0), (D, 0.97, 0.0)], 0.0, "mixed"),  # 2 and 2
    ([(A, 0.0, 1.0), (B, 0.0, 1.0), (C, 0.97, 0.0)], 0.99, "mixed"),         # the common trend, decided, disagrees
])
def test_overtook_tallies_the_signals_with_one_standard(rows, common_p, verdict):
    r = claims.overtook(crossings(rows, common_p))
    assert r["verdict"] == verdict and "Crossed in 2021" in r["evidence"] and "did not" in r["evidence"]


@pytest.mark.parametrize("p_in, p_not, status", [(0.95, 0.0, "crossed"), (0.94, 0.0, "undecided"),
                                                 (0.0, 0.95, "not"), (0.0, 0.94, "undecided")])
def test_a_signal_is_decided_at_095_either_way(p_in, p_not, status):
    """Just at and just below the standard, on both sides: P(in 2021) 0.95 decides 'crossed', 0.94 does not;
    P(not in 2021) 0.95 decides 'not', 0.94 does not (the other 0.06 undetermined: a lead not decidable yet)."""
    rows = [{"signal_id": A, "rule_id": "window", "outcome_id": o, "crossover_year": y, "year_prob": p}
            for o, y, p in (("dated", "2021", p_in), ("not_yet", "", p_not),
                            ("not_decidable", "2021", 1 - p_in - p_not)) if p > 0]
    got = claims.crossing_in_year(pd.DataFrame(rows), 2021, "2017-01", "2024-09")
    assert got == pytest.approx((p_in, p_not))
    assert claims._status(*got, claims.P_DECIDED) == status


def test_what_the_data_cannot_settle_counts_neither_way():
    """'Ahead since the series began' settles 'not in 2021' only for a series that began before 2021; 'not yet'
    only when the data reach far enough past 2021 to date a crossing late in it."""
    ahead = pd.DataFrame([{"outcome_id": "ahead_since_start", "crossover_year": "", "year_prob": 1.0}])
    assert claims.crossing_in_year(ahead, 2021, "2019-05", "2024-09") == (0.0, 1.0)
    assert claims.crossing_in_year(ahead, 2021, "2021-03", "2024-09") == (0.0, 0.0)
    not_yet = pd.DataFrame([{"outcome_id": "not_yet", "crossover_year": "", "year_prob": 1.0}])
    assert claims.crossing_in_year(not_yet, 2021, "2017-01", "2022-07") == (0.0, 1.0)
    assert claims.crossing_in_year(not_yet, 2021, "2017-01", "2021-06") == (0.0, 0.0)


def test_overtook_without_the_common_trend_and_excluding_a_signal():
    e = crossings([(A, 0.97, 0.0), (B, 0.0, 1.0)], common_p=0.99)
    assert claims.overtook(e, use_common=False)["verdict"] == "mixed"
    assert claims.overtook(e, use_common=False, exclude=(A,))["verdict"] == "contradicted"


def test_overtook_common_trend_decides_only_where_every_leave_one_out_refit_agrees():
    rows = [(A, 0.97, 0.0), (B, 0.96, 0.0), (C, 0.0, 1.0)]
    # every refit says 'not in 2021': the common trend is decided against the signals' majority -> mixed
    assert claims.overtook(crossings(rows, 0.01, {A: 0.01, B: 0.0, C: 0.02}))["verdict"] == "mixed"
    r = claims.overtook(crossings(rows, 0.01, {A: 0.01, B: 0.0, C: 0.30}))  # without C it is undecided
    assert r["verdict"] == "supported" and "from < 0.001 to 0.30" in r["evidence"]
    assert "cannot be said to have crossed" in r["finding"]


def test_overtook_reads_who_led_in_the_year():
    r = claims.overtook(crossings([(A, 0.0, 1.0), (B, 0.0, 1.0), (C, 0.0, 1.0)], 0.0))
    assert r["verdict"] == "contradicted" and r["finding"].startswith("In 2021 TensorFlow led on 3 and PyTorch on 0")


# --- closing the gap in 2021 ------------------------------------------------------------------------------------

def year_rows(rows):
    return ev(yearly_trends=pd.DataFrame([
        {"signal_id": s, "signal": label(s), "year": 2021, "share_change": c, "share_change_low": lo,
         "share_change_high": hi,
         "share_change_low90": lo + 0.003,
         "share_change_high90": hi - 0.003, "tau": np.sign(c) * 0.6, "p_holm_within_year": p, "mde_per_year": 0.05}
        for s, c, lo, hi, p in rows]))


@pytest.mark.parametrize("rows, verdict", [
    ([("so_questions", -0.05, -0.08, -0.02, 0.01), ("github_stars", -0.03, -0.05, -0.01, 0.02)],
     "supported"),
    ([("so_questions", 0.05, 0.02, 0.08, 0.01), ("github_stars", 0.0, -0.01, 0.01, 0.9)],
     "contradicted"),  # rose on one, flat (equivalent within +-2 points) on the other
    ([("so_questions", 0.05, 0.02, 0.08, 0.01), ("github_stars", -0.03, -0.05, -0.01, 0.02)],
     "mixed"),
])
def test_closing_gap_rule(rows, verdict):
    assert claims.closing_gap(year_rows(rows))["verdict"] == verdict


def test_closing_gap_flat_needs_equivalence_not_just_non_significance():
    wide = year_rows([("so_questions", 0.0, -0.06, 0.06, 0.9), ("github_stars", 0.0, -0.06, 0.06, 0.9)])
    r = claims.closing_gap(wide)
    assert r["verdict"] == "mixed" and "unclear on 2" in r["finding"]
    assert claims.closing_gap(wide, margin=0.10)["verdict"] == "contradicted"


def test_closing_gap_by_the_mann_kendall_test():
    e = year_rows([("so_questions", -0.05, -0.08, -0.02, 0.01), ("github_stars", 0.0, -0.01, 0.01, 0.9)])
    r = claims.closing_gap(e, rule="mann-kendall")
    assert r["verdict"] == "mixed" and "detectable slope" in r["evidence"]


# --- better answered: compared within years ---------------------------------------------------------------------

def dsse(per_year):
    rows = []
    for year, (k_tf, n_tf, k_pt, n_pt) in per_year.items():
        for fw, k, n in (("tensorflow", k_tf, n_tf), ("pytorch", k_pt, n_pt)):
            rows += [{"source_id": "dsse", "metric": "questions", "framework": fw, "month": f"{year}-01", "value": float(n)},
                     {"source_id": "dsse", "metric": "answered", "framework": fw, "month": f"{year}-01", "value": float(k)}]
    return ev(monthly_signals=pd.DataFrame(rows))


@pytest.mark.parametrize("per_year, verdict", [
    ({2019: (900, 1000, 700, 1000), 2020: (880, 1000, 690, 1000)}, "supported"),
    ({2019: (7000, 10000, 7000, 10000), 2020: (6900, 10000, 6900, 10000)}, "contradicted"),  # equivalent
    ({2019: (72, 100, 70, 100)}, "mixed"),                                                   # inconclusive
    ({2019: (500, 1000, 800, 1000)}, "contradicted"),                                        # PyTorch better
])
def test_better_answered_rule(per_year, verdict):
    assert claims.better_answered(dsse(per_year), years=(2017, 2021))["verdict"] == verdict


def test_stratifying_by_year_removes_a_confounded_pooled_difference():
    # TensorFlow's questions are older, and old questions are answered more: within each year the rates are equal
    e = dsse({2017: (900, 1000, 90, 100), 2021: (500, 1000, 500, 1000)})
    pooled = claims.better_answered(e, stratified=False)
    within = claims.better_answered(e)
    assert pooled["verdict"] == "supported" and within["verdict"] != "supported"
    assert "Mantel-Haenszel" in within["evidence"]


# --- the Kaggle claims: a stated practical margin --------------------------------------------------------------

def kaggle_tables(n=1000, p_tf=0.48, p_pt=0.31, both=0.15, year=2021):
    k_both = int(both * n)
    k_tf_only, k_pt_only = int(p_tf * n) - k_both, int(p_pt * n) - k_both
    tf = [True] * (k_both + k_tf_only) + [False] * (n - k_both - k_tf_only)
    pt = [True] * k_both + [False] * k_tf_only + [True] * k_pt_only + [False] * (n - k_both - k_tf_only - k_pt_only)
    resp = pd.DataFrame({"year": year, "respondent": range(n), "is_answered": pd.array([True] * n, dtype="boolean"),
                         "fw_tensorflow": pd.array(tf, dtype="boolean"), "fw_pytorch": pd.array(pt, dtype="boolean"),
                         "country_group": "India", "role_group": "student"})
    shares = pd.DataFrame({"year": year, "framework": ["tensorflow", "pytorch"], "n_selected": [sum(tf), sum(pt)],
                           "n_respondents": n, "n_answered": n})
    shares["all_share"] = shares["answered_share"] = shares["n_selected"] / n
    shares = proportions.add_wilson(shares)
    w = proportions.paired_comparison(resp["fw_tensorflow"], resp["fw_pytorch"])
    within = pd.DataFrame([{"source_id": "kaggle_survey", "year": year, "tf_minus_pt_change": w["diff"],
                            "tf_minus_pt_change_low": w["diff_low"], "tf_minus_pt_change_high": w["diff_high"],
                            "p_value": w["p_value"]}])
    return ev(kaggle_framework_shares=shares, kaggle_respondents=resp, survey_within_year=within)


@pytest.mark.parametrize("n, claimed, margin, verdict", [
    (20000, (0.48, 0.31), 0.02, "supported"),    # equal and precise
    (20000, (0.49, 0.32), 0.02, "supported"),    # 1 pp off: within the practical margin, though "significant"
    (20000, (0.37, 0.42), 0.02, "contradicted"),  # 11 pp off
    (200, (0.48, 0.31), 0.02, "mixed"),           # too few respondents to say it matches within 2 pp
    (20000, (0.50, 0.33), 0.005, "contradicted"),  # 2 pp off: outside a tighter margin
    (20000, (0.49, 0.32), 0.005, "mixed"),          # 1 pp off: neither within nor clearly outside 0.5 pp
])
def test_claimed_shares_against_a_practical_margin(n, claimed, margin, verdict):
    e = kaggle_tables(n=n)
    r = claims.kaggle_year_shares(e, "kaggle_2021_shares", 2021, *claimed, margin=margin)
    assert r["verdict"] == verdict, r["evidence"]


def test_a_claimed_sample_of_453_is_tested_against_the_survey():
    r = claims.kaggle_year_shares(kaggle_tables(), "kaggle_2021_shares", 2021, 0.37, 0.42, n_claim=453)
    assert r["verdict"] == "contradicted" and "random sample" in r["evidence"]


# --- PyPI and the conference papers ------------------------------------------------------------------------------

def pypi_rows(total_2020):
    months = [f"2020-{m:02d}" for m in range(1, 13)]
    return ev(monthly_signals=pd.DataFrame({"source_id": "pypi", "metric": "downloads", "framework": "tensorflow",
                                            "month": months, "value": total_2020 / 12, "window_days": 30.0}))


@pytest.mark.parametrize("total, verdict", [(115e6, "supported"), (112e6, "supported"), (60e6, "contradicted")])
def test_pypi_115m_tolerance(total, verdict):
    assert claims.pypi_115m(pypi_rows(total))["verdict"] == verdict


def test_pypi_without_data_is_untestable():
    assert claims.pypi_115m(ev(monthly_signals=pypi_rows(1).tables["monthly_signals"].iloc[:0]))["verdict"] == "untestable"


def papers(rows, year=2019):
    return ev(conference_papers=pd.DataFrame([
        {"conference": c, "year": year, "n_pytorch_papers": a, "n_tensorflow_papers": b, "n_papers": 500,
         "papers_are": "accepted"} for c, a, b in rows]))


@pytest.mark.parametrize("rows, rule, verdict", [
    ([("A", 80, 20), ("B", 70, 30)], "count", "supported"),
    ([("A", 80, 20), ("B", 30, 30)], "count", "contradicted"),  # a tie is not a majority: not "every"
    ([("A", 20, 80), ("B", 30, 70)], "count", "contradicted"),
    ([("A", 80, 20), ("B", 11, 9)], "binomial", "mixed"),      # 11 of 20 is a majority, not a significant one
    ([("A", 80, 20), ("B", 20, 80)], "binomial", "contradicted"),  # B clearly has none, by the same test
])
def test_conference_majority_rule(rows, rule, verdict):
    assert claims.conference_majority(papers(rows), rule=rule)["verdict"] == verdict


# --- months ahead: Stack Overflow and Google Trends in 2020 --------------------------------------------------

def months_2020(signal, ahead_prob):
    months = [f"2020-{m:02d}" for m in range(1, 13)]
    return pd.DataFrame({"signal_id": signal, "signal": label(signal), "month": months, "observed_share": 0.4,
                         "pt_plus_tf": 1000.0, "latent_share": 0.4,
                         "latent_share_low": 0.38, "latent_share_high": 0.42, "ahead_prob": ahead_prob})


@pytest.mark.parametrize("ahead_prob, verdict", [(0.999, "supported"), (0.001, "contradicted"),
                                              ([0.999] * 11 + [0.01], "contradicted"),  # one month clearly behind
                                              ([0.999] * 11 + [0.5], "mixed")])          # one month unclear
def test_so_2020_needs_every_month(ahead_prob, verdict):
    assert claims.so_2020(ev(signal_months=months_2020("so_questions", ahead_prob)))["verdict"] == verdict


def test_google_trends_without_an_export_is_untestable_and_says_how_to_add_one():
    e = ev(signal_months=months_2020("so_questions", 0.5), google_trends_export=pd.DataFrame())
    r = claims.google_trends_2020(e)
    assert r["verdict"] == "untestable" and "multiTimeline.csv" in r["evidence"]


def gt_export(months: int, first: str, last: str, geo: str = "Weltweit") -> pd.DataFrame:
    return pd.DataFrame([{"file": "data/raw/google_trends/multiTimeline.csv", "geo": geo, "resolution": "daily",
                          "terms": "pytorch, tensorflow", "first": first, "last": last, "n_rows": 214,
                          "dropped_partial": "", "n_months": months, "first_month": first[:7], "last_month": last[:7],
                          "partial_months": ""}])


def gt_evidence(months: list[str], share: float, modelled: bool, export: pd.DataFrame) -> claims.Evidence:
    sm_ = pd.DataFrame({"signal_id": "google_trends", "signal": label("google_trends"), "month": months,
                        "observed_share": share, "pt_plus_tf": 100.0,
                        "latent_share": share if modelled else np.nan, "latent_share_low": share - 0.01,
                        "latent_share_high": share + 0.01,
                        "ahead_prob": (0.999 if share > 0.5 else 0.001) if modelled else np.nan, "is_modelled": modelled})
    ms = pd.DataFrame({"source_id": "google_trends", "metric": "interest", "framework": "pytorch", "month": months,
                       "value": np.arange(len(months), dtype=float)})
    return ev(signal_months=sm_, monthly_signals=ms, google_trends_export=export)


def test_google_trends_on_seven_months_states_its_coverage():
    """A daily export June-December 2020 (too short to model): judged on its 7 months, and says so."""
    months = [f"2020-{m:02d}" for m in range(6, 13)]
    r = claims.google_trends_2020(gt_evidence(months, 0.44, False, gt_export(7, "2020-06-01", "2020-12-31")))
    assert r["verdict"] == "contradicted"
    assert "7 of 12 months" in r["evidence"] and "7 of 12 months" in r["finding"] and "Weltweit" in r["evidence"]
    assert "rounding bounds" in r["evidence"]


def test_google_trends_with_eleven_modelled_months_is_judged_not_untestable():
    months = [f"2020-{m:02d}" for m in range(1, 12)]
    r = claims.google_trends_2020(gt_evidence(months, 0.6, True, gt_export(59, "2016-01-03", "2020-11-30")))
    assert r["verdict"] in ("supported", "mixed") and "11 of 12 months" in r["evidence"]


def test_google_trends_untestable_message_describes_the_export_present():
    months = [f"2021-{m:02d}" for m in range(1, 13)]
    e = gt_evidence(months, 0.6, True, gt_export(12, "2021-01-01", "2021-12-31"))
    e = ev(signal_months=e["signal_months"].iloc[0:0], monthly_signals=e["monthly_signals"],
           google_trends_export=gt_export(12, "2021-01-01", "2021-12-31"))
    r = claims.google_trends_2020(e)
    assert r["verdict"] == "untestable" and "gives 12 complete months, 2021-01 to 2021-12" in r["evidence"]
    assert "None of them is in 2020" in r["evidence"] and "No Google Trends export" not in r["evidence"]


def test_every_claim_has_a_default_rule_and_variants():
    assert list(claims.DEFAULTS) == list(claims.CLAIMS)
    assert all(len(claims.VARIANTS[c]) >= 3 for c in claims.CLAIMS)


# --- when the rise began: 2018's gain against 2017's, on the share scale -----------------------------------------

def rise_rows(rows, leader="TensorFlow"):
    tests = pd.DataFrame([{"signal_id": s, "signal": label(s), "is_available": True, "first_month": "2017-01",
                           "faster_prob_2018": p,
                           "gain_per_year_2017": g17, "gain_per_year_2017_low": g17 - 0.01, "gain_per_year_2017_high": g17 + 0.01,
                           "gain_per_year_2018": g18, "gain_per_year_2018_low": g18 - 0.01, "gain_per_year_2018_high": g18 + 0.01}
                          for s, g17, g18, p in rows])
    leaders = pd.DataFrame([{"signal_id": s, "year": 2017, "leader": leader} for s, *_ in rows])
    return ev(signal_tests=tests, leaders_by_year=leaders)


@pytest.mark.parametrize("rows, leader, verdict", [
    ([("so_questions", 0.02, 0.06, 1.0), ("github_stars", 0.01, 0.05, 0.99)], "TensorFlow", "supported"),
    ([("so_questions", 0.06, 0.02, 0.0), ("github_stars", 0.05, 0.01, 0.01)], "TensorFlow", "contradicted"),
    ([("so_questions", 0.02, 0.06, 1.0), ("github_stars", 0.05, 0.01, 0.01)], "TensorFlow", "mixed"),
    ([("so_questions", 0.02, 0.06, 1.0), ("github_stars", 0.01, 0.05, 0.99)], "PyTorch", "contradicted"),
    ([("so_questions", 0.02, 0.06, 1.0), ("github_stars", 0.01, 0.05, 0.99)], "too close to call", "mixed"),
    # three signals: two say 2018 and one 2017 -> supported by more than half (the finding names the dissent)
    ([("so_questions", 0.02, 0.06, 1.0), ("github_stars", 0.01, 0.05, 0.99), ("github_forks", 0.05, 0.01, 0.01)],
     "TensorFlow", "supported"),
    # at the threshold, both sides: P = 0.95 is not > 0.95 (unclear), 0.951 is
    ([("so_questions", 0.02, 0.06, 0.95), ("github_stars", 0.01, 0.05, 0.95)], "TensorFlow", "mixed"),
    ([("so_questions", 0.02, 0.06, 0.951), ("github_stars", 0.01, 0.05, 0.951)], "TensorFlow", "supported"),
    ([("so_questions", 0.06, 0.02, 0.05), ("github_stars", 0.05, 0.01, 0.05)], "TensorFlow", "mixed"),
    ([("so_questions", 0.06, 0.02, 0.049), ("github_stars", 0.05, 0.01, 0.049)], "TensorFlow", "contradicted"),
])
def test_rise_began_2018_compares_the_gains_and_needs_tensorflow_ahead_in_2017(rows, leader, verdict):
    r = claims.rise_2018(rise_rows(rows, leader))
    assert r["verdict"] == verdict and "P(2018 faster)" in r["evidence"]
    assert "= 1.00" not in r["evidence"] and "= 0.00" not in r["evidence"]  # probabilities at an end print a bound
