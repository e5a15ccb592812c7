import re

import numpy as np
import pytest

from helpers import params


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


def test_cli_exit_codes(capsys):
    assert params.main(["x", "2021"]) == 0
    assert params.main(["x", "20x1"]) == 2
    assert "must be an integer" in capsys.readouterr().err
    assert params.main(["x", "1990"]) == 2


def test_makefile_valid_years_match_params():
    import re
    from conftest import REPO
    text = (REPO / "Makefile").read_text()
    years = re.search(r"^VALID_YEARS := (.+)$", text, re.M).group(1).split()
    assert tuple(int(y) for y in years) == params.VALID_YEARS


def test_make_help_lists_the_targets():
    import subprocess
    from conftest import REPO
    out = subprocess.run(["make", "-s", "help"], cwd=REPO, capture_output=True, text=True, check=True).stdout
    for target in ("all", "all-years", "test", "bench", "env", "verify", "clean"):
        assert re.search(rf"\b{re.escape(target)}\b", out), target
