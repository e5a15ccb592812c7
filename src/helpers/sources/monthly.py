"""The monthly signals table (`monthly_signals.csv`): each monthly source's cleaning step writes its part
(`monthly_<source>.csv`); `build` stacks them. Shares per signal: `helpers.stats.shares`.
"""
from __future__ import annotations

import pandas as pd

from ..chain import io
from ..registry.tables import MONTHLY_PARTS, table
from . import refreshed

COLUMNS = [c.name for c in table("monthly_signals").columns]
KEY = ["source_id", "metric", "framework", "month"]


def assemble(*frames: pd.DataFrame) -> pd.DataFrame:
    """Stack per-source long tables into the contract: documented columns first, sorted, flags filled."""
    df = pd.concat([f for f in frames if f is not None and len(f)], ignore_index=True)
    df = df[[c for c in COLUMNS if c in df.columns] + [c for c in df.columns if c not in COLUMNS]]
    df[["break_id", "break_kind"]] = df[["break_id", "break_kind"]].fillna("")
    df["origin"] = df["origin"].fillna(refreshed.ACQUIRED) if "origin" in df else refreshed.ACQUIRED
    df["is_net_change"] = df["is_net_change"].fillna(False).astype(bool) if "is_net_change" in df else False
    return df.sort_values(KEY, ignore_index=True)


def build() -> dict[str, pd.DataFrame]:
    """Step assemble_signals: every monthly source's part, stacked, and how refreshed counts compare with the
    acquired ones where both hold a month."""
    signals = assemble(*(io.read_table(t.id) for t in MONTHLY_PARTS))
    return {"monthly_signals": signals, "refresh_overlap": refreshed.overlap(signals)}

