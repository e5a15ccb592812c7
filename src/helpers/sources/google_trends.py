"""Google Trends "interest over time" exports (`multiTimeline.csv`) dropped into data/raw/google_trends/.

What trends.google.com writes: an optional category line (`Category: All categories`, `Kategorie: Alle
Kategorien`, ...), a blank line, a header whose first cell names the period in the user's language (`Month`,
`Week`, `Day`, `Monat`, `Semana`, ...) and whose other cells are `term: (region)` for 1-5 terms, then one row per
period with values 0-100, where `<1` means above zero but below one. The period follows the request's length:
months for ranges over about five years, weeks (starting on Sunday) from about nine months to five years, days
below that. pytrends/gtrendsR files use `date,term,...,isPartial` with no region.

Values are relative *within one request* (its maximum is 100), so terms from different exports cannot be
compared: exactly one export is accepted, and its columns must share one region and include both `pytorch`
and `tensorflow` (other terms are kept, unused by the signal).

Monthly values: each weekly or daily row is spread over the days it covers, and a calendar month's value is the
mean over its days. A month counts only when every one of its days is covered; partly covered months (a week
straddling the first or last month of the range, days dropped as `isPartial`) are left out and listed in
`google_trends_export.partial_months`.
"""
from __future__ import annotations

import csv
import io
import re
from pathlib import Path

import numpy as np
import pandas as pd

from ..chain import paths
from ..chain.io import InputFileError, is_lfs_pointer, raw_label
from ..registry.sources import SOURCE_BY_ID
from .refreshed import with_breaks

SOURCE = SOURCE_BY_ID["google_trends"]
FOLDER = SOURCE.folder
REQUIRED = ("pytorch", "tensorflow")
MAX_TERMS = 5
COLUMN = re.compile(r"^(?P<term>.+?):\s*\((?P<geo>.+)\)\s*$")
DATE = re.compile(r"^\d{4}-\d{2}(-\d{2})?(T\d{2}.*)?$")
LESS_THAN_ONE = 0.5  # "<1": above zero, below one
NO_REGION = "(not stated)"


class GoogleTrendsError(InputFileError):
    """A Google Trends export that cannot be used as it is. The message names the file."""


def exports(raw: Path | None = None) -> list[Path]:
    folder = (raw or paths.RAW) / FOLDER
    return sorted(p for p in folder.glob("*") if p.is_file() and re.fullmatch(SOURCE.dropin, p.name))


def _text(path: Path, name: str) -> str:
    if is_lfs_pointer(path):
        raise GoogleTrendsError(f"{name}: is a Git-LFS pointer, not the export")
    try:
        return path.read_bytes().decode("utf-8-sig")
    except UnicodeDecodeError as e:
        raise GoogleTrendsError(f"{name}: bytes that are not UTF-8 at offset {e.start}; Google Trends exports UTF-8. "
                                "Download it again rather than re-saving it in another program.") from e


def _header_and_body(rows: list[list[str]], name: str) -> tuple[int, list[str], list[list[str]]]:
    """The header row (the row just before the first dated row) and the non-blank rows after it."""
    header_at = next((i for i, r in enumerate(rows[:-1]) if len(r) >= 2 and not DATE.match(r[0].strip())
                      and rows[i + 1] and DATE.match(rows[i + 1][0].strip())), None)
    if header_at is None:
        raise GoogleTrendsError(f"{name}: no header like 'Month,pytorch: (Worldwide),tensorflow: (Worldwide)' "
                                "followed by dated rows; is this an 'Interest over time' export?")
    header, body = rows[header_at], [r for r in rows[header_at + 1:] if any(c.strip() for c in r)]
    for n, r in enumerate(body, start=header_at + 2):
        if len(r) != len(header):
            raise GoogleTrendsError(f"{name}, line {n}: {len(r)} fields, the header has {len(header)}; "
                                    "the file is truncated or malformed")
    if not body:
        raise GoogleTrendsError(f"{name}: no data rows")
    return header_at, header, body


def _periods(dates: list[str], name: str) -> tuple[pd.DatetimeIndex, np.ndarray, str]:
    """First day of each row's period, its length in days, and the resolution."""
    if any("T" in d for d in dates):
        raise GoogleTrendsError(f"{name}: hourly rows (a 'past day' or 'past 7 days' request) cannot give monthly "
                                "values; export a range of at least a few months")
    if all(re.fullmatch(r"\d{4}-\d{2}", d) for d in dates):
        start = pd.PeriodIndex(dates, freq="M")
        return start.to_timestamp(), start.days_in_month.to_numpy(), "monthly"
    bad = next((d for d in dates if not re.fullmatch(r"\d{4}-\d{2}-\d{2}", d)), None)
    if bad is not None:
        raise GoogleTrendsError(f"{name}: date {bad!r} is not YYYY-MM or YYYY-MM-DD")
    when = pd.to_datetime(dates, format="%Y-%m-%d")
    steps = set(np.diff(when.to_numpy()).astype("timedelta64[D]").astype(int)) if len(when) > 1 else set()
    months = when.to_period("M")
    if (when.day == 1).all() and (len(when) == 1 or (np.diff(months.asi8) == 1).all()):
        return when, months.days_in_month.to_numpy(), "monthly"  # pytrends writes a month as its first day
    if steps <= {7}:
        return when, np.full(len(when), 7), "weekly"
    if steps <= {1}:
        return when, np.full(len(when), 1), "daily"
    raise GoogleTrendsError(f"{name}: dates are neither monthly, weekly nor daily steps (steps of {sorted(steps)} "
                            "days)")


def _value(cell: str, name: str) -> float:
    c = cell.strip()
    if re.fullmatch(r"<\s*1", c):
        return LESS_THAN_ONE
    if re.fullmatch(r"\d{1,3}", c) and int(c) <= 100:
        return float(c)
    raise GoogleTrendsError(f"{name}: value {c!r} is not 0-100 or '<1'")


def parse(path: Path) -> tuple[pd.DataFrame, dict]:
    """One export -> (rows: start, days, term, value), facts: region, resolution, terms, first, last, rows,
    dropped_partial (rows an `isPartial` column flags, left out)."""
    name = raw_label(path)
    rows = list(csv.reader(io.StringIO(_text(path, name))))
    _, header, body = _header_and_body(rows, name)
    partial_col = next((j for j, c in enumerate(header) if c.strip().lower() == "ispartial"), None)
    flagged = [r[0].strip() for r in body if partial_col is not None and r[partial_col].strip().lower() == "true"]
    if partial_col is not None:
        header = [c for j, c in enumerate(header) if j != partial_col]
        body = [[c for j, c in enumerate(r) if j != partial_col] for r in body]
    cols = [COLUMN.match(c.strip()) for c in header[1:]]
    terms = [(m.group("term") if m else c).strip().lower() for m, c in zip(cols, header[1:], strict=True)]
    geos = {m.group("geo").strip() if m else NO_REGION for m in cols}
    if len(geos) > 1:
        raise GoogleTrendsError(f"{name}: columns from different regions {sorted(geos)}; values are only "
                                "comparable within one request for one region")
    missing = [t for t in REQUIRED if t not in terms]
    if missing:
        raise GoogleTrendsError(f"{name}: terms {terms} lack {missing}; export pytorch and tensorflow in ONE request")
    if len(set(terms)) != len(terms):
        raise GoogleTrendsError(f"{name}: a term appears twice: {terms}")
    if len(terms) > MAX_TERMS:
        raise GoogleTrendsError(f"{name}: {len(terms)} terms; Google Trends compares at most {MAX_TERMS}")
    values = np.array([[_value(c, name) for c in r[1:]] for r in body])
    if values.max() != 100:
        raise GoogleTrendsError(f"{name}: no value is 100, so these are not the scaled values of one request "
                                "(Google scales each request's maximum to 100)")
    start, days, resolution = _periods([r[0].strip() for r in body], name)
    keep = np.array([r[0].strip() not in flagged for r in body])
    table = pd.DataFrame({"start": np.repeat(start[keep], len(terms)), "days": np.repeat(days[keep], len(terms)),
                          "term": terms * int(keep.sum()), "value": values[keep].ravel()})
    last_day = start[-1] + pd.Timedelta(days=int(days[-1]) - 1)
    facts = {"file": name, "geo": geos.pop(), "resolution": resolution, "terms": ", ".join(terms),
             "first": str(start[0].date()), "last": str(last_day.date()), "n_rows": len(body),
             "dropped_partial": ", ".join(flagged)}
    return table, facts


def to_months(table: pd.DataFrame) -> pd.DataFrame:
    """Per term and calendar month: the mean over the month's days of the value of the period covering each day,
    the days covered and the month's length."""
    rep = table.loc[table.index.repeat(table["days"])]
    offset = rep.groupby(level=0).cumcount().to_numpy()
    day = rep["start"].to_numpy() + offset.astype("timedelta64[D]")
    daily = pd.DataFrame({"term": rep["term"].to_numpy(), "day": day, "value": rep["value"].to_numpy()})
    daily["month"] = daily["day"].dt.to_period("M")
    m = daily.groupby(["term", "month"]).agg(value=("value", "mean"), days_covered=("day", "nunique")).reset_index()
    m["days_in_month"] = m["month"].dt.days_in_month
    m["month"] = m["month"].astype(str)
    return m


def monthly(raw: Path | None = None) -> tuple[pd.DataFrame, pd.DataFrame]:
    """(long rows of the complete months for monthly_signals, one-row description of the export); both empty
    when there is no export."""
    files = exports(raw)
    cols = ["source_id", "metric", "framework", "month", "value", "break_id", "break_kind"]
    if not files:
        return pd.DataFrame(columns=cols), pd.DataFrame()
    if len(files) > 1:
        raise GoogleTrendsError(f"data/raw/{FOLDER}/: {len(files)} exports ({', '.join(f.name for f in files)}); "
                                "values from different requests are not comparable. Keep one file, exported with all "
                                "terms in one request.")
    table, facts = parse(files[0])
    m = to_months(table)
    complete = m["days_covered"] == m["days_in_month"]
    part = m[~complete].drop_duplicates("month").sort_values("month")
    full = m[complete]
    facts |= {"n_months": int(full["month"].nunique()),
              "first_month": full["month"].min() if len(full) else "", "last_month": full["month"].max() if len(full) else "",
              "partial_months": "; ".join(f"{r.month} ({r.days_covered} of {r.days_in_month} days)"
                                          for r in part.itertuples())}
    out = pd.DataFrame({"source_id": "google_trends", "metric": "interest", "framework": full["term"],
                        "month": full["month"], "value": full["value"].astype(float)})
    out = with_breaks(out, "google_trends")[cols]
    return out.sort_values(["framework", "month"], ignore_index=True), pd.DataFrame([facts])


def build(raw: Path | None = None) -> dict[str, pd.DataFrame]:
    """Step 15_clean_google_trends: the export's complete months and a description of it (both empty without one)."""
    from ..chain.schemas import empty
    rows, facts = monthly(raw)
    return {"monthly_google_trends": rows if len(rows) else empty("monthly_google_trends"),
            "google_trends_export": facts if len(facts) else empty("google_trends_export")}


HOW_TO_ADD = ("To settle it: on trends.google.com compare 'pytorch' and 'tensorflow' (and 'keras') in ONE request, "
              "Worldwide, from 2015-01-01 (or at least all of 2020) to today, download 'Interest over time' "
              "(multiTimeline.csv), put it in data/raw/google_trends/ and run make all.")


def describe(facts: pd.DataFrame) -> str:
    """One sentence on the export in data/raw/google_trends/ (or its absence)."""
    if facts is None or facts.empty:
        return "No Google Trends export in data/raw/google_trends/ (the folder holds only its notes)."
    f = facts.iloc[0]
    partial = f" Partly covered months left out: {f['partial_months']}." if f["partial_months"] else ""
    return (f"The Google Trends export {f['file']} ({f['resolution']} rows, {f['first']} to {f['last']}, region "
            f"{f['geo']}, terms {f['terms']}) gives {f['n_months']} complete months"
            + (f", {f['first_month']} to {f['last_month']}." if f["n_months"] else ".") + partial)


def missing_year(facts: pd.DataFrame, year: int) -> str:
    """Why a claim about `year` cannot be tested, describing what actually is in data/raw/google_trends/."""
    have = describe(facts)
    if facts is not None and not facts.empty:
        have += f" None of them is in {year}."
    return f"{have} {HOW_TO_ADD}"
