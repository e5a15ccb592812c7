"""The field registry: every registered column is of a known kind and its name follows the naming convention
(docs/naming.md); one name means one kind everywhere; display formats and headers come from the registry."""
from __future__ import annotations

import pandas as pd
import pytest

from conftest import REPO
from helpers.registry import fields
from helpers.registry.columns import FIELDS
from helpers.registry.tables import TABLES
from helpers.report import styled

COLUMNS = [(t.id, c) for t in TABLES for c in t.columns]


@pytest.mark.parametrize("table_id, column", COLUMNS, ids=[f"{t}.{c.name}" for t, c in COLUMNS])
def test_every_column_name_follows_its_kinds_rule(table_id, column):
    assert column.kind in fields.KINDS, f"{table_id}.{column.name}: unknown kind {column.kind!r}"
    assert fields.check_name(column.name, column.kind) == ""


def test_one_name_one_kind():
    kinds: dict[str, set[str]] = {}
    for _, c in COLUMNS:
        kinds.setdefault(c.name, set()).add(c.kind)
    assert {n: k for n, k in kinds.items() if len(k) > 1} == {}


def test_each_name_is_defined_once():
    """A column more than one table holds is a shared field (registry.columns), listed by name; one only one table
    holds is declared there, once."""
    own = [c.name for _, c in COLUMNS if not c.shared]
    assert [n for n in set(own) if own.count(n) > 1] == []
    shared = {c.name for _, c in COLUMNS if c.shared}
    assert shared == set(FIELDS) and not shared & set(own)
    assert all(sum(c.name == f for _, c in COLUMNS) >= 2 for f in FIELDS)  # a field is shared by at least two


@pytest.mark.parametrize("name, kind, ok", [
    ("pytorch_share", "share", True), ("pytorch_share_low", "share", True), ("share_change_2017_high", "change", True),
    ("gain_per_year_2018_low", "rate", True), ("faster_prob_2018", "prob", True), ("p_holm", "p_value", True),
    ("n_months", "count", True), ("is_net_change", "bool", True), ("signal", "label", True),
    ("low", "share", False), ("pct_all", "share", False), ("p_ahead", "prob", False), ("n", "count", False),
    ("popularity", "bool", False), ("change", "float", True), ("share_change", "float", False),
    ("p_before", "share", False), ("months", "count", False),
])
def test_the_rule_on_known_names(name, kind, ok):
    assert (fields.check_name(name, kind) == "") is ok


def test_tables_format_each_kind_as_its_registry_entry_says():
    df = pd.DataFrame({"pytorch_share": [0.4261], "share_change": [-0.0123], "gain_per_year_2018": [0.05],
                       "ahead_prob": [1.0], "p_value": [0.0], "n_months": [1234], "is_modelled": [True]})
    html = styled.table(df).to_html()
    for text in ("42.6%", "-1.2 pp", "+5.0 pp/yr", "> 0.999", "< 1e-300", "1,234", "yes", "P(PyTorch ahead)",
                 ">months<"):
        assert text in html, text


def test_the_naming_convention_is_written_down_with_every_kind():
    text = (REPO / "docs" / "naming.md").read_text()
    for k in fields.KINDS.values():
        assert f"`{k.id}`" in text, k.id
