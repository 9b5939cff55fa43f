"""Write a cleaned dataset as one Excel workbook, ``scores.xlsx``, for people who use Excel.

One sheet per table (``scores``, ``sources``, ``quarantine``, ``disputed``)
and a ``codebook`` sheet describing every column. Numbers are stored as
numbers, booleans as booleans, and text as text: a cell reading "=1+1" or
"01/18" stays those characters, never a formula or a date. Each sheet's header
row is frozen and filtered. The workbook's bytes depend only on its content
(fixed document dates and zip entry times), like every other clean output.

>>> import io, openpyxl
>>> frame = pd.DataFrame({"unit": ["=HYPERLINK(1)", "Sở Y tế"], "score": [90.5, None]})
>>> book = openpyxl.load_workbook(io.BytesIO(xlsx_bytes({"scores": frame})))
>>> sheet = book["scores"]
>>> sheet["A2"].value, sheet["A2"].data_type, sheet["B2"].value, sheet.freeze_panes
('=HYPERLINK(1)', 's', 90.5, 'A2')
"""

from __future__ import annotations

import datetime as dt
import io
import re
import zipfile
from collections.abc import Mapping

import numpy as np
import pandas as pd

__all__ = ["XLSX_MAX_ROWS", "xlsx_bytes"]

#: Tables longer than this are left out of the workbook (Excel holds 1,048,576 rows a sheet,
#: and openpyxl writes about 3,000 rows a second: a bigger table is read from CSV or parquet).
XLSX_MAX_ROWS = 100_000
_FIXED = dt.datetime(2000, 1, 1)
_MODIFIED = re.compile(rb"(<dcterms:modified[^>]*>)[^<]*(</dcterms:modified>)")
_WIDTH = {
    "unit": 40,
    "title": 60,
    "reason": 60,
    "notes": 60,
    "description": 80,
    "url": 50,
    "publisher": 40,
    "detail": 60,
    "message": 60,
}


def xlsx_bytes(
    tables: Mapping[str, pd.DataFrame], *, codebook: pd.DataFrame | None = None
) -> bytes:
    """Return the bytes of a workbook with one sheet per table, then the codebook sheet.

    Parameters
    ----------
    tables
        ``{sheet name: frame}``, in sheet order.
    codebook
        ``table, column, type, description`` rows, written last as "codebook".

    Raises
    ------
    ValueError
        When a table has more than :data:`XLSX_MAX_ROWS` rows.
    """
    from openpyxl import Workbook
    from openpyxl.cell import WriteOnlyCell
    from openpyxl.styles import Font
    from openpyxl.utils import get_column_letter

    book = Workbook(write_only=True)
    book.properties.created = book.properties.modified = _FIXED
    book.properties.creator = "parlib"
    bold = Font(bold=True)
    sheets = dict(tables)
    if codebook is not None:
        sheets["codebook"] = codebook
    for name, frame in sheets.items():
        if len(frame) > XLSX_MAX_ROWS:
            raise ValueError(
                f"Table {name!r} has {len(frame):,} rows, more than the "
                f"{XLSX_MAX_ROWS:,} a workbook holds here; use the CSV or parquet."
            )
        sheet = book.create_sheet(name[:31])
        sheet.freeze_panes = "A2"
        columns = [str(c) for c in frame.columns]
        for j, col in enumerate(columns, start=1):
            sheet.column_dimensions[get_column_letter(j)].width = _WIDTH.get(
                col, max(10, min(len(col) + 4, 30))
            )
        if columns:
            sheet.auto_filter.ref = f"A1:{get_column_letter(len(columns))}{len(frame) + 1}"
        header = []
        for col in columns:
            cell = WriteOnlyCell(sheet, value=col)
            cell.font = bold
            cell.data_type = "s"
            header.append(cell)
        sheet.append(header)
        for row in zip(*(_cells(frame[c], sheet) for c in frame.columns)):
            sheet.append(row)
    raw = io.BytesIO()
    book.save(raw)
    return _fixed_zip(raw.getvalue())


def _cells(column: pd.Series, sheet) -> list:
    """A column's values as Excel takes them: numbers, booleans, text; missing is empty.

    openpyxl reads a text starting with "=" as a formula: such a cell is made
    with its type set to text. Control characters, which a worksheet cannot
    hold, are shown as "\ufffd".
    """
    if pd.api.types.is_bool_dtype(column.dtype):
        return [None if pd.isna(v) else bool(v) for v in column.tolist()]
    if pd.api.types.is_numeric_dtype(column.dtype):
        values = column.astype("float64").to_numpy()
        integer = pd.api.types.is_integer_dtype(column.dtype)
        return [None if np.isnan(v) else (int(v) if integer else float(v)) for v in values]
    from openpyxl.cell.cell import ILLEGAL_CHARACTERS_RE

    values = [
        None if v is None or (not isinstance(v, str) and pd.isna(v)) else str(v)
        for v in column.astype(object).tolist()
    ]
    # A worksheet cannot hold control characters (the CSV keeps them): each shows as "�".
    values = [ILLEGAL_CHARACTERS_RE.sub("\ufffd", v) if v else v for v in values]
    return [_text_cell(sheet, v) if v and v[0] == "=" else v for v in values]


def _text_cell(sheet, value: str):
    from openpyxl.cell import WriteOnlyCell

    cell = WriteOnlyCell(sheet, value=value)
    cell.data_type = "s"
    return cell


def _fixed_zip(data: bytes) -> bytes:
    """Rewrite the zip with fixed entry times, so the same content gives the same bytes."""
    out = io.BytesIO()
    with (
        zipfile.ZipFile(io.BytesIO(data)) as src,
        zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as dst,
    ):
        for info in src.infolist():
            fixed = zipfile.ZipInfo(info.filename, date_time=(1980, 1, 1, 0, 0, 0))
            fixed.compress_type = zipfile.ZIP_DEFLATED
            fixed.external_attr = 0o644 << 16
            data = src.read(info.filename)
            if info.filename == "docProps/core.xml":  # openpyxl stamps the save time here
                data = _MODIFIED.sub(rb"\g<1>2000-01-01T00:00:00Z\g<2>", data)
            dst.writestr(fixed, data)
    return out.getvalue()
