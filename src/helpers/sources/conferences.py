"""Conference papers naming only PyTorch or only TensorFlow (Horace He's counts, 2015-2022).

Counts are papers whose PDF text mentions a PyTorch term and no TensorFlow term (or the reverse);
papers naming both or neither are not counted. ICLR 2021 and 2022 rows are all OpenReview
*submissions*, not accepted papers, so pooled shares are given with and without them.
"""
from __future__ import annotations

import json
import zipfile
from pathlib import Path

import numpy as np
import pandas as pd

from ..chain import paths
from ..chain.io import InputFileError, read_csv_checked
from ..registry.sources import SOURCE_BY_ID

SOURCE = SOURCE_BY_ID["conference_papers"]
SUBMISSIONS = {("ICLR", 2021), ("ICLR", 2022)}


def papers(raw: Path | None = None) -> pd.DataFrame:
    """The `conference_papers.csv` contract: conference, year, n_pytorch_papers, n_tensorflow_papers, n_papers."""
    path = (raw or paths.RAW) / SOURCE.file("counts")
    df = read_csv_checked(path, header=None, dtype=str)
    if df.shape[1] != 5:
        raise InputFileError(f"data/raw/{SOURCE.file('counts')}: {df.shape[1]} columns, expected 5 "
                             "(conference, MM/YY, pytorch, tensorflow, total)")
    df.columns = ["conference", "date", "n_pytorch_papers", "n_tensorflow_papers", "n_papers"]
    if (bad := ~df["date"].str.fullmatch(r"\d{2}/\d{2}")).any():
        raise InputFileError(f"data/raw/{SOURCE.file('counts')}: date {df.loc[bad, 'date'].iloc[0]!r} is not MM/YY")
    out = pd.DataFrame({"conference": df["conference"].str.strip(), "year": 2000 + df["date"].str[3:].astype(int),
                        "month_of_year": df["date"].str[:2].astype(int)})
    for c in ("n_pytorch_papers", "n_tensorflow_papers", "n_papers"):
        out[c] = pd.to_numeric(df[c], errors="raise").astype(int)
    out["papers_are"] = ["submissions" if (c, y) in SUBMISSIONS else "accepted"
                         for c, y in zip(out["conference"], out["year"], strict=True)]
    named = out["n_pytorch_papers"] + out["n_tensorflow_papers"]
    out["pytorch_share"] = np.where(named > 0, out["n_pytorch_papers"] / named.where(named > 0, 1), np.nan)
    cols = ["conference", "year", "n_pytorch_papers", "n_tensorflow_papers", "n_papers", "month_of_year", "papers_are",
            "pytorch_share"]
    return out[cols].sort_values(["conference", "year"], ignore_index=True)


def listed(raw: Path | None = None) -> dict[tuple[str, int], int]:
    """{(conference, year): papers in its list} from the paper lists the counts were made from (`nips_2019.json`
    is NeurIPS 2019)."""
    path = (raw or paths.RAW) / SOURCE.file("paper_lists")
    try:
        with zipfile.ZipFile(path) as zf:
            lists = {m.rsplit("/", 1)[-1][:-5]: len(json.loads(zf.read(m))) for m in zf.namelist() if m.endswith(".json")}
    except (zipfile.BadZipFile, json.JSONDecodeError, OSError) as e:
        raise InputFileError(f"data/raw/{SOURCE.file('paper_lists')}: unreadable ({e})") from e
    names = {"nips": "NeurIPS"}
    return {(names.get(k.split("_")[0], k.split("_")[0].upper()), int(k.split("_")[1])): n for k, n in lists.items()}


def check_totals(counts: pd.DataFrame, lists: dict[tuple[str, int], int]) -> None:
    """Every conference-year's `n_papers` is the length of its paper list (InputFileError naming both files)."""
    wrong = [f"{c} {y}: {n} papers, list holds {lists.get((c, y), 'no list')}"
             for c, y, n in zip(counts["conference"], counts["year"], counts["n_papers"], strict=True)
             if lists.get((c, y)) != n]
    if wrong:
        raise InputFileError(f"data/raw/{SOURCE.file('counts')} disagrees with data/raw/{SOURCE.file('paper_lists')}: "
                             + "; ".join(wrong))


def build(raw: Path | None = None) -> dict[str, pd.DataFrame]:
    """Step 14_clean_conferences: the paper counts per conference and year (each year's total checked against its
    paper list)."""
    counts = papers(raw)
    check_totals(counts, listed(raw))
    return {"conference_papers": counts}
