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

from ..registry.crossover import PRIMARY, RULES, VARIANT
from ..registry.sources import Break
from . import crossover, trend_tests
from . import share_model as sm

NOMINAL = 0.95
SCENARIOS = ("fitted", "level break", "overdispersed", "s-curve", "seasonal", "undocumented break", "slow rise")
LEVEL_SCENARIO = "no trend"   # trend-free series under the signal's own fitted noise: the trend tests' level
BREAK_EFFECT = 0.3       # the scenario breaks' shift (logit)
DISPERSION_CV = 0.2      # `overdispersed`: the coefficient of variation of each framework's monthly rate
SEASONAL_AMPLITUDE = 0.15  # `seasonal`: the yearly cycle's amplitude (logit)
SLOW_RISE = 0.0125       # `slow rise`: the logit's rise per month ...
SLOW_RISE_AHEAD = 36     # ... crossing 50% this many months before the data end (then a few points above 50%)
CALIBRATION_DRAWS = 1000  # posterior paths per replicate (the reports use share_model.N_DRAWS) ...
CALIBRATION_HYPER_SETS = 8  # ... over this many hyperparameter vectors (the reports: share_model.HYPER_SETS) ...
CALIBRATION_GRID_STEP = 1.5  # ... picked from a coarser grid (the reports: share_model.GRID_STEP)
LEVEL_NULL = 1000 if sm.N_DRAWS >= 32_000 else 200  # trend-free series behind each p-value in the level study (the
                                                   # reports: N_NULL); fewer in a quick look (PTVTF_DRAWS, the tests)
TARGET = 0.90          # every nominal 95% interval covers at least this often, as measured
WIDTH_MEDIAN = 1.5     # width / oracle width: at most this in the median over cells ...
WIDTH_MAX = 2.5        # ... and at most this in every cell
MAX_LEVEL = 0.07       # a 5% trend test rejects at most this share of trend-free series
CROSSOVER_METHODS = {PRIMARY: f"crossover month ({RULES[PRIMARY].label})",
                     VARIANT: f"crossover month ({RULES[VARIANT].label})"}
UNITS = {"year share": "share", "within-year change": "share points (fraction)",
         **{m: "months" for m in CROSSOVER_METHODS.values()}, "onset of the rise": "months"}
LEVEL_METHODS = {"whole series": "Mann-Kendall trend test, whole series (5% level)",
                 "within a year": "Mann-Kendall trend test, within a year (5% level)"}


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
    midpoint in the middle of the series and its width a sixth of it (logit of the share in every calendar month)."""
    C, obs = series.n_calendar, series.observed
    a, b = float(np.mean(obs[:12])), float(np.mean(obs[-12:]))
    t = np.arange(C)
    share = a + (b - a) / (1 + np.exp(-(t - C / 2) / max(C / 6, 1)))
    share = np.clip(share, 0.005, 0.995)
    return np.log(share / (1 - share))


def simulate(result, scenario: str, rng: np.random.Generator) -> tuple[sm.Series, dict]:
    """A series like `result`'s (same months, monthly totals, told breaks) in `scenario`, and the simulated truth on
    every calendar month (a month without data goes on unobserved, as in the model): `theta` and `theta_calendar`
    (logit of the share as counted each month, in the observed months and in every month), `adjusted` and
    `adjusted_calendar` (theta on the newest counting rules of the told breaks) and `underlying` (the scenario's
    smooth curve in every month, without month-to-month variation: its crossing of 50% is what the crossover rules
    are also scored against)."""
    series, f = result.series, result.fit
    s2_slope, phi, s2_ar, s2_irr = f.params
    post = sm.posterior(f)
    trend = post.A_trend @ post.mean
    calendar = crossover.labels(series.months)
    C, obs = len(calendar), series.cal
    D, brks = series.D_calendar, list(series.breaks)
    prior_mean, prior_sd = series.prior_mean, series.prior_sd
    delta = rng.normal(prior_mean, prior_sd) if D.shape[1] else np.zeros(0)
    extra = (np.arange(C) >= C // 2).astype(float)
    c = _ar1(C, phi, s2_ar, rng)
    noise = rng.normal(0, np.sqrt(s2_irr), C)
    underlying = trend
    smooth = trend + c
    if scenario == "s-curve":
        smooth = underlying = _s_curve(series)
        noise = np.zeros(C)
    elif scenario == "slow rise":
        underlying = SLOW_RISE * (np.arange(C) - (C - SLOW_RISE_AHEAD))
        smooth = underlying + c
    elif scenario == LEVEL_SCENARIO:
        smooth = underlying = np.full(C, float(np.mean(f.y))) + c
    elif scenario == "seasonal":
        smooth = smooth + SEASONAL_AMPLITUDE * np.sin(2 * np.pi * np.array([int(m[5:]) for m in calendar]) / 12)
    elif scenario == "undocumented break":
        smooth = smooth + BREAK_EFFECT * extra
        underlying = underlying + BREAK_EFFECT * extra
    elif scenario == "level break":
        D, delta = np.column_stack([D, extra]), np.r_[delta, BREAK_EFFECT]
        brks = [*brks, Break(series.signal.source, calendar[C // 2], "simulated", prior_sd=BREAK_EFFECT)]
        prior_mean, prior_sd = np.r_[prior_mean, 0.0], np.r_[prior_sd, BREAK_EFFECT]
    elif scenario == "overdispersed":
        noise = np.zeros(C)
    elif scenario != "fitted":
        raise ValueError(f"unknown scenario {scenario!r}")
    shifts = D @ delta
    smooth = smooth + shifts
    underlying = underlying + shifts
    theta = smooth + noise
    keep = np.ones(len(obs), bool)
    if scenario == "overdispersed" and series.counts:
        p = sm.logistic(theta[obs])
        k = 1 / DISPERSION_CV**2
        rate_pt = series.total * p * rng.gamma(k, 1 / k, len(obs))
        rate_tf = series.total * (1 - p) * rng.gamma(k, 1 / k, len(obs))
        theta[obs] = np.log(rate_pt / rate_tf)  # the realised rates: the share as counted, without counting noise
        pt = rng.poisson(rate_pt).astype(float)
        n = pt + rng.poisson(rate_tf)
        keep = n > 0  # a month with nothing counted has no share (the reports drop it too)
        pt, n = pt[keep], n[keep]
    else:
        p = sm.logistic(theta[obs])
        if series.counts:
            n = series.total.astype(int)
            pt = rng.binomial(n, p).astype(float)
        else:  # an index: the share in whole points of the series' own scale
            n = series.total
            pt = np.round(p * n)
    adjusted = theta - shifts + (D[-1] @ delta if D.shape[1] else 0.0)
    kept = obs[keep]
    span = slice(int(kept[0]), int(kept[-1]) + 1)  # the simulated series' own calendar (its first to last month kept)
    sim = sm.Series(series.signal, [calendar[i] for i in kept], pt, np.asarray(n, float), series.counts, brks,
                    D[kept], prior_mean=prior_mean, prior_sd=prior_sd, D_calendar=D[span])
    return sim, {"theta": theta[kept], "adjusted": adjusted[kept], "theta_calendar": theta[span],
                 "adjusted_calendar": adjusted[span], "underlying": underlying[span]}


MODEL_SCENARIOS = ("fitted", "level break")  # generated by the model itself: the Bayes oracle exists


def months_held(lo: int, hi: int) -> float:
    """The width of a month-valued interval: the months (positions) it holds."""
    return float(hi - lo + 1)


def bayes_width(positions: np.ndarray) -> float:
    """The months the shortest interval holding 95% of posterior positions holds (the Bayes oracle's width)."""
    a, b = shortest_cover(positions)
    return months_held(a, b)


def replicate(result, scenario: str, rng: np.random.Generator, year: int | None) -> dict:
    """One simulated series, re-fitted (from the default start) and summarised as the reports do: for each
    interval a dict of `hit` (does it contain the truth), `error` (point estimate minus truth), `width`; for a
    crossover rule also `underlying` (does it contain the underlying curve's crossing); for a month-valued interval
    in a scenario the model generated, `oracle`: the width of the shortest 95% posterior interval at the generating
    hyperparameters (the Bayes oracle: no interval with 95% coverage given the data is narrower)."""
    from .trend_tests import hinge_batch
    sim, truth = simulate(result, scenario, rng)
    f = sm.fit(sim)
    seed = int(rng.integers(2**31))
    summary = sm.summarise(f, n=CALIBRATION_DRAWS, seed=seed, hyper_sets=CALIBRATION_HYPER_SETS,
                           grid_step=CALIBRATION_GRID_STEP, monthly=False)
    oracle = (sm.Posterior(f.y, f.h, sim, result.fit.params).draws(CALIBRATION_DRAWS, seed=seed + 1)
              if scenario in MODEL_SCENARIOS else None)
    out = {}
    true = sm.logistic(truth["theta"])[None, :]
    if year is not None:
        idx = sm.year_months(sim.months).get(year, [])
        change_idx = sm.change_months(sim.months).get(year, [])
        adjusted = sm.logistic(truth["adjusted"])[None, :]
        if len(idx) >= 3:
            est = summary.years[year]
            value = sm.year_values(true, idx, sim.total)[0]
            out["year share"] = {"hit": est["low"] <= value <= est["high"], "error": est["share"] - value,
                                 "width": est["high"] - est["low"]}
        if len(change_idx) >= 3:
            est = summary.changes[year]
            value = sm.change_values(adjusted if sm.spans_break(sim, change_idx) else true, change_idx,
                                     sim.cal[change_idx])[0]
            out["within-year change"] = {"hit": est["low"] <= value <= est["high"], "error": est["change"] - value,
                                         "width": est["high"] - est["low"]}
    every = np.arange(sim.n_calendar)
    underlying = crossover.underlying_crossing(sm.logistic(truth["underlying"])[None, :], every).position()[0]
    for rule, method in CROSSOVER_METHODS.items():
        c = summary.crossovers[rule]
        true_pos = sm.RULES[rule](sm.logistic(truth["theta_calendar"])[None, :], sim).position()[0]
        lo, hi = c["low_position"], c["high_position"]
        out[method] = {"hit": lo <= true_pos <= hi, "error": float(np.median(c["distribution"]) - true_pos),
                       "width": months_held(lo, hi), "underlying": lo <= underlying <= hi}
        if oracle is not None:
            out[method]["oracle"] = bayes_width(sm.RULES[rule](sm.logistic(oracle["theta_calendar"]), sim).position())
    o = summary.onset
    if o.get("onset"):  # an interval is printed only when most paths accelerate; coverage is over those replicates
        pos = {m: i for i, m in enumerate(crossover.labels(sim.months))}
        window = [pos[m] for m in o["window"]]
        n = len(window)  # "no acceleration" counts as the value after the window, on both sides

        def hinges(adjusted_logit: np.ndarray) -> np.ndarray:
            tau = hinge_batch(sm.logistic(adjusted_logit[:, window]), margin=sm.ONSET_MARGIN, accelerating=True)
            return np.where(tau >= 0, tau, n)

        true_tau = int(hinges(truth["adjusted_calendar"][None, :])[0])
        lo = o["window"].index(o["onset_low"]) if o["onset_low"] else n
        hi = o["window"].index(o["onset_high"]) if o["onset_high"] else n
        paths = np.where(o["distribution"] >= 0, o["distribution"], n)
        out["onset of the rise"] = {"hit": lo <= true_tau <= hi, "error": float(np.median(paths) - true_tau),
                                    "width": months_held(lo, hi)}
        if oracle is not None:
            out["onset of the rise"]["oracle"] = bayes_width(hinges(oracle["adjusted_calendar"]))
    return out


def shortest_cover(errors: np.ndarray, share: float = NOMINAL) -> tuple[float, float]:
    """The shortest interval [a, b] holding at least `share` of `errors` (sorted order statistics)."""
    e = np.sort(np.asarray(errors, float))
    k = int(np.ceil(share * len(e)))
    if not len(e) or k < 1:
        return np.nan, np.nan
    widths = e[k - 1:] - e[:len(e) - k + 1]
    i = int(np.argmin(widths))
    return float(e[i]), float(e[i + k - 1])


def cell(method: str, scenario: str, hits, errors, widths, unit: str, signal: str | None = None, year=np.nan,
         underlying=None, oracles=None) -> dict:
    """One row of the study: coverage with its Monte Carlo error, bias, median width and the oracle width.

    Month-valued intervals (a set of months: width = the months it holds) in a scenario the model generated get the
    Bayes oracle (`oracles`, per replicate): the median width of the shortest interval holding 95% of the posterior
    at the generating hyperparameters, which no interval covering 95% given the data can undercut. Elsewhere a
    month's oracle is the fewest months an interval at a fixed offset from the point estimate must hold to contain
    95% of the truths (a bound for intervals placed by the estimate only; an adaptive interval may be narrower), and
    a share's the central 95% of the estimator's errors. A month cell whose every replicate is one month and exact
    is flagged `is_exact` (a near-census count: nothing to calibrate)."""
    hits, errors, widths = (np.asarray(x, float) for x in (hits, errors, widths))
    c = float(hits.mean())
    if unit == "months" and oracles is not None:
        oracle, kind = float(np.median(oracles)), "bayes"
    elif unit == "months":
        a, b = shortest_cover(errors)
        oracle, kind = months_held(a, b), "fixed offset"
    else:
        lo, hi = np.quantile(errors, [0.025, 0.975]) if len(errors) else (np.nan, np.nan)
        oracle, kind = float(hi - lo), "central errors"
    exact = bool(unit == "months" and len(errors) and (errors == 0).all() and (widths == 1).all())
    return {"method": method, "scenario": scenario, "signal_id": signal, "nominal_share": NOMINAL, "coverage_share": c,
            "mc_se": float(np.sqrt(c * (1 - c) / len(hits))), "n_sim": len(hits), "bias": float(np.mean(errors)),
            "width": float(np.median(widths)), "oracle_width": oracle, "oracle_kind": kind, "unit": unit, "year": year,
            "underlying_coverage_share": float(np.mean(underlying)) if underlying is not None else np.nan,
            "is_exact": exact}


def _signal_job(args) -> list[dict]:
    result, scenario, n_sim, seed = args
    rng = np.random.default_rng(seed)
    year = _year(result.series)
    reps = [replicate(result, scenario, rng, year) for _ in range(n_sim)]
    rows = []
    for method, unit in UNITS.items():
        got = [r[method] for r in reps if method in r]
        if got:
            col = {key: [g[key] for g in got] for key in got[0]}
            rows.append(cell(method, scenario, col["hit"], col["error"], col["width"], unit, result.signal.id,
                             year if method in ("year share", "within-year change") else np.nan,
                             underlying=col.get("underlying"), oracles=col.get("oracle")))
    return rows


def _level_job(args) -> list[dict]:
    """The trend tests' level under one signal's own fitted noise: trend-free series simulated from it, each
    re-fitted and tested exactly as the reports test (whole series, and the middle full year)."""
    result, n_sim, seed = args
    rng = np.random.default_rng(seed)
    year = _year(result.series)
    whole, within = [], []
    for i in range(n_sim):
        sim, _ = simulate(result, LEVEL_SCENARIO, rng)
        p = trend_tests.mann_kendall(sim.observed, sm.trend_free_series(sim, LEVEL_NULL, seed + i))["p_value"]
        whole.append(p >= trend_tests.ALPHA)
        idx = sm.change_months(sim.months).get(year, []) if year else []
        if len(idx) >= 6:
            f = sm.fit(sim)
            q = trend_tests.mann_kendall(sim.observed[idx], sm.trend_free(f, idx, LEVEL_NULL, seed + i))["p_value"]
            within.append(q >= trend_tests.ALPHA)
    rows = []
    for key, accepted in (("whole series", whole), ("within a year", within)):
        if accepted:
            acc = np.asarray(accepted, float)
            rows.append(cell(LEVEL_METHODS[key], LEVEL_SCENARIO, acc, np.zeros(len(acc)), np.full(len(acc), np.nan),
                             "test", result.signal.id, year if key == "within a year" else np.nan)
                        | {"oracle_width": np.nan, "width": np.nan, "bias": np.nan, "oracle_kind": ""})
    return rows


def monthly_study(results: dict, n_sim: int, scenarios=SCENARIOS, workers: int | None = None,
                  n_level: int | None = None, contests: dict | None = None) -> pd.DataFrame:
    """The model's intervals for every monthly signal and scenario, the trend tests' level (`n_level`
    trend-free replicates per signal, default 4 x `n_sim`) and the three-way model's (`contests`: `n_sim`
    replicates per contest and scenario); one process per job when `workers` > 1."""
    jobs = [(_signal_job, (r, sc, n_sim, _seed(name, sc))) for name, r in results.items() for sc in scenarios]
    jobs += [(_level_job, (r, n_level or 4 * n_sim, _seed(name, LEVEL_SCENARIO))) for name, r in results.items()]
    jobs += contest_study(contests or {}, n_sim)
    workers = workers or min(len(jobs), os.cpu_count() or 1)
    if workers > 1:
        with ProcessPoolExecutor(max_workers=workers) as pool:
            rows = [row for part in pool.map(_run, jobs) for row in part]
    else:
        rows = [row for job in jobs for row in _run(job)]
    return pd.DataFrame(rows)


# --- three contenders ----------------------------------------------------------------------------------------

THREE_WAY_SCENARIOS = ("fitted", "s-curve", "undocumented break")
THREE_WAY_DRAWS = 2000      # joint paths per replicate (the reports: contenders.N_DRAWS)
THREE_WAY_METHOD = "three-way year share"
LEADER_METHOD = "three-way leader (95% set by P(led))"


def simulate_contest(c, scenario: str, rng: np.random.Generator):
    """A contest like `c` (same months, same counts of all contenders together) in `scenario`: each rival's
    log-ratio against TensorFlow simulated as the two-way study simulates a signal from that log-ratio's own fit
    (`simulate`), then the month's counts drawn multinomially among the contenders it counts. Returns the simulated
    contest and the true logits (rival -> its calendar)."""
    from types import SimpleNamespace

    from . import contenders as ct
    truth = {fw: simulate(SimpleNamespace(series=s, fit=c.fits[fw]), scenario, rng)[1]["theta_calendar"]
             for fw, s in c.series.items()}
    counts = c.counts.to_numpy(float)
    fws = list(c.counts.columns)
    sims = {fw: ([], [], []) for fw in c.series}  # months, rival counts, pair totals
    for g, month in enumerate(c.months):
        present = [fw for fw in fws if np.isfinite(counts[g, fws.index(fw)])]
        rivals = [fw for fw in present if fw in c.series and 0 <= g - c.offset[fw] < len(truth[fw])]
        if not rivals:
            continue
        logit = np.array([truth[fw][g - c.offset[fw]] for fw in rivals] + [0.0])
        p = np.exp(logit - logit.max())
        n = rng.multinomial(int(round(sum(counts[g, fws.index(fw)] for fw in [*rivals, ct.REFERENCE]))), p / p.sum())
        for k, fw in enumerate(rivals):
            sims[fw][0].append(month)
            sims[fw][1].append(float(n[k]))
            sims[fw][2].append(float(n[k] + n[-1]))
    series = {}
    for fw, s in c.series.items():
        months, pt, total = sims[fw]
        keep = [s.months.index(m) for m in months]
        series[fw] = sm.Series(s.signal, months, np.asarray(pt), np.asarray(total), s.counts, list(s.breaks),
                               s.D[keep], prior_mean=s.prior_mean, prior_sd=s.prior_sd, D_calendar=s.D_calendar)
    sim_counts = c.counts.copy()
    for fw, s in series.items():
        sim_counts.loc[s.months, fw] = s.pt
        sim_counts.loc[s.months, ct.REFERENCE] = s.total - s.pt
    fits = {fw: sm.fit(s) for fw, s in series.items()}
    return ct.Contest(c.signal, series, fits, c.months, c.offset, sim_counts), truth


def true_year_shares(c, truth: dict, year: int) -> dict[str, float] | None:
    """The contenders' true pooled shares in `year` (their latent counts over all of theirs, in the year's months
    that count every contender, weighted by the month's counts), or None when no month counts all of them."""
    from . import contenders as ct
    counts = c.counts.to_numpy(float)
    idx = [g for g, m in enumerate(c.months) if m.startswith(str(year)) and np.isfinite(counts[g]).all()]
    if not idx:
        return None
    theta = {fw: np.array([truth[fw][g - c.offset[fw]] for g in idx])[None, :] for fw in c.series}
    s = ct.shares_of(theta, tuple(c.counts.columns))
    w = counts[idx].sum(axis=1)
    return {fw: float(s[fw][0] @ w / w.sum()) for fw in s}


def contest_replicate(c, scenario: str, rng: np.random.Generator, year: int) -> dict:
    """One simulated contest, re-fitted and summarised as the reports do: per contender its year share's hit, error
    and width; and the 95% set of leaders (the contenders by P(led), largest first, until 95% is held): does it hold
    the true leader, its size, and the true leader's rank by P(led) (for the oracle)."""
    from . import contenders as ct
    sim, truth = simulate_contest(c, scenario, rng)
    value = true_year_shares(sim, truth, year)
    paths = ct.simulate(sim, n=THREE_WAY_DRAWS, seed=int(rng.integers(2**31)), hyper_sets=CALIBRATION_HYPER_SETS)
    rows = {r["framework"]: r for r in ct.year_rows(paths) if r["year"] == year}
    if value is None or not rows:
        return {}
    out = {fw: {"hit": r["framework_share_low"] <= value[fw] <= r["framework_share_high"],
                "error": r["framework_share"] - value[fw], "width": r["framework_share_high"] - r["framework_share_low"]}
           for fw, r in rows.items()}
    order = sorted(rows, key=lambda fw: -rows[fw]["lead_prob"])
    held = np.cumsum([rows[fw]["lead_prob"] for fw in order])
    size = int(np.searchsorted(held, NOMINAL - 1e-12) + 1)
    leader = max(value, key=value.get)
    out["leader"] = {"hit": leader in order[:size], "error": float(order.index(leader)), "width": float(size)}
    return out


def _contest_job(args) -> list[dict]:
    c, scenario, n_sim, seed, year = args
    rng = np.random.default_rng(seed)
    reps = [contest_replicate(c, scenario, rng, year) for _ in range(n_sim)]
    rows = []
    for fw in c.counts.columns:
        got = [r[fw] for r in reps if fw in r]
        if got:
            rows.append(cell(f"{THREE_WAY_METHOD}: {fw}", scenario, [g["hit"] for g in got],
                             [g["error"] for g in got], [g["width"] for g in got], "share", c.signal.id, year))
    got = [r["leader"] for r in reps if "leader" in r]
    if got:
        ranks = np.array([g["error"] for g in got])  # the true leader's rank by P(led) (0: the top)
        row = cell(LEADER_METHOD, scenario, [g["hit"] for g in got], ranks, [g["width"] for g in got], "contenders",
                   c.signal.id, year)
        # the oracle: the fewest top contenders by P(led) a fixed rule must name to hold the true leader 95% of the time
        rows.append(row | {"oracle_width": float(np.quantile(ranks, NOMINAL, method="higher") + 1),
                           "oracle_kind": "fixed rank", "bias": np.nan})
    return rows


def contest_study(contests: dict, n_sim: int) -> list[tuple]:
    """The jobs of the three-way study: every contest in THREE_WAY_SCENARIOS, scored on its last year that counts
    all contenders in at least six months."""
    jobs = []
    for sid, c in contests.items():
        counts = c.counts.to_numpy(float)
        full = [m for g, m in enumerate(c.months) if np.isfinite(counts[g]).all()]
        years = pd.Series([m[:4] for m in full]).value_counts()
        good = sorted(int(y) for y, k in years.items() if k >= 6)
        if good:
            jobs += [(_contest_job, (c, sc, n_sim, _seed(sid, sc, "three"), good[-1])) for sc in THREE_WAY_SCENARIOS]
    return jobs


def _run(job) -> list[dict]:
    fn, args = job
    return fn(args)


# --- surveys ------------------------------------------------------------------------------------------------------

def survey_study(shares: pd.DataFrame, within: pd.DataFrame, resp: pd.DataFrame, n_sim: int,
                 seed: int = sm.SEED) -> pd.DataFrame:
    """Wilson, paired Newcombe, Newcombe and post-stratified intervals at the Kaggle survey's real sizes and shares."""
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
        rows.append(cell("Newcombe paired difference", f"Kaggle {r['year']} (n={n:,})", hits, errors, widths,
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
          n_sim: int, n_sim_surveys: int | None = None, workers: int | None = None,
          contests: dict | None = None) -> pd.DataFrame:
    """The whole study: `n_sim` replicates per monthly signal and scenario, 4 x `n_sim` trend-free replicates per
    signal for the trend tests' level and per survey cell, 20 x `n_sim` for the closed-form survey intervals."""
    n_surveys = n_sim_surveys or 20 * n_sim  # the cheap closed-form intervals: 1,000 at the default 50
    parts = [monthly_study(results, n_sim, workers=workers, contests=contests),
             survey_study(shares, within, resp, 4 * n_sim),  # the paired and post-stratified ones: 200 at 50
             yearly_signal_study(yearly, n_surveys)]
    out = pd.concat(parts, ignore_index=True)
    out["is_exact"] = out["is_exact"].fillna(False).astype(bool)
    out["width_ratio"] = out["width"] / out["oracle_width"]
    cols = ["method", "scenario", "signal_id", "nominal_share", "coverage_share", "mc_se", "n_sim", "bias", "width",
            "oracle_width", "oracle_kind", "width_ratio", "unit", "year", "underlying_coverage_share", "is_exact"]
    return out[cols]


def is_test(table: pd.DataFrame) -> pd.Series:
    """The rows that measure a test's level (coverage = the share of trend-free series it does not reject)."""
    return table["unit"] == "test"


def intervals(table: pd.DataFrame) -> pd.DataFrame:
    """The informative interval cells: not a test's level, not exact by construction (a near-census month)."""
    return table[~is_test(table) & ~table["is_exact"].astype(bool)]


def sections(table: pd.DataFrame) -> dict[str, pd.DataFrame]:
    """The study split as the report shows it: the model's informative interval cells, the exact cells (listed
    apart), the crossover rules against the underlying crossing, the trend tests' level, the survey intervals."""
    three = table["method"].str.startswith(THREE_WAY_METHOD) | (table["method"] == LEADER_METHOD)
    model = table["scenario"].isin(SCENARIOS) & ~three
    exact = table["is_exact"].astype(bool)
    crossover = table["method"].isin(CROSSOVER_METHODS.values())
    return {"model": table[model & ~exact], "exact": table[exact], "crossover": table[crossover & ~exact],
            "three_way": table[three],
            "level": table[is_test(table)].assign(level_share=lambda d: 1 - d["coverage_share"]),
            "surveys": table[~model & ~three & ~is_test(table)]}


def shortfalls(table: pd.DataFrame, target: float = TARGET, width_max: float = WIDTH_MAX,
               max_level: float = MAX_LEVEL) -> pd.DataFrame:
    """The cells that fail the pass mark: an informative interval covering less than `target` as measured or more
    than `width_max` times its oracle width (an interval that covers because it says nothing), or a trend test
    rejecting more than `max_level` of trend-free series."""
    cells = intervals(table)
    bad = cells[(cells["coverage_share"] < target) | (cells["width_ratio"] > width_max)]
    tests = table[is_test(table)]
    return pd.concat([bad, tests[1 - tests["coverage_share"] > max_level]]).reset_index(drop=True)


def chance_undercover(table: pd.DataFrame, nominal: float = NOMINAL, target: float = TARGET) -> float:
    """How many cells would measure below `target` by Monte Carlo chance alone if every interval covered exactly
    `nominal`: the sum over cells of P(Binomial(n_sim, nominal) / n_sim < target)."""
    from scipy.stats import binom
    n = table["n_sim"].to_numpy()
    return float(binom.cdf(np.ceil(target * n) - 1, n, nominal).sum())


def verdict(table: pd.DataFrame) -> dict:
    """The pass mark over the informative interval cells (exact cells listed apart, never counted as coverage 1 at
    width 0): cells below TARGET (and how many a true 95% interval would give by chance at these replicate
    counts), cells over WIDTH_MAX, the median width ratio; and the trend tests' largest measured level."""
    cells = intervals(table)
    tests = table[is_test(table)]
    median = float(cells["width_ratio"].median())
    level = float((1 - tests["coverage_share"]).max()) if len(tests) else float("nan")
    return {"cells": len(cells), "exact": int(table["is_exact"].astype(bool).sum()),
            "undercover": int((cells["coverage_share"] < TARGET).sum()),
            "undercover_by_chance": chance_undercover(cells),
            "too_wide": int((cells["width_ratio"] > WIDTH_MAX).sum()), "median_width_ratio": median,
            "max_level": level, "tests": len(tests),
            "passes": bool((cells["coverage_share"] >= TARGET).all() and (cells["width_ratio"] <= WIDTH_MAX).all()
                           and median <= WIDTH_MEDIAN and not (level > MAX_LEVEL))}


def build(n_sim: int = 50) -> dict[str, pd.DataFrame]:
    """Step 25_calibration: the coverage study on the project's own fitted models and surveys."""
    from ..chain import io
    from ..registry.signals import THREE_WAY
    from . import contenders as ct
    from . import signal_results as sr
    ms = io.read_table("monthly_signals")
    results = sr.fit_all(ms)
    yearly = sr.yearly_shares(io.read_table("kaggle_respondents"), io.read_table("conference_papers"))
    within = io.read_table("survey_within_year")
    contests = {sig.id: c for sig in THREE_WAY if (c := ct.contest(ms, sig)) is not None}
    table = study(results, io.read_table("kaggle_framework_shares"), within[within["source_id"] == "kaggle_survey"],
                  io.read_table("kaggle_respondents"), yearly, n_sim, contests=contests)
    return {"calibration": table}
