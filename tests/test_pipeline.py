from __future__ import annotations

import hashlib
import json
import re
import textwrap
import unicodedata
from pathlib import Path

import openpyxl
import pandas as pd
import pytest

from parlib.errors import ConfigError, RawFileError
from parlib.pipeline import clean_all, clean_dataset
from parlib.publish.outputs import records

YAML = """\
title: Test dataset
kind: {kind}
license: CC-BY-4.0
sources:
  - id: s1
    title: Quyết định công bố Chỉ số CCHC
    publisher: UBND tỉnh Bến Tre
    date: 2022-09-20
    url: https://example.org/qd
files:
{files}
"""


def write_dataset(
    root: Path, name: str, files: dict[str, str | bytes], entries: str, kind: str = "compiled"
) -> Path:
    folder = root / name
    folder.mkdir(parents=True)
    for fname, content in files.items():
        data = content.encode("utf-8") if isinstance(content, str) else content
        (folder / fname).write_bytes(data)
    (folder / "dataset.yaml").write_text(
        YAML.format(kind=kind, files=textwrap.indent(textwrap.dedent(entries), "  ")),
        encoding="utf-8",
    )
    return folder


DEPT_CSV = """\
STT,Tên đơn vị,Chỉ số CCHC,Xếp hạng,Ghi chú
1,Văn phòng UBND tỉnh,"99,17%",01/18,
2,Sở Công thương,"98,56%",02/18,
3,SCT tỉnh Bến Tre,"98,56%",02/18,trùng
4,Sở Hà Tây,"abc",03/18,
5,Sở Nội vụ,KĐG,,
,Ghi chú: số liệu công bố,,,
"""


def xlsx_bytes(tmp_path: Path) -> bytes:
    wb = openpyxl.Workbook()
    ws = wb.active
    ws.title = "Sheet1"
    ws["A1"] = "UBND TỈNH BẾN TRE"
    ws["A2"] = "KẾT QUẢ CHỈ SỐ CCHC NĂM 2021"
    ws.merge_cells("A2:D2")
    ws.append([])
    ws.append(["STT", "Huyện, thị xã, thành phố", "Điểm", "Xếp hạng"])
    ws.append([1, "UBND huyện Bình Đại", 93.36, "1/9"])
    ws.append([2, unicodedata.normalize("NFD", "Huyện Chợ Lách"), "89,21", "9/9"])
    ws.append([None, "Nguồn: Quyết định 2094/QĐ-UBND", None, None])
    path = tmp_path / "book.xlsx"
    wb.save(path)
    return path.read_bytes()


@pytest.fixture
def raw(tmp_path) -> Path:
    root = tmp_path / "raw"
    write_dataset(
        root,
        "bt",
        {"dept.csv": DEPT_CSV, "dist.xlsx": xlsx_bytes(tmp_path)},
        """\
        - path: dept.csv
          source: s1
          index: PAR
          year: 2021
          province: Bến Tre
          level: department
        - path: dist.xlsx
          source: s1
          index: PAR
          year: 2021
          province: Bến Tre
          level: district
        """,
    )
    return root


def test_clean_dataset_conserves_every_row(raw):
    result = clean_dataset(raw / "bt")
    scores, quarantine = result.scores, result.quarantine
    seen = set(zip(scores["raw_file"], scores["raw_row"])) | set(
        zip(quarantine["raw_file"], quarantine["raw_row"])
    )
    expected = {("dept.csv", r) for r in range(2, 8)} | {("dist.xlsx", r) for r in (5, 6, 7)}
    assert seen == expected
    report = result.report()
    assert report["totals"]["rows_read"] == 9
    files = {f["file"]: f for f in report["files"]}
    assert files["dist.xlsx"]["header_row"] == 4
    assert files["dept.csv"]["rows_read"] == 6


def test_clean_dataset_values(raw):
    scores = clean_dataset(raw / "bt").scores
    sct = scores.loc[scores["unit"] == "Sở Công Thương"].iloc[0]
    assert (sct["score"], sct["rank"], sct["n_units"]) == (98.56, 2, 18)
    assert sct["province_code"] == "83" and sct["province_2025"] == "Vĩnh Long"
    assert sct["source_id"] == "s1"
    districts = scores.loc[scores["level"] == "district"].set_index("unit")["score"]
    assert districts.to_dict() == {"Huyện Bình Đại": 93.36, "Huyện Chợ Lách": 89.21}
    noi_vu = scores.loc[scores["unit"] == "Sở Nội vụ"].iloc[0]
    assert pd.isna(noi_vu["score"]) and noi_vu["missing_marker"] == "KĐG"


def test_cleaning_in_blocks_gives_what_one_block_gives(raw, monkeypatch):
    import parlib.pipeline as pipeline

    whole = clean_dataset(raw / "bt")
    monkeypatch.setattr(pipeline, "_BLOCK_ROWS", 2)  # the duplicate pair lands in two blocks
    blocks = clean_dataset(raw / "bt")
    # Same values; a categorical's list of categories may be in another order.
    for name in ("scores", "quarantine", "warnings"):
        pd.testing.assert_frame_equal(
            getattr(blocks, name), getattr(whole, name), check_categorical=False
        )
    assert blocks.report() == whole.report()


def test_clean_all_writes_every_output(raw, tmp_path):
    out = tmp_path / "clean"
    clean_all(raw, out, progress=False)
    folder = out / "bt"
    names = {p.name for p in folder.iterdir()}
    assert {
        "scores.parquet",
        "scores.csv",
        "quarantine.csv",
        "sources.csv",
        "report.json",
        "datapackage.json",
        "codebook.html",
    } <= names
    csv = pd.read_csv(folder / "scores.csv", dtype=str)
    assert unicodedata.is_normalized("NFC", "".join(csv["unit"].dropna()))
    quarantine = pd.read_csv(folder / "quarantine.csv")
    assert list(quarantine.columns)[:6] == [
        "dataset",
        "raw_file",
        "raw_row",
        "column",
        "value",
        "rule",
    ]
    package = json.loads((folder / "datapackage.json").read_text(encoding="utf-8"))
    fields = {f["name"] for f in package["resources"][0]["schema"]["fields"]}
    assert {"province_code_2025", "score", "raw_row"} <= fields
    assert all(f["description"] for f in package["resources"][0]["schema"]["fields"])


def test_outputs_are_byte_identical_when_rerun(raw, tmp_path):
    out = tmp_path / "clean"

    def digest():
        return {
            p.name: hashlib.sha256(p.read_bytes()).hexdigest()
            for p in sorted((out / "bt").iterdir())
        }

    clean_all(raw, out, progress=False)
    first = digest()
    clean_all(raw, out, progress=False)
    assert digest() == first


def test_raw_files_are_never_modified(raw, tmp_path):
    before = {p: p.read_bytes() for p in raw.rglob("*") if p.is_file()}
    clean_all(raw, tmp_path / "clean", progress=False)
    assert {p: p.read_bytes() for p in raw.rglob("*") if p.is_file()} == before


def test_failed_run_keeps_previous_outputs(raw, tmp_path):
    out = tmp_path / "clean"
    clean_all(raw, out, progress=False)
    before = (out / "bt" / "scores.csv").read_bytes()
    (raw / "bt" / "dept.csv").write_bytes(b"")
    with pytest.raises(RawFileError, match="dept.csv"):
        clean_all(raw, out, progress=False)
    assert (out / "bt" / "scores.csv").read_bytes() == before
    assert not list(out.glob(".tmp-*"))


def test_unknown_dataset_is_named(raw, tmp_path):
    with pytest.raises(ConfigError, match="no such dataset.*'nope'.*Fix: use one of \\['bt'\\]"):
        clean_all(raw, tmp_path / "clean", datasets=["nope"], progress=False)


def test_synthetic_dataset_is_marked(tmp_path):
    root = tmp_path / "raw"
    write_dataset(
        root,
        "syn",
        {"p.csv": 'Tỉnh,Năm,PAR INDEX\nBến Tre,2021,"90,1"\n'},
        """\
        - path: p.csv
          source: s1
          level: province
        """,
        kind="synthetic",
    )
    result = clean_dataset(root / "syn")
    assert result.scores["synthetic"].all()
    assert result.report()["synthetic"] is True


def test_aggregates_contradiction_is_flagged(tmp_path):
    root = tmp_path / "raw"
    rows = 'Tên đơn vị,Điểm\nHuyện Bình Đại,"93,36%"\nHuyện Chợ Lách,"89,21%"\n'
    agg = (
        'statistic,value,unit\nmax,"93,36%",Huyện Bình Đại\nmin,"89,21%",Huyện Chợ Lách\n'
        'spread,"4,75%",\nmean,"91,27%",\n'
    )
    write_dataset(
        root,
        "bt",
        {"d.csv": rows, "a.csv": agg},
        """\
        - path: d.csv
          source: s1
          index: PAR
          year: 2021
          province: Bến Tre
          level: district
        - path: a.csv
          source: s1
          table: aggregates
          index: PAR
          year: 2021
          province: Bến Tre
          level: district
        """,
    )
    result = clean_dataset(root / "bt")
    agg = result.aggregates.set_index("statistic")
    assert agg.loc["spread", "check"] == "contradiction"
    assert agg.loc["spread", "computed"] == pytest.approx(4.15)
    assert agg.loc["max", "check"] == "consistent"
    report = result.report()
    assert report["contradictions"] == 1
    assert "4.75" in report["warnings"][0]["message"] and "4.15" in report["warnings"][0]["message"]
    # The same report with its warnings as the frame they are (report.json is written so).
    framed = result.report(frame=True)
    assert list(framed) == list(report)  # same keys in the same order
    assert {**framed, "warnings": records(framed["warnings"])} == report


@pytest.mark.parametrize("content", ["Tên đơn vị,Điểm\n", "Tên đơn vị,Điểm\n\n\n"])
def test_a_table_with_a_header_and_no_rows_cleans_to_nothing(tmp_path, content):
    root = tmp_path / "raw"
    write_dataset(
        root,
        "bt",
        {"t.csv": content},
        """\
        - path: t.csv
          source: s1
          index: PAR
          year: 2021
          province: Bến Tre
          level: department
        """,
    )
    result = clean_dataset(root / "bt")
    assert result.scores.empty and result.quarantine.empty
    assert result.report()["totals"]["rows_read"] == 0
    clean_all(root, tmp_path / "clean", progress=False)
    assert pd.read_parquet(tmp_path / "clean" / "bt" / "scores.parquet").empty


def test_an_aggregates_file_needs_no_province_column(tmp_path):
    root = tmp_path / "raw"
    write_dataset(
        root,
        "bt",
        {"a.csv": 'statistic,value\nmean,"93,99%"\nn_units,18\n'},
        """\
        - path: a.csv
          source: s1
          table: aggregates
          index: PAR
          year: 2021
          province: Bến Tre
          level: department
        """,
    )
    agg = clean_dataset(root / "bt").aggregates
    assert agg[["province", "statistic", "value"]].values.tolist() == [
        ["Bến Tre", "mean", 93.99],
        ["Bến Tre", "n_units", 18.0],
    ]


@pytest.mark.parametrize("categorical", [False, True])
def test_rows_come_out_in_file_order_as_a_stable_sort_gives(categorical):
    import numpy as np

    from parlib.pipeline import _in_file_order

    rng = np.random.default_rng(5)
    n = 400
    frame = pd.DataFrame(
        {
            "raw_file": rng.choice(["b.csv", "a.xlsx#Sheet1", "Đ.csv", "a.csv"], n),
            "raw_row": rng.integers(2, 40, n),
            "raw_column": rng.choice(np.array(["Điểm", "Xếp hạng", "2021", None], dtype=object), n),
            "order": np.arange(n),
        }
    )
    if categorical:
        frame = frame.astype({"raw_file": "category", "raw_column": "category"})
    want = frame.astype({"raw_file": object, "raw_column": object}).sort_values(
        ["raw_file", "raw_row", "raw_column"], kind="stable", na_position="first"
    )
    assert _in_file_order(frame)["order"].tolist() == want["order"].tolist()
    ordered = _in_file_order(frame)
    assert _in_file_order(ordered)["order"].tolist() == want["order"].tolist()


# -- corrections, disputed figures, published n ---------------------------------------------

PROV_CSV = """\
STT,Tỉnh/thành phố,Năm,Chỉ số,Điểm,Xếp hạng,Nguồn
1,Quảng Ninh,2023,PAR,92.18%,1,
2,Hải Phòng,2023,PAR,91.81%,2/63,
3,Hải Phòng,2023,PAR,91.87%,,s2
4,Hà Nội,2023,PAR,91.43%,3,
"""

SECOND_SOURCE = """\
  - id: s2
    title: Kết quả Chỉ số CCHC 2023
    publisher: Cổng Thông tin điện tử Chính phủ
    date: 2024-04-17
"""


def _with_corrections(folder: Path, corrections: str) -> None:
    path = folder / "dataset.yaml"
    text = path.read_text(encoding="utf-8").replace("files:\n", SECOND_SOURCE + "files:\n")
    path.write_text(
        text + "corrections:\n" + textwrap.indent(textwrap.dedent(corrections), "  "),
        encoding="utf-8",
    )


CORRECT_HP = """\
- file: p.csv
  row: 3
  column: Điểm
  published: 91.81%
  corrected: 91.87%
  reason: the publisher misprinted it
  source: s2
"""


def test_a_correction_is_applied_flagged_and_kept_with_its_evidence(tmp_path):
    folder = write_dataset(
        tmp_path, "prov", {"p.csv": PROV_CSV}, "- {path: p.csv, source: s1, level: province}"
    )
    before = (folder / "p.csv").read_bytes()
    _with_corrections(folder, CORRECT_HP)
    result = clean_dataset(folder)
    hp = result.scores.loc[result.scores["province"] == "Hải Phòng"].iloc[0]
    assert hp["score"] == 91.87 and hp["rank"] == 2 and hp["n_units"] == 63
    assert hp["corrected"] and hp["correction_source"] == "s2"
    assert hp["published_value"] == "p.csv row 3, Điểm: 91.81%"
    assert not result.scores.loc[result.scores["province"] != "Hải Phòng", "corrected"].any()
    assert result.disputed.empty
    fixes = result.report()["corrections"]
    assert fixes == [
        {
            "dataset": "prov",
            "raw_file": "p.csv",
            "raw_row": 3,
            "column": "Điểm",
            "published": "91.81%",
            "corrected": "91.87%",
            "reason": "the publisher misprinted it",
            "source_id": "s2",
        }
    ]
    assert (folder / "p.csv").read_bytes() == before  # the raw file is never changed


def test_a_correction_whose_published_value_is_not_in_the_raw_cell_is_an_error(tmp_path):
    folder = write_dataset(
        tmp_path, "prov", {"p.csv": PROV_CSV}, "- {path: p.csv, source: s1, level: province}"
    )
    _with_corrections(folder, CORRECT_HP.replace("published: 91.81%", "published: 91.80%"))
    with pytest.raises(
        ConfigError,
        match=r"p.csv, row 3, column 'Điểm'.*changed under it "
        r"\(value '91\.81%'\).*'91\.80%'",
    ):
        clean_dataset(folder)


@pytest.mark.parametrize(
    ("change", "message"),
    [
        (("source: s2", "source: nowhere"), "evidence is not in 'sources'"),
        (("file: p.csv", "file: q.csv"), "names a file that is not in 'files'"),
        (("row: 3", "row: 0"), "'row' must be the raw file's row number"),
        (("column: Điểm", "column: Score"), "names a cell the raw file does not have"),
    ],
)
def test_bad_corrections_name_the_key_and_the_fix(tmp_path, change, message):
    folder = write_dataset(
        tmp_path, "prov", {"p.csv": PROV_CSV}, "- {path: p.csv, source: s1, level: province}"
    )
    _with_corrections(folder, CORRECT_HP.replace(*change))
    with pytest.raises(ConfigError, match=re.escape(message)):
        clean_dataset(folder)


def test_published_figures_that_disagree_are_kept_as_disputed(tmp_path):
    folder = write_dataset(
        tmp_path, "prov", {"p.csv": PROV_CSV}, "- {path: p.csv, source: s1, level: province}"
    )
    _with_corrections(folder, "[]\n")
    result = clean_dataset(folder)
    assert "Hải Phòng" not in set(result.scores["province"])
    disputed = result.disputed
    assert sorted(disputed["score"]) == [91.81, 91.87]
    assert sorted(disputed["source_id"]) == ["s1", "s2"]
    assert disputed["dispute"].str.contains("disputed.csv").all()
    entry = result.report()["disputed"][0]
    assert entry["figure"] == "Hải Phòng PAR total 2023" and len(entry["versions"]) == 2


def test_two_rows_giving_different_n_for_one_rank_are_a_dispute_not_a_merge(tmp_path):
    rows = 'STT,Tên đơn vị,Điểm,Xếp hạng\n1,Sở Y tế,"90,5%",01/18\n2,Sở Y tế,"90,5%",01/19\n'
    folder = write_dataset(
        tmp_path,
        "d",
        {"d.csv": rows},
        """\
        - {path: d.csv, source: s1, index: PAR, year: 2021, province: Bến Tre,
           level: department}""",
    )
    result = clean_dataset(folder)
    assert result.scores.empty and sorted(result.disputed["n_units"]) == [18, 19]


def test_a_province_rank_without_n_is_out_of_the_eras_provinces(tmp_path):
    rows = "Tỉnh,Năm,Chỉ số,Điểm,Xếp hạng\nHà Nội,2023,PAR,91.43%,3\nHuế,2025,PAR,90%,2\n"
    folder = write_dataset(
        tmp_path, "n", {"n.csv": rows}, "- {path: n.csv, source: s1, level: province}"
    )
    scores = clean_dataset(folder).scores.set_index("year")
    assert scores.loc[2023, "n_units"] == 63 and scores.loc[2025, "n_units"] == 34


def test_a_files_n_units_from_dataset_yaml_travels_with_its_ranks(tmp_path):
    rows = 'STT,Tên đơn vị,Điểm,Xếp hạng\n1,Sở Y tế,"90,5%",1\n2,Sở Nội vụ,"88%",2\n'
    folder = write_dataset(
        tmp_path,
        "d",
        {"d.csv": rows},
        """\
        - {path: d.csv, source: s1, index: PAR, year: 2021, province: Bến Tre,
           level: department, n_units: 18}""",
    )
    assert clean_dataset(folder).scores["n_units"].tolist() == [18, 18]
