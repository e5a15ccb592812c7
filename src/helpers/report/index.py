"""Write reports/html/index.html: one link per exported report, titled from the step registry.

`python -m helpers.report.index reports/html`
"""
from __future__ import annotations

import html
import re
import sys
from pathlib import Path

from ..chain import paths
from ..chain.params import DEFAULT_YEAR
from ..registry.steps import STEP_BY_NAME, STEPS


def _page(filename: str) -> tuple[str, int | None]:
    m = re.match(r"(.+?)(?:_(\d{4}))?\.html$", filename)
    return m.group(1), int(m.group(2)) if m.group(2) else None


def stale(folder: Path, filename: str) -> bool:
    """Was the page built before one of the tables its step reads last changed (e.g. the coverage study after
    `make refresh` and `make all`)? Make rebuilds every other page that exists, so this marks what it does not."""
    stem, _ = _page(filename)
    s = STEP_BY_NAME.get(stem)
    if s is None:
        return False
    built = (folder / filename).stat().st_mtime
    tables = [paths.table_path(t) for t in (*s.inputs, *s.optional_inputs)]
    return any(p.exists() and p.stat().st_mtime > built for p in tables)


def link(folder: Path, filename: str) -> str:
    """A list item: what the page answers (the step registry's question), linked; marked when it was built from
    older tables than the ones now in reports/ and data/processed/."""
    stem, year = _page(filename)
    s = STEP_BY_NAME.get(stem)
    text = (s.question or s.title).format(year=year) if s else stem
    mark = (f" <em>(built from older tables than the current ones: run <code>make {s.goal}</code> to update "
            "it)</em>" if s and stale(folder, filename) else "")
    return f'<li><a href="{html.escape(filename)}">{html.escape(text)}</a>{mark}</li>'


def build(folder: Path) -> str:
    """The index: the article's year's verdict first, then the all-years overview, the other years' verdicts, and
    the evidence pages (in chain order), each link saying what its page answers."""
    pages = sorted(p.name for p in folder.glob("*.html") if p.name != "index.html")
    verdicts = sorted((p for p in pages if _page(p)[1] is not None), key=lambda p: (_page(p)[1] != DEFAULT_YEAR,
                                                                                     _page(p)[1]))
    overview = [p for p in pages if _page(p)[0] == "50_all_years"]
    order = {s.name: i for i, s in enumerate(STEPS)}
    evidence = sorted((p for p in pages if p not in verdicts and p not in overview),
                      key=lambda p: order.get(_page(p)[0], len(order)))
    sections = [("Start here", verdicts[:1] + overview), ("The verdict for other years", verdicts[1:]),
                ("The evidence (the same for every year)", evidence)]
    later = "" if overview else ("<li>Every year at a glance, signal by signal: run <code>make all-years</code> "
                                 "(a few minutes more)</li>")
    body = "".join(f"<h2>{html.escape(t)}</h2><ul>{''.join(link(folder, p) for p in ps)}{later if i == 0 else ''}</ul>"
                   for i, (t, ps) in enumerate(sections) if ps)
    return ("<!DOCTYPE html><html lang='en'><head><meta charset='utf-8'><title>PyTorch vs TensorFlow: reports</title>"
            "<style>body{font-family:system-ui,sans-serif;max-width:52rem;margin:2rem auto;padding:0 1rem;line-height:1.5}"
            "</style></head><body><h1>PyTorch vs TensorFlow: reports</h1>"
            "<p>Each page is a notebook of the chain, exported without code. The first link answers the question; "
            "the rest are its evidence.</p>" + body + "</body></html>\n")


def main(argv: list[str]) -> int:
    folder = Path(argv[1]) if len(argv) > 1 else Path("reports/html")
    folder.mkdir(parents=True, exist_ok=True)
    (folder / "index.html").write_text(build(folder), encoding="utf-8")
    return 0


if __name__ == "__main__":
    raise SystemExit(main(sys.argv))
