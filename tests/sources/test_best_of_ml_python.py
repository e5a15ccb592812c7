"""best-of-ml-python: new dependents a month from cumulative weekly readings, against hand-computed answers; the
declared failures left out, never read as collapses; a broken file named."""
from __future__ import annotations

import pandas as pd
import pytest

from conftest import REPO
from helpers.chain.io import InputFileError
from helpers.sources import best_of_ml_python as bmp

COLUMNS = ("snapshot_date,snapshot_file,snapshot_blob,name,github_id,pypi_id,conda_id,star_count,fork_count,"
           "contributor_count,commit_count,github_dependent_project_count,pypi_dependent_project_count,"
           "dependent_project_count,pypi_monthly_downloads,monthly_downloads,conda_total_downloads,dockerhub_pulls,"
           "projectrank\n")


def tree(tmp_path, rows: list[tuple[str, str, float | str, float | str]]):
    """A raw folder whose extraction holds `rows` (date, github id, dependents, 30-day downloads)."""
    f = tmp_path / bmp.SOURCE.file("history")
    f.parent.mkdir(parents=True)
    pkg = {"pytorch/pytorch": "torch", "tensorflow/tensorflow": "tensorflow", "google/jax": "jax"}
    f.write_text(COLUMNS + "".join(f"{d},h/{d}.csv,abc,N,{g},{pkg.get(g, 'x')},,,,,,{c},,,{p},,,,1\n"
                                   for d, g, c, p in rows))
    return tmp_path


def counts(series: dict[str, float]) -> pd.Series:
    return pd.Series(list(series.values()), index=pd.to_datetime(list(series)), dtype=float)


def test_daily_rates_sum_into_whole_months_only():
    """Readings on Jan 1 (0), Jan 29 (280) and Feb 26 (560): 10 a day from Jan 2 to Feb 26. January (every day from
    the 2nd... but not the 1st) is not complete; with a reading on Dec 31 as well it is: 10 x 31 = 310."""
    r = bmp.daily_rates(counts({"2021-01-01": 0, "2021-01-29": 280, "2021-02-26": 560}))
    assert r.index.min() == pd.Timestamp("2021-01-02") and (r == 10).all()
    assert bmp.monthly_counts(r).empty  # Jan 1 has no rate; February ends after the last reading
    full = bmp.monthly_counts(bmp.daily_rates(counts({"2020-12-31": 0, "2021-01-29": 290, "2021-03-05": 640})))
    assert full.to_dict() == {"2021-01": pytest.approx(310.0), "2021-02": pytest.approx(280.0)}


def test_a_gap_longer_than_five_weeks_leaves_its_months_out():
    c = counts({"2021-01-01": 0, "2021-02-05": 350, "2021-03-20": 780, "2021-04-10": 990})  # 35 then 43 days
    months = bmp.monthly_counts(bmp.daily_rates(c))
    assert list(months.index) == []  # January misses Jan 1; February and March touch the 43-day gap
    assert bmp.daily_rates(c).index.max() == pd.Timestamp("2021-04-10")


def test_excluded_readings_and_failed_reads_are_not_collapses(tmp_path):
    """PyTorch's declared failure (2021-08..2023-08) is left out, and so is a reading below half the last one."""
    rows = [("2021-07-01", "pytorch/pytorch", 1000, ""), ("2021-07-08", "pytorch/pytorch", 1070, ""),
            ("2023-08-10", "pytorch/pytorch", 4, ""), ("2023-08-31", "pytorch/pytorch", 11, ""),
            ("2023-09-07", "pytorch/pytorch", 312207, ""),
            ("2024-01-04", "google/jax", 500, ""), ("2024-01-11", "google/jax", 3, ""),  # a failed read
            ("2024-01-18", "google/jax", 640, "")]
    snaps = bmp.snapshots(tree(tmp_path, rows))
    assert list(bmp.readings(snaps, "pytorch")) == [1000, 1070, 312207]
    assert list(bmp.readings(snaps, "jax")) == [500, 640]
    # the 2021-07-08 -> 2023-09-07 gap is far longer than five weeks: no PyTorch month comes out of it
    assert bmp.monthly(snaps).query("framework == 'pytorch'").empty


def test_the_real_file_gives_the_documented_months_and_first_lead():
    """23 months with both PyTorch and TensorFlow (2020-12..2021-06, 2023-10..2024-05, 2024-10..2025-05); the
    snapshots' PyPI counts put torch ahead first on 2024-03-21 (SOURCES.md)."""
    result = bmp.build(REPO / "data" / "raw")
    rows = result["monthly_best_of_ml_python"]
    both = rows[rows["framework"].isin(["pytorch", "tensorflow"])].pivot(index="month", columns="framework",
                                                                           values="value").dropna()
    expect = [str(p) for r in (("2020-12", "2021-06"), ("2023-10", "2024-05"), ("2024-10", "2025-05"))
              for p in pd.period_range(*r, freq="M")]
    assert list(both.index) == expect and (both > 0).all().all()
    assert bmp.first_ahead(result["best_of_ml_pypi"]) == "2024-03-21"
    recount = rows[rows["break_id"] == "best_of_ml_python_2023_02"]
    assert set(recount["month"]) == {"2023-02"} and "pytorch" not in set(recount["framework"])


@pytest.mark.parametrize("line, fragment", [
    ("2021-13-01,h,abc,N,pytorch/pytorch,torch,,,,,,5,,,,,,,1\n", "is not YYYY-MM-DD"),
    ("2021-01-01,h,abc,N,pytorch/pytorch,torch,,,,,,-5,,,,,,,1\n", "not a count >= 0"),
    ("2021-01-01,h,abc,N,pytorch/pytorch,torch,,,,,,many,,,,,,,1\n", "not a count >= 0"),
])
def test_a_malformed_extraction_is_named(tmp_path, line, fragment):
    f = tmp_path / bmp.SOURCE.file("history")
    f.parent.mkdir(parents=True)
    f.write_text(COLUMNS + line)
    with pytest.raises(InputFileError, match=fragment) as e:
        bmp.snapshots(tmp_path)
    assert "best_of_ml_python_frameworks_history.csv" in str(e.value)


def test_a_missing_column_is_named(tmp_path):
    f = tmp_path / bmp.SOURCE.file("history")
    f.parent.mkdir(parents=True)
    f.write_text("snapshot_date,github_id\n2021-01-01,pytorch/pytorch\n")
    with pytest.raises(InputFileError, match="missing column"):
        bmp.snapshots(tmp_path)
