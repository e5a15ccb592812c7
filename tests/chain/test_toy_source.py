"""A new monthly source, added the way the README says: its record, its signal, its step and part table in the
registry, one cleaning module and its raw file — nothing else. In a fixture tree with its own copy of the package,
`make refresh` continues it from the local fake engine, its cleaning step splices the refresh on, the monthly table
takes it in, and the model fits its signal with the splice and its declared break."""
from __future__ import annotations

import os
import shutil
import subprocess
import sys
from pathlib import Path

import pandas as pd
import pytest
from fake_upstreams import Upstreams

from conftest import REPO, make_tree, write_manifest

REGISTRY = {  # (file, the line before which the toy's entries go, the entries)
    "sources.py": ("SOURCE_BY_ID = ", '''SOURCES += (Source(
    "toy", "Toy index", "toy", "17_clean_toy", "counts", "month", files=("toy.csv",),
    breaks=(Break("toy", "2023-01", "toy: a second mirror counted", prior_sd=0.1),),
    refresh=RefreshSpec(("clickhouse",), {"pytorch": "torch", "tensorflow": "tensorflow"}, "2025-06", "toy licence",
                        aggregation="pypi_monthly", tables={"clickhouse": "pypi.pypi_downloads_per_day"})),)
'''),
    "signals.py": ("SIGNAL_BY_ID = ", '''SIGNALS += (Signal("toy_downloads", "Toy downloads", "toy", "downloads",
                   ("pytorch",), ("tensorflow",), "installs", "a made-up crowd", "#123456",
                   "the share of toy downloads that are PyTorch's, counted by a made-up index", "2021-01 to 2025-06"),)
'''),
    "tables.py": ("TABLE_BY_ID = ", '''TABLES += (monthly_part("17_clean_toy", "toy", "Toy downloads"),)
'''),
    "steps.py": ("STEP_BY_NAME = ", '''STEPS = STEPS[:1] + (Step("17_clean_toy", "Toy: monthly downloads",
                          "helpers.sources.toy:build", raw=True, notebook=False),) + STEPS[1:]
'''),
}
MODULE = '''"""The toy source's cleaning: its CSV as monthly rows, continued by any refresh."""
import pandas as pd

from ..chain import paths
from ..registry.sources import SOURCE_BY_ID
from . import refreshed


def build(raw=None):
    df = pd.read_csv((raw or paths.RAW) / SOURCE_BY_ID["toy"].folder / "toy.csv", dtype={"month": str})
    rows = df.assign(source="toy", metric="downloads", value=df["value"].astype(float))
    return {"monthly_toy": refreshed.splice(rows[["source", "metric", "framework", "month", "value"]], "toy", raw=raw)}
'''


def add_toy(tree: Path) -> None:
    """The package copied into the tree, the toy declared in its registry, its module and raw file added."""
    shutil.copytree(REPO / "src" / "helpers", tree / "src" / "helpers", ignore=shutil.ignore_patterns("__pycache__"))
    for name, (anchor, entry) in REGISTRY.items():
        path = tree / "src" / "helpers" / "registry" / name
        text = path.read_text()
        assert text.count(anchor) == 1, name
        path.write_text(text.replace(anchor, entry + anchor))
    (tree / "src" / "helpers" / "sources" / "toy.py").write_text(MODULE)
    months = [str(p) for p in pd.period_range("2021-01", "2025-06", freq="M")]
    raw = tree / "data" / "raw" / "toy"
    raw.mkdir(parents=True)
    pd.DataFrame([{"month": m, "framework": fw, "value": v + 40 * i}
                  for i, m in enumerate(months) for fw, v in (("pytorch", 1000), ("tensorflow", 3000))]).to_csv(
        raw / "toy.csv", index=False)
    write_manifest(tree / "data" / "raw")


def run(tree: Path, env: dict, *args: str) -> str:
    proc = subprocess.run([sys.executable, *args], cwd=tree, env=env, capture_output=True, text=True, timeout=300)
    assert proc.returncode == 0, proc.stdout[-3000:] + proc.stderr[-3000:]
    return proc.stdout


def test_a_toy_source_added_through_the_registry_is_refreshed_cleaned_assembled_and_modelled(tmp_path):
    tree = make_tree(tmp_path / "project")
    add_toy(tree)
    up = Upstreams()
    try:
        env = {**os.environ, **up.env(), "CLICKHOUSE_TOY_URL": up.url, "PTVTF_ROOT": str(tree),
               "PYTHONPATH": str(tree / "src")}
        out = run(tree, env, "-m", "helpers.refresh.run", "--sources", "toy")
        checked = run(tree, env, "-m", "helpers.refresh.check")
    finally:
        up.close()
    assert "toy: saved" in out and "2024-07..2026-10" in out  # 12 months before the acquired end .. last month
    assert "toy " in checked and "pypi.pypi_downloads_per_day" in checked
    [refresh] = (tree / "data" / "raw" / "toy").glob("refresh_toy_*.csv")
    assert refresh.name in (tree / "data" / "raw" / "MANIFEST.csv").read_text()
    run(tree, env, "-c", "from helpers.chain import manifest; manifest.verify()")  # the new raw files verify
    run(tree, env, "-m", "helpers.chain.run", "17_clean_toy")
    for t in ("monthly_stackexchange", "monthly_github", "monthly_pypi", "monthly_google_trends"):
        run(tree, env, "-c", f"from helpers.chain import io, schemas; io.write_table('{t}', schemas.empty('{t}'))")
    run(tree, env, "-m", "helpers.chain.run", "assemble_signals")
    ms = pd.read_csv(tree / "data" / "processed" / "monthly_signals.csv", dtype=str, keep_default_na=False)
    toy = ms[(ms["source"] == "toy") & (ms["framework"] == "pytorch")].set_index("month")
    assert toy["origin"]["2025-06"] == "acquired" and toy["origin"]["2025-07"] == refresh.name
    assert (toy.loc["2023-01", "break_id"], toy.loc["2025-07", "break_id"]) == ("toy_2023_01", "splice")
    fit = run(tree, env, "-c", "from helpers.chain import io; from helpers.stats import signal_results as sr; "
                              "r = sr.fit_all(io.read_table('monthly_signals'), workers=1)['toy_downloads']; "
                              "print([b.id for b in r.series.breaks], r.series.months[-1], "
                              "round(r.summary.years[2026]['share'], 2))")
    assert fit.split()[:2] == ["['toy_2023_01',", "'splice']"] and "2026-10" in fit
    assert 0.5 < float(fit.split()[-1]) < 0.7  # torch against tensorflow in the fake engine: 1000+ vs 700+ a day


@pytest.mark.parametrize("name", sorted(REGISTRY))
def test_the_toy_entries_go_where_the_registry_files_expect_them(name):
    """The anchors the test above writes before are the registries' own (one each)."""
    anchor, _ = REGISTRY[name]
    assert (REPO / "src" / "helpers" / "registry" / name).read_text().count(anchor) == 1
