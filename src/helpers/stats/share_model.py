"""A state-space model of one monthly signal's PyTorch share, and what its simulated paths say.

Observation: in month t, `pt` of `n` counts are PyTorch's. Model, on the logit scale:

    logit P(PyTorch) = eta_t + sum_k delta_k D_kt          (D: the source's documented breaks)
    eta_t = mu_t + c_t + e_t                                 (the latent share, on the logit scale)
    mu_{t+1} = mu_t + b_t,  b_{t+1} = b_t + z_t              (a smooth trend: z ~ N(0, s2_slope))
    c_{t+1} = phi c_t + k_t                                  (persistent deviations: k ~ N(0, s2_ar))
    e_t ~ N(0, s2_irregular)                                 (month-to-month variation)

The binomial counting noise is handled with the approximating Gaussian model of Durbin & Koopman (2012, ch. 10):
iterate a working response y_t = theta_t + (pt - n s_t) / (n s_t (1 - s_t)) with variance 1 / (n s_t (1 - s_t))
around the fitted linear predictor theta_t. Hyperparameters are fitted by maximum likelihood with statsmodels'
Kalman filter (diffuse trend and break effects, stationary AR(1)). Their estimation uncertainty is carried into
every interval: the paths are spread over HYPER_SETS hyperparameter vectors (the MLE and quasi-random draws from
its normal approximation, `hyperparameter_sets`), and for each the paths are exact draws from the joint Gaussian
posterior of (trend, deviations, break effects) given the working data — the same posterior statsmodels' smoother
gives (tested), drawn thousands of times in milliseconds. Without that mixing, intervals on small counts (Data
Science SE) covered 78-85% in the calibration study instead of 95%.

**What is estimated.** The *latent share* logistic(eta_t) is the share the signal would show without counting
noise, in the counting rules of the series' start (documented breaks are estimated as level shifts — or, for a
temporary episode, a shift that reverts — and removed). For a near-census (Stack Overflow questions, GitHub stars)
it is almost exactly the observed share; for a small site (Data Science SE: 5-50 questions a month) it is a
propensity known only roughly. Monthly P(PyTorch ahead), year means, within-year changes and the month the rise
began are functions of it. The *persistent share* logistic(mu_t + c_t) leaves out the month-specific irregular
e_t as well: crossovers ("PyTorch stayed ahead for 12 months") are read from it, so one odd month does not reset a
lead. Every interval is checked by simulation in `helpers.stats.calibration`.

Index series without counts (Google Trends) get the variance of rounding to whole index points instead.
"""
from __future__ import annotations

import os
import warnings
from dataclasses import dataclass, field

import numpy as np
import pandas as pd
import scipy.linalg as sla
from statsmodels.tsa.statespace.initialization import Initialization
from statsmodels.tsa.statespace.mlemodel import MLEModel

from ..registry.signals import PYTORCH_RELEASE, SPLICE, Break, Signal, breaks

# Simulated paths per signal: at 50,000 published months do not move between seeds (tested). PTVTF_DRAWS sets
# another number for quick looks (the test suite's fixture chains use 4,000; they check structure, not months).
N_DRAWS = int(os.environ.get("PTVTF_DRAWS", "50000"))
# Hyperparameter vectors the paths are spread over: the MLE and 32 (a power of 2) Sobol draws; 8 with fewer paths.
HYPER_SETS = 33 if N_DRAWS >= 33_000 else 9
MAX_HYPER_SD = 2.0   # cap on a hyperparameter's sampling s.d. on the unconstrained (log / atanh) scale
SEED = 20210101      # fixed: identical inputs give identical numbers
HORIZON = 12         # crossover rule: the latent share stays above 1/2 for this many months
ITERATIONS = 4       # working-response updates between the two fits (it converges in 2-3)
MAX_PHI = 0.995


def logistic(x):
    return 1.0 / (1.0 + np.exp(-x))


@dataclass
class Series:
    """One signal's months, prepared for the model: from PyTorch's release, breaks inside the range as regressors."""
    signal: Signal
    months: list[str]
    pt: np.ndarray                     # PyTorch's counts (or index values)
    total: np.ndarray                  # pt + tf
    counts: bool                       # False: an index (Google Trends), not counts
    breaks: list[Break] = field(default_factory=list)
    D: np.ndarray = field(default=None)

    @property
    def observed(self) -> np.ndarray:
        return self.pt / self.total


def prepare(share: pd.DataFrame, sig: Signal, start: str = PYTORCH_RELEASE) -> Series:
    """`share`: the signal's monthly table (month, pt, tf, break) from `sources.monthly.share`. Months before `start`
    are left out (GitHub's histories begin before PyTorch's release: its first months are launch, not popularity).
    Breaks: the source's documented ones and any splice onto refreshed data (a `splice: ...` label), each a level
    shift from its month on."""
    s = share[share["month"] >= start].reset_index(drop=True)
    months = s["month"].tolist()
    splices = [Break(sig.source, m, label) for m, labels in zip(s["month"], s.get("break", ""), strict=True)
               for label in str(labels).split("; ") if label.startswith(SPLICE)] if "break" in s else []
    inside = sorted((b for b in (*breaks(sig.source), *splices) if b.effect != "exclude" and months
                     and months[0] < b.start <= months[-1]), key=lambda b: b.start)
    m = pd.Series(months)
    D = (np.column_stack([((m >= b.start) & ((m <= b.end) if b.end else True)).to_numpy(float) for b in inside])
         if inside else np.zeros((len(months), 0)))
    return Series(sig, months, s["pt"].to_numpy(float), (s["pt"] + s["tf"]).to_numpy(float),
                  counts=sig.source != "google_trends", breaks=inside, D=D)


class ShareModel(MLEModel):
    """statsmodels state-space form of the model above, given working observations `y` and known variances `h`.

    States: trend level, trend slope, AR(1) deviation, break effects. The irregular e_t is part of the observation
    noise here (variance h_t + s2_irregular); the posterior below separates it again.
    """

    def __init__(self, y, h, D):
        T, K = len(y), D.shape[1]
        k = 3 + K
        super().__init__(np.asarray(y, float), k_states=k, k_posdef=2)
        self.h = np.asarray(h, float)
        design = np.zeros((1, k, T))
        design[0, 0] = design[0, 2] = 1.0
        if K:
            design[0, 3:, :] = D.T
        self["design"] = design
        transition = np.eye(k)
        transition[0, 1] = 1.0
        self["transition"] = transition
        selection = np.zeros((k, 2))
        selection[1, 0] = selection[2, 1] = 1.0
        self["selection"] = selection
        self["obs_cov"] = np.zeros((1, 1, T))
        init = Initialization(k)
        init.set((0, 2), "diffuse")
        init.set((2, 3), "stationary")
        if K:
            init.set((3, k), "diffuse")
        self.ssm.initialization = init

    @property
    def param_names(self):
        return ["s2_slope", "phi", "s2_ar", "s2_irregular"]

    @property
    def start_params(self):
        y = self.endog[:, 0]
        v = float(np.var(np.diff(y))) if len(y) > 2 else 0.1
        return np.array([v * 1e-3, 0.5, v * 0.3, v * 0.3])

    def transform_params(self, unconstrained):
        u = np.clip(unconstrained, -40, 20)
        return np.array([np.exp(u[0]), MAX_PHI * np.tanh(u[1]), np.exp(u[2]), np.exp(u[3])])

    def untransform_params(self, constrained):
        p = np.asarray(constrained, float)
        floor = 1e-17
        return np.array([np.log(max(p[0], floor)), np.arctanh(np.clip(p[1] / MAX_PHI, -0.999999, 0.999999)),
                         np.log(max(p[2], floor)), np.log(max(p[3], floor))])

    def update(self, params, **kwargs):
        params = super().update(params, **kwargs)
        self["state_cov"] = np.diag([params[0], params[2]])
        self["transition", 2, 2] = params[1]
        self["obs_cov"] = (self.h + params[3])[None, None, :]


@dataclass
class Fit:
    series: Series
    params: np.ndarray      # s2_slope, phi, s2_ar, s2_irregular
    y: np.ndarray           # working observations (logit scale)
    h: np.ndarray           # their counting-noise variances
    llf: float
    converged: bool


def _observation(series: Series, theta: np.ndarray | None) -> tuple[np.ndarray, np.ndarray]:
    """Working response and variance: from the empirical logit (first pass) or around `theta` (later passes)."""
    pt, n = series.pt, series.total
    if not series.counts:  # an index in whole points: the variance of rounding, on the logit scale
        a, b = np.maximum(pt, 0.5), np.maximum(n - pt, 0.5)
        return np.log(a / b), (1 / 12) * (1 / a**2 + 1 / b**2)
    if theta is None:
        return np.log((pt + 0.5) / (n - pt + 0.5)), 1 / (pt + 0.5) + 1 / (n - pt + 0.5)
    s = logistic(theta)
    w = n * s * (1 - s)
    return theta + (pt - n * s) / w, 1 / w


def _mle(y, h, D, start) -> tuple[np.ndarray, float, bool]:
    model = ShareModel(y, h, D)
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        result = model.fit(start_params=start, disp=False, maxiter=500)
    return result.params, float(result.llf), bool(result.mle_retvals.get("converged", True))


def fit(series: Series, start: np.ndarray | None = None) -> Fit:
    """Maximum-likelihood hyperparameters with the approximating Gaussian model for binomial counts: a first fit on
    the empirical logits, the working response iterated to convergence with those hyperparameters (cheap), a
    second fit on it, and the working response brought up to date with the final hyperparameters."""
    y, h = _observation(series, None)
    params, llf, converged = _mle(y, h, series.D, start)
    if series.counts:
        for _ in range(ITERATIONS):
            y, h = _observation(series, Posterior(y, h, series.D, params).linear_predictor())
        params, llf, converged = _mle(y, h, series.D, params)
        y, h = _observation(series, Posterior(y, h, series.D, params).linear_predictor())
    return Fit(series, params, y, h, llf, converged)


class Posterior:
    """The joint Gaussian posterior of (trend, slope disturbances, AR deviations, irregulars, break effects) given
    working observations with known variances `h` and hyperparameters `params`.

    Flat priors on the trend's start and slope and on the break effects (as statsmodels' diffuse initialisation),
    the AR(1) stationary; the posterior precision is assembled densely (a few hundred unknowns) and factorised once.
    """

    def __init__(self, y, h, D, params):
        s2_slope, phi, s2_ar, s2_irr = (float(p) for p in params)
        T, K = len(y), D.shape[1]
        t = np.arange(T, dtype=float)
        X_trend = np.column_stack([np.ones(T), t])
        G = (np.maximum(0.0, t[:, None] - np.arange(T - 2)[None, :] - 1) if s2_slope > 1e-12 and T > 2
             else np.zeros((T, 0)))
        E = np.eye(T) if s2_irr > 1e-10 else np.zeros((T, 0))
        X = np.hstack([X_trend, D, G, np.eye(T), E])
        rinv = 1.0 / np.maximum(np.asarray(h, float), 1e-8)
        P = (X * rinv[:, None]).T @ X
        i = 2 + K
        if G.shape[1]:
            P[i:i + G.shape[1], i:i + G.shape[1]] += np.eye(G.shape[1]) / s2_slope
            i += G.shape[1]
        Q = np.diag(np.r_[1.0, np.full(max(T - 2, 0), 1 + phi**2), 1.0][:T]) - phi * (np.eye(T, k=1) + np.eye(T, k=-1))
        P[i:i + T, i:i + T] += Q / s2_ar
        i += T
        if E.shape[1]:
            P[i:, i:] += np.eye(T) / s2_irr
        self.chol = np.linalg.cholesky(P)
        self.mean = sla.cho_solve((self.chol, True), X.T @ (rinv * np.asarray(y, float)))
        zeros = np.zeros((T, K))
        self.A_eta = np.hstack([X_trend, zeros, G, np.eye(T), E])                       # eta = mu + c + e
        self.A_persistent = np.hstack([X_trend, zeros, G, np.eye(T), np.zeros_like(E)])  # mu + c
        self.A_trend = np.hstack([X_trend, zeros, G, np.zeros((T, T + E.shape[1]))])     # mu
        self.A_break = np.zeros((K, X.shape[1]))
        self.A_break[:, 2:2 + K] = np.eye(K)
        self.D = D

    def linear_predictor(self) -> np.ndarray:
        """Posterior mean of eta + breaks: the fitted logit of P(PyTorch) for each month's counts."""
        return self.A_eta @ self.mean + self.D @ (self.A_break @ self.mean)

    def moments(self, A: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
        """Posterior mean and standard deviation of A @ unknowns."""
        half = sla.solve_triangular(self.chol, A.T, lower=True)
        return A @ self.mean, np.sqrt((half**2).sum(axis=0))

    def draws(self, n: int = N_DRAWS, seed: int = SEED) -> dict[str, np.ndarray]:
        """`n` joint draws (logit scale): eta (n x T), persistent = mu + c (n x T), break effects (n x K)."""
        z = np.random.default_rng(seed).standard_normal((self.chol.shape[0], n))
        v = self.mean[:, None] + sla.solve_triangular(self.chol.T, z, lower=False)
        return {"eta": (self.A_eta @ v).T, "persistent": (self.A_persistent @ v).T, "breaks": (self.A_break @ v).T}


def posterior(f: Fit, params: np.ndarray | None = None) -> Posterior:
    return Posterior(f.y, f.h, f.series.D, f.params if params is None else params)


def hyperparameter_sets(f: Fit, m: int = HYPER_SETS, seed: int = SEED) -> list[np.ndarray]:
    """`m` hyperparameter vectors spanning their estimation uncertainty: the MLE and m - 1 quasi-random (scrambled
    Sobol) draws from the normal approximation of the maximum-likelihood estimate on the unconstrained scale (log
    variances, atanh of phi), with the covariance from the numerical Hessian of the log-likelihood; a direction the
    likelihood barely identifies gets s.d. MAX_HYPER_SD. Fixed for a given fit and `seed`. With m = 1, the MLE
    alone (the plug-in posterior)."""
    if m <= 1:
        return [f.params]
    model = ShareModel(f.y, f.h, f.series.D)
    u = model.untransform_params(f.params)
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        H = model.hessian(u, transformed=False)
    w, V = np.linalg.eigh(-(H + H.T) / 2) if np.isfinite(H).all() else (np.zeros(len(u)), np.eye(len(u)))
    from scipy.stats import norm, qmc
    z = norm.ppf(qmc.Sobol(len(u), scramble=True, seed=seed).random(m - 1).clip(1e-6, 1 - 1e-6))
    U = u + z @ (V * np.sqrt(1 / np.maximum(w, MAX_HYPER_SD**-2))).T  # quasi-random: even coverage with few sets
    return [f.params] + [model.transform_params(x) for x in U]


def approximation_check(f: Fit, draws: dict) -> float:
    """How good the approximating Gaussian model is: the effective sample size of importance weights (binomial
    likelihood over its Gaussian approximation, per path) as a share of the paths. 1 means the approximation is
    exact; well above 0.5 means the reported intervals would not move if the exact binomial likelihood were used.
    NaN for an index without counts."""
    from scipy import stats
    if not f.series.counts:
        return float("nan")
    theta = draws["eta"] + draws["breaks"] @ f.series.D.T
    log_binomial = stats.binom.logpmf(f.series.pt[None, :], f.series.total[None, :], logistic(theta))
    log_gauss = stats.norm.logpdf(f.y[None, :], theta, np.sqrt(f.h)[None, :])
    lw = (log_binomial - log_gauss).sum(axis=1)
    w = np.exp(lw - lw.max())
    w /= w.sum()
    return float(1 / (w**2).sum() / len(w))


# --- what the paths say -----------------------------------------------------------------------------------------

def interval(x: np.ndarray, level: float = 0.95) -> tuple[float, float]:
    a = (1 - level) / 2
    lo, hi = np.quantile(x, [a, 1 - a])
    return float(lo), float(hi)


def _mixture_quantile(means: np.ndarray, sds: np.ndarray, q: float) -> np.ndarray:
    """Per column, the q-quantile of an equal-weight mixture of normals (rows: components), by bisection."""
    from scipy.stats import norm
    lo, hi = (means - 8 * sds).min(axis=0), (means + 8 * sds).max(axis=0)
    for _ in range(60):
        mid = (lo + hi) / 2
        below = norm.cdf((mid[None, :] - means) / sds).mean(axis=0) < q
        lo, hi = np.where(below, mid, lo), np.where(below, hi, mid)
    return (lo + hi) / 2


def monthly_table(series: Series, posts: list[Posterior]) -> pd.DataFrame:
    """Per month: observed share, latent share (posterior median) with its 95% band and P(PyTorch ahead),
    persistent share (median) — exact given each hyperparameter set (the latent logit is then Gaussian), mixed
    over the sets, and mapped through the logistic function."""
    from scipy.stats import norm
    eta = [p.moments(p.A_eta) for p in posts]
    pers = [p.moments(p.A_persistent) for p in posts]
    m, sd = np.array([e[0] for e in eta]), np.maximum(np.array([e[1] for e in eta]), 1e-12)
    mp, sdp = np.array([e[0] for e in pers]), np.maximum(np.array([e[1] for e in pers]), 1e-12)
    return pd.DataFrame({"month": series.months, "observed_share": series.observed, "n": series.total,
                         "latent_share": logistic(_mixture_quantile(m, sd, 0.5)),
                         "low": logistic(_mixture_quantile(m, sd, 0.025)),
                         "high": logistic(_mixture_quantile(m, sd, 0.975)),
                         "p_ahead": norm.sf(0, loc=m, scale=sd).mean(axis=0),
                         "persistent_share": logistic(_mixture_quantile(mp, sdp, 0.5))})


def counting_interval(series: Series, level: float = 0.95) -> tuple[np.ndarray, np.ndarray]:
    """Per month, the interval of the observed share from counting alone — for a signal too short to model:
    Wilson for counts; for an index (whole points, '<1' read as 0.5), the shares the two values could give
    before rounding (each value within half a point of the one shown)."""
    if series.counts:
        from .proportions import wilson
        lo, hi = wilson(np.round(series.pt), np.round(series.total), alpha=1 - level)
        return np.asarray(lo, float), np.asarray(hi, float)
    pt, tf = series.pt, series.total - series.pt  # '<1' is stored as 0.5, so 0.5 +- 0.5 spans [0, 1]
    pt_lo, pt_hi, tf_lo, tf_hi = np.maximum(pt - 0.5, 0), pt + 0.5, np.maximum(tf - 0.5, 0), tf + 0.5
    with np.errstate(invalid="ignore", divide="ignore"):
        return np.nan_to_num(pt_lo / (pt_lo + tf_hi)), np.nan_to_num(pt_hi / (pt_hi + tf_lo), nan=1.0)


def observed_table(series: Series) -> pd.DataFrame:
    """The monthly_table columns for a series that is not modelled: observed share and its counting interval."""
    lo, hi = counting_interval(series)
    nan = np.full(len(series.months), np.nan)
    return pd.DataFrame({"month": series.months, "observed_share": series.observed, "n": series.total,
                         "latent_share": nan, "low": lo, "high": hi, "p_ahead": nan, "persistent_share": nan})


def first_run(eta: np.ndarray, horizon: int = HORIZON) -> np.ndarray:
    """Per path: the first month index from which eta stays > 0 for `horizon` months (inside the data);
    T (= "not yet") when no such run is complete."""
    S, T = eta.shape
    run = np.zeros((S, T + 1), dtype=int)
    above = eta > 0
    for t in range(T - 1, -1, -1):
        run[:, t] = np.where(above[:, t], run[:, t + 1] + 1, 0)
    ok = run[:, :T] >= horizon
    return np.where(ok.any(axis=1), ok.argmax(axis=1), T)


ONSET_WINDOW = ("2017-04", "2020-12")  # from three months after the release (launch weeks excluded) to 2020
ONSET_MARGIN = 3                       # a hinge at least this many months from the window's ends


@dataclass
class Summary:
    """What a signal's posterior says, from `N_DRAWS` paths over `HYPER_SETS` hyperparameter vectors (paths not kept)."""
    series: Series
    fit: Fit
    monthly: pd.DataFrame   # monthly_table
    years: dict             # year -> year_summary: mean latent share over the year's months, interval, P(ahead)
    changes: dict           # year -> change_summary: change within the year, 95% and 90% intervals, P(fall)
    crossover: dict         # crossover_summary, with its `distribution` over all paths
    onset: dict             # onset summary, with its `distribution` over all paths
    approximation: float    # approximation_check


def year_months(months: list[str]) -> dict[int, list[int]]:
    """Calendar year -> indices of its months in `months`."""
    out: dict[int, list[int]] = {}
    for i, m in enumerate(months):
        out.setdefault(int(m[:4]), []).append(i)
    return out


def year_values(share: np.ndarray, idx: list[int]) -> np.ndarray:
    """Per path: the mean share over the months `idx`."""
    return share[:, idx].mean(axis=1)


def change_values(share: np.ndarray, idx: list[int]) -> np.ndarray:
    """Per path: the change of the share from the first to the last of the months `idx`, along a least-squares line
    through them (share points)."""
    i = np.asarray(idx, dtype=float)
    x = i - i.mean()
    v = share[:, idx]
    return (v - v.mean(axis=1, keepdims=True)) @ x / (x @ x) * (i[-1] - i[0])


def year_summary(values: np.ndarray, months: int) -> dict:
    lo, hi = interval(values)
    return {"months": months, "share": float(values.mean()), "low": lo, "high": hi,
            "p_ahead": float((values > 0.5).mean())}


def change_summary(values: np.ndarray, months: int) -> dict:
    lo, hi = interval(values)
    lo90, hi90 = interval(values, 0.90)
    return {"months": months, "change": float(values.mean()), "low": lo, "high": hi, "low90": lo90, "high90": hi90,
            "p_fall": float((values < 0).mean())}


def summarise(f: Fit, n: int = N_DRAWS, seed: int = SEED, hyper_sets: int = HYPER_SETS) -> Summary:
    """Draw `n` paths, spread evenly over `hyper_sets` hyperparameter vectors (their estimation uncertainty), and
    keep what the reports need: monthly bands, year shares and within-year changes for every year in the data, the
    crossover and onset distributions, and the approximation check (at the MLE)."""
    from .trend_tests import hinge_batch
    series = f.series
    by_year = year_months(series.months)
    shares = {y: [] for y in by_year}
    changes = {y: [] for y, idx in by_year.items() if len(idx) >= 3}
    cross, taus, posts = [], [], []
    window = [i for i, m in enumerate(series.months) if ONSET_WINDOW[0] <= m <= ONSET_WINDOW[1]]
    sets = hyperparameter_sets(f, hyper_sets)  # a fixed set (not `seed`): only the paths vary between seeds
    per = -(-n // len(sets))
    for j, params in enumerate(sets):
        post = posterior(f, params)
        posts.append(post)
        d = post.draws(per, seed=seed + j)
        s = logistic(d["eta"])
        for y, idx in by_year.items():
            shares[y].append(year_values(s, idx))
        for y in changes:
            changes[y].append(change_values(s, by_year[y]))
        cross.append(first_run(d["persistent"]))
        if len(window) >= ONSET_MARGIN * 2 + 6:
            taus.append(hinge_batch(d["eta"][:, window], margin=ONSET_MARGIN, accelerating=True))
    approx = approximation_check(f, posts[0].draws(min(n, 2000), seed=seed))
    years = {y: year_summary(np.concatenate(v), len(by_year[y]))
             | {"observed_share": float(series.pt[by_year[y]].sum() / series.total[by_year[y]].sum())}
             for y, v in shares.items()}
    return Summary(series, f, monthly_table(series, posts), years,
                   {y: change_summary(np.concatenate(v), len(by_year[y])) for y, v in changes.items()},
                   crossover_summary(series.months, np.concatenate(cross)),
                   _onset_summary(series, posts[0], np.concatenate(taus), window) if taus else {"months": len(window)},
                   approx)


def stable_quantile(values: np.ndarray, q: float, conservative: str = "") -> int:
    """The q-quantile of integer `values` (month indices). With `conservative` "low" or "high", an end of an
    interval: where the cumulative share at a boundary lies within three Monte Carlo errors of q, the month that
    widens the interval is taken, so the published month is the same for any seed (the interval covers at least
    its nominal share)."""
    v = np.sort(np.asarray(values))
    if not conservative:
        return int(np.quantile(v, q, method="inverted_cdf"))
    slack = 3 * np.sqrt(q * (1 - q) / len(v))
    target = q - slack if conservative == "low" else q + slack
    return int(v[min(len(v) - 1, max(0, int(np.ceil(np.clip(target, 0, 1) * len(v))) - 1))])


def quantile_month(idx: np.ndarray, months: list[str], q: float, side: str = "") -> str:
    """The month at the q-quantile of month indices `idx` (seed-stable at an interval end, see `stable_quantile`);
    "" where the quantile lies past the last month (a crossover "not yet", an onset "no acceleration")."""
    k = stable_quantile(idx, q, side)
    return "" if k >= len(months) else months[k]


def crossover_summary(months: list[str], idx: np.ndarray, horizon: int = HORIZON) -> dict:
    """The crossover as a distribution, from `first_run` over paths: median month and 95% interval (seed-stable
    ends), P(not yet), and the last month from which a lead of `horizon` months can still be seen."""
    T = len(months)

    def month(q: float, side: str = "") -> str:
        return quantile_month(idx, months, q, side)

    return {"crossover": month(0.5), "crossover_low": month(0.025, "low"), "crossover_high": month(0.975, "high"),
            "p_not_yet": float((idx == T).mean()), "last_decidable": months[T - horizon] if T >= horizon else "",
            "distribution": idx}


def _onset_summary(series: Series, post: Posterior, taus: np.ndarray, window: list[int],
                   margin: int = ONSET_MARGIN) -> dict:
    """When did PyTorch's rise begin? Per path, the month its latent logit share accelerates most: the hinge of a
    broken line fitted over ONSET_WINDOW, among hinges after which the line is steeper (at least `margin` months
    from either end). A path with no acceleration counts as a value after the window (as "not yet" does for the
    crossover), so the median and the 95% interval are over every path and the interval's upper end is empty when
    "no acceleration" lies inside it. Printed only when most paths accelerate. P(no acceleration): paths where no
    hinge steepens the line; P(edge): the hinge at the window's first or last candidate month (no dating inside)."""
    months = [series.months[i] for i in window]
    found = taus[taus >= 0]
    p_none = float(1 - len(found) / len(taus))
    if len(found) < 0.5 * len(taus):
        return {"months": len(window), "onset": "", "onset_low": "", "onset_high": "", "p_none": p_none,
                "p_edge": float("nan"), "distribution": taus, "window": months}
    every = np.where(taus >= 0, taus, len(window))

    def month(q: float, side: str = "") -> str:
        return quantile_month(every, months, q, side)

    edge = (found <= margin) | (found >= len(window) - margin - 1)
    return {"months": len(window), "onset": month(0.5), "onset_low": month(0.025, "low"),
            "onset_high": month(0.975, "high"), "p_none": p_none, "p_edge": float(edge.mean()), "distribution": taus,
            "window": months}
