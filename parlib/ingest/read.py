"""Read one raw table file (CSV or XLSX) into a table of text cells.

This implements the "Table files" section of ``data/raw/README.md``: every
cell comes back as NFC text (or None when blank) with the row number a reader
of the file would quote, the header row is found automatically, and anything
the reader had to work around (hidden rows, formulas, a guessed encoding) is
listed in :attr:`RawTable.warnings`. The CSV reader is :mod:`~parlib.ingest.csv`,
the XLSX reader :mod:`~parlib.ingest.xlsx`.
"""

from __future__ import annotations

from pathlib import Path

from parlib.errors import RawFileError
from parlib.ingest.csv import read_csv_file
from parlib.ingest.table import RawTable
from parlib.ingest.xlsx import read_xlsx_file

__all__ = ["read_raw"]


def read_raw(
    path: str | Path,
    *,
    sheet: str | int | None = None,
    header_row: int | None = None,
    encoding: str | None = None,
    delimiter: str | None = None,
    display_path: str | None = None,
    categorical: bool = False,
) -> RawTable:
    """Read one raw CSV or XLSX file into a :class:`RawTable` of text cells.

    Parameters
    ----------
    path
        The file; ``.xlsx``/``.xlsm`` (or any zip file) is read as XLSX, anything else as CSV.
    sheet
        XLSX: sheet name or 0-based position; default the first sheet.
    header_row
        1-based row (XLSX) or line (CSV) of the header; found automatically if None.
    encoding, delimiter
        CSV: ``utf-8``, ``utf-8-sig`` or ``cp1258``, and the cell separator; detected if None.
    display_path
        How to name the file in messages; default ``str(path)``.
    categorical
        Hold each column's text once per distinct value (pandas Categorical) instead of
        once per cell: the same cells in a fraction of the memory, as the cleaning
        pipeline reads large files.

    Raises
    ------
    RawFileError
        If the file cannot be read as a table (empty, wrong encoding, truncated, ...).
    HeaderError
        If no header row is found or the rows do not split into columns.

    Examples
    --------
    >>> import tempfile, pathlib
    >>> folder = pathlib.Path(tempfile.mkdtemp())
    >>> _ = (folder / "bt.csv").write_text("Bảng xếp hạng\\nTên đơn vị;Điểm\\nSở Nội vụ;91,5\\n",
    ...                                    encoding="utf-8")
    >>> table = read_raw(folder / "bt.csv")
    >>> table.header_row, table.columns, table.rows.tolist(), table.title_rows
    (2, ['Tên đơn vị', 'Điểm'], [3], ['Bảng xếp hạng'])
    """
    path = Path(path)
    shown = display_path if display_path is not None else str(path)
    if not path.is_file():
        raise RawFileError(
            "the file does not exist", file=shown, fix="check the path under files: in dataset.yaml"
        )
    if header_row is not None and (
        isinstance(header_row, bool) or not isinstance(header_row, int) or header_row < 1
    ):
        raise RawFileError(
            f"header_row must be a row number from 1, but {header_row!r} was given",
            file=shown,
            fix="set header_row: to the row number a spreadsheet shows",
        )
    suffix = path.suffix.lower()
    if suffix == ".xls":
        raise RawFileError(
            "old-style .xls workbooks are not read",
            file=shown,
            fix="open the file in Excel or LibreOffice and save it as .xlsx",
        )
    with path.open("rb") as handle:
        magic = handle.read(4)
    if suffix in (".xlsx", ".xlsm") or magic == b"PK\x03\x04":
        return read_xlsx_file(
            path, shown, sheet=sheet, header_row=header_row, categorical=categorical
        )
    return read_csv_file(
        path,
        shown,
        header_row=header_row,
        encoding=encoding,
        delimiter=delimiter,
        categorical=categorical,
    )
