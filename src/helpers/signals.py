"""The monthly signals table (`monthly_signals.csv`) and PyTorch's share on each signal.

A *signal* compares PyTorch with TensorFlow on one source and metric; its share is
pt / (pt + tf) per month, from the first month in which both are counted.
"""
from __future__ import annotations

from dataclasses import dataclass

import pandas as pd

from .io import write_csv
from .schemas import validate_monthly_signals

COLUMNS = ["source", "metric", "framework", "month", "value", "break"]


@dataclass(frozen=True)
class Signal:
    name: str
    source: str
    metric: str
    pytorch: tuple[str, ...]
    tensorflow: tuple[str, ...]
    audience: str  # whose behaviour it measures, for the report
    popularity: bool = True  # False: process signal, shown but not counted in verdicts


SIGNALS = (
    Signal("Stack Overflow questions", "stackoverflow", "questions", ("pytorch",), ("tensorflow",),
           "developers asking for help"),
    Signal("Data Science SE questions", "dsse", "questions", ("pytorch",), ("tensorflow",),
           "data scientists asking for help (small site)"),
    Signal("GitHub new stars", "github", "new_stars", ("pytorch",), ("tensorflow",), "GitHub users' attention"),
    Signal("GitHub new forks", "github", "new_forks", ("pytorch",), ("tensorflow",), "people who build on the code"),
    Signal("GitHub new issues", "github", "new_issues", ("pytorch",), ("tensorflow",), "users reporting problems"),
    Signal("PyPI downloads", "pypi", "downloads", ("torch",), ("tensorflow", "tensorflow-gpu", "tensorflow-cpu"),
           "pip installs, mostly CI and automation (PyTorch's CUDA builds are not on PyPI)"),
    Signal("Google Trends interest", "google_trends", "interest", ("pytorch",), ("tensorflow",), "web searchers"),
    Signal("GitHub new pull requests", "github", "new_prs", ("pytorch",), ("tensorflow",),
           "each project's own workflow", popularity=False),
)


def read(path) -> pd.DataFrame:
    """Read a monthly-signals CSV back: empty text cells stay empty strings, months stay strings."""
    df = pd.read_csv(path, dtype={"source": str, "metric": str, "framework": str, "month": str, "value": float,
                                  "break": str, "note": str, "snapshot": str})
    for c in ("break", "note", "snapshot"):
        if c in df.columns:
            df[c] = df[c].fillna("")
    return df


def assemble(*frames: pd.DataFrame) -> pd.DataFrame:
    """Stack the per-source long tables into the contract, sorted, with extra columns kept."""
    df = pd.concat([f for f in frames if f is not None and len(f)], ignore_index=True)
    front = COLUMNS + [c for c in df.columns if c not in COLUMNS]
    df = df[front]
    df["break"] = df["break"].fillna("")
    return df.sort_values(["source", "metric", "framework", "month"], ignore_index=True)


def share(signals: pd.DataFrame, sig: Signal) -> pd.DataFrame:
    """Monthly pt, tf and share = pt / (pt + tf) for one signal; empty if the source is absent.

    Starts at the first month in which PyTorch is counted (non-zero); months with pt + tf = 0 are dropped.
    """
    d = signals[(signals["source"] == sig.source) & (signals["metric"] == sig.metric)]
    if d.empty:
        return pd.DataFrame(columns=["month", "pt", "tf", "share", "break"])
    wide = d.pivot_table(index="month", columns="framework", values="value", aggfunc="sum")
    pt = wide.reindex(columns=list(sig.pytorch)).sum(axis=1, min_count=1)
    tf = wide.reindex(columns=list(sig.tensorflow)).sum(axis=1, min_count=1)
    out = pd.DataFrame({"pt": pt, "tf": tf}).dropna()
    out = out[out["pt"].gt(0).cummax() & (out["pt"] + out["tf"] > 0)]
    # net-change months (GitHub from 2025-08) are not counts: the series ends before them
    net = d.loc[d["break"].str.contains("net change", na=False), "month"]
    if len(net):
        out = out[out.index < net.min()]
    out["share"] = out["pt"] / (out["pt"] + out["tf"])
    breaks = d.groupby("month")["break"].agg(lambda s: "; ".join(sorted({b for b in s.dropna() if b})))
    out["break"] = breaks.reindex(out.index).fillna("")
    return out.reset_index().rename(columns={"index": "month"})


def main(argv: list[str]) -> int:
    """`python -m helpers.signals OUT.csv PART.csv ...`: assemble per-source parts into the contract table."""
    out, parts = argv[1], argv[2:]
    table = validate_monthly_signals(assemble(*(read(p) for p in parts)))
    write_csv(table, out)
    return 0


if __name__ == "__main__":
    import sys
    raise SystemExit(main(sys.argv))
