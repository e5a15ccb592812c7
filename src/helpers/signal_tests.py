"""Per-signal tables for notebook 20: trends, change points, crossovers, leader in a year.

One row per signal with PyTorch's share, so signals can be compared side by side; Holm and
Benjamini-Hochberg adjustments are applied across the popularity signals (the family of tests).
"""
from __future__ import annotations

import numpy as np
import pandas as pd

from . import conferences, survey_shift, trends
from . import signals as sg
from .surveys import wilson

EARLY_END = "2020-12"  # the window in which "when did PyTorch's rise begin" is asked
CROSSOVER_RULE = (f"first month from which the centred {trends.ROLL}-month mean of PyTorch's share stays above 50% "
                  "until the series ends")


def read_table(path) -> pd.DataFrame:
    """A `signal_tests_<year>.csv` written by notebook 20, back as the table `signal_table` returns."""
    return pd.read_csv(path, dtype={"available": bool, "popularity": bool})


def read_crossovers(path) -> pd.DataFrame:
    """`crossovers.csv` back: text columns as strings ('' when empty), `popularity` as bool."""
    c = pd.read_csv(path, keep_default_na=False, na_values=[""], dtype=str).fillna("")
    c["popularity"] = c["popularity"] == "True"
    return c


def shares(ms: pd.DataFrame) -> dict[str, pd.DataFrame]:
    """Signal name -> monthly share table, for the signals present in `ms`."""
    out = {}
    for sig in sg.SIGNALS:
        s = sg.share(ms, sig)
        if len(s):
            out[sig.name] = s
    return out


def signal_table(ms: pd.DataFrame, year: int) -> pd.DataFrame:
    """One row per signal: coverage, trend, seasonality, change points, crossover, leader in `year`."""
    rows = []
    for sig in sg.SIGNALS:
        s = sg.share(ms, sig)
        if s.empty:
            rows.append({"signal": sig.name, "source": sig.source, "popularity": sig.popularity, "available": False})
            continue
        early = s[s["month"] <= EARLY_END]
        cp_early = trends.change_point(early["month"], early["share"])
        row = {"signal": sig.name, "source": sig.source, "metric": sig.metric, "popularity": sig.popularity,
               "available": True, "audience": sig.audience, "first_month": s["month"].iloc[0],
               "last_month": s["month"].iloc[-1], **trends.mann_kendall(s["share"]), **trends.seasonality(s["share"]),
               **trends.change_point(s["month"], s["share"]),
               **{f"early_{k}": v for k, v in cp_early.items()},
               **trends.crossover(s["month"], s["share"]),
               **{f"year_{k}": v for k, v in trends.year_leader(s["month"], s["share"], year).items()},
               "breaks": "; ".join(sorted({f"{m}: {b}" for m, b in zip(s["month"], s["break"]) if b})[:6])}
        rows.append(row)
    t = pd.DataFrame(rows)
    pop = t["available"] & t["popularity"]
    for method, col in (("holm", "p_holm"), ("fdr_bh", "p_bh")):
        t[col] = np.nan
        t.loc[pop, col] = trends.adjust(t.loc[pop, "p_value"], method)
    return t


def yearly_table(ms: pd.DataFrame) -> pd.DataFrame:
    """Signal x year: Mann-Kendall within the year and the year's mean share."""
    frames = []
    for name, s in shares(ms).items():
        yt = trends.yearly_trends(s["month"], s["share"])
        means = s.assign(year=s["month"].str[:4].astype(int)).groupby("year")["share"].mean()
        frames.append(yt.assign(signal=name, mean_share=yt["year"].map(means)))
    out = pd.concat(frames, ignore_index=True)
    out["p_holm_within_year"] = out.groupby("year")["p_value"].transform(lambda p: trends.adjust(p, "holm"))
    return out[["signal", "year", "n", "mean_share", "trend", "tau", "sen_slope_per_year", "p_value", "p_holm_within_year"]]


def crossovers(table: pd.DataFrame, yearly_rows: list[dict] | None = None) -> pd.DataFrame:
    """The `crossovers.csv` contract: one row per signal, the first month PyTorch led and stayed ahead,
    with its 95% block-bootstrap interval, or empty with the reason."""
    def text(v) -> str:
        return "" if v is None or (isinstance(v, float) and np.isnan(v)) else str(v)

    rows = []
    for _, r in table[table["available"]].iterrows():
        reason = ""
        if not text(r["crossover_month"]):
            reason = (f"PyTorch never stayed ahead; closest: {r['closest_share']:.1%} in {r['closest_month']} "
                      f"(series ends {r['last_month']})")
        elif r["months_after"] < 6:
            reason = f"tentative: only {int(r['months_after'])} months of data after the crossover"
        rows.append({"signal": r["signal"], "source": r["source"], "metric": r["metric"], "granularity": "month",
                     "popularity": bool(r["popularity"]), "crossover": text(r["crossover_month"]),
                     "crossover_low": text(r["crossover_low"]), "crossover_high": text(r["crossover_high"]),
                     "p_never": r["p_never"], "reason": reason, "first_period": r["first_month"],
                     "last_period": r["last_month"], "rule": CROSSOVER_RULE,
                     "interval": f"95% moving-block bootstrap ({trends.BLOCK}-month blocks, {trends.N_BOOT} replicates)"})
    rows += yearly_rows or []
    return pd.DataFrame(rows).sort_values(["granularity", "signal"], ignore_index=True)


def yearly_crossover(name: str, source: str, periods: list[int], shares_: list[float], lows: list[float],
                     highs: list[float]) -> dict:
    """Crossover for a yearly series: first year from which the share's 95% interval stays above 1/2."""
    above = [lo > 0.5 for lo in lows]
    idx = None
    if above and above[-1]:
        below = [i for i, a in enumerate(above) if not a]
        idx = below[-1] + 1 if below else 0
    reason = ""
    if idx is None:
        best = int(np.nanargmax(shares_))
        reason = f"PyTorch never led; closest: {shares_[best]:.1%} in {periods[best]}"
    return {"signal": name, "source": source, "metric": "share", "granularity": "year", "popularity": True,
            "crossover": str(periods[idx]) if idx is not None else "", "crossover_low": "", "crossover_high": "",
            "p_never": np.nan, "reason": reason, "first_period": str(periods[0]), "last_period": str(periods[-1]),
            "rule": "first year from which the lower 95% Wilson bound of PyTorch's share stays above 50%",
            "interval": "Wilson 95% per year (a yearly series has no month-level interval)"}


def yearly_shares(resp: pd.DataFrame, papers: pd.DataFrame) -> pd.DataFrame:
    """The two yearly popularity series, one row per signal and year: PyTorch's share with a Wilson 95%
    interval. Kaggle: share among respondents who picked exactly one of the two (the McNemar comparison);
    conference papers: accepted papers naming only one framework, all conferences pooled."""
    k = survey_shift.within_year(resp)
    n = k["pytorch_only"] + k["tensorflow_only"]
    lo, hi = wilson(k["pytorch_only"], n)
    kaggle = pd.DataFrame({"signal": "Kaggle survey", "source": "kaggle_survey", "year": k["year"],
                           "pytorch_share": k["pytorch_only"] / n, "low": lo, "high": hi,
                           "basis": [f"respondents using exactly one of the two (n={m:,}); Wilson" for m in n]})
    c = conferences.pooled_by_year(papers)
    c = c[(c["papers"] == "accepted only") & (c["named"] > 0)]
    conf = pd.DataFrame({"signal": "Conference papers", "source": "conference_papers", "year": c["year"],
                         "pytorch_share": c["pytorch_share"], "low": c["low"], "high": c["high"],
                         "basis": [f"accepted papers naming one framework (n={int(m):,}); Wilson" for m in c["named"]]})
    return pd.concat([kaggle, conf], ignore_index=True)


def yearly_rows(yearly: pd.DataFrame) -> list[dict]:
    """Crossover rows (the `crossovers.csv` contract) for the yearly series of `yearly_shares`."""
    return [yearly_crossover(name, g["source"].iloc[0], g["year"].tolist(), g["pytorch_share"].tolist(),
                             g["low"].tolist(), g["high"].tolist())
            for name, g in yearly.groupby("signal", sort=False) if len(g)]


def year_table(ms: pd.DataFrame, year: int) -> pd.DataFrame:
    """Only what `verdict.leaders` needs for one year (no trend or crossover bootstraps): faster for all years."""
    rows = []
    for sig in sg.SIGNALS:
        s = sg.share(ms, sig)
        row = {"signal": sig.name, "popularity": sig.popularity, "available": not s.empty}
        if not s.empty:
            row.update({f"year_{k}": v for k, v in trends.year_leader(s["month"], s["share"], year).items()})
        rows.append(row)
    return pd.DataFrame(rows)
