"""Write reports/html/index.html: one link per exported report, titled from the step registry.

`python -m helpers.report.index reports/html`
"""
from __future__ import annotations

import html
import re
import sys
from pathlib import Path

from ..registry.steps import STEP_BY_NAME

ONCE = "The evidence (the same for every year)"


def title(filename: str) -> str:
    stem = re.sub(r"_\d{4}$", "", filename.removesuffix(".html"))
    return STEP_BY_NAME[stem].title if stem in STEP_BY_NAME else stem


def build(folder: Path) -> str:
    pages = sorted(p.name for p in folder.glob("*.html") if p.name != "index.html")
    groups: dict[str, list[str]] = {}
    for name in pages:
        m = re.match(r"(.+?)(?:_(\d{4}))?\.html$", name)
        groups.setdefault(f"The verdict for {m.group(2)}" if m.group(2) else ONCE, []).append(name)
    order = sorted(groups, key=lambda g: (g == ONCE, g))  # the years first, then the evidence
    items = []
    for group in order:
        links = "".join(f'<li><a href="{html.escape(n)}">{html.escape(title(n))}</a> <code>{html.escape(n)}</code></li>'
                        for n in groups[group])
        items.append(f"<h2>{html.escape(group)}</h2><ul>{links}</ul>")
    return ("<!DOCTYPE html><html lang='en'><head><meta charset='utf-8'><title>PyTorch vs TensorFlow: reports</title>"
            "<style>body{font-family:system-ui,sans-serif;max-width:52rem;margin:2rem auto;padding:0 1rem;line-height:1.5}"
            "code{color:#666;font-size:.85em}</style></head><body><h1>PyTorch vs TensorFlow: reports</h1>"
            "<p>Each page is a notebook of the chain, exported without code. Open the verdict of a year first; "
            "the other pages are its evidence.</p>" + "".join(items) + "</body></html>\n")


def main(argv: list[str]) -> int:
    folder = Path(argv[1]) if len(argv) > 1 else Path("reports/html")
    folder.mkdir(parents=True, exist_ok=True)
    (folder / "index.html").write_text(build(folder), encoding="utf-8")
    return 0


if __name__ == "__main__":
    raise SystemExit(main(sys.argv))
