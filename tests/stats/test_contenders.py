"""The three-way model: its joint posterior against the two-way one (known answers), shares that sum to one, the
PyTorch-vs-TensorFlow share it implies against the two-way model's on the real signals, JAX's crossover, and the
survey comparisons of three contenders."""
from __future__ import annotations

import numpy as np
import pandas as pd
import pytest

from conftest import REPO
from helpers.registry.signals import SIGNAL_BY_ID, THREE_WAY
from helpers.sources import best_of_ml_python, pypi
from helpers.stats import contenders as ct
from helpers.stats import share_model as sm


def toy_counts(months, pt, tf, jax) -> pd.DataFrame:
    rows = [{"source_id": "pypi", "metric": "downloads", "framework": fw, "month": m, "value": float(v),
             "break_id": "", "break_kind": ""}
            for fw, vals in (("torch", pt), ("tensorflow", tf), ("jax", jax)) for m, v in zip(months, vals, strict=True)
            if np.isfinite(v)]
    return pd.DataFrame(rows)


def test_every_signal_counting_jax_declares_its_items():
    assert {s.id for s in THREE_WAY} >= {"pypi_downloads", "github_dependents"}
    for s in THREE_WAY:
        assert s.contenders == ("pytorch", "tensorflow", "jax") and s.items_of("jax")


def test_without_shared_counting_noise_the_joint_posterior_is_the_two_way_one():
    """The log-ratios share only the reference's counting noise: with a reference counted without noise the joint
    posterior of PyTorch's log-ratio is its two-way posterior exactly; with the real count, close to it."""
    months = [str(p) for p in pd.period_range("2019-01", periods=36, freq="M")]
    rng = np.random.default_rng(1)
    pt, tf, jax = (rng.poisson(lam, 36).astype(float) for lam in (400, 900, 60))
    c = ct.contest(toy_counts(months, pt, tf, jax), SIGNAL_BY_ID["pypi_downloads"])
    params = {fw: f.params for fw, f in c.fits.items()}
    joint = ct.JointPosterior(c, params)
    pt_alone = sm.Posterior(c.fits["pytorch"].y, c.fits["pytorch"].h, c.series["pytorch"], params["pytorch"])
    a0, a1 = joint.block["pytorch"]
    # with the shared months the PyTorch block moves only through the reference's counting noise: close, not equal
    assert np.allclose(joint.mean[a0:a1] @ joint.lats["pytorch"].A_theta.T,
                       pt_alone.mean @ pt_alone.A_theta.T, atol=0.02)
    c.counts.loc[:, "tensorflow"] = 1e12  # a reference counted without noise: no covariance left
    joint = ct.JointPosterior(c, params)
    assert np.allclose(joint.mean[a0:a1] @ joint.lats["pytorch"].A_theta.T,
                       pt_alone.mean @ pt_alone.A_theta.T, atol=1e-6)


def test_shares_of_three_sum_to_one_and_lead_probabilities_too():
    months = [str(p) for p in pd.period_range("2019-01", periods=30, freq="M")]
    t = np.arange(30)
    ms = toy_counts(months, 300 + 20 * t, 900 - 10 * t, 50 + 5 * t)
    c = ct.contest(ms, SIGNAL_BY_ID["pypi_downloads"])
    p = ct.simulate(c, n=2000, hyper_sets=4)
    rows = pd.DataFrame(ct.year_rows(p))
    for _, g in rows.groupby("year"):
        assert g["framework_share"].sum() == pytest.approx(1, abs=1e-9) and g["lead_prob"].sum() == pytest.approx(1)
        assert (g["framework_share_low"] <= g["framework_share"]).all()
        assert (g["framework_share"] <= g["framework_share_high"]).all()
    by = rows.set_index(["year", "framework"])
    # PyTorch passes TensorFlow in month 20 (300 + 400 vs 900 - 200): 2019 TensorFlow's, 2021 PyTorch's
    assert by.loc[(2019, "tensorflow"), "lead_prob"] > 0.99 and by.loc[(2021, "pytorch"), "lead_prob"] > 0.99
    jax = pd.DataFrame(ct.crossover_rows(p)).set_index("framework").loc["jax"]
    assert jax["outcome_id"] == "not_yet" and jax["not_yet_prob"] > 0.99 and "not yet" in jax["summary"]


@pytest.mark.parametrize("signal_id", ["pypi_downloads", "github_dependents"])
def test_the_three_way_model_leaves_the_two_way_share_where_it_was(signal_id):
    """PyTorch's pooled share of PyTorch + TensorFlow per year from the K-way paths against the two-way model of the
    same log-ratio (same months, same hyperparameter grid): within 0.05 share points on the real data."""
    raw = REPO / "data" / "raw"
    ms = pd.concat([pypi.build(raw)["monthly_pypi"], best_of_ml_python.build(raw)["monthly_best_of_ml_python"]])
    c = ct.contest(ms, SIGNAL_BY_ID[signal_id])
    p = ct.simulate(c, n=4000, hyper_sets=8)
    two_way = sm.summarise(c.fits["pytorch"], n=4000, hyper_sets=8, monthly=False).years
    for y, v in p.pairwise.items():
        assert abs(v.mean() - two_way[y]["share"]) < 5e-4, (y, v.mean(), two_way[y]["share"])
