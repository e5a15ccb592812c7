"""The SVG digitiser on a chart built here with known monthly values, in matplotlib's SVG layout."""
import calendar
import itertools
from datetime import date

import numpy as np
import pytest

from helpers.sources import so_charts as so_svg

X0, X_PER_DAY = 40.0, 0.1        # x = X0 + 0.1 pt per day since 2019-01-01
Y0, Y_PER_Q = 300.0, -2.0        # y = 300 - 2 pt per question/day


def glyphs(text):
    return "".join(f'<use xlink:href="#DejaVuSans-{ord(c):x}" x="{60 * i}"/>' for i, c in enumerate(text))


def x_of(d: date, offset_days=0.0):
    return X0 + X_PER_DAY * ((d - date(2019, 1, 1)).days + offset_days)


def make_svg(values: dict[str, dict[str, int]], relative=True, merge_collinear=None):
    """values: label -> {YYYY-MM: questions}. Points at month midpoints, y = questions/day."""
    colours = {"tensorflow": "#1f77b4", "pytorch": "#ff7f0e"}
    ticks = []
    for i, year in enumerate([2019, 2020, 2021]):
        ticks.append(f'<g id="xtick_{i + 1}"><g id="line2d_{i + 1}"><use xlink:href="#m1" x="{x_of(date(year, 1, 1)):.3f}" '
                     f'y="300"/></g><g id="text_{i + 1}" transform="matrix(.14 0 0 -.14 0 0)">{glyphs(str(year))}</g></g>')
    for j, v in enumerate([0, 10, 20, 30]):
        y = Y0 + Y_PER_Q * v
        ticks.append(f'<g id="ytick_{j + 1}"><path id="line2d_{10 + j}" d="M40 {y:.3f}h300" style="stroke:#b0b0b0"/>'
                     f'<g id="text_{10 + j}">{glyphs(str(v))}</g></g>')
    lines, labels = [], []
    for k, (label, series) in enumerate(values.items()):
        pts = []
        for month, q in series.items():
            yy, mm = map(int, month.split("-"))
            days = calendar.monthrange(yy, mm)[1]
            if merge_collinear and month in merge_collinear:
                continue
            pts.append((x_of(date(yy, mm, 1), days / 2), Y0 + Y_PER_Q * q / days))
        if relative:
            d = f"m{pts[0][0]:.6f} {pts[0][1]:.6f}" + "".join(
                f" {b[0] - a[0]:.6f} {b[1] - a[1]:.6f}" for a, b in itertools.pairwise(pts))
        else:
            d = "M" + "L".join(f"{x:.6f} {y:.6f}" for x, y in pts)
        lines.append(f'<path id="line2d_{30 + k}" d="{d}" style="fill:none;stroke:{colours[label]};stroke-width:1.5"/>')
        labels.append(f'<g id="text_{40 + k}" style="fill:{colours[label]}">{glyphs(label)}</g>')
    return ('<svg xmlns="http://www.w3.org/2000/svg" xmlns:xlink="http://www.w3.org/1999/xlink"><g id="figure_1">'
            '<g id="axes_1"><g id="matplotlib.axis_1">' + "".join(ticks[:3]) + '</g><g id="matplotlib.axis_2">'
            + "".join(ticks[3:]) + "</g>" + "".join(lines) + "".join(labels) + "</g></g></svg>")


KNOWN = {
    "tensorflow": {"2019-01": 1393, "2019-02": 1200, "2019-03": 1500, "2019-04": 1611, "2019-05": 1700},
    "pytorch": {"2019-01": 299, "2019-02": 350, "2019-03": 401, "2019-04": 457, "2019-05": 512},
}


@pytest.mark.parametrize("relative", [True, False])
def test_known_values_are_read_back_exactly(relative):
    out = so_svg.digitise(make_svg(KNOWN, relative=relative))
    for tag, series in KNOWN.items():
        got = out[out["tag"] == tag].set_index("month")
        for month, q in series.items():
            assert got.loc[month, "n_questions"] == q
            assert abs(got.loc[month, "residual"]) < 1e-3
            assert got.loc[month, "method"] == "vertex"


def test_axis_fits_recover_the_scales():
    chart = so_svg.parse_chart(make_svg(KNOWN))
    assert chart.x_fit[0] == pytest.approx(X_PER_DAY) and chart.x_fit[2] < 1e-6
    assert chart.y_fit[0] == pytest.approx(1 / Y_PER_Q) and chart.y_fit[2] < 1e-9
    assert set(chart.lines) == {"tensorflow", "pytorch"}  # labels decoded from glyphs, matched by colour


def test_merged_collinear_month_is_interpolated():
    # 2019-03 lies on the straight line between its neighbours in per-day terms only approximately, so build
    # a series whose per-day values are exactly linear, drop the middle vertex, and read it back
    series = {"2019-04": 30 * 10, "2019-05": 31 * 12, "2019-06": 30 * 14}
    svg = make_svg({"pytorch": series}, merge_collinear={"2019-05"})
    got = so_svg.digitise(svg).set_index("month")
    assert got.loc["2019-05", "method"] == "interpolated"
    # interpolation in x (time) between midpoints: within a few questions of the true value
    assert abs(got.loc["2019-05", "n_questions"] - 372) <= 3


def test_path_parser_handles_svgo_number_packing():
    v = so_svg.path_vertices("m10 20 2.5-.5.25.75h3v-1.5L1e1 5l.1.2")
    assert np.allclose(v, [[10, 20], [12.5, 19.5], [12.75, 20.25], [15.75, 20.25], [15.75, 18.75], [10, 5], [10.1, 5.2]])


def test_other_fonts_decode():
    svg = make_svg(KNOWN).replace("DejaVuSans-", "MyriadPro-Regular-")
    assert set(so_svg.digitise(svg)["tag"]) == {"tensorflow", "pytorch"}


@pytest.mark.parametrize("bad, message", [("<svg", "not well-formed"),
                                          ('<svg xmlns="http://www.w3.org/2000/svg"></svg>', "tick labels")])
def test_bad_svg_is_a_clear_error(bad, message):
    with pytest.raises(so_svg.SvgChartError, match=message):
        so_svg.digitise(bad, "data/raw/so_tags/x.svg")
