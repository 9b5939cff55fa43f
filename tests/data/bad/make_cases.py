"""Write the broken-input corpus: one folder of raw files per case under ``files/``.

Run ``.venv/bin/python tests/data/bad/make_cases.py`` after changing a case. The files
are committed, so they can be opened and inspected like any published table;
``tests/test_bad_inputs.py`` checks that this script still writes exactly them.
The expected outcome of every case is in ``cases.yaml`` next to this file.

Everything is deterministic: CSV bytes are spelled out, and XLSX files get fixed
timestamps (zip entries and ``docProps/core.xml``) so two runs give the same bytes.
Where Excel stores something openpyxl cannot write (the cached value of a
formula), the sheet XML is edited after saving.
"""

from __future__ import annotations

import codecs
import datetime as dt
import io
import re
import sys
import unicodedata
import zipfile
from collections.abc import Callable
from pathlib import Path

import openpyxl

HERE = Path(__file__).resolve().parent
FILES = HERE / "files"
_ZIP_TIME = (2024, 1, 1, 0, 0, 0)
_TONES = "\u0300\u0301\u0303\u0309\u0323"


def cp1258(text: str) -> bytes:
    """Encode Vietnamese text as Windows-1258 does: base letters plus combining tone marks."""
    out = []
    for ch in unicodedata.normalize("NFC", text):
        try:
            out.append(ch.encode("cp1258"))
            continue
        except UnicodeEncodeError:
            pass
        parts = unicodedata.normalize("NFD", ch)
        base = unicodedata.normalize("NFC", "".join(c for c in parts if c not in _TONES))
        out.append((base + "".join(c for c in parts if c in _TONES)).encode("cp1258"))
    return b"".join(out)


def xlsx(
    build: Callable[[openpyxl.Workbook], None], *, cached: dict[str, str] | None = None
) -> bytes:
    """Return the bytes of a workbook made by ``build``, with fixed timestamps.

    ``cached`` maps cells of the first sheet ("C3") to the value Excel would have
    stored with their formula.
    """
    book = openpyxl.Workbook()
    build(book)
    book.properties.created = dt.datetime(2024, 1, 1)
    buffer = io.BytesIO()
    book.save(buffer)
    source = zipfile.ZipFile(io.BytesIO(buffer.getvalue()))
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as target:
        for info in sorted(source.infolist(), key=lambda i: i.filename):
            data = source.read(info.filename)
            if info.filename == "docProps/core.xml":
                data = re.sub(
                    rb"(<dcterms:modified[^>]*>)[^<]*", rb"\g<1>2024-01-01T00:00:00Z", data
                )
            if info.filename == "xl/worksheets/sheet1.xml" and cached:
                text = data.decode("utf-8")
                for ref, value in cached.items():
                    text, n = re.subn(
                        rf'(<c r="{ref}"[^>]*><f>[^<]*</f>)<v\s*/>', rf"\g<1><v>{value}</v>", text
                    )
                    assert n == 1, ref
                data = text.encode("utf-8")
            entry = zipfile.ZipInfo(info.filename, date_time=_ZIP_TIME)
            entry.compress_type = zipfile.ZIP_DEFLATED
            entry.external_attr = 0o644 << 16
            target.writestr(entry, data)
    return out.getvalue()


def rows(ws, data: list[list], start: int = 1) -> None:
    for r, row in enumerate(data, start=start):
        for c, value in enumerate(row, start=1):
            if value is not None:
                ws.cell(r, c, value)


DEPT = "STT,Tên đơn vị,Điểm,Xếp hạng\n"


def _csv(text: str) -> bytes:
    return text.encode("utf-8")


# ----------------------------------------------------------------------------- CSV cases
CSV_TEXT = {
    "csv-empty": "",
    "csv-blank-lines": "\n  \n\n",
    "csv-header-only": DEPT,
    "csv-truncated-quote": DEPT + '1,Sở Nội vụ,"90,5",1\n2,Sở Y tế,"88,2",2\n3,Sở Tư pháp,"87,',
    "csv-wrong-delimiter": "Tên đơn vị:Điểm:Xếp hạng\nSở Nội vụ:90,5:1\nSở Y tế:88,2:2\n",
    "csv-declared-delimiter-wrong": "Tên đơn vị;Điểm;Xếp hạng\nSở Nội vụ;90,5;1\nSở Y tế;88,2;2\n",
    "csv-unquoted-decimal-comma": DEPT + '1,Sở Nội vụ,"90,5",1\n2,Sở Y tế,88,2,2\n',
    "csv-mixed-decimals": (
        "Tên đơn vị;Điểm\nSở Nội vụ;90,5\nSở Y tế;88.25\nSở Tư pháp;91.651\n"
        "Sở Xây dựng;1.234,5\nSở Tài chính;98,56,1\n"
    ),
    "csv-nfd": unicodedata.normalize(
        "NFD",
        DEPT + '1,Sở Nội vụ,"90,5",1\n2,Sở Y tế,"88,2",2\n3,Sở Tài nguyên và Môi trường,"87,1",3\n',
    ),
    "csv-very-long-line": (
        "Tên đơn vị,Điểm,Ghi chú\n"
        + 'Sở Nội vụ,"90,5","'
        + "rất dài " * 25_000
        + '"\nSở Y tế,"88,2",\n'
    ),
    "csv-cr-line-endings": 'Tên đơn vị,Điểm\rSở Nội vụ,"90,5"\rSở Y tế,"88,2"\r',
    "csv-crlf-line-endings": 'Tên đơn vị,Điểm\r\nSở Nội vụ,"90,5"\r\nSở Y tế,"88,2"\r\n',
    "csv-duplicate-headers": "Tên đơn vị,Điểm,Điểm\nSở Nội vụ,90,91\n",
    "csv-two-role-header": "Tên đơn vị,Điểm/Xếp hạng\nSở Nội vụ,90\n",
    "csv-no-header": "Name,Value\nHome Affairs,90\nHealth,88\n",
    "csv-title-rows": (
        "UBND TỈNH BẾN TRE,,\nKẾT QUẢ CHỈ SỐ CẢI CÁCH HÀNH CHÍNH NĂM 2021,,\n,,\n"
        'Tên đơn vị,Điểm,Xếp hạng\nSở Nội vụ,"90,5",1\nSở Y tế,"88,2",2\n'
    ),
    "csv-summary-rows": (
        DEPT + '1,Sở Nội vụ,"90,5",1\n2,Sở Y tế,"88,2",2\n,Tổng cộng,"178,7",\n'
        ',Trung bình,"89,35",\n,Cao nhất,"90,5",\n'
    ),
    "csv-notes-below": (
        DEPT + '1,Sở Nội vụ,"90,5",1\n2,Sở Y tế,"88,2",2\n\n'
        ',"Ghi chú: KĐG là không đánh giá",,\nNguồn: Quyết định 2094/QĐ-UBND,,,\n'
    ),
    "csv-thousands-separators": (
        "Tên đơn vị;Tổng điểm;Điểm tối đa\nSở Nội vụ;1.050,5;1.100,0\n"
        "Sở Y tế;1,020.25;1,100.00\nSở Tư pháp;980,25;1.100\n"
    ),
    "csv-points-and-percent": (
        'Tên đơn vị,Điểm\nSở Nội vụ,"68,32 điểm = 81,33%"\n'
        'Sở Y tế,"68,32 (81,33%)"\nSở Tư pháp,"40,62/80"\n'
        'Sở Xây dựng,"90,9 điểm"\n'
    ),
    "csv-missing-markers": (
        "Tên đơn vị,Điểm,Xếp hạng\nSở Nội vụ,KĐG,\nSở Y tế,Không đánh giá,\n"
        "Sở Tư pháp,-,-\nSở Xây dựng,x,\nSở Tài chính,N/A,\n"
        "Sở Giao thông vận tải,chưa đánh giá,\n"
    ),
    "csv-ranks-padded-and-tied": (
        DEPT + '1,Sở Nội vụ,"90,5",01/18\n2,Sở Y tế,"88,2",02/18\n'
        '3,Sở Tư pháp,"87,1",3=\n4,Sở Xây dựng,"87,1",3=\n'
        '5,Sở Tài chính,"86",đồng hạng 5\n'
    ),
    "csv-rank-above-n": DEPT + '1,Sở Nội vụ,"90,5",1/18\n2,Sở Y tế,"88,2",19/18\n',
    "csv-rank-invalid": (
        DEPT + '1,Sở Nội vụ,"90,5",0\n2,Sở Y tế,"88,2","2,5"\n'
        '3,Sở Tư pháp,"87",1/0\n4,Sở Xây dựng,"86",abc\n'
    ),
    "csv-score-above-scale": (
        DEPT + '1,Sở Nội vụ,120%,1\n2,Sở Y tế,"100,01",2\n3,Sở Tư pháp,100,3\n'
    ),
    "csv-negative-score": DEPT + '1,Sở Nội vụ,"-3,5",1\n2,Sở Y tế,−2,2\n3,Sở Tư pháp,0,3\n',
    "csv-text-in-score": DEPT + "1,Sở Nội vụ,abc,1\n2,Sở Y tế,đạt,2\n3,Sở Tư pháp,Tốt,3\n",
    "csv-duplicate-same-figure": DEPT + '1,Sở Nội vụ,"90,5",1\n2,Sở Nội vụ,"90,5",1\n'
    '3,Sở Y tế,"88,2",2\n',
    "csv-duplicate-conflict": DEPT + '1,Sở Nội vụ,"90,5",1\n2,Sở Nội vụ,"89,5",2\n'
    '3,Sở Y tế,"88,2",3\n',
    "csv-unknown-province": (
        'Tỉnh,Chỉ số CCHC\nBến Tre,"86,5%"\nAtlantis,"70%"\nBến Tre tỉnh,"80%"\n'
    ),
    "csv-former-province": 'Tỉnh,Chỉ số CCHC\nHà Nội,"86,5%"\nHà Tây,"80%"\n',
    "csv-province-spellings": (
        'Tỉnh,Chỉ số CCHC,Xếp hạng\nTP. HCM,"86,5%",1\n'
        'Thừa Thiên - Huế,"85,1%",2\nĐắc Lắc,"84%",3\n'
        'Tỉnh Bà Rịa - Vũng Tàu,"83%",4\nHoà Bình,"82%",5\n'
    ),
    "csv-future-year": 'Tên đơn vị,Năm,Điểm\nSở Nội vụ,2021,"90,5"\nSở Nội vụ,2099,"91"\n',
    "csv-year-as-text": (
        'Tên đơn vị,Năm,Điểm\nSở Nội vụ,Năm 2021,"90,5"\nSở Nội vụ,năm 2020,"89"\n'
        'Sở Nội vụ,2021-2022,"88"\nSở Nội vụ,21,"87"\n'
    ),
    "csv-units-with-province": (
        'Tên đơn vị,Điểm\nSở Công thương tỉnh Bến Tre,"90,5"\n'
        'Sở Y tế tỉnh Bến Tre,"88,2"\nSở GD&ĐT,"87"\n'
        'Văn phòng UBND tỉnh,"86"\nSở Kỳ Lạ,"85"\n'
    ),
    "csv-blank-columns": ('Tên đơn vị,Điểm,Ghi chú,\nSở Nội vụ,"90,5",,\nSở Y tế,"88,2",,\n'),
    "csv-missing-unit": DEPT + '1,Sở Nội vụ,"90,5",1\n2,,"88,2",2\n3,Sở Tư pháp,,\n',
    "yaml-missing-source": DEPT + '1,Sở Nội vụ,"90,5",1\n',
    "yaml-unknown-key": DEPT + '1,Sở Nội vụ,"90,5",1\n',
    "yaml-missing-file": DEPT + '1,Sở Nội vụ,"90,5",1\n',
    "yaml-path-outside": DEPT + '1,Sở Nội vụ,"90,5",1\n',
    "yaml-invalid-syntax": DEPT + '1,Sở Nội vụ,"90,5",1\n',
    "yaml-no-sources": DEPT + '1,Sở Nội vụ,"90,5",1\n',
    "yaml-source-without-publisher": DEPT + '1,Sở Nội vụ,"90,5",1\n',
    "yaml-header-row-beyond-file": DEPT + '1,Sở Nội vụ,"90,5",1\n',
    "yaml-bad-encoding": DEPT + '1,Sở Nội vụ,"90,5",1\n',
    "agg-no-province-column": 'statistic,value\nmean,"93,99%"\nTrung bình,"94%"\nbogus,1\n',
}

_DEPT_BODY = DEPT + '1,Sở Nội vụ,"90,5",1\n2,Sở Y tế,"88,2",2\n'
CSV_BYTES = {
    "csv-cp1258-declared-utf8": cp1258(_DEPT_BODY),
    "csv-utf8-declared-cp1258": _DEPT_BODY.encode("utf-8"),
    "csv-cp1258-undeclared": cp1258(_DEPT_BODY),
    "csv-bom": codecs.BOM_UTF8 + _DEPT_BODY.encode("utf-8"),
    "csv-utf16": _DEPT_BODY.encode("utf-16"),
}


# ----------------------------------------------------------------------------- XLSX cases
def _merged_header(book):
    ws = book.active
    ws.title = "Xếp hạng"
    rows(
        ws,
        [
            ["UBND TỈNH BẾN TRE"],
            ["KẾT QUẢ CHỈ SỐ CCHC NĂM 2021"],
            [],
            ["STT", "Tên đơn vị", "Năm 2021", None, "Năm 2020"],
            [None, None, "Điểm", "Xếp hạng", "Điểm"],
            [1, "Sở Nội vụ", 90.5, 1, 89],
            [2, "Sở Y tế", 88.2, 2, 87.5],
        ],
    )
    for ref in ("A1:E1", "A2:E2", "A4:A5", "B4:B5", "C4:D4"):
        ws.merge_cells(ref)


def _hidden_rows(book):
    ws = book.active
    rows(
        ws,
        [
            ["Tên đơn vị", "Điểm", "Xếp hạng"],
            ["Sở Nội vụ", 90.5, 1],
            ["Sở Y tế", 88.2, 2],
            ["Sở Tư pháp", 87.1, 3],
        ],
    )
    ws.row_dimensions[3].hidden = True
    ws.row_dimensions[4].hidden = True


def _formulas(book):
    ws = book.active
    rows(
        ws,
        [
            ["Tên đơn vị", "Chỉ số CCHC (%)", "Xếp hạng"],
            ["Sở Nội vụ", "=85.5/95*100", 1],
            ["Sở Y tế", "=80/95*100", "=C2+1"],
            ["Sở Tư pháp", 79.5, 3],
        ],
    )


def _several_sheets(book):
    ws = book.active
    ws.title = "Ghi chú"
    ws["A1"] = "Bảng này chỉ có ghi chú, số liệu ở trang sau"
    data = book.create_sheet("Năm 2021")
    rows(data, [["Tên đơn vị", "Điểm"], ["Sở Nội vụ", 90.5], ["Sở Y tế", 88.2]])


def _percent_format(book):
    ws = book.active
    rows(
        ws,
        [
            ["Tên đơn vị", "Chỉ số CCHC"],
            ["Sở Nội vụ", 0.9856],
            ["Sở Y tế", 0.8821],
            ["Sở Tư pháp", "87,1%"],
        ],
    )
    ws["B2"].number_format = "0.00%"
    ws["B3"].number_format = "0.0%"


def _excel_errors(book):
    ws = book.active
    rows(
        ws,
        [
            ["Tên đơn vị", "Điểm", "Xếp hạng"],
            ["Sở Nội vụ", 90.5, 1],
            ["Sở Y tế", "#N/A", 2],
            ["Sở Tư pháp", "#DIV/0!", 3],
            ["Sở Xây dựng", 86, "#REF!"],
            ["Sở Tài chính", "N/A", None],
        ],
    )


def _header_row_8(book):
    ws = book.active
    ws["A1"] = "UBND TỈNH BẾN TRE"
    ws["D1"] = "CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM"
    ws["D2"] = "Độc lập - Tự do - Hạnh phúc"
    ws["A4"] = "KẾT QUẢ XẾP HẠNG CHỈ SỐ CẢI CÁCH HÀNH CHÍNH NĂM 2021"
    ws["A5"] = "(Kèm theo Quyết định số 2094/QĐ-UBND ngày 20/9/2022)"
    ws["A6"] = "Điểm chuẩn: 100"
    ws.merge_cells("A4:D4")
    rows(
        ws,
        [
            ["STT", "Tên đơn vị", "Điểm", "Xếp hạng"],
            [1, "Sở Nội vụ", 90.5, 1],
            [2, "Sở Y tế", 88.2, 2],
            [None, "Trung bình", 89.35, None],
            [],
            [None, "Ghi chú: KĐG là không đánh giá", None, None],
        ],
        start=8,
    )


def _empty_sheet(book):
    book.active.title = "Trống"


def _header_only(book):
    rows(book.active, [["STT", "Tên đơn vị", "Điểm", "Xếp hạng"]])


def _date_in_score(book):
    ws = book.active
    rows(ws, [["Tên đơn vị", "Điểm"], ["Sở Nội vụ", dt.datetime(2021, 5, 1)], ["Sở Y tế", 88.2]])
    ws["B2"].number_format = "dd/mm/yyyy"


def _merged_unit_cells(book):
    ws = book.active
    rows(
        ws,
        [
            ["Tên đơn vị", "Chỉ số", "Điểm"],
            ["Sở Nội vụ", "PAR INDEX", 90.5],
            [None, "SIPAS", 88.2],
            ["Sở Y tế", "PAR INDEX", 87.1],
        ],
    )
    ws.merge_cells("A2:A3")


def _text_numbers(book):
    ws = book.active
    rows(
        ws,
        [
            ["Tên đơn vị", "Điểm", "Xếp hạng"],
            ["  Sở Nội vụ ", " 90,5\u00a0", " 01/18"],
            ["Sở\u00a0Y tế", "88.2 %", "2"],
        ],
    )


XLSX = {
    "xlsx-merged-header": xlsx(_merged_header),
    "xlsx-hidden-rows": xlsx(_hidden_rows),
    "xlsx-formulas-cached": xlsx(
        _formulas, cached={"B2": "90", "B3": "84.21052631578948", "C3": "2"}
    ),
    "xlsx-formulas-uncached": xlsx(_formulas),
    "xlsx-several-sheets": xlsx(_several_sheets),
    "xlsx-several-sheets-named": xlsx(_several_sheets),
    "xlsx-percent-format": xlsx(_percent_format),
    "xlsx-excel-errors": xlsx(_excel_errors),
    "xlsx-header-row-8": xlsx(_header_row_8),
    "xlsx-empty-sheet": xlsx(_empty_sheet),
    "xlsx-header-only": xlsx(_header_only),
    "xlsx-date-in-score": xlsx(_date_in_score),
    "xlsx-merged-unit-cells": xlsx(_merged_unit_cells),
    "xlsx-text-numbers": xlsx(_text_numbers),
    "xlsx-zero-byte": b"",
    "xlsx-really-csv": _csv(_DEPT_BODY),
    "xlsx-broken-zip": b"PK\x03\x04" + b"\x00" * 60,
}


def build() -> dict[str, dict[str, bytes]]:
    """Return ``{case id: {file name: bytes}}`` for every case."""
    cases: dict[str, dict[str, bytes]] = {}
    for case, text in CSV_TEXT.items():
        cases[case] = {"table.csv": _csv(text)}
    for case, data in CSV_BYTES.items():
        cases[case] = {"table.csv": data}
    for case, data in XLSX.items():
        cases[case] = {"table.xlsx": data}
    cases["csv-duplicate-across-files"] = {
        "a.csv": _csv(DEPT + '1,Sở Nội vụ,"90,5",1\n2,Sở Y tế,"88,2",2\n'),
        "b.csv": _csv(DEPT + '1,Sở Nội vụ,"90,5",1\n2,Sở Y tế,"87,2",2\n'),
    }
    return cases


def write(root: Path = FILES) -> list[Path]:
    """Write every case's files under ``root/<case id>/`` and return their paths."""
    written = []
    for case, files in sorted(build().items()):
        folder = root / case
        folder.mkdir(parents=True, exist_ok=True)
        for name, data in files.items():
            path = folder / name
            path.write_bytes(data)
            written.append(path)
    return written


if __name__ == "__main__":
    paths = write(Path(sys.argv[1]) if len(sys.argv) > 1 else FILES)
    print(f"wrote {len(paths)} files")
