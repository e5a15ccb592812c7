"""Display labels beside ids, filled in when a table is written (`io.write_table`) and nowhere else: every report
table is keyed by ids (`signal_id`); the label columns it registers (`signal`, `family`, of kind `label`) are the
registry's labels of those ids, for CSV readers. Computations never produce or read them, so renaming a label changes
only them."""
from __future__ import annotations

import pandas as pd

from ..registry.signals import COMMON_TREND, SIGNAL_BY_ID, label

# label column -> (the id column it labels, the label of an id; '' for a row without one, e.g. a survey's)
LABELS = {"signal": ("signal_id", lambda i: label(i) if i in SIGNAL_BY_ID or i == COMMON_TREND else ""),
          "family": ("signal_id", lambda i: SIGNAL_BY_ID[i].family_label if i in SIGNAL_BY_ID else "")}


def fill(df: pd.DataFrame, columns: list[str]) -> pd.DataFrame:
    """`df` with each label column of `columns` (registered label columns of its table) set from its id column, right
    after it; a row without an id (a survey's) gets none."""
    out = df
    for name in [c for c in columns if c in LABELS]:
        ids = LABELS[name][0]
        if ids not in out:
            continue
        values = out[ids].map(LABELS[name][1], na_action="ignore")
        out = out.drop(columns=[name], errors="ignore")
        out.insert(out.columns.get_loc(ids) + 1 + (name == "family" and "signal" in out), name, values)
    return out
