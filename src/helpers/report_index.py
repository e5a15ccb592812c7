"""Write reports/html/index.html: one link per exported notebook, grouped by year.

`python -m helpers.report_index reports/html`
"""
from __future__ import annotations

import html
import re
import sys
from pathlib import Path

TITLES = {
    "00_acquire": "Raw data verified against the manifest",
    "10_clean_kaggle": "Kaggle survey: cleaning and framework shares",
    "11_clean_stackexchange": "Stack Overflow and Data Science SE: monthly questions",
    "12_clean_github": "GitHub: monthly stars, forks, issues",
    "13_clean_pypi": "PyPI: monthly downloads",
    "14_clean_conferences": "Conference papers",
    "15_clean_google_trends": "Google Trends (a source you add)",
    "16_clean_so_survey": "Stack Overflow Developer Survey (a source you add)",
    "20_trend_tests": "Trend tests, change points and crossovers",
    "30_survey_shift": "Survey shares and year-over-year shifts",
    "40_verdict": "Verdict: the claims scorecard (start here)",
    "50_all_years": "All years: leaders by year and signal",
}


def _title(filename: str) -> str:
    stem = re.sub(r"_\d{4}$", "", filename.removesuffix(".html"))
    return TITLES.get(stem, stem)


def build(folder: Path) -> str:
    pages = sorted(p.name for p in folder.glob("*.html") if p.name != "index.html")
    by_year: dict[str, list[str]] = {}
    for name in pages:
        m = re.match(r"(.+?)(?:_(\d{4}))?\.html$", name)
        group = m.group(2) or ("all years" if name.startswith("50_") else "the data (same for every year)")
        by_year.setdefault(group, []).append(name)
    items = []
    for year in sorted(by_year, key=lambda y: (not y.isdigit(), y != "all years", y)):
        order = sorted(by_year[year], key=lambda n: (not n.startswith("40_"), n))  # the verdict first
        links = "".join(f'<li><a href="{html.escape(n)}">{html.escape(_title(n))}</a> <code>{html.escape(n)}</code></li>'
                        for n in order)
        items.append(f"<h2>{html.escape(year)}</h2><ul>{links}</ul>")
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
