"""The claims of the article (and two published claims from outside it), one evaluation function each.

Every evaluation returns a row: claim_id, claim, verdict, finding (one sentence), evidence (numbers, test,
p-value or interval).
Verdicts: supported, contradicted, mixed (signals disagree, or the test is inconclusive), untestable
(no data; the evidence says what data would settle it).
"""
from __future__ import annotations

import pandas as pd
from statsmodels.stats.multitest import multipletests

from ..registry.signals import SIGNAL_BY_ID
from ..sources import conferences, pypi
from ..sources import monthly as sg
from ..stats import proportions, surveys, trend_tests

ALPHA = proportions.ALPHA
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
    "he_2019_conference_majority": "In 2019 every major ML conference had a majority of framework-naming papers using "
                                   "PyTorch (He, 2019)",
}


def pct(x: float) -> str:
    return f"{100 * x:.1f}%"


def pp(x: float) -> str:
    return f"{100 * x:+.1f} pp"


def pval(p: float) -> str:
    return "p < 1e-300" if p == 0 else (f"p = {p:.2g}" if p < 0.001 else f"p = {p:.3f}")


def _row(claim_id: str, verdict: str, evidence: str, finding: str | None = None) -> dict:
    """One scorecard row; an untestable claim's finding is its evidence (what is missing and how to add it)."""
    if finding is None and verdict != "untestable":
        raise ValueError(f"{claim_id}: a verdict needs a one-sentence finding")
    finding = evidence if finding is None else finding
    if verdict not in VERDICTS or claim_id not in CLAIMS:
        raise ValueError(f"unknown claim {claim_id!r} or verdict {verdict!r}")
    return {"claim_id": claim_id, "claim": CLAIMS[claim_id], "verdict": verdict, "finding": finding,
            "evidence": evidence}


def _shares_text(shares: pd.DataFrame, year: int) -> tuple[str, dict]:
    s = proportions.add_wilson(shares[shares["year"] == year]).set_index("framework")
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
    mc = surveys.within_year(resp[resp["year"] == year])
    mc = mc.iloc[0]
    lead = (f"McNemar (paired, who answered): TensorFlow minus PyTorch {pp(mc['diff'])} "
            f"[{pp(mc['diff_low'])}, {pp(mc['diff_high'])}], {pval(mc['p_value'])}")
    claim = f"Claimed TensorFlow {pct(claimed_tf)}, PyTorch {pct(claimed_pt)}" + (f" of {n_claim}" if n_claim else "")
    extra = ""
    if n_claim:
        g = surveys.population(resp, year)
        t = proportions.claim_vs_sample(claimed_pt, claimed_tf, n_claim, g["fw_pytorch"].fillna(False),
                                    g["fw_tensorflow"].fillna(False))
        extra = (f" If the {n_claim} were a random sample of those who answered: PyTorch at {pct(t['claimed_pt'])} "
                 f"has binomial {pval(t['p_pt'])}, TensorFlow at {pct(t['claimed_tf'])} {pval(t['p_tf'])}, and a "
                 f"PyTorch-minus-TensorFlow gap of {pp(claimed_pt - claimed_tf)} against the survey's "
                 f"{pp(t['survey_gap'])} has z = {t['z_gap']:.1f}, {pval(t['p_gap'])}.")
    else:
        ans = s["answered"]
        n_tf = proportions.max_compatible_n(claimed_tf, ans["tf"][0])
        n_pt = proportions.max_compatible_n(claimed_pt, ans["pt"][0])
        n_max = min(n_tf, n_pt)
        extra = (" The claimed values equal the survey's: compatible with a random sample of any size." if n_max == float("inf")
                 else f" The claimed values would be compatible (5% level) only with a random sample of at most "
                      f"{int(n_max):,} respondents who answered.")
    ordering = "the ordering TensorFlow > PyTorch is right" if claimed_tf > claimed_pt else \
        "the claimed PyTorch lead has the wrong sign"
    if fits:
        verdict = "supported"
        summary = f"The claimed shares fall inside the 95% intervals ({', '.join(fits)} basis)."
    else:
        verdict = "contradicted"
        summary = f"The claimed shares lie outside the 95% intervals on both denominators; {ordering}."
    a = s["answered"]
    return _row(claim_id, verdict, f"{claim}. {text}. {lead}.{extra} {summary}",
                f"Of Kaggle {year} respondents who answered, {pct(a['tf'][0])} used TensorFlow and {pct(a['pt'][0])} "
                f"PyTorch (claimed {pct(claimed_tf)} and {pct(claimed_pt)}).")


def kaggle_shift(shares: pd.DataFrame, resp: pd.DataFrame, before: int = 2020, after: int = 2021) -> dict:
    """Did the survey flip from TensorFlow to PyTorch between two years?"""
    yoy = surveys.year_over_year(shares[shares["year"].isin([before, after])], ("tensorflow", "pytorch"))
    mc = surveys.within_year(resp[resp["year"].isin([before, after])]).set_index("year")
    rw = surveys.reweighted(resp, ("tensorflow", "pytorch")).set_index(["year", "framework"])
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
    flipped = mc.loc[after, "diff"] < 0 and mc.loc[after, "p_value"] < proportions.ALPHA
    still_tf = mc.loc[after, "diff_low"] > 0
    verdict = "supported" if flipped else ("contradicted" if still_tf else "mixed")
    summary = ("TensorFlow still led in the later year: no flip." if still_tf else
               "PyTorch led significantly in the later year." if flipped else "No significant leader in the later year.")
    return _row("kaggle_shift_2020_2021", verdict,
                f"Among respondents who answered: {'; '.join(parts)}. {'; '.join(leads)}. {reweighted_txt}. {summary}",
                f"TensorFlow's lead over PyTorch went from {pp(mc.loc[before, 'diff'])} in {before} to "
                f"{pp(mc.loc[after, 'diff'])} in {after}. {summary}")


def kaggle_claims(shares: pd.DataFrame, resp: pd.DataFrame) -> pd.DataFrame:
    """The three Kaggle claims of the article, evaluated."""
    return pd.DataFrame([
        kaggle_year_shares("kaggle_2021_shares", 2021, 0.37, 0.42, shares, resp, n_claim=453),
        kaggle_year_shares("kaggle_2020_shares", 2020, 0.43, 0.36, shares, resp),
        kaggle_shift(shares, resp),
    ])


# --- claims tested on the monthly signals -------------------------------------------------------------

def so_2020(ms: pd.DataFrame) -> dict:
    """'In 2020 PyTorch consistently got more questions than TensorFlow on Stack Overflow.'"""
    s = sg.share(ms, SIGNAL_BY_ID["so_questions"])
    if s.empty:
        return _row("so_2020_pt_more_questions", "untestable", "No Stack Overflow counts in this run.")
    y = s[s["month"].str.startswith("2020")]
    lead = trend_tests.year_leader(s["month"], s["share"], 2020)
    pt, tf = int(y["pt"].sum()), int(y["tf"].sum())
    last = y.tail(3)
    verdict = "supported" if lead["pt_led_months"] == len(y) == 12 else "contradicted"
    return _row("so_2020_pt_more_questions", verdict,
                f"Stack Overflow 2020 (digitised monthly counts): PyTorch {pt:,} questions vs TensorFlow {tf:,}; "
                f"PyTorch led in {lead['pt_led_months']} of {len(y)} months; mean monthly share {pct(lead['mean_share'])} "
                f"[{pct(lead['low'])}, {pct(lead['high'])}] (95% block bootstrap). Last three months: "
                + ", ".join(f"{m} {int(a):,} vs {int(b):,}"
                            for m, a, b in zip(last["month"], last["pt"], last["tf"], strict=True)) + ".",
                f"In 2020 Stack Overflow got {pt:,} PyTorch questions and {tf:,} TensorFlow questions; PyTorch led in "
                f"{lead['pt_led_months']} of {len(y)} months.")


def rise_2018(table: pd.DataFrame, yearly: pd.DataFrame, crossovers: pd.DataFrame) -> dict:
    """'TensorFlow led clearly until early 2018, when PyTorch's rise began.'

    Read per signal from the Mann-Kendall test within each year: the rise 'began in 2018' if PyTorch's
    share shows no significant trend in 2017 but a significant rise in 2018; 'earlier' if it was already
    rising in 2017; 'later' if it did not rise in 2018. The hinge change point (2017-2020) is quoted too.
    """
    pop = table[table["available"] & table["popularity"] & (table["first_month"] <= "2018-06")]
    if pop.empty:
        return _row("pt_rise_began_2018", "untestable", "No monthly signal covers 2017-2018.")

    def rising(signal: str, year: int) -> tuple[bool | None, str]:
        r = yearly[(yearly["signal"] == signal) & (yearly["year"] == year)]
        if r.empty:
            return None, f"{year} not covered"
        r = r.iloc[0]
        up = bool(r["p_value"] < ALPHA and r["sen_slope_per_year"] > 0)
        return up, f"{year} {'rising' if up else 'no significant rise'} ({pp(r['sen_slope_per_year'])}/yr, {pval(r['p_value'])})"

    parts, counts = [], {"in 2018": 0, "earlier": 0, "later": 0}
    for _, r in pop.iterrows():
        up17, t17 = rising(r["signal"], 2017)
        up18, t18 = rising(r["signal"], 2018)
        when = "earlier" if up17 else ("in 2018" if up18 else "later")
        counts[when] += 1
        parts.append(f"{r['signal']}: {t17}; {t18}; slope change {r['early_change_month']} "
                     f"[{r['early_change_low']}, {r['early_change_high']}] -> began {when}")
    n = len(pop)
    y18 = yearly[(yearly["year"] == 2018) & yearly["signal"].isin(pop["signal"])]
    tf_led = f"TensorFlow led {int((y18['mean_share'] < 0.5).sum())} of {len(y18)} signals in 2018 (mean PyTorch share " + \
        ", ".join(f"{r['signal']} {pct(r['mean_share'])}" for _, r in y18.iterrows()) + ")"
    firsts = crossovers.loc[crossovers["popularity"] & (crossovers["crossover"] != ""), "crossover"]
    first = f"; the first crossover on any signal is {firsts.min()}" if len(firsts) else ""
    verdict = "supported" if counts["in 2018"] == n else ("contradicted" if counts["in 2018"] == 0 else "mixed")
    return _row("pt_rise_began_2018", verdict,
                f"{tf_led}{first}. When did PyTorch's rise begin? Mann-Kendall (Hamed-Rao) and Sen's slope within 2017 "
                "and 2018, and a hinge regression on "
                "2017-2020 with a 95% block-bootstrap interval: " + "; ".join(parts) +
                f". The rise began in 2018 on {counts['in 2018']} of {n} signals, earlier on {counts['earlier']}, "
                f"later on {counts['later']}.",
                f"PyTorch's rise began in 2018 on {counts['in 2018']} of {n} signals, earlier on {counts['earlier']} "
                f"and later on {counts['later']}.")


def better_answered(ms: pd.DataFrame, years: tuple[int, int] = (2017, 2021), margin: float = 0.05) -> dict:
    """'TensorFlow has better community support: more of its questions get answered' (DSSE answer counts)."""
    d = ms[(ms["source"] == "dsse") & ms["metric"].isin(["questions", "answered"])
           & ms["month"].str[:4].astype(int).between(*years)]
    if d[d["metric"] == "answered"].empty:
        return _row("tf_better_answered", "untestable",
                    "Needs answer counts per question; only the Data Science SE export has AnswerCount.")
    tot = d.groupby(["framework", "metric"])["value"].sum()
    k_tf, n_tf = int(tot[("tensorflow", "answered")]), int(tot[("tensorflow", "questions")])
    k_pt, n_pt = int(tot[("pytorch", "answered")]), int(tot[("pytorch", "questions")])
    t = proportions.two_proportion(k_pt, n_pt, k_tf, n_tf)  # shift = TF minus PT
    if t["shift_low"] > 0 and t["p_value"] < ALPHA:
        verdict = "supported"
    elif t["shift_high"] < 0 or (-margin < t["shift_low"] and t["shift_high"] < margin):
        verdict = "contradicted"
    else:
        verdict = "mixed"
    conclusion = ("TensorFlow's questions are answered more often." if verdict == "supported" else
                  f"The interval excludes a TensorFlow advantage of {margin:.0%} or more: answered about equally often."
                  if verdict == "contradicted" else
                  f"No significant difference, but the interval still allows a TensorFlow advantage of up to "
                  f"{pp(t['shift_high'])}: inconclusive.")
    return _row("tf_better_answered", verdict,
                f"Data Science SE questions {years[0]}-{years[1]} with at least one answer: TensorFlow {k_tf:,}/{n_tf:,} "
                f"= {pct(k_tf / n_tf)}, PyTorch {k_pt:,}/{n_pt:,} = {pct(k_pt / n_pt)}; difference {pp(t['shift'])} "
                f"[{pp(t['shift_low'])}, {pp(t['shift_high'])}] (Newcombe 95%), two-proportion z = {t['z']:.2f}, "
                f"{pval(t['p_value'])}. " + conclusion + " Stack Overflow answer counts are not in the data.",
                f"On Data Science SE, {pct(k_tf / n_tf)} of TensorFlow and {pct(k_pt / n_pt)} of PyTorch questions "
                f"({years[0]}-{years[1]}) got an answer. " + conclusion)


def closing_gap(yearly: pd.DataFrame, table: pd.DataFrame, year: int = 2021) -> dict:
    """'In 2021 TensorFlow was closing the gap again': PyTorch's share falling during 2021?"""
    names = set(table.loc[table["available"] & table["popularity"], "signal"])
    y = yearly[(yearly["year"] == year) & yearly["signal"].isin(names)]
    if y.empty:
        return _row("tf_closing_gap_2021", "untestable", f"No monthly signal covers {year}.")
    down = y[(y["p_holm_within_year"] < ALPHA) & (y["sen_slope_per_year"] < 0)]
    up = y[(y["p_holm_within_year"] < ALPHA) & (y["sen_slope_per_year"] > 0)]
    parts = [f"{r['signal']} {pp(r['sen_slope_per_year'])}/yr (Holm {pval(r['p_holm_within_year'])})" for _, r in y.iterrows()]
    verdict = "supported" if len(down) > len(y) / 2 else ("contradicted" if down.empty else "mixed")
    return _row("tf_closing_gap_2021", verdict,
                f"Sen's slope of PyTorch's share within {year}, Mann-Kendall (Hamed-Rao) with Holm adjustment across "
                f"signals: " + "; ".join(parts) + f". PyTorch's share fell significantly on {len(down)} of {len(y)} "
                f"signals and rose significantly on {len(up)}.",
                f"Within {year}, PyTorch's share fell significantly on {len(down)} of {len(y)} signals and rose "
                f"significantly on {len(up)}.")


def overtook(year: int, leaders: pd.DataFrame, crossovers: pd.DataFrame) -> dict:
    """'PyTorch overtook TensorFlow as the most popular framework in YEAR' (the article: 2021).

    `leaders` is `verdict.leaders(...)` for that year: one row per popularity signal with PyTorch's share,
    its 95% interval and the leader.
    """
    have = leaders[leaders["pytorch_share"].notna()]
    cross = crossovers.set_index("signal")["crossover"] if len(crossovers) else pd.Series(dtype=str)
    parts = [f"{r['signal']}: {r['leader']} (PyTorch {pct(r['pytorch_share'])} [{pct(r['low'])}, {pct(r['high'])}]), "
             f"crossover {cross.get(r['signal'], '') or 'never'}" for _, r in have.iterrows()]
    led, trailed = int((have["leader"] == "PyTorch").sum()), int((have["leader"] == "TensorFlow").sum())
    crossed_in_year = crossovers[crossovers["crossover"].astype(str).str.startswith(str(year)) & crossovers["popularity"]]
    verdict = "supported" if trailed == 0 and led > 0 else ("contradicted" if led == 0 else "mixed")
    return _row("pt_overtook_2021", verdict,
                f"Who led in {year} on each signal: " + "; ".join(parts) +
                f". PyTorch led {led} signals and trailed on {trailed}; crossovers dated in {year}: "
                + (", ".join(crossed_in_year["signal"]) or "none") + ".",
                f"In {year} PyTorch led on {led} signals and TensorFlow on {trailed}.")


def pypi_115m(ms: pd.DataFrame, claimed: float = 115e6, tolerance: float = 0.10) -> dict:
    """'TensorFlow was downloaded about 115 million times from PyPI in 2020.'"""
    p = ms[(ms["source"] == "pypi") & (ms["metric"] == "downloads")]
    if p.empty:
        return _row("tf_pypi_115m_2020", "untestable", "No PyPI snapshots in this run.")
    tf_only = pypi.year_total(p, 2020, ("tensorflow",))
    family = pypi.year_total(p, 2020)
    low, high = min(tf_only["total_raw_windows"], tf_only["total_calendar"]), family["total_calendar"]
    verdict = "supported" if low * (1 - tolerance) <= claimed <= high * (1 + tolerance) else "contradicted"
    return _row("tf_pypi_115m_2020", verdict,
                f"Twelve monthly pip-only snapshots for 2020: package `tensorflow` {tf_only['total_raw_windows'] / 1e6:.1f}M "
                f"(30-day windows; {tf_only['total_calendar'] / 1e6:.1f}M scaled to calendar months); with tensorflow-gpu and "
                f"tensorflow-cpu {family['total_raw_windows'] / 1e6:.1f}M ({family['total_calendar'] / 1e6:.1f}M). Claimed about "
                f"{claimed / 1e6:.0f}M: within {tolerance:.0%} of the range. Installers other than pip and mirrors are "
                "not counted.",
                f"The `tensorflow` package was downloaded {tf_only['total_raw_windows'] / 1e6:.1f}M times with pip in "
                f"2020 ({family['total_calendar'] / 1e6:.1f}M with its GPU and CPU variants); claimed about "
                f"{claimed / 1e6:.0f}M.")


def conference_majority(conf: pd.DataFrame, year: int = 2019) -> dict:
    """'In 2019 every major conference had a majority of framework-naming papers using PyTorch.'"""
    m = conferences.majority_test(conf, year)
    if m.empty:
        return _row("he_2019_conference_majority", "untestable", f"No conference papers for {year}.")
    m["adj"] = multipletests(m["p_majority"], method="holm")[1]
    majority = m[m["pytorch_share"] > 0.5]
    sig = m[m["adj"] < ALPHA]
    parts = [f"{r['conference']} {int(r['pytorch_papers'])}/{int(r['named'])} = {pct(r['pytorch_share'])}"
             for _, r in m.iterrows()]
    verdict = "supported" if len(majority) == len(m) else ("contradicted" if majority.empty else "mixed")
    return _row("he_2019_conference_majority", verdict,
                f"{year}, papers naming only PyTorch among those naming only one framework: " + "; ".join(parts) +
                f". PyTorch had a majority at {len(majority)} of {len(m)} conferences ({len(sig)} significant, one-sided "
                "binomial with Holm); the others were not PyTorch majorities.",
                f"In {year} PyTorch had a majority of framework-naming papers at {len(majority)} of {len(m)} "
                "conferences.")


def google_trends_2020(ms: pd.DataFrame) -> dict:
    """'Google Trends: in 2020 PyTorch was consistently more searched than TensorFlow, peaking Sep 2020.'"""
    s = sg.share(ms, SIGNAL_BY_ID["google_trends"])
    y = s[s["month"].str.startswith("2020")] if len(s) else s
    if y.empty or len(y) < 12:
        return _row("gt_2020_pt_ahead", "untestable",
                    "No Google Trends export covering 2020 in data/raw/google_trends/. To settle it: on trends.google.com "
                    "compare 'pytorch' and 'tensorflow' (and 'keras') in ONE request, Worldwide, 2015-01-01 to today, "
                    "download 'Interest over time' (multiTimeline.csv), put it in data/raw/google_trends/ and run make all.")
    led = int((y["share"] > 0.5).sum())
    peak = y.loc[y["pt"].idxmax(), "month"]  # PyTorch's peak month within 2020
    verdict = "supported" if led == 12 and peak == "2020-09" else ("contradicted" if led == 0 else "mixed")
    return _row("gt_2020_pt_ahead", verdict,
                f"Google Trends interest 2020: PyTorch above TensorFlow in {led} of 12 months; mean PyTorch share "
                f"{pct(y['share'].mean())}; PyTorch's highest month in 2020: {peak} (claimed: 2020-09).",
                f"In 2020 PyTorch was searched more than TensorFlow in {led} of 12 months; its peak month was {peak}.")
