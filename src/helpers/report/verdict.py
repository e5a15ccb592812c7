"""The year's verdict (step 40, per year): the three answers a reader wants first (who led in Y, was the article
right, how sure we are), who led on every signal, the scorecard; and every year's leaders (step 50)."""
from __future__ import annotations

import pandas as pd

from ..chain import io, provenance
from ..registry.claims import ARTICLE, CLAIM_BY_ID, CLAIMS, HEADLINE, OUTSIDE, P_CLEAR, VERDICTS
from ..registry.formats import NEAR_CENSUS, pct, share_interval
from ..registry.signals import FAMILIES, FRAMEWORK_LABELS, SIGNAL_BY_ID, label
from ..registry.sources import SOURCE_BY_ID
from ..stats.contenders import leader_of
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


def tally_line(card: pd.DataFrame) -> str:
    """One line: the article's own claims tallied, and the claims from outside it."""
    own, outside = card[card["claim_id"].isin(ARTICLE)], card[card["claim_id"].isin(OUTSIDE)]
    return (f"The article's {len(own)} claims: {tally(own)}. From outside it: "
            + "; ".join(f"{CLAIM_BY_ID[c].by}: {v}" for c, v in zip(outside["claim_id"], outside["verdict"], strict=True))
            + ".")


def article_right(card: pd.DataFrame) -> str:
    """The second answer: the article's own claims tallied, the headline first; the two claims from outside the
    article on their own line."""
    import html as h
    head = card.set_index("claim_id").loc[HEADLINE]
    colour = colours.VERDICT.get(head["verdict"], "")
    own = card[card["claim_id"].isin(ARTICLE)]
    outside = card[card["claim_id"].isin(OUTSIDE)].set_index("claim_id")
    others = "; ".join(f"{h.escape(CLAIM_BY_ID[c].by)}'s “{h.escape(CLAIM_BY_ID[c].short)}”: "
                       f"<b>{h.escape(outside.loc[c, 'verdict'])}</b>" for c in OUTSIDE if c in outside.index)
    return (f"<b>Was the article right?</b> Of its {len(own)} claims: {h.escape(tally(own))}. The headline, "
            f"<i>“{h.escape(CLAIMS[HEADLINE])}”</i>: <span style='background:{colour};padding:0 .3em'>"
            f"<b>{h.escape(head['verdict'])}</b></span> — {h.escape(head['finding'])} "
            f"<a href='#claims'>Every claim, with its evidence ↓</a>"
            + (f"<br><span style='font-size:.92em'>Two published claims from outside the article, checked the same "
               f"way: {others}.</span>" if others else ""))


def how_sure(lead: pd.DataFrame, year: int, common: pd.Series | None = None,
             calibration: pd.DataFrame | None = None) -> str:
    """The third answer, for this year: how many signals name a leader at 95% and which do not, the common trend's
    interval, and what the coverage study measured for the intervals shown (or that it has not been run)."""
    have, n, _ = leader_counts(lead)
    named = n["PyTorch"] + n["TensorFlow"]
    close = have.loc[have["leader"] == "too close to call", "signal_id"].map(label).tolist()
    parts = [(f"The one signal covering {year} {'names' if named else 'does not name'} a leader with 95% confidence"
              if len(have) == 1 else
              f"{named} of the {len(have)} signals covering {year} name a leader with 95% confidence")
             + (f"; too close to call: {', '.join(close)}" if close else "") + "."]
    census = have.loc[(have["pytorch_share_high"] - have["pytorch_share_low"]) < NEAR_CENSUS, "signal_id"].map(label).tolist()
    if census:
        parts.append(f"{', '.join(census)} {'is a near-census count' if len(census) == 1 else 'are near-census counts'}"
                     ": known to within 0.1 point, so the question there is what it counts, not how sure we are.")
    if common is not None and common["n_months"] > 0:
        typical = share_interval(common["common_share"], common["common_share_low"], common["common_share_high"])
        parts.append(f"The trend the signals share: {typical} PyTorch for a typical signal.")
    parts.append(calibration_sentence(calibration))
    return " ".join(parts)


def calibration_sentence(calibration: pd.DataFrame | None) -> str:
    """What the coverage study measured for the year-share intervals (the ones this page shows), or how to run it."""
    if calibration is None or not len(calibration):
        return ("The coverage of these intervals is checked by a simulation study that has not been run in this build "
                "(make calibrate, about 9 minutes).")
    cells = calibration[(calibration["method"] == "year share") & ~calibration["is_exact"].astype(bool)]
    if not len(cells):
        return "The coverage study holds no year-share cells."
    cov, ratio, n = cells["coverage_share"], cells["width_ratio"], int(cells["n_sim"].min())
    return (f"In the coverage study ({n} simulated series per signal and scenario, {cells['scenario'].nunique()} "
            f"scenarios, most of them outside the model's form) such intervals held the truth in {pct(cov.median())} "
            f"of the series in the median cell and {pct(cov.min())} to {pct(cov.max())} in every cell (95% promised; "
            f"a cell is measured to about ±{100 * (0.95 * 0.05 / n) ** 0.5:.0f} points at {n} series), at "
            f"{ratio.min():.1f} to {ratio.max():.1f} times the width the data need.")


def against_tensorflow(ahead_prob: pd.Series) -> str:
    """Where JAX stood against TensorFlow on the signals of a year, from P(JAX ahead of TensorFlow) per signal, by
    the two-way standard (`P_CLEAR`: its 95% interval excludes a tie): behind, ahead, or too close to call."""
    n = len(ahead_prob)
    counts = {"behind TensorFlow": int((ahead_prob < 1 - P_CLEAR).sum()),
              "ahead of TensorFlow": int((ahead_prob > P_CLEAR).sum())}
    counts["too close to call against TensorFlow"] = n - sum(counts.values())

    def on(k: int) -> str:
        return "" if n == 1 else " on both signals" if k == n == 2 else f" on all {n} signals" if k == n else f" on {k} of {n}"
    return ", ".join(f"{where}{on(k)}" for where, k in counts.items() if k)


def jax_line(year: int, contenders: pd.DataFrame, crossings: pd.DataFrame, surveys: pd.DataFrame | None = None) -> str:
    """One line: JAX in `year` on every signal that counts it (its share of the three with its interval, whether it
    was ahead of TensorFlow), its lead over TensorFlow by the crossover rule, and the surveys that offered it."""
    have = contenders[(contenders["year"] == year) & (contenders["framework"] == "jax")]
    parts = [f"{label(s)} {shown}" for s, shown in zip(have["signal_id"], shown_intervals(have, "framework_share"),
                                                          strict=True)]
    if not parts:
        counted = ", ".join(f"{label(s)} {int(g['year'].min())}-{int(g['year'].max())}"
                            for s, g in contenders.groupby("signal_id", sort=False))
        line = f"No signal counts JAX in {year}" + (f" (three-way: {counted})." if counted else ".")
    else:
        line = f"JAX's share of the three in {year}: {'; '.join(parts)} — {against_tensorflow(have['ahead_of_tensorflow_prob'])}."
    if len(crossings):
        line += " When JAX's lead over TensorFlow began (the crossover rule): " + "; ".join(
            f"{label(r.signal_id)} {r.summary}" for r in crossings.itertuples()) + "."
    if surveys is not None and len(surveys):
        s = surveys[(surveys["year"] == year) & (surveys["framework"] == "jax")]
        line += "".join(f" {SOURCE_BY_ID[r.source_id].label}: {pct(r.answered_share)} of those who answered used JAX."
                        for r in s.itertuples())
    return line


def headline_html(lead: pd.DataFrame, card: pd.DataFrame, year: int, common: pd.Series | None = None,
                  calibration: pd.DataFrame | None = None, jax: str = "") -> str:
    """The three answers a reader wants first, in this order: who led in `year`, was the article right (its own
    claims tallied, the headline first, the rest one click away; the two outside claims apart), and how sure we are
    for that year."""
    import html as h
    box = "margin:.35em 0;padding:.45em .8em;border-left:5px solid {};background:{}"
    return (
        f"<div class='answers' style='font-size:1.02em;line-height:1.4'>"
        f"<div id='who-led' style='{box.format(colours.leader(leader_counts(lead)[2]), '#f7f7f7')}'>"
        f"<b>Who led in {year}?</b> {h.escape(who_led(lead, year, common))}</div>"
        f"<div id='article-right' style='{box.format('#555', '#f7f7f7')}'>{article_right(card)}</div>"
        f"<div id='how-sure' style='{box.format('#555', '#f7f7f7')}'>"
        f"<b>How sure are we?</b> {h.escape(how_sure(lead, year, common, calibration))}</div>"
        + (f"<div id='and-jax' style='{box.format(colours.JAX, '#fbf6ec')}'><b>And JAX?</b> {h.escape(jax)} "
           f"<a href='#three-way'>The three-way picture ↓</a></div>" if jax else "")
        + "</div>")


def answers(lead: pd.DataFrame, card: pd.DataFrame, year: int):
    """The three answers, as HTML for the notebook."""
    from IPython.display import HTML
    jax = jax_line(year, io.read_table("contenders_by_year"), io.read_table("contender_crossovers"),
                   io.read_table("survey_contender_shares"))
    return HTML(headline_html(lead, card, year, common_in_year(year), io.read_optional("calibration"), jax))


def shown_intervals(df: pd.DataFrame, share: str) -> list[str]:
    """Each row's `share` with its 95% interval (`<share>_low`, `<share>_high`) as a reader reads it (`share_interval`)."""
    return [share_interval(*v) for v in zip(df[share], df[f"{share}_low"], df[f"{share}_high"], strict=True)]


def leaders_display(lead: pd.DataFrame) -> pd.DataFrame:
    """Who led in the year as a reader reads it: each share once with its 95% interval (a near-census count said
    so), P(ahead), the leader, how the year went (months ahead) and what the share is made of."""
    months = [f"{int(a)} of {int(m)}" if pd.notna(a) else "" for a, m in zip(lead["n_months_ahead"], lead["n_months"],
                                                                             strict=True)]
    return pd.DataFrame({"signal": lead["signal_id"].map(label),
                         "family": lead["signal_id"].map(lambda i: SIGNAL_BY_ID[i].family_label),
                         "PyTorch's share, 95% interval": shown_intervals(lead, "pytorch_share"),
                         "ahead_prob": lead["ahead_prob"], "leader": lead["leader"],
                         "months PyTorch ahead": months, "basis": lead["basis"]})


def contenders_display(three: pd.DataFrame) -> pd.DataFrame:
    """The three-way contest as a reader reads it: each contender's share of the three once with its 95% interval
    (a near-census count said so), P(it led), P(ahead of TensorFlow) and the months the year's share pools."""
    return pd.DataFrame({"signal": three["signal_id"].map(label), "year": three["year"],
                         "contender": three["framework"].map(FRAMEWORK_LABELS),
                         "share of the three, 95% interval": shown_intervals(three, "framework_share"),
                         "lead_prob": three["lead_prob"], "ahead_of_tensorflow_prob": three["ahead_of_tensorflow_prob"],
                         "months": three["n_months"]})


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
    grid.index = grid.index.map(label).rename("signal")
    return grid.reset_index()


def all_years() -> dict[str, pd.DataFrame]:
    """Step 50_all_years: the leaders of every valid year (computed once, by step 20), the common trend's, and the
    three-way contest's (step 22)."""
    return {"leaders_by_year": io.read_table("leaders_by_year"), "common_trend_years": io.read_table("common_trend_years"),
            "contenders_by_year": io.read_table("contenders_by_year")}


def contenders_grid(by_year: pd.DataFrame, framework: str = "jax") -> pd.DataFrame:
    """Signal x year of one contender's share of the three, as '12.3%' with its leader beside ('PyTorch led')."""
    d = by_year[by_year["framework"] == framework]
    led = {k: f"{FRAMEWORK_LABELS[who]} led" if (who := leader_of(g)) in FRAMEWORK_LABELS else who
           for k, g in by_year.groupby(["signal_id", "year"])}
    cell = {(r.signal_id, r.year): f"{pct(r.framework_share)} ({led[(r.signal_id, r.year)]})" for r in d.itertuples()}
    grid = pd.Series(cell).unstack()
    grid.index = grid.index.map(label).rename("signal")
    return grid.reset_index()
