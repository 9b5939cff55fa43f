"""Read one raw table file (CSV or XLSX) into a table of text cells.

This implements the "Table files" section of ``data/raw/README.md``: every
cell comes back as NFC text (or None when blank) with the row number a reader
of the file would quote, the header row is found automatically, and anything
the reader had to work around (hidden rows, formulas, a guessed encoding) is
listed in :attr:`RawTable.warnings`.

CSV decisions: a row with more cells than the header is an error unless the
extra cells are blank (trailing delimiters); a row with fewer cells is padded
with blanks. Two-line headers are recognised in XLSX only (CSV has no merged
cells to tell a group heading from a title).
"""

from __future__ import annotations

import codecs
import io
import math
import re
import warnings
from dataclasses import dataclass, field
from datetime import date, datetime, time
from decimal import Decimal
from pathlib import Path

import numpy as np
import pandas as pd
import pyarrow as pa
import pyarrow.compute as pc

from parlib.errors import HeaderError, RawFileError
from parlib.ingest.headers import HeaderRole, classify_header
from parlib.limits import check_xlsx, limit, too_big
from parlib.reference import component_lookup
from parlib.text import categorical as to_categorical
from parlib.text import clean_text, distinct, match_key, mostly_words

__all__ = ["RawTable", "read_raw"]

_SCAN_ROWS = 30
_LOOK_ROWS = 5  # rows under a candidate header read to tell a text column
_PREFIX_LINES = 200
_HEAD_CELL_CHARS = 1 << 17  # a longer cell in the first lines is no header (nor title)
_DELIMITERS = (",", ";", "\t", "|")
_ID_ROLES = frozenset({"unit", "province"})
_FIGURE_ROLES = frozenset({"score", "rank", "year", "component", "value"})
_SCORE_ROLES = frozenset({"score", "rank", "year", "component"})
_WS = "\t\n\x0b\x0c\r\x1c-\x1f "  # what Python's str.isspace() accepts in ASCII
_WS_RUN = f"[{_WS}]+"
_WS_BAD = f"^[{_WS}]|[{_WS}]$|[{_WS}]{{2}}|[\t\n\x0b\x0c\r\x1c-\x1f]"
_NUMERIC = re.compile(r"[\d\s.,%()-]+")
_HEADER_FIX = ("set header_row: in dataset.yaml to the row holding the column names, or rename "
               "the headers as listed in data/raw/README.md ('Recognised headers')")


@dataclass(frozen=True, eq=False)
class RawTable:
    """One raw table: text cells under their header labels, with where each row came from.

    Attributes
    ----------
    frame
        One column per header label; every cell is NFC text or None (object columns),
        or, read with ``categorical=True``, Categorical columns whose missing cells are
        the blank ones (a column of mostly distinct text is then a string column).
    rows
        For each frame row, the spreadsheet row number (XLSX) or the 1-based line
        where the record starts (CSV).
    columns
        The header labels; lines of a two-line header are joined "Group | Sub", a blank
        header is "(column F)" (XLSX) or "(column 6)" (CSV), repeats get " (2)".
    header_row
        The (first) header row, 1-based.
    title_rows, hidden_rows, formula_cells, warnings
        Text of the rows above the header; hidden XLSX rows that were read; formula
        cells read through their cached values; what the reader had to work around.
    """

    frame: pd.DataFrame
    rows: np.ndarray
    columns: list[str]
    header_row: int
    path: Path
    display_path: str
    encoding: str | None = None
    sheet: str | None = None
    title_rows: list[str] = field(default_factory=list)
    hidden_rows: list[int] = field(default_factory=list)
    formula_cells: int = 0
    warnings: list[str] = field(default_factory=list)
    delimiter: str | None = None


def read_raw(path: str | Path, *, sheet: str | int | None = None, header_row: int | None = None,
             encoding: str | None = None, delimiter: str | None = None,
             display_path: str | None = None, categorical: bool = False) -> RawTable:
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
        raise RawFileError("the file does not exist", file=shown,
                           fix="check the path under files: in dataset.yaml")
    if header_row is not None and (isinstance(header_row, bool) or not isinstance(header_row, int)
                                   or header_row < 1):
        raise RawFileError(f"header_row must be a row number from 1, but {header_row!r} was given",
                           file=shown, fix="set header_row: to the row number a spreadsheet shows")
    suffix = path.suffix.lower()
    if suffix == ".xls":
        raise RawFileError("old-style .xls workbooks are not read", file=shown,
                           fix="open the file in Excel or LibreOffice and save it as .xlsx")
    with path.open("rb") as handle:
        magic = handle.read(4)
    if suffix in (".xlsx", ".xlsm") or magic == b"PK\x03\x04":
        return _read_xlsx(path, shown, sheet=sheet, header_row=header_row,
                          categorical=categorical)
    return _read_csv(path, shown, header_row=header_row, encoding=encoding, delimiter=delimiter,
                     categorical=categorical)


# ---------------------------------------------------------------- shared
def _find_header(rows: list[tuple[int, list[str | None]]]) -> int | None:
    """Return the position of the first row that names a unit or province and a figure.

    Component names and codes ("Participation at Local Levels", "D1") count as
    figures. A row of figure headers whose only other column holds text in the rows
    below (the unit column, under a header parlib does not know) counts too. An
    aggregates header (a statistic and a value) counts as well. A header that
    matches two roles ("Điểm/Xếp hạng") counts as a figure, so that the row is
    taken as the header and the error names that header.
    """
    lookup = component_lookup()
    seen: dict[str, HeaderRole | None | HeaderError] = {}
    for k, (_, cells) in enumerate(rows[:_SCAN_ROWS]):
        roles, unknown = set(), []
        for j, cell in enumerate(cells):
            if not cell:
                continue
            if cell not in seen:  # a row repeats cells; each text is classified once
                try:
                    seen[cell] = classify_header(cell, component_lookup=lookup)
                except HeaderError as err:
                    seen[cell] = err
            found = seen[cell]
            if isinstance(found, HeaderError):
                roles.add("score")
                continue
            if found is None:
                unknown.append(j)
            elif found.role != "ignore":
                roles.add(found.role)
        if roles & _ID_ROLES and roles & _FIGURE_ROLES:
            return k
        if "statistic" in roles and roles & {"value", "score"}:
            return k
        if roles & _SCORE_ROLES and not roles & _ID_ROLES and len(unknown) == 1 \
                and _text_column(rows[k + 1:k + 1 + _LOOK_ROWS], unknown[0]):
            return k
    return None


def _text_column(rows: list[tuple[int, list[str | None]]], j: int) -> bool:
    """Return True if column ``j`` holds words (not figures) in most of ``rows``."""
    return mostly_words(cells[j] for _, cells in rows if j < len(cells))


def _no_header(rows: list[tuple[int, list[str | None]]], shown: str, *,
               fix: str = _HEADER_FIX) -> HeaderError:
    preview = "; ".join(f"row {num}: {[c for c in cells if c][:8]}" for num, cells in rows[:5])
    return HeaderError(f"no header row found: none of the first {min(len(rows), _SCAN_ROWS)} rows "
                       f"names both a unit or province and a score ({preview})", file=shown,
                       fix=fix)


def _labels(cells: list[str | None], blank_name) -> list[str]:
    used: set[str] = set()
    out = []
    for k, cell in enumerate(cells):
        base = cell or f"(column {blank_name(k)})"
        label, i = base, 1
        while label in used:
            i += 1
            label = f"{base} ({i})"
        used.add(label)
        out.append(label)
    return out


def _table_parts(columns: list[tuple[object, np.ndarray]], header: list[str | None],
                 rows: np.ndarray, blank_name) -> tuple[pd.DataFrame, np.ndarray, list[str]]:
    """Drop blank rows, and blank columns without a header; return frame, rows and labels.

    ``columns`` holds (values, blank mask) pairs; values are object arrays or, read
    with ``categorical=True``, Categoricals and string arrays.
    """
    labels = _labels(header, blank_name)
    keep = ~np.logical_and.reduce([null for _, null in columns] + [np.ones(len(rows), bool)])
    data = {}
    for label, cell, (col, null) in zip(labels, header, columns):
        if cell is None and null[keep].all():
            continue
        data[label] = col if keep.all() else col[keep]
    objects = all(isinstance(col, np.ndarray) for col in data.values())
    frame = pd.DataFrame(data, dtype=object if objects else None, copy=False) if data else (
        pd.DataFrame(index=range(int(keep.sum()))))
    return frame, rows[keep].astype(np.int64), list(data)


# ---------------------------------------------------------------- CSV
# Every CSV file is parsed by pandas' C reader, as text: the lines that can hold the
# header with each candidate delimiter, then the whole file with the one that fits.
def _read_csv(path: Path, shown: str, *, header_row: int | None, encoding: str | None,
              delimiter: str | None, categorical: bool = False) -> RawTable:
    data = path.read_bytes()
    n_head = max(_PREFIX_LINES, (header_row or 0) + 50)
    _check_head_lines(data, n_head, shown)
    data, enc, notes = _utf8(data, shown, encoding)
    if not data[:1 << 16].decode("utf-8", "ignore").strip("\ufeff\t\n\r ") and not (
            data.decode("utf-8-sig").strip()):  # decoded whole only when it starts blank
        raise RawFileError("the file is empty", file=shown,
                           fix="export the table again with its header row and data rows")
    head = data[:_line_end(data, n_head)]
    best, wide = None, None
    for d in [delimiter] if delimiter else _DELIMITERS:
        most = max(line.count(d.encode()) + 1 for line in head.splitlines())
        if most > limit("columns"):  # not split: a million cells would take minutes
            wide = wide or (d, most, next(k for k, line in enumerate(head.splitlines(), 1)
                                         if line.count(d.encode()) + 1 == most))
            continue
        records = _head_records(head, d, most, shown)
        counts = [_width(cells) for _, _, cells in records]
        agree = max([counts.count(c) for c in set(counts) if c >= 2], default=0)
        found = None if header_row else _find_header([r[1:] for r in records])
        if best is None or (found is not None, agree) > (best[3] is not None, best[2]):
            best = (d, records, agree, found, most)
    if wide is not None and (best is None or not best[2]):
        raise too_big("columns", f"the line splits into {wide[1]:,} cells on {wide[0]!r}",
                      file=shown, row=wide[2])
    d, records, agree, found, most = best
    if not agree:
        tried = repr(delimiter) if delimiter else "',', ';', tab or '|'"
        first = next((line.strip() for line in head.decode("utf-8-sig").splitlines()
                      if line.strip()), "")
        raise HeaderError(f"the rows do not split into columns on {tried}", file=shown,
                          value=first[:80],
                          fix="set delimiter: in dataset.yaml to the character between the cells")
    if header_row is not None:
        found = next((k for k, r in enumerate(records) if r[1] == header_row), None)
        if found is None:
            raise RawFileError(f"line {header_row} is not the start of a row with cells",
                               file=shown, row=header_row,
                               fix="set header_row: to the line of the column names")
    elif found is None:
        raise _no_header([r[1:] for r in records], shown,
                         fix=_delimiter_hint(head, d, shown) + _HEADER_FIX)
    at, start, header = records[found]
    header = header[:_width(header)]
    ncols = len(header)
    lines = data.count(b"\n") + (not data.endswith(b"\n")) - start
    if lines * ncols > limit("cells"):
        raise too_big("cells", f"the file has {lines:,} lines x {ncols:,} columns", file=shown)
    frame, starts = _parse(data, d, max(most, ncols), shown)
    del data
    frame, rows = frame.iloc[at + 1:], starts[at + 1:]
    _check_row_length(frame, rows, ncols, d, shown)
    _check_cell_length(frame.iloc[:, :ncols], shown)
    columns = [_clean(pa.chunked_array(frame[k]), categorical=categorical) for k in range(ncols)]
    del frame
    frame, rows, labels = _table_parts(columns, header, rows, lambda k: k + 1)
    return RawTable(frame=frame, rows=rows, columns=labels, header_row=start, path=path,
                    display_path=shown, encoding=enc,
                    title_rows=[" | ".join(c for c in r[2] if c) for r in records[:found]],
                    warnings=notes, delimiter=d)


def _utf8(data: bytes, shown: str, declared: str | None) -> tuple[bytes, str, list[str]]:
    """Return the file's text as UTF-8 bytes, the encoding it was read in and notes.

    UTF-8 is checked by pyarrow without decoding the file; other text is decoded
    (and what is wrong with it named) by :func:`_decode`.
    """
    try:
        utf8 = declared is None or codecs.lookup(declared).name in ("utf-8", "utf-8-sig")
    except LookupError:
        utf8 = False
    if utf8 and _is_utf8(data):
        return data, "utf-8-sig" if data.startswith(codecs.BOM_UTF8) else "utf-8", []
    text, enc, notes = _decode(data, shown, declared)
    return text.encode("utf-8"), enc, notes


def _line_end(data: bytes, n_lines: int) -> int:
    """Return where the first ``n_lines`` lines of ``data`` end."""
    end = 0
    for _ in range(n_lines):
        end = data.find(b"\n", end) + 1
        if end == 0:
            return len(data)
    return end


def _parse(data: bytes, d: str, width: int, shown: str, *, head: bool = False,
           nrows: int | None = None) -> tuple[pd.DataFrame, np.ndarray]:
    """Parse every record of ``data`` into text cells; return them and each record's first line.

    Short records are padded with blank cells; the table is widened to the longest
    record. Blank lines are records too (dropped later). With ``head``, ``data`` is
    the first lines of a file: a quoted cell they cut in two ends the records.
    """
    while True:
        try:
            with warnings.catch_warnings():  # a first record wider than ``width``
                warnings.simplefilter("error", pd.errors.ParserWarning)
                frame = pd.read_csv(io.BytesIO(data), engine="c", sep=d, quotechar='"',
                                    header=None, names=range(width), index_col=False, dtype=str,
                                    keep_default_na=False, na_filter=False,
                                    skip_blank_lines=False, encoding="utf-8-sig", nrows=nrows)
        except pd.errors.ParserWarning:
            width = 2 * width
        except pd.errors.EmptyDataError:
            return pd.DataFrame(columns=range(width), dtype=str), np.empty(0, np.int64)
        except pd.errors.ParserError as err:
            message = str(err)
            if wider := re.search(r"Expected \d+ fields in line \d+, saw (\d+)", message):
                width = int(wider.group(1))
            elif quote := re.search(r"EOF inside string starting at row (\d+)", message):
                k = int(quote.group(1))
                before, _ = _parse(data, d, width, shown, nrows=k)
                if head:
                    return before, _starts(before)[0]
                raise RawFileError(
                    "the file ends inside a quoted cell: a quote opened in this row is never "
                    "closed", file=shown, row=_starts(before)[1],
                    fix="the file looks truncated: export or download it again, or close the "
                    "quote (a quote inside a cell is written twice: \"\")") from None
            else:
                raise RawFileError(f"the file cannot be read as CSV ({message.strip()})",
                                   file=shown, fix="check the quotes in the rows: a cell with "
                                   "quotes inside is written \"like \"\"this\"\"\"") from None
        else:
            return frame, _starts(frame)[0]
        if width > limit("columns"):
            raise too_big("columns", f"a row splits into {width:,} cells on {d!r}", file=shown)


def _starts(frame: pd.DataFrame) -> tuple[np.ndarray, int]:
    """Return the line each record of ``frame`` starts on, and the line after the last one.

    A record takes one line, and one more for each newline inside its quoted cells.
    """
    newlines = np.zeros(len(frame), np.int64)
    for k in frame.columns:
        newlines += pc.count_substring(pa.chunked_array(frame[k]), "\n").to_numpy()
    ends = np.arange(1, len(frame) + 1) + np.cumsum(newlines)
    return ends - newlines, int(ends[-1]) + 1 if len(frame) else 1


def _head_records(head: bytes, d: str, width: int, shown: str
                  ) -> list[tuple[int, int, list[str | None]]]:
    """Return (record, first line, clean cells) of each non-blank record in ``head``.

    The records end before one with a cell longer than ``_HEAD_CELL_CHARS`` (a
    line that ``d`` does not split): it holds no header, and is not cleaned.
    """
    frame, starts = _parse(head, d, width, shown, head=True)
    out = []
    for k, (start, cells) in enumerate(zip(starts.tolist(), frame.itertuples(index=False))):
        if any(len(c) > _HEAD_CELL_CHARS for c in cells):
            break
        cleaned = [clean_text(c) for c in cells]
        if any(cleaned):
            out.append((k, start, cleaned))
    return out


def _width(cells: list[str | None]) -> int:
    """The number of cells up to the last non-blank one."""
    return next((k + 1 for k in range(len(cells) - 1, -1, -1) if cells[k]), 0)


def _check_row_length(frame: pd.DataFrame, rows: np.ndarray, ncols: int, d: str,
                      shown: str) -> None:
    """Refuse a row with more (non-blank) cells than the header has."""
    if frame.shape[1] <= ncols:
        return
    extra = frame.iloc[:, ncols:]
    filled = np.logical_or.reduce([extra[k].str.strip().ne("").to_numpy() for k in extra])
    if not filled.any():
        return
    i = int(np.argmax(filled))
    cells = frame.iloc[i].tolist()
    cells = cells[:_width(cells)]
    raise RawFileError(
        f"the row has {len(cells)} cells but the header has {ncols}", file=shown,
        row=int(rows[i]), value=d.join(cells)[:80],
        fix="quote cells that contain the delimiter (write \"98,56\" in a comma-separated file, "
        "or separate cells with ;), or give the extra column a header")


def _check_cell_length(frame: pd.DataFrame, shown: str) -> None:
    """Refuse a cell longer than ``PARLIB_MAX_CELL_CHARS`` characters."""
    most = limit("cell_chars")
    for k, column in enumerate(frame.items()):
        longest = int(column[1].str.len().max()) if len(column[1]) else 0
        if longest > most:
            raise too_big("cell_chars", f"a cell has {longest:,} characters", file=shown,
                          column=f"column {k + 1}")


def _delimiter_hint(head: bytes, used: str, shown: str) -> str:
    """Return "set delimiter: ..." when another delimiter would give a header row, else ""."""
    for d in (*_DELIMITERS, ":"):
        if d == used:
            continue
        most = max(line.count(d.encode()) + 1 for line in head.splitlines())
        if most > limit("columns"):
            continue
        records = _head_records(head, d, most, shown)
        if _find_header([r[1:] for r in records]) is not None:
            return f"set delimiter: {d!r} in dataset.yaml (the cells are separated by {d!r}), "
    return ""

def _is_utf8(data: bytes) -> bool:
    """Whether ``data`` is valid UTF-8, checked by pyarrow without decoding it."""
    offsets = pa.py_buffer(np.array([0, len(data)], dtype=np.int64))
    try:
        pa.LargeStringArray.from_buffers(1, offsets, pa.py_buffer(data)).validate(full=True)
    except pa.ArrowInvalid:
        return False
    return True


def _decode(data: bytes, shown: str, declared: str | None) -> tuple[str, str, list[str]]:
    codec = None
    if declared:
        try:
            codec = codecs.lookup(declared).name
        except LookupError:
            raise RawFileError(f"unknown encoding {declared!r}", file=shown,
                               fix="set encoding: to utf-8, utf-8-sig or cp1258") from None
    if data.startswith((codecs.BOM_UTF16_LE, codecs.BOM_UTF16_BE)) and not (
            codec or "").startswith("utf-16"):
        raise RawFileError("the file is UTF-16 text", file=shown,
                           fix="save it from Excel as 'CSV UTF-8 (comma delimited)'")
    bom = data.startswith(codecs.BOM_UTF8)

    def line_of(pos: int) -> int:
        return data.count(b"\n", 0, pos) + 1

    if codec in (None, "utf-8", "utf-8-sig"):
        try:
            return data.decode("utf-8-sig"), "utf-8-sig" if bom else "utf-8", []
        except UnicodeDecodeError as err:
            if codec is not None:
                line = clean_text(_line(data, err.start).decode("cp1258", "replace"))
                raise RawFileError(
                    "the file is declared UTF-8 but is not UTF-8 text", file=shown,
                    row=line_of(err.start), value=line, fix="set encoding: cp1258 in "
                    "dataset.yaml (a Windows-1258 file), or save the file as CSV UTF-8") from None
    first = re.search(rb"[\x80-\xff]", data)
    if codec == "cp1258" and first is not None:
        try:
            data.decode("utf-8")
        except UnicodeDecodeError:
            pass
        else:
            line = _line(data, first.start())
            raise RawFileError(
                f"the file is declared cp1258 but is UTF-8 text: {line.decode('utf-8')[:40]!r} "
                f"would be read as mojibake", file=shown, row=line_of(first.start()),
                value=line.decode("cp1258", "replace")[:40],
                fix="remove encoding: cp1258 from dataset.yaml, or set encoding: utf-8")
    try:
        text = data.decode(codec or "cp1258")
    except UnicodeDecodeError as err:
        name = codec or "Windows-1258 (cp1258)"
        raise RawFileError(f"the file is neither UTF-8 nor {name} text", file=shown,
                           row=line_of(err.start), fix="save the file as CSV UTF-8, or set "
                           "encoding: in dataset.yaml") from None
    notes = [] if codec else ["the file is not UTF-8; it was read as Windows-1258 (cp1258)"]
    return text, codec or "cp1258", notes


def _line(data: bytes, pos: int) -> bytes:
    start = data.rfind(b"\n", 0, pos) + 1
    end = data.find(b"\n", pos)
    return data[start:end if end >= 0 else len(data)].rstrip(b"\r")


def _check_head_lines(data: bytes, n_lines: int, shown: str) -> None:
    """Refuse a file whose first lines are longer than ``PARLIB_MAX_LINE_BYTES``.

    Only the first ``n_lines`` lines are decoded and split to find the header: a
    file without a line end would be all of that.
    """
    most, pos = limit("line_bytes"), 0
    for number in range(1, n_lines + 1):
        end = data.find(b"\n", pos, pos + most + 1)
        if end < 0:
            if len(data) - pos > most:
                raise too_big("line_bytes", f"the line has more than {most:,} bytes",
                              file=shown, row=number)
            return
        pos = end + 1



def _clean(values, *, categorical: bool = False) -> tuple[object, np.ndarray]:
    """Return clean_text of every cell, and where the cells are blank.

    For ASCII text clean_text only collapses and trims spaces, which pyarrow kernels
    do; other text goes through clean_text once per distinct value. A column of
    mostly distinct values (serial numbers) skips the dictionary. The cells come as
    an object array (None where blank) or, with ``categorical``, as a Categorical
    (a string array for mostly distinct values).
    """
    if isinstance(values, list):
        arr = pa.array(values, type=pa.large_string())
    else:
        arr = values if isinstance(values, (pa.Array, pa.ChunkedArray)) else pa.array(values)
    if pa.types.is_dictionary(arr.type):  # as pyarrow parsed it: no nulls
        if _mostly_distinct(arr.slice(0, 10_000).cast(pa.large_string())) and all(
                pc.all(pc.string_is_ascii(chunk.dictionary)).as_py() is not False
                for chunk in _chunks(arr)):
            return _plain(arr.cast(pa.large_string()), categorical=categorical)
        encoded = (arr.unify_dictionaries().combine_chunks()
                   if isinstance(arr, pa.ChunkedArray) else arr)
    else:
        if isinstance(arr, pa.ChunkedArray):
            arr = arr.combine_chunks()
        if arr.null_count:
            arr = pc.fill_null(arr, "")
        if _mostly_distinct(arr.slice(0, 10_000)) and pc.all(pc.string_is_ascii(arr)).as_py():
            return _plain(arr, categorical=categorical)
        encoded = arr.dictionary_encode()
    del arr
    uniques = _trim_spaces(encoded.dictionary).to_numpy(zero_copy_only=False)
    other = np.flatnonzero(~pc.string_is_ascii(encoded.dictionary).to_numpy(zero_copy_only=False))
    uniques[other] = [clean_text(v) for v in encoded.dictionary.take(other).to_pylist()]
    codes = encoded.indices.to_numpy()
    if categorical:
        cells = to_categorical(codes, uniques)
        return cells, cells.codes < 0
    return uniques[codes], np.equal(uniques, None)[codes]


def _chunks(arr: pa.Array | pa.ChunkedArray) -> list[pa.Array]:
    return arr.chunks if isinstance(arr, pa.ChunkedArray) else [arr]


def _mostly_distinct(sample: pa.Array | pa.ChunkedArray) -> bool:
    return len(pc.unique(sample)) > 0.9 * len(sample)


def _plain(arr: pa.Array | pa.ChunkedArray, *, categorical: bool) -> tuple[object, np.ndarray]:
    """Clean an ASCII column of mostly distinct values cell by cell, with pyarrow kernels."""
    if isinstance(arr, pa.ChunkedArray):
        arr = arr.combine_chunks()
    cleaned = _trim_spaces(arr)
    blank = pc.is_null(cleaned).to_numpy(zero_copy_only=False)
    if categorical:
        return cleaned.to_pandas(types_mapper=lambda _: pd.StringDtype(
            "pyarrow", na_value=np.nan)).array, blank
    return cleaned.to_numpy(zero_copy_only=False), blank


def _trim_spaces(arr: pa.Array) -> pa.Array:
    """Collapse and trim ASCII whitespace; an empty text becomes null."""
    if pc.any(pc.match_substring_regex(arr, _WS_BAD)).as_py():
        arr = pc.utf8_trim(pc.replace_substring_regex(arr, _WS_RUN, " "), " ")
    return pc.if_else(pc.equal(arr, ""), pa.scalar(None, arr.type), arr)


# ---------------------------------------------------------------- XLSX
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


def _read_xlsx(path: Path, shown: str, *, sheet: str | int | None,
               header_row: int | None, categorical: bool = False) -> RawTable:
    import openpyxl
    from openpyxl.utils import get_column_letter

    check_xlsx(path, shown)  # before openpyxl builds a cell
    try:
        book = openpyxl.load_workbook(path, data_only=True)
    except Exception as err:  # zip, XML and openpyxl errors all mean the same to the user
        with path.open("rb") as handle:
            head = handle.read(4096)
        if not head:
            raise RawFileError("the file is empty (0 bytes), not an XLSX workbook", file=shown,
                               fix="download or export the workbook again") from None
        if not head.startswith(b"PK") and b"\0" not in head:
            raise RawFileError("the file is text, not an XLSX workbook (a CSV file with an .xlsx "
                               "name?)", file=shown, value=head.splitlines()[0][:80].decode(
                                   "utf-8", "replace"),
                               fix="rename it to .csv (and its path in dataset.yaml), or open it "
                               "in Excel or LibreOffice and save it as .xlsx") from None
        raise RawFileError(f"the file cannot be opened as an XLSX workbook ({type(err).__name__})",
                           file=shown, fix="open it in Excel or LibreOffice and save it again as "
                           ".xlsx") from None
    names, notes = book.sheetnames, []
    if sheet is None:
        name = names[0]
        if len(names) > 1:
            notes.append(f"the workbook has {len(names)} sheets; only the first, {name!r}, was "
                         f"read (not {names[1:]}); set sheet: in dataset.yaml to read another")
    elif isinstance(sheet, int) and not isinstance(sheet, bool):
        if not 0 <= sheet < len(names):
            raise RawFileError(f"there is no sheet number {sheet} (counting from 0); the sheets "
                               f"are {names}", file=shown, fix=f"set sheet: to one of {names}")
        name = names[sheet]
    else:
        name = next((n for n in names if n == sheet), None) or next(
            (n for n in names if match_key(n) == match_key(sheet)), None)
        if name is None:
            raise RawFileError(f"there is no sheet {sheet!r}; the sheets are {names}", file=shown,
                               fix=f"set sheet: to one of {names}")
    ws = book[name]
    grid = [[_cell_text(c.value, getattr(c, "number_format", None)) for c in row]
            for row in ws.iter_rows()]
    if not any(any(row) for row in grid):
        raise RawFileError("the file is empty", file=shown, fix=f"check that sheet {name!r} holds "
                           "the table (set sheet: in dataset.yaml)")
    width = max(len(row) for row in grid)
    if width > limit("columns"):
        raise too_big("columns", f"sheet {name!r} has {width:,} columns", file=shown)
    grid = [row + [None] * (width - len(row)) for row in grid]
    merged = [(m.min_row, m.min_col, m.max_row, m.max_col) for m in ws.merged_cells.ranges]
    nonblank = [r for r, row in enumerate(grid, 1) if any(row)]
    scanned = min(len(grid), max(nonblank[: _SCAN_ROWS + 2][-1], header_row or 0) + 1)
    filled, spread = [list(row) for row in grid[:scanned]], set()
    for r1, c1, r2, c2 in merged:
        for r in range(r1, min(r2, scanned) + 1):
            filled[r - 1][c1 - 1:c2] = [grid[r1 - 1][c1 - 1]] * (c2 - c1 + 1)
            spread.update((r, c) for c in range(c1 + 1, c2 + 1))
    candidates = [(r, row) for r, row in enumerate(filled, 1) if any(row)]
    if header_row is not None:
        if header_row > len(grid):
            raise RawFileError(f"header_row {header_row} is below the last row ({len(grid)}) of "
                               f"sheet {name!r}", file=shown, fix=_HEADER_FIX)
        head = header_row
    else:
        found = _find_header(candidates)
        if found is None:
            others = f"set sheet: in dataset.yaml if the table is on another sheet of {names}, " \
                if sheet is None and len(names) > 1 else ""
            raise _no_header(candidates, shown, fix=others + _HEADER_FIX)
        head = candidates[found][0]
    top, bottom = _header_block(filled, merged, head)
    header = []
    for c in range(1, width + 1):  # a column that only a wider merged cell covers has no header
        block = [(r, filled[r - 1][c - 1]) for r in range(top, bottom + 1)]
        own = any(v and (r, c) not in spread for r, v in block)
        header.append(" | ".join(dict.fromkeys(v for _, v in block if v)) if own else None)
    formulas, uncached = _formulas(path, name, top, grid)
    body = grid[bottom:]
    columns = []
    for col in zip(*body) if body else [()] * width:
        values = np.empty(len(col), dtype=object)
        values[:] = col
        columns.append((to_categorical(*distinct(values)) if categorical else values,
                        np.equal(values, None)))
    frame, rows, labels = _table_parts(columns, header, np.arange(bottom + 1, len(grid) + 1),
                                       lambda k: get_column_letter(k + 1))
    hidden = sorted(r for r, dim in ws.row_dimensions.items()
                    if dim.hidden and top <= r <= len(grid) and any(grid[r - 1]))
    if hidden:
        notes.append(f"rows {hidden} are hidden in the spreadsheet; they were read like the others")
    for r1, c1, r2, c2 in merged:
        if r1 > bottom and r2 > r1:
            notes.append(f"cells {get_column_letter(c1)}{r1}:{get_column_letter(c2)}{r2} are "
                         "merged; only the first row holds the value, the others are blank there")
    if uncached:
        notes.append(f"{len(uncached)} formula cells have no saved result and are read as their "
                     "formula text (in a score or rank column, their rows go to the quarantine) "
                     f"({', '.join(uncached[:10])}): open the file in Excel or LibreOffice and "
                     "save it to store the results")
    titles = [" | ".join(dict.fromkeys(c for c in row if c)) for row in grid[:top - 1] if any(row)]
    return RawTable(frame=frame, rows=rows, columns=labels, header_row=top, path=path,
                    display_path=shown, sheet=name, title_rows=titles, hidden_rows=hidden,
                    formula_cells=formulas, warnings=notes)


def _header_block(filled: list[list[str | None]], merged: list[tuple[int, int, int, int]],
                  head: int) -> tuple[int, int]:
    """Return the first and last rows of the header: a group heading joins the row it spans."""
    used = [c for c, v in enumerate(filled[head - 1], 1) if v]
    if not used:
        return head, head
    cmin, cmax = min(used), max(used)

    def group(r1: int, c1: int, r2: int, c2: int, row: int) -> bool:
        return r1 == r2 == row and cmin < c1 < c2 <= cmax

    if head > 1 and any(r1 < head <= r2 or group(r1, c1, r2, c2, head - 1)
                        for r1, c1, r2, c2 in merged):
        return head - 1, head
    if head < len(filled):
        below = filled[head]
        for r1, c1, r2, c2 in merged:
            if r1 <= head < r2:
                return head, head + 1
            cells = set(v for v in below[c1 - 1:c2] if v)  # one sub-heading per column
            if group(r1, c1, r2, c2, head) and len(cells) > 1 and not any(
                    _NUMERIC.fullmatch(v) for v in cells):
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
                            formula if formula.startswith("=") else "=" + formula)
        return count, uncached
    finally:
        book.close()
