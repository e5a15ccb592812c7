"""The registry checks itself: a step reads only the tables it declares (so Make reruns it when they change)."""
from __future__ import annotations

import ast
import json
import re

import pytest

from conftest import REPO, rooted
from helpers.chain import io, schemas
from helpers.registry.steps import STEPS, step

READ = re.compile(r"""io\.read_table\(\s*["']([a-z_0-9]+)["']""")


def notebook_reads(name: str) -> set[str]:
    cells = json.loads((REPO / "notebooks" / f"{name}.ipynb").read_text())["cells"]
    return {m for c in cells if c["cell_type"] == "code" for m in READ.findall("".join(c["source"]))}


@pytest.mark.parametrize("s", [s for s in STEPS if s.notebook], ids=lambda s: s.name)
def test_every_table_a_notebook_reads_is_declared(s):
    undeclared = notebook_reads(s.name) - set(s.inputs) - set(s.outputs)
    assert not undeclared, f"notebooks/{s.name}.ipynb reads {sorted(undeclared)} without declaring them"


def test_reading_an_undeclared_table_inside_a_step_is_refused(fixture_tree):
    with rooted(fixture_tree):
        io.write_table("signal_tests", schemas.empty("signal_tests"))
        io.write_table("leaders_by_year", schemas.empty("leaders_by_year"))
        with io.reading_as("40_verdict"):
            assert io.read_table("leaders_by_year").empty  # declared
            with pytest.raises(io.UndeclaredInputError, match="40_verdict reads the table 'signal_tests'.*steps.py"):
                io.read_table("signal_tests")
        assert io.read_table("signal_tests").empty  # outside a step (JupyterLab, a test): anything


def test_the_step_functions_read_only_declared_tables():
    """Static: every `read_table("x")` in a step's module names a table that some step using that module declares."""
    by_module: dict[str, set[str]] = {}
    for s in STEPS:
        by_module.setdefault(s.function.split(":")[0], set()).update(s.inputs, s.outputs)
    for module, allowed in by_module.items():
        path = REPO / "src" / (module.replace(".", "/") + ".py")
        tree = ast.parse(path.read_text())
        reads = {n.args[0].value for n in ast.walk(tree) if isinstance(n, ast.Call) and getattr(n.func, "attr", "")
                 == "read_table" and n.args and isinstance(n.args[0], ast.Constant)}
        assert reads <= allowed, f"{module} reads {sorted(reads - allowed)} that its step does not declare"
    assert step("40_verdict").inputs  # the registry is what is checked
