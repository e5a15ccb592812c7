"""The `year` parameter: validation, and how Make checks it before anything runs."""
import re
import subprocess

import numpy as np
import pytest

from conftest import REPO
from helpers.chain import makefile, params


@pytest.mark.parametrize("year", [2017, 2021, 2026, np.int64(2020)])
def test_valid_years_pass(year):
    assert params.validate_year(year) == int(year)


@pytest.mark.parametrize("year, fragment", [
    (2016, "outside the range"), (2027, "outside the range"), (1999, "outside"),
    ("2021", "must be an integer"), ("abc", "must be an integer"), (2021.0, "must be an integer"),
    (2021.5, "must be an integer"), (True, "must be an integer"), (None, "must be an integer"),
])
def test_bad_years_name_the_valid_range(year, fragment):
    with pytest.raises(params.YearError) as e:
        params.validate_year(year)
    assert fragment in str(e.value) and "2017" in str(e.value) and "2026" in str(e.value)


def test_generated_rules_list_the_valid_years():
    years = re.search(r"^VALID_YEARS := (.+)$", makefile.rules(), re.M).group(1).split()
    assert tuple(int(y) for y in years) == params.VALID_YEARS


def make(*args):
    return subprocess.run(["make", "-s", "--no-print-directory", *args], cwd=REPO, capture_output=True, text=True)


@pytest.mark.parametrize("value, fragment", [("abc", "must be an integer"), ("2031", "outside the range"),
                                             ("20 21", "must be an integer")])
def test_make_stops_on_a_bad_year_before_anything_runs(value, fragment):
    for goal in ("check-year", "all"):
        r = make(goal, f"YEAR={value}", "-n")
        assert r.returncode != 0 and fragment in r.stderr and "2017-2026" in r.stderr, r.stderr
        assert "helpers.chain.run" not in r.stdout


def test_make_help_lists_exactly_the_targets():
    out = make("help").stdout
    listed = {line.split()[0] for line in out.splitlines() if line.startswith("  ") and not line.startswith("  Var")}
    assert listed == {"all", "all-years", "bench", "calibrate", "check-year", "clean", "clean-all", "env", "fetch",
                      "help", "lint", "refresh", "refresh-check", "test", "verify"}
