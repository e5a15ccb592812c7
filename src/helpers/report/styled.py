"""Tables as a reader sees them in the HTML: human headers, percentages as %, counts with separators, no index."""
from __future__ import annotations

import re

import pandas as pd

from ..registry.claims import CLAIM_BY_ID, CLAIM_RECORDS, CLAIMS, TALLY
from ..registry.fields import HEADERS, bound_header, kind_by_name
from ..registry.formats import p_value, pct, pp, pp_per_year, prob
from ..registry.signals import COMMON_TREND, FRAMEWORK_LABELS, SIGNAL_BY_ID, label
from ..registry.sources import SOURCE_BY_ID, break_label
from .colours import VERDICT as VERDICT_COLORS

WORDS = {"pytorch": "PyTorch", "tensorflow": "TensorFlow", "pt": "PyTorch", "tf": "TensorFlow", "dsse": "DSSE",
         "so": "SO", "mk": "MK", "svg": "SVG", "n": "n", "kway": "K-way", "mc": "MC"}
MISSING = ""  # how an empty cell is shown


def header(name) -> str:
    """A column name as a reader wants it: the field registry's header (an interval bound's by its rule), else its
    words ('pytorch_share' -> 'PyTorch share'; a count's `n_` and a boolean's `is_` are dropped)."""
    if not isinstance(name, str):
        return str(name)
    if name in HEADERS or bound_header(name):
        return HEADERS.get(name) or bound_header(name)
    words = [WORDS.get(w, w) for w in re.split(r"[_\s]+", re.sub(r"^(n|is)_", "", name)) if w]
    text = " ".join(words)
    return text[:1].upper() + text[1:] if text[:1].islower() else text


def _missing_or(fn):
    return lambda v: MISSING if pd.isna(v) else fn(v)


# how each kind of column is shown (`registry.fields.KINDS`, display); other kinds by their storage type
BY_KIND = {"share": _missing_or(pct), "change": _missing_or(pp), "rate": _missing_or(pp_per_year),
           "prob": _missing_or(lambda v: prob(v, 3)), "p_value": _missing_or(p_value),
           "bool": _missing_or(lambda v: "yes" if v else "no")}


# id column -> (the label column shown instead, the label of an id): ids are never shown, their labels are
ID_LABELS = {"signal_id": ("signal", lambda i: label(i) if i in SIGNAL_BY_ID or i == COMMON_TREND else ""),
             "source_id": ("source", lambda i: SOURCE_BY_ID[i].label if i in SOURCE_BY_ID else ""),
             "break_id": ("break", break_label),
             "claim_id": ("claim", lambda i: (CLAIM_BY_ID[i].short or CLAIM_BY_ID[i].text) if i in CLAIM_BY_ID else i)}


# columns whose values are framework ids (`registry.columns`): shown by the framework's name (other items as stored)
FRAMEWORK_COLUMNS = ("framework", "first_framework", "second_framework")


def with_labels(df: pd.DataFrame) -> pd.DataFrame:
    """`df` as shown: each id column replaced by its label (`ID_LABELS`; kept when the label column is there
    already), any other id column dropped; framework ids shown by name (`FRAMEWORK_LABELS`)."""
    out = df.copy()
    for c in [c for c in FRAMEWORK_COLUMNS if c in out]:
        out[c] = out[c].map(lambda v: FRAMEWORK_LABELS.get(v, v))
    for c in [c for c in df.columns if isinstance(c, str) and kind_by_name(c) == "id"]:
        name, lab = ID_LABELS.get(c, (None, None))
        if name and name not in out:
            out.insert(out.columns.get_loc(c), name, out[c].map(lab, na_action="ignore"))
        out = out.drop(columns=c)
    return out


def table(df: pd.DataFrame, values: str | None = None, caption: str | None = None):
    """A Styler: ids shown as their labels (`with_labels`), each column formatted by the kind its name announces
    (`registry.fields`: a share as 12.3%, a change as +1.2 pp, a probability or p-value never as 0 or 1, a count with
    separators, a boolean as yes/no); `values`: the field whose kind formats the columns no field names (a pivot's
    year columns)."""
    df = with_labels(df)
    fmt = {}
    for c in df.columns:
        kind = kind_by_name(c) if isinstance(c, str) else None
        if kind is None and values and c not in df.columns[:1]:
            kind = kind_by_name(values)
        if kind is None and pd.api.types.is_bool_dtype(df[c]):
            kind = "bool"
        if kind in BY_KIND:
            fmt[c] = BY_KIND[kind]
        elif pd.api.types.is_integer_dtype(df[c]) and c not in ("year", "year_before", "year_after"):
            fmt[c] = "{:,}"
        elif pd.api.types.is_float_dtype(df[c]):
            fmt[c] = "{:.3g}"
    text = [c for c in df.columns if pd.api.types.is_string_dtype(df[c]) or df[c].dtype == object]
    styler = (df.style.format(fmt, na_rep=MISSING).hide(axis="index")
              .set_properties(subset=text, **{"text-align": "left"})
              .set_properties(subset=[c for c in df.columns if c not in text], **{"white-space": "nowrap"})
              .set_table_styles([{"selector": "th", "props": [("text-align", "left")]}])
              .relabel_index([header(c) for c in df.columns], axis="columns"))
    if caption:
        styler = styler.set_caption(caption)
    return styler


def banner(title: str, lines: list[str]):
    """A highlighted box above a report section (e.g. which survey years are samples); nothing when `lines` is
    empty."""
    import html as h

    from IPython.display import HTML
    if not lines:
        return None
    items = "".join(f"<li>{h.escape(x)}</li>" for x in lines)
    return HTML(f'<div style="border-left: 5px solid #e69f00; background: #fff6e0; padding: 0.6em 1em; '
                f'margin: 0.8em 0"><strong>{h.escape(title)}</strong><ul style="margin: 0.3em 0">{items}</ul></div>')




def scorecard(card: pd.DataFrame):
    """The claims scorecard as HTML: claim, coloured verdict, one-sentence finding, and the full evidence
    collapsed under it (one click away)."""
    import html as h

    from IPython.display import HTML
    rows, outside = [], False
    for _, r in card.iterrows():
        if CLAIM_BY_ID[r["claim_id"]].by != "article" and not outside:
            outside = True
            rows.append("<tr><td colspan='3' style='text-align:left;font-weight:bold;padding-top:.8em'>Two published "
                        "claims from outside the article, checked the same way</td></tr>")
        colour = VERDICT_COLORS.get(r["verdict"], "")
        rows.append(
            "<tr>"
            f"<td style='text-align:left;vertical-align:top'>{h.escape(r['claim'])}</td>"
            f"<td style='vertical-align:top;background-color:{colour};font-weight:bold'>{h.escape(r['verdict'])}</td>"
            f"<td style='text-align:left;vertical-align:top'>{h.escape(r['finding'])}"
            f"<details><summary>Evidence</summary><p style='font-size:.9em'>{h.escape(r['evidence'])}</p></details></td>"
            "</tr>")
    return HTML("<table class='scorecard'><thead><tr><th style='text-align:left'>Claim</th><th>Verdict</th>"
                "<th style='text-align:left'>Finding (click for the evidence)</th></tr></thead><tbody>"
                + "".join(rows) + "</tbody></table>")


def rules():
    """Every claim's rule as a table, from the claims registry: the claim, whose it is, what would support it and
    what would contradict it (one standard of evidence both ways)."""
    import html as h

    from IPython.display import HTML
    rows = "".join(
        f"<tr><td style='text-align:left;vertical-align:top'>{h.escape(c.text)}</td>"
        f"<td style='vertical-align:top'>{h.escape('the article' if c.by == 'article' else c.by)}</td>"
        f"<td style='text-align:left;vertical-align:top'>{h.escape(c.supported)}</td>"
        f"<td style='text-align:left;vertical-align:top'>{h.escape(c.contradicted)}</td></tr>" for c in CLAIM_RECORDS)
    return HTML("<table class='rules'><thead><tr><th style='text-align:left'>Claim</th><th>Whose</th>"
                "<th style='text-align:left'>Supported when</th><th style='text-align:left'>Contradicted when</th>"
                f"</tr></thead><tbody>{rows}</tbody></table><p style='font-size:.92em'>Otherwise the verdict is "
                f"<b>mixed</b>. {h.escape(TALLY[0].upper() + TALLY[1:])}.</p>")


def robustness(robust: pd.DataFrame):
    """One row per claim: the default verdict and each variant's verdict (coloured), with the variant's finding on
    hover and a count of variants that change the verdict."""
    import html as h

    from IPython.display import HTML
    rows = []
    for claim_id, g in robust.groupby("claim_id", sort=False):
        base = g.iloc[0]["verdict"]
        cells = []
        for _, r in g.iterrows():
            colour = VERDICT_COLORS.get(r["verdict"], "")
            cells.append(f"<span title='{h.escape(r['detail'])}' style='background-color:{colour};padding:1px 4px;"
                         f"margin:1px;display:inline-block'>{h.escape(r['variant'])}: <b>{h.escape(r['verdict'])}</b>"
                         "</span>")
        changed = int((g["verdict"] != base).sum())
        rows.append(f"<tr><td style='text-align:left;vertical-align:top'>{h.escape(CLAIMS[claim_id])}</td>"
                    f"<td style='vertical-align:top'>{changed} of {len(g) - 1}</td>"
                    f"<td style='text-align:left'>{' '.join(cells)}</td></tr>")
    return HTML("<table class='robustness'><thead><tr><th style='text-align:left'>Claim</th><th>Variants that change "
                "the verdict</th><th style='text-align:left'>Default and variants (hover for the finding)</th></tr>"
                "</thead><tbody>" + "".join(rows) + "</tbody></table>")
