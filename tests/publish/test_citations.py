from __future__ import annotations

import json

import pandas as pd
import pytest
import yaml

from parlib.publish.citation_formats import format_citation
from parlib.publish.citations import (
    Release,
    cite_dataset,
    cite_documents,
    cite_figure,
    cite_report,
    describe_rows,
    sources_of_rows,
)


@pytest.fixture
def sources() -> pd.DataFrame:
    return pd.DataFrame(
        {
            "source_id": ["bt-2022", "tn-2023", "consulate"],
            "title": ["Quyết định công bố Chỉ số CCHC 2021", "Báo cáo CCHC 2022", "Unrelated page"],
            "publisher": ["UBND tỉnh Bến Tre", "UBND tỉnh Thái Nguyên", "A consulate"],
            "date": ["2022-09-20", "2023-02-01", "2024-05-05"],
            "url": ["https://example.org/bt", None, "https://example.org/c"],
            "accessed": ["2026-11-22", "2026-11-22", None],
            "document": ["2094/QĐ-UBND", None, None],
        }
    )


@pytest.fixture
def rows() -> pd.DataFrame:
    return pd.DataFrame(
        {
            "source_id": ["bt-2022", "bt-2022;bt-2022", "bt-2022"],
            "index": "PAR",
            "level": "department",
            "province": "Bến Tre",
            "unit": ["Sở Y tế", "Sở Y tế", "Sở Nội vụ"],
            "year": [2020, 2021, 2021],
            "role": ["shown", "shown", "reference"],
        }
    )


@pytest.fixture
def release() -> Release:
    return Release(
        dataset="vn-published",
        title="PAR Index as published",
        version="1.2.0",
        released="2026-12-07",
    )


def test_a_figure_cites_only_the_documents_behind_its_rows(rows, sources, release):
    cite = cite_figure(
        rows,
        sources=sources,
        release=release,
        key="vn-published-trend-bt-trend",
        title="PAR Index",
        lang="en",
    )
    assert [d["source_id"] for d in cite.documents] == ["bt-2022"]
    text = format_citation(cite)
    assert "UBND tỉnh Bến Tre" in text and "https://example.org/bt" in text
    assert "accessed 2026-11-22" in text
    assert "Thái Nguyên" not in text and "consulate" not in text
    assert "Sở Y tế" in cite.title and "Sở Nội vụ" not in cite.title  # shown rows name it
    assert "Bến Tre" in cite.title and "2020–2021" in cite.title


def test_citation_dates_are_the_release_date(rows, sources, release):
    cite = cite_figure(rows, sources=sources, release=release, key="k", title="T")
    bib = format_citation(cite, "bibtex")
    first = bib.split("\n\n")[0]
    assert "date = {2026-12-07}" in first and "year = {2026}" in first
    assert "version = {1.2.0}" in first
    assert "@dataset{vn-published-1-2-0," in bib  # the release as a dataset entry
    assert "author = {{UBND tỉnh Bến Tre}}" in bib and "url = {https://example.org/bt}" in bib
    assert "urldate = {2026-11-22}" in bib


def test_every_form_says_synthetic(rows, sources):
    fake = Release(
        dataset="demo", title="Demo", version="1.0.0", released="2025-07-01", synthetic=True
    )
    cite = cite_figure(rows, sources=sources, release=fake, key="demo-trend-a-trend", title="T")
    for fmt in ("text", "bibtex", "ris", "csl-json"):
        out = format_citation(cite, fmt)
        assert "synthetic data, not real figures" in out.lower(), fmt
        assert "dữ liệu giả lập" in out.lower(), fmt


def test_ris_and_csl_json_hold_one_entry_per_work(rows, sources, release):
    cite = cite_figure(rows, sources=sources, release=release, key="a-b-c", title="T")
    ris = format_citation(cite, "ris")
    assert ris.count("TY  - ") == ris.count("ER  - ") == 3  # figure, dataset, one document
    assert ris.startswith("TY  - FIGURE\nID  - a-b-c\n") and "TY  - DATA\n" in ris
    assert "UR  - https://example.org/bt\n" in ris
    items = json.loads(format_citation(cite, "csl-json"))
    assert [i["type"] for i in items] == ["figure", "dataset", "webpage"]
    assert items[0]["issued"] == {"date-parts": [[2026, 12, 7]]}
    assert items[2]["author"] == [{"literal": "UBND tỉnh Bến Tre"}]
    assert items[2]["accessed"] == {"date-parts": [[2026, 11, 22]]}


def test_a_report_cites_the_union_of_its_figures(rows, sources, release):
    one = cite_figure(rows, sources=sources, release=release, key="r-one", title="A")
    other = cite_figure(
        rows.assign(source_id="tn-2023"), sources=sources, release=release, key="r-two", title="B"
    )
    report = cite_report([one, other], release=release, key="vn-published-trend-r", title="R")
    assert [d["source_id"] for d in report.documents] == ["bt-2022", "tn-2023"]
    assert report.parts == ("r-one", "r-two")
    dataset = cite_dataset(release, sources=sources)
    assert dataset.key == "vn-published-1-2-0" and len(dataset.documents) == 3


def test_keys_are_slugs_and_stable(rows, sources, release):
    cite = cite_figure(
        rows, sources=sources, release=release, key="VN published/trend Bến Tre", title="T"
    )
    again = cite_figure(
        rows, sources=sources, release=release, key="VN published/trend Bến Tre", title="T"
    )
    assert cite.key == again.key == "vn-published-trend-ben-tre"
    assert format_citation(cite, "bibtex") == format_citation(again, "bibtex")


def test_a_corrected_row_cites_its_evidence(sources):
    rows = pd.DataFrame({"source_id": ["bt-2022"], "correction_source": ["tn-2023"]})
    assert sources_of_rows(rows, sources)["source_id"].tolist() == ["bt-2022", "tn-2023"]


def test_sources_of_rows_names_unknown_documents(sources):
    with pytest.raises(ValueError, match=r"documents \['nowhere'\]"):
        sources_of_rows(pd.DataFrame({"source_id": ["nowhere"]}), sources)
    with pytest.raises(KeyError, match="no 'source_id' column"):
        sources_of_rows(pd.DataFrame({"unit": ["x"]}), sources)


def test_format_citation_rejects_unknown_formats():
    cite = cite_documents(None, key="k", title="T")
    with pytest.raises(
        ValueError,
        match=r"one of \['text', 'bibtex', 'ris', 'csl-json'\], "
        r"but 'docx' was passed",
    ):
        format_citation(cite, "docx")


def test_describe_rows_counts_many_provinces():
    rows = pd.DataFrame(
        {"index": "PAR", "level": "province", "year": 2022, "unit": [f"P{i}" for i in range(63)]}
    )
    assert describe_rows(rows, lang="en") == "PAR Index, 63 provinces, 2022"
    assert describe_rows(rows, lang="vi") == "Chỉ số CCHC (PAR Index), 63 tỉnh, 2022"


def test_citation_cff_lists_the_shipped_datasets_with_their_release():
    import pathlib

    root = pathlib.Path(__file__).resolve().parents[2]
    cff = yaml.safe_load((root / "CITATION.cff").read_text(encoding="utf-8"))
    for ref, name in zip(cff["references"], ["vn-published", "demo-synthetic"]):
        config = yaml.safe_load(
            (root / "data" / "raw" / name / "dataset.yaml").read_text(encoding="utf-8")
        )
        assert ref["type"] == "data" and str(ref["version"]) == str(config["version"])
        assert str(ref["date-released"]) == str(config["released"])
    assert "synthetic" in cff["references"][1]["title"].lower()


def test_shipped_source_notes_hold_no_build_internals():
    import pathlib

    root = pathlib.Path(__file__).resolve().parents[2]
    for name in ("vn-published", "demo-synthetic"):
        config = yaml.safe_load(
            (root / "data" / "raw" / name / "dataset.yaml").read_text(encoding="utf-8")
        )
        for source in config["sources"]:
            notes = str(source.get("notes") or "").lower()
            for word in ("shared/", "seed article", "corpus", "stored"):
                assert word not in notes, (source["id"], word)
