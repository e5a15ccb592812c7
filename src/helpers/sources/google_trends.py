"""Google Trends "interest over time" exports (`multiTimeline.csv`) dropped into data/raw/google_trends/.

The web export is: a category line, a blank line, a header such as
`Month,pytorch: (Worldwide),tensorflow: (Worldwide)` (labels are in the user's language:
`Monat,pytorch: (Weltweit),...`), then one row per month, week or day with values 0-100, where
"<1" means above zero but below 1. Values are relative *within one request* (its maximum is 100), so
terms from different exports cannot be compared: exactly one export is accepted, and its columns must
share one geography and include both `pytorch` and `tensorflow`.
"""
from __future__ import annotations

import csv
import io
import re
from pathlib import Path

import pandas as pd

from ..chain import paths
from ..chain.io import InputFileError, is_lfs_pointer, raw_label

FOLDER = "google_trends"
REQUIRED = ("pytorch", "tensorflow")
COLUMN = re.compile(r"^(?P<term>.+?):\s*\((?P<geo>.+)\)\s*$")
DATE = re.compile(r"^\d{4}-\d{2}(-\d{2})?$")
LESS_THAN_ONE = 0.5  # "<1": above zero, below one


class GoogleTrendsError(InputFileError):
    """A Google Trends export that cannot be used as it is. The message names the file."""


def exports(raw: Path | None = None) -> list[Path]:
    return sorted(((raw or paths.RAW) / FOLDER).glob("*.csv"))


def parse(path: Path) -> tuple[pd.DataFrame, dict]:
    """One export -> (rows: date, term, value), facts: geo, resolution, terms, first, last."""
    name = raw_label(path)
    if is_lfs_pointer(path):
        raise GoogleTrendsError(f"{name}: is a Git-LFS pointer, not the export")
    try:
        text = path.read_bytes().decode("utf-8-sig")
    except UnicodeDecodeError as e:
        raise GoogleTrendsError(f"{name}: bytes that are not UTF-8 at offset {e.start}; Google Trends exports UTF-8. "
                                "Download it again rather than re-saving it in another program.") from e
    rows = list(csv.reader(io.StringIO(text)))
    header_at = next((i for i, r in enumerate(rows[:-1]) if len(r) >= 2 and not DATE.match(r[0].strip())
                      and DATE.match(rows[i + 1][0].strip() if rows[i + 1] else "")), None)
    if header_at is None:
        raise GoogleTrendsError(f"{name}: no header like 'Month,pytorch: (Worldwide),tensorflow: (Worldwide)' "
                                "followed by dated rows; is this an 'Interest over time' export?")
    header, body = rows[header_at], [r for r in rows[header_at + 1:] if any(c.strip() for c in r)]
    for n, r in enumerate(body, start=header_at + 2):
        if len(r) != len(header):
            raise GoogleTrendsError(f"{name}, line {n}: {len(r)} fields, the header has {len(header)}; "
                                    "the file is truncated or malformed")
    # pytrends/gtrendsR-style files add an isPartial column: the flagged (incomplete) last period is dropped
    partial = next((j for j, c in enumerate(header) if c.strip().lower() == "ispartial"), None)
    if partial is not None:
        body = [r for r in body if r[partial].strip().lower() != "true"]
        header = [c for j, c in enumerate(header) if j != partial]
        body = [[c for j, c in enumerate(r) if j != partial] for r in body]
    cols = [COLUMN.match(c) for c in header[1:]]
    terms = [(m.group("term") if m else c).strip().lower() for m, c in zip(cols, header[1:], strict=True)]
    geos = {m.group("geo").strip() if m else "(not stated)" for m in cols}
    if len(geos) > 1:
        raise GoogleTrendsError(f"{name}: columns from different geographies {sorted(geos)}; values are only "
                                "comparable within one request for one geography")
    missing = [t for t in REQUIRED if t not in terms]
    if missing:
        raise GoogleTrendsError(f"{name}: terms {terms} lack {missing}; export pytorch and tensorflow in ONE request")
    if len(set(terms)) != len(terms):
        raise GoogleTrendsError(f"{name}: a term appears twice: {terms}")
    if not body:
        raise GoogleTrendsError(f"{name}: no data rows")
    dates = [r[0].strip() for r in body]
    if all(re.fullmatch(r"\d{4}-\d{2}", d) for d in dates):
        when, resolution = pd.PeriodIndex(dates, freq="M").to_timestamp(), "monthly"
    elif all(re.fullmatch(r"\d{4}-\d{2}-\d{2}", d) for d in dates):
        when = pd.to_datetime(dates, format="%Y-%m-%d")
        step = pd.Series(when).diff().dt.days.dropna()
        months = pd.Series(when.to_period("M"))
        if (when.day == 1).all() and (months.diff().dropna() == months.iloc[0].freq * 1).all():
            resolution = "monthly"  # pytrends writes months as their first day
        else:
            resolution = "weekly" if (step == 7).all() else ("daily" if (step == 1).all() else "irregular")
        if resolution == "irregular":
            raise GoogleTrendsError(f"{name}: dates are neither weekly nor daily steps")
    else:
        bad = next(d for d in dates if not re.fullmatch(r"\d{4}-\d{2}(-\d{2})?", d))
        raise GoogleTrendsError(f"{name}: date {bad!r} is not YYYY-MM or YYYY-MM-DD")
    values = []
    for r in body:
        for c in r[1:]:
            c = c.strip()
            if c == "<1":
                values.append(LESS_THAN_ONE)
            elif re.fullmatch(r"\d{1,3}", c) and int(c) <= 100:
                values.append(float(c))
            else:
                raise GoogleTrendsError(f"{name}: value {c!r} is not 0-100 or '<1'")
    table = pd.DataFrame({"date": [d for d in when for _ in terms], "term": terms * len(body), "value": values})
    if table["value"].max() != 100:
        raise GoogleTrendsError(f"{name}: no value is 100, so these are not the scaled values of one request "
                                "(Google scales each request's maximum to 100)")
    facts = {"file": name, "geo": geos.pop(), "resolution": resolution, "terms": ", ".join(terms),
             "first": str(when.min().date()), "last": str(when.max().date()), "rows": len(body)}
    return table, facts


def monthly(raw: Path | None = None) -> tuple[pd.DataFrame, pd.DataFrame]:
    """(long rows for monthly_signals, one-row description of the export); empty when no export."""
    files = exports(raw)
    cols = ["source", "metric", "framework", "month", "value", "break"]
    if not files:
        return pd.DataFrame(columns=cols), pd.DataFrame()
    if len(files) > 1:
        raise GoogleTrendsError(f"data/raw/{FOLDER}/: {len(files)} exports ({', '.join(f.name for f in files)}); "
                                "values from different requests are not comparable. Keep one file, exported with all "
                                "terms in one request.")
    table, facts = parse(files[0])
    table["month"] = table["date"].dt.to_period("M").astype(str)
    m = table.groupby(["term", "month"], as_index=False)["value"].mean()
    if facts["resolution"] != "monthly":  # a week or day at either end may cover only part of a month
        first, last = m["month"].min(), m["month"].max()
        m = m[(m["month"] > first) & (m["month"] < last)] if facts["resolution"] == "weekly" else m
    out = pd.DataFrame({"source": "google_trends", "metric": "interest", "framework": m["term"], "month": m["month"],
                        "value": m["value"].astype(float), "break": ""})
    return out[cols].sort_values(["framework", "month"], ignore_index=True), pd.DataFrame([facts])


def build(raw: Path | None = None) -> dict[str, pd.DataFrame]:
    """Step 15_clean_google_trends: the export's monthly values and a description of it (both empty without one)."""
    from ..chain.schemas import empty
    rows, facts = monthly(raw)
    return {"monthly_google_trends": rows if len(rows) else empty("monthly_google_trends"),
            "google_trends_export": facts if len(facts) else empty("google_trends_export")}
