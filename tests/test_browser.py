"""The HTML reports as a reader sees them, in a real headless browser (Debian's chromium).

Skipped, saying why, only where chromium is not installed (`.ci/run` installs it).
"""
from __future__ import annotations

import shutil

import pytest

CHROMIUM = shutil.which("chromium") or shutil.which("chromium-browser")
pytestmark = [pytest.mark.chain,
              pytest.mark.skipif(CHROMIUM is None, reason="Debian's chromium is not installed (apt-get install chromium)")]
ARGS = ["--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run", "--disable-background-networking",
        "--disable-component-update", "--disable-sync"]


@pytest.fixture(scope="module")
def browser():
    from playwright.sync_api import sync_playwright
    with sync_playwright() as p:
        b = p.chromium.launch(executable_path=CHROMIUM, args=ARGS)
        yield b
        b.close()


def test_every_report_loads_offline_with_images_and_no_code(chain, browser):
    pages = sorted(chain["html"].glob("*.html"))
    assert len(pages) >= 3
    for page_path in pages:
        page = browser.new_page()
        problems, remote = [], []
        page.on("console", lambda m: problems.append(m.text) if m.type == "error" else None)
        page.on("pageerror", lambda e: problems.append(str(e)))
        page.on("request", lambda r: remote.append(r.url) if not r.url.startswith(("file:", "data:")) else None)
        page.goto(page_path.as_uri())
        page.wait_for_load_state("load")
        images = page.evaluate("Array.from(document.images).map(i => i.complete && i.naturalWidth > 0)")
        code = page.evaluate("document.querySelectorAll('.jp-InputArea-editor, .jp-CodeMirrorEditor, .hl-ipython3').length")
        tables = page.evaluate("document.querySelectorAll('table').length")
        assert images and all(images), f"{page_path.name}: an image did not render"
        assert code == 0, f"{page_path.name}: code is visible"
        assert not problems, f"{page_path.name}: console errors {problems}"
        assert not remote, f"{page_path.name}: requests to the network {remote}"
        assert tables > 0, f"{page_path.name}: no table"
        page.close()


def test_verdict_screenshot(chain, browser, tmp_path):
    page = browser.new_page(viewport={"width": 1100, "height": 1400})
    page.goto((chain["html"] / "40_verdict_2021.html").as_uri())
    shot = tmp_path / "verdict.png"
    page.screenshot(path=str(shot), full_page=True)
    data = shot.read_bytes()
    assert data[:8] == b"\x89PNG\r\n\x1a\n" and len(data) > 100_000  # a real page, not a blank one
    assert "Who led in 2021" in page.inner_text("body") and "contradicted" in page.inner_text("body")
    page.close()
