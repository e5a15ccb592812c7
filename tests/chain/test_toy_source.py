"""A new monthly source, added the way docs/adding-a-source.md says: one `Source` record, its signal, one cleaning
module, one notebook, its raw file with the manifest row `python -m helpers.chain.manifest add` writes — nothing
else (no step, table, Makefile or test edit). In a fixture tree with its own copy of the package, `make` runs its
notebook and takes it into the monthly table; `make refresh` continues it from the local fake engine (an id with an
underscore: the refresh file name carries it); the next `make` reruns only verification, its own step and what
follows; and the model fits its signal with the splice and its declared break."""
from __future__ import annotations

import json
import os
import re
import subprocess
import sys
from pathlib import Path

import pandas as pd
import pytest
from fake_upstreams import Upstreams

from conftest import REPO, install_make, made, make, make_tree

REGISTRY = {  # (file, the line before which the toy's entries go, the entries)
    "sources.py": ("SOURCE_BY_ID = ", '''SOURCES += (Source(
    "toy_index", "Toy index", "toy", "18_clean_toy_index", "counts", "month", files={"counts": "toy.csv"},
    title="Toy index: monthly downloads", question="How many toy downloads a month?",
    metrics={"downloads": "downloads counted by a made-up index"},
    items={"pytorch": ("torch",), "tensorflow": ("tensorflow",)},
    breaks=(Break("toy_index", "2023-01", "toy: a second mirror counted", prior_sd=0.1),),
    refresh=RefreshSpec(("clickhouse",), ("pytorch", "tensorflow"), "2025-06", "toy licence",
                        aggregation="pypi_monthly", tables={"clickhouse": "pypi.pypi_downloads_per_day"})),)
'''),
    "signals.py": ("SIGNAL_BY_ID = ", '''SIGNALS += (Signal("toy_downloads", "Toy downloads", "toy_index", "downloads",
                   ("pytorch",), ("tensorflow",), "installs", "a made-up crowd", "#123456",
                   "the share of toy downloads that are PyTorch's, counted by a made-up index", "2021-01 to 2025-06",
                   marker="8"),)
'''),
}
MODULE = '''"""The toy source's cleaning: its CSV as monthly rows, continued by any refresh."""
import pandas as pd

from ..chain import paths
from ..registry.sources import SOURCE_BY_ID
from . import refreshed

SOURCE = SOURCE_BY_ID["toy_index"]


def build(raw=None):
    """Step 18_clean_toy_index: the toy's monthly downloads, a refresh spliced on."""
    df = pd.read_csv((raw or paths.RAW) / SOURCE.file("counts"), dtype={"month": str})
    rows = df.assign(source_id=SOURCE.id, metric="downloads", value=df["value"].astype(float))
    return {"monthly_toy_index": refreshed.splice(rows[["source_id", "metric", "framework", "month", "value"]], SOURCE.id,
                                                  raw=raw)}
'''
NOTEBOOK = [("markdown", "# 18 · Clean the toy index: monthly downloads"),
            ("code", "# No parameters: this notebook does not depend on the year in question."),
            ("code", "from helpers.chain import io\nfrom helpers.report import notebook\nfrom helpers.sources import "
                     "toy_index\n\nnotebook.start()"),
            ("code", 'result = toy_index.build()\nio.write_outputs("18_clean_toy_index", result)\nresult["monthly_toy_index"]')]


def add_toy(tree: Path, env: dict) -> None:
    """The toy declared in the tree's registry, its module, notebook and raw file added, its manifest row written."""
    for name, (anchor, entry) in REGISTRY.items():
        path = tree / "src" / "helpers" / "registry" / name
        text = path.read_text()
        assert text.count(anchor) == 1, name
        path.write_text(text.replace(anchor, entry + anchor))
    (tree / "src" / "helpers" / "sources" / "toy_index.py").write_text(MODULE)
    cells = [{"cell_type": kind, "id": f"toy-{i}", "metadata": {"tags": ["parameters"]} if i == 1 else {},
              "source": text, **({"execution_count": None, "outputs": []} if kind == "code" else {})}
             for i, (kind, text) in enumerate(NOTEBOOK)]
    meta = json.loads((REPO / "notebooks" / "12_clean_github.ipynb").read_text())["metadata"]
    (tree / "notebooks" / "18_clean_toy_index.ipynb").write_text(
        json.dumps({"cells": cells, "metadata": meta, "nbformat": 4, "nbformat_minor": 5}, indent=1))
    months = [str(p) for p in pd.period_range("2021-01", "2025-06", freq="M")]
    raw = tree / "data" / "raw" / "toy"
    raw.mkdir(parents=True)
    pd.DataFrame([{"month": m, "framework": fw, "value": v + 40 * i}
                  for i, m in enumerate(months) for fw, v in (("pytorch", 1000), ("tensorflow", 3000))]).to_csv(
        raw / "toy.csv", index=False)
    added = run(tree, env, "-m", "helpers.chain.manifest", "add", "data/raw/toy/toy.csv", "--upstream",
                "made up for the test", "--licence", "toy licence")
    assert "added data/raw/toy/toy.csv" in added


def run(tree: Path, env: dict, *args: str) -> str:
    proc = subprocess.run([sys.executable, *args], cwd=tree, env=env, capture_output=True, text=True, timeout=300)
    assert proc.returncode == 0, proc.stdout[-3000:] + proc.stderr[-3000:]
    return proc.stdout


def steps_run(output: str) -> list[str]:
    """The steps a `make` ran, from its progress lines (`[   3 s] <step>: ...`)."""
    return re.findall(r"^\[\s*\d+ s\] (\S+):", output, flags=re.M)


def test_a_toy_source_added_by_the_recipe_is_cleaned_refreshed_rerun_alone_and_modelled(tmp_path):
    tree = install_make(make_tree(tmp_path / "project", monthly=True))
    env = {**os.environ, "PTVTF_ROOT": str(tree), "PYTHONPATH": str(tree / "src")}
    add_toy(tree, env)
    parts = ("data/processed/monthly_github.csv", "data/processed/monthly_toy_index.csv")  # another source, and the toy
    first = made(make(tree, *parts))
    assert {"12_clean_github", "18_clean_toy_index"} <= set(steps_run(first))
    assert (tree / "reports" / "html" / "18_clean_toy_index.html").exists()  # its notebook ran and was exported
    up = Upstreams()
    try:
        env_up = {**env, **up.env(), "CLICKHOUSE_TOY_INDEX_URL": up.url}
        out = run(tree, env_up, "-m", "helpers.refresh.run", "--sources", "toy_index", "--today", "2026-11-25")
        checked = run(tree, env_up, "-m", "helpers.refresh.check", "--today", "2026-11-25")
    finally:
        up.close()
    assert "toy_index: saved" in out and "2024-07..2026-10" in out  # 12 months before the acquired end .. last month
    assert re.search(r"toy_index\s.*pypi\.pypi_downloads_per_day", checked)
    [refresh] = (tree / "data" / "raw" / "toy").glob("refresh_toy_index_*.csv")
    assert refresh.name in (tree / "data" / "raw" / "MANIFEST.csv").read_text()
    again = made(make(tree, *parts))
    assert steps_run(again) == ["00_acquire", "18_clean_toy_index"]  # the new file reruns its step, not GitHub's
    run(tree, env, "-c", "from helpers.chain import io, schemas; from helpers.registry.tables import MONTHLY_PARTS; "
                         "[io.write_table(t.id, schemas.empty(t.id)) for t in MONTHLY_PARTS "
                         "if t.id not in ('monthly_github', 'monthly_toy_index')]")
    run(tree, env, "-m", "helpers.chain.run", "assemble_signals")  # the monthly table takes the toy in
    ms = pd.read_csv(tree / "data" / "processed" / "monthly_signals.csv", dtype=str, keep_default_na=False)
    toy = ms[(ms["source_id"] == "toy_index") & (ms["framework"] == "pytorch")].set_index("month")
    assert toy["origin"]["2025-06"] == "acquired" and toy["origin"]["2025-07"] == refresh.name
    assert (toy.loc["2023-01", "break_id"], toy.loc["2025-07", "break_id"]) == ("toy_index_2023_01", "splice")
    fit = run(tree, env, "-c", "from helpers.chain import io; from helpers.stats import signal_results as sr; "
                              "ms = io.read_table('monthly_signals'); "
                              "r = sr.fit_all(ms[ms['source_id'] == 'toy_index'], workers=1)['toy_downloads']; "
                              "print([b.id for b in r.series.breaks], r.series.months[-1], "
                              "round(r.summary.years[2026]['share'], 2))")
    assert fit.split()[:2] == ["['toy_index_2023_01',", "'splice']"] and "2026-10" in fit
    assert 0.5 < float(fit.split()[-1]) < 0.7  # torch against tensorflow in the fake engine: 1000+ vs 700+ a day


@pytest.mark.parametrize("name", sorted(REGISTRY))
def test_the_toy_entries_go_where_the_registry_files_expect_them(name):
    """The anchors the test above writes before are the registries' own (one each)."""
    anchor, _ = REGISTRY[name]
    assert (REPO / "src" / "helpers" / "registry" / name).read_text().count(anchor) == 1
