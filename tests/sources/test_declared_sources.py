"""The source records hold the data to their word: each acquired end is the acquired data's last usable month (where
a refresh's 12 overlap months end), and every file in the manifest is one a source declares (or a refresh file)."""
from __future__ import annotations

import fnmatch
import re

import pytest

from conftest import REPO
from helpers.chain import manifest
from helpers.chain.refresh_files import NAME as REFRESH_FILE
from helpers.registry.sources import REFRESHABLE, SOURCES
from helpers.sources import github, pypi, so_charts
from helpers.sources import stackexchange as se

RAW = REPO / "data" / "raw"


def last_usable() -> dict[str, str]:
    """The acquired data's last usable month per refreshable source, read from the raw files."""
    svg = (RAW / se.SO_DIR / se.ML_SVG).read_text(encoding="utf-8")
    dsse = se.dsse_questions(RAW / se.SO_DIR / se.DSSE_PRIMARY)
    return {"pypi": pypi.snapshots(RAW)["month"].max(), "github": github.LAST_COUNTED,
            "stackoverflow": so_charts.digitise(svg)["month"].max(),
            "dsse": se.last_complete_month(str(dsse["created"].max()))}


def test_each_acquired_end_is_the_acquired_datas_last_usable_month():
    assert {s.id: s.refresh.acquired_end for s in REFRESHABLE} == last_usable()


@pytest.mark.parametrize("entry", manifest.read_manifest(RAW / "MANIFEST.csv"), ids=lambda e: e.path)
def test_every_manifest_file_is_declared_by_a_source_of_its_folder(entry):
    folder, name = entry.path.split("/", 1)
    declared = [s for s in SOURCES if s.folder == folder]
    assert declared, f"{entry.path}: no source declares the folder {folder}/"
    assert any(fnmatch.fnmatch(name, f) for s in declared for f in s.files) or (
        any(re.fullmatch(s.dropin, name) for s in declared if s.dropin) or REFRESH_FILE.match(name)), \
        f"{entry.path}: not among {[f for s in declared for f in s.files]}"
