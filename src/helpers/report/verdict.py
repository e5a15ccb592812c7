"""The year's verdict (step 40, per year): who led in Y on every signal, the common trend in Y, a summary; and the
grid of every year (step 50)."""
from __future__ import annotations

import pandas as pd

from ..chain import io, provenance
from ..registry.claims import CLAIMS
from ..registry.signals import COMMON_TREND_LABEL, FAMILIES, SIGNAL_BY_ID


def year_leaders(year: int) -> pd.DataFrame:
    """Who led in `year`: that year's rows of leaders_by_year (step 20)."""
    by_year = io.read_table("leaders_by_year")
    return by_year[by_year["year"] == year].drop(columns="year").reset_index(drop=True)


def common_in_year(year: int) -> pd.Series | None:
    """The common trend's share in `year` (a row of common_trend_years), or None when the model does not cover it."""
    y = io.read_table("common_trend_years")
    row = y[y["year"] == year]
    return row.iloc[0] if len(row) else None


def summary_text(lead: pd.DataFrame, year: int, common: pd.Series | None = None) -> str:
    """Three short paragraphs a stakeholder reads first."""
    have = lead[lead["pytorch_share"].notna()]
    n_pt, n_tf = int((have["leader"] == "PyTorch").sum()), int((have["leader"] == "TensorFlow").sum())
    close = have[have["leader"] == "too close to call"]["signal"].tolist()
    missing = lead[lead["pytorch_share"].isna()]["signal"].tolist()
    if not len(have):
        head = f"No popularity signal covers {year}."
    elif n_pt and not n_tf:
        head = f"In {year}, PyTorch led on every signal with a clear leader ({n_pt} of {len(have)})."
    elif n_tf and not n_pt:
        head = f"In {year}, TensorFlow led on every signal with a clear leader ({n_tf} of {len(have)})."
    else:
        head = (f"In {year} the signals disagree: PyTorch led on {n_pt} of {len(have)} "
                f"({', '.join(have[have['leader'] == 'PyTorch']['signal']) or 'none'}), TensorFlow on {n_tf} "
                f"({', '.join(have[have['leader'] == 'TensorFlow']['signal']) or 'none'}).")
    if common is not None and common["n_months"] > 0:
        low, high = common["common_share_low"], common["common_share_high"]
        side = ("PyTorch" if low > 0.5 else "TensorFlow" if high < 0.5 else "neither clearly")
        head += (f" The trend they share puts a typical signal at {common['common_share']:.0%} PyTorch "
                 f"(95% interval {low:.0%} to {high:.0%}): {side} ahead.")
    families = dict.fromkeys(SIGNAL_BY_ID[sid].family for sid in have["signal_id"])
    why = ("They measure different people: " + "; ".join(
        f"{FAMILIES[f].label} — {FAMILIES[f].who}" for f in families) + ".")
    sure = ("A leader is named only where a 95% interval excludes a tie"
            + (f"; too close to call: {', '.join(close)}" if close else "") + "."
            + (f" No data for {year}: {', '.join(missing)}." if missing else ""))
    return "\n\n".join([head, why, sure])


def summary(lead: pd.DataFrame, year: int):
    """The opening paragraphs, as Markdown for the notebook."""
    from IPython.display import Markdown
    return Markdown(summary_text(lead, year, common_in_year(year)))


def with_claims(card: pd.DataFrame) -> pd.DataFrame:
    """verdict.csv with each claim's wording (for the scorecard display)."""
    return card.assign(claim=card["claim_id"].map(CLAIMS))


def build(year: int) -> dict:
    """Step 40_verdict for one year: the year's leaders and the provenance record of its report."""
    return {"leaders": year_leaders(year), "provenance": provenance.record(year)}


def by_year_grid(by_year: pd.DataFrame, values: str) -> pd.DataFrame:
    """Signal x year of `values` from leaders_by_year, rows in the registry's order (pivoted by id), with the
    signals' labels as a first column for display."""
    order = list(dict.fromkeys(by_year["signal_id"]))
    grid = by_year.pivot(index="signal_id", columns="year", values=values).reindex(order)
    grid.index = grid.index.map(dict(zip(by_year["signal_id"], by_year["signal"], strict=True))).rename("signal")
    return grid.reset_index()


def all_years() -> dict[str, pd.DataFrame]:
    """Step 50_all_years: the leaders of every valid year (computed once, by step 20), for the grid."""
    by_year = io.read_table("leaders_by_year")
    grid = by_year_grid(by_year, "pytorch_share").set_index("signal")
    common = io.read_table("common_trend_years").set_index("year")["common_share"].rename(COMMON_TREND_LABEL)
    return {"grid": pd.concat([grid, common.to_frame().T]), "leaders_by_year": by_year}
