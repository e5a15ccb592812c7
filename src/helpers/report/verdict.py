"""The year's verdict (step 40, per year): the three answers a reader wants first (who led in Y, was the article
right, how sure we are), who led on every signal, the scorecard; and every year's leaders (step 50)."""
from __future__ import annotations

import pandas as pd

from ..chain import io, provenance
from ..registry.claims import CLAIMS, HEADLINE, VERDICTS
from ..registry.signals import FAMILIES, SIGNAL_BY_ID
from . import colours


def year_leaders(year: int) -> pd.DataFrame:
    """Who led in `year`: that year's rows of leaders_by_year (step 20)."""
    by_year = io.read_table("leaders_by_year")
    return by_year[by_year["year"] == year].drop(columns="year").reset_index(drop=True)


def common_in_year(year: int) -> pd.Series | None:
    """The common trend's share in `year` (a row of common_trend_years), or None when the model does not cover it."""
    y = io.read_table("common_trend_years")
    row = y[y["year"] == year]
    return row.iloc[0] if len(row) else None


def leader_counts(lead: pd.DataFrame) -> tuple[pd.DataFrame, dict[str, int], str]:
    """The signals that cover the year, how many each leader value has, and who led on more of them (`PyTorch`,
    `TensorFlow`, or `too close to call` on a tie)."""
    have = lead[lead["pytorch_share"].notna()]
    n = {k: int((have["leader"] == k).sum()) for k in colours.LEADER}
    more = ("PyTorch" if n["PyTorch"] > n["TensorFlow"] else "TensorFlow" if n["TensorFlow"] > n["PyTorch"]
            else "too close to call")
    return have, n, more


def who_led(lead: pd.DataFrame, year: int, common: pd.Series | None = None) -> str:
    """One line: who led in `year`, with the number of signals each way and the typical (common-trend) share."""
    have, n, more = leader_counts(lead)
    if not len(have):
        return f"No popularity signal covers {year}."
    other = "TensorFlow" if more == "PyTorch" else "PyTorch"
    answer = ("Neither clearly" if more == "too close to call" else more if not n[other] else
              f"{more}, on more signals")
    missing = len(lead) - len(have)
    others = f" ({missing} more {'does' if missing == 1 else 'do'} not)" if missing else ""
    covering = (f"the one signal that covers {year}" if len(have) == 1 else
                f"the {len(have)} signals that cover {year}") + others
    if max(n.values()) == len(have):
        line = f"{answer}, on {covering.replace('the ', 'all ', 1) if len(have) > 1 else covering}."
    else:
        parts = [f"PyTorch ahead on {n['PyTorch']}", f"TensorFlow on {n['TensorFlow']}"]
        if n["too close to call"]:
            parts.append(f"too close to call on {n['too close to call']}")
        line = f"{answer}: {', '.join(parts)} of {covering}."
    if common is not None and common["n_months"] > 0:
        line += (f" A typical signal (the trend they share): {common['common_share']:.0%} PyTorch "
                 f"[{common['common_share_low']:.0%}, {common['common_share_high']:.0%}].")
    return line


def tally(card: pd.DataFrame) -> str:
    """The scorecard counted by verdict, in the order supported, contradicted, mixed, untestable."""
    counts = card["verdict"].value_counts()
    return " · ".join(f"{counts.get(v, 0)} {v}" for v in VERDICTS)


def headline_html(lead: pd.DataFrame, card: pd.DataFrame, year: int, common: pd.Series | None = None) -> str:
    """The three answers a reader wants first, in this order: who led in `year`, was the article right (a tally, the
    headline claim first, the rest one click away), and how sure we are."""
    import html as h
    head = card.set_index("claim_id").loc[HEADLINE]
    colour = colours.VERDICT.get(head["verdict"], "")
    box = "margin:.35em 0;padding:.45em .8em;border-left:5px solid {};background:{}"
    return (
        f"<div class='answers' style='font-size:1.02em;line-height:1.4'>"
        f"<div id='who-led' style='{box.format(colours.leader(leader_counts(lead)[2]), '#f7f7f7')}'>"
        f"<b>Who led in {year}?</b> {h.escape(who_led(lead, year, common))}</div>"
        f"<div id='article-right' style='{box.format('#555', '#f7f7f7')}'>"
        f"<b>Was the article right?</b> Of its {len(card)} claims: {h.escape(tally(card))}. The headline, "
        f"<i>“{h.escape(CLAIMS[HEADLINE])}”</i>: <span style='background:{colour};padding:0 .3em'>"
        f"<b>{h.escape(head['verdict'])}</b></span> — {h.escape(head['finding'])} "
        f"<a href='#claims'>Every claim, with its evidence ↓</a></div>"
        f"<div id='how-sure' style='{box.format('#555', '#f7f7f7')}'>"
        f"<b>How sure are we?</b> {h.escape(HOW_SURE)}</div></div>")


HOW_SURE = ("Each bar is a 95% interval for the share as the source counted it, without counting noise (surveys and "
            "papers: Wilson), and a leader is named only where that interval excludes 50%. A simulation study "
            "(make calibrate) measures how often such intervals cover the truth and how much wider they are than "
            "the data need. The signals count different crowds, so they may disagree and all be right.")


def answers(lead: pd.DataFrame, card: pd.DataFrame, year: int):
    """The three answers, as HTML for the notebook."""
    from IPython.display import HTML
    return HTML(headline_html(lead, card, year, common_in_year(year)))


def who_is_counted(lead: pd.DataFrame):
    """Why the signals may disagree: whose behaviour each family of the covered signals measures (Markdown)."""
    from IPython.display import Markdown
    have = lead[lead["pytorch_share"].notna()]
    families = dict.fromkeys(SIGNAL_BY_ID[sid].family for sid in have["signal_id"])
    return Markdown("The signals measure different people: " + "; ".join(
        f"**{FAMILIES[f].label}** — {FAMILIES[f].who}" for f in families) + ".")


def with_claims(card: pd.DataFrame) -> pd.DataFrame:
    """verdict.csv with each claim's wording (for the scorecard display), the headline claim first."""
    order = card["claim_id"].ne(HEADLINE).astype(int)
    return card.assign(claim=card["claim_id"].map(CLAIMS), order=order).sort_values("order", kind="stable").drop(
        columns="order").reset_index(drop=True)


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
    """Step 50_all_years: the leaders of every valid year (computed once, by step 20) and the common trend's."""
    return {"leaders_by_year": io.read_table("leaders_by_year"), "common_trend_years": io.read_table("common_trend_years")}
