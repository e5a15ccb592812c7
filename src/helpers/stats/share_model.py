"""A state-space model of one monthly signal's PyTorch share, and what its simulated paths say.

Observation: in month t, `pt` of `n` counts are PyTorch's. Model, on the logit scale:

    logit P(PyTorch) = theta_t = eta_t + sum_k delta_k D_kt   (D: the source's `changes_mix` breaks)
    eta_t = mu_t + c_t + e_t
    mu_{t+1} = mu_t + b_t,  b_{t+1} = b_t + z_t              (a smooth trend: z ~ N(0, s2_slope))
    c_{t+1} = phi c_t + k_t                                  (persistent deviations: k ~ N(0, s2_ar))
    e_t ~ N(0, s2_irregular)                                 (month-to-month variation)
    delta_k ~ N(m_k, s_k^2)                                  (a break's shift: prior centred on zero with the
                                                              registry's scale, or estimated from overlap months)

A break of kind `scales_all` (every item counted alike changes by one factor) has no parameter: it cannot move a
share. Months of an `exclude` break are left out.

The binomial counting noise is handled with the approximating Gaussian model of Durbin & Koopman (2012, ch. 10):
iterate a working response y_t = theta_t + (pt - n s_t) / (n s_t (1 - s_t)) with variance 1 / (n s_t (1 - s_t))
around the fitted linear predictor theta_t. Hyperparameters are fitted by maximum likelihood with statsmodels'
Kalman filter. Their uncertainty is integrated on a deterministic grid (`hyperparameter_sets`, INLA's
grid strategy): points spaced along the axes of the Gaussian approximation at the posterior mode, kept while their
log posterior (likelihood x prior) is within GRID_DROP of the mode's and weighted by its density; HYPER_SETS vectors
are then picked by stratified resampling with a fixed offset, so a setting the data rule out carries no paths and
no seed moves the result. For each
vector the paths are exact draws from the joint Gaussian posterior of (trend, deviations, irregulars, break shifts)
given the working data — the same posterior statsmodels' smoother gives (tested).

**What is estimated.** The *latent share* logistic(theta_t) is the share as the source counted it that month (under
the counting rules in force that month), without counting noise. For a near-census (Stack Overflow questions,
GitHub stars, PyPI downloads) it is almost exactly the observed share; for a small site (Data Science SE: 5-50
questions a month) it is known only roughly. A year's share is PyTorch's latent count
over the pair's in the year's months (each month's latent share times its count, summed: what a reader computes
from the year's counts). Year shares, monthly P(PyTorch ahead), who led in a year and the crossover rules of
`helpers.stats.crossover` read it. The *break-adjusted
share* logistic(eta_t + sum_k delta_k D_k,last) maps every month onto the newest counting rules (with the shifts'
uncertainty): anything that compares months across a break reads it (a within-year change that spans a break, the
onset of the rise). Every interval is checked by simulation in `helpers.stats.calibration`.

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

from ..registry.crossover import PRIMARY, VARIANT
from ..registry.signals import AFTER_LAUNCH, PYTORCH_RELEASE, Signal
from ..registry.sources import PRIOR_SD, SOURCE_BY_ID, SPLICE_ID, Break, breaks
from . import crossover

# Simulated paths per signal: at 50,000 a published month moves between seeds only on a Monte Carlo knife edge,
# and then by one month (tested). PTVTF_DRAWS sets another number for quick looks (the test suite's fixture chains
# use 4,000; they check structure, not months).
N_DRAWS = int(os.environ.get("PTVTF_DRAWS", "50000"))
# Hyperparameter uncertainty: a deterministic grid over their log posterior (INLA's grid strategy), each point
# weighted by its posterior density, then HYPER_SETS vectors picked by stratified (systematic) resampling with a
# fixed offset: no seed, so the published numbers do not move with one. The likelihood costs a fraction of a
# millisecond, so a grid of hundreds of points is cheap; each picked vector costs a posterior factorisation.
REPORT_HYPER_SETS = 32  # the published setting
HYPER_SETS = REPORT_HYPER_SETS if N_DRAWS >= 32_000 else 16
GRID_STEP = 1.0      # grid spacing, in standard deviations of the Gaussian approximation at the mode
GRID_DROP = 5.0      # a grid point is kept while its log posterior is within this of the mode's
GRID_MAX_STEPS = 8   # at most this many steps from the mode along each axis
MAX_HYPER_SD = 6.0   # cap on an axis's s.d. on the unconstrained (log variance / atanh phi) scale
# The prior: each standard deviation half-normal with these scales (logit; slope changes per month, AR innovations,
# irregulars), weakly informative (Gelman 2006): unlike a log-uniform prior it puts no pile of mass on "no variation"
# where the likelihood is flat (a small site), and the data overrule it where they are informative (a near-census).
PRIOR_SCALES = (0.1, 1.0, 1.0)
LOG_VARIANCE_RANGE = (np.log(1e-10), np.log(10.0))  # the mode search starts inside this range (an MLE at 0 moves in)
SEED = 20210101      # fixed: identical inputs give identical numbers
ITERATIONS = 4       # working-response updates between the two fits (it converges in 2-3)
MAX_PHI = 0.995


def logistic(x):
    return 1.0 / (1.0 + np.exp(-x))


@dataclass
class Series:
    """One signal's months, prepared for the model: from PyTorch's release, breaks inside the range as regressors.

    The model runs on the calendar from the first month to the last: a month without data (PyPI has no snapshot for
    2024-07; a source's declared gaps) is a month the latent share goes on through, observed nowhere. `months`, `pt`,
    `total` and `D` hold the observed months; `cal` their calendar positions and `D_calendar` the design over every
    calendar month."""
    signal: Signal
    months: list[str]
    pt: np.ndarray                     # PyTorch's counts (or index values)
    total: np.ndarray                  # pt + tf
    counts: bool                       # False: an index (Google Trends), not counts
    breaks: list[Break] = field(default_factory=list)
    D: np.ndarray = field(default=None)
    prior_mean: np.ndarray = field(default=None)   # per break: the prior mean of its shift (logit)
    prior_sd: np.ndarray = field(default=None)     # ... and its s.d.
    D_calendar: np.ndarray = field(default=None)   # the breaks' design over every calendar month

    def __post_init__(self):
        K = 0 if self.D is None else self.D.shape[1]
        if self.D is None:
            self.D = np.zeros((len(self.months), 0))
        if self.prior_mean is None:
            self.prior_mean = np.zeros(K)
        if self.prior_sd is None:
            self.prior_sd = np.array([b.prior_sd if b is not None else PRIOR_SD for b in self.breaks] or np.zeros(K))
        self.cal = (crossover.calendar(self.months) if len(self.months) and "-" in str(self.months[0])
                    else np.arange(len(self.months)))
        if self.D_calendar is None:
            if len(self.cal) and self.cal[-1] + 1 != len(self.months):
                raise ValueError(f"{self.signal.id}: months with gaps need their design over the calendar (D_calendar)")
            self.D_calendar = self.D

    @property
    def observed(self) -> np.ndarray:
        return self.pt / self.total

    @property
    def n_calendar(self) -> int:
        return int(self.cal[-1]) + 1 if len(self.cal) else 0

    @property
    def calendar_weights(self) -> np.ndarray:
        """The pair's count in every calendar month: observed where there are data, interpolated from the neighbouring
        months where there are none (how a month without data enters a pooled window)."""
        return np.interp(np.arange(self.n_calendar), self.cal, self.total)


def design(months: list[str], inside: list[Break]) -> np.ndarray:
    """The breaks' 0/1 design over `months`: a column per break, 1 from its start (to its end, for an episode)."""
    m = pd.Series(months, dtype=str)
    return (np.column_stack([((m >= b.start) & ((m <= b.end) if b.end else True)).to_numpy(float) for b in inside])
            if inside else np.zeros((len(months), 0)))


def prepare(share: pd.DataFrame, sig: Signal, start: str = PYTORCH_RELEASE) -> Series:
    """`share`: the signal's monthly table (month, pt, tf, break_id, break_kind; pt_refreshed, tf_refreshed where a refresh also
    holds an acquired month) from `stats.shares.share`. Months before `start` are left out (GitHub's histories
    begin before PyTorch's release: its first months are launch, not popularity), and so are months of an `exclude`
    break (unless refreshed data, counted anew, replace them). Every `changes_mix` break inside the range becomes a
    shift regressor, and so does a splice onto refreshed data (`break_id` "splice"), whose shift's prior is
    estimated from the overlap months (`splice_prior`)."""
    s = share[share["month"] >= start]
    splices = ([Break(sig.source, m, "splice onto refreshed data", given_id=SPLICE_ID)
                for m in s.loc[s["break_id"] == SPLICE_ID, "month"]]
               if "break_id" in s else [])
    refreshed_from = min((b.start for b in splices), default="9999-99")  # refreshed months are counted anew
    own = [b for b in breaks(sig.source) if b.concerns((*sig.pytorch, *sig.tensorflow))]
    s = s[~s["month"].map(lambda m: m < refreshed_from and any(b.kind == "exclude" and b.covers(m) for b in own))]
    s = s.reset_index(drop=True)
    months = s["month"].tolist()
    inside = sorted((b for b in (*own, *splices) if b.kind == "changes_mix" and months
                     and months[0] < b.start <= months[-1]), key=lambda b: b.start)
    prior = [splice_prior(s, b.start) if b in splices else (0.0, b.prior_sd) for b in inside]
    calendar = crossover.labels(months) if months else []
    return Series(sig, months, s["pt"].to_numpy(float), (s["pt"] + s["tf"]).to_numpy(float),
                  counts=SOURCE_BY_ID[sig.source].measure == "counts", breaks=inside, D=design(months, inside),
                  prior_mean=np.array([p[0] for p in prior]), prior_sd=np.array([p[1] for p in prior]),
                  D_calendar=design(calendar, inside))


def splice_prior(share: pd.DataFrame, start: str) -> tuple[float, float]:
    """The shift of a splice onto refreshed data, from the months before `start` that both the acquired and the
    refreshed data hold: the mean difference of their empirical logits, with its standard error (from the months'
    spread and their counting noise). Without overlap months: centred on zero with the registry's default s.d."""
    if not {"pt_refreshed", "tf_refreshed"} <= set(share):
        return 0.0, PRIOR_SD
    o = share[(share["month"] < start) & share["pt_refreshed"].notna() & share["tf_refreshed"].notna()]
    if len(o) < 2:
        return 0.0, PRIOR_SD
    def logit(a, b):
        return np.log((a + 0.5) / (b + 0.5)), 1 / (a + 0.5) + 1 / (b + 0.5)
    (y1, v1), (y0, v0) = logit(o["pt_refreshed"], o["tf_refreshed"]), logit(o["pt"], o["tf"])
    d = (y1 - y0).to_numpy(float)
    se2 = max(float(np.var(d, ddof=1)), float(np.mean(v1 + v0))) / len(d)
    return float(d.mean()), float(np.sqrt(se2 + 0.01**2))  # a floor: the overlap months are not the later ones


class ShareModel(MLEModel):
    """statsmodels state-space form of the model above, given working observations `y` and known variances `h`.

    States: trend level, trend slope, AR(1) deviation, break effects. The irregular e_t is part of the observation
    noise here (variance h_t + s2_irregular); the posterior below separates it again.
    """

    def __init__(self, y, h, D, prior_mean=None, prior_sd=None, trend: bool = True):
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
        transition[0, 1] = 1.0 if trend else 0.0  # without a trend: a constant level (the null of the trend test)
        self["transition"] = transition
        selection = np.zeros((k, 2))
        selection[1, 0] = selection[2, 1] = 1.0
        self["selection"] = selection
        self["obs_cov"] = np.zeros((1, 1, T))
        init = Initialization(k)
        if trend:
            init.set((0, 2), "diffuse")
        else:
            init.set((0, 1), "diffuse")
            init.set((1, 2), "known", constant=np.zeros(1), stationary_cov=np.zeros((1, 1)))
        init.set((2, 3), "stationary")
        if K and prior_sd is None:
            init.set((3, k), "diffuse")
        elif K:  # a break's shift: known prior mean and variance
            init.set((3, k), "known", constant=np.asarray(prior_mean, float),
                     stationary_cov=np.diag(np.asarray(prior_sd, float) ** 2))
        self.ssm.initialization = init

    @property
    def param_names(self):
        return ["s2_slope", "phi", "s2_ar", "s2_irregular"]

    @property
    def start_params(self):
        y = self.endog[:, 0]
        y = y[np.isfinite(y)]  # a calendar month without data is missing
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


def model_of(series: Series, y, h, trend: bool = True) -> ShareModel:
    """The state-space model of `series` on working observations `y` with variances `h` (its breaks' priors), over
    every calendar month (a month without data is missing: the Kalman filter steps over it)."""
    C = series.n_calendar
    y_cal, h_cal = np.full(C, np.nan), np.ones(C)
    y_cal[series.cal], h_cal[series.cal] = y, h
    return ShareModel(y_cal, h_cal, series.D_calendar, series.prior_mean, series.prior_sd, trend=trend)


def _mle(model: ShareModel, start) -> tuple[np.ndarray, float, bool]:
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        result = model.fit(start_params=start, disp=False, maxiter=500)
    return result.params, float(result.llf), bool(result.mle_retvals.get("converged", True))


def fit(series: Series, start: np.ndarray | None = None) -> Fit:
    """Maximum-likelihood hyperparameters with the approximating Gaussian model for binomial counts: a first fit on
    the empirical logits, the working response iterated to convergence with those hyperparameters (cheap), a
    second fit on it, and the working response brought up to date with the final hyperparameters."""
    y, h = _observation(series, None)
    params, llf, converged = _mle(model_of(series, y, h), start)
    if series.counts:
        for _ in range(ITERATIONS):
            y, h = _observation(series, Posterior(y, h, series, params).linear_predictor())
        params, llf, converged = _mle(model_of(series, y, h), params)
        y, h = _observation(series, Posterior(y, h, series, params).linear_predictor())
    return Fit(series, params, y, h, llf, converged)


class Latent:
    """One logit's unknowns over `D`'s calendar months, and their prior: trend start and slope (flat), the slope's
    disturbances (`G`, when it moves), the AR(1) deviations, the irregulars (when they are not zero), and the break
    shifts (prior `prior_mean`, `prior_sd`; flat without). `X` maps the unknowns to each month's working observation
    (eta plus the month's shifts); `A_*` to what the paths report."""

    def __init__(self, D: np.ndarray, params, prior_mean=None, prior_sd=None):
        self.params = s2_slope, phi, s2_ar, s2_irr = tuple(float(p) for p in params)
        T, K = D.shape[0], D.shape[1]
        t = np.arange(T, dtype=float)
        X_trend = np.column_stack([np.ones(T), t])
        G = (np.maximum(0.0, t[:, None] - np.arange(T - 2)[None, :] - 1) if s2_slope > 1e-12 and T > 2
             else np.zeros((T, 0)))
        E = np.eye(T) if s2_irr > 1e-10 else np.zeros((T, 0))
        self.X = np.hstack([X_trend, D, G, np.eye(T), E])
        self.D, self.T, self.K, self.n_slope, self.n_irr = D, T, K, G.shape[1], E.shape[1]
        self.prior = (None if prior_sd is None or not K else
                      (np.asarray(prior_mean, float), np.asarray(prior_sd, float)))
        zeros = np.zeros((T, K))
        self.A_eta = np.hstack([X_trend, zeros, G, np.eye(T), E])                       # eta = mu + c + e
        self.A_trend = np.hstack([X_trend, zeros, G, np.zeros((T, T + E.shape[1]))])     # mu
        self.A_break = np.zeros((K, self.A_eta.shape[1]))
        self.A_break[:, 2:2 + K] = np.eye(K)
        shifts = D @ self.A_break                     # each month's break shifts under its own counting rules
        newest = np.tile(D[-1:] @ self.A_break, (T, 1)) if T else shifts  # ... under the newest rules
        self.A_theta = self.A_eta + shifts                                                # the latent share's logit
        self.A_adjusted = self.A_eta + newest                                             # on the newest rules

    @property
    def size(self) -> int:
        return self.X.shape[1]

    def add_prior(self, P: np.ndarray, b: np.ndarray, at: int = 0) -> None:
        """Add the unknowns' prior precision (and the break shifts' prior mean) to `P` and `b`, from index `at`."""
        s2_slope, phi, s2_ar, s2_irr = self.params
        T, K = self.T, self.K
        if self.prior is not None:
            mean, sd = self.prior
            P[at + 2:at + 2 + K, at + 2:at + 2 + K] += np.diag(1 / sd**2)
            b[at + 2:at + 2 + K] += mean / sd**2
        i = at + 2 + K
        if self.n_slope:
            P[i:i + self.n_slope, i:i + self.n_slope] += np.eye(self.n_slope) / s2_slope
            i += self.n_slope
        Q = np.diag(np.r_[1.0, np.full(max(T - 2, 0), 1 + phi**2), 1.0][:T]) - phi * (np.eye(T, k=1) + np.eye(T, k=-1))
        P[i:i + T, i:i + T] += Q / s2_ar
        i += T
        if self.n_irr:
            P[i:at + self.size, i:at + self.size] += np.eye(T) / s2_irr


class Posterior:
    """The joint Gaussian posterior of (trend, slope disturbances, AR deviations, irregulars, break shifts) over every
    calendar month, given working observations of the observed months with known variances `h` and hyperparameters
    `params`.

    Flat priors on the trend's start and slope (as statsmodels' diffuse initialisation), the series' priors on the
    break shifts (flat when `series` is a bare design matrix, every month observed), the AR(1) stationary; the
    posterior precision is assembled densely (a few hundred unknowns) and factorised once. `A_*` map the unknowns to
    every calendar month, `A_*_obs` to the observed ones.
    """

    def __init__(self, y, h, series, params):
        if isinstance(series, Series):
            lat, obs = Latent(series.D_calendar, params, series.prior_mean, series.prior_sd), series.cal
        else:
            lat, obs = Latent(series, params), np.arange(len(y))
        X = lat.X[obs]
        rinv = 1.0 / np.maximum(np.asarray(h, float), 1e-8)
        P = (X * rinv[:, None]).T @ X
        b = X.T @ (rinv * np.asarray(y, float))
        lat.add_prior(P, b)
        self.chol = np.linalg.cholesky(P)
        self.mean = sla.cho_solve((self.chol, True), b)
        self.A_eta, self.A_trend, self.A_break = lat.A_eta, lat.A_trend, lat.A_break
        self.A_theta, self.A_adjusted = lat.A_theta, lat.A_adjusted
        self.A_theta_obs, self.A_adjusted_obs = self.A_theta[obs], self.A_adjusted[obs]
        self.D, self.obs = lat.D, obs

    def linear_predictor(self) -> np.ndarray:
        """Posterior mean of theta (eta + break shifts) in the observed months: the fitted logit of P(PyTorch) for
        each month's counts."""
        return self.A_theta_obs @ self.mean

    def moments(self, A: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
        """Posterior mean and standard deviation of A @ unknowns."""
        half = sla.solve_triangular(self.chol, A.T, lower=True)
        return A @ self.mean, np.sqrt((half**2).sum(axis=0))

    def draws(self, n: int = N_DRAWS, seed: int = SEED) -> dict[str, np.ndarray]:
        """`n` joint draws (logit scale): theta (the latent share under each month's rules) and adjusted (eta on the
        newest rules) in the observed months (n x T) and in every calendar month (`*_calendar`, n x C); and the
        break shifts (n x K)."""
        z = np.random.default_rng(seed).standard_normal((self.chol.shape[0], n))
        v = self.mean[:, None] + sla.solve_triangular(self.chol.T, z, lower=False)
        theta, shifts = (self.A_theta @ v).T, (self.A_break @ v).T
        D = self.D
        adjusted = theta + (shifts @ D[-1:].T - shifts @ D.T if D.shape[1] else 0.0)
        return {"theta": theta[:, self.obs], "adjusted": adjusted[:, self.obs], "theta_calendar": theta,
                "adjusted_calendar": adjusted, "breaks": shifts}


def posterior(f: Fit, params: np.ndarray | None = None) -> Posterior:
    return Posterior(f.y, f.h, f.series, f.params if params is None else params)


@dataclass
class HyperSample:
    """Hyperparameter vectors standing for their posterior, with weights summing to 1 (their share of the paths),
    and the effective number of grid points behind them (`ess` of `points`: 1 / sum of squared weights)."""
    params: list[np.ndarray]
    weights: np.ndarray
    ess: float = float("nan")
    points: int = 1

    def allocate(self, n: int) -> np.ndarray:
        """Paths per vector, `n` in all, in proportion to the weights (largest remainders)."""
        exact = self.weights * n
        k = np.floor(exact).astype(int)
        k[np.argsort(-(exact - k), kind="stable")[:n - k.sum()]] += 1
        return k


def log_prior(U: np.ndarray) -> np.ndarray:
    """Log prior density of unconstrained hyperparameters (rows: log s2_slope, atanh(phi / MAX_PHI), log s2_ar,
    log s2_irregular): each s.d. half-normal with scale PRIOR_SCALES, phi uniform on (-MAX_PHI, MAX_PHI). On the
    log-variance scale u a half-normal s.d. sigma = exp(u / 2) has density proportional to sigma exp(-sigma^2 / 2 s^2)."""
    U = np.atleast_2d(U)
    v = U[:, [0, 2, 3]]
    scales = np.asarray(PRIOR_SCALES)
    return (v / 2 - np.exp(v) / (2 * scales**2)).sum(axis=1) - 2 * np.log(np.cosh(U[:, 1]))


def posterior_grid(f: Fit, step: float = GRID_STEP, drop: float = GRID_DROP,
                   max_steps: int = GRID_MAX_STEPS) -> tuple[np.ndarray, np.ndarray]:
    """INLA's grid over the unconstrained hyperparameters (Rue, Martino & Chopin 2009, sec. 6.5): from the posterior
    mode (likelihood x prior, maximised from the MLE), along the eigenvectors of the log posterior's numerical
    Hessian scaled to unit s.d. (a barely identified direction: s.d. MAX_HYPER_SD), step by `step` s.d. along each
    axis while the log posterior stays within `drop` of the mode's, then keep every point of that box whose log
    posterior does. Returns the points (rows) and their normalised weights (posterior density: the grid is regular
    in the whitened coordinates, so every point stands for the same volume)."""
    import itertools

    from scipy.optimize import minimize
    from statsmodels.tools.numdiff import approx_hess3
    model = model_of(f.series, f.y, f.h)
    lo, hi = LOG_VARIANCE_RANGE
    u = model.untransform_params(f.params)
    u[[0, 2, 3]] = np.clip(u[[0, 2, 3]], lo + 0.5, hi - 0.5)

    def log_post(x):
        return model.loglike(x, transformed=False) + log_prior(x)[0]

    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        mode = minimize(lambda x: -log_post(x), u, method="L-BFGS-B", options={"maxiter": 200}).x
        H = approx_hess3(mode, log_post, epsilon=1e-2)
        w, V = np.linalg.eigh(-(H + H.T) / 2) if np.isfinite(H).all() else (np.zeros(len(u)), np.eye(len(u)))
        axes = V * (1 / np.sqrt(np.maximum(w, MAX_HYPER_SD**-2)))
        top = log_post(mode)
        extent = []
        for j in range(len(u)):
            reach = []
            for sign in (-1, 1):
                k = 0
                while k < max_steps and log_post(mode + sign * (k + 1) * step * axes[:, j]) > top - drop:
                    k += 1
                reach.append(k)
            extent.append(range(-reach[0], reach[1] + 1))
        Z = np.array(list(itertools.product(*extent)), dtype=float) * step
        U = mode + Z @ axes.T
        L = np.array([log_post(x) for x in U])
    L = np.where(np.isfinite(L), L, -np.inf)
    keep = L > max(top, L.max()) - drop
    U, L = U[keep], L[keep]
    weights = np.exp(L - L.max())
    return U, weights / weights.sum()


def hyperparameter_sets(f: Fit, m: int = HYPER_SETS, step: float = GRID_STEP) -> HyperSample:
    """The posterior of the hyperparameters as `m` vectors: the grid of `posterior_grid`, then stratified resampling
    with a fixed offset (the vector at each (i + 1/2) / m quantile of the grid's cumulative weights), so the same fit
    always gives the same vectors. With m = 1, the MLE alone (the plug-in posterior)."""
    if m <= 1:
        return HyperSample([f.params], np.ones(1))
    U, w = posterior_grid(f, step)
    pick = np.searchsorted(np.cumsum(w), (0.5 + np.arange(m)) / m).clip(max=len(w) - 1)
    chosen, counts = np.unique(pick, return_counts=True)
    model = model_of(f.series, f.y, f.h)
    return HyperSample([model.transform_params(U[i]) for i in chosen], counts / m, float(1 / (w**2).sum()), len(w))


def approximation_ess_share(f: Fit, draws: dict) -> float:
    """How good the approximating Gaussian model is: the effective sample size of importance weights (binomial
    likelihood over its Gaussian approximation, per path) as a share of the paths. 1 means the approximation is
    exact; well above 0.5 means the reported intervals would not move if the exact binomial likelihood were used.
    NaN for an index without counts."""
    from scipy import stats
    if not f.series.counts:
        return float("nan")
    theta = draws["theta"]
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


def _mixture_quantile(means: np.ndarray, sds: np.ndarray, q: float, weights: np.ndarray) -> np.ndarray:
    """Per column, the q-quantile of a mixture of normals (rows: components, with `weights`), by bisection."""
    from scipy.stats import norm
    lo, hi = (means - 8 * sds).min(axis=0), (means + 8 * sds).max(axis=0)
    for _ in range(60):
        mid = (lo + hi) / 2
        below = weights @ norm.cdf((mid[None, :] - means) / sds) < q
        lo, hi = np.where(below, mid, lo), np.where(below, hi, mid)
    return (lo + hi) / 2


def monthly_table(series: Series, posts: list[Posterior], weights: np.ndarray) -> pd.DataFrame:
    """Per month: observed share, latent share (posterior median, under the month's counting rules) with its 95%
    band and P(PyTorch ahead), and the break-adjusted share (median) — exact given each
    hyperparameter vector (the logit is then Gaussian), mixed over the vectors with their posterior `weights`, and
    mapped through the logistic function."""
    from scipy.stats import norm

    def moments(attr: str) -> tuple[np.ndarray, np.ndarray]:
        got = [p.moments(getattr(p, attr)) for p in posts]
        return np.array([g[0] for g in got]), np.maximum(np.array([g[1] for g in got]), 1e-12)

    (m, sd), (ma, sda) = moments("A_theta_obs"), moments("A_adjusted_obs")
    return pd.DataFrame({"month": series.months, "observed_share": series.observed, "pt_plus_tf": series.total,
                         "latent_share": logistic(_mixture_quantile(m, sd, 0.5, weights)),
                         "latent_share_low": logistic(_mixture_quantile(m, sd, 0.025, weights)),
                         "latent_share_high": logistic(_mixture_quantile(m, sd, 0.975, weights)),
                         "ahead_prob": weights @ norm.sf(0, loc=m, scale=sd),
                         "adjusted_share": logistic(_mixture_quantile(ma, sda, 0.5, weights))})


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
    return pd.DataFrame({"month": series.months, "observed_share": series.observed, "pt_plus_tf": series.total,
                         "latent_share": nan, "latent_share_low": lo, "latent_share_high": hi, "ahead_prob": nan,
                         "adjusted_share": nan})


ONSET_WINDOW = (AFTER_LAUNCH, "2020-12")  # from the month after PyTorch's launch months to 2020
RISE_YEARS = (2017, 2018)              # "the rise began in early 2018": was 2018's gain larger than 2017's?
ONSET_MARGIN = 3                       # a hinge at least this many months from the window's ends


@dataclass
class Summary:
    """What a signal's posterior says, from `N_DRAWS` paths over the hyperparameter posterior (paths not kept)."""
    series: Series
    fit: Fit
    monthly: pd.DataFrame   # monthly_table
    years: dict             # year -> year_summary: the year's pooled latent share, interval, P(ahead)
    changes: dict           # year -> change_summary: change within the year, 95% and 90% intervals, P(fall)
    crossovers: dict        # rule id -> crossover.summary (with its `distribution` over all paths) ...
    crossings: dict         # ... and the rule's finding on every path (crossover.Crossings)
    onset: dict             # onset summary, with its `distribution` over all paths
    approximation: float    # approximation_ess_share
    rise: dict              # rise_summary: PyTorch's gain per year in 2017 (launch months left out) and in 2018
    ess: float = float("nan")  # effective number of hyperparameter grid points ...
    n_hyper_points: int = 1    # ... of this many


def year_months(months: list[str]) -> dict[int, list[int]]:
    """Calendar year -> indices of its months in `months`."""
    out: dict[int, list[int]] = {}
    for i, m in enumerate(months):
        out.setdefault(int(m[:4]), []).append(i)
    return out


def change_months(months: list[str]) -> dict[int, list[int]]:
    """Calendar year -> indices of the months a within-year change reads: the year's months, PyTorch's launch months
    left out (its first year's change is read from AFTER_LAUNCH, as the rise's gains are)."""
    return {y: [i for i in idx if months[i] >= AFTER_LAUNCH] for y, idx in year_months(months).items()}


def year_values(share: np.ndarray, idx: list[int], weights: np.ndarray | None = None) -> np.ndarray:
    """Per path: the year's pooled share over the months `idx`: sum of weight x share over the sum of weights (the
    pair's counts: PyTorch's latent count over the pair's), or the plain mean without weights."""
    if weights is None:
        return share[:, idx].mean(axis=1)
    w = np.asarray(weights, float)[idx]
    return share[:, idx] @ w / w.sum()


def change_values(share: np.ndarray, idx: list[int], positions=None) -> np.ndarray:
    """Per path: the change of the share from the first to the last of the months `idx`, along a least-squares line
    through them at their calendar `positions` (default: `idx` itself; a fraction: 0.01 is one share point)."""
    i = np.asarray(idx if positions is None else positions, dtype=float)
    x = i - i.mean()
    v = share[:, idx]
    return (v - v.mean(axis=1, keepdims=True)) @ x / (x @ x) * (i[-1] - i[0])


def slope_values(share: np.ndarray, idx: list[int]) -> np.ndarray:
    """Per path: the least-squares slope of the share over the consecutive calendar months `idx`, per year (a
    fraction: 0.05 is five share points a year)."""
    return change_values(share, idx) / (idx[-1] - idx[0]) * 12


def rise_summary(gains: np.ndarray) -> dict:
    """Paths x RISE_YEARS gains per year: each year's mean and 95% interval, and P(the second year's gain is the
    larger)."""
    out = {}
    for j, y in enumerate(RISE_YEARS):
        lo, hi = interval(gains[:, j])
        out |= {f"gain_per_year_{y}": float(gains[:, j].mean()), f"gain_per_year_{y}_low": lo,
                f"gain_per_year_{y}_high": hi}
    return out | {f"faster_prob_{RISE_YEARS[1]}": float((gains[:, 1] > gains[:, 0]).mean())}


def spans_break(series: Series, idx: list[int]) -> bool:
    """Do the months `idx` lie under more than one set of counting rules (a break shift starts or ends inside)?"""
    D = series.D[idx]
    return bool(D.shape[1]) and bool((D != D[:1]).any())


def year_summary(values: np.ndarray, months: int) -> dict:
    lo, hi = interval(values)
    return {"months": months, "share": float(values.mean()), "low": lo, "high": hi,
            "ahead_prob": float((values > 0.5).mean())}


def change_summary(values: np.ndarray, months: int) -> dict:
    lo, hi = interval(values)
    lo90, hi90 = interval(values, 0.90)
    return {"months": months, "change": float(values.mean()), "low": lo, "high": hi, "low90": lo90, "high90": hi90,
            "fall_prob": float((values < 0).mean())}


RULES = {PRIMARY: lambda s, series: crossover.window_rule(s, series.calendar_weights, np.arange(series.n_calendar)),
         VARIANT: lambda s, series: crossover.ahead_rule(s, np.arange(series.n_calendar))}


def summarise(f: Fit, n: int = N_DRAWS, seed: int = SEED, hyper_sets: int = HYPER_SETS,
              grid_step: float = GRID_STEP, monthly: bool = True) -> Summary:
    """Draw `n` paths over the hyperparameter posterior (`hyper_sets` vectors from the grid of `grid_step`, paths in
    proportion to their weights) and keep what the reports need: monthly bands, year shares (the year's pooled latent
    share under each month's rules) and within-year changes (on the break-adjusted share where the year spans a
    break) for every year in the data, each crossover rule's finding (latent share) and the onset (break-adjusted
    share), and the approximation check. With `monthly` False (the calibration study), neither the monthly bands nor
    the approximation check."""
    from .trend_tests import hinge_batch
    series = f.series
    calendar = crossover.labels(series.months)
    by_year, by_change = year_months(series.months), change_months(series.months)
    shares = {y: [] for y in by_year}
    changes = {y: [] for y, idx in by_change.items() if len(idx) >= 3}
    found = {rule: [] for rule in RULES}
    taus, posts, used, rises = [], [], [], []
    rise_idx = [[i for i in range(len(calendar)) if calendar[i].startswith(str(y)) and calendar[i] >= AFTER_LAUNCH]
                for y in RISE_YEARS]  # calendar months: the gains and the onset read every month, observed or not
    window = [i for i, m in enumerate(calendar) if ONSET_WINDOW[0] <= m <= ONSET_WINDOW[1]]
    sample = hyperparameter_sets(f, hyper_sets, grid_step)  # fixed for a fit: only the paths vary with `seed`
    for j, (params, k) in enumerate(zip(sample.params, sample.allocate(n), strict=True)):
        if k == 0:
            continue
        post = posterior(f, params)
        posts.append(post)
        used.append(sample.weights[j])
        d = post.draws(int(k), seed=seed + j)
        s, adjusted = logistic(d["theta"]), logistic(d["adjusted"])
        s_cal, adjusted_cal = logistic(d["theta_calendar"]), logistic(d["adjusted_calendar"])
        for y, idx in by_year.items():
            shares[y].append(year_values(s, idx, series.total))
        for y in changes:
            idx = by_change[y]
            changes[y].append(change_values(adjusted if spans_break(series, idx) else s, idx, series.cal[idx]))
        for rule, apply in RULES.items():
            found[rule].append(apply(s_cal, series))
        if all(len(i) >= 6 for i in rise_idx):
            rises.append(np.column_stack([slope_values(adjusted_cal, i) for i in rise_idx]))
        if len(window) >= ONSET_MARGIN * 2 + 6:
            taus.append(hinge_batch(adjusted_cal[:, window], margin=ONSET_MARGIN, accelerating=True))
    weights = np.array(used) / np.sum(used)
    approx = approximation_ess_share(f, posterior(f).draws(min(n, 2000), seed=seed)) if monthly else float("nan")
    years = {y: year_summary(np.concatenate(v), len(by_year[y]))
             | {"observed_share": float(series.pt[by_year[y]].sum() / series.total[by_year[y]].sum())}
             for y, v in shares.items()}
    crossings = {rule: crossover.Crossings(*(np.concatenate([getattr(c, k) for c in got])
                                             for k in ("kind", "month", "decidable_from")), got[0].n_calendar)
                 for rule, got in found.items()}
    return Summary(series, f, monthly_table(series, posts, weights) if monthly else pd.DataFrame(), years,
                   {y: change_summary(np.concatenate(v), len(by_change[y])) for y, v in changes.items()},
                   {rule: crossover.summary(c, series.months, rule == PRIMARY) for rule, c in crossings.items()}, crossings,
                   _onset_summary(calendar, np.concatenate(taus), window) if taus else {"months": len(window)},
                   approx, rise_summary(np.concatenate(rises)) if rises else {}, sample.ess, sample.points)


def fit_trend_free(series: Series) -> np.ndarray:
    """The null of the whole-series trend test, fitted: a constant level plus AR(1) deviations, irregulars and the
    counting noise (no slope at all), by maximum likelihood on the empirical logits. Returns its (phi, s2_ar,
    s2_irregular, level). Under a real trend the AR(1) part absorbs it (phi near 1), so the null it implies is wide
    and the test keeps its level; under no trend it estimates the noise itself."""
    y, h = _observation(series, None)
    model = model_of(series, y, h, trend=False)
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        res = model.fit_constrained({"s2_slope": 0.0}, start_params=model.start_params[1:], disp=False, maxiter=500)
        level = float(res.smoothed_state[0, -1])
    _, phi, s2_ar, s2_irr = (float(p) for p in res.params)
    return np.array([phi, s2_ar, s2_irr, level])


def trend_free_series(series: Series, n_sim: int | None = None, seed: int | None = None) -> np.ndarray:
    """Trend-free observed-share series like `series` (same months and counts), from the null model fitted to it
    (`fit_trend_free`): what the whole-series Mann-Kendall test compares the observed shares with. No trend, but the
    documented `changes_mix` breaks may still shift the share: each null series carries shifts drawn from their
    priors, as the observed shares carry theirs."""
    from . import trend_tests
    phi, s2_ar, s2_irr, level = fit_trend_free(series)
    noise = trend_tests.Noise(phi, s2_ar, s2_irr, series.total, series.counts, series.cal)
    n_sim, seed = n_sim or trend_tests.N_NULL, trend_tests.SEED if seed is None else seed
    if series.D.shape[1]:
        shifts = np.random.default_rng(seed + 1).normal(series.prior_mean, series.prior_sd,
                                                        (n_sim, series.D.shape[1]))
        level = level + shifts @ series.D.T
    return trend_tests.trend_free(noise, level, n_sim, seed)


def trend_free(f: Fit, idx, n_sim: int | None = None, seed: int | None = None) -> np.ndarray:
    """Trend-free observed-share series over the months `idx` of a fitted signal (the null of its trend tests): its
    fitted noise (AR(1) deviations, irregulars, counting noise at the real monthly counts) around the months' mean
    fitted logit."""
    from . import trend_tests
    idx = list(idx)
    _, phi, s2_ar, s2_irr = (float(p) for p in f.params)
    noise = trend_tests.Noise(phi, s2_ar, s2_irr, f.series.total[idx], f.series.counts, f.series.cal[idx])
    return trend_tests.trend_free(noise, float(np.mean(f.y[idx])), n_sim or trend_tests.N_NULL,
                                  trend_tests.SEED if seed is None else seed)


def quantile_month(idx: np.ndarray, months: list[str], q: float, side: str = "") -> str:
    """The month at the q-quantile of month indices `idx` (seed-stable at an interval end, see
    `crossover.stable_quantile`); "" where the quantile lies past the last month (an onset "no acceleration")."""
    k = crossover.stable_quantile(idx, q, side)
    return "" if k >= len(months) else months[k]


def _onset_summary(calendar: list[str], taus: np.ndarray, window: list[int], margin: int = ONSET_MARGIN) -> dict:
    """When did PyTorch's rise begin? Per path, the month its break-adjusted share accelerates most: the hinge of a
    broken line fitted over ONSET_WINDOW (on the share scale), among hinges after which the line is steeper (at least
    `margin` months from either end). A path with no acceleration counts as a value after the window (as "not yet" does for the
    crossover), so the median and the 95% interval are over every path and the interval's upper end is empty when
    "no acceleration" lies inside it. Printed only when most paths accelerate. P(no acceleration): paths where no
    hinge steepens the line; P(edge): the hinge at the window's first or last candidate month (no dating inside)."""
    months = [calendar[i] for i in window]
    found = taus[taus >= 0]
    p_none = float(1 - len(found) / len(taus))
    if len(found) < 0.5 * len(taus):
        return {"months": len(window), "onset": "", "onset_low": "", "onset_high": "", "none_prob": p_none,
                "edge_prob": float("nan"), "distribution": taus, "window": months}
    every = np.where(taus >= 0, taus, len(window))

    def month(q: float, side: str = "") -> str:
        return quantile_month(every, months, q, side)

    edge = (found <= margin) | (found >= len(window) - margin - 1)
    return {"months": len(window), "onset": month(0.5), "onset_low": month(0.025, "low"),
            "onset_high": month(0.975, "high"), "none_prob": p_none, "edge_prob": float(edge.mean()), "distribution": taus,
            "window": months}
