"""Read one raw XLSX sheet into a :class:`~parlib.ingest.table.RawTable` of text cells.

Numbers come back in full precision ("98.56%" under a percent format), merged
cells of the header rows are spread over the columns they cover, a two-line
header ("Năm 2021 | Xếp hạng") is joined, and hidden rows, merged cells below the
header and formulas without a saved result are listed in the table's warnings.
"""

from __future__ import annotations

import math
import re
from datetime import date, datetime, time
from decimal import Decimal
from pathlib import Path

import numpy as np

from parlib.errors import RawFileError
from parlib.ingest.table import (
    HEADER_FIX,
    SCAN_ROWS,
    Cells,
    RawTable,
    find_header,
    no_header,
    table_parts,
)
from parlib.limits import check_xlsx, limit, too_big
from parlib.text import categorical as to_categorical
from parlib.text import clean_text, distinct, match_key

__all__ = ["read_xlsx_file"]

_NUMERIC = re.compile(r"[\d\s.,%()-]+")


def _number(value: int | float) -> str:
    if isinstance(value, int) or value.is_integer():
        return str(int(value))
    return repr(value)


def _cell_text(value: object, number_format: str | None) -> str | None:
    """Return a cell's value as text: numbers in full precision, percent formats as "98.56%"."""
    if value is None:
        return None
    if isinstance(value, str):
        return clean_text(value)
    if isinstance(value, bool):
        return "TRUE" if value else "FALSE"
    if isinstance(value, (int, float)):
        if not math.isfinite(value):
            return str(value)
        if "%" in re.sub(r'"[^"]*"|\\.', "", number_format or ""):
            shifted = (Decimal(repr(float(value))) * 100).normalize()
            return f"{shifted:f}" + "%"
        return _number(value)
    if isinstance(value, datetime):
        return value.date().isoformat() if value.time() == time() else value.isoformat(sep=" ")
    if isinstance(value, (date, time)):
        return value.isoformat()
    return clean_text(str(value))


def read_xlsx_file(
    path: Path,
    shown: str,
    *,
    sheet: str | int | None,
    header_row: int | None,
    categorical: bool = False,
) -> RawTable:
    """Read one sheet of an XLSX workbook into a :class:`~parlib.ingest.table.RawTable`.

    Cells are read through their cached values as text (:func:`_cell_text`), the
    header row is found on the merged-cell view of the first rows, and a group
    heading above it joins it as a two-line header. ``shown`` names the file in
    messages; the other options are those of :func:`parlib.ingest.read.read_raw`,
    which checks them and calls this.
    """
    import openpyxl
    from openpyxl.utils import get_column_letter

    check_xlsx(path, shown)  # before openpyxl builds a cell
    try:
        book = openpyxl.load_workbook(path, data_only=True)
    except Exception as err:  # zip, XML and openpyxl errors all mean the same to the user
        with path.open("rb") as handle:
            start = handle.read(4096)
        if not start:
            raise RawFileError(
                "the file is empty (0 bytes), not an XLSX workbook",
                file=shown,
                fix="download or export the workbook again",
            ) from None
        if not start.startswith(b"PK") and b"\0" not in start:
            raise RawFileError(
                "the file is text, not an XLSX workbook (a CSV file with an .xlsx name?)",
                file=shown,
                value=start.splitlines()[0][:80].decode("utf-8", "replace"),
                fix="rename it to .csv (and its path in dataset.yaml), or open it "
                "in Excel or LibreOffice and save it as .xlsx",
            ) from None
        raise RawFileError(
            f"the file cannot be opened as an XLSX workbook ({type(err).__name__})",
            file=shown,
            fix="open it in Excel or LibreOffice and save it again as .xlsx",
        ) from None
    names, notes = book.sheetnames, []
    if sheet is None:
        name = names[0]
        if len(names) > 1:
            notes.append(
                f"the workbook has {len(names)} sheets; only the first, {name!r}, was "
                f"read (not {names[1:]}); set sheet: in dataset.yaml to read another"
            )
    elif isinstance(sheet, int) and not isinstance(sheet, bool):
        if not 0 <= sheet < len(names):
            raise RawFileError(
                f"there is no sheet number {sheet} (counting from 0); the sheets are {names}",
                file=shown,
                fix=f"set sheet: to one of {names}",
            )
        name = names[sheet]
    else:
        name = next((n for n in names if n == sheet), None) or next(
            (n for n in names if match_key(n) == match_key(sheet)), None
        )
        if name is None:
            raise RawFileError(
                f"there is no sheet {sheet!r}; the sheets are {names}",
                file=shown,
                fix=f"set sheet: to one of {names}",
            )
    ws = book[name]
    grid = [
        [_cell_text(c.value, getattr(c, "number_format", None)) for c in row]
        for row in ws.iter_rows()
    ]
    if not any(any(row) for row in grid):
        raise RawFileError(
            "the file is empty",
            file=shown,
            fix=f"check that sheet {name!r} holds the table (set sheet: in dataset.yaml)",
        )
    width = max(len(row) for row in grid)
    if width > limit("columns"):
        raise too_big("columns", f"sheet {name!r} has {width:,} columns", file=shown)
    grid = [row + [None] * (width - len(row)) for row in grid]
    merged = [(m.min_row, m.min_col, m.max_row, m.max_col) for m in ws.merged_cells.ranges]
    nonblank = [r for r, row in enumerate(grid, 1) if any(row)]
    scanned = min(len(grid), max(nonblank[: SCAN_ROWS + 2][-1], header_row or 0) + 1)
    filled = [list(row) for row in grid[:scanned]]
    spread: set[tuple[int, int]] = set()
    for r1, c1, r2, c2 in merged:
        for r in range(r1, min(r2, scanned) + 1):
            filled[r - 1][c1 - 1 : c2] = [grid[r1 - 1][c1 - 1]] * (c2 - c1 + 1)
            spread.update((r, c) for c in range(c1 + 1, c2 + 1))
    candidates = [(r, row) for r, row in enumerate(filled, 1) if any(row)]
    if header_row is not None:
        if header_row > len(grid):
            raise RawFileError(
                f"header_row {header_row} is below the last row ({len(grid)}) of sheet {name!r}",
                file=shown,
                fix=HEADER_FIX,
            )
        head = header_row
    else:
        found = find_header(candidates)
        if found is None:
            others = (
                f"set sheet: in dataset.yaml if the table is on another sheet of {names}, "
                if sheet is None and len(names) > 1
                else ""
            )
            raise no_header(candidates, shown, fix=others + HEADER_FIX)
        head = candidates[found][0]
    top, bottom = _header_block(filled, merged, head)
    header = []
    for c in range(1, width + 1):  # a column that only a wider merged cell covers has no header
        block = [(r, filled[r - 1][c - 1]) for r in range(top, bottom + 1)]
        own = any(v and (r, c) not in spread for r, v in block)
        header.append(" | ".join(dict.fromkeys(v for _, v in block if v)) if own else None)
    formulas, uncached = _formulas(path, name, top, grid)
    body = grid[bottom:]
    columns: list[tuple[Cells, np.ndarray]] = []
    for col in zip(*body) if body else [()] * width:
        values = np.empty(len(col), dtype=object)
        values[:] = col
        columns.append(
            (
                to_categorical(*distinct(values)) if categorical else values,
                np.equal(values, np.array(None)),
            )
        )
    frame, rows, labels = table_parts(
        columns, header, np.arange(bottom + 1, len(grid) + 1), lambda k: get_column_letter(k + 1)
    )
    hidden = sorted(
        r
        for r, dim in ws.row_dimensions.items()
        if dim.hidden and top <= r <= len(grid) and any(grid[r - 1])
    )
    if hidden:
        notes.append(f"rows {hidden} are hidden in the spreadsheet; they were read like the others")
    for r1, c1, r2, c2 in merged:
        if r1 > bottom and r2 > r1:
            notes.append(
                f"cells {get_column_letter(c1)}{r1}:{get_column_letter(c2)}{r2} are "
                "merged; only the first row holds the value, the others are blank there"
            )
    if uncached:
        notes.append(
            f"{len(uncached)} formula cells have no saved result and are read as their "
            "formula text (in a score or rank column, their rows go to the quarantine) "
            f"({', '.join(uncached[:10])}): open the file in Excel or LibreOffice and "
            "save it to store the results"
        )
    titles = [" | ".join(dict.fromkeys(c for c in row if c)) for row in grid[: top - 1] if any(row)]
    return RawTable(
        frame=frame,
        rows=rows,
        columns=labels,
        header_row=top,
        path=path,
        display_path=shown,
        sheet=name,
        title_rows=titles,
        hidden_rows=hidden,
        formula_cells=formulas,
        warnings=notes,
    )


def _header_block(
    filled: list[list[str | None]], merged: list[tuple[int, int, int, int]], head: int
) -> tuple[int, int]:
    """Return the first and last rows of the header: a group heading joins the row it spans."""
    used = [c for c, v in enumerate(filled[head - 1], 1) if v]
    if not used:
        return head, head
    cmin, cmax = min(used), max(used)

    def group(r1: int, c1: int, r2: int, c2: int, row: int) -> bool:
        return r1 == r2 == row and cmin < c1 < c2 <= cmax

    if head > 1 and any(
        r1 < head <= r2 or group(r1, c1, r2, c2, head - 1) for r1, c1, r2, c2 in merged
    ):
        return head - 1, head
    if head < len(filled):
        below = filled[head]
        for r1, c1, r2, c2 in merged:
            if r1 <= head < r2:
                return head, head + 1
            cells = set(v for v in below[c1 - 1 : c2] if v)  # one sub-heading per column
            if (
                group(r1, c1, r2, c2, head)
                and len(cells) > 1
                and not any(_NUMERIC.fullmatch(v) for v in cells)
            ):
                return head, head + 1
    return head, head


def _formulas(path: Path, name: str, top: int, grid: list[list[str | None]]) -> tuple[int, list]:
    """Count formula cells from the header down; list those whose cached value is missing.

    A formula cell without a cached value gets its formula text ("=C6-1.46") in
    ``grid``, so that it is never mistaken for a blank cell.
    """
    import openpyxl

    book = openpyxl.load_workbook(path, read_only=True, data_only=False)
    try:
        count, uncached = 0, []
        for row in book[name].iter_rows(min_row=top):
            for cell in row:
                if getattr(cell, "data_type", None) == "f":
                    count += 1
                    if grid[cell.row - 1][cell.column - 1] is None:
                        uncached.append(cell.coordinate)
                        formula = str(getattr(cell.value, "text", cell.value) or "")  # array
                        grid[cell.row - 1][cell.column - 1] = clean_text(
                            formula if formula.startswith("=") else "=" + formula
                        )
        return count, uncached
    finally:
        book.close()
