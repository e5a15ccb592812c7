"""Survey analysis (Kaggle, and the SO Developer Survey when added): within-year TF vs PyTorch, year-over-year
shifts, re-weighting to a fixed sample mix.

Inputs are the processed tables (`kaggle_framework_shares.csv`, `kaggle_respondents.parquet`, and the SO survey
tables). Basis "answered" = respondents who answered the framework question; "all" = every respondent.
"""
from __future__ import annotations

import itertools

import pandas as pd
from statsmodels.stats.multitest import multipletests

from ..chain import io, schemas
from ..registry.sources import break_fields, survey_breaks
from . import proportions

MAIN = ("tensorflow", "pytorch", "keras")
CONTENDERS = ("tensorflow", "pytorch", "jax")       # compared pairwise in the survey years that offer all three
BESIDE = ("keras", "pytorch-lightning")              # reported beside them, never merged into one
NEW_OPTIONS = ("jax", "pytorch-lightning")           # their year-over-year shifts: one Holm family of their own
# Series breaks between consecutive survey years (declared in the signal registry), marked on every chart.
BREAKS = survey_breaks("kaggle_survey")
SO_BREAKS = survey_breaks("so_survey")


def population(resp: pd.DataFrame, year: int, basis: str = "answered") -> pd.DataFrame:
    """Respondents of `year` on the given basis ('answered' or 'all')."""
    g = resp[resp["year"] == year]
    if basis == "answered":
        g = g[g["is_answered"].fillna(False).astype(bool)]
    elif basis != "all":
        raise ValueError(f"basis must be 'answered' or 'all', not {basis!r}")
    return g


def within_year(resp: pd.DataFrame, a: str = "tensorflow", b: str = "pytorch", basis: str = "answered") -> pd.DataFrame:
    """McNemar of `a` vs `b` per survey year (paired: one respondent can select both)."""
    rows = []
    for year in sorted(resp.loc[resp["is_answered"].notna(), "year"].unique()):
        g = population(resp, int(year), basis)
        rows.append({"year": int(year), "basis": basis,
                     **proportions.paired_comparison(g[f"fw_{a}"].fillna(False), g[f"fw_{b}"].fillna(False))})
    return pd.DataFrame(rows).rename(columns=paired_columns(a, b))


def paired_columns(a: str, b: str) -> dict[str, str]:
    """`proportions.paired_counts`' generic names (a, b) as the survey tables name them (`tensorflow_share`,
    `n_pytorch_only`, `tf_minus_pt_change` ...)."""
    short = {"tensorflow": "tf", "pytorch": "pt"}
    minus = f"{short.get(a, a)}_minus_{short.get(b, b)}_change"
    return {"p_a": f"{a}_share", "p_b": f"{b}_share", "only_a": f"n_{a}_only", "only_b": f"n_{b}_only",
            "n": "n_answered", "both": "n_both", "neither": "n_neither", "diff": minus, "diff_low": f"{minus}_low",
            "diff_high": f"{minus}_high"}


def year_over_year(shares: pd.DataFrame, frameworks=MAIN, basis: str = "answered",
                   source: str = "kaggle_survey") -> pd.DataFrame:
    """Two-proportion z tests and Cohen's h between consecutive survey years, per framework; `break_id`: the id of
    `source`'s method break starting in the later year, if any.

    `p_holm` is the Holm-adjusted p-value over all the shifts returned (family-wise error control).
    """
    denom = "n_answered" if basis == "answered" else "n_respondents"
    rows = []
    for fw in frameworks:
        s = shares[shares["framework"] == fw].sort_values("year")
        for (_, a), (_, b) in itertools.pairwise(s.iterrows()):
            rows.append({"framework": fw, "basis": basis, "year_before": int(a["year"]), "year_after": int(b["year"]),
                         **proportions.two_proportion(int(a["n_selected"]), int(a[denom]), int(b["n_selected"]), int(b[denom])),
                         "break_id": break_fields(source, str(int(b["year"])))[0]})
    out = pd.DataFrame(rows)
    if len(out):  # Holm's step-down controls the family-wise error over every shift in this table
        out["p_holm"] = multipletests(out["p_value"], method="holm")[1]
    return out


# In 2022 every student was asked "Are you a student?" and skipped the job-title question, so working students have
# no title and "student" means something wider than the "Student" title of 2018-2021 (49.8% of respondents, not
# 20-26%). Those years' role cells are not comparable: they stay out of the reference mix and are re-weighted on
# country alone.
ROLE_CODED_DIFFERENTLY = {2022}


def reference_mix(resp: pd.DataFrame, basis: str = "answered") -> pd.Series:
    """Reference country x role mix: the average over survey years (2022 excepted) of each year's cell shares
    (each year weighs the same, so no single year's sample defines the standard)."""
    years = sorted(y for y in resp.loc[resp["is_answered"].notna(), "year"].unique() if y not in ROLE_CODED_DIFFERENTLY)
    mixes = [population(resp, int(y), basis).groupby(["country_group", "role_group"]).size()
             .pipe(lambda s: s / s.sum()) for y in years]
    mix = pd.concat(mixes, axis=1).fillna(0.0).mean(axis=1)
    return mix / mix.sum()


def reweighted(resp: pd.DataFrame, frameworks=MAIN, basis: str = "answered") -> pd.DataFrame:
    """Raw and post-stratified share per year and framework: to the fixed country x role mix, or, in a year whose
    roles are coded differently, to the same mix's country margin (`cells` says which)."""
    mix = reference_mix(resp, basis)
    by_country = mix.groupby(level=0).sum()
    mix.index = [f"{c} | {r}" for c, r in mix.index]
    rows = []
    for year in sorted(resp.loc[resp["is_answered"].notna(), "year"].unique()):
        g = population(resp, int(year), basis)
        country_only = year in ROLE_CODED_DIFFERENTLY
        cells = g["country_group"] if country_only else g["country_group"] + " | " + g["role_group"]
        for fw in frameworks:
            flags = g[f"fw_{fw}"].fillna(False)
            rw = proportions.poststratified_share(flags, cells, by_country if country_only else mix)
            rows.append({"year": int(year), "framework": fw, "basis": basis, "raw_share": float(flags.mean()),
                         "reweighted_share": rw["share"], "reweighted_share_low": rw["low"], "reweighted_share_high": rw["high"],
                         "composition_change": float(flags.mean()) - rw["share"], "covered_share": rw["coverage"],
                         "cells": "country (roles coded differently)" if country_only else "country x role"})
    return pd.DataFrame(rows)


def composition(resp: pd.DataFrame, basis: str = "all") -> pd.DataFrame:
    """Share of India, the United States and students per survey year (the drifting sample)."""
    rows = []
    for year in sorted(resp["year"].unique()):
        g = population(resp, int(year), basis) if basis == "answered" else resp[resp["year"] == year]
        rows.append({"year": int(year), "n": len(g), "india": (g["country_group"] == "India").mean(),
                     "united_states": (g["country_group"] == "United States").mean(),
                     "students": (g["role_group"] == "student").mean()})
    return pd.DataFrame(rows)


def so_within_year(pairs: pd.DataFrame) -> pd.DataFrame:
    """McNemar of TensorFlow vs PyTorch per Stack Overflow survey year, from the paired counts (a comparison
    inside one file, so a sample is tested too, and labelled by `sample_note`)."""
    rows = [{"year": int(r["year"]), "sample_note": r["sample_note"] if isinstance(r["sample_note"], str) else "",
             **proportions.paired_counts(int(r["n_both"]), int(r["n_tensorflow_only"]), int(r["n_pytorch_only"]),
                                         int(r["n_neither"]))}
            for _, r in pairs.iterrows()]
    return pd.DataFrame(rows).rename(columns=paired_columns("tensorflow", "pytorch"))


def so_comparable(shares: pd.DataFrame) -> pd.DataFrame:
    """The SO survey rows that year-over-year tests may use: complete files, options offered. A sample (a file
    with fewer rows than published) is never tested against a full year: its selection is unknown."""
    return shares[shares["is_complete"].astype(bool) & shares["is_offered"].astype(bool)]


WITHIN_COLUMNS = ["year", "n_answered", "tensorflow_share", "pytorch_share", "tf_minus_pt_change",
                  "tf_minus_pt_change_low", "tf_minus_pt_change_high", "n_tensorflow_only", "n_pytorch_only", "n_both",
                  "statistic", "p_value", "test", "sample_note", "leader"]
MIN_ANSWERED = 10  # a survey year with fewer answers says nothing about who led (reported as such, never a crash)


def paired_leader(n: int, low: float, high: float) -> str:
    """Who led a survey year, from the paired interval of TensorFlow minus PyTorch: named only when it excludes 0."""
    if n < MIN_ANSWERED:
        return "too few answers"
    return "TensorFlow" if low > 0 else ("PyTorch" if high < 0 else "too close to call")


def with_leader(within: pd.DataFrame) -> pd.DataFrame:
    """`within` with its `leader` column (`paired_leader` per row)."""
    return within.assign(leader=[paired_leader(int(n), lo, hi) for n, lo, hi in
                                 zip(within["n_answered"], within["tf_minus_pt_change_low"],
                                     within["tf_minus_pt_change_high"], strict=True)])


def contender_years(shares: pd.DataFrame) -> list[int]:
    """The survey years that offered every contender (a framework with a count that year)."""
    offered = shares[shares["framework"].isin(CONTENDERS) & shares["n_selected"].notna()]
    per_year = offered.groupby("year")["framework"].nunique()
    return sorted(int(y) for y in per_year[per_year == len(CONTENDERS)].index)


def contender_shares(shares: pd.DataFrame, source: str) -> pd.DataFrame:
    """In the years offering every contender: each contender's share of those who answered, with Keras and PyTorch
    Lightning beside (Wilson 95% intervals, from the cleaned shares table)."""
    years = contender_years(shares)
    d = shares[shares["year"].isin(years) & shares["framework"].isin(CONTENDERS + BESIDE) & shares["n_selected"].notna()]
    return d.assign(source_id=source, is_contender=d["framework"].isin(CONTENDERS))[
        ["source_id", "year", "framework", "n_answered", "n_selected", "answered_share", "answered_share_low",
         "answered_share_high", "is_contender"]].astype({"n_answered": "int64", "n_selected": "int64"})


def pair_row(source: str, year: int, a: str, b: str, counts: dict, note: str = "") -> dict:
    """One paired comparison of two contenders in a survey year: shares, the first minus the second with Newcombe's
    paired interval, McNemar, and who led (named only when the interval excludes 0)."""
    name = {"tensorflow": "TensorFlow", "pytorch": "PyTorch", "jax": "JAX"}
    lead = paired_leader(int(counts["n"]), counts["diff_low"], counts["diff_high"])
    lead = {"TensorFlow": name[a], "PyTorch": name[b]}.get(lead, lead)
    return {"source_id": source, "year": year, "first_framework": a, "second_framework": b,
            "n_answered": counts["n"], "first_share": counts["p_a"], "second_share": counts["p_b"],
            "n_first_only": counts["only_a"], "n_second_only": counts["only_b"], "n_both": counts["both"],
            "share_change": counts["diff"], "share_change_low": counts["diff_low"],
            "share_change_high": counts["diff_high"], "p_value": counts["p_value"], "test": counts["test"],
            "leader": lead, "sample_note": note}


def kaggle_contender_pairs(resp: pd.DataFrame, shares: pd.DataFrame) -> list[dict]:
    """Every two contenders compared within each Kaggle year that offered all three (McNemar, paired Newcombe)."""
    rows = []
    for year in contender_years(shares):
        g = population(resp, year)
        for i, a in enumerate(CONTENDERS):
            for b in CONTENDERS[i + 1:]:
                rows.append(pair_row("kaggle_survey", year, a, b, proportions.paired_comparison(
                    g[f"fw_{a}"].fillna(False), g[f"fw_{b}"].fillna(False))))
    return rows


def so_contender_pairs(pairs: pd.DataFrame) -> list[dict]:
    """The same from the Stack Overflow survey's paired counts, in the years that offered all three."""
    per_year = pairs.groupby("year").size()
    full = [y for y, k in per_year.items() if k == len(CONTENDERS) * (len(CONTENDERS) - 1) // 2]
    return [pair_row("so_survey", int(r["year"]), r["first_framework"], r["second_framework"],
                     proportions.paired_counts(int(r["n_both"]), int(r["n_first_only"]), int(r["n_second_only"]),
                                               int(r["n_neither"])),
                     r["sample_note"] if isinstance(r["sample_note"], str) else "")
            for _, r in pairs[pairs["year"].isin(full)].iterrows()]


def build() -> dict[str, pd.DataFrame]:
    """Step 30_survey_shift: within-year comparisons, year-over-year shifts (one Holm family per survey) and
    the re-weighted Kaggle shares."""
    shares = io.read_table("kaggle_framework_shares")
    resp = io.read_table("kaggle_respondents")
    so_shares, so_pairs = io.read_table("so_survey_framework_shares"), io.read_table("so_survey_pairs")
    within = [with_leader(within_year(resp).assign(sample_note=""))[WITHIN_COLUMNS].assign(source_id="kaggle_survey")]
    shifts = [year_over_year(shares).assign(source_id="kaggle_survey")]
    if len(so_pairs):
        within.append(with_leader(so_within_year(so_pairs))[WITHIN_COLUMNS].assign(source_id="so_survey"))
        so_shifts = year_over_year(so_comparable(so_shares), source="so_survey")
        if len(so_shifts):  # none unless two complete years offer a framework
            shifts.append(so_shifts.assign(source_id="so_survey"))
    so_contenders = io.read_table("so_survey_contender_pairs")
    options = [year_over_year(shares, frameworks=NEW_OPTIONS).assign(source_id="kaggle_survey")]
    if len(so_shares):
        so_options = year_over_year(so_comparable(so_shares), frameworks=NEW_OPTIONS, source="so_survey")
        if len(so_options):
            options.append(so_options.assign(source_id="so_survey"))
    pairs = kaggle_contender_pairs(resp, shares) + so_contender_pairs(so_contenders)
    return {"survey_within_year": pd.concat(within, ignore_index=True),
            "survey_shifts": pd.concat(shifts, ignore_index=True),
            "survey_contender_shares": pd.concat([contender_shares(shares, "kaggle_survey"),
                                                  contender_shares(so_shares, "so_survey") if len(so_shares) else None],
                                                 ignore_index=True),
            "survey_contender_pairs": pd.DataFrame(pairs) if pairs else schemas.empty("survey_contender_pairs"),
            "survey_contender_shifts": pd.concat(options, ignore_index=True),
            "survey_reweighted": reweighted(resp), "kaggle_framework_shares": shares, "kaggle_respondents": resp,
            "so_survey_framework_shares": so_shares}
