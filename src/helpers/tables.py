"""Tables as a reader sees them in the HTML: percentages as %, counts with separators, no index."""
from __future__ import annotations

import pandas as pd


def show(df: pd.DataFrame, pct: tuple[str, ...] = (), pp: tuple[str, ...] = (), p: tuple[str, ...] = (),
         digits: dict[str, int] | None = None, caption: str | None = None):
    """A Styler: `pct` columns as 12.3%, `pp` as +1.2 pp, `p` as p-values, integers with commas."""
    fmt = {}
    for c in df.columns:
        if c in pct:
            fmt[c] = "{:.1%}"
        elif c in pp:
            fmt[c] = lambda v: "" if pd.isna(v) else f"{100 * v:+.1f} pp"
        elif c in p:
            fmt[c] = lambda v: "" if pd.isna(v) else ("<1e-300" if v == 0 else (f"{v:.2g}" if v < 0.001 else f"{v:.3f}"))
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
              .set_table_styles([{"selector": "th", "props": [("text-align", "left")]}]))
    if caption:
        styler = styler.set_caption(caption)
    return styler


VERDICT_COLORS = {"supported": "#d9f2d9", "contradicted": "#f8d7d3", "mixed": "#fff0c2", "untestable": "#e6e6e6"}


def verdicts(df: pd.DataFrame):
    """The scorecard with each verdict cell coloured (green supported, red contradicted, amber mixed, grey untestable)."""
    return show(df).map(lambda v: f"background-color: {VERDICT_COLORS.get(v, '')}; font-weight: bold", subset=["verdict"])
