"""The notebook chain itself, run with papermill on fixture data (a miniature project tree), and its HTML
reports as a reader sees them in a real headless browser (Debian's chromium; skipped, saying why, only where it
is not installed — `.ci/run` installs it).

The Kaggle zips are 300-respondent fixtures; the monthly sources are the project's own small raw files. The
chain runs once per session (the `chain` fixture, as `make all YEAR=2021` would); these tests check what it wrote.
Every test that needs that chain lives in this module, so pytest-xdist (`--dist loadfile`) runs it once.
"""
from __future__ import annotations

import json
import os
import re
import shutil
import subprocess
import sys

import nbformat
import pandas as pd
import pytest

from conftest import REFRESH_DAY, REPO, made, make, rooted, run_step, sha, tree_snapshot
from helpers.chain import io, schemas
from helpers.registry.claims import CLAIMS
from helpers.registry.signals import SIGNAL_BY_ID
from helpers.registry.sources import SOURCES
from helpers.registry.steps import STEPS, step
from helpers.registry.tables import TABLE_BY_ID, TABLES
from helpers.report import claims

pytestmark = pytest.mark.chain
WRITTEN = [t for t in TABLES if t.fmt in ("csv", "parquet") and step(t.step).goal == "all"]


def test_raw_data_untouched(chain):
    assert tree_snapshot(chain["tree"] / "data" / "raw") == chain["raw_before"]


@pytest.mark.parametrize("t", WRITTEN, ids=lambda t: t.id)
def test_every_table_meets_its_registered_contract(chain, t):
    """Every output the chain wrote passes its schema as read back, with documented columns first and rows in
    their registered order."""
    with rooted(chain["tree"]):
        df = io.read_table(t.id, 2021 if t.per_year else None)
    schemas.validate(t.id, df)
    documented = [c.name for c in t.columns if c.required or c.name in df.columns]
    assert list(df.columns[:len(documented)]) == documented
    if t.sort and len(df):
        assert df.equals(df.sort_values(list(t.sort), kind="mergesort", ignore_index=True))


def test_kaggle_shares_and_monthly_signals_content(chain):
    with rooted(chain["tree"]):
        shares, ms = io.read_table("kaggle_framework_shares"), io.read_table("monthly_signals")
    assert sorted(shares["year"].unique()) == [2018, 2019, 2020, 2021, 2022] and (shares["n_respondents"] == 300).all()
    assert {"stackoverflow", "dsse", "github", "pypi"} <= set(ms["source_id"])
    d = ms[(ms["source_id"] == "dsse") & (ms["metric"] == "questions")].pivot(index="month", columns="framework", values="value")
    d = d[d["all"].notna()]  # the refresh continues the tags the signals use, not the all-questions series
    tags = d.drop(columns="all")
    assert len(d) > 100 and (tags.le(d["all"], axis=0) | tags.isna()).all().all()  # a tag never exceeds all
    a = ms[(ms["source_id"] == "dsse")].pivot_table(index=["framework", "month"], columns="metric", values="value").dropna()
    assert (a["answered"] <= a["questions"]).all()
    assert not ms["is_net_change"].any()  # GitHub's net-change months (2025-08 on) are replaced by the refresh


def test_crossovers_contract(chain):
    """Each signal's crossover is a month inside its interval, or one of the plain-word findings with its reason;
    never dated at a series' first month; the reader's sentence is the registry's wording."""
    from helpers.registry.crossover import OUTCOMES, describe_record
    with rooted(chain["tree"]):
        c = io.read_table("crossovers")
    assert c["signal_id"].is_unique
    for _, r in c.iterrows():
        if not r["is_modelled"]:
            assert r["reason"] and not r["crossover"]
            continue
        assert r["outcome_id"] in OUTCOMES and r["summary"] == describe_record(r)
        if r["outcome_id"] == "dated":
            assert re.fullmatch(r"\d{4}(-\d{2})?", r["crossover"]) and r["crossover"] != r["first_period"]
            if r["granularity"] == "month":
                assert (not r["crossover_low"] or r["crossover_low"] <= r["crossover"]) and (
                    not r["crossover_high"] or r["crossover"] <= r["crossover_high"])
        else:
            assert not r["crossover"] and r["reason"], r.to_dict()
        if r["granularity"] == "month":
            probs = r[["dated_prob", "not_yet_prob", "not_decidable_prob", "ahead_since_start_prob"]]
            assert probs.sum() == pytest.approx(1.0)
    assert {"so_questions", "github_stars", "pypi_downloads", "kaggle_survey"} <= set(c["signal_id"])


def test_verdict_contract(chain):
    with rooted(chain["tree"]):
        v = io.read_table("verdict")
    assert list(v.columns) == ["claim_id", "verdict", "evidence", "finding"]
    assert list(v["claim_id"]) == list(claims.CLAIMS)
    assert set(v["verdict"]) <= set(claims.VERDICTS) and v["evidence"].str.len().min() > 40
    assert (v["finding"].str.len() > 20).all()
    g = v.set_index("claim_id")
    gt = g.loc["gt_2020_pt_ahead"]  # the German daily drop-in: 7 complete months, too short to model
    assert gt["verdict"] == "contradicted" and "7 of 12 months" in gt["evidence"] and "Weltweit" in gt["evidence"]
    assert g.loc["so_2020_pt_more_questions", "verdict"] == "contradicted"  # real SO counts: TF ahead all of 2020
    assert g.loc["tf_pypi_115m_2020", "verdict"] == "supported"


def test_drop_ins_reach_the_reports(chain):
    """The issue's files in their published layouts go through the whole chain: the seven-month German Google
    Trends export is shown (observed shares, not modelled) and judged on its months; the Stack Overflow zips of
    2018-2025 are read (Keras not offered in 2018-2019, 2025 without the question), flagged as samples and never
    tested across years; drop-ins are hashed into the provenance record."""
    tree = chain["tree"]
    with rooted(tree):
        ms, months = io.read_table("monthly_signals"), io.read_table("signal_months")
        so, shifts = io.read_table("so_survey_framework_shares"), io.read_table("survey_shifts")
    gt_rows = ms[ms["source_id"] == "google_trends"]
    assert set(gt_rows["framework"]) == {"pytorch", "tensorflow"} and gt_rows["month"].nunique() == 7
    gt_months = months[months["signal_id"] == "google_trends"]
    assert len(gt_months) == 7 and not gt_months["is_modelled"].any() and gt_months["latent_share"].isna().all()
    keras = so[so["framework"] == "keras"].set_index("year")
    assert keras.loc[2019, "status"] == "not offered in 2019" and pd.isna(keras.loc[2019, "answered_share"])
    assert so[so["year"] == 2025]["status"].str.startswith("not asked").all() and not so["is_complete"].any()
    assert shifts[shifts["source_id"] == "so_survey"].empty  # every SO file here is a sample
    nb20 = json.dumps(nbformat.read(tree / "build" / "notebooks" / "20_trend_tests.ipynb", as_version=4).cells)
    assert "Google Trends interest: too short for the model: 7 months" in nb20
    nb30 = json.dumps(nbformat.read(tree / "build" / "notebooks" / "30_survey_shift.ipynb", as_version=4).cells)
    assert "Samples, not the published surveys" in nb30 and "2019: a sample: 40 of 88,883" in nb30
    rec = json.loads((tree / "reports" / "provenance_2021.json").read_text())
    assert "google_trends/multiTimeline.csv" in rec["drop_ins"] and len(rec["drop_ins"]) == 7


def test_refreshed_months_reach_the_reports(chain):
    """`make refresh` (against the local stand-ins) added a file per source: the chain continues each series with
    it after the acquired months, compares the overlap, and models the splice as a break."""
    tree = chain["tree"]
    with rooted(tree):
        ms, months = io.read_table("monthly_signals"), io.read_table("signal_months")
        overlap = io.read_table("refresh_overlap")
    origin = ms.groupby("source_id")["origin"].agg(set)
    for source in ("pypi", "github", "stackoverflow", "dsse"):
        assert f"refresh_{source}_2026-11-25.csv" in origin[source], source
        assert (overlap["source_id"] == source).any() and (overlap.loc[overlap["source_id"] == source, "n_months"] == 12).all()
    pypi = ms[(ms["source_id"] == "pypi") & (ms["framework"] == "torch")].set_index("month")
    assert pypi.loc["2026-03", "origin"] == "acquired" and pypi.loc["2026-10", "origin"] != "acquired"
    assert (pypi.loc["2026-04", "break_id"], pypi.loc["2026-04", "break_kind"]) == ("splice", "changes_mix")
    github = ms[ms["source_id"] == "github"]
    assert not github["is_net_change"].any() and github["month"].max() == "2026-10"  # net changes replaced
    stars = months[months["signal_id"] == "github_stars"].set_index("month")
    assert stars.index.max() == "2026-10" and stars.loc["2025-08", "break_id"] == "splice"
    nb20 = json.dumps(nbformat.read(tree / "build" / "notebooks" / "20_trend_tests.ipynb", as_version=4).cells)
    assert "do the two countings agree" in nb20 and "Ratio median" in nb20  # the overlap table, shown
    verified = pd.read_csv(tree / "data" / "raw" / "MANIFEST.csv", keep_default_na=False)
    assert verified["query"].str.startswith("WITH").sum() == 2  # the two engine queries, on one line each


def test_year_independent_work_runs_once(chain):
    """Only the verdict depends on the year: one verdict.csv, no per-year signal tables, reports named so."""
    tree = chain["tree"]
    assert (tree / "reports" / "tables" / "verdict.csv").exists()
    assert not list((tree / "reports" / "tables").glob("signal_tests_*.csv"))
    per_year = {s.name for s in STEPS if s.per_year}
    for page in chain["html"].glob("[0-9]*.html"):
        stem = re.sub(r"_\d{4}$", "", page.stem)
        assert (stem != page.stem) == (stem in per_year), page.name


def test_provenance_record(chain):
    rec = json.loads((chain["tree"] / "reports" / "provenance_2021.json").read_text())
    assert rec["parameters"] == {"year": 2021} and rec["root"] == str(chain["tree"])
    assert len(rec["inputs"]) == len(pd.read_csv(chain["tree"] / "data" / "raw" / "MANIFEST.csv"))
    assert {"pandas", "statsmodels", "papermill"} <= set(rec["libraries"]) and rec["git"]["commit"]
    assert "reports/tables/verdict.csv" in rec["tables"] and "data/processed/monthly_signals.csv" in rec["tables"]


def test_html_has_no_code_and_needs_no_network(chain):
    pages = [p for p in chain["html"].glob("*.html") if p.name != "index.html"]
    assert len(pages) == sum(1 for s in STEPS if s.notebook and s.goal == "all")
    for page in pages:
        text = page.read_text(encoding="utf-8")
        assert not re.search(r'class="[^"]*(jp-InputArea-editor|hl-ipython3|jp-CodeMirrorEditor)', text), page.name
        assert not re.search(r'<script[^>]+src="https?://', text), page.name
        assert not re.search(r'<link[^>]+href="https?://', text), page.name
        assert "Traceback" not in text, page.name


def test_charts_appear_where_they_are_drawn(chain):
    """A cell shows one kind of thing: a chart and a table in one cell would render out of order."""
    for path in (chain["tree"] / "build" / "notebooks").glob("*.ipynb"):
        nb = nbformat.read(path, as_version=4)
        for cell in nb.cells:
            if cell.cell_type != "code":
                continue
            kinds = {("image" if "image/png" in o.get("data", {}) else "table" if "text/html" in o.get("data", {})
                      else "text") for o in cell.get("outputs", []) if o.get("output_type") != "stream"}
            assert len(kinds - {"text"}) <= 1, f"{path.name}: a cell shows {kinds}:\n{cell.source}"


# --- every Make target the README documents, on the chain's own tree (tiny settings; the last ones change it) -------

STEP_LINE = re.compile(r"^\[\s*\d+ s\] ", re.M)


def test_make_refresh_and_make_all_ran_and_a_second_make_all_does_nothing(chain):
    assert "saved" in chain["refresh_log"] and "Next: `make all`" in chain["refresh_log"]
    assert STEP_LINE.search(chain["all_log"]) and "Done. The verdict for 2021" in chain["all_log"]
    again = made(make(chain["tree"], "all", "YEAR=2021"))
    assert not STEP_LINE.search(again) and "Done." in again


def test_make_help_verify_check_year_env_fetch_and_lint(chain):
    tree = chain["tree"]
    listed = made(make(tree, "help"))
    assert all(t in listed for t in ("all-years", "calibrate", "refresh-check", "bench"))
    made(make(tree, "verify"))
    assert "YEAR=2024 is valid" in made(make(tree, "check-year", "YEAR=2024"))
    bad = make(tree, "check-year", "YEAR=1999")
    assert bad.returncode != 0 and "1999" in bad.stdout + bad.stderr
    made(make(tree, "env"))
    made(make(tree, "fetch"))   # nothing is missing: nothing is downloaded
    made(make(tree, "lint"))    # ruff and the layer contracts, on the package under test


def test_make_refresh_check_against_the_local_stand_ins(chain):
    from fake_upstreams import Upstreams
    up = Upstreams()
    try:
        out = made(make(chain["tree"], "refresh-check", f"REFRESH_ARGS=--today {REFRESH_DAY}", env=up.env()))
    finally:
        up.close()
    assert "4 of 4 sources ready for `make refresh`" in out and "newest day 2026-11-03" in out  # the fakes end there


def test_make_bench_resolves_every_command_it_times(chain):
    assert "resolve" in made(make(chain["tree"], "bench", "BENCH_ARGS=--dry-run"))


def test_make_calibrate_with_one_replicate_and_the_verdict_quotes_it(chain):
    """The coverage study at one replicate a cell runs end to end; the verdict page already built is rebuilt and
    now says what the study measured."""
    tree = chain["tree"]
    before = (chain["html"] / "40_verdict_2021.html").stat().st_mtime
    made(make(tree, "calibrate", "CALIBRATION_SIMS=1"))
    with rooted(tree):
        table = io.read_table("calibration")
    assert {"year share", "within-year change"} <= set(table["method"]) and (table["n_sim"] >= 1).all()
    page = chain["html"] / "40_verdict_2021.html"
    assert page.stat().st_mtime > before and "In the coverage study (" in page.read_text(encoding="utf-8")
    assert "25_calibration.html" in (chain["html"] / "index.html").read_text(encoding="utf-8")


def test_make_all_years_adds_the_years_asked_and_the_overview(chain):
    """A tiny run: the verdict for one more year (every valid year by default) and the all-years overview."""
    html = chain["html"]
    made(make(chain["tree"], "all-years", "YEARS=2025"))
    assert sorted(int(p.stem[-4:]) for p in html.glob("40_verdict_*.html")) == [2021, 2025]
    assert (html / "50_all_years.html").exists()
    bad = make(chain["tree"], "all-years", "YEARS=1999")
    assert bad.returncode != 0 and "valid years" in bad.stdout + bad.stderr


def test_processed_tables_are_deterministic_and_the_pipeline_writes_the_same_bytes(chain, tmp_path):
    """Re-running steps gives identical bytes; so does the kernel-free pipeline (same functions as the notebooks),
    even with every display label renamed in the registry (things are known by id: renaming a signal, family,
    source or the common trend changes only the label columns and the sentences that quote them)."""
    tree = chain["tree"]
    files = [tree / t.file(2021 if t.per_year else None) for t in WRITTEN]
    before = {f: sha(f) for f in files}
    for name in ("12_clean_github", "assemble_signals"):
        assert run_step(name, tree) == 0
    assert {f: sha(f) for f in files} == before
    copy = tmp_path / "copy"
    shutil.copytree(tree / "data" / "raw", copy / "data" / "raw")
    shutil.copytree(tree / "notebooks", copy / "notebooks")
    back = relabelled_package(copy / "src")
    env = {**os.environ, "PTVTF_ROOT": str(copy), "PYTHONPATH": str(copy / "src")}
    proc = subprocess.run([sys.executable, "-m", "helpers.chain.pipeline", "--year", "2021"], env=env,
                          capture_output=True, text=True, timeout=900)
    assert proc.returncode == 0, proc.stderr[-3000:]
    relabelled = 0
    for f in files:
        g = copy / f.relative_to(tree)
        if f.suffix == ".parquet":
            assert sha(g) == before[f], f"the pipeline and the notebook disagree on {f.relative_to(tree)}"
            continue
        new, old = g.read_text(), f.read_text()
        relabelled += new != old
        for n, o in sorted(back.items(), key=lambda kv: -len(kv[0])):
            new = new.replace(n, o)
        assert new == old, f"{f.relative_to(tree)}: the pipeline with relabelled signals differs beyond the labels"
    assert relabelled >= 10  # the label columns did change


# --- the reports in a browser ------------------------------------------------------------------------------

CHROMIUM = shutil.which("chromium") or shutil.which("chromium-browser")
if CHROMIUM is None and os.environ.get("CI"):  # in CI the browser checks must run: a missing browser fails them
    needs_chromium = pytest.mark.usefixtures("chromium_required")
else:
    needs_chromium = pytest.mark.skipif(CHROMIUM is None, reason="BROWSER CHECKS NOT RUN: Debian's chromium is not "
                                                                 "installed (apt-get install chromium)")


@pytest.fixture
def chromium_required():
    pytest.fail("CI is set but no chromium is installed: the browser checks of the reports cannot run "
                "(.ci/run installs Debian's chromium)")
ARGS = ["--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run", "--disable-background-networking",
        "--disable-component-update", "--disable-sync"]


@pytest.fixture(scope="module")
def browser():
    from playwright.sync_api import sync_playwright
    with sync_playwright() as p:
        b = p.chromium.launch(executable_path=CHROMIUM, args=ARGS)
        yield b
        b.close()


@needs_chromium
def test_every_report_loads_offline_with_images_and_no_code(chain, browser):
    pages = sorted(chain["html"].glob("[0-9]*.html"))
    assert len(pages) >= 3
    for page_path in pages:
        page = browser.new_page()
        problems, remote = [], []
        page.on("console", lambda m, problems=problems: problems.append(m.text) if m.type == "error" else None)
        page.on("pageerror", lambda e, problems=problems: problems.append(str(e)))
        page.on("request", lambda r, remote=remote: remote.append(r.url) if not r.url.startswith(("file:", "data:")) else None)
        page.goto(page_path.as_uri())
        page.wait_for_load_state("load")
        images = page.evaluate("Array.from(document.images).map(i => i.complete && i.naturalWidth > 0)")
        code = page.evaluate("document.querySelectorAll('.jp-InputArea-editor, .jp-CodeMirrorEditor, .hl-ipython3').length")
        tables = page.evaluate("document.querySelectorAll('table').length")
        assert all(images), f"{page_path.name}: an image did not render"
        assert code == 0, f"{page_path.name}: code is visible"
        assert not problems, f"{page_path.name}: console errors {problems}"
        assert not remote, f"{page_path.name}: requests to the network {remote}"
        stderr = page.evaluate("document.querySelectorAll('[data-mime-type=\"application/vnd.jupyter.stderr\"]').length")
        text = page.inner_text("body")
        assert stderr == 0, f"{page_path.name}: shows a warning or error output block"
        assert not re.search(r"site-packages|/\.venv/|RuntimeWarning|FutureWarning|DeprecationWarning|UserWarning",
                             text), f"{page_path.name}: developer output (a warning or an environment path)"
        assert not re.search(rf"(^|\s){re.escape(str(chain['tree']))}|(^|\s)/(home|root|tmp|usr|work)/", text), \
            f"{page_path.name}: shows an absolute path"
        cells = page.evaluate("Array.from(document.querySelectorAll('td, th')).map(c => c.innerText.trim())")
        assert not {"True", "False"} & set(cells), f"{page_path.name}: a bare True/False in a table"
        shown_ids = sorted(i for i in IDS if re.search(rf"(?<![\w/.-]){re.escape(i)}(?![\w.-])", text))
        assert not shown_ids, f"{page_path.name}: ids shown where a label belongs: {shown_ids}"
        outputs = page.evaluate("document.querySelectorAll('.jp-OutputArea-output').length")
        assert tables > 0 or images or outputs, f"{page_path.name}: shows nothing but prose"
        page.close()


# ids a reader must not meet where a label belongs (a raw folder's name, e.g. kaggle_survey/, may be shown as such)
IDS = {*SIGNAL_BY_ID, *CLAIMS, "common_trend"} - {s.folder for s in SOURCES}


@needs_chromium
def test_the_verdict_answers_three_questions_above_the_fold(chain, browser, tmp_path):
    """On a 1280x800 screen, without scrolling: who led in the year, was the article right, how sure we are."""
    year = 2021
    page_path = chain["html"] / f"40_verdict_{year}.html"
    page = browser.new_page(viewport={"width": 1280, "height": 800})
    page.goto(page_path.as_uri())
    page.wait_for_load_state("load")
    for anchor, words in (("#who-led", f"Who led in {year}?"), ("#article-right", "Was the article right?"),
                          ("#how-sure", "How sure are we?")):
        box = page.locator(anchor).bounding_box()
        assert box is not None and words in page.inner_text(anchor), anchor
        assert box["y"] + box["height"] <= 800, f"{anchor} ends at {box['y'] + box['height']:.0f} px: below the fold"
    right = page.inner_text("#article-right")
    assert re.search(r"\d+ supported · \d+ contradicted · \d+ mixed · \d+ untestable", right)
    assert "overtook TensorFlow" in right  # the headline claim first
    page.screenshot(path=str(tmp_path / f"fold_{year}.png"))
    page.close()


@needs_chromium
def test_verdict_screenshot(chain, browser, tmp_path):
    page = browser.new_page(viewport={"width": 1100, "height": 1400})
    page.goto((chain["html"] / "40_verdict_2021.html").as_uri())
    shot = tmp_path / "verdict.png"
    page.screenshot(path=str(shot), full_page=True)
    data = shot.read_bytes()
    assert data[:8] == b"\x89PNG\r\n\x1a\n" and len(data) > 100_000  # a real page, not a blank one
    assert "In 2021" in page.inner_text("body") and "contradicted" in page.inner_text("body")
    # the scorecard shows one sentence per claim; the evidence opens with one click
    details = page.locator("table.scorecard tr", has_text="Kaggle survey 2021").locator("details")
    evidence = details.locator("p")
    assert not details.evaluate("d => d.open") and not evidence.is_visible()
    details.locator("summary").click()
    assert details.evaluate("d => d.open") and evidence.is_visible() and "Wilson" in evidence.inner_text()
    page.close()


# Loaded by every Python process of the interrupted run (the step's process and its kernel): once the notebook's
# kernel has written the step's first table and the second one's temporary file, it kills itself — a kill in the
# middle of writing, at a deterministic point.
KILL_MID_WRITE = """
import contextlib, importlib.abc, importlib.machinery, os, signal, sys

class KillAfterFirstTable(importlib.abc.MetaPathFinder):
    def find_spec(self, name, path, target=None):
        if name != "helpers.chain.io" or "ipykernel" not in sys.modules:
            return None
        spec = importlib.machinery.PathFinder.find_spec(name, path)
        run = spec.loader.exec_module
        def exec_module(module):
            run(module)
            original, written = module.atomic_path, []
            @contextlib.contextmanager
            def atomic_path(target):
                with original(target) as tmp:
                    yield tmp
                    if written:  # the second table's temporary file is complete, not yet renamed
                        os.kill(os.getpid(), signal.SIGKILL)
                    written.append(target)
            module.atomic_path = atomic_path
        spec.loader.exec_module = exec_module
        return spec

sys.meta_path.insert(0, KillAfterFirstTable())
"""


def test_interrupted_run_is_rerun_cleanly(chain, tmp_path):
    """Kill the survey step's kernel while it writes its tables: the step fails, no table is half-written (each
    is its old bytes or gone), the re-run cleans the stale temporary file and gives the uninterrupted run's bytes."""
    tree = chain["tree"]
    name = "30_survey_shift"
    outputs = [tree / TABLE_BY_ID[t].file() for t in step(name).outputs]
    before = {p: sha(p) for p in outputs}
    (tmp_path / "sitecustomize.py").write_text(KILL_MID_WRITE)
    env = {**os.environ, "PTVTF_ROOT": str(tree),
           "PYTHONPATH": os.pathsep.join([str(tmp_path), str(REPO / "src"), os.environ.get("PYTHONPATH", "")])}
    proc = subprocess.run([sys.executable, "-m", "helpers.chain.run", name], env=env, capture_output=True, text=True,
                          timeout=300)
    assert proc.returncode != 0, "the kernel was not killed"
    assert list(tree.rglob(".*.tmp")), "the kill came before or after the writes"
    assert all(sha(p) == before[p] for p in outputs if p.exists()), "a table was half-written"
    assert run_step(name, tree) == 0
    assert {p: sha(p) for p in outputs} == before, "the re-run gives the same bytes as the first run"
    assert not list(tree.rglob(".*.tmp")), "stale temp files"


def relabelled_package(target) -> dict[str, str]:
    """A copy of the package whose registries give every signal, family, source and the common trend a new display
    label (nothing else changes); returns {new label: old label}."""
    from helpers.registry.signals import COMMON_TREND_LABEL, FAMILIES, SIGNALS
    from helpers.registry.sources import SOURCES
    shutil.copytree(REPO / "src" / "helpers", target / "helpers", ignore=shutil.ignore_patterns("__pycache__"))
    labels = {"signals.py": {s.name: f"Relabelled signal {s.id}" for s in SIGNALS}
              | {f.label: f"Relabelled family {f.id}" for f in FAMILIES.values()}
              | {COMMON_TREND_LABEL: "Relabelled common trend"},
              "sources.py": {s.label: f"Relabelled source {s.id}" for s in SOURCES}}
    back = {}
    for name, mapping in labels.items():
        path = target / "helpers" / "registry" / name
        text = path.read_text()
        for old, new in mapping.items():
            assert text.count(f'"{old}"') == 1, (name, old)  # exactly the declaration
            text = text.replace(f'"{old}"', f'"{new}"')
            back[new] = old
        path.write_text(text)
    return back


def test_no_page_built_from_older_tables_is_linked(chain):
    """When a table the year pages read changes, `make all` rebuilds every verdict page already built (not only
    YEAR's) and the overview; a page Make does not rebuild (the coverage study) is marked in the index."""
    tree, html = chain["tree"], chain["html"]
    years = sorted(int(p.stem[-4:]) for p in html.glob("40_verdict_*.html"))
    (tree / "reports" / "tables" / "leaders_by_year.csv").touch()
    plan = made(make(tree, "-n", "all", "YEAR=2021"))
    assert years == [2021, 2025] and all(f"40_verdict --year {y}" in plan for y in years) and "50_all_years" in plan
    (tree / "data" / "processed" / "monthly_signals.csv").touch()
    subprocess.run([sys.executable, "-m", "helpers.report.index", str(html)], check=True,
                   env={**os.environ, "PTVTF_ROOT": str(tree)})
    index = (html / "index.html").read_text(encoding="utf-8")
    stale = re.search(r'25_calibration.html">[^<]*</a>([^<]*<em>[^<]*)', index)
    assert stale and "built from older tables" in stale.group(1)


def test_make_clean_and_clean_all_remove_only_what_make_built(chain, tmp_path):
    tree = chain["tree"]
    made(make(tree, "clean"))
    assert not (tree / "reports").exists() and not (tree / "data" / "processed").exists()
    assert tree_snapshot(tree / "data" / "raw") == chain["raw_before"]
    venv = tmp_path / "throwaway-venv"
    venv.mkdir()
    subprocess.run(["make", "-C", str(tree), "--no-print-directory", f"VENV={venv}", "clean-all"], check=True,
                   capture_output=True, env={k: v for k, v in os.environ.items() if k != "MAKEFLAGS"})
    assert not venv.exists() and (tree / "data" / "raw" / "MANIFEST.csv").exists()
