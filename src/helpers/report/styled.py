"""Tables as a reader sees them in the HTML: human headers, percentages as %, counts with separators, no index."""
from __future__ import annotations

import re

import pandas as pd

from ..registry.formats import P_VALUE_COLUMNS, PROB_COLUMNS, p_value, prob

HEADERS = {
    "n_selected": "selected", "n_respondents": "respondents", "n_answered": "answered", "pct_all": "% of all",
    "pct_answered": "% of those who answered", "p_value": "p", "p_holm": "p (Holm)", "p_bh": "p (BH)",
    "sen_slope_per_year": "Sen's slope per year", "cohen_h": "Cohen's h",
    "ci_answered_low": "95% low", "ci_answered_high": "95% high", "ci_all_low": "95% low (all)",
    "ci_all_high": "95% high (all)", "diff": "TF minus PT", "diff_low": "95% low", "diff_high": "95% high",
    "low": "95% low", "high": "95% high", "shift_low": "95% low", "shift_high": "95% high",
    "seasonal_mk_p": "seasonal MK p", "tau": "Kendall's tau", "max_abs_residual": "max |residual|",
    "p_holm_within_year": "p (Holm, within the year)", "mde_per_year": "detectable slope (80% power)",
    "change_low": "95% low", "change_high": "95% high", "p_not_yet": "P(not yet)", "p_ahead": "P(PyTorch ahead)",
    "onset_p_none": "P(no acceleration)", "onset_p_edge": "P(edge)", "change_2017": "change in 2017",
    "change_2017_low": "95% low", "change_2017_high": "95% high", "sd_ar": "s.d. deviations",
    "sd_irregular": "s.d. irregular", "phi": "persistence (phi)", "n_sim": "replicates", "mc_se": "MC error",
    "gain_2017": "gain per year, 2017", "gain_2017_low": "95% low", "gain_2017_high": "95% high",
    "gain_2018": "gain per year, 2018", "gain_2018_low": "95% low", "gain_2018_high": "95% high",
    "p_faster_2018": "P(2018 faster)", "ess_hyper": "ESS (hyperparameters)", "width_ratio": "width / oracle",
}
WORDS = {"pytorch": "PyTorch", "tensorflow": "TensorFlow", "pt": "PyTorch", "tf": "TensorFlow", "dsse": "DSSE",
         "so": "SO", "mk": "MK", "svg": "SVG", "n": "n"}


def header(name) -> str:
    """A column name as a reader wants it: 'pytorch_share' -> 'PyTorch share' (see HEADERS for the rest)."""
    if not isinstance(name, str):
        return str(name)
    if name in HEADERS:
        return HEADERS[name]
    words = [WORDS.get(w, w) for w in re.split(r"[_\s]+", name) if w]
    text = " ".join(words)
    return text[:1].upper() + text[1:] if text[:1].islower() else text


def table(df: pd.DataFrame, pct: tuple[str, ...] = (), pp: tuple[str, ...] = (), p: tuple[str, ...] = (),
         digits: dict[str, int] | None = None, caption: str | None = None):
    """A Styler: `pct` columns as 12.3%, `pp` as +1.2 pp, `p` as p-values, integers with commas."""
    fmt = {}
    for c in df.columns:
        if c in pct:
            fmt[c] = "{:.1%}"
        elif c in pp:
            fmt[c] = lambda v: "" if pd.isna(v) else f"{100 * v:+.1f} pp"
        elif c in p or c in P_VALUE_COLUMNS:
            fmt[c] = lambda v: "" if pd.isna(v) else p_value(v)
        elif c in PROB_COLUMNS:
            fmt[c] = lambda v: "" if pd.isna(v) else prob(v, 3)
        elif digits and c in digits:
            fmt[c] = f"{{:.{digits[c]}f}}"
        elif pd.api.types.is_integer_dtype(df[c]) and c not in ("year", "year_before", "year_after"):
            fmt[c] = "{:,}"
        elif pd.api.types.is_float_dtype(df[c]):
            fmt[c] = "{:.3g}"
    text = [c for c in df.columns if pd.api.types.is_string_dtype(df[c]) or df[c].dtype == object]
    styler = (df.style.format(fmt, na_rep="").hide(axis="index")
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


VERDICT_COLORS = {"supported": "#d9f2d9", "contradicted": "#f8d7d3", "mixed": "#fff0c2", "untestable": "#e6e6e6"}


def verdicts(df: pd.DataFrame):
    """The scorecard with each verdict cell coloured (green supported, red contradicted, amber mixed, grey untestable)."""
    return table(df).map(lambda v: f"background-color: {VERDICT_COLORS.get(v, '')}; font-weight: bold", subset=["verdict"])


def scorecard(card: pd.DataFrame):
    """The claims scorecard as HTML: claim, coloured verdict, one-sentence finding, and the full evidence
    collapsed under it (one click away)."""
    import html as h

    from IPython.display import HTML
    rows = []
    for _, r in card.iterrows():
        colour = VERDICT_COLORS.get(r["verdict"], "")
        rows.append(
            "<tr>"
            f"<td style='text-align:left;vertical-align:top'>{h.escape(r['claim'])}<br>"
            f"<code style='color:#777;font-size:.8em'>{h.escape(r['claim_id'])}</code></td>"
            f"<td style='vertical-align:top;background-color:{colour};font-weight:bold'>{h.escape(r['verdict'])}</td>"
            f"<td style='text-align:left;vertical-align:top'>{h.escape(r['finding'])}"
            f"<details><summary>Evidence</summary><p style='font-size:.9em'>{h.escape(r['evidence'])}</p></details></td>"
            "</tr>")
    return HTML("<table class='scorecard'><thead><tr><th style='text-align:left'>Claim</th><th>Verdict</th>"
                "<th style='text-align:left'>Finding (click for the evidence)</th></tr></thead><tbody>"
                + "".join(rows) + "</tbody></table>")


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
        rows.append(f"<tr><td style='text-align:left;vertical-align:top'><code>{h.escape(claim_id)}</code></td>"
                    f"<td style='vertical-align:top'>{changed} of {len(g) - 1}</td>"
                    f"<td style='text-align:left'>{' '.join(cells)}</td></tr>")
    return HTML("<table class='robustness'><thead><tr><th style='text-align:left'>Claim</th><th>Variants that change "
                "the verdict</th><th style='text-align:left'>Default and variants (hover for the finding)</th></tr>"
                "</thead><tbody>" + "".join(rows) + "</tbody></table>")
