"""Per-signal results (step 20): the state-space model of each monthly signal and what its paths say; the yearly
signals (Kaggle, conference papers); who led in every valid year; the common trend across signals.

Nothing here depends on the year in question: each year's verdict reads `leaders_by_year`.
"""
from __future__ import annotations

import os
from concurrent.futures import ProcessPoolExecutor
from dataclasses import dataclass

import numpy as np
import pandas as pd

from ..chain import cache, io, params
from ..registry.crossover import PRIMARY, RULES, VARIANT, describe_record
from ..registry.formats import prob_eq
from ..registry.signals import LAUNCH_MONTHS, MONTHLY, SIGNAL_BY_ID, YEARLY, Signal
from . import crossover as crossover_rules
from . import papers as paper_shares
from . import share_model as sm
from . import surveys as survey_shift
from . import trend_tests
from .proportions import wilson
from .shares import share as signal_share

CROSSOVER_RULE = RULES[PRIMARY].text
CROSSOVER_INTERVAL = (f"2.5% and 97.5% quantiles over {sm.N_DRAWS:,} simulated paths of the state-space model, each "
                      "path's crossover read by the rule; an end beyond the data reads 'not yet' or 'not decidable "
                      "yet', an end before it 'ahead since the series began'")
YEARLY_RULE = "first year from which the lower 95% Wilson bound of PyTorch's share stays above 50%"
MIN_MONTHS_IN_YEAR = 6  # within-year trends for years with at least this many months


@dataclass
class Result:
    """One monthly signal: its fitted model and what its posterior paths say."""
    signal: Signal
    summary: sm.Summary

    @property
    def series(self) -> sm.Series:
        return self.summary.series

    @property
    def fit(self) -> sm.Fit:
        return self.summary.fit


MIN_MONTHS = 24    # a signal is modelled when it spans at least this many calendar months (the crossover rules'
MIN_OBSERVED = 18  # two 12-month windows) with data in at least this many; shorter ones are shown, not modelled


def long_enough(series: sm.Series) -> bool:
    """Does the signal span MIN_MONTHS calendar months with data in at least MIN_OBSERVED of them?"""
    return series.n_calendar >= MIN_MONTHS and len(series.months) >= MIN_OBSERVED


def prepared(ms: pd.DataFrame) -> dict[str, sm.Series]:
    """Every registered monthly signal present in `ms`, prepared for the model (by signal id)."""
    out = {}
    for sig in MONTHLY:
        share = signal_share(ms, sig)
        series = sm.prepare(share, sig) if len(share) else None
        if series is not None and len(series.months):
            out[sig.id] = series
    return out


def _fit_one(series: sm.Series) -> Result:
    return Result(series.signal, sm.summarise(sm.fit(series)))


FIT_CODE = ("stats", "registry")  # the sub-packages a signal's fit is computed by (its cache key: chain.cache)


def fit_all(ms: pd.DataFrame, workers: int | None = None) -> dict[str, Result]:
    """The model of every monthly signal in `ms` that is `long_enough` (by signal id), one process per core (each
    signal's numbers depend only on its own data and fixed seeds: the same in any process). A fit already computed
    from the same series by the same code (step 20's, when step 25 asks) is read from `build/cache/fits/`."""
    todo = {name: s for name, s in prepared(ms).items() if long_enough(s)}
    keys = {name: cache.key(s, *FIT_CODE) for name, s in todo.items()}
    done = {name: r for name in todo if (r := cache.load("fits", keys[name])) is not None}
    missing = [name for name in todo if name not in done]
    workers = min(workers or os.cpu_count() or 1, len(missing))
    if workers <= 1:
        fitted = [_fit_one(todo[name]) for name in missing]
    else:
        with ProcessPoolExecutor(max_workers=workers) as pool:
            fitted = list(pool.map(_fit_one, [todo[name] for name in missing]))
    for name, r in zip(missing, fitted, strict=True):
        cache.store("fits", keys[name], r)
        done[name] = r
    return {name: done[name] for name in todo}


def too_short(ms: pd.DataFrame) -> dict[str, sm.Series]:
    """Signals with data that are not `long_enough`: shown with their observed shares, not modelled."""
    return {name: s for name, s in prepared(ms).items() if not long_enough(s)}


def too_short_reason(series: sm.Series) -> str:
    return (f"too short for the model: {len(series.months)} months with data over {series.n_calendar} calendar "
            f"months ({series.months[0]} to {series.months[-1]}); the model and the crossover rules need at least "
            f"{MIN_OBSERVED} over {MIN_MONTHS}")


def leader(low: float, high: float) -> str:
    """Who led, from a 95% interval of PyTorch's share: named only when the interval excludes 1/2."""
    return "PyTorch" if low > 0.5 else ("TensorFlow" if high < 0.5 else "too close to call")


# --- per signal ----------------------------------------------------------------------------------------------

def signal_table(ms: pd.DataFrame, results: dict[str, Result]) -> pd.DataFrame:
    """One row per monthly signal: coverage, what it estimates, the model, whole-series trend, seasonality, onset."""
    rows = []
    short = too_short(ms)
    for sig in MONTHLY:
        r = results.get(sig.id)
        row = {"signal_id": sig.id, "source_id": sig.source, "is_popularity": sig.popularity, "is_available": r is not None,
               "estimand": sig.estimand,
               "status": "modelled" if r is not None else (too_short_reason(short[sig.id]) if sig.id in short
                                                           else "no data")}
        if r is None:
            if sig.id in short:
                row |= {"first_month": short[sig.id].months[0], "last_month": short[sig.id].months[-1]}
            rows.append(row)
            continue
        s, (s2_slope, phi, s2_ar, s2_irr) = r.series, r.fit.params
        observed = pd.Series(s.observed)
        mk = trend_tests.mann_kendall(observed, sm.trend_free_series(s))
        mk["n_months"] = mk.pop("n")
        onset = r.summary.onset
        rows.append(row | {
            "first_month": s.months[0], "last_month": s.months[-1], **mk,
            **trend_tests.seasonality(observed), "phi": phi, "sd_ar": np.sqrt(s2_ar), "sd_irregular": np.sqrt(s2_irr),
            "sd_slope": np.sqrt(s2_slope), "breaks": "; ".join(f"{b.start}: {b.description}" for b in s.breaks),
            "is_converged": r.fit.converged, "approximation_ess_share": r.summary.approximation,
            "ess_hyper": r.summary.ess, "n_hyper_points": r.summary.n_hyper_points, **r.summary.rise,
            **{f"share_change_2017{k}": r.summary.changes.get(2017, {}).get(v, np.nan)
               for k, v in (("", "change"), ("_low", "low"), ("_high", "high"))},
            **{f"onset_{k}" if not k.startswith("onset") else k: v for k, v in onset.items()
               if k not in ("distribution", "window", "months")}})
    t = pd.DataFrame(rows)
    pop = t["is_available"] & t["is_popularity"]
    for method, col in (("holm", "p_holm"), ("fdr_bh", "p_bh")):
        t[col] = np.nan
        t.loc[pop, col] = trend_tests.adjust(t.loc[pop, "p_value"], method)
    return t


def months_table(results: dict[str, Result], short: dict[str, sm.Series] | None = None) -> pd.DataFrame:
    """Per signal and month: observed share, latent share with 95% band, P(PyTorch ahead), break-adjusted share; for
    a signal too short to model, the observed share with its counting interval (`modelled` False)."""
    def starts(t: pd.DataFrame, s: sm.Series) -> pd.Series:
        starts_ = {b.start: b.id for b in s.breaks}
        return t["month"].map(lambda m: starts_.get(m, ""))
    frames = [(t := r.summary.monthly).assign(signal_id=sid, is_modelled=True, break_id=starts(t, r.series))
              for sid, r in results.items()]
    frames += [(t := sm.observed_table(s)).assign(signal_id=sid, is_modelled=False, break_id=starts(t, s))
               for sid, s in (short or {}).items()]
    cols = ["signal_id", "month", "observed_share", "pt_plus_tf", "latent_share", "latent_share_low", "latent_share_high",
            "ahead_prob", "adjusted_share", "is_modelled", "break_id"]
    out = pd.concat(frames, ignore_index=True)[cols] if frames else pd.DataFrame(columns=cols)
    return out.sort_values(["signal_id", "month"], ignore_index=True)


def yearly_table(results: dict[str, Result]) -> pd.DataFrame:
    """Signal x year: the latent share's change within the year (model; PyTorch's launch months left out of 2017)
    and the Mann-Kendall test of the observed monthly shares against trend-free years simulated from the signal's
    fitted noise, with the slope that test detects with 80% power; Holm across popularity signals within each
    year."""
    rows = []
    for sid, r in results.items():
        s = r.series
        for year, idx in sm.change_months(s.months).items():
            if len(idx) < MIN_MONTHS_IN_YEAR:
                continue
            null = sm.trend_free(r.fit, idx, seed=trend_tests.SEED + year)
            mk_ = trend_tests.mann_kendall(s.observed[idx], null)
            ch, ys = r.summary.changes[year], r.summary.years[year]
            rows.append({"signal_id": sid, "is_popularity": r.signal.popularity, "year": year, "n_months": len(idx),
                         "first_month": s.months[idx[0]], "pytorch_share": ys["share"],
                         "share_change": ch["change"], "share_change_low": ch["low"],
                         "share_change_high": ch["high"], "share_change_low90": ch["low90"],
                         "share_change_high90": ch["high90"],
                         "fall_prob": ch["fall_prob"], "tau": mk_["tau"], "p_value": mk_["p_value"],
                         "sen_slope_per_year": mk_["sen_slope_per_year"],
                         "mde_per_year": trend_tests.minimum_detectable_slope(null) * 12})
    out = pd.DataFrame(rows)
    out["p_holm_within_year"] = np.nan
    pop = out["is_popularity"]
    out.loc[pop, "p_holm_within_year"] = out[pop].groupby("year")["p_value"].transform(
        lambda p: trend_tests.adjust(p, "holm"))
    return out.drop(columns="is_popularity")


# --- yearly signals ------------------------------------------------------------------------------------------

def yearly_shares(resp: pd.DataFrame, papers: pd.DataFrame) -> pd.DataFrame:
    """The yearly popularity signals, one row per signal and year: PyTorch's share with a Wilson 95% interval.
    Kaggle: share among respondents who picked exactly one of the two (the McNemar comparison); conference
    papers: accepted papers naming only one framework, all conferences of the year pooled."""
    k = survey_shift.within_year(resp)
    n = k["n_pytorch_only"] + k["n_tensorflow_only"]
    lo, hi = wilson(k["n_pytorch_only"], n)
    kaggle = pd.DataFrame({"signal_id": "kaggle_survey", "source_id": "kaggle_survey", "year": k["year"],
                           "pytorch": k["n_pytorch_only"], "named": n, "pytorch_share": k["n_pytorch_only"] / n,
                           "low": lo, "high": hi,
                           "basis": [f"respondents using exactly one of the two (n={m:,}); Wilson" for m in n]})
    accepted = papers[papers["papers_are"] == "accepted"]
    c = paper_shares.pooled_by_year(papers)
    c = c[(c["papers"] == "accepted only") & (c["named"] > 0)]
    per_year = accepted.groupby("year")["conference"].agg(lambda s: sorted(set(s)))

    def basis(year: int, named: int) -> str:
        confs = per_year.get(year, [])
        which = f"from {confs[0]} only" if len(confs) == 1 else f"{len(confs)} conferences"
        return f"accepted papers naming one framework (n={named:,}; {which}); Wilson"

    conf = pd.DataFrame({"signal_id": "conference_papers", "source_id": "conference_papers", "year": c["year"],
                         "pytorch": c["n_pytorch_papers"], "named": c["named"], "pytorch_share": c["pytorch_share"],
                         "low": c["pytorch_share_low"], "high": c["pytorch_share_high"],
                         "basis": [basis(int(y), int(m)) for y, m in zip(c["year"], c["named"], strict=True)]})
    return pd.concat([kaggle, conf], ignore_index=True)


# --- crossovers and leaders ----------------------------------------------------------------------------------

def crossover_columns(c: dict, prefix: str = "") -> dict:
    """A rule's summary (`crossover.summary`) as crossovers.csv columns (the variant's with `prefix`)."""
    out = {f"{prefix}outcome_id": c["outcome"], f"{prefix}crossover": c["crossover"],
           f"{prefix}crossover_low": c["crossover_low"], f"{prefix}crossover_high": c["crossover_high"],
           f"{prefix}high_outcome_id": c["high_outcome"], f"{prefix}decidable_from": c["decidable_from"]}
    if not prefix:
        out |= {"window_end": c["window_end"],
                **{f"{o}_prob": c[f"{o}_prob"] for o in ("dated", "not_yet", "not_decidable", "ahead_since_start")}}
    return out


def lead_reason(series: sm.Series, c: dict, latent: np.ndarray) -> str:
    """Why a signal has no dated crossover, or why one is tentative, in the counts' own terms."""
    if c["outcome"] == "dated":
        return (f"tentative: P(dated) {prob_eq(c['dated_prob'])}" if c["dated_prob"] < 0.975 else "")
    behind = np.flatnonzero(latent < 0.5)
    best = int(np.argmax(latent))
    if c["outcome"] == "not_decidable":
        since = series.months[behind[-1] + 1] if len(behind) else series.months[0]
        return (f"PyTorch ahead at the data end (every month since {since} as counted); the rule needs "
                f"{RULES[PRIMARY].label} above 50% for 6 windows: decidable from {c['decidable_from']} "
                f"(P(not decidable yet) {prob_eq(c['not_decidable_prob'])}); series ends {series.months[-1]}")
    if c["outcome"] == "not_yet":
        last = (f"the latent share was last below 50% in {series.months[behind[-1]]} ({latent[behind[-1]]:.1%})"
                if len(behind) and latent[best] > 0.5 else f"closest: {latent[best]:.1%} in {series.months[best]}")
        return (f"PyTorch behind at the data end (P(not yet) {prob_eq(c['not_yet_prob'])}): {last}; series ends "
                f"{series.months[-1]}")
    return f"PyTorch ahead from the series' first months ({series.months[0]}): the crossing came before the data"


def crossovers(results: dict[str, Result], yearly: pd.DataFrame,
               short: dict[str, sm.Series] | None = None) -> pd.DataFrame:
    """The `crossovers.csv` contract: one row per signal, what the primary rule finds (a month with its interval,
    or not yet, not decidable yet, ahead since the series began) with each outcome's probability and the reason,
    and what the variant rule finds beside it."""
    rows = [{"signal_id": sid, "source_id": s.signal.source, "metric": s.signal.metric, "granularity": "month",
             "is_popularity": s.signal.popularity, "crossover": "", "crossover_low": "", "crossover_high": "",
             "closest_share": np.nan, "closest_period": "", "reason": too_short_reason(s),
             "first_period": s.months[0], "last_period": s.months[-1], "last_decidable": "", "rule": CROSSOVER_RULE,
             "interval": "", "is_modelled": False} for sid, s in (short or {}).items()]
    for sid, r in results.items():
        s = r.series
        c = r.summary.crossovers[PRIMARY]
        latent = r.summary.monthly["latent_share"].to_numpy()
        best = int(np.argmax(latent))
        dated = c["outcome"] == "dated"
        last_decidable = str(pd.Period(s.months[-1], freq="M") - 10)  # a date needs its 6 windows: 10 more months
        rows.append({"signal_id": sid, "source_id": r.signal.source, "metric": r.signal.metric, "granularity": "month",
                     "is_popularity": r.signal.popularity, **crossover_columns(c),
                     **crossover_columns(r.summary.crossovers[VARIANT], "variant_"),
                     "closest_share": np.nan if dated else latent[best],
                     "closest_period": "" if dated else s.months[best], "reason": lead_reason(s, c, latent),
                     "first_period": s.months[0], "last_period": s.months[-1], "last_decidable": last_decidable,
                     "rule": CROSSOVER_RULE, "interval": CROSSOVER_INTERVAL, "is_modelled": True})
    for sid, g in yearly.groupby("signal_id", sort=False):
        rows.append(yearly_crossover(sid, g))
    out = pd.DataFrame(rows).sort_values(["granularity", "signal_id"], ignore_index=True)
    out["summary"] = [describe_record(r) for _, r in out.iterrows()]
    return out


def crossover_years(results: dict[str, Result]) -> pd.DataFrame:
    """Per monthly signal and crossover rule, the rule's finding over the paths by outcome and calendar year: P(the
    crossover falls in year Y), P(a lead not decidable yet would be dated in Y), P(not yet), P(ahead since the series
    began)."""
    rows = []
    for sid, r in results.items():
        for rule, found in r.summary.crossings.items():
            rows += crossover_rules.by_year(sid, found, r.series.months, rule)
    return pd.DataFrame(rows, columns=["signal_id", "rule_id", "outcome_id", "crossover_year", "year_prob"])


def yearly_crossover(sid: str, g: pd.DataFrame) -> dict:
    """Crossover for a yearly series: first year from which the share's 95% interval stays above 1/2 (ahead since
    the series began when that is its first year; not yet when the last year's interval is not above 1/2)."""
    periods, shares_, lows = g["year"].tolist(), g["pytorch_share"].tolist(), g["low"].tolist()
    above = [lo > 0.5 for lo in lows]
    idx = None
    if above and above[-1]:
        below = [i for i, a in enumerate(above) if not a]
        idx = below[-1] + 1 if below else 0
    best = int(np.nanargmax(shares_))
    outcome = "not_yet" if idx is None else ("ahead_since_start" if idx == 0 else "dated")
    return {"signal_id": sid, "source_id": g["source_id"].iloc[0], "metric": SIGNAL_BY_ID[sid].metric,
            "granularity": "year", "is_popularity": True, "outcome_id": outcome,
            "crossover": str(periods[idx]) if outcome == "dated" else "", "crossover_low": "", "crossover_high": "",
            "closest_share": shares_[best] if idx is None else np.nan,
            "closest_period": str(periods[best]) if idx is None else "",
            "reason": "" if idx is not None else f"PyTorch never led clearly; closest: {shares_[best]:.1%} in {periods[best]}",
            "first_period": str(periods[0]), "last_period": str(periods[-1]), "last_decidable": str(periods[-1]),
            "rule": YEARLY_RULE, "interval": "Wilson 95% per year (a yearly series has no month-level interval)",
            "is_modelled": True}


def observed_year(series: sm.Series, year: int) -> dict | None:
    """A year of a signal too short to model: the year's pooled observed share (its counts, or index points, summed)
    with an interval from counting alone — Wilson on the pooled counts, or for an index the pooled shares the
    values could give before rounding (each within half a point of the one shown)."""
    idx = [i for i, m in enumerate(series.months) if m.startswith(str(year))]
    if not idx:
        return None
    if series.counts:
        k, n = float(series.pt[idx].sum()), float(series.total[idx].sum())
        lo, hi = wilson(np.array([round(k)]), np.array([round(n)]))
        share, lo, hi, how = k / n, float(lo[0]), float(hi[0]), "pooled counts, Wilson"
    else:
        pt, tf = series.pt[idx], series.total[idx] - series.pt[idx]
        pt_lo, tf_lo = np.maximum(pt - 0.5, 0).sum(), np.maximum(tf - 0.5, 0).sum()
        share = float(pt.sum() / (pt.sum() + tf.sum()))
        lo, hi = float(pt_lo / (pt_lo + (tf + 0.5).sum())), float((pt + 0.5).sum() / ((pt + 0.5).sum() + tf_lo))
        how = "rounding bounds of the index only (its sampling error is not published)"
    partial = f"{len(idx)} of 12 months; " if len(idx) < 12 else ""
    return {"pytorch_share": share, "pytorch_share_low": lo, "pytorch_share_high": hi, "ahead_prob": np.nan,
            "leader": leader(lo, hi), "n_months": len(idx), "n_months_ahead": int((series.observed[idx] > 0.5).sum()),
            "basis": f"observed share ({partial}{how}); too short for the model"}


def months_ahead(monthly: pd.DataFrame, year: int) -> int:
    """How many of the year's months PyTorch was ahead in: the model's P(ahead) above 1/2 (its latent share's
    median above 50%), or, for a signal too short to model, the observed share above 50%."""
    m = monthly[monthly["month"].str.startswith(str(year))]
    p = m["ahead_prob"] if "ahead_prob" in m and m["ahead_prob"].notna().all() else m["observed_share"]
    return int((p > 0.5).sum())


def leaders(results: dict[str, Result], yearly: pd.DataFrame, year: int,
            short: dict[str, sm.Series] | None = None) -> pd.DataFrame:
    """Who led in `year` on each popularity signal: PyTorch's share, 95% interval, P(ahead), leader, basis."""
    rows = []
    short = short or {}
    for sig in MONTHLY:
        if not sig.popularity:
            continue
        r = results.get(sig.id)
        ys = r.summary.years.get(year, {"months": 0}) if r else {"months": 0}
        if r is None and sig.id in short:
            got = observed_year(short[sig.id], year)
            rows.append({"signal_id": sig.id, **got} if got else
                        {"signal_id": sig.id, "leader": f"not covered in {year}", "n_months": 0,
                         "basis": too_short_reason(short[sig.id])})
        elif r is None:
            rows.append({"signal_id": sig.id, "leader": "no data", "basis": "", "n_months": 0})
        elif ys["months"] == 0:
            rows.append({"signal_id": sig.id, "leader": f"not covered in {year}", "basis": sig.coverage,
                         "n_months": 0})
        else:
            partial = f" ({ys['months']} of 12 months)" if ys["months"] < 12 else ""
            launch = (f"; holds PyTorch's launch months ({LAUNCH_MONTHS[0]} to {LAUNCH_MONTHS[-1]})"
                      if any(m in r.series.months for m in LAUNCH_MONTHS if m.startswith(str(year))) else "")
            rows.append({"signal_id": sig.id, "pytorch_share": ys["share"], "pytorch_share_low": ys["low"],
                         "pytorch_share_high": ys["high"], "ahead_prob": ys["ahead_prob"],
                         "leader": leader(ys["low"], ys["high"]), "n_months": ys["months"],
                         "n_months_ahead": months_ahead(r.summary.monthly, year),
                         "basis": f"PyTorch's latent count over the pair's in the year{partial}{launch}; "
                                  "state-space model"})
    for sig in YEARLY:
        g = yearly[yearly["signal_id"] == sig.id]
        r = g[g["year"] == year]
        if len(r):
            r = r.iloc[0]
            from scipy.stats import beta  # P(share > 1/2) from the Jeffreys posterior of the count
            p = float(beta.sf(0.5, r["pytorch"] + 0.5, r["named"] - r["pytorch"] + 0.5))
            rows.append({"signal_id": sig.id, "pytorch_share": r["pytorch_share"], "pytorch_share_low": float(r["low"]),
                         "pytorch_share_high": float(r["high"]), "ahead_prob": p, "leader": leader(r["low"], r["high"]),
                         "n_months": 12, "basis": r["basis"]})
        else:
            rows.append({"signal_id": sig.id, "basis": sig.coverage, "n_months": 0,
                         "leader": f"not covered in {year}"})
    out = pd.DataFrame(rows, columns=["signal_id", "pytorch_share", "pytorch_share_low", "pytorch_share_high",
                                      "ahead_prob", "leader", "n_months", "n_months_ahead", "basis"])
    return out


def build() -> dict[str, pd.DataFrame]:
    """Step 20_trend_tests: every per-signal table, once for all years."""
    from . import common_trend
    ms = io.read_table("monthly_signals")
    resp = io.read_table("kaggle_respondents")
    papers = io.read_table("conference_papers")
    results, short = fit_all(ms), too_short(ms)
    yearly = yearly_shares(resp, papers)
    by_year = pd.concat([leaders(results, yearly, y, short).assign(year=y) for y in params.VALID_YEARS],
                        ignore_index=True)
    common = common_trend.build(results, yearly)
    years = pd.concat([crossover_years(results), common.pop("crossover_years")], ignore_index=True)
    return {"signal_tests": signal_table(ms, results), "signal_months": months_table(results, short),
            "crossovers": crossovers(results, yearly, short), "crossover_years": years,
            "yearly_trends": yearly_table(results),
            "leaders_by_year": by_year, **common, "monthly_signals": ms, "yearly_shares": yearly,
            "results": results}


def overview(table: pd.DataFrame) -> pd.DataFrame:
    """One row per monthly signal: whose behaviour it measures, what its share estimates, what it covers."""
    rows = []
    for sig in MONTHLY:
        r = table[table["signal_id"] == sig.id]
        have = len(r) and bool(r["is_available"].iloc[0])
        rows.append({"signal": sig.name, "family": sig.family_label, "counted in verdicts": sig.popularity,
                     "months": f"{r['first_month'].iloc[0]} to {r['last_month'].iloc[0]}" if have else "no data",
                     "whose behaviour": sig.audience, "what the share estimates": sig.estimand})
    return pd.DataFrame(rows)
