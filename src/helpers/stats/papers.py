"""Conference papers analysed: PyTorch's share among papers naming only one framework, with Wilson intervals,
pooled by year (with and without ICLR's submission rows), and a one-sided binomial test per conference.

Input: the `conference_papers` table (`sources.conferences`): conference, year, n_pytorch_papers,
n_tensorflow_papers, n_papers, papers_are (`accepted` or `submissions`).
"""
from __future__ import annotations

import numpy as np
import pandas as pd
from scipy.stats import binomtest

from .proportions import wilson


def shares(df: pd.DataFrame, group: list[str]) -> pd.DataFrame:
    """PyTorch share among framework-naming papers (only-PT / (only-PT + only-TF)) with Wilson intervals."""
    g = df.groupby(group, as_index=False)[["n_pytorch_papers", "n_tensorflow_papers", "n_papers"]].sum()
    n = g["n_pytorch_papers"] + g["n_tensorflow_papers"]
    g["named"] = n
    g["pytorch_share"] = g["n_pytorch_papers"] / n.where(n > 0)
    lo, hi = wilson(g["n_pytorch_papers"], n.where(n > 0, 1))
    g["pytorch_share_low"], g["pytorch_share_high"] = np.where(n > 0, lo, np.nan), np.where(n > 0, hi, np.nan)
    return g


def pooled_by_year(df: pd.DataFrame) -> pd.DataFrame:
    """Per year, all conferences pooled: with the ICLR submission rows, and accepted papers only."""
    both = shares(df, ["year"]).assign(papers="all rows")
    accepted = shares(df[df["papers_are"] == "accepted"], ["year"]).assign(papers="accepted only")
    return pd.concat([both, accepted], ignore_index=True).sort_values(["papers", "year"], ignore_index=True)


def majority_test(df: pd.DataFrame, year: int) -> pd.DataFrame:
    """Per conference in `year`: PyTorch share and one-sided binomial tests of share > 1/2 (`p_majority`) and of
    share < 1/2 (`p_minority`)."""
    s = shares(df[df["year"] == year], ["conference"])
    for col, side in (("p_majority", "greater"), ("p_minority", "less")):
        s[col] = [binomtest(int(k), int(n), 0.5, alternative=side).pvalue if n else np.nan
                  for k, n in zip(s["n_pytorch_papers"], s["named"], strict=True)]
    return s

