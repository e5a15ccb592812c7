"""The coverage study: every interval the reports print, checked by simulation for coverage AND width
(`make calibrate`, step 25).

Monthly signals. Each replicate is a series at the signal's real months and monthly totals, simulated in one of
six scenarios, re-fitted from the default starting values (never from the true settings) and summarised exactly as
the reports summarise it:
- `fitted`: the signal's own fitted model: its smooth trend, AR(1) deviations at its fitted persistence and
  variance, month-specific irregulars, its documented breaks' shifts drawn from their priors, binomial counts;
- `level break`: the same plus a +0.3 logit shift from the middle month on (about 7 share points at 40%), which
  the model is told about (a `changes_mix` break with prior s.d. 0.3);
and four OUTSIDE the model's form:
- `overdispersed`: each framework's monthly count negative-binomial (Poisson with a gamma rate, CV 20%) around the
  fitted trend and deviations: the realised rate varies beyond the binomial, and the totals vary too;
- `s-curve`: a saturating logistic adoption curve on the share scale (from the signal's first-year share to its
  last-year share), which is not linear in the logit, with binomial counts;
- `seasonal`: the fitted trend and deviations plus a yearly cycle of amplitude 0.15 on the logit scale;
- `undocumented break`: the fitted model plus a +0.3 logit shift from the middle month on that the model is NOT
  told about.

**What each interval estimates** (the truth it is scored against): the year share is the mean over a calendar year
of the share as the source counted each month (under the month's counting rules, the realised rate, without
counting noise) — not a popularity propensity behind it; with near-census counts the two differ and only the first
is known this precisely. The within-year change is that share's least-squares change over the year (on the
break-adjusted share where the year spans a break). The crossover month is the first month from which that
share stays above 1/2 for 12 months ("not yet" counts as a value). The onset is the hinge of the
break-adjusted share over 2017-04..2020-12 (over the replicates where an onset interval is printed, so `n_sim`
counts those).

Columns: `coverage` (share of replicates whose interval contains the truth) with its Monte Carlo error `mc_se`;
`width`, the median width of the interval over the replicates; `oracle_width`, the width of the central 95% of the
estimator's errors (point estimate minus truth) over the same replicates — the width an interval centred on the
estimate would need to cover 95% if it knew the error distribution; `bias`, the mean error. A month-valued
oracle width is at least one month (the resolution of the estimate).

The pass mark (`verdict`): every cell covers at least TARGET as measured, and width / oracle width is at most
WIDTH_MEDIAN in the median over cells and at most WIDTH_MAX in every cell.

Surveys. Wilson intervals (Kaggle shares, the yearly signals), the paired McNemar difference, Newcombe intervals of
year-over-year shifts and the post-stratified shares are simulated at each year's real sample sizes and shares.
"""
from __future__ import annotations

import os
import zlib
from concurrent.futures import ProcessPoolExecutor

import numpy as np
import pandas as pd
from statsmodels.stats.proportion import confint_proportions_2indep, proportion_confint

from ..chain.labels import add_labels
from ..registry.sources import Break
from . import share_model as sm

NOMINAL = 0.95
SCENARIOS = ("fitted", "level break", "overdispersed", "s-curve", "seasonal", "undocumented break")
BREAK_EFFECT = 0.3       # the scenario breaks' shift (logit)
DISPERSION_CV = 0.2      # `overdispersed`: the coefficient of variation of each framework's monthly rate
SEASONAL_AMPLITUDE = 0.15  # `seasonal`: the yearly cycle's amplitude (logit)
CALIBRATION_DRAWS = 1000  # posterior paths per replicate (the reports use share_model.N_DRAWS) ...
CALIBRATION_HYPER_SETS = 8  # ... over this many hyperparameter vectors (the reports: share_model.HYPER_SETS) ...
CALIBRATION_IMPORTANCE = 64  # ... resampled from this many importance draws (the reports: IMPORTANCE_DRAWS)
TARGET = 0.90          # every nominal 95% interval covers at least this often, as measured
WIDTH_MEDIAN = 1.5     # width / oracle width: at most this in the median over cells ...
WIDTH_MAX = 2.5        # ... and at most this in every cell
UNITS = {"year share": "share", "within-year change": "share points (fraction)", "crossover month": "months",
         "onset of the rise": "months"}


def _seed(*parts) -> int:
    return zlib.crc32("|".join(map(str, parts)).encode())


def _year(series: sm.Series) -> int | None:
    """The calendar year the year-share and within-year checks use: 2021 if complete, else the middle full year."""
    full = [y for y in sorted({int(m[:4]) for m in series.months})
            if sum(m.startswith(str(y)) for m in series.months) == 12]
    if not full:
        return None
    return 2021 if 2021 in full else full[len(full) // 2]


def _ar1(T: int, phi: float, s2: float, rng: np.random.Generator) -> np.ndarray:
    c = np.empty(T)
    c[0] = rng.normal(0, np.sqrt(s2 / max(1 - phi**2, 1e-6)))
    for t in range(1, T):
        c[t] = phi * c[t - 1] + rng.normal(0, np.sqrt(s2))
    return c


def _s_curve(series: sm.Series) -> np.ndarray:
    """A logistic adoption curve on the share scale from the first year's observed share to the last year's, its
    midpoint in the middle of the series and its width a sixth of it (logit of the share per month)."""
    T, obs = len(series.months), series.observed
    a, b = float(np.mean(obs[:12])), float(np.mean(obs[-12:]))
    t = np.arange(T)
    share = a + (b - a) / (1 + np.exp(-(t - T / 2) / max(T / 6, 1)))
    share = np.clip(share, 0.005, 0.995)
    return np.log(share / (1 - share))


def simulate(result, scenario: str, rng: np.random.Generator) -> tuple[sm.Series, dict]:
    """A series like `result`'s (same months, monthly totals, told breaks) in `scenario`, and the simulated truth:
    `theta` (logit of the share as counted each month) and `adjusted` (theta on the newest counting rules of the told
    breaks)."""
    series, f = result.series, result.fit
    s2_slope, phi, s2_ar, s2_irr = f.params
    post = sm.posterior(f)
    trend = post.A_trend @ post.mean
    T = len(series.months)
    D, brks = series.D, list(series.breaks)
    prior_mean, prior_sd = series.prior_mean, series.prior_sd
    delta = rng.normal(prior_mean, prior_sd) if D.shape[1] else np.zeros(0)
    extra = (np.arange(T) >= T // 2).astype(float)
    c = _ar1(T, phi, s2_ar, rng)
    noise = rng.normal(0, np.sqrt(s2_irr), T)
    smooth = trend + c
    if scenario == "s-curve":
        smooth = _s_curve(series)
        noise = np.zeros(T)
    elif scenario == "seasonal":
        smooth = smooth + SEASONAL_AMPLITUDE * np.sin(2 * np.pi * np.array([int(m[5:]) for m in series.months])
                                                             / 12)
    elif scenario == "undocumented break":
        smooth = smooth + BREAK_EFFECT * extra
    elif scenario == "level break":
        D, delta = np.column_stack([D, extra]), np.r_[delta, BREAK_EFFECT]
        brks = [*brks, Break(series.signal.source, series.months[T // 2], "simulated", prior_sd=BREAK_EFFECT)]
        prior_mean, prior_sd = np.r_[prior_mean, 0.0], np.r_[prior_sd, BREAK_EFFECT]
    elif scenario == "overdispersed":
        noise = np.zeros(T)
    elif scenario != "fitted":
        raise ValueError(f"unknown scenario {scenario!r}")
    shifts = D @ delta
    smooth = smooth + shifts
    theta = smooth + noise
    if scenario == "overdispersed" and series.counts:
        p = sm.logistic(theta)
        k = 1 / DISPERSION_CV**2
        rate_pt = series.total * p * rng.gamma(k, 1 / k, T)
        rate_tf = series.total * (1 - p) * rng.gamma(k, 1 / k, T)
        theta = np.log(rate_pt / rate_tf)  # the realised rates: the share as counted, without counting noise
        pt, n = rng.poisson(rate_pt).astype(float), None
        n = pt + rng.poisson(rate_tf)
        keep = n > 0
        pt, n = pt[keep], n[keep]  # a month with nothing counted has no share (the reports drop it too)
        months = [m for m, k_ in zip(series.months, keep, strict=True) if k_]
        theta, shifts, D = theta[keep], shifts[keep], D[keep]
    else:
        months = series.months
        p = sm.logistic(theta)
        if series.counts:
            n = series.total.astype(int)
            pt = rng.binomial(n, p).astype(float)
        else:  # an index: the share in whole points of the series' own scale
            n = series.total
            pt = np.round(p * n)
    adjusted = theta - shifts + (D[-1] @ delta if D.shape[1] else 0.0)
    sim = sm.Series(series.signal, list(months), pt, np.asarray(n, float), series.counts, brks, D,
                    prior_mean=prior_mean, prior_sd=prior_sd)
    return sim, {"theta": theta, "adjusted": adjusted}


def replicate(result, scenario: str, rng: np.random.Generator, year: int | None) -> dict:
    """One simulated series, re-fitted (from the default start) and summarised as the reports do: for each
    interval, (does it contain the truth, point estimate minus truth, width)."""
    from .trend_tests import hinge_batch
    sim, truth = simulate(result, scenario, rng)
    f = sm.fit(sim)
    summary = sm.summarise(f, n=CALIBRATION_DRAWS, seed=int(rng.integers(2**31)), hyper_sets=CALIBRATION_HYPER_SETS,
                           importance_draws=CALIBRATION_IMPORTANCE, monthly=False)
    out = {}
    by_year = sm.year_months(sim.months)
    if year is not None and len(by_year.get(year, [])) >= 3:
        idx = by_year[year]
        true = sm.logistic(truth["theta"])[None, :]
        adjusted = sm.logistic(truth["adjusted"])[None, :]
        for method, est, value in (
                ("year share", summary.years[year], sm.year_values(true, idx)[0]),
                ("within-year change", summary.changes[year],
                 sm.change_values(adjusted if sm.spans_break(sim, idx) else true, idx)[0])):
            point = est["share"] if method == "year share" else est["change"]
            out[method] = (est["low"] <= value <= est["high"], point - value, est["high"] - est["low"])
    T = len(sim.months)
    pos = {m: i for i, m in enumerate(sim.months)}
    true_k = int(sm.first_run(truth["theta"][None, :])[0])
    c = summary.crossover
    lo = pos[c["crossover_low"]] if c["crossover_low"] else T
    hi = pos[c["crossover_high"]] if c["crossover_high"] else T
    out["crossover month"] = (lo <= true_k <= hi, float(np.median(c["distribution"]) - true_k), float(hi - lo))
    o = summary.onset
    if o.get("onset"):  # an interval is printed only when most paths accelerate; coverage is over those replicates
        window = [pos[m] for m in o["window"]]
        true_tau = int(hinge_batch(sm.logistic(truth["adjusted"][window])[None, :], margin=sm.ONSET_MARGIN,
                                   accelerating=True)[0])
        n = len(window)  # "no acceleration" counts as the value after the window, on both sides
        true_tau = true_tau if true_tau >= 0 else n
        lo = o["window"].index(o["onset_low"]) if o["onset_low"] else n
        hi = o["window"].index(o["onset_high"]) if o["onset_high"] else n
        paths = np.where(o["distribution"] >= 0, o["distribution"], n)
        out["onset of the rise"] = (lo <= true_tau <= hi, float(np.median(paths) - true_tau), float(hi - lo))
    return out


def cell(method: str, scenario: str, hits, errors, widths, unit: str, signal: str = "", year=np.nan) -> dict:
    """One row of the study: coverage with its Monte Carlo error, bias, median width and the oracle width."""
    hits, errors, widths = (np.asarray(x, float) for x in (hits, errors, widths))
    c = float(hits.mean())
    lo, hi = np.quantile(errors, [0.025, 0.975]) if len(errors) else (np.nan, np.nan)
    oracle = float(hi - lo)
    if unit == "months":
        oracle = max(oracle, 1.0)
    return {"method": method, "scenario": scenario, "signal_id": signal, "nominal_share": NOMINAL, "coverage_share": c,
            "mc_se": float(np.sqrt(c * (1 - c) / len(hits))), "n_sim": len(hits), "bias": float(np.mean(errors)),
            "width": float(np.median(widths)), "oracle_width": oracle, "unit": unit, "year": year}


def _signal_job(args) -> list[dict]:
    result, scenario, n_sim, seed = args
    rng = np.random.default_rng(seed)
    year = _year(result.series)
    reps = [replicate(result, scenario, rng, year) for _ in range(n_sim)]
    rows = []
    for method, unit in UNITS.items():
        got = [r[method] for r in reps if method in r]
        if got:
            rows.append(cell(method, scenario, *zip(*got, strict=True), unit, result.signal.id,
                             year if method in ("year share", "within-year change") else np.nan))
    return rows


def monthly_study(results: dict, n_sim: int, scenarios=SCENARIOS, workers: int | None = None) -> pd.DataFrame:
    """The model's intervals for every monthly signal and scenario (one process per job when `workers` > 1)."""
    jobs = [(r, sc, n_sim, _seed(name, sc)) for name, r in results.items() for sc in scenarios]
    workers = workers or min(len(jobs), os.cpu_count() or 1)
    if workers > 1:
        with ProcessPoolExecutor(max_workers=workers) as pool:
            rows = [row for part in pool.map(_signal_job, jobs) for row in part]
    else:
        rows = [row for job in jobs for row in _signal_job(job)]
    return pd.DataFrame(rows)


# --- surveys ------------------------------------------------------------------------------------------------------

def survey_study(shares: pd.DataFrame, within: pd.DataFrame, resp: pd.DataFrame, n_sim: int,
                 seed: int = sm.SEED) -> pd.DataFrame:
    """Wilson, McNemar, Newcombe and post-stratified intervals at the Kaggle survey's real sizes and shares."""
    from . import proportions, surveys
    rng = np.random.default_rng(seed)
    rows = []
    main = shares[shares["framework"].isin(["tensorflow", "pytorch"])]
    for _, r in main.iterrows():
        n, p = int(r["n_answered"]), float(r["answered_share"])
        k = rng.binomial(n, p, n_sim)
        lo, hi = proportion_confint(k, n, method="wilson")
        rows.append(cell("Wilson share", f"Kaggle {r['year']} {r['framework']} (n={n:,})", (lo <= p) & (p <= hi),
                         k / n - p, hi - lo, "share"))
    for _, r in within.iterrows():
        n = int(r["n_answered"])
        cells = np.array([r["n_both"], r["n_tensorflow_only"], r["n_pytorch_only"]], float)
        probs = np.r_[cells, n - cells.sum()] / n
        true = probs[1] - probs[2]
        hits, errors, widths = [], [], []
        for b, a, c, d in rng.multinomial(n, probs, n_sim):
            t = proportions.paired_counts(int(b), int(a), int(c), int(d))
            hits.append(t["diff_low"] <= true <= t["diff_high"])  # proportions.paired_counts' own names
            errors.append(t["diff"] - true)
            widths.append(t["diff_high"] - t["diff_low"])
        rows.append(cell("McNemar paired difference", f"Kaggle {r['year']} (n={n:,})", hits, errors, widths,
                         "share points (fraction)"))
    for fw in ("tensorflow", "pytorch"):
        s = shares[shares["framework"] == fw].sort_values("year")
        for (_, a), (_, b) in zip(s.iloc[:-1].iterrows(), s.iloc[1:].iterrows(), strict=True):
            n1, p1, n2, p2 = int(a["n_answered"]), a["answered_share"], int(b["n_answered"]), b["answered_share"]
            k1, k2 = rng.binomial(n1, p1, n_sim), rng.binomial(n2, p2, n_sim)
            lo, hi = confint_proportions_2indep(k2, n2, k1, n1, method="newcomb")
            true = p2 - p1
            rows.append(cell("Newcombe shift", f"Kaggle {a['year']}->{b['year']} {fw}", (lo <= true) & (true <= hi),
                             k2 / n2 - k1 / n1 - true, hi - lo, "share points (fraction)"))
    rw = surveys.reweighted(resp)
    mix = surveys.reference_mix(resp)
    for year in sorted(rw["year"].unique()):
        g = surveys.population(resp, int(year))
        country_only = year in surveys.ROLE_CODED_DIFFERENTLY
        cells = g["country_group"] if country_only else g["country_group"] + " | " + g["role_group"]
        weights = mix.groupby(level=0).sum() if country_only else pd.Series(
            mix.to_numpy(), index=[f"{c} | {r}" for c, r in mix.index])
        flags = g["fw_pytorch"].fillna(False).astype(float)
        stat = pd.DataFrame({"y": flags.to_numpy(), "c": cells.to_numpy()}).groupby("c")["y"].agg(["mean", "size"])
        w = weights.reindex(stat.index).fillna(0.0)
        w = w / w.sum()
        true = float((w * stat["mean"]).sum())
        hits, errors, widths = [], [], []
        sim_cells = pd.Series(np.repeat(stat.index.to_numpy(), stat["size"].to_numpy()))
        for _ in range(n_sim):
            k = rng.binomial(stat["size"].to_numpy(), stat["mean"].to_numpy())
            sim_flags = pd.Series(np.concatenate([np.r_[np.ones(a), np.zeros(n - a)] for a, n in
                                                  zip(k, stat["size"], strict=True)]))
            t = proportions.poststratified_share(sim_flags, sim_cells, weights)
            hits.append(t["low"] <= true <= t["high"])
            errors.append(t["share"] - true)
            widths.append(t["high"] - t["low"])
        rows.append(cell("post-stratified share", f"Kaggle {year} pytorch", hits, errors, widths, "share"))
    return pd.DataFrame(rows)


def yearly_signal_study(yearly: pd.DataFrame, n_sim: int, seed: int = sm.SEED) -> pd.DataFrame:
    """Wilson intervals of the yearly signals (Kaggle exclusive users, conference papers) at their real sizes and
    shares (moved half a count away from 0 and 1)."""
    rng = np.random.default_rng(seed)
    rows = []
    for _, r in yearly.iterrows():
        n = int(r["named"])
        p = (float(r["pytorch"]) + 0.5) / (n + 1)  # the real share, half a count from 0 and 1 (a share of exactly 0
        # or 1 makes every replicate the same and the estimator's error degenerate)
        k = rng.binomial(n, p, n_sim)
        lo, hi = proportion_confint(k, n, method="wilson")
        rows.append(cell("Wilson share (yearly signal)", f"{r['year']} (n={n:,})", (lo <= p) & (p <= hi), k / n - p,
                         hi - lo, "share", r["signal_id"]))
    return pd.DataFrame(rows)


def study(results: dict, shares: pd.DataFrame, within: pd.DataFrame, resp: pd.DataFrame, yearly: pd.DataFrame,
          n_sim: int, n_sim_surveys: int | None = None, workers: int | None = None) -> pd.DataFrame:
    """The whole study: `n_sim` replicates per monthly signal and scenario, more for the cheap survey checks."""
    n_surveys = n_sim_surveys or max(n_sim, 1000)
    parts = [monthly_study(results, n_sim, workers=workers),
             survey_study(shares, within, resp, min(n_surveys, max(n_sim, 200))),
             yearly_signal_study(yearly, n_surveys)]
    out = pd.concat(parts, ignore_index=True)
    out["width_ratio"] = out["width"] / out["oracle_width"]
    cols = ["method", "scenario", "signal_id", "nominal_share", "coverage_share", "mc_se", "n_sim", "bias", "width",
            "oracle_width", "width_ratio", "unit", "year"]
    return add_labels(out[cols])


def shortfalls(table: pd.DataFrame, target: float = TARGET, width_max: float = WIDTH_MAX) -> pd.DataFrame:
    """The cells that fail the pass mark: coverage below `target` as measured, or an interval more than
    `width_max` times its oracle width (an interval that covers because it says nothing)."""
    return table[(table["coverage_share"] < target) | (table["width_ratio"] > width_max)].reset_index(drop=True)


def chance_undercover(table: pd.DataFrame, nominal: float = NOMINAL, target: float = TARGET) -> float:
    """How many cells would measure below `target` by Monte Carlo chance alone if every interval covered exactly
    `nominal`: the sum over cells of P(Binomial(n_sim, nominal) / n_sim < target)."""
    from scipy.stats import binom
    n = table["n_sim"].to_numpy()
    return float(binom.cdf(np.ceil(target * n) - 1, n, nominal).sum())


def verdict(table: pd.DataFrame) -> dict:
    """The pass mark over the whole table: cells below TARGET (and how many a true 95% interval would give by chance
    at these replicate counts), cells over WIDTH_MAX, the median width ratio."""
    median = float(table["width_ratio"].median())
    return {"cells": len(table), "undercover": int((table["coverage_share"] < TARGET).sum()),
            "undercover_by_chance": chance_undercover(table),
            "too_wide": int((table["width_ratio"] > WIDTH_MAX).sum()), "median_width_ratio": median,
            "passes": bool((table["coverage_share"] >= TARGET).all() and (table["width_ratio"] <= WIDTH_MAX).all()
                           and median <= WIDTH_MEDIAN)}


def build(n_sim: int = 50) -> dict[str, pd.DataFrame]:
    """Step 25_calibration: the coverage study on the project's own fitted models and surveys."""
    from ..chain import io
    from . import signal_results as sr
    ms = io.read_table("monthly_signals")
    results = sr.fit_all(ms)
    yearly = sr.yearly_shares(io.read_table("kaggle_respondents"), io.read_table("conference_papers"))
    within = io.read_table("survey_within_year")
    table = study(results, io.read_table("kaggle_framework_shares"), within[within["survey"] == "kaggle"],
                  io.read_table("kaggle_respondents"), yearly, n_sim)
    return {"calibration": table}
