"""build/cache: a fit computed once is read back unchanged, found only by the same input and code, and an entry
that cannot be read is computed again."""
import numpy as np
import pandas as pd
import pytest

from conftest import rooted
from helpers.chain import cache
from helpers.stats import signal_results as sr

MONTHS = pd.period_range("2019-01", periods=30, freq="M").astype(str)


def stars(pytorch: np.ndarray) -> pd.DataFrame:
    """monthly_signals rows of GitHub stars: TensorFlow 1,000 a month, PyTorch as given."""
    return pd.DataFrame({"source_id": "github", "metric": "new_stars",
                         "framework": ["tensorflow"] * len(MONTHS) + ["pytorch"] * len(MONTHS),
                         "month": list(MONTHS) * 2, "value": np.r_[np.full(len(MONTHS), 1000.0), pytorch],
                         "break_id": "", "break_kind": ""})


def test_a_fit_is_read_back_unchanged_and_found_only_by_its_input(tmp_path, monkeypatch):
    rising = np.linspace(300, 1500, len(MONTHS)).round()
    with rooted(tmp_path):
        first = sr.fit_all(stars(rising), workers=1)["github_stars"]
        assert len(list(cache.folder("fits").glob("*.pkl"))) == 1
        monkeypatch.setattr(sr, "_fit_one", lambda s: pytest.fail("refitted a series already fitted"))
        again = sr.fit_all(stars(rising), workers=1)["github_stars"]
        assert again.fit.params.tolist() == first.fit.params.tolist()
        assert again.summary.years == first.summary.years and again.summary.monthly.equals(first.summary.monthly)
        monkeypatch.undo()
        other = sr.fit_all(stars(rising + 1), workers=1)["github_stars"]  # one more star a month: a new fit
        assert len(list(cache.folder("fits").glob("*.pkl"))) == 2 and other.fit.params.tolist() != first.fit.params.tolist()


def test_an_unreadable_entry_is_computed_again(tmp_path):
    with rooted(tmp_path):
        entry = cache.key("some input", "stats")
        cache.store("fits", entry, {"value": 1})
        assert cache.load("fits", entry) == {"value": 1}
        path = cache.folder("fits") / f"{entry}.pkl"
        path.write_bytes(path.read_bytes()[:5])  # truncated
        assert cache.load("fits", entry) is None and cache.load("fits", "never-written") is None


def test_the_key_holds_the_code_and_the_libraries():
    assert cache.key("x", "stats") != cache.key("x", "stats", "registry") != cache.key("y", "stats", "registry")
    assert cache.key("x", "stats") == cache.key("x", "stats")
