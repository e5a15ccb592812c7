"""Per-signal results (step 20): trends, change points, crossovers, and who led in every valid year.

One row per registered signal, so signals can be compared side by side; Holm and Benjamini-Hochberg
adjustments are applied across the popularity signals (the family of tests). Nothing here depends on the
year in question: per-year reports read `leaders_by_year`.
"""
from __future__ import annotations

import numpy as np
import pandas as pd

from ..chain import io, params
from ..registry.signals import MONTHLY, SIGNAL_BY_NAME, YEARLY
from ..sources import conferences
from ..sources import monthly as sg
from . import surveys as survey_shift
from . import trend_tests as trends
from .composite import composite
from .proportions import wilson

EARLY_END = "2020-12"  # the window in which "when did PyTorch's rise begin" is asked
CROSSOVER_RULE = (f"first month from which the centred {trends.ROLL}-month mean of PyTorch's share stays above 50% "
                  "until the series ends")
YEARLY_RULE = "first year from which the lower 95% Wilson bound of PyTorch's share stays above 50%"


def signal_table(ms: pd.DataFrame) -> pd.DataFrame:
    """One row per monthly signal: coverage, trend, seasonality, change points, crossover."""
    rows = []
    for sig in MONTHLY:
        s = sg.share(ms, sig)
        if s.empty:
            rows.append({"signal": sig.name, "source": sig.source, "popularity": sig.popularity, "available": False})
            continue
        early = s[s["month"] <= EARLY_END]
        cp_early = trends.change_point(early["month"], early["share"])
        rows.append({"signal": sig.name, "source": sig.source, "metric": sig.metric, "popularity": sig.popularity,
                     "available": True, "first_month": s["month"].iloc[0], "last_month": s["month"].iloc[-1],
                     **trends.mann_kendall(s["share"]), **trends.seasonality(s["share"]),
                     **trends.change_point(s["month"], s["share"]),
                     **{f"early_{k}": v for k, v in cp_early.items()},
                     **trends.crossover(s["month"], s["share"])})
    t = pd.DataFrame(rows)
    pop = t["available"] & t["popularity"]
    for method, col in (("holm", "p_holm"), ("fdr_bh", "p_bh")):
        t[col] = np.nan
        t.loc[pop, col] = trends.adjust(t.loc[pop, "p_value"], method)
    return t


def yearly_table(ms: pd.DataFrame) -> pd.DataFrame:
    """Signal x year: Mann-Kendall within the year and the year's mean share."""
    frames = []
    for name, s in sg.shares(ms).items():
        yt = trends.yearly_trends(s["month"], s["share"])
        means = s.assign(year=s["month"].str[:4].astype(int)).groupby("year")["share"].mean()
        frames.append(yt.assign(signal=name, mean_share=yt["year"].map(means)))
    out = pd.concat(frames, ignore_index=True)
    out["p_holm_within_year"] = out.groupby("year")["p_value"].transform(lambda p: trends.adjust(p, "holm"))
    return out[["signal", "year", "n", "mean_share", "trend", "tau", "sen_slope_per_year", "p_value", "p_holm_within_year"]]


def yearly_shares(resp: pd.DataFrame, papers: pd.DataFrame) -> pd.DataFrame:
    """The yearly popularity signals, one row per signal and year: PyTorch's share with a Wilson 95% interval.
    Kaggle: share among respondents who picked exactly one of the two (the McNemar comparison); conference
    papers: accepted papers naming only one framework, all conferences of the year pooled."""
    k = survey_shift.within_year(resp)
    n = k["pytorch_only"] + k["tensorflow_only"]
    lo, hi = wilson(k["pytorch_only"], n)
    kaggle = pd.DataFrame({"signal": "Kaggle survey", "source": "kaggle_survey", "year": k["year"],
                           "pytorch_share": k["pytorch_only"] / n, "low": lo, "high": hi,
                           "basis": [f"respondents using exactly one of the two (n={m:,}); Wilson" for m in n]})
    accepted = papers[papers["papers_are"] == "accepted"]
    c = conferences.pooled_by_year(papers)
    c = c[(c["papers"] == "accepted only") & (c["named"] > 0)]
    per_year = accepted.groupby("year")["conference"].agg(lambda s: sorted(set(s)))

    def basis(year: int, named: int) -> str:
        confs = per_year.get(year, [])
        which = f"from {confs[0]} only" if len(confs) == 1 else f"{len(confs)} conferences"
        return f"accepted papers naming one framework (n={named:,}; {which}); Wilson"

    conf = pd.DataFrame({"signal": "Conference papers", "source": "conference_papers", "year": c["year"],
                         "pytorch_share": c["pytorch_share"], "low": c["low"], "high": c["high"],
                         "basis": [basis(int(y), int(m)) for y, m in zip(c["year"], c["named"], strict=True)]})
    return pd.concat([kaggle, conf], ignore_index=True)


def _text(v) -> str:
    return "" if v is None or (isinstance(v, float) and np.isnan(v)) else str(v)


def crossovers(table: pd.DataFrame, yearly: pd.DataFrame) -> pd.DataFrame:
    """The `crossovers.csv` contract: one row per signal, the first period PyTorch led and stayed ahead, with
    its interval, or empty with the reason (closest approach as columns)."""
    rows = []
    for _, r in table[table["available"]].iterrows():
        crossed = _text(r["crossover_month"])
        reason = ""
        if not crossed:
            reason = (f"PyTorch never stayed ahead; closest: {r['closest_share']:.1%} in {r['closest_month']} "
                      f"(series ends {r['last_month']})")
        elif r["months_after"] < 6:
            reason = f"tentative: only {int(r['months_after'])} months of data after the crossover"
        rows.append({"signal": r["signal"], "source": r["source"], "metric": r["metric"], "granularity": "month",
                     "popularity": bool(r["popularity"]), "crossover": crossed,
                     "crossover_low": _text(r["crossover_low"]), "crossover_high": _text(r["crossover_high"]),
                     "p_never": r["p_never"], "closest_share": np.nan if crossed else r["closest_share"],
                     "closest_period": "" if crossed else r["closest_month"], "reason": reason,
                     "first_period": r["first_month"], "last_period": r["last_month"], "rule": CROSSOVER_RULE,
                     "interval": f"95% moving-block bootstrap ({trends.BLOCK}-month blocks, {trends.N_BOOT} replicates)"})
    for name, g in yearly.groupby("signal", sort=False):
        rows.append(yearly_crossover(name, g))
    return pd.DataFrame(rows).sort_values(["granularity", "signal"], ignore_index=True)


def yearly_crossover(name: str, g: pd.DataFrame) -> dict:
    """Crossover for a yearly series: first year from which the share's 95% interval stays above 1/2."""
    periods, shares_, lows = g["year"].tolist(), g["pytorch_share"].tolist(), g["low"].tolist()
    above = [lo > 0.5 for lo in lows]
    idx = None
    if above and above[-1]:
        below = [i for i, a in enumerate(above) if not a]
        idx = below[-1] + 1 if below else 0
    best = int(np.nanargmax(shares_))
    return {"signal": name, "source": g["source"].iloc[0], "metric": SIGNAL_BY_NAME[name].metric,
            "granularity": "year", "popularity": True, "crossover": str(periods[idx]) if idx is not None else "",
            "crossover_low": "", "crossover_high": "", "p_never": np.nan,
            "closest_share": shares_[best] if idx is None else np.nan,
            "closest_period": str(periods[best]) if idx is None else "",
            "reason": "" if idx is not None else f"PyTorch never led; closest: {shares_[best]:.1%} in {periods[best]}",
            "first_period": str(periods[0]), "last_period": str(periods[-1]), "rule": YEARLY_RULE,
            "interval": "Wilson 95% per year (a yearly series has no month-level interval)"}


def leaders(ms: pd.DataFrame, yearly: pd.DataFrame, year: int) -> pd.DataFrame:
    """Who led in `year` on each popularity signal: PyTorch share, 95% interval, leader, family, basis."""
    rows = []
    for sig in MONTHLY:
        if not sig.popularity:
            continue
        s = sg.share(ms, sig)
        if s.empty:
            rows.append({"signal": sig.name, "leader": "no data", "basis": ""})
            continue
        r = trends.year_leader(s["month"], s["share"], year)
        if r["months"] == 0:
            rows.append({"signal": sig.name, "leader": f"not covered in {year}", "basis": ""})
            continue
        rows.append({"signal": sig.name, "pytorch_share": r["mean_share"], "low": r["low"], "high": r["high"],
                     "leader": r["leader"], "basis": f"mean of {r['months']} monthly shares; block bootstrap"})
    for sig in YEARLY:
        g = yearly[yearly["signal"] == sig.name]
        r = g[g["year"] == year]
        if len(r):
            r = r.iloc[0]
            rows.append({"signal": sig.name, "pytorch_share": r["pytorch_share"], "low": float(r["low"]),
                         "high": float(r["high"]), "leader": trends.leader(r["low"], r["high"]), "basis": r["basis"]})
        else:
            rows.append({"signal": sig.name, "basis": "",
                         "leader": f"not covered in {year} ({sig.coverage})"})
    out = pd.DataFrame(rows, columns=["signal", "pytorch_share", "low", "high", "leader", "basis"])
    out["family"] = out["signal"].map(lambda n: SIGNAL_BY_NAME[n].family_label)
    return out


def build() -> dict[str, pd.DataFrame]:
    """Step 20_trend_tests: every per-signal table, once for all years."""
    ms = io.read_table("monthly_signals")
    resp = io.read_table("kaggle_respondents")
    papers = io.read_table("conference_papers")
    table = signal_table(ms)
    yearly = yearly_shares(resp, papers)
    by_year = pd.concat([leaders(ms, yearly, y).assign(year=y) for y in params.VALID_YEARS], ignore_index=True)
    comp, comp_cross = composite(sg.shares(ms, popularity_only=True),
                                 {n: g.set_index("year")["pytorch_share"] for n, g in yearly.groupby("signal", sort=False)})
    long = comp.melt(id_vars="month", var_name="scheme", value_name="share")
    return {"signal_tests": table, "crossovers": crossovers(table, yearly), "yearly_trends": yearly_table(ms),
            "leaders_by_year": by_year, "composite": long, "composite_crossovers": comp_cross,
            "monthly_signals": ms, "yearly_shares": yearly}


def overview(table: pd.DataFrame) -> pd.DataFrame:
    """One row per monthly signal: whose behaviour it measures, what its share estimates, what it covers."""
    rows = []
    for sig in MONTHLY:
        r = table[table["signal"] == sig.name]
        have = len(r) and bool(r["available"].iloc[0])
        rows.append({"signal": sig.name, "family": sig.family_label, "counted in verdicts": sig.popularity,
                     "months": f"{r['first_month'].iloc[0]} to {r['last_month'].iloc[0]}" if have else "no data",
                     "whose behaviour": sig.audience, "what the share estimates": sig.estimand})
    return pd.DataFrame(rows)
