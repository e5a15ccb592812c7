"""Executed notebook -> self-contained HTML for stakeholders: no code cells, images embedded, no CDN.

`python -m helpers.chain.export build/notebooks/40_verdict_2021.ipynb reports/html/40_verdict_2021.html`
"""
from __future__ import annotations

import sys
from pathlib import Path

import nbformat
from nbconvert import HTMLExporter
from traitlets.config import Config

from .io import atomic_path

TEMPLATES = Path(__file__).resolve().parents[1] / "report" / "templates"


def exporter() -> HTMLExporter:
    c = Config()
    c.TemplateExporter.extra_template_basedirs = [str(TEMPLATES)]
    c.TemplateExporter.exclude_input = True
    c.TemplateExporter.exclude_input_prompt = True
    c.TemplateExporter.exclude_output_prompt = True
    c.HTMLExporter.embed_images = True
    return HTMLExporter(config=c, template_name="offline")


def to_html(notebook: Path, target: Path) -> Path:
    """Write `target` atomically (a failed export leaves no half-written report)."""
    nb = nbformat.read(notebook, as_version=4)
    body, _ = exporter().from_notebook_node(nb, resources={"metadata": {"name": Path(target).stem.replace("_", " ")}})
    with atomic_path(Path(target)) as tmp:
        tmp.write_text(body, encoding="utf-8")
    return Path(target)


if __name__ == "__main__":
    to_html(Path(sys.argv[1]), Path(sys.argv[2]))
