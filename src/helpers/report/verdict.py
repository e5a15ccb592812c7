"""The year's verdict (step 40, per year): who led in Y on every signal, a summary, the composite in Y."""
from __future__ import annotations

import pandas as pd

from ..chain import io, provenance
from ..registry.signals import FAMILIES


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
    who = {f.label: f.who for f in FAMILIES.values()}
    why = ("They measure different people: " + "; ".join(
        f"{fam} — {who[fam]}" for fam in have["family"].dropna().unique() if fam in who) + ".")
    sure = ("Every leader above is decided by a 95% interval that excludes a tie"
            + (f", except {', '.join(close)}, too close to call" if close else "") + "."
            + (f" No data for {year}: {', '.join(missing)}." if missing else ""))
    return "\n\n".join([head, why, sure])


def year_leaders(year: int) -> pd.DataFrame:
    """Who led in `year`: that year's rows of leaders_by_year (step 20)."""
    by_year = io.read_table("leaders_by_year")
    return by_year[by_year["year"] == year].drop(columns="year").reset_index(drop=True)


def build(year: int) -> dict:
    """Step 40_verdict for one year: the year's leaders and the provenance record of its report."""
    return {"leaders": year_leaders(year), "provenance": provenance.record(year)}


def all_years() -> dict[str, pd.DataFrame]:
    """Step 50_all_years: the leaders of every valid year (computed once, by step 20), for the grid."""
    by_year = io.read_table("leaders_by_year")
    return {"grid": by_year.pivot(index="signal", columns="year", values="pytorch_share"), "leaders_by_year": by_year}




def summary(lead: pd.DataFrame, year: int):
    """The three opening paragraphs, as Markdown for the notebook."""
    from IPython.display import Markdown
    return Markdown(summary_text(lead, year))


def with_claims(card: pd.DataFrame) -> pd.DataFrame:
    """verdict.csv with each claim's wording (for the scorecard display)."""
    from .claims import CLAIMS
    return card.assign(claim=card["claim_id"].map(CLAIMS))


def composite_for_report() -> tuple[pd.DataFrame, pd.DataFrame]:
    """The composite (month x weighting) and the month it stays above 50% per weighting, from step 20's tables."""
    comp = io.read_table("composite")
    wide = comp.pivot(index="month", columns="scheme", values="share")
    order = list(dict.fromkeys(comp["scheme"]))
    return wide[order].reset_index().rename_axis(columns=None), io.read_table("composite_crossovers")


def composite_in_year(comp: pd.DataFrame, year: int) -> pd.DataFrame:
    """Mean composite share in `year` per weighting (empty when the composite does not cover the year)."""
    in_year = comp[comp["month"].str.startswith(str(year))]
    cols = [c for c in comp.columns if c != "month"]
    return in_year[cols].mean().rename("composite share").reset_index().rename(columns={"index": "weighting"})
