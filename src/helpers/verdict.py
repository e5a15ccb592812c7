"""The stakeholder view: the claims scorecard, who led in a year on every signal, and a composite.

The composite puts every popularity signal on one scale (PyTorch's share, 0-1) and averages them with
stated weights; how far it moves under other weightings is part of the result.
"""
from __future__ import annotations

import numpy as np
import pandas as pd

from . import claims, trends
from .trends import smooth

FAMILY = {"Stack Overflow questions": "Q&A sites", "Data Science SE questions": "Q&A sites",
          "GitHub new stars": "GitHub", "GitHub new forks": "GitHub", "GitHub new issues": "GitHub",
          "PyPI downloads": "package installs", "Google Trends interest": "web search",
          "Kaggle survey": "surveys and papers", "Conference papers": "surveys and papers"}
WHY = {"Q&A sites": "people stuck on a problem: heavy for newcomers and for the framework with more users in industry",
       "GitHub": "developers' attention and contributions: researchers and tool builders",
       "package installs": "automated installs (CI, Docker); PyTorch's GPU builds bypass PyPI",
       "web search": "general interest, including students and people just curious",
       "surveys and papers": "self-reported use by Kaggle's data scientists; framework mentions in research papers"}


def scorecard(ms, table, lead_2021, yearly, crossovers, shares, resp, papers) -> pd.DataFrame:
    """Every claim of DESIGN.md section 2 with verdict and evidence, in the design's order.

    The claims are the article's, about 2021, whatever year the report is about: `lead_2021` is
    `leaders(...)` for 2021; `table` (any year's signal table) supplies the year-independent columns.
    """
    kaggle = claims.kaggle_claims(shares, resp).set_index("claim_id")
    rows = {
        "gt_2020_pt_ahead": claims.google_trends_2020(ms),
        "pt_rise_began_2018": claims.rise_2018(table, yearly, crossovers),
        "so_2020_pt_more_questions": claims.so_2020(ms),
        "kaggle_2021_shares": kaggle.loc["kaggle_2021_shares"].to_dict() | {"claim_id": "kaggle_2021_shares"},
        "kaggle_2020_shares": kaggle.loc["kaggle_2020_shares"].to_dict() | {"claim_id": "kaggle_2020_shares"},
        "kaggle_shift_2020_2021": kaggle.loc["kaggle_shift_2020_2021"].to_dict() | {"claim_id": "kaggle_shift_2020_2021"},
        "pt_overtook_2021": claims.overtook(2021, lead_2021, crossovers),
        "tf_better_answered": claims.better_answered(ms),
        "tf_closing_gap_2021": claims.closing_gap(yearly, table),
        "tf_pypi_115m_2020": claims.pypi_115m(ms),
        "he_2019_conference_majority": claims.conference_majority(papers),
    }
    out = pd.DataFrame([rows[c] for c in claims.CLAIMS])
    return out[["claim_id", "verdict", "evidence", "claim"]]


COVERAGE = {"Kaggle survey": "framework question", "Conference papers": "accepted papers"}


def leaders(table: pd.DataFrame, yearly: pd.DataFrame, year: int) -> pd.DataFrame:
    """Who led in `year` on each popularity signal: PyTorch share, 95% interval, leader, family, basis.

    `table`: monthly signals (`signal_tests.signal_table` or `year_table`); `yearly`: `signal_tests.yearly_shares`.
    """
    rows = []
    for _, r in table[table["popularity"]].iterrows():
        if not r["available"] or r.get("year_months", 0) == 0:
            rows.append({"signal": r["signal"], "pytorch_share": np.nan, "low": np.nan, "high": np.nan,
                         "leader": "no data" if not r["available"] else f"not covered in {year}", "basis": ""})
            continue
        rows.append({"signal": r["signal"], "pytorch_share": r["year_mean_share"], "low": r["year_low"],
                     "high": r["year_high"], "leader": r["year_leader"],
                     "basis": f"mean of {int(r['year_months'])} monthly shares; block bootstrap"})
    for name, g in yearly.groupby("signal", sort=False):
        r = g[g["year"] == year]
        if len(r):
            r = r.iloc[0]
            rows.append({"signal": name, "pytorch_share": r["pytorch_share"], "low": float(r["low"]),
                         "high": float(r["high"]), "leader": trends.leader(r["low"], r["high"]), "basis": r["basis"]})
        else:
            rows.append({"signal": name, "pytorch_share": np.nan, "low": np.nan, "high": np.nan, "basis": "",
                         "leader": f"not covered in {year} ({COVERAGE.get(name, 'data')} "
                                   f"{g['year'].min()}-{g['year'].max()})"})
    out = pd.DataFrame(rows)
    out["family"] = out["signal"].map(FAMILY)
    return out


def summary_text(lead: pd.DataFrame, year: int) -> str:
    """Three short paragraphs a stakeholder reads first."""
    have = lead[lead["pytorch_share"].notna()]
    n_pt, n_tf = int((have["leader"] == "PyTorch").sum()), int((have["leader"] == "TensorFlow").sum())
    close = have[have["leader"] == "too close to call"]["signal"].tolist()
    missing = lead[lead["pytorch_share"].isna()]["signal"].tolist()
    if n_pt and not n_tf:
        head = f"In {year}, PyTorch led on every signal with data ({n_pt} of {len(have)})."
    elif n_tf and not n_pt:
        head = f"In {year}, TensorFlow led on every signal with data ({n_tf} of {len(have)})."
    else:
        head = (f"In {year} the signals disagree: PyTorch led on {n_pt} of {len(have)} "
                f"({', '.join(have[have['leader'] == 'PyTorch']['signal'])}), TensorFlow on {n_tf} "
                f"({', '.join(have[have['leader'] == 'TensorFlow']['signal'])}).")
    why = ("They measure different people: " + "; ".join(
        f"{fam} — {WHY[fam]}" for fam in have["family"].dropna().unique() if fam in WHY) + ".")
    sure = ("Every leader above is decided by a 95% interval that excludes a tie"
            + (f", except {', '.join(close)}, too close to call" if close else "") + "."
            + (f" No data for {year}: {', '.join(missing)}." if missing else ""))
    return "\n\n".join([head, why, sure])


def composite(shares: dict[str, pd.DataFrame], yearly_series: dict[str, pd.Series], n_draws: int = 1000,
              seed: int = 7) -> tuple[pd.DataFrame, pd.DataFrame]:
    """Monthly composite of PyTorch's share across signals under several weightings.

    `shares`: signal -> monthly table (month, share); `yearly_series`: signal -> share by year (spread over
    that year's months). Schemes: equal weight per signal; equal weight per family; each signal left out;
    and 1000 random Dirichlet(1) weightings (their 2.5-97.5% range). Only months where every included
    signal has data enter a scheme (weights renormalised over the signals present that month).
    """
    wide = pd.DataFrame({n: smooth(s.set_index("month")["share"]) for n, s in shares.items()})
    for name, by_year in yearly_series.items():
        months = pd.Series(wide.index, index=wide.index)
        wide[name] = months.str[:4].astype(int).map(by_year)
    wide = wide.sort_index()

    def combine(weights: pd.Series) -> pd.Series:
        w = wide.notna().mul(weights.reindex(wide.columns).fillna(0), axis=1)
        return (wide.fillna(0) * w).sum(axis=1) / w.sum(axis=1).replace(0, np.nan)

    schemes = {"equal per signal": pd.Series(1.0, index=wide.columns)}
    fam = pd.Series({c: FAMILY.get(c, c) for c in wide.columns})
    schemes["equal per family"] = 1 / fam.map(fam.value_counts())
    for c in wide.columns:
        schemes[f"without {c}"] = pd.Series(1.0, index=wide.columns).drop(c)
    out = pd.DataFrame({name: combine(w) for name, w in schemes.items()})
    rng = np.random.default_rng(seed)
    draws = np.stack([combine(pd.Series(rng.dirichlet(np.ones(len(wide.columns))), index=wide.columns)).to_numpy()
                      for _ in range(n_draws)])
    out["random weights 2.5%"] = np.nanpercentile(draws, 2.5, axis=0)
    out["random weights 97.5%"] = np.nanpercentile(draws, 97.5, axis=0)
    out = out[wide.notna().sum(axis=1) >= 3]  # at least three signals in the month
    crossings = pd.DataFrame([{"scheme": c, "crossover": _first_stay_above(out[c])} for c in out.columns
                              if not c.startswith("random")])
    return out.reset_index().rename(columns={"index": "month"}), crossings


def _first_stay_above(s: pd.Series) -> str:
    above = (s > 0.5).to_numpy()
    if not len(above) or not above[-1]:
        return ""
    below = np.flatnonzero(~above)
    return str(s.index[below[-1] + 1] if len(below) else s.index[0])
