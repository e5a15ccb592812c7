"""The monthly signals table (`monthly_signals.csv`) and PyTorch's share on each registered signal.

Each monthly source's cleaning step writes its part (`monthly_<source>.csv`); `build` stacks them. A
signal's share is pt / (pt + tf) per month (helpers.registry.signals says which rows are pt and tf).
"""
from __future__ import annotations

import pandas as pd

from ..chain import io
from ..registry.signals import MONTHLY, Signal
from ..registry.tables import MONTHLY_PARTS, table
from . import refreshed

COLUMNS = [c.name for c in table("monthly_signals").columns]
KEY = ["source", "metric", "framework", "month"]


def assemble(*frames: pd.DataFrame) -> pd.DataFrame:
    """Stack per-source long tables into the contract: documented columns first, sorted, flags filled."""
    df = pd.concat([f for f in frames if f is not None and len(f)], ignore_index=True)
    df = df[[c for c in COLUMNS if c in df.columns] + [c for c in df.columns if c not in COLUMNS]]
    df["break"] = df["break"].fillna("")
    df["origin"] = df["origin"].fillna(refreshed.ACQUIRED) if "origin" in df else refreshed.ACQUIRED
    df["is_net_change"] = df["is_net_change"].fillna(False).astype(bool) if "is_net_change" in df else False
    return df.sort_values(KEY, ignore_index=True)


def build() -> dict[str, pd.DataFrame]:
    """Step assemble_signals: every monthly source's part, stacked, and how refreshed counts compare with the
    acquired ones where both hold a month."""
    signals = assemble(*(io.read_table(t.id) for t in MONTHLY_PARTS))
    return {"monthly_signals": signals, "refresh_overlap": refreshed.overlap(signals)}


def share(signals: pd.DataFrame, sig: Signal) -> pd.DataFrame:
    """Monthly pt, tf and share = pt / (pt + tf) for one signal; empty if the source is absent.

    Starts at the first month in which PyTorch is counted (non-zero); months with pt + tf = 0 are dropped;
    the series ends before the first net-change month (those values are not counts). Where a refresh also counted
    an acquired month, `pt_refreshed` and `tf_refreshed` hold its counts (the splice's overlap).
    """
    d = signals[(signals["source"] == sig.source) & (signals["metric"] == sig.metric)]
    if d.empty:
        return pd.DataFrame(columns=["month", "pt", "tf", "share", "break"])
    wide = d.pivot_table(index="month", columns="framework", values="value", aggfunc="sum")
    pt = wide.reindex(columns=list(sig.pytorch)).sum(axis=1, min_count=1)
    tf = wide.reindex(columns=list(sig.tensorflow)).sum(axis=1, min_count=1)
    out = pd.DataFrame({"pt": pt, "tf": tf}).dropna()
    out = out[out["pt"].gt(0).cummax() & (out["pt"] + out["tf"] > 0)]
    if "is_net_change" in d and d["is_net_change"].any():
        out = out[out.index < d.loc[d["is_net_change"], "month"].min()]
    out["share"] = out["pt"] / (out["pt"] + out["tf"])
    if "value_refreshed" in d and d["value_refreshed"].notna().any():  # months a refresh also counted
        again = d.groupby(["month", "framework"])["value_refreshed"].sum(min_count=1).unstack()
        for side, names in (("pt", sig.pytorch), ("tf", sig.tensorflow)):
            out[f"{side}_refreshed"] = again.reindex(columns=list(names)).sum(axis=1, min_count=1).reindex(out.index)
    labelled = d.loc[d["break"].fillna("") != "", ["month", "break"]].drop_duplicates()
    breaks = labelled.groupby("month")["break"].agg(lambda s: "; ".join(sorted(s)))
    out["break"] = breaks.reindex(out.index).fillna("")
    return out.reset_index().rename(columns={"index": "month"})


def shares(signals: pd.DataFrame, popularity_only: bool = False) -> dict[str, pd.DataFrame]:
    """Signal name -> monthly share table, for the registered monthly signals present in `signals`."""
    out = {}
    for sig in MONTHLY:
        if popularity_only and not sig.popularity:
            continue
        s = share(signals, sig)
        if len(s):
            out[sig.name] = s
    return out
