"""Text and bytes as published tables write them, for parlib's synthetic demo files.

Numbers with decimal commas, the spellings of department and district names that
published tables use, Windows-1258 text, and CSV, XLSX and YAML bytes that depend
only on their arguments: CSV lines end with ``\\n``, XLSX files carry fixed
timestamps and a sorted zip, YAML keeps its order.
"""

from __future__ import annotations

import csv
import datetime as dt
import io
import unicodedata
import zipfile
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Literal

import yaml
from openpyxl import Workbook
from openpyxl.styles import Alignment, Font
from openpyxl.xml.functions import tostring

FIXED_TIME = dt.datetime(2025, 7, 1)
#: The Unicode normal forms :func:`csv_bytes` can write.
UnicodeForm = Literal["NFC", "NFD", "NFKC", "NFKD"]
# Tone marks are combining characters in cp1258; the other diacritics are precomposed.
_TONE_MARKS = frozenset("\u0300\u0301\u0303\u0309\u0323")
_SPELLING_STYLES = ("canonical", "long", "abbrev", "old_tones", "suffix", "nfd", "short_types")
_LONG = {
    "Văn phòng UBND tỉnh": "Văn phòng Ủy ban nhân dân tỉnh",
    "Sở Công Thương": "Sở Công thương",
    "Ban Quản lý các khu công nghiệp": "Ban Quản lý các Khu công nghiệp tỉnh",
    "Sở Lao động - Thương binh và Xã hội": "Sở Lao động – Thương binh và Xã hội",
}
_ABBREV = {
    "Văn phòng UBND tỉnh": "VP UBND tỉnh",
    "Sở Kế hoạch và Đầu tư": "Sở KH&ĐT",
    "Sở Công Thương": "Sở CT",
    "Sở Nông nghiệp và Phát triển nông thôn": "Sở NN&PTNT",
    "Sở Giao thông vận tải": "Sở GTVT",
    "Sở Tài nguyên và Môi trường": "Sở TN&MT",
    "Sở Thông tin và Truyền thông": "Sở TT&TT",
    "Sở Lao động - Thương binh và Xã hội": "Sở LĐ-TB&XH",
    "Sở Văn hóa, Thể thao và Du lịch": "Sở VHTT&DL",
    "Sở Khoa học và Công nghệ": "Sở KH&CN",
    "Sở Giáo dục và Đào tạo": "Sở GD&ĐT",
    "Ban Quản lý các khu công nghiệp": "BQL các KCN",
}
# New-style tone placement ("hòa", "thủy") to the old style ("hoà", "thuỷ").
_OLD_TONES = (
    ("óa", "oá"),
    ("òa", "oà"),
    ("ỏa", "oả"),
    ("õa", "oã"),
    ("ọa", "oạ"),
    ("úy", "uý"),
    ("ùy", "uỳ"),
    ("ủy", "uỷ"),
    ("ũy", "uỹ"),
    ("ụy", "uỵ"),
    ("Ủy", "Uỷ"),
)


@dataclass(frozen=True)
class Sheet:
    """One worksheet: title rows, a header, data rows and a notes row below."""

    name: str
    titles: Sequence[str]
    header: Sequence[str]
    rows: Sequence[Sequence[object]]
    notes: str

    @property
    def header_row(self) -> int:
        """Return the 1-based row of the header (one blank row under the titles)."""
        return len(self.titles) + 2


def fmt_number(value: float, decimals: int = 2, *, comma: bool = False, suffix: str = "") -> str:
    """Return ``value`` as published text: fixed decimals, optional decimal comma and suffix.

    Examples
    --------
    >>> fmt_number(68.3249, comma=True, suffix=" điểm")
    '68,32 điểm'
    """
    text = f"{value:.{decimals}f}"
    return (text.replace(".", ",") if comma else text) + suffix


def spell(name: str, style: str, province: str = "") -> str:
    """Return ``name`` written in one of the spellings published tables use.

    Examples
    --------
    >>> spell("Sở Công Thương", "suffix", "Bến Tre")
    'Sở Công Thương tỉnh Bến Tre'
    >>> spell("Sở Văn hóa, Thể thao và Du lịch", "old_tones")
    'Sở Văn hoá, Thể thao và Du lịch'
    """
    if style == "canonical":
        return name
    if style == "long":
        return _LONG.get(name, name)
    if style == "abbrev":
        return _ABBREV.get(name, name)
    if style == "old_tones":
        for new, old in _OLD_TONES:
            name = name.replace(new, old)
        return name
    if style == "suffix":
        return f"{name} {province}" if name.endswith(" tỉnh") else f"{name} tỉnh {province}"
    if style == "nfd":
        return unicodedata.normalize("NFD", name)
    if style == "short_types":
        for long, short in (("Thành phố ", "TP. "), ("Thị xã ", "TX. "), ("Huyện ", "H. ")):
            name = name.replace(long, short)
        return name
    msg = (
        f"The value for `style` must be one of {list(_SPELLING_STYLES)}, but {style!r} was passed."
    )
    raise ValueError(msg)


def to_cp1258_form(text: str) -> str:
    """Return ``text`` with base letters precomposed and tone marks combining, as cp1258 stores it.

    Examples
    --------
    >>> raw = to_cp1258_form("Sở Lao động").encode("cp1258")
    >>> unicodedata.normalize("NFC", raw.decode("cp1258"))
    'Sở Lao động'
    """
    out = []
    for char in unicodedata.normalize("NFC", text):
        parts = unicodedata.normalize("NFD", char)
        base = unicodedata.normalize("NFC", "".join(c for c in parts if c not in _TONE_MARKS))
        out.append(base + "".join(c for c in parts if c in _TONE_MARKS))
    return "".join(out)


def csv_bytes(
    header: Sequence[str],
    rows: Sequence[Sequence[object]],
    *,
    delimiter: str = ",",
    encoding: str = "utf-8",
    form: UnicodeForm = "NFC",
) -> bytes:
    """Return a CSV table as bytes with ``\\n`` line endings, its text in Unicode ``form``.

    Examples
    --------
    >>> csv_bytes(["Tỉnh", "Điểm"], [["Hà Nội", "98,56"]], delimiter=";").decode()
    'Tỉnh;Điểm\\nHà Nội;98,56\\n'
    """
    buffer = io.StringIO()
    writer = csv.writer(buffer, delimiter=delimiter, lineterminator="\n")
    writer.writerow(header)
    writer.writerows(rows)
    text = unicodedata.normalize(form, buffer.getvalue())
    if encoding == "cp1258":
        text = to_cp1258_form(text)
    return text.encode(encoding)


def xlsx_bytes(sheets: Sequence[Sheet]) -> bytes:
    """Return a workbook of ``sheets`` whose bytes do not depend on the clock.

    Titles and the notes row are merged across the table's width.
    """
    wb = Workbook()
    wb.remove(wb.active)
    for sheet in sheets:
        ws = wb.create_sheet(sheet.name)
        width = len(sheet.header)
        for row, title in enumerate(sheet.titles, start=1):
            ws.cell(row, 1, title).font = Font(bold=True)
            ws.merge_cells(start_row=row, start_column=1, end_row=row, end_column=width)
            ws.cell(row, 1).alignment = Alignment(horizontal="center")
        for col, text in enumerate(sheet.header, start=1):
            ws.cell(sheet.header_row, col, text).font = Font(bold=True)
        for row, values in enumerate(sheet.rows, start=sheet.header_row + 1):
            for col, value in enumerate(values, start=1):
                cell = ws.cell(row, col, value)
                if isinstance(value, float):
                    cell.number_format = "0.00"
        notes_row = sheet.header_row + len(sheet.rows) + 2
        ws.cell(notes_row, 1, sheet.notes).font = Font(italic=True)
        ws.merge_cells(start_row=notes_row, start_column=1, end_row=notes_row, end_column=width)
        ws.column_dimensions["B"].width = 42
    props = wb.properties
    props.creator = props.lastModifiedBy = "parlib"
    buffer = io.BytesIO()
    wb.save(buffer)  # openpyxl stamps `modified` with the clock here; undone below
    props.created = props.modified = FIXED_TIME
    return _stable_zip(buffer.getvalue(), {"docProps/core.xml": tostring(props.to_tree())})


def yaml_bytes(data: dict) -> bytes:
    """Return ``data`` as UTF-8 YAML, keys in the order given.

    Examples
    --------
    >>> yaml_bytes({"kind": "synthetic", "title": "Dữ liệu"}).decode()
    'kind: synthetic\\ntitle: Dữ liệu\\n'
    """
    text = yaml.safe_dump(data, allow_unicode=True, sort_keys=False, width=100)
    return text.encode("utf-8")


def _stable_zip(raw: bytes, replace: dict[str, bytes]) -> bytes:
    """Rewrite a zip archive with sorted entries, a fixed time and fixed attributes."""
    out = io.BytesIO()
    with zipfile.ZipFile(io.BytesIO(raw)) as src, zipfile.ZipFile(out, "w") as dst:
        for name in sorted(src.namelist()):
            info = zipfile.ZipInfo(name, date_time=FIXED_TIME.timetuple()[:6])
            info.compress_type = zipfile.ZIP_DEFLATED
            info.create_system = 3
            info.external_attr = 0o644 << 16
            dst.writestr(info, replace.get(name, src.read(name)), compresslevel=6)
    return out.getvalue()
