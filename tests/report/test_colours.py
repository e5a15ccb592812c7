"""One colour language: PyTorch, TensorFlow and "too close" own their colours; signals never borrow them."""
import matplotlib
import pandas as pd
import pytest

from helpers.registry.signals import SIGNALS
from helpers.report import colours, index, plots

matplotlib.use("Agg")


@pytest.mark.parametrize("sig", SIGNALS, ids=lambda s: s.id)
def test_no_signal_is_drawn_in_a_leaders_colour(sig):
    assert min(colours.distance(sig.colour, c) for c in colours.RESERVED) >= 60, sig.colour


def test_signals_differ_by_colour_and_marker():
    assert len({s.colour for s in SIGNALS}) == len(SIGNALS) and len({s.marker for s in SIGNALS}) == len(SIGNALS)


def test_the_heat_map_colours_the_decided_leader_and_marks_part_years():
    """A share above 50% whose interval contains 50% is grey (too close), not PyTorch's colour; 3 of 12 months says
    so; a year a signal does not cover is white."""
    by_year = pd.DataFrame({"signal_id": ["so_questions"] * 3, "signal": ["Stack Overflow questions"] * 3,
                            "year": [2024, 2025, 2026], "leader": ["too close to call", "PyTorch", "not covered"],
                            "pytorch_share": [0.55, 0.7, None], "n_months": [12, 3, 0]})
    fig = plots.leaders_by_year(by_year)
    ax = fig.axes[0]
    rgb = ax.images[0].get_array()
    assert tuple(rgb[0, 0]) == pytest.approx(matplotlib.colors.to_rgb(colours.TOO_CLOSE))
    assert tuple(rgb[0, 1]) == pytest.approx(matplotlib.colors.to_rgb(colours.PYTORCH))
    assert tuple(rgb[0, 2]) == pytest.approx((1.0, 1.0, 1.0))
    texts = [t.get_text() for t in ax.texts]
    assert "55%" in texts and "70%\n3 of 12 mo" in texts
    assert [t.get_text() for t in fig.legends[0].get_texts()] == ["PyTorch ahead", "TensorFlow ahead",
                                                                   "too close to call", "not covered"]


def test_the_index_starts_with_the_verdict_and_the_overview_and_says_what_each_page_answers(tmp_path):
    for name in ("00_acquire", "20_trend_tests", "40_verdict_2021", "40_verdict_2024", "50_all_years",
                 "40_verdict_2017"):
        (tmp_path / f"{name}.html").write_text("x")
    page = index.build(tmp_path)
    order = [page.index(f'href="{n}.html"') for n in ("40_verdict_2021", "50_all_years", "40_verdict_2017",
                                                         "40_verdict_2024", "00_acquire", "20_trend_tests")]
    assert order == sorted(order)
    assert "Who led in 2024, was the article right" in page and "start here)" not in page
