"""Display labels beside ids in tables: every report table is keyed by `signal_id`; its `signal` column (and
`family`) are the registry's labels, added here and nowhere else, so that renaming a label changes only them."""
from __future__ import annotations

import pandas as pd

from ..registry.signals import SIGNAL_BY_ID, label


def add_labels(df: pd.DataFrame, family: bool = False) -> pd.DataFrame:
    """`df` with `signal` (the label of `signal_id`) right after `signal_id`, and with `family` (the family's label)
    when asked (a row without a signal, e.g. a survey's, gets none); existing label columns are replaced."""
    out = df.drop(columns=[c for c in ("signal", "family") if c in df and (c == "signal" or family)])
    at = out.columns.get_loc("signal_id") + 1
    ids = out["signal_id"]
    out.insert(at, "signal", ids.map(label, na_action="ignore"))
    if family:
        out.insert(at + 1, "family", ids.map(lambda i: SIGNAL_BY_ID[i].family_label, na_action="ignore"))
    return out
