"""The coverage study: every interval the reports print, checked by simulation (`make calibrate`, step 25).

Monthly signals. For each signal, series are simulated from its own fitted model: the fitted smooth trend, AR(1)
deviations at the signal's fitted persistence and variance, month-specific irregulars, its documented breaks at
their fitted sizes, and binomial counts at the signal's real monthly totals. Scenarios:
- `fitted`: as fitted;
- `level break`: the same plus a break the model is told about — a level shift of +0.3 on the logit scale (about
  7 share points at 40%) from the middle month on.
Each simulated series is re-fitted from scratch (hyperparameters included) and every interval is computed exactly
as the reports compute it; coverage is the share of replicates whose interval contains the simulated truth:
the year share (the latent share's mean over a calendar year), the crossover month (12-month rule on the
persistent share; "not yet" counts as a value), the onset of the rise (hinge of the latent share; over the
replicates where an onset interval is printed, so `n_sim` counts those) and the
within-year change. `bias` is the mean point estimate minus the truth.

Surveys. Wilson intervals (Kaggle shares, the yearly signals), the paired McNemar difference, Newcombe intervals of
year-over-year shifts and the post-stratified shares are simulated at each year's real sample sizes and shares.

Monte Carlo error: mc_se = sqrt(coverage (1 - coverage) / n_sim).
"""
from __future__ import annotations

import os
import zlib
from concurrent.futures import ProcessPoolExecutor

import numpy as np
import pandas as pd
from statsmodels.stats.proportion import confint_proportions_2indep, proportion_confint

from . import share_model as sm

NOMINAL = 0.95
SCENARIOS = ("fitted", "level break")
BREAK_EFFECT = 0.3
CALIBRATION_DRAWS = 1000  # posterior paths per replicate (the reports use share_model.N_DRAWS) ...
CALIBRATION_HYPER_SETS = 9  # ... over this many hyperparameter vectors (the reports: share_model.HYPER_SETS)


def _seed(*parts) -> int:
    return zlib.crc32("|".join(map(str, parts)).encode())


def _year(series: sm.Series) -> int | None:
    """The calendar year the year-share and within-year checks use: 2021 if complete, else the middle full year."""
    full = [y for y in sorted({int(m[:4]) for m in series.months})
            if sum(m.startswith(str(y)) for m in series.months) == 12]
    if not full:
        return None
    return 2021 if 2021 in full else full[len(full) // 2]


def simulate(result, scenario: str, rng: np.random.Generator) -> tuple[sm.Series, dict]:
    """A series like `result`'s (same months, totals, breaks) from its fitted model, and the simulated truth."""
    series, f = result.series, result.fit
    s2_slope, phi, s2_ar, s2_irr = f.params
    post = sm.posterior(f)
    trend = post.A_trend @ post.mean
    delta = post.A_break @ post.mean
    T = len(series.months)
    c = np.empty(T)
    c[0] = rng.normal(0, np.sqrt(s2_ar / (1 - phi**2)))
    for t in range(1, T):
        c[t] = phi * c[t - 1] + rng.normal(0, np.sqrt(s2_ar))
    eta = trend + c + rng.normal(0, np.sqrt(s2_irr), T)
    D, brks = series.D, list(series.breaks)
    if scenario == "level break":
        extra = (np.arange(T) >= T // 2).astype(float)[:, None]
        D, delta = np.hstack([D, extra]), np.r_[delta, BREAK_EFFECT]
        brks = [*brks, None]
    p = sm.logistic(eta + D @ delta)
    if series.counts:
        n = series.total.astype(int)
        pt = rng.binomial(n, p).astype(float)
    else:  # an index: the share in whole points of the series' own scale
        n = series.total
        pt = np.round(p * n)
    sim = sm.Series(series.signal, series.months, pt, np.asarray(n, float), series.counts, brks, D)
    return sim, {"eta": eta, "persistent": trend + c}


def replicate(result, scenario: str, rng: np.random.Generator, year: int | None) -> dict:
    """One simulated series, re-fitted and summarised exactly as the reports do: for each interval, whether it
    contains the simulated truth, the point estimate's error and the interval's width."""
    from .trend_tests import hinge_batch
    sim, truth = simulate(result, scenario, rng)
    f = sm.fit(sim, start=result.fit.params)
    summary = sm.summarise(f, n=CALIBRATION_DRAWS, seed=int(rng.integers(2**31)), hyper_sets=CALIBRATION_HYPER_SETS)
    out = {}
    if year is not None:
        idx = sm.year_months(sim.months)[year]
        true = sm.logistic(truth["eta"])[None, :]
        for method, est, value in (("year share", summary.years[year], sm.year_values(true, idx)[0]),
                                   ("within-year change", summary.changes[year], sm.change_values(true, idx)[0])):
            point = est["share"] if method == "year share" else est["change"]
            out[method] = (est["low"] <= value <= est["high"], point - value, est["high"] - est["low"])
    T = len(sim.months)
    pos = {m: i for i, m in enumerate(sim.months)}
    true_k = int(sm.first_run(truth["persistent"][None, :])[0])
    c = summary.crossover
    lo = pos[c["crossover_low"]] if c["crossover_low"] else T
    hi = pos[c["crossover_high"]] if c["crossover_high"] else T
    out["crossover month"] = (lo <= true_k <= hi, float(np.median(c["distribution"]) - true_k), float(hi - lo))
    o = summary.onset
    if o.get("onset"):  # an interval is printed only when most paths accelerate; coverage is over those replicates
        window = [pos[m] for m in o["window"]]
        true_tau = int(hinge_batch(truth["eta"][window][None, :], margin=sm.ONSET_MARGIN, accelerating=True)[0])
        n = len(window)  # "no acceleration" counts as the value after the window, on both sides
        true_tau = true_tau if true_tau >= 0 else n
        lo = o["window"].index(o["onset_low"]) if o["onset_low"] else n
        hi = o["window"].index(o["onset_high"]) if o["onset_high"] else n
        paths = np.where(o["distribution"] >= 0, o["distribution"], n)
        out["onset of the rise"] = (lo <= true_tau <= hi, float(np.median(paths) - true_tau), float(hi - lo))
    return out


def _signal_job(args) -> list[dict]:
    result, scenario, n_sim, seed = args
    rng = np.random.default_rng(seed)
    year = _year(result.series)
    reps = [replicate(result, scenario, rng, year) for _ in range(n_sim)]
    rows = []
    units = {"year share": "share", "within-year change": "share points", "crossover month": "months",
             "onset of the rise": "months"}
    for method, unit in units.items():
        got = [r[method] for r in reps if method in r]
        if not got:
            continue
        cover = np.array([g[0] for g in got], dtype=float)
        rows.append({"method": method, "scenario": scenario, "signal": result.signal.name, "nominal": NOMINAL,
                     "coverage": cover.mean(), "mc_se": float(np.sqrt(cover.mean() * (1 - cover.mean()) / len(got))),
                     "n_sim": len(got), "bias": float(np.mean([g[1] for g in got])),
                     "mean_width": float(np.mean([g[2] for g in got])), "unit": unit,
                     "year": year if method in ("year share", "within-year change") else np.nan})
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

def _coverage_rows(method: str, scenario: str, hits: np.ndarray, bias: float = np.nan, width: float = np.nan,
                   signal: str = "") -> dict:
    c = float(np.mean(hits))
    return {"method": method, "scenario": scenario, "signal": signal, "nominal": NOMINAL, "coverage": c,
            "mc_se": float(np.sqrt(c * (1 - c) / len(hits))), "n_sim": len(hits), "bias": bias, "mean_width": width,
            "unit": "share", "year": np.nan}


def survey_study(shares: pd.DataFrame, within: pd.DataFrame, resp: pd.DataFrame, n_sim: int,
                 seed: int = sm.SEED) -> pd.DataFrame:
    """Wilson, McNemar, Newcombe and post-stratified intervals at the Kaggle survey's real sizes and shares."""
    from . import proportions, surveys
    rng = np.random.default_rng(seed)
    rows = []
    main = shares[shares["framework"].isin(["tensorflow", "pytorch"])]
    for _, r in main.iterrows():
        n, p = int(r["n_answered"]), float(r["pct_answered"])
        k = rng.binomial(n, p, n_sim)
        lo, hi = proportion_confint(k, n, method="wilson")
        rows.append(_coverage_rows("Wilson share", f"Kaggle {r['year']} {r['framework']} (n={n:,})",
                                   (lo <= p) & (p <= hi), float(np.mean(k / n - p)), float(np.mean(hi - lo))))
    for _, r in within.iterrows():
        n = int(r["n"])
        cells = np.array([r["both"], r["tensorflow_only"], r["pytorch_only"]], float)
        probs = np.r_[cells, n - cells.sum()] / n
        true = probs[1] - probs[2]
        sims = rng.multinomial(n, probs, n_sim)
        hits, widths = [], []
        for b, a, c, d in sims:
            t = proportions.paired_counts(int(b), int(a), int(c), int(d))
            hits.append(t["diff_low"] <= true <= t["diff_high"])
            widths.append(t["diff_high"] - t["diff_low"])
        rows.append(_coverage_rows("McNemar paired difference", f"Kaggle {r['year']} (n={n:,})", np.array(hits),
                                   width=float(np.mean(widths))))
    for fw in ("tensorflow", "pytorch"):
        s = shares[shares["framework"] == fw].sort_values("year")
        for (_, a), (_, b) in zip(s.iloc[:-1].iterrows(), s.iloc[1:].iterrows(), strict=True):
            n1, p1, n2, p2 = int(a["n_answered"]), a["pct_answered"], int(b["n_answered"]), b["pct_answered"]
            k1, k2 = rng.binomial(n1, p1, n_sim), rng.binomial(n2, p2, n_sim)
            lo, hi = confint_proportions_2indep(k2, n2, k1, n1, method="newcomb")
            true = p2 - p1
            rows.append(_coverage_rows("Newcombe shift", f"Kaggle {a['year']}->{b['year']} {fw}",
                                       (lo <= true) & (true <= hi), width=float(np.mean(hi - lo))))
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
        hits = []
        for _ in range(n_sim):
            k = rng.binomial(stat["size"].to_numpy(), stat["mean"].to_numpy())
            sim_flags = pd.Series(np.concatenate([np.r_[np.ones(a), np.zeros(n - a)] for a, n in
                                                  zip(k, stat["size"], strict=True)]))
            sim_cells = pd.Series(np.repeat(stat.index.to_numpy(), stat["size"].to_numpy()))
            t = proportions.poststratified_share(sim_flags, sim_cells, weights)
            hits.append(t["low"] <= true <= t["high"])
        rows.append(_coverage_rows("post-stratified share", f"Kaggle {year} pytorch", np.array(hits)))
    return pd.DataFrame(rows)


def yearly_signal_study(yearly: pd.DataFrame, n_sim: int, seed: int = sm.SEED) -> pd.DataFrame:
    """Wilson intervals of the yearly signals (Kaggle exclusive users, conference papers) at their real sizes."""
    rng = np.random.default_rng(seed)
    rows = []
    for _, r in yearly.iterrows():
        n, p = int(r["named"]), float(r["pytorch_share"])
        k = rng.binomial(n, p, n_sim)
        lo, hi = proportion_confint(k, n, method="wilson")
        rows.append(_coverage_rows("Wilson share (yearly signal)", f"{r['year']} (n={n:,})", (lo <= p) & (p <= hi),
                                   float(np.mean(k / n - p)), float(np.mean(hi - lo)), signal=r["signal"]))
    return pd.DataFrame(rows)


def study(results: dict, shares: pd.DataFrame, within: pd.DataFrame, resp: pd.DataFrame, yearly: pd.DataFrame,
          n_sim: int, n_sim_surveys: int | None = None, workers: int | None = None) -> pd.DataFrame:
    """The whole study: `n_sim` replicates per monthly signal and scenario, more for the cheap survey checks."""
    n_surveys = n_sim_surveys or max(n_sim, 1000)
    parts = [monthly_study(results, n_sim, workers=workers),
             survey_study(shares, within, resp, min(n_surveys, max(n_sim, 200))),
             yearly_signal_study(yearly, n_surveys)]
    cols = ["method", "scenario", "signal", "nominal", "coverage", "mc_se", "n_sim", "bias", "mean_width", "unit", "year"]
    return pd.concat(parts, ignore_index=True)[cols]


TARGET = 0.90  # every nominal 95% interval should cover at least this often


def shortfalls(table: pd.DataFrame, target: float = TARGET) -> pd.DataFrame:
    """Intervals whose coverage is below `target` by more than two Monte Carlo errors: read them as narrower than
    their nominal 95% (roughly as `coverage` intervals)."""
    return table[table["coverage"] + 2 * table["mc_se"] < target].reset_index(drop=True)


def build(n_sim: int = 200) -> dict[str, pd.DataFrame]:
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
