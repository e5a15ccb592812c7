"""The registries are complete and everything that should derive from them does."""
from __future__ import annotations

import dataclasses
import re
from importlib import import_module

import matplotlib
import pandas as pd
import pytest

from conftest import REPO
from helpers.chain import docs, makefile, schemas
from helpers.registry import signals as reg
from helpers.registry import sources as src
from helpers.registry.sources import SOURCES
from helpers.registry.steps import STEPS, step
from helpers.registry.tables import TABLES

matplotlib.use("Agg")


@pytest.mark.parametrize("sig", reg.SIGNALS, ids=lambda s: s.id)
def test_every_signal_has_every_attribute(sig):
    for f in dataclasses.fields(sig):
        value = getattr(sig, f.name)
        assert f.name == "jax" or value not in ("", (), None), f"{sig.id}: {f.name} is empty"  # JAX where counted
    assert sig.family in reg.FAMILIES and re.fullmatch(r"#[0-9A-Fa-f]{6}", sig.colour)
    assert sig.granularity in ("month", "year")
    assert len(sig.estimand.split()) >= 8, f"{sig.id}: say in a sentence what the share estimates"


def test_signal_ids_names_and_colours_are_unique():
    for attr in ("id", "name", "colour"):
        values = [getattr(s, attr) for s in reg.SIGNALS]
        assert len(values) == len(set(values)), attr


def test_breaks_are_well_formed():
    for b in src.BREAKS:
        assert b.kind in src.BREAK_KINDS and b.description and b.prior_sd > 0
        assert not b.end or b.end >= b.start, b
        fmt = r"\d{4}" if b.source in ("kaggle_survey", "so_survey") else r"\d{4}-\d{2}"
        assert re.fullmatch(fmt, b.start), b
    assert src.break_fields("pypi", "2021-02") == ("pypi_2020_12", "scales_all")  # an episode: every month marked
    assert src.break_fields("pypi", "2018-09") == ("", "") and src.break_fields("pypi", "2018-08")[0] == "pypi_2018_08"
    assert src.break_fields("github", "2026-01") == ("github_2025_08", "exclude")
    with pytest.raises(ValueError, match="kind"):
        src.Break("pypi", "2020-01", "x", kind="level")
    assert len(src.BREAK_BY_ID) == len(src.BREAKS)  # ids are unique
    for s in src.SOURCES:  # no month of one item is marked by two breaks of one source
        months = [str(p) for p in pd.period_range("2014-01", "2027-12", freq="M")]
        items = {i for b in s.breaks for i in b.items} or {""}
        assert all(sum(b.marks(m) and (not i or b.concerns((i,))) for b in s.breaks) <= 1
                   for m in months for i in items), s.id


def test_every_signal_names_a_declared_source_and_every_refresh_spec_is_complete():
    from helpers.refresh import queries
    assert {s.source for s in reg.SIGNALS} <= set(src.SOURCE_BY_ID)
    for s in src.REFRESHABLE:
        spec = s.refresh
        frameworks = {f for sig in reg.MONTHLY if sig.source == s.id for f in (*sig.pytorch, *sig.tensorflow)}
        assert frameworks <= set(spec.items), s.id  # the refresh continues every framework the signals read
        assert re.fullmatch(r"\d{4}-\d{2}", spec.acquired_end) and spec.licence
        if spec.aggregation:
            assert spec.aggregation in queries.AGGREGATIONS and set(spec.tables) <= set(spec.engines)
        else:
            assert spec.engines == ("stackexchange_api",) and spec.site


def test_every_monthly_signal_is_drawn_with_its_registered_colour_and_style():
    from helpers.report import plots
    months = [str(p) for p in pd.period_range("2019-01", periods=24, freq="M")]
    rows = pd.concat([pd.DataFrame({"signal_id": s.id, "signal": s.name, "month": months, "observed_share": 0.4,
                                    "pt_plus_tf": 100.0, "latent_share": 0.4, "latent_share_low": 0.35,
                                    "latent_share_high": 0.45, "ahead_prob": 0.01, "is_modelled": True}) for s in reg.MONTHLY])
    cross = pd.DataFrame(columns=["signal_id", "crossover", "crossover_low", "crossover_high"])
    fig = plots.share_family(rows, cross, "all")
    lines = {ln.get_label(): ln for ln in fig.axes[0].get_lines() if not ln.get_label().startswith("_")}
    for s in reg.MONTHLY:
        [line] = [ln for label, ln in lines.items() if label.split(" (")[0] == s.name]
        assert matplotlib.colors.to_hex(line.get_color()).lower() == s.colour.lower()
        assert (line.get_linestyle() == "-") == s.popularity


def test_an_unregistered_signal_is_an_error_not_a_default_colour():
    from helpers.report import plots
    with pytest.raises(KeyError):
        plots.signal_colour("Reddit mentions")


@pytest.mark.parametrize("t", [t for t in TABLES if t.fmt in ("csv", "parquet")], ids=lambda t: t.id)
def test_every_table_has_a_schema_and_documented_columns(t):
    assert t.columns, f"{t.id}: no documented columns"
    assert all(c.description for c in t.columns)
    assert set(t.key) <= {c.name for c in t.columns} and set(t.sort) <= {c.name for c in t.columns}
    schemas.schema(t.id)  # builds
    empty = schemas.empty(t.id)
    assert list(empty.columns) == [c.name for c in t.columns]


def test_steps_are_in_dependency_order_and_their_functions_exist():
    made = set()
    for s in STEPS:
        for t in s.inputs:
            assert t in made, f"{s.name} reads {t} before any step writes it"
        module, name = s.function.split(":")
        fn = getattr(import_module(module), name)
        assert fn.__doc__ and s.name in fn.__doc__, f"{s.function}: its docstring should name step {s.name}"
        made.update(s.outputs)


def test_every_monthly_source_has_a_cleaning_step_with_a_part():
    parts = {t.id.removeprefix("monthly_") for t in TABLES if t.id.startswith("monthly_") and t.id != "monthly_signals"}
    assert set(step("assemble_signals").inputs) == {f"monthly_{p}" for p in parts}
    assert {s.module for s in SOURCES if s.granularity == "month"} == parts
    for s in SOURCES:  # each source's cleaning step reads its folder, runs its module and writes its part
        assert s.folder in step(s.step).folders and step(s.step).function == f"helpers.sources.{s.module}:build"
        assert s.granularity != "month" or f"monthly_{s.module}" in step(s.step).outputs


def test_generated_rules_cover_every_step_and_output():
    rules = makefile.rules()
    for s in STEPS:
        assert f"$(RUN) {s.name}" in rules
        for t in s.outputs:
            assert TABLES[[x.id for x in TABLES].index(t)].path.replace("{year}", "%") in rules


def test_generated_docs_are_up_to_date_with_the_registry():
    for name, sections in docs.SECTIONS.items():
        text = (REPO / name).read_text(encoding="utf-8")
        assert docs.updated(text, sections, name) == text, f"run `python -m helpers.chain.docs` ({name})"
    dictionary = (REPO / "docs" / "data-dictionary.md").read_text(encoding="utf-8")
    for t in TABLES:
        if t.columns:
            assert f"`{t.path}`" in dictionary


def test_the_readme_stays_short_and_links_every_document():
    readme = (REPO / "README.md").read_text(encoding="utf-8")
    assert len(readme.splitlines()) <= 200
    for doc in sorted((REPO / "docs").glob("*.md")):
        assert f"docs/{doc.name}" in readme, f"README does not link docs/{doc.name}"
    for path in re.findall(r"`(tests/[\w/]+\.py)`", readme + "".join(
            p.read_text(encoding="utf-8") for p in (REPO / "docs").glob("*.md"))):
        assert (REPO / path).exists(), f"a document names {path}, which does not exist"


def test_readme_names_every_step_and_make_target():
    readme = (REPO / "README.md").read_text(encoding="utf-8")
    for s in STEPS:
        assert s.name in readme, s.name
    makefile_text = (REPO / "Makefile").read_text(encoding="utf-8")
    targets = re.findall(r"^([a-z][a-z-]*):.*## ", makefile_text, flags=re.M)
    assert {"all", "all-years", "calibrate", "test", "lint", "bench", "help"} <= set(targets)
    for target in targets:
        assert f"make {target}" in readme, f"README does not mention `make {target}`"


def test_no_reference_to_files_outside_the_project():
    for path in list((REPO / "src").rglob("*.py")) + list((REPO / "tests").glob("*.py")) + [REPO / "README.md"]:
        text = path.read_text(encoding="utf-8")
        for outside in ("DESIGN" + ".md", "../" + "shared"):
            assert outside not in text, f"{path} refers to {outside}, which is not part of the project"
