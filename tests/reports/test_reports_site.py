"""Tests of reports/index.html and of the manifest helpers (no kernels)."""

from __future__ import annotations

import json
import re
from pathlib import Path

from parlib.reports import write_site
from parlib.reports.manifest import git_commit, hash_file, input_hashes, report_key

HOSTILE = '</script><script>alert("x")</script><img src=x onerror=alert(1)>'


def fake_report(root: Path, rel: str, *, failed: bool = False, **fields) -> Path:
    folder = root / rel
    (folder / "figures").mkdir(parents=True)
    (folder / "figures" / "trend.png").write_bytes(b"\x89PNG fake")
    (folder / "report.html").write_text("<html></html>", encoding="utf-8")
    data = {
        "id": rel,
        "status": "ok",
        "dataset": rel.split("/")[0],
        "notebook": rel.split("/")[1],
        "slug": rel.split("/")[2],
        "parameters": {"lang": "vi"},
        "figures": ["figures/trend.png"],
        "citation": "“Trend”. Figure made with parlib 0.1.0.",
        **fields,
    }
    name = "report.failed.json" if failed else "manifest.json"
    (folder / name).write_text(json.dumps(data), encoding="utf-8")
    if failed:
        (folder / "report.failed.ipynb").write_text("{}", encoding="utf-8")
    return folder


def test_index_escapes_hostile_titles_parameters_and_citations(tmp_path):
    fake_report(
        tmp_path,
        "demo/trend/a",
        title=HOSTILE,
        citation=HOSTILE,
        parameters={"provinces": [HOSTILE, "Bến Tre"], HOSTILE: "x"},
    )
    html = write_site(tmp_path).read_text(encoding="utf-8")
    body = html.split("<body>", 1)[1]
    assert "<script" not in body and "<img src=x" not in body
    assert "&lt;/script&gt;&lt;script&gt;" in body
    assert "Bến Tre" in body


def test_index_groups_by_dataset_and_kind_with_relative_links(tmp_path):
    fake_report(tmp_path, "demo/trend/a", title="Trend A")
    fake_report(tmp_path, "demo/comparison/b", title="Comparison B")
    fake_report(tmp_path, "real/correlation/c", title="Corr C", synthetic=False)
    fake_report(tmp_path, "_adhoc/trend/x", title="ad hoc")
    (tmp_path / "demo" / "trend" / ".a.tmp-123").mkdir()
    html = write_site(tmp_path).read_text(encoding="utf-8")
    assert html.index("<h2>demo") < html.index("<h2>real")
    demo = html[html.index("<h2>demo") : html.index("<h2>real")]
    assert demo.index("<h3>trend") < demo.index("<h3>comparison")
    assert "ad hoc" not in html
    links = re.findall(r'(?:href|src)="([^"]+)"', html)
    assert "demo/trend/a/report.html" in links
    assert "demo/trend/a/figures/trend.png" in links
    assert all(not link.startswith(("/", "http", "file:")) and ".." not in link for link in links)
    index = json.loads((tmp_path / "index.json").read_text(encoding="utf-8"))
    assert [r["id"] for r in index["reports"]] == [
        "demo/trend/a",
        "demo/comparison/b",
        "real/correlation/c",
    ]


def test_index_lists_failed_reports(tmp_path):
    fake_report(
        tmp_path,
        "demo/trend/bad",
        failed=True,
        status="failed",
        error="ValueError: No rows for index='NOPE'",
    )
    html = write_site(tmp_path).read_text(encoding="utf-8")
    assert "failed" in html and "No rows for index=&#39;NOPE&#39;" in html
    assert "demo/trend/bad/report.failed.ipynb" in html


def test_index_quotes_odd_figure_names(tmp_path):
    folder = fake_report(tmp_path, "demo/trend/a", figures=['figures/a b"<x>.png'])
    (folder / "figures" / 'a b"<x>.png').write_bytes(b"png")
    html = write_site(tmp_path).read_text(encoding="utf-8")
    assert 'src="demo/trend/a/figures/a%20b%22%3Cx%3E.png"' in html


def test_report_key_changes_with_each_input(tmp_path):
    base = dict(
        notebook_hash="n",
        parameters={"lang": "vi"},
        version="0.1.0",
        inputs={"scores.parquet": "a"},
    )
    key = report_key(**base)
    assert key == report_key(**base)
    for change in (
        {"notebook_hash": "m"},
        {"parameters": {"lang": "en"}},
        {"version": "0.2"},
        {"inputs": {"scores.parquet": "b"}},
    ):
        assert report_key(**{**base, **change}) != key


def test_input_hashes_cover_the_notebook_and_the_clean_files(tmp_path):
    nb = tmp_path / "notebooks" / "trend.ipynb"
    nb.parent.mkdir()
    nb.write_text("{}")
    ds = tmp_path / "data" / "clean" / "demo"
    ds.mkdir(parents=True)
    (ds / "scores.parquet").write_bytes(b"1")
    hashes = input_hashes(nb, ds, tmp_path)
    assert set(hashes) == {
        "notebooks/trend.ipynb",
        "data/clean/demo/scores.parquet",
        "data/clean/demo/sources.csv",
    }
    assert hashes["data/clean/demo/sources.csv"] is None
    assert hashes["data/clean/demo/scores.parquet"] == hash_file(ds / "scores.parquet")
    (ds / "scores.parquet").write_bytes(b"22")
    assert input_hashes(nb, ds, tmp_path) != hashes


def test_git_commit_is_none_outside_a_repository(tmp_path):
    assert git_commit(tmp_path) is None


def test_index_without_reports_says_so(tmp_path):
    html = write_site(tmp_path).read_text(encoding="utf-8")
    assert "No reports yet" in html


def test_thumbnail_is_the_headline_figure_and_links_are_labelled(tmp_path):
    folder = fake_report(
        tmp_path,
        "demo/trend/a",
        title="Trend A",
        figure_details=[
            {"name": "trend", "png": "figures/trend.png"},
            {"name": "changes", "png": "figures/changes.png"},
        ],
    )
    (folder / "figures" / "changes.png").write_bytes(b"\x89PNG fake")  # sorts first by name
    (folder / "figures" / "trend.pdf").write_bytes(b"%PDF")
    (folder / "figures" / "trend.json").write_text("{}", encoding="utf-8")
    clean = tmp_path.parent / f"{tmp_path.name}-clean"
    (clean / "demo").mkdir(parents=True)
    (clean / "demo" / "scores.xlsx").write_bytes(b"PK")
    (clean / "demo" / "codebook.html").write_text("<html></html>", encoding="utf-8")
    html = write_site(tmp_path, clean_dir=clean).read_text(encoding="utf-8")
    assert re.search(r'<img src="demo/trend/a/figures/trend.png"', html)
    card = html[html.index('<div class="card') :]
    assert card.index("Figure “trend”") < card.index("Figure “changes”")
    assert re.search(r'>PNG</a><span class="sep"> · </span><a [^>]+>PDF</a>', card)
    assert ">caption and citation (JSON)</a>" in card
    assert ">Report (HTML)</a>" in card and ">Notebook (.ipynb)</a>" in card
    assert 'href="demo/scores.xlsx"' in html and 'href="demo/codebook.html"' in html
    assert (tmp_path / "demo" / "scores.xlsx").read_bytes() == b"PK"


def test_index_lists_only_the_reports_of_the_current_configuration(tmp_path):
    fake_report(tmp_path, "demo/trend/a", title="Kept")
    fake_report(
        tmp_path,
        "demo/trend/gone",
        failed=True,
        status="failed",
        title="Removed",
        error="ValueError: old",
    )
    html = write_site(tmp_path, reports=["demo/trend/a"]).read_text(encoding="utf-8")
    assert "Kept" in html and "Removed" not in html and "demo/trend/gone" not in html
    assert "failed in the last run" not in html
    index = json.loads((tmp_path / "index.json").read_text(encoding="utf-8"))
    assert [r["id"] for r in index["reports"]] == ["demo/trend/a"]


def test_index_links_only_to_files_that_exist(tmp_path):
    folder = fake_report(
        tmp_path, "demo/trend/bad", failed=True, status="failed", error="ValueError: x"
    )
    (folder / "report.failed.ipynb").unlink()  # a kernel that died before the notebook ran
    (folder / "report.html").unlink()
    html = write_site(tmp_path).read_text(encoding="utf-8")
    links = re.findall(r'(?:href|src)="([^"]+)"', html)
    assert links and all((tmp_path / link).exists() for link in links), links
