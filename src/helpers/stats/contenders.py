"""The contest among K contenders: PyTorch, TensorFlow and JAX on every monthly signal that counts JAX (`Signal.jax`).

**The model.** TensorFlow is the reference; each other contender j has a log-ratio y_j = log(n_j / n_tensorflow) with
the two-way model's components (`share_model`: a smooth trend, an AR(1) deviation, a month's irregular, the source's
break shifts) and its own hyperparameters. The multinomial counting noise is the approximating Gaussian of the
two-way model for each log-ratio (its working variance), with the full covariance between them: the log-ratios
share the reference count, Cov(y_j, y_k) = 1 / n_tensorflow. Each log-ratio's hyperparameters are fitted and gridded
as the two-way model's (`share_model.fit`, `hyperparameter_sets`: PyTorch's exactly the published two-way
signal's); the vectors of the log-ratios are paired by a fixed permutation of their grid quantiles (no seed); for
each pair, paths are drawn from the joint posterior of both log-ratios' unknowns (one dense factor). A contender's
share in a month is its softmax weight; in a year, its latent count over all contenders' in the months that count
all of them (what a reader computes from the year's counts).

**What it answers.** Per signal and year: each contender's pooled share with a 95% interval, P(it led: the largest
pooled share), P(it was ahead of TensorFlow); JAX's crossover of TensorFlow by the same rules and wording as
PyTorch's (its log-ratio's paths, `crossover`). PyTorch's share of PyTorch + TensorFlow and everything two-way stay
with the two-way model (`share_model`); `consistency` compares the two on every signal-year.
"""
from __future__ import annotations

import dataclasses
from dataclasses import dataclass

import numpy as np
import pandas as pd
import scipy.linalg as sla

from ..chain import io, schemas
from ..registry.crossover import describe_record
from ..registry.signals import THREE_WAY, Signal
from . import crossover
from . import share_model as sm
from .shares import share as signal_share
from .signal_results import long_enough  # a rival's log-ratio is modelled as a two-way signal would be

REFERENCE = "tensorflow"
N_DRAWS = max(sm.N_DRAWS // 3, 1000)  # paths of the joint posterior (two log-ratios: twice the unknowns of one):
                                      # 16,666 at the published setting
PAIRING = 7        # vector i of the first log-ratio's grid quantiles goes with vector (PAIRING i + 3) mod m of the next


def rivals(sig: Signal) -> tuple[str, ...]:
    """The contenders of `sig` other than the reference, in the registry's order."""
    return tuple(f for f in sig.contenders if f != REFERENCE)


def pair(sig: Signal, framework: str) -> Signal:
    """`sig` as a two-way comparison of `framework` with TensorFlow (its items on the first side)."""
    return dataclasses.replace(sig, pytorch=sig.items_of(framework))


def coordinates(ms: pd.DataFrame, sig: Signal) -> dict[str, sm.Series]:
    """Each rival's log-ratio against TensorFlow, prepared as the two-way model prepares a signal (its breaks, from
    PyTorch's release); a rival without data is left out."""
    out = {}
    for fw in rivals(sig):
        share = signal_share(ms, pair(sig, fw))
        series = sm.prepare(share, pair(sig, fw)) if len(share) else None
        if series is not None and len(series.months) >= 2:
            out[fw] = series
    return out


@dataclass
class Contest:
    """One signal's K-way model: its log-ratios (rival -> series and fit), the months on one calendar, and each
    month's counts of every contender (NaN where a contender has none)."""
    signal: Signal
    series: dict[str, sm.Series]
    fits: dict[str, sm.Fit]
    months: list[str]             # the calendar of the joint model (every month of any log-ratio)
    offset: dict[str, int]        # each log-ratio's first month on that calendar
    counts: pd.DataFrame          # months x contenders


def contest(ms: pd.DataFrame, sig: Signal, fits: dict[str, sm.Fit] | None = None) -> Contest | None:
    """`sig`'s K-way model fitted (each log-ratio's hyperparameters; `fits` may hold some already), or None when it
    counts fewer than two rivals' months."""
    series = {fw: s for fw, s in coordinates(ms, sig).items() if long_enough(s)}
    if len(series) < 2 or "pytorch" not in series:
        return None
    fits = {fw: (fits or {}).get(fw) or sm.fit(s) for fw, s in series.items()}
    months = crossover.labels(sorted({m for s in series.values() for m in (s.months[0], s.months[-1])}))
    offset = {fw: months.index(s.months[0]) for fw, s in series.items()}
    counts = pd.DataFrame(index=months, columns=list(sig.contenders), dtype=float)
    for fw, s in series.items():
        counts.loc[s.months, fw] = s.pt
        counts.loc[s.months, REFERENCE] = s.total - s.pt
    return Contest(sig, series, fits, months, offset, counts)


class JointPosterior:
    """The joint Gaussian posterior of every log-ratio's unknowns given their working observations, with the
    observation covariance between log-ratios in the months both observe (1 / the reference count)."""

    def __init__(self, c: Contest, params: dict[str, np.ndarray]):
        lats = {fw: sm.Latent(s.D_calendar, params[fw], s.prior_mean, s.prior_sd) for fw, s in c.series.items()}
        starts = np.cumsum([0] + [lat.size for lat in lats.values()])
        self.block = {fw: (int(a), int(b)) for fw, a, b in zip(lats, starts[:-1], starts[1:], strict=True)}
        n = int(starts[-1])
        P, b = np.zeros((n, n)), np.zeros(n)
        ref = c.counts[REFERENCE].to_numpy(float)
        obs = {fw: (c.offset[fw] + s.cal, c.fits[fw].y, c.fits[fw].h) for fw, s in c.series.items()}
        names = list(lats)
        # each month's observation precision over the log-ratios it observes: the inverse of their 2 x 2 (or 1 x 1)
        # covariance, h_j on the diagonal and 1 / n_tensorflow off it
        for fw in names:
            g, y, h = obs[fw]
            others = [o for o in names if o != fw]
            shared = np.isin(g, np.concatenate([obs[o][0] for o in others])) if others else np.zeros(len(g), bool)
            w_self = np.where(shared, 0.0, 1.0 / np.maximum(h, 1e-8))
            X = lats[fw].X[g - c.offset[fw]]
            a0, a1 = self.block[fw]
            P[a0:a1, a0:a1] += (X * w_self[:, None]).T @ X
            b[a0:a1] += X.T @ (w_self * y)
        for i, j in [(i, j) for i in range(len(names)) for j in range(len(names)) if i < j]:
            fi, fj = names[i], names[j]
            (gi, yi, hi), (gj, yj, hj) = obs[fi], obs[fj]
            common, ii, jj = np.intersect1d(gi, gj, return_indices=True)
            if not len(common):
                continue
            cov = 1.0 / (ref[common] + 0.5)
            det = hi[ii] * hj[jj] - cov**2
            r_ii, r_jj, r_ij = hj[jj] / det, hi[ii] / det, -cov / det
            Xi, Xj = lats[fi].X[common - c.offset[fi]], lats[fj].X[common - c.offset[fj]]
            (a0, a1), (b0, b1) = self.block[fi], self.block[fj]
            P[a0:a1, a0:a1] += (Xi * r_ii[:, None]).T @ Xi
            P[b0:b1, b0:b1] += (Xj * r_jj[:, None]).T @ Xj
            cross = (Xi * r_ij[:, None]).T @ Xj
            P[a0:a1, b0:b1] += cross
            P[b0:b1, a0:a1] += cross.T
            b[a0:a1] += Xi.T @ (r_ii * yi[ii] + r_ij * yj[jj])
            b[b0:b1] += Xj.T @ (r_jj * yj[jj] + r_ij * yi[ii])
        for fw, lat in lats.items():
            lat.add_prior(P, b, at=self.block[fw][0])
        self.chol = np.linalg.cholesky(P)
        self.mean = sla.cho_solve((self.chol, True), b)
        self.lats, self.offset, self.n_calendar = lats, c.offset, len(c.months)

    def draws(self, n: int, seed: int) -> dict[str, np.ndarray]:
        """`n` paths of each log-ratio's latent logit (under each month's counting rules) on the joint calendar
        (NaN before a log-ratio's first month and after its last)."""
        z = np.random.default_rng(seed).standard_normal((self.chol.shape[0], n))
        v = self.mean[:, None] + sla.solve_triangular(self.chol.T, z, lower=False)
        out = {}
        for fw, lat in self.lats.items():
            a0, a1 = self.block_of(fw)
            theta = np.full((n, self.n_calendar), np.nan)
            theta[:, self.offset[fw]:self.offset[fw] + lat.T] = (lat.A_theta @ v[a0:a1]).T
            out[fw] = theta
        return out

    def block_of(self, fw: str) -> tuple[int, int]:
        return self.block[fw]


def paired_hyperparameters(c: Contest, m: int = sm.HYPER_SETS) -> list[dict[str, np.ndarray]]:
    """`m` hyperparameter vectors per log-ratio (its grid's quantiles, `share_model.hyperparameter_sets`), paired by
    a fixed permutation (vector i of the first with vector (PAIRING i + 3) mod m of each next: neither comonotone nor
    random); each pair stands for 1/m of the paths."""
    expanded = {}
    for fw, f in c.fits.items():
        hs = sm.hyperparameter_sets(f, m)
        counts = np.round(hs.weights * m).astype(int)
        expanded[fw] = [p for p, k in zip(hs.params, counts, strict=True) for _ in range(k)]
    m = min(len(v) for v in expanded.values())
    names = list(expanded)
    return [{fw: expanded[fw][(i if j == 0 else (PAIRING * i + 3 * j)) % m] for j, fw in enumerate(names)}
            for i in range(m)]


def shares_of(theta: dict[str, np.ndarray], contenders: tuple[str, ...]) -> dict[str, np.ndarray]:
    """Each contender's share in each month and path: the softmax of the log-ratios (the reference's is 0)."""
    logits = np.stack([theta[fw] if fw != REFERENCE else np.zeros_like(next(iter(theta.values())))
                       for fw in contenders])
    top = np.nanmax(logits, axis=0)
    e = np.exp(logits - top)
    total = e.sum(axis=0)
    return {fw: e[k] / total for k, fw in enumerate(contenders)}


@dataclass
class Paths:
    """What the joint paths say, kept for the tables: per year (months counting every contender) each contender's
    pooled share on every path; per rival its log-ratio's crossover of TensorFlow; PyTorch's pooled share of
    PyTorch + TensorFlow per year (for the consistency check)."""
    contest: Contest
    years: dict[int, dict[str, np.ndarray]]
    year_months: dict[int, int]
    crossings: dict[str, crossover.Crossings]
    pairwise: dict[int, np.ndarray]


def simulate(c: Contest, n: int = N_DRAWS, seed: int = sm.SEED, hyper_sets: int = sm.HYPER_SETS) -> Paths:
    """`n` joint paths over the paired hyperparameters, reduced to what the tables need."""
    fws = tuple(c.signal.contenders)
    counts = c.counts.to_numpy(float)
    full = np.isfinite(counts).all(axis=1)                       # months that count every contender
    weights = np.where(full, np.nan_to_num(counts).sum(axis=1), 0.0)
    pt = c.series["pytorch"]
    pt_year = {}  # PyTorch's log-ratio: its observed months in each year (as the two-way model pools them)
    for i, m in zip(c.offset["pytorch"] + pt.cal, pt.months, strict=True):
        pt_year.setdefault(int(m[:4]), []).append(i)
    by_year = {}
    for i, m in enumerate(c.months):
        if full[i]:
            by_year.setdefault(int(m[:4]), []).append(i)
    years = {y: {fw: [] for fw in fws} for y in by_year}
    pairwise = {y: [] for y in pt_year}
    found = {fw: [] for fw in c.series}
    sets = paired_hyperparameters(c, hyper_sets)
    per = np.full(len(sets), n // len(sets))
    per[: n - per.sum()] += 1
    for j, (params, k) in enumerate(zip(sets, per, strict=True)):
        theta = JointPosterior(c, params).draws(int(k), seed + j)
        s = shares_of(theta, fws)
        for y, idx in by_year.items():
            w = weights[idx]
            for fw in fws:
                years[y][fw].append(s[fw][:, idx] @ w / w.sum())

        for y, idx in pt_year.items():
            w = pt.total[np.searchsorted(c.offset["pytorch"] + pt.cal, idx)]
            pairwise[y].append(sm.logistic(theta["pytorch"][:, idx]) @ w / w.sum())
        for fw, series in c.series.items():
            own = slice(c.offset[fw], c.offset[fw] + series.n_calendar)
            found[fw].append(crossover.window_rule(sm.logistic(theta[fw][:, own]), series.calendar_weights,
                                                   np.arange(series.n_calendar)))
    crossings = {fw: crossover.Crossings(*(np.concatenate([getattr(x, a) for x in got])
                                           for a in ("kind", "month", "decidable_from")), got[0].n_calendar)
                 for fw, got in found.items()}
    return Paths(c, {y: {fw: np.concatenate(v) for fw, v in d.items()} for y, d in years.items()},
                 {y: len(idx) for y, idx in by_year.items()}, crossings,
                 {y: np.concatenate(v) for y, v in pairwise.items()})


def year_rows(p: Paths) -> list[dict]:
    """The `contenders_by_year` rows of one signal: per year and contender the pooled share, its 95% interval,
    P(it led the year) and P(it was ahead of TensorFlow)."""
    rows = []
    for y, shares in p.years.items():
        stack = np.stack([shares[fw] for fw in shares])
        top = stack.argmax(axis=0)
        for k, fw in enumerate(shares):
            lo, hi = sm.interval(shares[fw])
            rows.append({"signal_id": p.contest.signal.id, "year": y, "framework": fw,
                         "framework_share": float(shares[fw].mean()), "framework_share_low": lo,
                         "framework_share_high": hi, "lead_prob": float((top == k).mean()),
                         "ahead_of_tensorflow_prob": (np.nan if fw == REFERENCE else
                                                      float((shares[fw] > shares[REFERENCE]).mean())),
                         "n_months": p.year_months[y]})
    return rows


def crossover_rows(p: Paths) -> list[dict]:
    """Each rival's crossover of TensorFlow on one signal other than PyTorch's (whose is the two-way model's, in
    `crossovers.csv`): the primary rule, as `crossovers.csv` has it."""
    rows = []
    for fw, cr in p.crossings.items():
        if fw == "pytorch":
            continue
        c = crossover.summary(cr, p.contest.series[fw].months, True)
        rows.append({"signal_id": p.contest.signal.id, "framework": fw, "outcome_id": c["outcome"],
                     "crossover": c["crossover"], "window_end": c["window_end"], "crossover_low": c["crossover_low"],
                     "crossover_high": c["crossover_high"], "high_outcome_id": c["high_outcome"],
                     "decidable_from": c["decidable_from"],
                     **{f"{o}_prob": c[f"{o}_prob"] for o in ("dated", "not_yet", "not_decidable",
                                                              "ahead_since_start")},
                     "first_month": p.contest.series[fw].months[0], "last_month": p.contest.series[fw].months[-1]})
        rows[-1]["summary"] = describe_record({**rows[-1], "first_period": rows[-1]["first_month"]})
    return rows


def consistency(p: Paths, n: int = N_DRAWS) -> pd.DataFrame:
    """PyTorch's pooled share of PyTorch + TensorFlow per year from the K-way paths against the two-way model's
    (`share_model.summarise` of the same log-ratio: the published two-way model's fit and grid, `n` paths), with the
    Monte Carlo standard error of the difference of the two means."""
    rows = []
    two_way = sm.summarise(p.contest.fits["pytorch"], n=n, monthly=False).years
    for y, v in p.pairwise.items():
        rows.append({"signal_id": p.contest.signal.id, "year": y, "kway_pytorch_share": float(v.mean()),
                     "two_way_pytorch_share": two_way[y]["share"],
                     "mc_se": float(v.std() * np.sqrt(1 / len(v) + 1 / n))})
    return pd.DataFrame(rows, columns=["signal_id", "year", "kway_pytorch_share", "two_way_pytorch_share", "mc_se"])


P_LED = 0.95  # a signal-year's leader among the contenders is named when its P(led) exceeds this


def leader_of(rows: pd.DataFrame) -> str:
    """Who led a signal-year among the contenders (its framework id): the one with P(led) above P_LED, else 'too
    close to call'."""
    best = rows.loc[rows["lead_prob"].idxmax()]
    return str(best["framework"]) if best["lead_prob"] > P_LED else "too close to call"


def build() -> dict[str, pd.DataFrame]:
    """Step 22_contenders: per signal that counts JAX (with at least two rivals' log-ratios long enough to model),
    the contenders' shares by year, JAX's crossover of TensorFlow, and the K-way model against the two-way one."""
    ms = io.read_table("monthly_signals")
    years, crossings, checks, paths = [], [], [], {}
    for sig in THREE_WAY:
        c = contest(ms, sig)
        if c is None:
            continue
        p = paths[sig.id] = simulate(c)
        years += year_rows(p)
        crossings += crossover_rows(p)
        checks.append(consistency(p))
    empty = {t: schemas.empty(t) for t in ("contenders_by_year", "contender_crossovers", "contenders_consistency")}
    return {"contenders_by_year": pd.DataFrame(years) if years else empty["contenders_by_year"],
            "contender_crossovers": pd.DataFrame(crossings) if crossings else empty["contender_crossovers"],
            "contenders_consistency": (pd.concat(checks, ignore_index=True) if checks
                                       else empty["contenders_consistency"]),
            "paths": paths}
