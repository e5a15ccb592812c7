"""Digitise the nschloe/stackoverflow-trends SVG charts exactly, from path coordinates and axis ticks.

The charts (matplotlib, minified by svgo) plot, for each tag and calendar month, the month's question
count divided by its number of days, at the month's midpoint. Reading them back:

1. tick labels are glyph references named font-codepoint (`#DejaVuSans-32`, `#MyriadPro-Regular-32`
   are U+0032, "2"): decoded to text;
2. x is linear in time: fit from the year ticks (placed at 1 January); y is linear in questions/day:
   fit from the grid-line ticks. Both fits are checked (residuals in points are returned);
3. each line's path (absolute or relative M/L/H/V commands) becomes absolute vertices; a month whose
   midpoint is a vertex is read exactly (`vertex`), otherwise linearly interpolated (`interpolated`:
   svgo merges exactly collinear points, which happens mostly in runs of zeros);
4. count = per_day x days in month; `residual` = count minus the nearest integer shows how exact it is.

Which line is which tag comes from the colour of its label text.
"""
from __future__ import annotations

import calendar
import re
import xml.etree.ElementTree as ET
from dataclasses import dataclass
from datetime import date, datetime

import numpy as np
import pandas as pd

from ..chain.io import InputFileError

SVG = "{http://www.w3.org/2000/svg}"
XLINK = "{http://www.w3.org/1999/xlink}href"
TOKEN = re.compile(r"[MmLlHhVvZz]|[-+]?(?:\d+\.?\d*|\.\d+)(?:[eE][-+]?\d+)?")
GLYPH = re.compile(r"#[A-Za-z][\w.]*(?:-[A-Za-z]\w*)*-([0-9a-fA-F]{2,5})$")  # font-name-HEXCODE
X_TOLERANCE = 0.02  # points: a vertex this close to a month midpoint is that month's value


class SvgChartError(InputFileError):
    """The SVG is not a chart of the expected layout (ticks, lines, labels)."""


@dataclass
class Chart:
    x_ticks: list[tuple[float, str]]
    y_ticks: list[tuple[float, str]]
    lines: dict[str, np.ndarray]  # label -> (n, 2) absolute vertices
    x_fit: tuple[float, float, float]  # slope (pt/day), intercept, max residual (pt)
    y_fit: tuple[float, float, float]  # slope (per_day/pt), intercept, max residual (per_day units)


def _text_of(group: ET.Element) -> str:
    """Decode a glyph-reference text group (or a single glyph `use`) to a string."""
    uses = [group] if group.tag == f"{SVG}use" else list(group.iter(f"{SVG}use"))
    chars = []
    for u in uses:
        m = GLYPH.search(u.get(XLINK, ""))
        if m:
            chars.append(chr(int(m.group(1), 16)))
    return "".join(chars)


def path_vertices(d: str) -> np.ndarray:
    """Absolute vertices of an SVG path made of M/m, L/l, H/h, V/v (Z ignored)."""
    tokens = TOKEN.findall(d)
    pts, cmd, i = [], None, 0
    x = y = 0.0

    def num():
        nonlocal i
        v = float(tokens[i])
        i += 1
        return v

    while i < len(tokens):
        if tokens[i].isalpha():
            cmd = tokens[i]
            i += 1
            if cmd in "Zz":
                continue
        if cmd is None:
            raise SvgChartError(f"path data does not start with a command: {d[:40]!r}")
        if cmd in "Mm":
            dx, dy = num(), num()
            x, y = (x + dx, y + dy) if cmd == "m" and pts else (dx, dy)
            cmd = "l" if cmd == "m" else "L"  # implicit lineto after the first pair
        elif cmd in "Ll":
            dx, dy = num(), num()
            x, y = (x + dx, y + dy) if cmd == "l" else (dx, dy)
        elif cmd in "Hh":
            v = num()
            x = x + v if cmd == "h" else v
        elif cmd in "Vv":
            v = num()
            y = y + v if cmd == "v" else v
        else:
            raise SvgChartError(f"unsupported path command {cmd!r}")
        pts.append((x, y))
    return np.array(pts, dtype=float)


def _tick_position(tick: ET.Element, axis: str) -> float | None:
    for el in tick.iter():
        if el.tag == f"{SVG}use" and (el.get("id") or "").startswith("line2d") and el.get(axis) is not None:
            return float(el.get(axis))
        if el.tag == f"{SVG}g" and (el.get("id") or "").startswith("line2d"):
            for u in el.iter(f"{SVG}use"):
                if u.get(axis) is not None:
                    return float(u.get(axis))
    for el in tick.iter(f"{SVG}path"):  # grid line
        v = path_vertices(el.get("d", ""))
        if len(v):
            return float(v[0, 0 if axis == "x" else 1])
    return None


def _tick_label(tick: ET.Element) -> str:
    for el in tick.iter():
        if (el.get("id") or "").startswith("text_"):
            return _text_of(el)
    return ""


def _label_value(text: str) -> float:
    t = text.replace(",", "").replace("\u2212", "-").strip()
    mult = 1.0
    if t.endswith("k"):
        t, mult = t[:-1], 1000.0
    return float(t) * mult


def parse_chart(svg_text: str, source: str = "") -> Chart:
    """Ticks, fitted axes and labelled lines of one chart."""
    try:
        root = ET.fromstring(svg_text)
    except ET.ParseError as e:
        raise SvgChartError(f"{source}: not well-formed SVG ({e})") from e
    x_ticks, y_ticks = [], []
    for g in root.iter(f"{SVG}g"):
        gid = g.get("id") or ""
        if gid.startswith("xtick_") or gid.startswith("ytick_"):
            axis = "x" if gid[0] == "x" else "y"
            pos, label = _tick_position(g, axis), _tick_label(g)
            if pos is not None and label:
                (x_ticks if axis == "x" else y_ticks).append((pos, label))
    if len(x_ticks) < 2 or len(y_ticks) < 2:
        raise SvgChartError(f"{source}: found {len(x_ticks)} x and {len(y_ticks)} y tick labels; need 2 of each")
    # lines: coloured 1.5-wide strokes; labels: text groups filled with the same colour
    colours = {}
    for el in root.iter():
        style = el.get("style") or ""
        if (el.get("id") or "").startswith("text_") and (m := re.search(r"fill:(#[0-9a-fA-F]{6})", style)):
            colours.setdefault(m.group(1).lower(), _text_of(el))
    lines = {}
    for p in root.iter(f"{SVG}path"):
        style = p.get("style") or ""
        m = re.search(r"stroke:(#[0-9a-fA-F]{6})", style)
        if (p.get("id") or "").startswith("line2d") and m and "stroke-width:1.5" in style:
            label = colours.get(m.group(1).lower(), m.group(1).lower())
            lines[label] = path_vertices(p.get("d", ""))
    if not lines:
        raise SvgChartError(f"{source}: no data line (1.5-wide coloured stroke) found")
    try:
        xs = np.array([p for p, _ in x_ticks])
        xd = np.array([_days(date(int(t), 1, 1)) for _, t in x_ticks])
        yv = np.array([_label_value(t) for _, t in y_ticks])
    except ValueError as e:
        raise SvgChartError(f"{source}: tick labels are not years/numbers ({e})") from e
    yp = np.array([p for p, _ in y_ticks])
    xa, xb = np.polyfit(xd, xs, 1)
    ya, yb = np.polyfit(yp, yv, 1)
    return Chart(x_ticks, y_ticks, lines,
                 (xa, xb, float(np.abs(xa * xd + xb - xs).max())),
                 (ya, yb, float(np.abs(ya * yp + yb - yv).max())))


def _days(d: date | datetime) -> float:
    """Days since 1970-01-01 (matplotlib's date unit), fractional for datetimes."""
    return (datetime(d.year, d.month, d.day) - datetime(1970, 1, 1)).total_seconds() / 86400 + \
        (d.hour / 24 + d.minute / 1440 if isinstance(d, datetime) else 0.0)


def month_midpoint(period: pd.Period) -> float:
    """Middle of a calendar month, in days since the epoch."""
    start = _days(date(period.year, period.month, 1))
    return start + calendar.monthrange(period.year, period.month)[1] / 2


def monthly_values(chart: Chart, label: str) -> pd.DataFrame:
    """One row per month spanned by a line: month, per_day, days, questions, method, residual."""
    v = chart.lines[label]
    xa, xb, _ = chart.x_fit
    ya, yb, _ = chart.y_fit
    days = (v[:, 0] - xb) / xa
    first = pd.Timestamp("1970-01-01") + pd.to_timedelta(days.min(), unit="D")
    last = pd.Timestamp("1970-01-01") + pd.to_timedelta(days.max(), unit="D")
    rows = []
    for period in pd.period_range(first.to_period("M"), last.to_period("M"), freq="M"):
        mid = month_midpoint(period)
        x_mid = xa * mid + xb
        if x_mid < v[:, 0].min() - X_TOLERANCE or x_mid > v[:, 0].max() + X_TOLERANCE:
            continue
        near = np.abs(v[:, 0] - x_mid) <= X_TOLERANCE
        if near.any():
            y, method = v[near][np.argmin(np.abs(v[near][:, 0] - x_mid)), 1], "vertex"
        else:
            order = np.argsort(v[:, 0])
            y, method = float(np.interp(x_mid, v[order, 0], v[order, 1])), "interpolated"
        per_day = ya * y + yb
        n_days = calendar.monthrange(period.year, period.month)[1]
        count = per_day * n_days
        rows.append({"month": str(period), "per_day": per_day, "n_days": n_days, "n_questions_exact": count,
                     "n_questions": int(round(count)), "residual": count - round(count), "method": method})
    return pd.DataFrame(rows)


def digitise(svg_text: str, source: str = "") -> pd.DataFrame:
    """Every labelled line of one chart as monthly rows: tag, month, questions, per_day, method, residual."""
    chart = parse_chart(svg_text, source)
    frames = [monthly_values(chart, label).assign(tag=label) for label in sorted(chart.lines)]
    out = pd.concat(frames, ignore_index=True)
    out["n_questions"] = out["n_questions"].clip(lower=0)
    return out
