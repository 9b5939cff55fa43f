"""Tests for parlib.ingest.read (and its csv, xlsx, encoding and table modules): raw CSV and XLSX files into tables of text cells."""

from __future__ import annotations

import re
import unicodedata
import zipfile

import numpy as np
import openpyxl
import pandas as pd
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from openpyxl.styles import Font

from parlib.errors import HeaderError, RawFileError
from parlib.ingest.read import read_raw
from parlib.ingest.table import RawTable

HEADER = "Tên đơn vị,Điểm,Xếp hạng"
UNITS = ["Sở Nội vụ", "Sở Tư pháp", "Sở Giáo dục và Đào tạo", "UBND huyện Ba Tri"]


def to_cp1258(text: str) -> bytes:
    """Encode like Windows-1258: base letters ơ ư ă â ê ô precomposed, tone marks combining."""
    out: list[str] = []
    for ch in unicodedata.normalize("NFD", text):
        if ch in "\u0302\u0306\u031b":  # circumflex, breve, horn join their base letter
            i = len(out) - 1
            while unicodedata.combining(out[i]):
                i -= 1
            out[i] = unicodedata.normalize("NFC", out[i] + ch)
        else:
            out.append(ch)
    return "".join(out).encode("cp1258")


def write(tmp_path, name: str, content: str | bytes):
    path = tmp_path / name
    if isinstance(content, str):
        path.write_text(content, encoding="utf-8", newline="")
    else:
        path.write_bytes(content)
    return path


def cells(table: RawTable) -> list[list]:
    return table.frame.astype(object).where(table.frame.notna(), None).values.tolist()


# ---------------------------------------------------------------- CSV
def test_read_csv_finds_header_below_title_rows(tmp_path):
    path = write(
        tmp_path,
        "bt.csv",
        "BẢNG XẾP HẠNG CHỈ SỐ CCHC NĂM 2021,,\n"
        "(Kèm theo Quyết định số 2094/QĐ-UBND),,\n,,\n"
        f'{HEADER}\nSở Nội vụ,"91,5",1\nSở Tư pháp,"90,25",2\n',
    )
    table = read_raw(path, display_path="data/raw/bt/bt.csv")
    assert table.header_row == 4
    assert table.columns == ["Tên đơn vị", "Điểm", "Xếp hạng"]
    assert table.rows.tolist() == [5, 6]
    assert table.title_rows == [
        "BẢNG XẾP HẠNG CHỈ SỐ CCHC NĂM 2021",
        "(Kèm theo Quyết định số 2094/QĐ-UBND)",
    ]
    assert cells(table) == [["Sở Nội vụ", "91,5", "1"], ["Sở Tư pháp", "90,25", "2"]]
    assert (table.encoding, table.delimiter, table.sheet) == ("utf-8", ",", None)
    assert table.display_path == "data/raw/bt/bt.csv"
    assert table.frame.dtypes.tolist() == [object] * 3


def test_read_csv_cells_are_nfc_text_or_none(tmp_path):
    nfd = unicodedata.normalize("NFD", "Sở Nội vụ")
    path = write(tmp_path, "t.csv", f"{HEADER}\n  {nfd}   ,,\u00a01\n")
    table = read_raw(path)
    assert cells(table) == [["Sở Nội vụ", None, "1"]]
    assert table.frame.iloc[0, 1] is None


def test_read_csv_with_utf8_bom(tmp_path):
    path = write(tmp_path, "t.csv", "\ufeff" + HEADER + "\nSở Nội vụ,90,1\n")
    table = read_raw(path)
    assert table.encoding == "utf-8-sig"
    assert table.columns[0] == "Tên đơn vị"
    assert table.rows.tolist() == [2]


def test_read_csv_in_cp1258_is_detected_and_normalised(tmp_path):
    text = "Tên đơn vị;Điểm\r\n" + "".join(f"{u};9{k},5\r\n" for k, u in enumerate(UNITS))
    raw = to_cp1258(text + "Đắk Lắk;88\r\n")
    assert raw.decode("cp1258") != unicodedata.normalize("NFC", raw.decode("cp1258"))
    table = read_raw(write(tmp_path, "t.csv", raw))
    assert table.encoding == "cp1258"
    assert table.columns == ["Tên đơn vị", "Điểm"]
    assert table.frame["Tên đơn vị"].tolist() == [*UNITS, "Đắk Lắk"]
    assert table.rows.tolist() == [2, 3, 4, 5, 6]
    assert any("cp1258" in w for w in table.warnings)


def test_read_csv_declared_utf8_but_cp1258_names_file_line_and_fix(tmp_path):
    raw = b"Ten don vi,Diem\nA,1\n" + to_cp1258("Sở Nội vụ,90\n")
    path = write(tmp_path, "t.csv", raw)
    with pytest.raises(RawFileError, match=r"t\.csv, row 3: .*not UTF-8.*encoding: cp1258"):
        read_raw(path, encoding="utf-8")


def test_read_csv_declared_cp1258_but_utf8_names_file_line_and_fix(tmp_path):
    path = write(tmp_path, "t.csv", "Don vi,Diem\nSo A,90\nSở Nội vụ,91\n")
    with pytest.raises(
        RawFileError,
        match=r"t\.csv, row 3: .*declared cp1258 but is UTF-8.*"
        r"mojibake.*Fix: remove encoding: cp1258",
    ):
        read_raw(path, encoding="cp1258")


def test_read_csv_declared_cp1258_reads_cp1258(tmp_path):
    table = read_raw(
        write(tmp_path, "t.csv", to_cp1258(f"{HEADER}\nSở Nội vụ,90,1\n")), encoding="cp1258"
    )
    assert table.frame.iloc[0, 0] == "Sở Nội vụ"
    assert table.warnings == []


@pytest.mark.parametrize(("sep", "name"), [(";", "semicolon"), ("\t", "tab"), ("|", "pipe")])
def test_read_csv_sniffs_the_delimiter(tmp_path, sep, name):
    text = (
        f"Tên đơn vị{sep}Điểm{sep}Xếp hạng\nSở Nội vụ{sep}91,5{sep}1\nSở Tư pháp{sep}90,25{sep}2\n"
    )
    table = read_raw(write(tmp_path, f"{name}.csv", text))
    assert table.delimiter == sep
    assert cells(table) == [["Sở Nội vụ", "91,5", "1"], ["Sở Tư pháp", "90,25", "2"]]


def test_read_csv_rows_that_do_not_split_name_the_delimiter_key(tmp_path):
    path = write(tmp_path, "t.csv", "Tên đơn vị:Điểm\nSở Nội vụ:90\n")
    with pytest.raises(
        HeaderError,
        match=r"do not split into columns on ',', ';', tab or '\|'.*"
        "delimiter:",
    ):
        read_raw(path)
    with pytest.raises(HeaderError, match=r"on ';'.*Fix: set delimiter:"):
        read_raw(path, delimiter=";")


def test_read_csv_declared_delimiter_is_used(tmp_path):
    table = read_raw(write(tmp_path, "t.csv", "Tên đơn vị:Điểm\nSở Nội vụ:90\n"), delimiter=":")
    assert cells(table) == [["Sở Nội vụ", "90"]]


def test_read_csv_quoted_newlines_keep_physical_line_numbers(tmp_path):
    text = (
        f"{HEADER}\n"
        '"Sở Nội vụ",90,1\n'  # line 2
        '"Sở Tư\npháp","89\n",2\n'  # lines 3-5
        "\n"  # line 6, blank
        "Sở Y tế,88,3\n"
    )  # line 7
    table = read_raw(write(tmp_path, "t.csv", text))
    assert table.rows.tolist() == [2, 3, 7]
    assert table.frame["Tên đơn vị"].tolist() == ["Sở Nội vụ", "Sở Tư pháp", "Sở Y tế"]
    assert table.frame["Điểm"].tolist() == ["90", "89", "88"]


def test_read_csv_quoted_newline_in_header_and_crlf(tmp_path):
    text = 'Bảng 1\r\n"Tên\r\nđơn vị",Điểm\r\nSở A,90\r\n\r\nSở B,"8\r\n9"\r\nSở C,70\r\n'
    table = read_raw(write(tmp_path, "t.csv", text))
    assert (table.header_row, table.columns) == (2, ["Tên đơn vị", "Điểm"])
    assert table.rows.tolist() == [4, 6, 8]
    assert table.frame["Điểm"].tolist() == ["90", "8 9", "70"]


def test_read_csv_blank_lines_are_dropped_with_row_numbers_kept(tmp_path):
    text = f"{HEADER}\nSở A,90,1\n\n  \n,,\nSở B,80,2\n"
    table = read_raw(write(tmp_path, "t.csv", text))
    assert table.rows.tolist() == [2, 6]


@pytest.mark.parametrize("content", ["", "   \n\n\t\n", "\ufeff"])
def test_read_csv_empty_file(tmp_path, content):
    with pytest.raises(RawFileError, match=r"e\.csv: the file is empty\. Fix:"):
        read_raw(write(tmp_path, "e.csv", content))


def test_read_csv_header_only_gives_an_empty_frame(tmp_path):
    table = read_raw(write(tmp_path, "t.csv", HEADER + "\n"))
    assert table.columns == ["Tên đơn vị", "Điểm", "Xếp hạng"]
    assert table.frame.shape == (0, 3)
    assert table.rows.tolist() == []


def test_read_csv_truncated_last_line_names_the_line(tmp_path):
    path = write(tmp_path, "t.csv", f'{HEADER}\nSở A,90,1\nSở B,"89,5')
    with pytest.raises(
        RawFileError,
        match=r"t\.csv, row 3: the file ends inside a quoted cell.*"
        "truncated",
    ):
        read_raw(path)


def test_read_csv_truncated_after_a_multiline_cell(tmp_path):
    path = write(tmp_path, "t.csv", f'{HEADER}\n"Sở\nA",90,1\nSở B,"89\n')
    with pytest.raises(RawFileError, match="row 4: the file ends inside a quoted cell"):
        read_raw(path)


def test_read_csv_row_with_extra_cells_names_row_and_counts(tmp_path):
    path = write(tmp_path, "t.csv", f"{HEADER}\nSở A,90,1\nSở B,89,5,2\n")
    with pytest.raises(
        RawFileError,
        match=r"row 3: the row has 4 cells but the header has 3 "
        r"\(value 'Sở B,89,5,2'\)\. Fix: quote cells that contain the delimiter",
    ):
        read_raw(path)


def test_read_csv_extra_cells_on_every_row_are_not_dropped_silently(tmp_path):
    path = write(tmp_path, "t.csv", "Tên đơn vị,Điểm\nSở A,90,x\nSở B,80,y\n")
    with pytest.raises(RawFileError, match="row 2: the row has 3 cells but the header has 2"):
        read_raw(path)
    table = read_raw(write(tmp_path, "t.csv", "Tên đơn vị,Điểm\nSở A,90,\nSở B,80,\n"))
    assert cells(table) == [["Sở A", "90"], ["Sở B", "80"]]


def test_read_csv_blank_extra_cells_and_short_rows_are_fine(tmp_path):
    table = read_raw(write(tmp_path, "t.csv", f"{HEADER}\nSở A,90,1,,\nSở B\n"))
    assert cells(table) == [["Sở A", "90", "1"], ["Sở B", None, None]]
    assert table.rows.tolist() == [2, 3]


def test_read_csv_blank_headers_are_named_or_dropped(tmp_path):
    text = "Tên đơn vị,,Điểm,Điểm,\nSở A,x,90,91,\nSở B,,80,81,\n"
    table = read_raw(write(tmp_path, "t.csv", text))
    assert table.columns == ["Tên đơn vị", "(column 2)", "Điểm", "Điểm (2)"]


def test_read_csv_without_a_header_lists_the_rows_and_the_fix(tmp_path):
    path = write(tmp_path, "t.csv", "a,b\n1,2\n")
    with pytest.raises(
        HeaderError,
        match=r"no header row found.*row 1: \['a', 'b'\]; row 2: "
        r"\['1', '2'\].*Fix: set header_row:",
    ):
        read_raw(path)


def test_read_csv_header_row_override(tmp_path):
    text = "Tên đơn vị,Điểm\nx,y\nCơ quan,Kết quả\nSở A,90\n"
    table = read_raw(write(tmp_path, "t.csv", text), header_row=3)
    assert (table.header_row, table.columns, table.rows.tolist()) == (
        3,
        ["Cơ quan", "Kết quả"],
        [4],
    )
    assert table.title_rows == ["Tên đơn vị | Điểm", "x | y"]
    with pytest.raises(RawFileError, match="row 9: line 9 is not the start of a row"):
        read_raw(write(tmp_path, "t.csv", text), header_row=9)


def test_read_csv_keeps_notes_rows_below_the_table(tmp_path):
    text = f"{HEADER}\nSở A,90,1\n,,\nGhi chú: KĐG là không đánh giá,,\nNguồn: Quyết định 2094,,\n"
    table = read_raw(write(tmp_path, "t.csv", text))
    assert table.rows.tolist() == [2, 4, 5]
    assert table.frame["Tên đơn vị"].tolist()[1:] == [
        "Ghi chú: KĐG là không đánh giá",
        "Nguồn: Quyết định 2094",
    ]


def test_read_csv_fast_and_fallback_paths_agree(tmp_path):
    rng = np.random.default_rng(1)
    n = 3000
    units = np.array(UNITS)[rng.integers(0, 4, n)]
    scores = [f"{v:.2f}".replace(".", ",") for v in rng.random(n) * 100]
    lines = [f'{k},{u},"{s}",  {k % 18 + 1} ' for k, (u, s) in enumerate(zip(units, scores))]
    plain = write(tmp_path, "plain.csv", "STT,Tên đơn vị,Điểm,Xếp hạng\n" + "\n".join(lines))
    lines[1000] = lines[1000] + "\n"  # a blank line: pyarrow path gives way to the C parser
    lines[2000] = '2000,"Sở\nmới","1,0",1'  # a quoted newline
    mixed = write(tmp_path, "mixed.csv", "STT,Tên đơn vị,Điểm,Xếp hạng\n" + "\n".join(lines))
    a, b = read_raw(plain), read_raw(mixed)
    assert a.rows.tolist() == list(range(2, n + 2))
    # record k starts on line k + 2, + 1 after the blank line, + 1 after the two-line record
    assert b.rows.tolist() == (
        list(range(2, 1003)) + list(range(1004, 2004)) + list(range(2005, n + 4))
    )
    assert a.frame["Xếp hạng"].iloc[:3].tolist() == ["1", "2", "3"]
    assert a.frame["Điểm"].tolist() == scores
    assert b.frame["Tên đơn vị"].iloc[2000] == "Sở mới"
    pd.testing.assert_frame_equal(a.frame.drop(index=2000), b.frame.drop(index=2000))


def test_read_csv_column_distinct_only_in_its_first_rows_is_still_cleaned(tmp_path):
    # The first rows decide which columns pyarrow reads as plain text (serial numbers);
    # a column that starts distinct and then repeats messy text is cleaned all the same.
    n = 3000
    notes = [
        f"ghi chú {k}" if k < 300 else "  Sở   Y tế " if k % 2 else "Sở Nội vụ" for k in range(n)
    ]
    body = "\n".join(f"{k + 1},{note},Sở Tư pháp,90" for k, note in enumerate(notes))
    path = write(tmp_path, "t.csv", "STT,Ghi chú,Tên đơn vị,Điểm\n" + body)
    for categorical in (False, True):
        frame = read_raw(path, categorical=categorical).frame
        assert list(frame["STT"].astype(str)) == [str(k + 1) for k in range(n)]
        assert list(frame["Ghi chú"].astype(str)) == [
            n if k < 300 else "Sở Y tế" if k % 2 else "Sở Nội vụ" for k, n in enumerate(notes)
        ]
        assert set(frame["Tên đơn vị"].astype(str)) == {"Sở Tư pháp"}


def test_read_raw_missing_file_and_old_xls(tmp_path):
    with pytest.raises(RawFileError, match="nope.csv: the file does not exist"):
        read_raw(tmp_path / "nope.csv")
    with pytest.raises(RawFileError, match=r"old-style \.xls.*save it as \.xlsx"):
        read_raw(write(tmp_path, "old.xls", b"\xd0\xcf\x11\xe0"))
    with pytest.raises(RawFileError, match="header_row must be a row number from 1"):
        read_raw(write(tmp_path, "t.csv", HEADER), header_row=0)


# ---------------------------------------------------------------- XLSX
def cache_formula(path, cell: str, value: str) -> None:
    """Store a cached result for a formula cell, as Excel does when it saves a file."""
    with zipfile.ZipFile(path) as src:
        parts = {name: src.read(name) for name in src.namelist()}
    name = "xl/worksheets/sheet1.xml"
    xml = parts[name].decode()
    xml = re.sub(rf'(<c r="{cell}"[^>]*><f>[^<]*</f>)<v\s*/>', rf"\1<v>{value}</v>", xml)
    parts[name] = xml.encode()
    with zipfile.ZipFile(path, "w") as dst:
        for part, data in parts.items():
            dst.writestr(part, data)


@pytest.fixture
def workbook_path(tmp_path):
    """A published-style ranking: titles, a two-line merged header, hidden row, formulas, notes."""
    book = openpyxl.Workbook()
    ws = book.active
    ws.title = "Xếp hạng"
    ws["A1"] = "UBND TỈNH BẾN TRE"
    ws.merge_cells("A1:F1")
    ws["A2"] = "KẾT QUẢ CHỈ SỐ CẢI CÁCH HÀNH CHÍNH NĂM 2021"
    ws["A2"].font = Font(bold=True)
    # two-line header on rows 4-5
    ws["A4"], ws["B4"], ws["C4"], ws["E4"] = "STT", "Tên đơn vị", "Năm 2021", "Năm 2020"
    ws.merge_cells("A4:A5")
    ws.merge_cells("B4:B5")
    ws.merge_cells("C4:D4")
    ws.merge_cells("E4:F4")
    ws["C5"], ws["D5"], ws["E5"], ws["F5"] = "Điểm", "Xếp hạng", "Điểm", "Xếp hạng"
    data = [
        (1, "Sở Nội vụ", 98.56, 1, 91.25, 2),
        (2, "Sở Tư pháp", 97.1, 2, 93.0, 1),
        (3, "Sở Y tế", None, 3, 2021.0, None),
    ]
    for r, row in enumerate(data, start=6):
        for c, value in enumerate(row, start=1):
            ws.cell(r, c, value)
    ws["C8"] = "=C6-1.46"  # a formula; its cached value is added below
    ws["D8"] = "=D7+1"  # a formula saved without a cached value
    ws.row_dimensions[7].hidden = True
    ws["A10"] = "Ghi chú: số liệu theo Quyết định 2094/QĐ-UBND"
    ws.merge_cells("A10:F10")
    ws["G6"] = 0.9856
    ws["G6"].number_format = "0.00%"
    other = book.create_sheet("Ghi chú")
    other["A1"] = "không phải bảng"
    path = tmp_path / "ben-tre-2021.xlsx"
    book.save(path)
    cache_formula(path, "C8", "97.1")
    return path


def test_read_xlsx_two_line_merged_header(workbook_path):
    table = read_raw(workbook_path, display_path="bt.xlsx")
    assert table.header_row == 4
    assert table.columns == [
        "STT",
        "Tên đơn vị",
        "Năm 2021 | Điểm",
        "Năm 2021 | Xếp hạng",
        "Năm 2020 | Điểm",
        "Năm 2020 | Xếp hạng",
        "(column G)",
    ]
    assert table.title_rows == ["UBND TỈNH BẾN TRE", "KẾT QUẢ CHỈ SỐ CẢI CÁCH HÀNH CHÍNH NĂM 2021"]
    assert table.sheet == "Xếp hạng"


def test_read_xlsx_rows_numbers_values_and_notes(workbook_path):
    table = read_raw(workbook_path)
    assert table.rows.tolist() == [6, 7, 8, 10]
    assert cells(table) == [
        ["1", "Sở Nội vụ", "98.56", "1", "91.25", "2", "98.56%"],
        ["2", "Sở Tư pháp", "97.1", "2", "93", "1", None],
        ["3", "Sở Y tế", "97.1", "=D7+1", "2021", None, None],  # uncached: formula text
        ["Ghi chú: số liệu theo Quyết định 2094/QĐ-UBND", None, None, None, None, None, None],
    ]


def test_read_xlsx_reports_hidden_rows_formulas_and_other_sheets(workbook_path):
    table = read_raw(workbook_path)
    assert table.hidden_rows == [7]
    assert table.formula_cells == 2
    text = " ".join(table.warnings)
    assert "rows [7] are hidden" in text
    assert "1 formula cells have no saved result" in text and "D8" in text
    assert "2 sheets" in text and "'Ghi chú'" in text


def test_read_xlsx_sheet_by_name_index_and_unknown(workbook_path):
    assert read_raw(workbook_path, sheet="Xếp hạng").sheet == "Xếp hạng"
    assert read_raw(workbook_path, sheet="xep hang").sheet == "Xếp hạng"
    assert read_raw(workbook_path, sheet=0).warnings[0].startswith("rows [7]")
    with pytest.raises(
        RawFileError,
        match=r"no sheet 'Sheet9'; the sheets are \['Xếp hạng', "
        r"'Ghi chú'\].*Fix: set sheet:",
    ):
        read_raw(workbook_path, sheet="Sheet9")
    with pytest.raises(RawFileError, match="no sheet number 5"):
        read_raw(workbook_path, sheet=5)
    with pytest.raises(HeaderError, match=r"no header row found.*'không phải bảng'"):
        read_raw(workbook_path, sheet=1)


def test_read_xlsx_header_row_override_reads_the_second_header_line(workbook_path):
    table = read_raw(workbook_path, header_row=5)
    assert table.header_row == 4
    assert table.columns[2] == "Năm 2021 | Điểm"


def test_read_xlsx_group_row_found_from_its_sub_row(tmp_path):
    book = openpyxl.Workbook()
    ws = book.active
    ws.append(["Bảng 2"])
    ws.append(["Tên đơn vị", "Kết quả đánh giá SIPAS", None, "Ghi chú"])
    ws.append([None, "Chỉ số hài lòng (%)", "Xếp hạng", None])
    ws.append(["Sở A", 85.5, 1, None])
    ws.merge_cells("A2:A3")
    ws.merge_cells("B2:C2")
    ws.merge_cells("D2:D3")
    book.save(tmp_path / "s.xlsx")
    table = read_raw(tmp_path / "s.xlsx")
    assert table.header_row == 2
    assert table.columns == [
        "Tên đơn vị",
        "Kết quả đánh giá SIPAS | Chỉ số hài lòng (%)",
        "Kết quả đánh giá SIPAS | Xếp hạng",
        "Ghi chú",
    ]
    assert table.rows.tolist() == [4]


def test_read_xlsx_single_line_header_does_not_swallow_the_first_row(tmp_path):
    book = openpyxl.Workbook()
    ws = book.active
    ws.append(["BẢNG XẾP HẠNG"])
    ws.merge_cells("A1:C1")
    ws.append(["Tỉnh", "Điểm", "Xếp hạng"])
    ws.append(["Bến Tre", "91,5", "1"])
    book.save(tmp_path / "p.xlsx")
    table = read_raw(tmp_path / "p.xlsx")
    assert (table.header_row, table.columns, table.rows.tolist()) == (
        2,
        ["Tỉnh", "Điểm", "Xếp hạng"],
        [3],
    )


def test_read_xlsx_header_cell_merged_over_two_columns_is_one_column(tmp_path):
    book = openpyxl.Workbook()
    ws = book.active
    ws.append(["STT", "Tên đơn vị", None, "Điểm"])
    ws.append([1, "Sở A", None, 90])
    ws.append([2, "Sở B", None, 80])
    for span in ("B1:C1", "B2:C2", "B3:C3"):
        ws.merge_cells(span)
    book.save(tmp_path / "m.xlsx")
    table = read_raw(tmp_path / "m.xlsx")
    assert (table.header_row, table.columns, table.rows.tolist()) == (
        1,
        ["STT", "Tên đơn vị", "Điểm"],
        [2, 3],
    )
    assert cells(table) == [["1", "Sở A", "90"], ["2", "Sở B", "80"]]


def test_read_xlsx_empty_and_broken_files(tmp_path):
    openpyxl.Workbook().save(tmp_path / "e.xlsx")
    with pytest.raises(RawFileError, match="e.xlsx: the file is empty"):
        read_raw(tmp_path / "e.xlsx")
    (tmp_path / "b.xlsx").write_bytes(b"PK\x03\x04 not really a zip")
    with pytest.raises(RawFileError, match="cannot be opened as an XLSX workbook"):
        read_raw(tmp_path / "b.xlsx")


# ---------------------------------------------------------------- cell cleaning
TRICKY = [
    "  a  b ",
    "a\tb",
    "\x1c x \x1f",
    "",
    "   ",
    "Sở\u00a0Nội vụ",
    "x\u2013y",
    unicodedata.normalize("NFD", "Đắk Lắk"),
    "\ufeffSTT",
    "plain",
    "a\r\nb",
    "\u200b",
]


@pytest.mark.parametrize(
    "values",
    [
        TRICKY * 20,  # few distinct values: cleaned once each
        [f" {k}\t x  " for k in range(2000)] + ["a  b", " ", ""],  # mostly distinct ASCII: kernels
        [f"{k}" for k in range(2000)] + TRICKY,  # mostly distinct, some not ASCII
    ],
)
def test_clean_cells_match_clean_text(values):
    from parlib.ingest.csv import _clean
    from parlib.text import clean_text

    cleaned, blank = _clean(values)
    assert cleaned.tolist() == [clean_text(v) for v in values]
    assert blank.tolist() == [clean_text(v) is None for v in values]


@settings(max_examples=60, deadline=None)
@given(st.lists(st.text(st.characters(exclude_categories=("Cs",)), max_size=8), max_size=40))
def test_clean_cells_match_clean_text_for_any_text(values):
    from parlib.ingest.csv import _clean
    from parlib.text import clean_text

    assert _clean(values)[0].tolist() == [clean_text(v) for v in values]


# ---------------------------------------------------------------- messages for broken inputs
def test_read_csv_without_a_header_names_a_delimiter_that_fits(tmp_path):
    path = write(tmp_path, "t.csv", "Tên đơn vị:Điểm\nSở Nội vụ:90,5\n")
    with pytest.raises(HeaderError, match=r"no header row found.*Fix: set delimiter: ':'"):
        read_raw(path)
    path = write(tmp_path, "u.csv", "Tên đơn vị;Điểm\nSở Nội vụ;90,5\n")
    with pytest.raises(HeaderError, match=r"Fix: set delimiter: ';'"):
        read_raw(path, delimiter=",")


def test_read_csv_rows_that_do_not_split_show_the_first_line(tmp_path):
    path = write(tmp_path, "t.csv", "Tên đơn vị Điểm\nSở Nội vụ 90\n")
    with pytest.raises(HeaderError, match=r"do not split.*\(value 'Tên đơn vị Điểm'\)"):
        read_raw(path)


def test_a_two_role_header_is_named_even_when_the_header_is_found_automatically(tmp_path):
    path = write(tmp_path, "t.csv", "Tên đơn vị,Điểm/Xếp hạng\nSở Nội vụ,90\n")
    table = read_raw(path)  # the row is taken as the header; recognising it names the header
    assert table.header_row == 1 and table.columns == ["Tên đơn vị", "Điểm/Xếp hạng"]


def test_read_csv_finds_an_aggregates_header(tmp_path):
    table = read_raw(write(tmp_path, "a.csv", 'Tiêu đề\nstatistic,value\nmean,"93,99%"\n'))
    assert table.header_row == 2 and table.columns == ["statistic", "value"]


def test_read_xlsx_uncached_formulas_are_read_as_their_formula(tmp_path):
    book = openpyxl.Workbook()
    book.active.append(["Tên đơn vị", "Điểm"])
    book.active.append(["Sở Nội vụ", "=80+8.5"])
    book.save(tmp_path / "f.xlsx")
    table = read_raw(tmp_path / "f.xlsx")
    assert cells(table) == [["Sở Nội vụ", "=80+8.5"]]
    assert "1 formula cells have no saved result" in table.warnings[0]


def test_read_xlsx_without_a_header_on_the_first_sheet_names_the_other_sheets(tmp_path):
    book = openpyxl.Workbook()
    book.active["A1"] = "Ghi chú"
    book.create_sheet("Năm 2021").append(["Tên đơn vị", "Điểm"])
    book.save(tmp_path / "s.xlsx")
    with pytest.raises(
        HeaderError,
        match=r"Fix: set sheet: in dataset.yaml if the table is on "
        r"another sheet of \['Sheet', 'Năm 2021'\]",
    ):
        read_raw(tmp_path / "s.xlsx")


def test_read_xlsx_that_is_empty_or_text_says_so(tmp_path):
    with pytest.raises(RawFileError, match=r"the file is empty \(0 bytes\).*Fix: download"):
        read_raw(write(tmp_path, "e.xlsx", b""))
    with pytest.raises(
        RawFileError,
        match=r"the file is text, not an XLSX workbook .*\(value "
        r"'Tên đơn vị,Điểm'\).*Fix: rename it to .csv",
    ):
        read_raw(write(tmp_path, "t.xlsx", "Tên đơn vị,Điểm\nSở Nội vụ,90\n"))


def test_a_file_utf8_only_in_its_first_lines_is_read_as_what_it_is(tmp_path):
    # The head (an ASCII header and 300 ASCII rows) is UTF-8; the rest is Windows-1258.
    from parlib.demo.writers import to_cp1258_form

    head = "STT,Don vi,Diem\n" + "".join(f'{i},Unit {i},"9{i % 10},5"\n' for i in range(1, 301))
    tail = '301,Sở Tư pháp,"88,5"\n302,Sở Nội vụ,"87,0"\n'
    path = tmp_path / "late.csv"
    path.write_bytes(to_cp1258_form(head + tail).encode("cp1258"))
    table = read_raw(path)
    assert table.encoding == "cp1258" and "Windows-1258" in table.warnings[0]
    assert table.frame.iloc[-2:, 1].tolist() == ["Sở Tư pháp", "Sở Nội vụ"]
    # UTF-8 above, a Windows-1258 line below: neither encoding reads it all.
    mixed = tmp_path / "mixed.csv"
    mixed.write_bytes(
        head.replace("Don vi", "Đơn vị").encode("utf-8") + to_cp1258_form(tail).encode("cp1258")
    )
    with pytest.raises(RawFileError, match="neither UTF-8 nor Windows-1258"):
        read_raw(mixed)


@pytest.mark.parametrize(
    ("name", "content", "expected"),
    [
        (
            "plain.csv",
            'STT,Tên đơn vị,Điểm\n1,Sở Tư pháp,"98,56"\n2,Sở Y tế,"90,1"\n',
            ("utf-8", [2, 3], ["98,56", "90,1"]),
        ),
        ("bom.csv", "\ufeffTên đơn vị;Điểm\nSở Tư pháp;98,56\n", ("utf-8-sig", [2], ["98,56"])),
        ("late_cp1258.csv", None, ("cp1258", list(range(2, 303)), ["90"] * 300 + ["91"])),
        ("empty.csv", "", None),
    ],
)
def test_each_encoding_is_read_by_the_one_csv_reader(tmp_path, name, content, expected):
    path = tmp_path / name
    if content is None:  # ASCII (so UTF-8) in its first lines, Windows-1258 further down
        from parlib.demo.writers import to_cp1258_form

        head = "STT,Don vi,Diem\n" + "".join(f"{k},Unit {k},90\n" for k in range(1, 301))
        path.write_bytes(to_cp1258_form(head + "301,Sở Tư pháp,91\n").encode("cp1258"))
    else:
        path.write_text(content, encoding="utf-8")
    if expected is None:
        with pytest.raises(RawFileError, match="the file is empty"):
            read_raw(path)
        return
    table = read_raw(path)
    encoding, rows, scores = expected
    assert (table.encoding, table.rows.tolist()) == (encoding, rows)
    assert table.frame.iloc[:, -1].tolist() == scores
    assert table.frame.iloc[-1, -2] in ("Sở Tư pháp", "Sở Y tế")


def test_a_long_row_below_the_first_lines_is_read_or_named(tmp_path):
    # The first 200 lines find the header; a longer row further down widens the table.
    body = [f"Sở {k},{k % 90 + 1},1" for k in range(300)]
    body[250] += ",,,"  # blank extra cells: fine
    table = read_raw(write(tmp_path, "t.csv", "\n".join([HEADER, *body]) + "\n"))
    assert table.frame.shape == (300, 3) and table.rows[-1] == 301
    body[260] += ",,x"
    with pytest.raises(
        RawFileError,
        match=r"row 262: the row has 5 cells but the header has 3 \(value .Sở 260,81,1,,x.\)",
    ):
        read_raw(write(tmp_path, "t.csv", "\n".join([HEADER, *body]) + "\n"))
