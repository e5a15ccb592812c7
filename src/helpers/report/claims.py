"""The claims of the article (and two published claims from outside it), one evaluation function each.

Each function tests the claim's own words by the rule declared with it in `helpers.registry.claims` (what would
support it, what would contradict it: one standard of evidence both ways), reads only the tables of steps 10-30,
and takes options, so that the same function gives the verdict (defaults) and its robustness variants (`VARIANTS`,
each as symmetric as the default).
Every evaluation returns a row: claim_id, claim, verdict, finding (one sentence), evidence (numbers, test, p-value
or interval). Verdicts: supported, contradicted, mixed (the signals disagree, or the test is inconclusive),
untestable (no data; the evidence says what data would settle it).
"""
from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import pandas as pd
from statsmodels.stats.contingency_tables import StratifiedTable
from statsmodels.stats.multitest import multipletests

from ..chain import io
from ..registry.claims import (
    ALPHA,
    CHANGE_MARGIN,
    CLAIMS,
    OR_EQUIVALENCE,
    P_CLEAR,
    P_DECIDED,
    P_FASTER,
    PYPI_TOLERANCE,
    SHARE_MARGIN,
    VERDICTS,
)
from ..registry.crossover import PRIMARY, RULES, VARIANT, describe_record
from ..registry.formats import pct, pp, prob, prob_eq, pval
from ..registry.signals import COMMON_TREND, MONTHLY, SIGNAL_BY_ID, label
from ..registry.sources import SOURCE_BY_ID, survey_breaks
from ..sources import pypi
from ..stats import papers as paper_shares
from ..stats import proportions, surveys

# The thresholds are declared once, with each claim's rule both ways, in `helpers.registry.claims`.
RULES_TEXT = {rule_id: r.text for rule_id, r in RULES.items()}


def _row(claim_id: str, verdict: str, evidence: str, finding: str | None = None) -> dict:
    """One scorecard row; an untestable claim's finding is its evidence (what is missing and how to add it)."""
    if finding is None and verdict != "untestable":
        raise ValueError(f"{claim_id}: a verdict needs a one-sentence finding")
    if verdict not in VERDICTS or claim_id not in CLAIMS:
        raise ValueError(f"unknown claim {claim_id!r} or verdict {verdict!r}")
    return {"claim_id": claim_id, "claim": CLAIMS[claim_id], "verdict": verdict,
            "finding": evidence if finding is None else finding, "evidence": evidence}


@dataclass
class Evidence:
    """Every table a claim may read, each read once (from the project's tables unless given)."""
    tables: dict

    @classmethod
    def load(cls) -> Evidence:
        return cls({})

    def __getitem__(self, table_id: str) -> pd.DataFrame:
        if table_id not in self.tables:
            self.tables[table_id] = io.read_table(table_id)
        return self.tables[table_id]

    def months(self, signal_id: str, year: int) -> pd.DataFrame:
        m = self["signal_months"]
        return m[(m["signal_id"] == signal_id) & m["month"].str.startswith(str(year))]


def tally(status: dict[str, str]) -> str:
    """A claim judged signal by signal, with one standard both ways: each signal says `yes` (supports it), `no`
    (contradicts it) or `open`; supported when more than half of the signals say yes, contradicted when more than
    half say no, mixed otherwise (the signals split, or too few are decided). The finding names the dissent."""
    n = len(status)
    yes, no = (sum(v == k for v in status.values()) for k in ("yes", "no"))
    return "supported" if yes > n / 2 else ("contradicted" if no > n / 2 else "mixed")


# --- Google Trends and Stack Overflow in 2020 ------------------------------------------------------------------

def _months_ahead(m: pd.DataFrame, threshold: float) -> tuple[int, int]:
    """Months PyTorch (TensorFlow) is clearly ahead: P(ahead) beyond `threshold` from the model; for months of a
    signal too short to model, the counting interval lying wholly above (below) 1/2."""
    p = m["ahead_prob"]
    ahead = (p > threshold) | (p.isna() & (m["latent_share_low"] > 0.5))
    behind = (p < round(1 - threshold, 12)) | (p.isna() & (m["latent_share_high"] < 0.5))
    return int(ahead.sum()), int(behind.sum())


def google_trends_2020(ev: Evidence, threshold: float = P_CLEAR, require_peak: bool = True) -> dict:
    """'Google Trends: in 2020 PyTorch was consistently more searched than TensorFlow, peaking Sep 2020.'
    Supported when PyTorch is clearly ahead (P(ahead) > `threshold`) in every month of 2020 the export covers and
    (with `require_peak`) PyTorch's own interest peaks in September, when September is covered; contradicted when
    TensorFlow is clearly ahead (P(ahead) < 1 - `threshold`) in at least one month ("consistently" is then false);
    mixed otherwise (a month unclear, or PyTorch ahead throughout but peaking in another month: the detail fails, not
    the claim). Judged on the complete months the export has; the verdict states how many of 12."""
    from ..sources import google_trends
    sig = SIGNAL_BY_ID["google_trends"]
    m = ev.months(sig.id, 2020)
    facts = ev["google_trends_export"]
    if m.empty:
        return _row("gt_2020_pt_ahead", "untestable", google_trends.missing_year(facts, 2020))
    k = len(m)
    ahead, behind = _months_ahead(m, threshold)
    ms = ev["monthly_signals"]
    pt = ms[(ms["source_id"] == "google_trends") & (ms["framework"] == "pytorch") & ms["month"].str.startswith("2020")]
    peak = pt.loc[pt["value"].idxmax(), "month"]
    peak_ok = peak == "2020-09" or not require_peak or "2020-09" not in set(pt["month"])
    verdict = "supported" if ahead == k and peak_ok else ("contradicted" if behind > 0 else "mixed")
    coverage = f"{k} of 12 months" + ("" if k == 12 else f" ({m['month'].min()} to {m['month'].max()}; the export "
                                                             "covers only these completely)")
    modelled = bool(m["is_modelled"].all()) if "is_modelled" in m else True
    share = m["latent_share"] if modelled else m["observed_share"]
    how = (f"clearly ahead (P > {threshold})" if modelled else
           "clearly ahead (the share's rounding bounds exclude 50%; the series is too short for the model)")
    region = facts.iloc[0]["geo"] if facts is not None and len(facts) else "?"
    return _row("gt_2020_pt_ahead", verdict,
                f"Google Trends interest 2020, {coverage}, region {region}: PyTorch {how} in {ahead}, "
                f"TensorFlow in {behind}; mean {'latent' if modelled else 'observed'} PyTorch share "
                f"{pct(share.mean())}; PyTorch's highest month in 2020: {peak} (claimed: 2020-09). "
                + google_trends.describe(facts),
                f"In 2020 ({coverage}; region {region}) PyTorch was clearly more searched in {ahead} months and "
                f"TensorFlow in {behind}; PyTorch's peak month was {peak}.")


def so_2020(ev: Evidence, threshold: float = P_CLEAR, signal: str = "so_questions", last_months: int = 12) -> dict:
    """'In 2020 PyTorch consistently got more questions than TensorFlow on Stack Overflow.' Supported when PyTorch
    is clearly ahead (P(ahead) > `threshold`) in every month of 2020 (or of its last `last_months`); contradicted
    when TensorFlow is clearly ahead (P(ahead) < 1 - `threshold`) in at least one of them ("consistently" is then
    false)."""
    sig = SIGNAL_BY_ID[signal]
    m = ev.months(sig.id, 2020).tail(last_months)
    if m.empty:
        return _row("so_2020_pt_more_questions", "untestable", f"No {sig.name} counts for 2020 in this run.")
    ahead, behind = _months_ahead(m, threshold)
    k = len(m)
    pt = int(round((m["observed_share"] * m["pt_plus_tf"]).sum()))
    tf = int(round(m["pt_plus_tf"].sum())) - pt
    verdict = "supported" if ahead == k else ("contradicted" if behind > 0 else "mixed")
    scope = "2020" if last_months >= 12 else f"the last {k} months of 2020"
    return _row("so_2020_pt_more_questions", verdict,
                f"{sig.name}, {scope}: PyTorch {pt:,} questions vs TensorFlow {tf:,}; PyTorch clearly ahead "
                f"(P(latent share > 1/2) > {threshold}) in {ahead} of {k} months, TensorFlow in {behind}; latent "
                f"PyTorch share from {pct(m['latent_share'].min())} to {pct(m['latent_share'].max())}. "
                + ("The counts are a near-census of the site." if sig.id == "so_questions" else ""),
                f"In {scope}, {SOURCE_BY_ID[sig.source].label} got {pt:,} PyTorch questions and {tf:,} TensorFlow "
                f"questions; TensorFlow was ahead in {behind} of {k} months.")


# --- when the rise began ---------------------------------------------------------------------------------------

def rise_2018(ev: Evidence, p_faster: float = P_FASTER, families: tuple[str, ...] | None = None) -> dict:
    """'TensorFlow led clearly until early 2018, when PyTorch's rise began.' Two parts, per monitored popularity
    signal (from 2017): did TensorFlow lead in 2017 (its year share's 95% interval below 1/2), and did PyTorch's
    share rise faster in 2018 than in 2017 — the gain per year of the break-adjusted latent share on the share scale
    (a logistic adoption curve never accelerates on the logit scale), 2017 without its launch months (January to
    March: the release's own spike)? 'Began in 2018' when P(2018's gain > 2017's) > `p_faster`, 'already in 2017'
    when it is below 1 - `p_faster`, 'unclear' otherwise. A signal supports the claim when TensorFlow led it in 2017
    and its rise began in 2018, contradicts it when PyTorch led it in 2017 or its rise was already faster in 2017;
    the claim is decided by `tally` (more than half the signals, either way)."""
    t = ev["signal_tests"]
    ids = {s.id for s in MONTHLY if s.popularity and (families is None or s.family in families)}
    t = t[t["is_available"] & t["signal_id"].isin(ids) & (t["first_month"] <= "2017-06") & t["faster_prob_2018"].notna()]
    if t.empty:
        return _row("pt_rise_began_2018", "untestable", "No monthly signal covers 2017-2018.")
    lead17 = ev["leaders_by_year"]
    lead17 = lead17[(lead17["year"] == 2017) & lead17["signal_id"].isin(t["signal_id"])].set_index("signal_id")["leader"]
    parts, counts, status = [], {"in 2018": 0, "already in 2017": 0, "unclear": 0}, {}
    named: dict[str, list[str]] = {"in 2018": [], "already in 2017": [], "unclear": []}
    for _, r in t.iterrows():
        p = r["faster_prob_2018"]
        when = "in 2018" if p > p_faster else ("already in 2017" if p < round(1 - p_faster, 12) else "unclear")
        counts[when] += 1
        named[when].append(label(r["signal_id"]))
        led = lead17.get(r["signal_id"])
        status[r["signal_id"]] = ("yes" if led == "TensorFlow" and when == "in 2018" else
                                  "no" if led == "PyTorch" or when == "already in 2017" else "open")
        led17 = "led" if lead17.get(r["signal_id"]) == "TensorFlow" else "did not lead"
        parts.append(f"{label(r['signal_id'])}: TensorFlow {led17}"
                     f" in 2017; gain per year 2017 (Apr-Dec) {pp(r['gain_per_year_2017'])} "
                     f"[{pp(r['gain_per_year_2017_low'])}, {pp(r['gain_per_year_2017_high'])}], 2018 "
                     f"{pp(r['gain_per_year_2018'])} [{pp(r['gain_per_year_2018_low'])}, "
                     f"{pp(r['gain_per_year_2018_high'])}], P(2018 faster) {prob_eq(p)} -> rise {when}")
    n = len(t)
    tf_led = int((lead17 == "TensorFlow").sum())
    verdict = tally(status)
    return _row("pt_rise_began_2018", verdict,
                f"TensorFlow led {tf_led} of {n} signals in 2017 (95% intervals of the year share below 50%). Did "
                f"PyTorch's share rise faster in 2018 than in 2017? Gains per year of the break-adjusted latent "
                f"share (share scale; 2017 from April, without the launch months), from the state-space model's "
                f"paths; the rise 'began in 2018' when P(2018 faster) > {p_faster}: " + "; ".join(parts)
                + f". Began in 2018 on {counts['in 2018']} of {n} signals, already in 2017 on "
                f"{counts['already in 2017']}, unclear on {counts['unclear']}.",
                f"TensorFlow led {tf_led} of {n} signals in 2017, and PyTorch's share rose faster in 2018 than in "
                f"2017 on {counts['in 2018']} of them" + (f" (faster in 2017 on {', '.join(named['already in 2017'])}"
                                                            if named["already in 2017"] else " (faster in 2017 on none")
                + (f"; unclear on {', '.join(named['unclear'])})." if named["unclear"] else ")."))


# --- the Kaggle survey -----------------------------------------------------------------------------------------

def _survey_share(ev: Evidence, year: int, fw: str, basis: str) -> tuple[float, float, float, int]:
    """(share, low, high, n) of framework `fw` in `year` on a basis: answered, all, or reweighted."""
    if basis == "reweighted":
        rw = ev["survey_reweighted"]
        r = rw[(rw["year"] == year) & (rw["framework"] == fw)].iloc[0]
        n = int(ev["kaggle_framework_shares"].query("year == @year and framework == @fw")["n_answered"].iloc[0])
        return r["reweighted_share"], r["reweighted_share_low"], r["reweighted_share_high"], n
    s = ev["kaggle_framework_shares"]
    r = s[(s["year"] == year) & (s["framework"] == fw)].iloc[0]
    col, den = ("answered", "n_answered") if basis == "answered" else ("all", "n_respondents")
    return r[f"{col}_share"], r[f"{col}_share_low"], r[f"{col}_share_high"], int(r[den])


def _match(claimed: float, low: float, high: float, margin: float) -> str:
    if claimed - margin <= low and high <= claimed + margin:
        return "matches"
    if high < claimed - margin or low > claimed + margin:
        return "differs"
    return "unclear"


BASIS = {"answered": "of those who answered", "all": "of all respondents",
         "reweighted": "of those who answered, re-weighted to a fixed country x role mix"}
WHO = {"answered": "who answered the question", "all": "(all of them)",
       "reweighted": "who answered, re-weighted to a fixed country x role mix"}


def kaggle_year_shares(ev: Evidence, claim_id: str, year: int, claimed_tf: float, claimed_pt: float,
                       n_claim: int | None = None, margin: float = SHARE_MARGIN, basis: str = "answered") -> dict:
    """A claimed pair of Kaggle shares. A claimed share 'matches' when the survey's 95% interval lies within
    +-`margin` of it and 'differs' when the interval lies wholly outside that band. Supported when both match,
    contradicted when either differs, mixed otherwise."""
    tf, pt = _survey_share(ev, year, "tensorflow", basis), _survey_share(ev, year, "pytorch", basis)
    m_tf, m_pt = _match(claimed_tf, tf[1], tf[2], margin), _match(claimed_pt, pt[1], pt[2], margin)
    verdict = ("contradicted" if "differs" in (m_tf, m_pt) else
               "supported" if m_tf == m_pt == "matches" else "mixed")
    w = ev["survey_within_year"].query("source_id == 'kaggle_survey' and year == @year").iloc[0]
    lead = (f"McNemar (paired, those who answered): TensorFlow minus PyTorch {pp(w['tf_minus_pt_change'])} "
            f"[{pp(w['tf_minus_pt_change_low'])}, {pp(w['tf_minus_pt_change_high'])}], {pval(w['p_value'])}")
    extra = ""
    if n_claim:
        resp = ev["kaggle_respondents"]
        g = surveys.population(resp, year)
        t = proportions.claim_vs_sample(claimed_pt, claimed_tf, n_claim, g["fw_pytorch"].fillna(False),
                                        g["fw_tensorflow"].fillna(False))
        extra = (f" If the {n_claim} were a random sample of those who answered: PyTorch at {pct(claimed_pt)} has "
                 f"binomial {pval(t['p_pt'])}, TensorFlow at {pct(claimed_tf)} {pval(t['p_tf'])}, and the claimed "
                 f"PyTorch-minus-TensorFlow gap of {pp(claimed_pt - claimed_tf)} against the survey's "
                 f"{pp(t['survey_gap'])} has z = {t['z_gap']:.1f}, {pval(t['p_gap'])}.")
    order = ("the claimed order (TensorFlow ahead) is right" if claimed_tf > claimed_pt else
             "the claimed PyTorch lead has the wrong sign")
    return _row(claim_id, verdict,
                f"Claimed: TensorFlow {pct(claimed_tf)}, PyTorch {pct(claimed_pt)}"
                + (f" of {n_claim}" if n_claim else "") + f". Kaggle {year} {BASIS[basis]} (n = {tf[3]:,}, 95% Wilson "
                f"interval): TensorFlow {pct(tf[0])} [{pct(tf[1])}, {pct(tf[2])}] -> {m_tf}; PyTorch {pct(pt[0])} "
                f"[{pct(pt[1])}, {pct(pt[2])}] -> {m_pt} (a share matches when its interval lies within +-{margin * 100:g} pp "
                f"of the claimed value, and differs when it lies wholly outside). {lead}.{extra} {order[0].upper()}"
                f"{order[1:]}. The intervals describe sampling error among Kaggle respondents only.",
                f"Of Kaggle {year} respondents {WHO[basis]}, {pct(tf[0])} used TensorFlow and {pct(pt[0])} PyTorch "
                f"(claimed {pct(claimed_tf)} and {pct(claimed_pt)}).")


def kaggle_shift(ev: Evidence, before: int = 2020, after: int = 2021, basis: str = "answered") -> dict:
    """'Between 2020 and 2021 the survey flipped from TensorFlow to PyTorch.' Supported when TensorFlow led in the
    earlier year and PyTorch in the later (paired 95% intervals of the gap excluding 0); contradicted when
    TensorFlow still led in the later year or PyTorch already led in the earlier (the same intervals); mixed
    otherwise. Shifts quote the one Holm family of step 30."""
    resp = ev["kaggle_respondents"]
    if basis == "answered":
        w = ev["survey_within_year"].query("source_id == 'kaggle_survey'").set_index("year")
    else:
        w = surveys.within_year(resp[resp["year"].isin([before, after])], basis=basis).set_index("year")
    gap = {y: (w.loc[y, "tf_minus_pt_change"], w.loc[y, "tf_minus_pt_change_low"], w.loc[y, "tf_minus_pt_change_high"],
               w.loc[y, "p_value"]) for y in (before, after)}
    tf_before, tf_after, pt_after = gap[before][1] > 0, gap[after][1] > 0, gap[after][2] < 0
    pt_before = gap[before][2] < 0
    verdict = "supported" if tf_before and pt_after else ("contradicted" if tf_after or pt_before else "mixed")
    family = ev["survey_shifts"][ev["survey_shifts"]["source_id"] == "kaggle_survey"]
    shifts = family[(family["year_before"] == before) & (family["year_after"] == after)
                    & family["framework"].isin(["tensorflow", "pytorch"])]
    parts = [f"{r['framework']} {pct(r['before_share'])} -> {pct(r['after_share'])} (shift {pp(r['share_change'])} "
             f"[{pp(r['share_change_low'])}, {pp(r['share_change_high'])}], z = {r['z']:.1f}, Holm-adjusted {pval(r['p_holm'])} "
             f"over all {len(family)} Kaggle shifts, Cohen's h = {r['cohen_h']:+.3f})" for _, r in shifts.iterrows()]
    if not parts:  # years that are not consecutive: the same test, outside the published family
        t = {fw: proportions.two_proportion(*_counts(ev, before, fw), *_counts(ev, after, fw))
             for fw in ("tensorflow", "pytorch")}
        parts = [f"{fw} {pct(r['before_share'])} -> {pct(r['after_share'])} (shift {pp(r['share_change'])}, unadjusted "
                 f"{pval(r['p_value'])})" for fw, r in t.items()]
    rw = ev["survey_reweighted"].set_index(["year", "framework"])
    reweighted = "; ".join(f"{y} re-weighted: TensorFlow {pct(rw.loc[(y, 'tensorflow'), 'reweighted_share'])}, "
                           f"PyTorch {pct(rw.loc[(y, 'pytorch'), 'reweighted_share'])}" for y in (before, after))
    brk = "; ".join(f"{y}: {t}" for y, t in survey_breaks("kaggle_survey").items() if before < y <= after)
    summary = ("TensorFlow still led in the later year: no flip." if tf_after else
               "PyTorch already led in the earlier year: no flip." if pt_before else
               "PyTorch led in the later year." if pt_after else "No clear leader in the later year.")
    return _row("kaggle_shift_2020_2021", verdict,
                f"Kaggle, {BASIS.get(basis, basis)}: TensorFlow minus PyTorch {before} {pp(gap[before][0])} "
                f"[{pp(gap[before][1])}, {pp(gap[before][2])}], {after} {pp(gap[after][0])} [{pp(gap[after][1])}, "
                f"{pp(gap[after][2])}] (McNemar {pval(gap[after][3])}). Shifts {before}->{after}: {'; '.join(parts)}. "
                f"{reweighted}. Method break between the two years: {brk or 'none'}. {summary} The intervals "
                "describe sampling error among Kaggle respondents only.",
                f"TensorFlow's lead over PyTorch among Kaggle respondents went from {pp(gap[before][0])} in {before} "
                f"to {pp(gap[after][0])} in {after}. {summary}")


def _counts(ev: Evidence, year: int, fw: str) -> tuple[int, int]:
    r = ev["kaggle_framework_shares"].query("year == @year and framework == @fw").iloc[0]
    return int(r["n_selected"]), int(r["n_answered"])


# --- overtaking in 2021 ----------------------------------------------------------------------------------------

def crossing_in_year(years: pd.DataFrame, year: int, first_period: str, last_decidable: str) -> tuple[float, float]:
    """(P(the crossover falls in `year`), P(it does not)) from one signal's rows of crossover_years (one rule): the
    paths dated in the year; against them the paths that settle the question the other way. Left undetermined: a
    lead not decidable yet that would be dated in the year or before, 'ahead since the series began' for a series
    starting after January of the year, and 'not yet' when the data end too soon to date a crossing late in the year.
    """
    def p(outcome: str, sel=None) -> float:
        g = years[years["outcome_id"] == outcome]
        return float(g["year_prob"].sum() if sel is None else g.loc[sel(g), "year_prob"].sum())

    p_in = p("dated", lambda g: g["crossover_year"] == str(year))
    open_ = (p("not_decidable", lambda g: g["crossover_year"].astype(int) <= year)
             + (p("ahead_since_start") if first_period > f"{year}-01" else 0.0)
             + (p("not_yet") if (last_decidable or "0000") < f"{year}-12" else 0.0))
    return p_in, max(0.0, 1.0 - p_in - open_)


def _status(p_in: float, p_not: float, standard: float) -> str:
    """'crossed' or 'not' when the evidence reaches `standard` either way, 'undecided' otherwise."""
    return "crossed" if p_in >= standard else ("not" if p_not >= standard else "undecided")


SIGNAL_SAYS = {"crossed": "crossed in", "not": "did not cross in", "undecided": "undecided for"}
COMMON_SAYS = {"crossed": "crossed in {year}", "not": "did not cross in {year}",
               "undecided": "cannot be said to have crossed in {year} or not (not every leave-one-out refit agrees)"}


def overtook(ev: Evidence, year: int = 2021, exclude: tuple[str, ...] = (), use_common: bool = True,
             standard: float = P_DECIDED, rule: str = PRIMARY) -> dict:
    """'PyTorch overtook TensorFlow as the most popular framework in YEAR', read as worded: on each signal covering
    YEAR, did PyTorch's persistent lead begin in YEAR (the crossover `rule`)? A signal crossed in YEAR when
    P(crossover in YEAR) >= `standard`, and did not when P(no crossover in YEAR) >= `standard` (TensorFlow still
    ahead through YEAR, or PyTorch ahead before it): one standard both ways. Who led in YEAR is quoted beside it.
    The claim is decided by `tally` over the signals (crossed: yes, did not: no); the common trend counts as crossed
    (or not) only when the full fit and every leave-one-out refit say so (with `exclude`, the refit without that
    signal is the common trend), and when it is decided against the tally's verdict the claim is mixed."""
    cross = ev["crossovers"]
    lead = ev["leaders_by_year"]
    lead = lead[(lead["year"] == year) & lead["pytorch_share"].notna()].set_index("signal_id")["leader"]
    cross = cross[cross["is_popularity"] & ~cross["signal_id"].isin(exclude) & cross["signal_id"].isin(lead.index)]
    cy = ev["crossover_years"]
    cy = cy[cy["rule_id"] == rule]
    parts, status = [], {}
    for _, r in cross.iterrows():
        if r["granularity"] == "year":
            dated = r["outcome_id"] == "dated"
            p_in = 1.0 if dated and r["crossover"] == str(year) else 0.0
            p_not = 1.0 - p_in if r["outcome_id"] != "ahead_since_start" or r["first_period"] <= str(year) else 0.0
            desc = f"crossover {describe_record(r)} (first year the 95% interval is above 50%)"
        else:
            rows = cy[cy["signal_id"] == r["signal_id"]]
            text = describe_record(r, "" if rule == PRIMARY else "variant_")
            p_in, p_not = crossing_in_year(rows, year, r["first_period"], r["last_decidable"])
            desc = f"crossover {text}; P(in {year}) {prob_eq(p_in)}, P(not in {year}) {prob_eq(p_not)}"
        status[r["signal_id"]] = _status(p_in, p_not, standard)
        parts.append(f"{label(r['signal_id'])}: {lead.get(r['signal_id'], '?')} led {year}; {desc} -> "
                     f"{SIGNAL_SAYS[status[r['signal_id']]]} {year}")
    crossed = [label(s) for s, v in status.items() if v == "crossed"]
    not_crossed = [label(s) for s, v in status.items() if v == "not"]
    common_txt, common = "", "undecided"
    if use_common:
        loo, loo_years = ev["common_trend_loo"], ev["common_trend_loo_years"]
        first = ev["common_trend"]["month"].min()
        last_decidable = str(pd.Period(ev["common_trend"]["month"].max(), freq="M") - 10)
        p_loo = {n: crossing_in_year(loo_years[loo_years["signal_id"] == n], year, first, last_decidable)
                 for n in loo["signal_id"]}
        if len(exclude) == 1 and exclude[0] in p_loo:  # the common trend refitted without the excluded signal
            ct = loo.set_index("signal_id").loc[exclude[0]]
            p_full, others = p_loo[exclude[0]], {}
            which = f"Common trend refitted without {label(exclude[0])}"
        else:
            ct = ev["common_trend_crossover"].iloc[0]
            cyc = ev["crossover_years"]
            p_full = crossing_in_year(cyc[cyc["signal_id"] == COMMON_TREND], year, first, last_decidable)
            others = p_loo
            which = "Common trend of all signals"
        verdicts = {_status(*p, standard) for p in (p_full, *others.values())}
        common = verdicts.pop() if len(verdicts) == 1 else "undecided"
        spread = (f" Leaving out one signal at a time: P(in {year}) from {prob(min(p[0] for p in others.values()))} to "
                  f"{prob(max(p[0] for p in others.values()))}: the common trend "
                  + COMMON_SAYS[common].format(year=year) + " (a decision holds only where every refit agrees)."
                  if others else "")
        common_txt = (f"{which}: crossover {describe_record(ct)}, P(in {year}) {prob_eq(p_full[0])}, P(not in "
                      f"{year}) {prob_eq(p_full[1])}.{spread} ")
    n = len(status)
    verdict = tally({s: {"crossed": "yes", "not": "no"}.get(v, "open") for s, v in status.items()})
    if (verdict, common) in (("supported", "not"), ("contradicted", "crossed")):
        verdict = "mixed"  # the common trend, decided the other way, is a disagreeing signal
    tf_led, pt_led = int((lead.reindex(list(status)) == "TensorFlow").sum()), int((lead.reindex(list(status)) == "PyTorch").sum())
    return _row("pt_overtook_2021", verdict,
                f"Read as worded: did PyTorch's persistent lead begin in {year}? Crossover rule: "
                f"{RULES_TEXT[rule]}; a signal crossed in {year} when P >= {standard} and did not when P(not in "
                f"{year}) >= {standard}. " + "; ".join(parts) + f". {common_txt}Crossed in {year}: "
                + (", ".join(crossed) or "none") + f" ({len(crossed)} of {n}); did not: "
                + (", ".join(not_crossed) or "none") + f" ({len(not_crossed)} of {n}).",
                f"In {year} TensorFlow led on {tf_led} and PyTorch on {pt_led} of the {n} signals that cover it; "
                f"PyTorch's lead began in {year} on {len(crossed)} of them and not in {year} on {len(not_crossed)}"
                + (f" ({', '.join(crossed)} crossed)" if crossed else "")
                + ("; the trend common to all signals " + COMMON_SAYS[common].format(year=year) if use_common else "")
                + ".")


# --- answers, the gap in 2021, PyPI, papers ----------------------------------------------------------------------

def better_answered(ev: Evidence, years: tuple[int, int] = (2017, 2021), equivalence=OR_EQUIVALENCE,
                    stratified: bool = True) -> dict:
    """'TensorFlow has better community support: more of its questions get answered.' Data Science SE answer counts,
    TensorFlow vs PyTorch, compared within each year (Mantel-Haenszel: answer rates fall with question age and the
    two frameworks' questions have different ages). Supported when the pooled odds ratio exceeds 1 (95% interval);
    contradicted when it is below 1, or when its 90% interval lies within `equivalence` (answered about equally
    often); mixed (inconclusive) otherwise."""
    ms = ev["monthly_signals"]
    d = ms[(ms["source_id"] == "dsse") & ms["metric"].isin(["questions", "answered"])
           & ms["framework"].isin(["tensorflow", "pytorch"]) & ms["month"].str[:4].astype(int).between(*years)]
    if d[d["metric"] == "answered"].empty:
        return _row("tf_better_answered", "untestable",
                    "Needs answer counts per question; only the Data Science SE export has AnswerCount.")
    by = d.assign(year=d["month"].str[:4].astype(int)).pivot_table(index=["year", "framework"], columns="metric",
                                                                    values="value", aggfunc="sum")
    tables = []
    for y in sorted({i[0] for i in by.index}):
        tf, pt = by.loc[(y, "tensorflow")], by.loc[(y, "pytorch")]
        tables.append([[tf["answered"], tf["questions"] - tf["answered"]], [pt["answered"], pt["questions"] - pt["answered"]]])
    tables = np.array(tables, dtype=float)
    if not stratified:
        tables = tables.sum(axis=0, keepdims=True)
    st = StratifiedTable(tables.transpose(1, 2, 0))
    orr = st.oddsratio_pooled
    lo, hi = st.oddsratio_pooled_confint(alpha=0.05)
    lo90, hi90 = st.oddsratio_pooled_confint(alpha=0.10)
    p = st.test_null_odds(correction=True).pvalue
    # Breslow-Day needs every cell above 0, and statsmodels' formula divides by zero when the pooled odds ratio is
    # exactly 1: then the evidence leaves the homogeneity test out (NaN) instead of printing a warning
    homog = np.nan
    if stratified and len(tables) > 1 and (tables > 0).all():
        with np.errstate(divide="ignore", invalid="ignore"):
            homog = float(st.test_equal_odds().pvalue)
    if lo > 1:
        verdict, conclusion = "supported", "TensorFlow's questions are answered more often."
    elif hi < 1:
        verdict, conclusion = "contradicted", "PyTorch's questions are answered more often."
    elif equivalence[0] < lo90 and hi90 < equivalence[1]:
        verdict, conclusion = "contradicted", (f"answered about equally often: the 90% interval lies within "
                                               f"{equivalence[0]}-{equivalence[1]}.")
    else:
        verdict, conclusion = "mixed", ("no significant difference, but the interval still allows odds of up to "
                                        f"{hi:.2f} in TensorFlow's favour: inconclusive.")
    tot = tables.sum(axis=0)
    rate = lambda row: row[0] / row.sum()  # noqa: E731
    return _row("tf_better_answered", verdict,
                f"Data Science SE questions {years[0]}-{years[1]} with at least one answer: TensorFlow "
                f"{int(tot[0, 0]):,}/{int(tot[0].sum()):,} = {pct(rate(tot[0]))}, PyTorch {int(tot[1, 0]):,}/"
                f"{int(tot[1].sum()):,} = {pct(rate(tot[1]))}. Odds ratio (TensorFlow vs PyTorch) "
                + ("within years, Mantel-Haenszel" if stratified else "pooled over years (not stratified)")
                + f": {orr:.2f} [{lo:.2f}, {hi:.2f}] (95%), 90% [{lo90:.2f}, {hi90:.2f}]; CMH {pval(p)}"
                + (f"; Breslow-Day homogeneity {pval(homog)}" if stratified and np.isfinite(homog) else "")
                + f". {conclusion[0].upper() + conclusion[1:]} Stack Overflow answer counts are not in the data.",
                f"On Data Science SE, {pct(rate(tot[0]))} of TensorFlow and {pct(rate(tot[1]))} of PyTorch questions "
                f"({years[0]}-{years[1]}) got an answer; compared within years: {conclusion}")


def closing_gap(ev: Evidence, year: int = 2021, margin: float = CHANGE_MARGIN, exclude: tuple[str, ...] = (),
                rule: str = "model") -> dict:
    """'In 2021 TensorFlow was closing the gap again': did PyTorch's share fall during 2021? Per popularity signal,
    the change of its latent share over the year: 'fell' (95% interval below 0), 'rose' (above 0), 'flat' (90%
    interval within +-`margin`: equivalence, TOST), 'unclear' otherwise. With `rule="mann-kendall"` the
    Mann-Kendall test against the signal's own fitted noise decides instead (Holm across signals): 'fell'/'rose'
    when significant, else 'not significant' (quoted with the slope it could detect). A signal where the share fell
    supports the claim, one where it rose or stayed flat contradicts it; the claim is decided by `tally`."""
    ids = {s.id for s in MONTHLY if s.popularity} - set(exclude)
    y = ev["yearly_trends"]
    y = y[(y["year"] == year) & y["signal_id"].isin(ids)]
    if y.empty:
        return _row("tf_closing_gap_2021", "untestable", f"No monthly signal covers {year}.")
    status, parts = {}, []
    for _, r in y.iterrows():
        if rule == "model":
            s = ("fell" if r["share_change_high"] < 0 else "rose" if r["share_change_low"] > 0 else
                 "flat" if -margin < r["share_change_low90"] and r["share_change_high90"] < margin else "unclear")
        else:
            sig = r["p_holm_within_year"] < ALPHA
            s = ("fell" if sig and r["tau"] < 0 else "rose" if sig and r["tau"] > 0 else "not significant")
        status[r["signal_id"]] = s
        parts.append(f"{label(r['signal_id'])}: change {pp(r['share_change'])} [{pp(r['share_change_low'])}, "
                     f"{pp(r['share_change_high'])}], "
                     f"Mann-Kendall tau {r['tau']:+.2f} against the fitted noise (Holm "
                     f"{pval(r['p_holm_within_year'])}; detectable slope at 80% power "
                     f"{100 * r['mde_per_year']:.0f} pp/yr) -> {s}")
    n = len(status)
    fell = sum(s == "fell" for s in status.values())
    verdict = tally({k: "yes" if v == "fell" else ("no" if v in ("rose", "flat") else "open")
                     for k, v in status.items()})
    basis = ("the model's latent share (fell/rose: 95% interval; flat: 90% interval within "
             f"+-{margin * 100:.0f} share points)" if rule == "model" else
             "the Mann-Kendall test against each signal's fitted noise, Holm-adjusted")
    counts = {k: sum(s == k for s in status.values()) for k in dict.fromkeys(status.values())}
    return _row("tf_closing_gap_2021", verdict,
                f"Did PyTorch's share fall within {year}? Decided by {basis}: " + "; ".join(parts) + ". "
                + ", ".join(f"{k} on {v}" for k, v in counts.items()) + f" of {n} signals.",
                f"Within {year}, PyTorch's share fell on {fell} of {n} signals; "
                + ", ".join(f"{k} on {v}" for k, v in counts.items() if k != "fell") + ".")


def pypi_115m(ev: Evidence, claimed: float = 115e6, tolerance: float = PYPI_TOLERANCE,
              packages: tuple[str, ...] | None = None) -> dict:
    """'TensorFlow was downloaded about 115 million times from PyPI in 2020.' Supported when the claim lies within
    `tolerance` of the range that the reasonable definitions give (package `tensorflow` alone, 30-day windows or
    scaled to calendar months, up to the TensorFlow family); contradicted otherwise."""
    ms = ev["monthly_signals"]
    p = ms[(ms["source_id"] == "pypi") & (ms["metric"] == "downloads")]
    if p.empty:
        return _row("tf_pypi_115m_2020", "untestable", "No PyPI snapshots in this run.")
    tf_only = pypi.year_total(p, 2020, ("tensorflow",))
    family = pypi.year_total(p, 2020, packages or pypi.TF_FAMILY)
    low = min(tf_only["total_raw_windows"], tf_only["total_calendar"])
    high = max(family["total_raw_windows"], family["total_calendar"])
    verdict = "supported" if low * (1 - tolerance) <= claimed <= high * (1 + tolerance) else "contradicted"
    return _row("tf_pypi_115m_2020", verdict,
                f"Twelve monthly pip-only snapshots for 2020: package `tensorflow` {tf_only['total_raw_windows'] / 1e6:.1f}M "
                f"(30-day windows; {tf_only['total_calendar'] / 1e6:.1f}M scaled to calendar months); with "
                f"{family['packages']} {family['total_raw_windows'] / 1e6:.1f}M ({family['total_calendar'] / 1e6:.1f}M). "
                f"Claimed about {claimed / 1e6:.0f}M: supported within {tolerance:.0%} of that range. Installers other "
                "than pip and mirrors are not counted.",
                f"The `tensorflow` package was downloaded {tf_only['total_raw_windows'] / 1e6:.1f}M times with pip in "
                f"2020 ({family['total_calendar'] / 1e6:.1f}M with its GPU and CPU variants); claimed about "
                f"{claimed / 1e6:.0f}M.")


def conference_majority(ev: Evidence, year: int = 2019, rule: str = "count",
                        conferences_: tuple[str, ...] | None = None) -> dict:
    """'In 2019 every major conference had a majority of framework-naming papers using PyTorch.' A conference's
    accepted papers are a census, so with `rule="count"` a majority is more PyTorch-only than TensorFlow-only papers
    (a tie is not a majority, so a conference has a majority or clearly has none). With `rule="binomial"` papers are
    read as a sample of a propensity: a majority when a one-sided binomial test of share > 1/2 is significant after
    Holm, clearly none when the test of share < 1/2 is (the same standard), undecided otherwise. `conferences_`
    restricts the set (e.g. to the core ML venues). The claim says "every": supported when every conference has a
    majority, contradicted when at least one clearly has none, mixed otherwise."""
    papers = ev["conference_papers"]
    if conferences_:
        papers = papers[papers["conference"].isin(conferences_)]
    m = paper_shares.majority_test(papers, year)
    if m.empty:
        return _row("he_2019_conference_majority", "untestable", f"No conference papers for {year}.")
    m["adj"] = multipletests(m["p_majority"], method="holm")[1]
    m["adj_minority"] = multipletests(m["p_minority"], method="holm")[1]
    majority = m[m["pytorch_share"] > 0.5] if rule == "count" else m[m["adj"] < ALPHA]
    none = m[m["pytorch_share"] <= 0.5] if rule == "count" else m[m["adj_minority"] < ALPHA]
    parts = [f"{r['conference']} {int(r['n_pytorch_papers'])}/{int(r['named'])} = {pct(r['pytorch_share'])}"
             + (f" (Holm {pval(r['adj'])})" if rule == "binomial" else "") for _, r in m.iterrows()]
    verdict = "supported" if len(majority) == len(m) else ("contradicted" if len(none) else "mixed")
    missing = m[~m["conference"].isin(majority["conference"])]
    others = "; ".join(f"{r['conference']}: {int(r['n_pytorch_papers'])} PyTorch-only vs {int(r['n_tensorflow_papers'])} "
                       f"TensorFlow-only" + (", a tie" if r["n_pytorch_papers"] == r["n_tensorflow_papers"] else "")
                       for _, r in missing.iterrows()) or "none"
    return _row("he_2019_conference_majority", verdict,
                f"{year}, accepted papers naming only PyTorch among those naming only one framework: " + "; ".join(parts)
                + f". PyTorch had a majority at {len(majority)} of {len(m)} conferences "
                + ("(more PyTorch-only than TensorFlow-only papers; a tie is not a majority)" if rule == "count" else
                   "(one-sided binomial test, Holm-adjusted)") + f"; not at: {others}.",
                f"In {year} PyTorch had a majority of framework-naming papers at {len(majority)} of {len(m)} "
                f"conferences, so not at every one (not at {others}).")


# --- all claims, and their variants ------------------------------------------------------------------------------

def evaluate(ev: Evidence) -> pd.DataFrame:
    """Every claim with its default rule, in the order of CLAIMS."""
    rows = [fn(ev) for fn in DEFAULTS.values()]
    return pd.DataFrame(rows)[["claim_id", "verdict", "finding", "evidence", "claim"]]


DEFAULTS = {
    "gt_2020_pt_ahead": google_trends_2020,
    "pt_rise_began_2018": rise_2018,
    "so_2020_pt_more_questions": so_2020,
    "kaggle_2021_shares": lambda ev, **kw: kaggle_year_shares(ev, "kaggle_2021_shares", 2021, 0.37, 0.42,
                                                              n_claim=453, **kw),
    "kaggle_2020_shares": lambda ev, **kw: kaggle_year_shares(ev, "kaggle_2020_shares", 2020, 0.43, 0.36, **kw),
    "kaggle_shift_2020_2021": kaggle_shift,
    "pt_overtook_2021": overtook,
    "tf_better_answered": better_answered,
    "tf_closing_gap_2021": closing_gap,
    "tf_pypi_115m_2020": pypi_115m,
    "he_2019_conference_majority": conference_majority,
}

VARIANTS = {
    "gt_2020_pt_ahead": [("a month counts when P(ahead) > 0.5", {"threshold": 0.5}),
                         ("the September peak not required", {"require_peak": False}),
                         ("P(ahead) > 0.9", {"threshold": 0.9})],
    "pt_rise_began_2018": [("P(2018 faster) > 0.9", {"p_faster": 0.9}),
                           ("P(2018 faster) > 0.99", {"p_faster": 0.99}),
                           ("Q&A sites only", {"families": ("qa",)}),
                           ("GitHub only", {"families": ("github",)})],
    "so_2020_pt_more_questions": [("a month counts when P(ahead) > 0.5", {"threshold": 0.5}),
                                  ("the last three months of 2020 only", {"last_months": 3}),
                                  ("Data Science SE instead of Stack Overflow", {"signal": "dsse_questions"})],
    "kaggle_2021_shares": [("margin +-1 pp", {"margin": 0.01}), ("margin +-5 pp", {"margin": 0.05}),
                           ("of all respondents", {"basis": "all"}), ("re-weighted", {"basis": "reweighted"})],
    "kaggle_2020_shares": [("margin +-1 pp", {"margin": 0.01}), ("margin +-5 pp", {"margin": 0.05}),
                           ("of all respondents", {"basis": "all"}), ("re-weighted", {"basis": "reweighted"})],
    "kaggle_shift_2020_2021": [("of all respondents", {"basis": "all"}),
                               ("2019 -> 2021 (across two wording breaks: 2020 and 2021)", {"before": 2019}),
                               ("2021 -> 2022", {"before": 2021, "after": 2022})],
    "pt_overtook_2021": [("without GitHub issues (a process-sensitive signal)", {"exclude": ("github_issues",)}),
                         ("signals only, no common trend", {"use_common": False}),
                         ("decided at P >= 0.8 either way", {"standard": 0.8}),
                         ("decided at P >= 0.99 either way", {"standard": 0.99}),
                         ("the variant crossover rule (ahead in 10 of 12 months)", {"rule": VARIANT}),
                         ("without PyPI downloads (CI-dominated installs)", {"exclude": ("pypi_downloads",)})],
    "tf_better_answered": [("2018-2021", {"years": (2018, 2021)}), ("2015-2023", {"years": (2015, 2023)}),
                           ("equivalence 0.9-1.11", {"equivalence": (0.9, 1.11)}),
                           ("pooled, not stratified by year", {"stratified": False})],
    "tf_closing_gap_2021": [("margin +-1 point", {"margin": 0.01}), ("margin +-5 points", {"margin": 0.05}),
                            ("the Mann-Kendall test (fitted noise, Holm) decides", {"rule": "mann-kendall"}),
                            ("without PyPI downloads (CI-dominated installs)", {"exclude": ("pypi_downloads",)}),
                            ("without GitHub issues", {"exclude": ("github_issues",)})],
    "tf_pypi_115m_2020": [("tolerance 5%", {"tolerance": 0.05}), ("tolerance 20%", {"tolerance": 0.20}),
                          ("the tensorflow package alone", {"packages": ("tensorflow",)})],
    "he_2019_conference_majority": [("papers as a sample: binomial test with Holm", {"rule": "binomial"}),
                                    ("core ML venues only (NeurIPS, ICML, ICLR)",
                                     {"conferences_": ("NeurIPS", "ICML", "ICLR")}),
                                    ("2020 instead of 2019", {"year": 2020})],
}


def robustness(ev: Evidence) -> pd.DataFrame:
    """`verdict_robustness.csv`: each testable claim under its default rule and every variant."""
    rows = []
    for claim_id, fn in DEFAULTS.items():
        base = fn(ev)
        rows.append({"claim_id": claim_id, "variant": "default", "verdict": base["verdict"], "detail": base["finding"]})
        if base["verdict"] == "untestable":
            continue
        for name, options in VARIANTS[claim_id]:
            r = fn(ev, **options)
            rows.append({"claim_id": claim_id, "variant": name, "verdict": r["verdict"], "detail": r["finding"]})
    return pd.DataFrame(rows)
