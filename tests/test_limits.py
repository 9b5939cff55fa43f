"""Small hostile files end in a parlib error, without hanging, and under 1 GB of memory.

Each file is generated here (never committed) and cleaned by ``parlib clean`` in a
subprocess whose address space is capped at 1 GB (``RLIMIT_AS``): a file that made
parlib expand cells, aliases or lines would make it fail with MemoryError or be killed,
not end with the one-paragraph error asserted here. The raw files are never modified.
"""

from __future__ import annotations

import hashlib
import os
import resource
import subprocess
import sys
import zipfile
from pathlib import Path

import pytest

from parlib.errors import ConfigError, RawFileError
from parlib.ingest.read import read_raw
from parlib.limits import check_xlsx, limit, load_yaml

GB = 1 << 30
YAML = """\
title: Hostile
kind: compiled
license: CC-BY-4.0
sources: [{id: s1, title: Quyết định, publisher: UBND tỉnh Bến Tre, date: 2022-09-20}]
files: [{path: FILE, source: s1, index: PAR, year: 2021, province: Bến Tre, level: department}]
"""
HEAD = (
    '<row r="1"><c r="A1" t="inlineStr"><is><t>Tên đơn vị</t></is></c>'
    '<c r="B1" t="inlineStr"><is><t>Điểm</t></is></c></row>'
    '<row r="2"><c r="A2" t="inlineStr"><is><t>Sở Y tế</t></is></c><c r="B2"><v>90</v></c>'
    "</row>"
)


def xlsx(path: Path, sheet_data: str, after: str = "") -> Path:
    """Write a minimal workbook of one sheet, as Excel lays its parts out."""
    main = "http://schemas.openxmlformats.org/spreadsheetml/2006/main"
    rel = "http://schemas.openxmlformats.org/officeDocument/2006/relationships"
    pkg = "http://schemas.openxmlformats.org/package/2006/relationships"
    ct = "application/vnd.openxmlformats-officedocument.spreadsheetml"
    parts = {
        "[Content_Types].xml": (
            '<Types xmlns="http://schemas.openxmlformats.org/package/2006/content-types">'
            '<Default Extension="rels" ContentType="application/vnd.openxmlformats-package.'
            'relationships+xml"/><Default Extension="xml" ContentType="application/xml"/>'
            f'<Override PartName="/xl/workbook.xml" ContentType="{ct}.sheet.main+xml"/>'
            f'<Override PartName="/xl/worksheets/sheet1.xml" ContentType="{ct}.worksheet+xml"/>'
            "</Types>"
        ),
        "_rels/.rels": (
            f'<Relationships xmlns="{pkg}"><Relationship Id="rId1" '
            f'Type="{rel}/officeDocument" Target="xl/workbook.xml"/></Relationships>'
        ),
        "xl/workbook.xml": (
            f'<workbook xmlns="{main}" xmlns:r="{rel}"><sheets><sheet name="S" '
            'sheetId="1" r:id="rId1"/></sheets></workbook>'
        ),
        "xl/_rels/workbook.xml.rels": (
            f'<Relationships xmlns="{pkg}"><Relationship Id="rId1" '
            f'Type="{rel}/worksheet" Target="worksheets/sheet1.xml"/>'
            "</Relationships>"
        ),
        "xl/worksheets/sheet1.xml": (
            f'<worksheet xmlns="{main}"><sheetData>{sheet_data}</sheetData>{after}</worksheet>'
        ),
    }
    with zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED) as book:
        for name, text in parts.items():
            book.writestr(name, '<?xml version="1.0" encoding="UTF-8"?>' + text)
    return path


def far_cell(path: Path) -> None:
    xlsx(path, HEAD + '<row r="1048576"><c r="XFD1048576"><v>1</v></c></row>')


def huge_merge(path: Path) -> None:
    xlsx(path, HEAD, '<mergeCells count="1"><mergeCell ref="C1:XFD1048576"/></mergeCells>')


def million_columns(path: Path) -> None:
    path.write_text(
        "Tên đơn vị," + ",".join(["Điểm"] * 1_000_000) + "\nSở Y tế,90\n", encoding="utf-8"
    )


def no_newline(path: Path) -> None:
    with open(path, "wb") as handle:
        handle.write("Tên đơn vị,Điểm,".encode())
        chunk = b"a" * (1 << 24)
        for _ in range(12):  # 200 MB without a line end
            handle.write(chunk)


def many_score_columns(path: Path) -> None:
    header = "Tên đơn vị," + ",".join(f"Điểm {k}" for k in range(200_000))
    path.write_text(header + "\nSở Y tế," + ",".join(["90"] * 200_000) + "\n", encoding="utf-8")


def run_capped(
    args: list[str], cwd: Path, env: dict[str, str] | None = None, timeout: float = 120
) -> subprocess.CompletedProcess:
    """Run ``parlib`` with its address space capped at 1 GB.

    ``timeout`` only guards against a hang (the run then fails with TimeoutExpired); how fast
    a refusal is does not matter here.
    """

    def cap() -> None:
        resource.setrlimit(resource.RLIMIT_AS, (GB, GB))

    return subprocess.run(
        [sys.executable, "-m", "parlib.cli", *args],
        cwd=cwd,
        env={**os.environ, **(env or {})},
        capture_output=True,
        text=True,
        timeout=timeout,
        preexec_fn=cap,
    )


def digest(folder: Path) -> dict[str, str]:
    return {p.name: hashlib.sha256(p.read_bytes()).hexdigest() for p in sorted(folder.iterdir())}


@pytest.mark.parametrize(
    ("make", "name", "words"),
    [
        (far_cell, "far.xlsx", ["a cell XFD1048576", "PARLIB_MAX_XLSX_CELLS"]),
        (huge_merge, "merge.xlsx", ["a merged range C1:XFD1048576", "PARLIB_MAX_XLSX_CELLS"]),
        (million_columns, "wide.csv", ["1,000,001 cells", "PARLIB_MAX_COLUMNS"]),
        (no_newline, "long.csv", ["more than 10,000,000 bytes", "PARLIB_MAX_LINE_BYTES"]),
        (many_score_columns, "scores.csv", ["200,001 cells", "PARLIB_MAX_COLUMNS"]),
    ],
    ids=[
        "xlsx-far-cell",
        "xlsx-huge-merge",
        "csv-million-columns",
        "csv-no-newline",
        "csv-200k-score-columns",
    ],
)
def test_hostile_files_end_in_a_clear_error_under_1_gb(tmp_path, make, name, words):
    raw = tmp_path / "data" / "raw" / "bad"
    raw.mkdir(parents=True)
    make(raw / name)
    (raw / "dataset.yaml").write_text(YAML.replace("FILE", name), encoding="utf-8")
    before = digest(raw)
    try:
        proc = run_capped(["clean", "--no-progress"], tmp_path)
        after = digest(raw)
    finally:
        (raw / name).unlink()  # up to 200 MB: not kept in pytest's temporary folders
    assert proc.returncode == 1, proc.stderr[-2000:]
    err = proc.stderr.strip()
    assert err.count("\n") == 0 and "Traceback" not in err, err[-2000:]
    assert err.startswith(f"parlib clean: data/raw/bad/{name}")
    for word in words:
        assert word in err
    assert "Fix:" in err
    assert after == before
    assert not (tmp_path / "data" / "clean" / "bad").exists()


def test_yaml_aliases_are_refused_before_they_expand(tmp_path):
    """The 1.3 KB "billion laughs" dataset.yaml: nine levels of nine aliases."""
    raw = tmp_path / "data" / "raw" / "bad"
    raw.mkdir(parents=True)
    (raw / "t.csv").write_text("Tên đơn vị,Điểm\nSở Y tế,90\n", encoding="utf-8")
    lines = ['a: &a ["lol","lol","lol","lol","lol","lol","lol","lol","lol"]']
    for k in range(1, 9):
        lines.append(f"{chr(97 + k)}: &{chr(97 + k)} [" + ",".join([f"*{chr(96 + k)}"] * 9) + "]")
    text = YAML.replace("FILE", "t.csv").replace("title: Hostile", "title: *i")
    (raw / "dataset.yaml").write_text("\n".join(lines) + "\n" + text, encoding="utf-8")
    assert (raw / "dataset.yaml").stat().st_size < 1500
    proc = run_capped(["clean", "--no-progress"], tmp_path)
    assert proc.returncode == 1
    assert "uses a YAML alias (*a)" in proc.stderr and "row 2" in proc.stderr
    assert not (tmp_path / "data" / "clean").exists() or not any(
        (tmp_path / "data" / "clean").iterdir()
    )


def test_reports_yaml_aliases_and_size_are_refused(tmp_path):
    path = tmp_path / "reports.yaml"
    path.write_text("d: &d {trend: []}\ndatasets: {demo: *d}\n", encoding="utf-8")
    with pytest.raises(ConfigError, match=r"row 2: the reports configuration uses a YAML alias"):
        load_yaml(path, shown="reports.yaml", name="the reports configuration")
    path.write_text("x: " + "a" * 2_000_000, encoding="utf-8")
    with pytest.raises(ConfigError, match="is 2,000,003 bytes, over parlib's limit of 1,000,000"):
        load_yaml(path, shown="reports.yaml", name="the reports configuration")


def test_yaml_dates_stay_text_so_an_impossible_date_is_a_clear_error(tmp_path):
    path = tmp_path / "dataset.yaml"
    path.write_text("date: 2022-02-30\nother: 2022-09-20\n", encoding="utf-8")
    assert load_yaml(path, shown="x", name="dataset.yaml") == {
        "date": "2022-02-30",
        "other": "2022-09-20",
    }
    path.write_text("date: !!timestamp 2022-02-30\n", encoding="utf-8")
    with pytest.raises(ConfigError, match="holds a value YAML cannot read"):
        load_yaml(path, shown="x", name="dataset.yaml")


def test_each_limit_is_raised_by_its_setting(tmp_path, monkeypatch):
    table = tmp_path / "t.csv"
    table.write_text("Tên đơn vị,Điểm,Xếp hạng,Ghi chú\nSở Y tế,90,1,\n", encoding="utf-8")
    monkeypatch.setenv("PARLIB_MAX_COLUMNS", "3")
    with pytest.raises(RawFileError, match="4 cells on ','.*PARLIB_MAX_COLUMNS"):
        read_raw(table)
    monkeypatch.setenv("PARLIB_MAX_COLUMNS", "4")
    assert read_raw(table).columns == ["Tên đơn vị", "Điểm", "Xếp hạng", "Ghi chú"]
    monkeypatch.setenv("PARLIB_MAX_CELL_CHARS", "5")
    with pytest.raises(RawFileError, match="column 'column 1': a cell has 7 characters"):
        read_raw(table)
    monkeypatch.delenv("PARLIB_MAX_CELL_CHARS")
    monkeypatch.setenv("PARLIB_MAX_CELLS", "3")
    with pytest.raises(RawFileError, match="1 lines x 4 columns.*PARLIB_MAX_CELLS"):
        read_raw(table)
    monkeypatch.delenv("PARLIB_MAX_CELLS")
    book = xlsx(tmp_path / "t.xlsx", HEAD)
    monkeypatch.setenv("PARLIB_MAX_XLSX_CELLS", "3")
    with pytest.raises(RawFileError, match="2 rows x 2 columns = 4 cells"):
        read_raw(book)
    monkeypatch.setenv("PARLIB_MAX_XLSX_CELLS", "4")
    assert read_raw(book).frame.shape == (1, 2)
    monkeypatch.setenv("PARLIB_MAX_COLUMNS", "1")
    with pytest.raises(RawFileError, match="sheet 'S' has 2 columns.*PARLIB_MAX_COLUMNS"):
        read_raw(book)
    monkeypatch.delenv("PARLIB_MAX_COLUMNS")
    monkeypatch.setenv("PARLIB_MAX_XLSX_BYTES", "100")
    with pytest.raises(RawFileError, match="the workbook unpacks to"):
        check_xlsx(book, "t.xlsx")


def test_a_bad_setting_is_a_clear_error(monkeypatch):
    monkeypatch.setenv("PARLIB_MAX_COLUMNS", "lots")
    with pytest.raises(ConfigError, match="PARLIB_MAX_COLUMNS must be a whole number"):
        limit("columns")
    monkeypatch.setenv("PARLIB_MAX_COLUMNS", "20_000")
    assert limit("columns") == 20_000


def test_outputs_larger_than_the_limit_are_refused_and_leave_nothing(tmp_path, monkeypatch):
    import pandas as pd

    from parlib.errors import OutputError
    from parlib.publish.outputs import write_dataset

    monkeypatch.setenv("PARLIB_MAX_OUTPUT_BYTES", "1000")
    frame = pd.DataFrame({"a": ["x" * 100] * 20, "b": range(20)})
    with pytest.raises(OutputError, match="outputs would take .* PARLIB_MAX_OUTPUT_BYTES"):
        write_dataset(tmp_path, "ds", {"scores": frame}, {})
    assert list(tmp_path.iterdir()) == []
