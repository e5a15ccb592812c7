"""Stack Overflow and Data Science Stack Exchange: monthly questions per tag, and cross-checks.

Stack Overflow's monthly counts survive only as nschloe/stackoverflow-trends SVG charts (see
`so_svg`); every committed version of each chart is read and must agree. The SEDE exports, the
STACK-INDEX table and the AI Index counts are independent cross-checks. Data Science SE counts come
from two SEDE exports of every question (two snapshots: the sensitivity is reported). Months after these come from
`make refresh` (Stack Exchange API; see `sources.refreshed`).
"""
from __future__ import annotations

import re
import zipfile
from pathlib import Path

import pandas as pd

from ..chain import paths
from ..chain.io import InputFileError, raw_label, read_csv_checked, require_columns
from ..registry.sources import SOURCE_BY_ID
from . import refreshed, so_charts

SO, DSSE = SOURCE_BY_ID["stackoverflow"], SOURCE_BY_ID["dsse"]
TAGS = ("tensorflow", "pytorch", "keras", "scikit-learn")
ALL = "all"  # framework id of the all-questions series


def _svg_versions(raw: Path) -> list[tuple[str, str, str]]:
    """(kind, version name, svg text) for the current charts and every historical version."""
    out = [("ml", "current", (raw / SO.file("ml_chart")).read_text(encoding="utf-8")),
           ("total", "current", (raw / SO.file("total_chart")).read_text(encoding="utf-8"))]
    with zipfile.ZipFile(raw / SO.file("chart_history")) as zf:
        for name in sorted(zf.namelist()):
            base = name.rsplit("/", 1)[-1]
            if base.endswith(".svg"):
                out.append(("ml" if base.startswith("ml_") else "total", base, zf.read(name).decode("utf-8")))
    return out


def so_digitised(raw: Path | None = None) -> tuple[pd.DataFrame, pd.DataFrame]:
    """Monthly SO questions per tag from the current charts, checked against every version.

    Returns (monthly table, per-version table). The monthly table has: tag, month, questions,
    per_day, days, method, n_svg_versions (versions where the month is a vertex), n_distinct_values
    (distinct integers across those versions), max_abs_residual.
    """
    raw = raw or paths.RAW
    frames = []
    for kind, version, text in _svg_versions(raw):
        d = so_charts.digitise(text, f"data/raw/{SO.folder}/{version}")
        if kind == "total":
            d["tag"] = ALL
        frames.append(d.assign(version=version))
    every = pd.concat(frames, ignore_index=True)
    current = every[every["version"] == "current"].drop(columns="version")
    vx = every[every["method"] == "vertex"]
    agree = vx.groupby(["tag", "month"]).agg(n_svg_versions=("n_questions", "size"),
                                             n_distinct_values=("n_questions", "nunique"),
                                             max_abs_residual=("residual", lambda s: float(s.abs().max())))
    table = current.merge(agree.reset_index(), on=["tag", "month"], how="left")
    table[["n_svg_versions", "n_distinct_values"]] = table[["n_svg_versions", "n_distinct_values"]].fillna(0).astype(int)
    cols = ["tag", "month", "n_questions", "per_day", "n_days", "method", "n_svg_versions", "n_distinct_values",
            "max_abs_residual"]
    versions = every.groupby("version").agg(kind=("tag", lambda s: "total" if (s == ALL).all() else "ml"),
                                            tags=("tag", lambda s: ", ".join(sorted(s.unique()))),
                                            first=("month", "min"), last=("month", "max")).reset_index()
    return table[cols].sort_values(["tag", "month"], ignore_index=True), versions


def so_signals(digitised: pd.DataFrame) -> pd.DataFrame:
    """Long rows for monthly_signals: tags from their first non-zero month (zeros before a tag exists are
    drawn by the chart, not counted)."""
    rows = []
    for tag, g in digitised.groupby("tag"):
        g = g.sort_values("month")
        g = g[g["n_questions"].gt(0).cummax()]
        rows.append(pd.DataFrame({"source_id": "stackoverflow", "metric": "questions", "framework": tag,
                                  "month": g["month"], "value": g["n_questions"].astype(float)}))
    return pd.concat(rows, ignore_index=True)


# --- cross-checks ---------------------------------------------------------------------------------

def sede_top100(raw: Path | None = None) -> pd.DataFrame:
    """SEDE top-100 tags per month (2010-01..2020-06): tag, month, questions for our tags."""
    path = (raw or paths.RAW) / SO.file("sede_top100")
    df = read_csv_checked(path)
    require_columns(df, ["CreationYear", "CreationMonth", "TagName", "PostCount"], path)
    df = df[df["TagName"].isin(TAGS)]
    month = df["CreationYear"].astype(int).astype(str) + "-" + df["CreationMonth"].astype(int).map("{:02d}".format)
    return pd.DataFrame({"tag": df["TagName"], "month": month, "n_questions": df["PostCount"].astype(int)})


def stack_index(raw: Path | None = None) -> pd.DataFrame:
    """ragulkesavan/STACK-INDEX monthly SO counts (2009-2017) for pytorch and keras (no tensorflow)."""
    path = (raw or paths.RAW) / SO.file("sede_tags")
    df = pd.read_csv(path, usecols=lambda c: c in ("month", "pytorch", "keras", "scikit-learn"), index_col=False)
    require_columns(df, ["month"], path)
    return df.melt(id_vars="month", var_name="tag", value_name="n_questions").dropna()


def aiindex_yearly(raw: Path | None = None) -> pd.DataFrame:
    path = (raw or paths.RAW) / SO.file("aiindex_counts")
    df = read_csv_checked(path)
    require_columns(df, ["Date", "Keras_Question_Count", "Tensorflow_Question_Count", "Pytorch_Question_Count"], path)
    out = df.rename(columns={"Date": "year", "Keras_Question_Count": "keras", "Tensorflow_Question_Count": "tensorflow",
                             "Pytorch_Question_Count": "pytorch"})[["year", "keras", "tensorflow", "pytorch"]]
    return out.melt(id_vars="year", var_name="tag", value_name="n_questions").astype({"n_questions": int})


def aiindex_monthly(raw: Path | None = None) -> pd.DataFrame:
    """Per-question AI Index lists (pytorch, keras; a scraper's lower bound) counted by month."""
    frames = []
    for tag in ("pytorch", "keras"):
        path = (raw or paths.RAW) / SO.file("aiindex_questions", tag=tag)
        df = read_csv_checked(path)
        require_columns(df, ["Date"], path)
        m = pd.to_datetime(df["Date"]).dt.strftime("%Y-%m").value_counts().rename("n_questions")
        frames.append(m.rename_axis("month").reset_index().assign(tag=tag))
    return pd.concat(frames, ignore_index=True)


def cross_check(digitised: pd.DataFrame, other: pd.DataFrame, name: str, by: str = "month") -> pd.DataFrame:
    """Differences digitised minus `other`, per tag: months compared, median/mean/max relative difference."""
    d = digitised
    if by == "year":
        d = d.assign(year=d["month"].str[:4].astype(int)).groupby(["tag", "year"], as_index=False)["n_questions"].sum()
    m = d.merge(other, on=["tag", by], suffixes=("_svg", "_other"))
    m = m[m["n_questions_other"] > 0]
    m["diff"] = m["n_questions_svg"] - m["n_questions_other"]
    m["rel_diff"] = m["diff"] / m["n_questions_other"]
    return (m.groupby("tag").agg(compared=(by, "size"), first=(by, "min"), last=(by, "max"),
                                 median_diff=("diff", "median"), median_rel_diff=("rel_diff", "median"),
                                 mean_rel_diff=("rel_diff", "mean"),
                                 max_abs_rel_diff=("rel_diff", lambda s: float(s.abs().max())))
            .reset_index().assign(reference=name))


# --- Data Science Stack Exchange ------------------------------------------------------------------

def _tags(series: pd.Series) -> pd.Series:
    """SEDE tag strings, `<a><b>` (old) or `|a|b|` (new), as lists."""
    return series.fillna("").map(lambda s: re.findall(r"<([^<>]+)>", s) if "<" in s else [t for t in s.split("|") if t])


def dsse_questions(path: Path) -> pd.DataFrame:
    """One row per DSSE question: id, created, month, tags (list), answer_count (NA when not exported)."""
    df = read_csv_checked(path, dtype=str, keep_default_na=False, na_values=[""])
    require_columns(df, ["Id", "CreationDate", "Tags"], path)
    if "PostTypeId" in df.columns:
        df = df[df["PostTypeId"] == "1"]
    created = pd.to_datetime(df["CreationDate"], errors="coerce")
    if created.isna().any():
        bad = df.loc[created.isna(), "CreationDate"].iloc[0]
        raise InputFileError(f"{raw_label(path)}: CreationDate {bad!r} is not a date")
    out = pd.DataFrame({"id": df["Id"].astype(int), "created": created, "month": created.dt.strftime("%Y-%m"),
                        "tags": _tags(df["Tags"])})
    out["answer_count"] = pd.to_numeric(df["AnswerCount"], errors="coerce").astype("Int64") \
        if "AnswerCount" in df.columns else pd.array([pd.NA] * len(df), dtype="Int64")
    return out.reset_index(drop=True)


def dsse_monthly(q: pd.DataFrame, last_complete: str | None = None) -> pd.DataFrame:
    """Per month: questions per tag and all, answered (AnswerCount > 0) per tag; long format.

    Months after `last_complete` (default: the last month the export fully covers) are dropped.
    """
    rows = []
    last_complete = last_complete or last_complete_month(str(q["created"].max()))
    months = [m for m in sorted(q["month"].unique()) if m <= last_complete]
    q = q[q["month"].isin(months)]
    rows.append(q.groupby("month").size().rename("value").reset_index().assign(metric="questions", framework=ALL))
    for tag in TAGS:
        has = q[q["tags"].map(lambda ts, t=tag: t in ts)]
        n = has.groupby("month").size().reindex(months, fill_value=0)
        rows.append(n.rename("value").rename_axis("month").reset_index().assign(metric="questions", framework=tag))
        if has["answer_count"].notna().any():
            a = has[has["answer_count"] > 0].groupby("month").size().reindex(months, fill_value=0)
            rows.append(a.rename("value").rename_axis("month").reset_index().assign(metric="answered", framework=tag))
    out = pd.concat(rows, ignore_index=True)
    out["value"] = out["value"].astype(float)
    return out.assign(source_id="dsse")[["source_id", "metric", "framework", "month", "value"]]


def last_complete_month(newest: str) -> str:
    """The last calendar month an export fully covers, given its newest timestamp: that month if the
    newest record falls on the month's last day, else the month before."""
    t = pd.Timestamp(newest)
    period = t.to_period("M")
    return str(period if t.day == t.days_in_month else period - 1)


def snapshot_sensitivity(first: pd.DataFrame, second: pd.DataFrame) -> pd.DataFrame:
    """Per year (complete in both): PyTorch and TensorFlow questions in each DSSE snapshot, and PyTorch's share."""
    def yearly(m: pd.DataFrame) -> pd.DataFrame:
        d = m[(m["metric"] == "questions") & m["framework"].isin(["pytorch", "tensorflow"])]
        return d.assign(year=d["month"].str[:4].astype(int)).pivot_table(index="year", columns="framework",
                                                                         values="value", aggfunc="sum")
    last = min(first["month"].max(), second["month"].max())
    a = yearly(first[first["month"] <= last])
    b = yearly(second[second["month"] <= last])
    out = pd.DataFrame({"n_pytorch_first": a["pytorch"], "n_tensorflow_first": a["tensorflow"],
                        "n_pytorch_second": b["pytorch"], "n_tensorflow_second": b["tensorflow"]}).dropna().astype(int)
    out["first_pytorch_share"] = out["n_pytorch_first"] / (out["n_pytorch_first"] + out["n_tensorflow_first"])
    out["second_pytorch_share"] = out["n_pytorch_second"] / (out["n_pytorch_second"] + out["n_tensorflow_second"])
    out["share_change"] = out["second_pytorch_share"] - out["first_pytorch_share"]
    return out.reset_index()


def build(raw: Path | None = None) -> dict[str, pd.DataFrame]:
    """Step 11_clean_stackexchange: SO counts read back from the charts, DSSE counts from the first export, and
    the sensitivity of DSSE shares to the snapshot date. Extra keys (not written): `versions` (every chart
    version read), `dsse_second` (monthly counts from the second export)."""
    raw = raw or paths.RAW
    digitised, versions = so_digitised(raw)
    first = dsse_monthly(dsse_questions(raw / DSSE.file("export")))          # each cut at its export's last
    second = dsse_monthly(dsse_questions(raw / DSSE.file("later_export")))   # complete month
    monthly = pd.concat([refreshed.splice(so_signals(digitised), "stackoverflow", raw=raw),
                         refreshed.splice(first, "dsse", raw=raw)], ignore_index=True)
    return {"monthly_stackexchange": monthly, "so_questions_digitised": digitised,
            "dsse_snapshot_sensitivity": snapshot_sensitivity(first, second), "versions": versions,
            "dsse_second": second}
