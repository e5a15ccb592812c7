"""The claims scorecard: claim ids (DESIGN.md section 2) and the evaluation of the survey claims.

Every evaluation returns a row: claim_id, verdict, evidence (numbers, test, p-value or interval).
Verdicts: supported, contradicted, mixed (signals disagree), untestable (no data; what would settle it).
"""
from __future__ import annotations

import pandas as pd

from . import surveys, survey_shift

VERDICTS = ("supported", "contradicted", "mixed", "untestable")
CLAIMS = {
    "gt_2020_pt_ahead": "Google Trends: in 2020 PyTorch was consistently more searched than TensorFlow, peaking Sep 2020",
    "pt_rise_began_2018": "TensorFlow led clearly until early 2018, when PyTorch's rise began",
    "so_2020_pt_more_questions": "Stack Overflow: in 2020 PyTorch consistently got more questions than TensorFlow",
    "kaggle_2021_shares": "Kaggle survey 2021: 42% use PyTorch, 37% TensorFlow (453 respondents)",
    "kaggle_2020_shares": "Kaggle survey 2020: 43% TensorFlow, 36% PyTorch",
    "kaggle_shift_2020_2021": "Between 2020 and 2021 the survey flipped from TensorFlow to PyTorch",
    "pt_overtook_2021": "PyTorch overtook TensorFlow as the most popular framework in 2021",
    "tf_better_answered": "TensorFlow has better community support: more of its questions get answered",
    "tf_closing_gap_2021": "In 2021 TensorFlow was closing the gap again",
    "tf_pypi_115m_2020": "TensorFlow was downloaded about 115 million times from PyPI in 2020 (Chollet, Jan 2021)",
    "he_2019_conference_majority": "In 2019 every major ML conference had a majority of framework-naming papers using PyTorch (He, 2019)",
}


def pct(x: float) -> str:
    return f"{100 * x:.1f}%"


def pp(x: float) -> str:
    return f"{100 * x:+.1f} pp"


def pval(p: float) -> str:
    return "p < 1e-300" if p == 0 else (f"p = {p:.2g}" if p < 0.001 else f"p = {p:.3f}")


def _row(claim_id: str, verdict: str, evidence: str) -> dict:
    assert verdict in VERDICTS and claim_id in CLAIMS
    return {"claim_id": claim_id, "claim": CLAIMS[claim_id], "verdict": verdict, "evidence": evidence}


def _shares_text(shares: pd.DataFrame, year: int) -> tuple[str, dict]:
    s = surveys.add_wilson(shares[shares["year"] == year]).set_index("framework")
    parts, out = [], {}
    for basis, denom, lo, hi in (("answered", "n_answered", "ci_answered_low", "ci_answered_high"),
                                 ("all", "n_respondents", "ci_all_low", "ci_all_high")):
        col = "pct_answered" if basis == "answered" else "pct_all"
        tf, pt = s.loc["tensorflow"], s.loc["pytorch"]
        out[basis] = {"tf": (tf[col], tf[lo], tf[hi]), "pt": (pt[col], pt[lo], pt[hi]), "n": int(tf[denom])}
        parts.append(f"of {int(tf[denom]):,} {'who answered' if basis == 'answered' else 'respondents'}: "
                     f"TensorFlow {pct(tf[col])} [{pct(tf[lo])}, {pct(tf[hi])}], "
                     f"PyTorch {pct(pt[col])} [{pct(pt[lo])}, {pct(pt[hi])}]")
    return f"Kaggle {year} (Wilson 95%) " + "; ".join(parts), out


def _inside(value: float, interval: tuple[float, float, float], rounding: float = 0.005) -> bool:
    """Is a claimed (rounded) share compatible with the interval, allowing for its rounding?"""
    return interval[1] - rounding <= value <= interval[2] + rounding


def kaggle_year_shares(claim_id: str, year: int, claimed_tf: float, claimed_pt: float, shares: pd.DataFrame,
                       resp: pd.DataFrame, n_claim: int | None = None) -> dict:
    """A claimed pair of Kaggle shares against the survey, on both denominators."""
    text, s = _shares_text(shares, year)
    fits = [b for b in s if _inside(claimed_tf, s[b]["tf"]) and _inside(claimed_pt, s[b]["pt"])]
    mc = survey_shift.within_year(resp[resp["year"] == year])
    mc = mc.iloc[0]
    lead = (f"McNemar (paired, who answered): TensorFlow minus PyTorch {pp(mc['diff'])} "
            f"[{pp(mc['diff_low'])}, {pp(mc['diff_high'])}], {pval(mc['p_value'])}")
    claim = f"Claimed TensorFlow {pct(claimed_tf)}, PyTorch {pct(claimed_pt)}" + (f" of {n_claim}" if n_claim else "")
    extra = ""
    if n_claim:
        g = survey_shift.population(resp, year)
        t = surveys.claim_vs_sample(claimed_pt, claimed_tf, n_claim, g["fw_pytorch"].fillna(False),
                                    g["fw_tensorflow"].fillna(False))
        extra = (f" If the {n_claim} were a random sample of those who answered: PyTorch at {pct(t['claimed_pt'])} "
                 f"has binomial {pval(t['p_pt'])}, TensorFlow at {pct(t['claimed_tf'])} {pval(t['p_tf'])}, and a "
                 f"PyTorch-minus-TensorFlow gap of {pp(claimed_pt - claimed_tf)} against the survey's "
                 f"{pp(t['survey_gap'])} has z = {t['z_gap']:.1f}, {pval(t['p_gap'])}.")
    else:
        ans = s["answered"]
        n_tf = surveys.max_compatible_n(claimed_tf, ans["tf"][0])
        n_pt = surveys.max_compatible_n(claimed_pt, ans["pt"][0])
        extra = (f" The claimed values would be compatible (5% level) only with a random sample of at most "
                 f"{int(min(n_tf, n_pt)):,} respondents who answered.")
    ordering = "the ordering TensorFlow > PyTorch is right" if claimed_tf > claimed_pt else \
        "the claimed PyTorch lead has the wrong sign"
    if fits:
        verdict = "supported"
        summary = f"The claimed shares fall inside the 95% intervals ({', '.join(fits)} basis)."
    else:
        verdict = "contradicted"
        summary = f"The claimed shares lie outside the 95% intervals on both denominators; {ordering}."
    return _row(claim_id, verdict, f"{claim}. {text}. {lead}.{extra} {summary}")


def kaggle_shift(shares: pd.DataFrame, resp: pd.DataFrame, before: int = 2020, after: int = 2021) -> dict:
    """Did the survey flip from TensorFlow to PyTorch between two years?"""
    yoy = survey_shift.year_over_year(shares[shares["year"].isin([before, after])], ("tensorflow", "pytorch"))
    mc = survey_shift.within_year(resp[resp["year"].isin([before, after])]).set_index("year")
    rw = survey_shift.reweighted(resp, ("tensorflow", "pytorch")).set_index(["year", "framework"])
    parts = []
    for _, r in yoy.iterrows():
        parts.append(f"{r['framework']} {pct(r['p_before'])} -> {pct(r['p_after'])} "
                     f"(shift {100 * r['shift']:+.1f} pp [{100 * r['shift_low']:+.1f}, {100 * r['shift_high']:+.1f}], "
                     f"two-proportion z = {r['z']:.1f}, {pval(r['p_value'])}, Cohen's h = {r['cohen_h']:+.3f})")
    leads = [f"{y}: TensorFlow minus PyTorch {pp(mc.loc[y, 'diff'])} (McNemar {pval(mc.loc[y, 'p_value'])})"
             for y in (before, after)]
    reweighted_txt = "; ".join(
        f"{y} re-weighted to a fixed country x role mix: TensorFlow {pct(rw.loc[(y, 'tensorflow'), 'reweighted_share'])}, "
        f"PyTorch {pct(rw.loc[(y, 'pytorch'), 'reweighted_share'])}" for y in (before, after))
    flipped = mc.loc[after, "diff"] < 0 and mc.loc[after, "p_value"] < surveys.ALPHA
    still_tf = mc.loc[after, "diff_low"] > 0
    verdict = "supported" if flipped else ("contradicted" if still_tf else "mixed")
    summary = ("TensorFlow still led in the later year: no flip." if still_tf else
               "PyTorch led significantly in the later year." if flipped else "No significant leader in the later year.")
    return _row("kaggle_shift_2020_2021", verdict,
                f"Among respondents who answered: {'; '.join(parts)}. {'; '.join(leads)}. {reweighted_txt}. {summary}")


def kaggle_claims(shares: pd.DataFrame, resp: pd.DataFrame) -> pd.DataFrame:
    """The three Kaggle claims of the article, evaluated."""
    return pd.DataFrame([
        kaggle_year_shares("kaggle_2021_shares", 2021, 0.37, 0.42, shares, resp, n_claim=453),
        kaggle_year_shares("kaggle_2020_shares", 2020, 0.43, 0.36, shares, resp),
        kaggle_shift(shares, resp),
    ])
