"""Each package's docstring names every module in it, and names no module that is not there."""
from __future__ import annotations

import importlib
import pkgutil
import re

import pytest

import helpers

PACKAGES = ["helpers", *(f"helpers.{m.name}" for m in pkgutil.iter_modules(helpers.__path__) if m.ispkg)]


@pytest.mark.parametrize("name", PACKAGES)
def test_the_package_docstring_names_its_modules(name):
    pkg = importlib.import_module(name)
    inside = {m.name for m in pkgutil.iter_modules(pkg.__path__)}
    named = set(re.findall(r"`(\w+)`", pkg.__doc__ or ""))
    assert inside <= named, f"{name}: modules not named in its docstring: {sorted(inside - named)}"
    if name == "helpers":  # the top package names its sub-packages; check no stale one is named
        assert {n for n in named if n in {"registry", "chain", "stats", "sources", "report", "refresh"}} == inside
