"""The movement shared by different audiences: one trend common to every popularity signal.

For signal i in month t (logit of PyTorch's share, its working observation from the signal's own model, with that
model's counting-noise variance h_it):

    y_it = a_i + m_t + d_it + breaks_i(t) + noise(h_it)
    m_{t+1} = m_t + b_t,  b_{t+1} = b_t + z_t          the common trend (smooth)
    d_{i,t+1} = phi_i d_it + k_it                     signal i's own persistent deviation
    sum_i a_i = 0                                     offsets: how far each audience sits from the common movement

**What it estimates.** The common share logistic(m_t) is the share of a *typical* signal: an equal-weight average
over audiences on the logit scale (offsets averaging zero), not a pooled count — 260 ICML papers weigh as much as
167 million downloads, because each signal is one audience. Each signal's break shifts enter with its own priors, so
the common trend is break-adjusted. Its answer depends on which audiences are in it (the offsets drift: stars sit
above forks in 2017 and below them in 2025), so the posterior is recomputed leaving out one signal at a time
(`leave_one_out`, hyperparameters held): the spread of those crossovers is the composition uncertainty,
shown beside the interval, and the claims read them for their "without X" variants. A signal that enters or
leaves (conference papers end in 2021, Stack Overflow in 2023-05) changes the data behind the common share, not its
level.
Yearly signals (Kaggle, conference papers) are observations of their year at one month (Kaggle: the survey's
fielding month; papers: mid-year), with a Wilson-scale variance from their counts. Process signals (GitHub PRs) are
left out. Hyperparameters (the trend's slope variance, each signal's phi and deviation variance) are fitted by
maximum likelihood (statsmodels, Kalman filter with the missing months); paths come from the exact joint posterior.
"""
from __future__ import annotations

import warnings

import numpy as np
import pandas as pd
import scipy.linalg as sla
from statsmodels.tsa.statespace.initialization import Initialization
from statsmodels.tsa.statespace.mlemodel import MLEModel

from ..registry.crossover import describe_record
from ..registry.signals import COMMON_TREND, PYTORCH_RELEASE
from . import crossover
from . import share_model as sm

N_DRAWS = 2000
SURVEY_MONTH = {"kaggle_survey": 10, "conference_papers": 7}  # month a yearly observation stands for
MAX_DEVIATION_PHI = 0.97  # deviations from the shared movement revert (half-life about two years)
YEARLY_PHI = 0.9  # a yearly signal's monthly persistence cannot be estimated from one point a year: fixed


class CommonTrendModel(MLEModel):
    """States: common level, common slope, k-1 offsets, break effects, k AR(1) deviations."""

    def __init__(self, Y: np.ndarray, H: np.ndarray, D: list[np.ndarray], yearly: list[bool],
                 prior: tuple[np.ndarray, np.ndarray] | None = None):
        T, k = Y.shape
        K = sum(d.shape[1] for d in D)
        n_states = 2 + (k - 1) + K + k
        super().__init__(Y, k_states=n_states, k_posdef=1 + k)
        # the observation noise is diagonal: filtering one series at a time gives the same likelihood, a third faster
        self.ssm.set_filter_method(filter_univariate=True)
        self.k, self.K, self.H, self.yearly = k, K, H, np.asarray(yearly)
        design = np.zeros((k, n_states, T))
        j = 2 + (k - 1)
        for i in range(k):
            design[i, 0, :] = 1.0
            if i < k - 1:
                design[i, 2 + i, :] = 1.0
            else:
                design[i, 2:2 + k - 1, :] = -1.0
            if D[i].shape[1]:
                design[i, j:j + D[i].shape[1], :] = D[i].T
                j += D[i].shape[1]
            design[i, 2 + (k - 1) + K + i, :] = 1.0
        self["design"] = design
        transition = np.eye(n_states)
        transition[0, 1] = 1.0
        self["transition"] = transition
        selection = np.zeros((n_states, 1 + k))
        selection[1, 0] = 1.0
        for i in range(k):
            selection[2 + (k - 1) + K + i, 1 + i] = 1.0
        self["selection"] = selection
        self["obs_cov"] = np.zeros((k, k, T))
        init = Initialization(n_states)
        init.set((0, 2 + (k - 1)), "diffuse")
        if K:  # the break shifts: each signal's prior (`share_model.Series.prior_mean`, `prior_sd`)
            mean, sd = prior if prior is not None else (np.zeros(K), np.full(K, 1e3))
            init.set((2 + (k - 1), 2 + (k - 1) + K), "known", constant=mean, stationary_cov=np.diag(sd**2))
        init.set((2 + (k - 1) + K, n_states), "stationary")
        self.ssm.initialization = init
        self._n_free = 1 + k + int((~self.yearly).sum())

    @property
    def param_names(self):
        return (["s2_slope"] + [f"s2_dev_{i}" for i in range(self.k)]
                + [f"phi_{i}" for i in range(self.k) if not self.yearly[i]])

    @property
    def start_params(self):
        return np.r_[1e-4, np.full(self.k, 0.02), np.full(int((~self.yearly).sum()), 0.7)]

    def transform_params(self, u):
        u = np.clip(u, -40, 20)
        k = self.k
        return np.r_[np.exp(u[:1 + k]), MAX_DEVIATION_PHI * np.tanh(u[1 + k:])]

    def untransform_params(self, p):
        p = np.asarray(p, float)
        k = self.k
        return np.r_[np.log(np.maximum(p[:1 + k], 1e-17)),
                     np.arctanh(np.clip(p[1 + k:] / MAX_DEVIATION_PHI, -0.999999, 0.999999))]

    def phis(self, params) -> np.ndarray:
        out = np.full(self.k, YEARLY_PHI)
        out[~self.yearly] = params[1 + self.k:]
        return out

    def update(self, params, **kwargs):
        params = super().update(params, **kwargs)
        k = self.k
        self["state_cov"] = np.diag(params[:1 + k])
        first = 2 + (k - 1) + self.K
        for i, phi in enumerate(self.phis(params)):
            self["transition", first + i, first + i] = phi
        cov = np.zeros((k, k, self.H.shape[0]))
        cov[np.arange(k), np.arange(k), :] = self.H.T
        self["obs_cov"] = cov


def _grid(results: dict, yearly: pd.DataFrame) -> list[str]:
    last = max(r.series.months[-1] for r in results.values())
    first_year = min(int(g["year"].min()) for _, g in yearly.groupby("signal_id")) if len(yearly) else 2017
    start = min(PYTORCH_RELEASE, f"{max(first_year, 2017)}-01")
    return [str(p) for p in pd.period_range(start, last, freq="M")]


def assemble(results: dict, yearly: pd.DataFrame) -> tuple[list[str], list[str], np.ndarray, np.ndarray, list, list,
                                                           tuple[np.ndarray, np.ndarray]]:
    """The common month grid, signal ids, observations Y and variances H (T x k, NaN where missing), break
    designs per signal, which signals are yearly, and the break shifts' prior means and s.d.s (all signals)."""
    pop = {n: r for n, r in results.items() if r.signal.popularity}
    months = _grid(pop, yearly)
    pos = {m: i for i, m in enumerate(months)}
    names, cols_y, cols_h, D, is_yearly, prior_mean, prior_sd = [], [], [], [], [], [], []
    for name, r in pop.items():
        y, h = np.full(len(months), np.nan), np.ones(len(months))
        idx = [pos[m] for m in r.series.months]
        y[idx], h[idx] = r.fit.y, r.fit.h
        d = np.zeros((len(months), r.series.D.shape[1]))
        d[idx] = r.series.D
        names.append(name), cols_y.append(y), cols_h.append(h), D.append(d), is_yearly.append(False)
        prior_mean.append(r.series.prior_mean), prior_sd.append(r.series.prior_sd)
    for name, g in yearly.groupby("signal_id", sort=False):
        y, h = np.full(len(months), np.nan), np.ones(len(months))
        for _, row in g.iterrows():
            m = f"{int(row['year'])}-{SURVEY_MONTH.get(name, 7):02d}"
            if m in pos:
                k, n = float(row["pytorch"]), float(row["named"])
                y[pos[m]] = np.log((k + 0.5) / (n - k + 0.5))
                h[pos[m]] = 1 / (k + 0.5) + 1 / (n - k + 0.5)
        names.append(name), cols_y.append(y), cols_h.append(h), D.append(np.zeros((len(months), 0)))
        is_yearly.append(True)
    prior = (np.concatenate([np.zeros(0), *prior_mean]), np.concatenate([np.zeros(0), *prior_sd]))
    return months, names, np.column_stack(cols_y), np.column_stack(cols_h), D, is_yearly, prior


def fit(results: dict, yearly: pd.DataFrame) -> dict:
    months, names, Y, H, D, is_yearly, prior = assemble(results, yearly)
    model = CommonTrendModel(Y, H, D, is_yearly, prior)
    start = model.start_params
    monthly_index = 0
    for i, name in enumerate(names):  # each signal's own fit is a good start for its deviation process
        r = results.get(name)
        if r is not None:
            start[1 + i] = r.fit.params[2] + r.fit.params[3]
            start[1 + len(names) + monthly_index] = min(max(r.fit.params[1], 0.1), 0.9)
            monthly_index += 1
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        res = model.fit(start_params=start, disp=False, maxiter=300)
    return {"months": months, "names": names, "Y": Y, "H": H, "D": D, "prior": prior, "model": model,
            "params": res.params,
            "converged": bool(res.mle_retvals.get("converged", True)), "llf": float(res.llf)}


def draws(f: dict, n: int = N_DRAWS, seed: int = sm.SEED) -> dict[str, np.ndarray]:
    """Joint posterior draws of the common trend (n x T) and the offsets (n x k), by the dense Gaussian algebra
    of share_model.Posterior extended to several signals."""
    model, params, Y, H, D = f["model"], f["params"], f["Y"], f["H"], f["D"]
    T, k = Y.shape
    s2_slope, s2_dev, phis = params[0], params[1:1 + k], model.phis(params)
    t = np.arange(T, dtype=float)
    G = np.maximum(0.0, t[:, None] - np.arange(T - 2)[None, :] - 1) if s2_slope > 1e-12 else np.zeros((T, 0))
    K = sum(d.shape[1] for d in D)
    n_fixed = 2 + (k - 1) + K
    n_unknown = n_fixed + G.shape[1] + k * T
    rows, ys, ws = [], [], []
    j = 2 + (k - 1)
    for i in range(k):
        obs = np.flatnonzero(~np.isnan(Y[:, i]))
        X = np.zeros((len(obs), n_unknown))
        X[:, 0], X[:, 1] = 1.0, t[obs]
        if i < k - 1:
            X[:, 2 + i] = 1.0
        else:
            X[:, 2:2 + k - 1] = -1.0
        if D[i].shape[1]:
            X[:, j:j + D[i].shape[1]] = D[i][obs]
            j += D[i].shape[1]
        X[:, n_fixed:n_fixed + G.shape[1]] = G[obs]
        X[np.arange(len(obs)), n_fixed + G.shape[1] + i * T + obs] = 1.0
        rows.append(X), ys.append(Y[obs, i]), ws.append(1 / np.maximum(H[obs, i], 1e-8))
    X, y, w = np.vstack(rows), np.concatenate(ys), np.concatenate(ws)
    P = (X * w[:, None]).T @ X
    rhs = X.T @ (w * y)
    if K:  # the break shifts' priors
        mean, sd = f["prior"]
        b = slice(2 + (k - 1), n_fixed)
        P[b, b] += np.diag(1 / sd**2)
        rhs[b] += mean / sd**2
    if G.shape[1]:
        P[n_fixed:n_fixed + G.shape[1], n_fixed:n_fixed + G.shape[1]] += np.eye(G.shape[1]) / s2_slope
    base = n_fixed + G.shape[1]
    for i in range(k):
        phi = phis[i]
        Q = np.diag(np.r_[1.0, np.full(T - 2, 1 + phi**2), 1.0]) - phi * (np.eye(T, k=1) + np.eye(T, k=-1))
        P[base + i * T:base + (i + 1) * T, base + i * T:base + (i + 1) * T] += Q / max(s2_dev[i], 1e-10)
    chol = np.linalg.cholesky(P)
    mean = sla.cho_solve((chol, True), rhs)
    z = np.random.default_rng(seed).standard_normal((n_unknown, n))
    v = mean[:, None] + sla.solve_triangular(chol.T, z, lower=False)
    A = np.zeros((T, n_unknown))
    A[:, 0], A[:, 1] = 1.0, t
    A[:, n_fixed:n_fixed + G.shape[1]] = G
    offsets = np.vstack([v[2:2 + k - 1], -v[2:2 + k - 1].sum(axis=0, keepdims=True)]).T
    return {"trend": (A @ v).T, "offsets": offsets}


LOO_DRAWS = 1000  # paths per leave-one-out refit (it reports a crossover month and its year probabilities)


def rule(trend: np.ndarray, months: list[str]) -> crossover.Crossings:
    """The primary crossover rule on the common share's paths: a typical signal has no counts, so every month of a
    window weighs the same."""
    return crossover.window_rule(sm.logistic(trend), np.ones(len(months)), crossover.calendar(months))


def crossing(f: dict, n: int = LOO_DRAWS, seed: int = sm.SEED) -> tuple[dict, crossover.Crossings]:
    """The common trend's crossover summary from a fit, and the rule's finding on every path."""
    c = rule(draws(f, n, seed=seed)["trend"], f["months"])
    return crossover.summary(c, f["months"]), c


def without(f: dict, name: str) -> dict:
    """The fit `f` with signal id `name` left out: its observations, breaks and parameters dropped, every other
    hyperparameter held at the full fit's value (the composition changes, not the smoothing)."""
    keep = [i for i, n in enumerate(f["names"]) if n != name]
    model = f["model"]
    old = dict(zip(model.param_names, f["params"], strict=True))
    yearly = [bool(model.yearly[i]) for i in keep]
    D = [f["D"][i] for i in keep]
    K = [d.shape[1] for d in f["D"]]
    starts = np.cumsum([0, *K])
    mean, sd = f["prior"]
    prior = (np.concatenate([np.zeros(0), *(mean[starts[i]:starts[i + 1]] for i in keep)]),
             np.concatenate([np.zeros(0), *(sd[starts[i]:starts[i + 1]] for i in keep)]))
    sub = CommonTrendModel(f["Y"][:, keep], f["H"][:, keep], D, yearly, prior)
    params = np.r_[old["s2_slope"], [old[f"s2_dev_{i}"] for i in keep],
                   [old[f"phi_{i}"] for i in keep if not model.yearly[i]]]
    return {**f, "names": [f["names"][i] for i in keep], "Y": f["Y"][:, keep], "H": f["H"][:, keep], "D": D,
            "prior": prior, "model": sub, "params": params}


def leave_one_out(f: dict) -> tuple[pd.DataFrame, pd.DataFrame]:
    """The common trend without each signal in turn (hyperparameters held at the full fit's): per signal left out,
    the crossover with its interval, and P(the crossover falls in year Y). The composition uncertainty."""
    rows, years = [], []
    for name in f["names"]:
        g = without(f, name)
        c, found = crossing(g)
        rows.append({"signal_id": name, **summary_columns(c, g["months"])})
        years += crossover.by_year(name, found, g["months"])
    return (pd.DataFrame(rows),
            pd.DataFrame(years, columns=["signal_id", "rule_id", "outcome_id", "crossover_year", "year_prob"]))


def summary_columns(c: dict, months: list[str]) -> dict:
    """A crossover summary as the common-trend tables hold it, with its reader's words (`summary`)."""
    out = {"outcome_id": c["outcome"], "crossover": c["crossover"], "window_end": c["window_end"],
            "crossover_low": c["crossover_low"], "crossover_high": c["crossover_high"],
            "high_outcome_id": c["high_outcome"], "dated_prob": c["dated_prob"], "not_yet_prob": c["not_yet_prob"],
            "not_decidable_prob": c["not_decidable_prob"], "ahead_since_start_prob": c["ahead_since_start_prob"],
            "decidable_from": c["decidable_from"]}
    return out | {"summary": describe_record(out | {"first_period": months[0]})}


def build(results: dict, yearly: pd.DataFrame) -> dict[str, pd.DataFrame]:
    """The common trend's tables: per month (share, 95% band, P(ahead)), per year, and per signal (offset)."""
    f = fit(results, yearly)
    d = draws(f)
    months, trend = f["months"], d["trend"]
    share = sm.logistic(trend)
    lo, hi = np.quantile(share, [0.025, 0.975], axis=0)
    per_month = pd.DataFrame({"month": months, "common_share": share.mean(axis=0), "common_share_low": lo,
                              "common_share_high": hi,
                              "ahead_prob": (trend > 0).mean(axis=0)})
    found = rule(trend, months)
    c = crossover.summary(found, months)
    years = []
    for year, idx in sm.year_months(months).items():
        ys = sm.year_summary(sm.year_values(share, idx), len(idx))
        years.append({"year": year, "n_months": ys["months"], "common_share": ys["share"],
                      "common_share_low": ys["low"], "common_share_high": ys["high"], "ahead_prob": ys["ahead_prob"]})
    off = d["offsets"]
    offsets = pd.DataFrame({"signal_id": f["names"], "offset": off.mean(axis=0),
                            "offset_low": np.quantile(off, 0.025, axis=0), "offset_high": np.quantile(off, 0.975, axis=0),
                            "sd_deviation": np.sqrt(f["params"][1:1 + len(f["names"])]),
                            "phi": f["model"].phis(f["params"])})
    summary = pd.DataFrame([{**summary_columns(c, months), "n_signals": len(f["names"]), "is_converged": f["converged"],
                             "sd_slope": float(np.sqrt(f["params"][0]))}])
    years_dist = pd.DataFrame(crossover.by_year(COMMON_TREND, found, months))
    loo, loo_years = leave_one_out(f)
    return {"common_trend": per_month, "common_trend_years": pd.DataFrame(years),
            "common_trend_signals": offsets, "common_trend_crossover": summary, "crossover_years": years_dist,
            "common_trend_loo": loo, "common_trend_loo_years": loo_years}
