"""The `year` parameter: what the data can speak to, and a clear error for anything else.

PyTorch was released publicly in January 2017 (its Stack Overflow tag and GitHub stars start
at the end of 2016), so 2017 is the first year in which "who led" has two contestants. The last
year is the last with any monthly data: 2026 in the acquired data (PyPI to 2026-03), later once `make refresh`
has added later months (the year of the newest refresh file's last complete month). Years that a source does
not cover are reported as "not covered" for that source, not as errors.
"""
from __future__ import annotations

import numbers

from .refresh_files import newest_month

FIRST_YEAR = 2017
ACQUIRED_LAST_YEAR = 2026
_refreshed = newest_month()
LAST_YEAR = max(ACQUIRED_LAST_YEAR, int(_refreshed[:4]) if _refreshed else 0)
VALID_YEARS = tuple(range(FIRST_YEAR, LAST_YEAR + 1))
DEFAULT_YEAR = 2021  # the article's year


class YearError(ValueError):
    """`year` is not an integer in the valid range."""


def validate_year(year) -> int:
    """Return `year` as an int, or raise YearError naming the valid range.

    Accepts Python and numpy integers only: strings ("2021"), floats (2021.0) and bools are
    rejected, because papermill and Make pass what the user typed and a silent coercion would
    hide a typo.
    """
    rng = f"{FIRST_YEAR}-{LAST_YEAR}"
    if isinstance(year, bool) or not isinstance(year, numbers.Integral):
        raise YearError(f"year must be an integer in {rng}; got {year!r} ({type(year).__name__}). "
                        f"Example: make all YEAR={DEFAULT_YEAR}")
    if not FIRST_YEAR <= int(year) <= LAST_YEAR:
        raise YearError(f"year {year} is outside the range the data can speak to ({rng}): "
                        f"PyTorch was released in {FIRST_YEAR}, and the newest monthly data are from {LAST_YEAR}")
    return int(year)


def from_command_line(raw: str):
    """What the user typed after YEAR=: an int when it is all digits, else the text (validated later)."""
    return int(raw) if raw.strip().lstrip("-").isdigit() else raw
