"""The source records hold the data to their word: each acquired end is the acquired data's last usable month (where
a refresh's 12 overlap months end), and every file in the manifest is one a source declares (or a refresh file)."""
from __future__ import annotations

import fnmatch

import pytest

from conftest import REPO
from helpers.chain import manifest
from helpers.registry.sources import REFRESHABLE, SOURCES
from helpers.sources import github, pypi, so_charts
from helpers.sources import stackexchange as se

RAW = REPO / "data" / "raw"


def last_usable() -> dict[str, str]:
    """The acquired data's last usable month per refreshable source, read from the raw files."""
    svg = (RAW / se.SO.file("ml_chart")).read_text(encoding="utf-8")
    dsse = se.dsse_questions(RAW / se.DSSE.file("export"))
    return {"pypi": pypi.snapshots(RAW)["month"].max(), "github": github.LAST_COUNTED,
            "stackoverflow": so_charts.digitise(svg)["month"].max(),
            "dsse": se.last_complete_month(str(dsse["created"].max()))}


def test_each_acquired_end_is_the_acquired_datas_last_usable_month():
    assert {s.id: s.refresh.acquired_end for s in REFRESHABLE} == last_usable()


@pytest.mark.parametrize("entry", manifest.read_manifest(RAW / "MANIFEST.csv"), ids=lambda e: e.path)
def test_every_manifest_file_is_declared_by_a_source_of_its_folder(entry):
    assert manifest.declared_by(entry.path), f"{entry.path}: no source declares it (see helpers.registry.sources)"


@pytest.mark.parametrize("source", SOURCES, ids=lambda s: s.id)
def test_every_file_a_source_declares_is_in_the_manifest(source):
    listed = [e.path for e in manifest.read_manifest(RAW / "MANIFEST.csv")]
    for role, name in source.files.items():
        pattern = f"{source.folder}/{source.patterns[list(source.files).index(role)]}"
        assert any(fnmatch.fnmatch(p, pattern) for p in listed), f"{source.id}: file {role!r} ({name}) not in the manifest"
