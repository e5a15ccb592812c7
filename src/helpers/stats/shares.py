"""PyTorch's monthly share on each registered monthly signal, from `monthly_signals.csv`: pt / (pt + tf) per month
(`helpers.registry.signals` says which rows are pt and tf)."""
from __future__ import annotations

import pandas as pd

from ..registry.signals import Signal


def share(signals: pd.DataFrame, sig: Signal) -> pd.DataFrame:
    """Monthly pt, tf and share = pt / (pt + tf) for one signal; empty if the source is absent.

    Starts at the first month in which PyTorch is counted (non-zero); months with pt + tf = 0 are dropped;
    the series ends before the first net-change month (those values are not counts). Where a refresh also counted
    an acquired month, `pt_refreshed` and `tf_refreshed` hold its counts (the splice's overlap).
    """
    d = signals[(signals["source_id"] == sig.source) & (signals["metric"] == sig.metric)]
    if d.empty:
        return pd.DataFrame(columns=["month", "pt", "tf", "share", "break_id", "break_kind"])
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
    mine = d["framework"].isin((*sig.pytorch, *sig.tensorflow))  # a break with `items` marks only its frameworks
    marked = d.loc[mine & (d["break_id"].fillna("") != ""), ["month", "break_id", "break_kind"]].drop_duplicates()
    if marked["month"].duplicated().any():
        raise ValueError(f"{sig.id}: two breaks marked on one month: {marked[marked['month'].duplicated(keep=False)]}")
    out = out.join(marked.set_index("month")).fillna({"break_id": "", "break_kind": ""})
    return out.reset_index().rename(columns={"index": "month"})

