"""Monthly source parsers on small inputs in each upstream's layout, with hand-computed answers."""
import gzip
import json

import pandas as pd
import pytest

from helpers.chain import schemas
from helpers.chain.io import InputFileError
from helpers.registry.signals import SIGNAL_BY_ID
from helpers.sources import conferences, github, pypi
from helpers.sources import monthly as signals
from helpers.sources import stackexchange as se
from helpers.stats import shares

PYPI_HEADER = "file,commit,author_date,commit_date,last_update,source,n_rows,rank,project,download_count\n"


def pypi_tree(tmp_path, rows):
    f = tmp_path / pypi.SOURCE.file("monthly")
    f.parent.mkdir(parents=True)
    f.write_text(PYPI_HEADER + "".join(rows), encoding="utf-8")
    return tmp_path


def prow(commit, date, last_update, project, count, source="", file="top-pypi-packages-30-days.json"):
    return f"{file},{commit},{date},{date},{last_update},{source},5000,1,{project},{count}\n"


def test_pypi_window_months_and_one_snapshot_per_month(tmp_path):
    raw = pypi_tree(tmp_path, [
        prow("a" * 40, "2019-02-15T17:30:56+02:00", "2019-02-15 15:30:17", "torch", 100),   # Jan 16-Feb 15 -> 2019-01
        prow("b" * 40, "2019-02-01T17:30:56+02:00", "2019-02-01 15:30:17", "torch", 90),    # Jan 2-Feb 1 -> 2019-01, more overlap
        prow("b" * 40, "2019-02-01T17:30:56+02:00", "2019-02-01 15:30:17", "tensorflow", 900),
        prow("c" * 40, "2025-08-01T09:34:08+03:00", "2025-08-01 06:34:08", "torch", 5000, "ClickHouse"),  # July 2025
        prow("d" * 40, "2024-12-01T10:31:47+02:00", "2024-12-01 08:25:42", "torch", 700),  # 29-day window -> 2024-11
        prow("e" * 40, "2019-03-01T17:30:56+02:00", "2019-03-01 15:30:17", "torch", 1, file="top-pypi-packages.json"),
    ])
    m = pypi.monthly(raw)
    torch = m[m["framework"] == "torch"].set_index("month")
    assert list(torch.index) == ["2019-01", "2024-11", "2025-07"]
    assert torch.loc["2019-01", "value"] == 90 and torch.loc["2019-01", "snapshot"] == "b" * 10  # best overlap kept
    assert torch.loc["2024-11", "window_days"] == 29 and torch.loc["2024-11", "break_id"] == "pypi_2024_11"
    assert torch.loc["2025-07", "window_days"] == 31  # ClickHouse: the previous calendar month exactly
    fam = pypi.family_totals(m)
    assert fam.loc["2019-01", "tensorflow_family"] == 900


def test_pypi_year_total_scales_windows_to_calendar_months():
    rows = pd.DataFrame({"framework": ["tensorflow"] * 2, "month": ["2020-01", "2020-02"], "value": [30.0, 30.0],
                         "window_days": [30.0, 30.0]})
    t = pypi.year_total(rows, 2020, ("tensorflow",))
    assert t["total_raw_windows"] == 60 and t["total_calendar"] == pytest.approx(31 + 29)


def test_pypi_missing_column_is_named(tmp_path):
    d = tmp_path / "pypi_downloads"
    d.mkdir()
    (tmp_path / pypi.SOURCE.file("monthly")).write_text("file,commit,project\nx,y,z\n")
    with pytest.raises(InputFileError, match="missing column"):
        pypi.monthly(tmp_path)


def gh_tree(tmp_path, stars):
    d = tmp_path / "github"
    d.mkdir()
    for name in github.REPOS.values():
        data = {"fetched_at": "2021-04-10T01:00:00", "stars_by_date": stars, "forks_by_date": {"2021-01-05": 1},
                "issues_by_date": {"2021-01-05": 2}, "pull_requests_by_date": {}}
        owner, repo = name.split("/")
        (tmp_path / github.SOURCE.file("repository", owner=owner, name=repo)).write_text(json.dumps(data))
    return tmp_path


def test_github_monthly_sums_fill_gaps_and_drop_the_partial_month(tmp_path):
    raw = gh_tree(tmp_path, {"2021-01-01": 3, "2021-01-31": 4, "2021-03-02": 5, "2021-04-09": 100})
    m = github.monthly(raw)
    s = m[(m["framework"] == "pytorch") & (m["metric"] == "new_stars")].set_index("month")["value"]
    assert s.to_dict() == {"2021-01": 7.0, "2021-02": 0.0, "2021-03": 5.0}  # April (fetch month) dropped
    schemas.validate("monthly_signals", signals.assemble(m))


def test_github_truncated_json_is_named(tmp_path):
    raw = gh_tree(tmp_path, {"2021-01-01": 3})
    f = raw / "github" / "repostory_pytorch_pytorch.json"
    f.write_text(f.read_text()[:20])
    with pytest.raises(InputFileError, match="repostory_pytorch_pytorch.json: not valid UTF-8 JSON"):
        github.monthly(raw)


def test_conference_rows_and_submission_flag(tmp_path):
    d = tmp_path / "conference_papers"
    d.mkdir()
    (d / "chillee_data.csv").write_text("ICLR,05/21,30,10,3012\nICLR,05/19,86,86,502\nCVPR,06/19,3,1,1294\n")
    p = conferences.papers(tmp_path)
    schemas.validate("conference_papers", p)
    assert list(p["year"]) == [2019, 2019, 2021]
    assert p.set_index(["conference", "year"]).loc[("ICLR", 2021), "papers_are"] == "submissions"


def test_conference_bad_date(tmp_path):
    d = tmp_path / "conference_papers"
    d.mkdir()
    (d / "chillee_data.csv").write_text("ICLR,2021,30,10,3012\n")
    with pytest.raises(InputFileError, match="is not MM/YY"):
        conferences.papers(tmp_path)


def write_gz(path, text):
    with gzip.open(path, "wt", encoding="utf-8", newline="") as f:
        f.write(text)


def test_dsse_both_tag_formats_answers_and_complete_months(tmp_path):
    d = tmp_path / "so_tags"
    d.mkdir()
    write_gz(d / "a.csv.gz", 'Id,PostTypeId,CreationDate,Tags,AnswerCount\n'
             '"1","1","2020-01-05 10:00:00","<pytorch><keras>","2"\n'
             '"2","1","2020-01-09 10:00:00","|tensorflow|","0"\n'
             '"3","1","2020-02-01 00:00:01","<tensorflow>","1"\n'
             '"4","2","2020-02-01 00:00:01","","0"\n')
    q = se.dsse_questions(d / "a.csv.gz")
    assert len(q) == 3 and q.loc[1, "tags"] == ["tensorflow"]
    m = se.dsse_monthly(q).set_index(["metric", "framework", "month"])["value"]  # newest 2020-02-01: Feb incomplete
    assert m[("questions", "all", "2020-01")] == 2 and m[("questions", "pytorch", "2020-01")] == 1
    assert m[("answered", "tensorflow", "2020-01")] == 0 and ("questions", "all", "2020-02") not in m.index
    assert se.last_complete_month("2024-08-30 23:10:25") == "2024-07"
    assert se.last_complete_month("2024-08-31 23:10:25") == "2024-08"


def test_dsse_renamed_column_is_named(tmp_path):
    d = tmp_path / "so_tags"
    d.mkdir()
    write_gz(d / "b.csv.gz", "Id,Created,Tags\n1,2020-01-01,<x>\n")
    with pytest.raises(InputFileError, match=r"b.csv.gz: missing column\(s\) \['CreationDate'\]"):
        se.dsse_questions(d / "b.csv.gz")


def test_dsse_truncated_gzip_is_named(tmp_path):
    d = tmp_path / "so_tags"
    d.mkdir()
    write_gz(d / "c.csv.gz", "Id,CreationDate,Tags\n" + "".join(f'"{i}","2020-01-01","<x>"\n' for i in range(5000)))
    data = (d / "c.csv.gz").read_bytes()
    (d / "c.csv.gz").write_bytes(data[: len(data) // 2])
    with pytest.raises(InputFileError, match="c.csv.gz: truncated or corrupt"):
        se.dsse_questions(d / "c.csv.gz")


def base_rows():
    return pd.DataFrame({"source_id": "github", "metric": "new_stars", "framework": ["pytorch"] * 3,
                         "month": ["2020-01", "2020-02", "2020-03"], "value": [1.0, 2.0, 3.0], "break_id": "",
                         "break_kind": "", "is_net_change": False, "origin": "acquired"})


def test_signals_schema_rejects_duplicates_gaps_and_negatives():
    schemas.validate("monthly_signals", base_rows())
    with pytest.raises(Exception, match="unique|duplicate"):
        schemas.validate("monthly_signals", pd.concat([base_rows(), base_rows().iloc[:1]]))
    with pytest.raises(Exception, match="contiguous"):
        schemas.validate("monthly_signals", base_rows().drop(index=1))
    neg = base_rows()
    neg.loc[0, "value"] = -1.0
    with pytest.raises(Exception, match="value >= 0"):
        schemas.validate("monthly_signals", neg)
    schemas.validate("monthly_signals", neg.assign(is_net_change=[True, False, False]))  # a net change may be < 0
    gap = base_rows().drop(index=1).assign(source_id="pypi", metric="downloads", framework="torch")
    schemas.validate("monthly_signals", gap)  # PyPI months may have gaps (no snapshot upstream)


@pytest.mark.parametrize("column, value", [("source_id", "reddit"), ("metric", "new_watchers"), ("framework", "flax")])
def test_signals_schema_rejects_what_the_source_registry_does_not_declare(column, value):
    """A source, metric or item the registry does not declare for the source is an error, not a new vocabulary."""
    with pytest.raises(Exception, match="declared in helpers.registry.sources"):
        schemas.validate("monthly_signals", base_rows().assign(**{column: value}))


def test_github_net_change_months_are_flagged_without_a_refresh():
    """The acquired files alone: from 2025-08 the values are net changes, flagged and cut from the shares."""
    from helpers.sources import github
    df = github.monthly()
    net = df[df["is_net_change"]]
    assert net["month"].min() == "2025-08" and (df.loc[df["month"] < "2025-08", "is_net_change"] == False).all()  # noqa: E712
    assert set(df["origin"]) == {"acquired"} and df["value_refreshed"].isna().all()
    stars = shares.share(df, SIGNAL_BY_ID["github_stars"])
    assert stars["month"].max() == "2025-07"
