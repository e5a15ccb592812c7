
import pytest

from conftest import tree_snapshot
from helpers.chain import manifest, paths
from helpers.registry.sources import SOURCES


def test_committed_raw_data_matches_its_manifest():
    table = manifest.verify(paths.RAW)
    assert (table["status"] == "verified").all()
    # every data file of every source folder is in the manifest, and the six Kaggle years are there
    assert {f"kaggle_survey/kaggle_survey_{y}.zip" for y in range(2017, 2023)} <= set(table["path"])
    assert set(table["source"]) == {s.folder for s in SOURCES if s.files}  # the drop-in-only folders hold none


def test_fixture_tree_verifies_and_reports_sources(fixture_tree):
    table = manifest.verify(fixture_tree / "data" / "raw")
    summary = manifest.source_summary(table)
    assert summary.loc[0, "files"] == 6 and summary.loc[0, "source"] == "kaggle_survey"


def _raw(tree):
    return tree / "data" / "raw"


def _check_error(tree, *fragments):
    before = tree_snapshot(tree)
    with pytest.raises(manifest.RawDataError) as e:
        manifest.verify(_raw(tree))
    for f in fragments:
        assert f in str(e.value)
    assert tree_snapshot(tree) == before  # verification never writes
    return str(e.value)


def test_missing_file(fixture_tree):
    (_raw(fixture_tree) / "kaggle_survey/kaggle_survey_2019.zip").unlink()
    _check_error(fixture_tree, "kaggle_survey/kaggle_survey_2019.zip: missing", "git checkout")


def test_truncated_file_gives_both_hashes(fixture_tree):
    f = _raw(fixture_tree) / "kaggle_survey/kaggle_survey_2020.zip"
    data = f.read_bytes()
    expected = manifest.sha256_of(f)
    f.write_bytes(data[:1000])
    _check_error(fixture_tree, "kaggle_survey_2020.zip: truncated", expected, manifest.sha256_of(f))


def test_altered_file_same_size(fixture_tree):
    f = _raw(fixture_tree) / "kaggle_survey/kaggle_survey_2021.zip"
    data = bytearray(f.read_bytes())
    data[500] ^= 0xFF
    f.write_bytes(bytes(data))
    _check_error(fixture_tree, "kaggle_survey_2021.zip: altered")


def test_lfs_pointer(fixture_tree):
    f = _raw(fixture_tree) / "kaggle_survey/kaggle_survey_2022.zip"
    f.write_text("version https://git-lfs.github.com/spec/v1\noid sha256:abc\nsize 2030845\n")
    _check_error(fixture_tree, "kaggle_survey_2022.zip: is a Git-LFS pointer", "git lfs pull")


def test_unknown_extra_file(fixture_tree):
    (_raw(fixture_tree) / "kaggle_survey/notes.xlsx").write_bytes(b"x")
    _check_error(fixture_tree, "kaggle_survey/notes.xlsx: unknown file")


def test_drop_ins_and_notes_are_not_unknown(fixture_tree):
    raw = _raw(fixture_tree)
    (raw / "google_trends").mkdir()
    (raw / "google_trends/multiTimeline.csv").write_text("Category: All categories\n")
    (raw / "kaggle_survey/SOURCES.md").write_text("notes")
    manifest.verify(raw)
    found = manifest.drop_ins(raw)
    assert list(found["path"]) == ["google_trends/multiTimeline.csv"]


def test_every_problem_is_listed_at_once(fixture_tree):
    raw = _raw(fixture_tree)
    (raw / "kaggle_survey/kaggle_survey_2018.zip").unlink()
    (raw / "kaggle_survey/kaggle_survey_2019.zip").write_bytes(b"")
    _check_error(fixture_tree, "kaggle_survey_2018.zip: missing", "kaggle_survey_2019.zip: truncated")


def test_malformed_manifest(fixture_tree):
    (_raw(fixture_tree) / "MANIFEST.csv").write_text("path,size\nx,1\n")
    _check_error(fixture_tree, "MANIFEST.csv: header is")


def test_missing_manifest(fixture_tree):
    (_raw(fixture_tree) / "MANIFEST.csv").unlink()
    _check_error(fixture_tree, "manifest is missing")


def test_add_writes_a_row_per_declared_file_and_refuses_the_rest(fixture_tree):
    """`python -m helpers.chain.manifest add`: bytes and sha256 measured, the folder as `source`; a file no source
    declares, a changed file or a Git-LFS pointer is refused with its name and nothing is written."""
    raw = _raw(fixture_tree)
    new = raw / "kaggle_survey" / "kaggle_survey_2023.zip"
    new.write_bytes(b"PK\x05\x06" + bytes(18))
    before = (raw / "MANIFEST.csv").read_bytes()
    with pytest.raises(manifest.RawDataError) as e:
        manifest.add([new, raw / "kaggle_survey" / "notes.txt"], "up", "lic", raw=raw)
    assert "notes.txt: no such file" in str(e.value) and (raw / "MANIFEST.csv").read_bytes() == before
    (raw / "kaggle_survey" / "notes.txt").write_text("x")
    with pytest.raises(manifest.RawDataError, match="notes.txt: no source declares it"):
        manifest.add([raw / "kaggle_survey" / "notes.txt"], "up", "lic", raw=raw)
    [row] = manifest.add([new], "someone/somewhere@abc", "CC-BY-4.0", retrieved="2026-12-01", raw=raw)
    assert (row.path, row.bytes, row.sha256, row.source) == ("kaggle_survey/kaggle_survey_2023.zip", 22,
                                                             manifest.sha256_of(new), "kaggle_survey")
    assert manifest.add([new], "x", "y", raw=raw) == []  # listed already with the same bytes: left alone
    (raw / "kaggle_survey" / "notes.txt").unlink()
    manifest.verify(raw)  # the new row verifies
    new.write_bytes(b"PK\x05\x06" + bytes(19))
    with pytest.raises(manifest.RawDataError, match="raw data is immutable"):
        manifest.add([new], "x", "y", raw=raw)
