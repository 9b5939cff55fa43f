"""Read one raw CSV file into a :class:`~parlib.ingest.table.RawTable` of text cells.

CSV decisions: a row with more cells than the header is an error unless the
extra cells are blank (trailing delimiters); a row with fewer cells is padded
with blanks. Two-line headers are recognised in XLSX only (CSV has no merged
cells to tell a group heading from a title).
"""

from __future__ import annotations

import io
import re
import warnings
from pathlib import Path

import numpy as np
import pandas as pd
import pyarrow as pa
import pyarrow.compute as pc

from parlib.errors import HeaderError, RawFileError
from parlib.ingest.encoding import as_utf8
from parlib.ingest.table import HEADER_FIX, Cells, RawTable, find_header, no_header, table_parts
from parlib.limits import limit, too_big
from parlib.text import categorical as to_categorical
from parlib.text import clean_text

__all__ = ["read_csv_file"]

_PREFIX_LINES = 200
_HEAD_CELL_CHARS = 1 << 17  # a longer cell in the first lines is no header (nor title)
_DELIMITERS = (",", ";", "\t", "|")
_WS = "\t\n\x0b\x0c\r\x1c-\x1f "  # what Python's str.isspace() accepts in ASCII
_WS_RUN = f"[{_WS}]+"
_WS_BAD = f"^[{_WS}]|[{_WS}]$|[{_WS}]{{2}}|[\t\n\x0b\x0c\r\x1c-\x1f]"


def read_csv_file(
    path: Path,
    shown: str,
    *,
    header_row: int | None,
    encoding: str | None,
    delimiter: str | None,
    categorical: bool = False,
) -> RawTable:
    """Read one CSV file into a :class:`~parlib.ingest.table.RawTable`; use :func:`read_raw`.

    Every CSV file is parsed by pandas' C reader, as text: the lines that can hold
    the header with each candidate delimiter, then the whole file with the one that
    fits. ``shown`` names the file in messages; the other options are those of
    :func:`parlib.ingest.read.read_raw`, which checks them and calls this.
    """
    data = path.read_bytes()
    n_head = max(_PREFIX_LINES, (header_row or 0) + 50)
    _check_head_lines(data, n_head, shown)
    data, enc, notes = as_utf8(data, shown, encoding)
    if not data[: 1 << 16].decode("utf-8", "ignore").strip("\ufeff\t\n\r ") and not (
        data.decode("utf-8-sig").strip()
    ):  # decoded whole only when it starts blank
        raise RawFileError(
            "the file is empty",
            file=shown,
            fix="export the table again with its header row and data rows",
        )
    head = data[: _line_end(data, n_head)]
    best, wide = None, None
    for d in [delimiter] if delimiter else _DELIMITERS:
        most = max(line.count(d.encode()) + 1 for line in head.splitlines())
        if most > limit("columns"):  # not split: a million cells would take minutes
            wide = wide or (
                d,
                most,
                next(
                    k
                    for k, line in enumerate(head.splitlines(), 1)
                    if line.count(d.encode()) + 1 == most
                ),
            )
            continue
        records = _head_records(head, d, most, shown)
        counts = [_width(cells) for _, _, cells in records]
        agree = max([counts.count(c) for c in set(counts) if c >= 2], default=0)
        found = None if header_row else find_header([r[1:] for r in records])
        if best is None or (found is not None, agree) > (best[3] is not None, best[2]):
            best = (d, records, agree, found, most)
    if wide is not None and (best is None or not best[2]):
        raise too_big(
            "columns",
            f"the line splits into {wide[1]:,} cells on {wide[0]!r}",
            file=shown,
            row=wide[2],
        )
    assert best is not None  # each delimiter either splits the head (best) or is too wide
    d, records, agree, found, most = best
    if not agree:
        tried = repr(delimiter) if delimiter else "',', ';', tab or '|'"
        first = next(
            (line.strip() for line in head.decode("utf-8-sig").splitlines() if line.strip()), ""
        )
        raise HeaderError(
            f"the rows do not split into columns on {tried}",
            file=shown,
            value=first[:80],
            fix="set delimiter: in dataset.yaml to the character between the cells",
        )
    if header_row is not None:
        found = next((k for k, r in enumerate(records) if r[1] == header_row), None)
        if found is None:
            raise RawFileError(
                f"line {header_row} is not the start of a row with cells",
                file=shown,
                row=header_row,
                fix="set header_row: to the line of the column names",
            )
    elif found is None:
        raise no_header(
            [r[1:] for r in records], shown, fix=_delimiter_hint(head, d, shown) + HEADER_FIX
        )
    at, start, header = records[found]
    header = header[: _width(header)]
    ncols = len(header)
    lines = data.count(b"\n") + (not data.endswith(b"\n")) - start
    if lines * ncols > limit("cells"):
        raise too_big("cells", f"the file has {lines:,} lines x {ncols:,} columns", file=shown)
    frame, starts = _parse(data, d, max(most, ncols), shown)
    del data
    frame, rows = frame.iloc[at + 1 :], starts[at + 1 :]
    _check_row_length(frame, rows, ncols, d, shown)
    _check_cell_length(frame.iloc[:, :ncols], shown)
    columns = [_clean(pa.chunked_array(frame[k]), categorical=categorical) for k in range(ncols)]
    del frame
    frame, rows, labels = table_parts(columns, header, rows, lambda k: k + 1)
    return RawTable(
        frame=frame,
        rows=rows,
        columns=labels,
        header_row=start,
        path=path,
        display_path=shown,
        encoding=enc,
        title_rows=[" | ".join(c for c in r[2] if c) for r in records[:found]],
        warnings=notes,
        delimiter=d,
    )


def _line_end(data: bytes, n_lines: int) -> int:
    """Return where the first ``n_lines`` lines of ``data`` end."""
    end = 0
    for _ in range(n_lines):
        end = data.find(b"\n", end) + 1
        if end == 0:
            return len(data)
    return end


def _parse(
    data: bytes, d: str, width: int, shown: str, *, head: bool = False, nrows: int | None = None
) -> tuple[pd.DataFrame, np.ndarray]:
    """Parse every record of ``data`` into text cells; return them and each record's first line.

    Short records are padded with blank cells; the table is widened to the longest
    record. Blank lines are records too (dropped later). With ``head``, ``data`` is
    the first lines of a file: a quoted cell they cut in two ends the records.
    """
    while True:
        try:
            with warnings.catch_warnings():  # a first record wider than ``width``
                warnings.simplefilter("error", pd.errors.ParserWarning)
                frame = pd.read_csv(
                    io.BytesIO(data),
                    engine="c",
                    sep=d,
                    quotechar='"',
                    header=None,
                    names=range(width),
                    index_col=False,
                    dtype=str,
                    keep_default_na=False,
                    na_filter=False,
                    skip_blank_lines=False,
                    encoding="utf-8-sig",
                    nrows=nrows,
                )
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
                    "closed",
                    file=shown,
                    row=_starts(before)[1],
                    fix="the file looks truncated: export or download it again, or close the "
                    'quote (a quote inside a cell is written twice: "")',
                ) from None
            else:
                raise RawFileError(
                    f"the file cannot be read as CSV ({message.strip()})",
                    file=shown,
                    fix="check the quotes in the rows: a cell with "
                    'quotes inside is written "like ""this"""',
                ) from None
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


def _head_records(
    head: bytes, d: str, width: int, shown: str
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


def _check_row_length(
    frame: pd.DataFrame, rows: np.ndarray, ncols: int, d: str, shown: str
) -> None:
    """Refuse a row with more (non-blank) cells than the header has."""
    if frame.shape[1] <= ncols:
        return
    extra = frame.iloc[:, ncols:]
    filled = np.logical_or.reduce([extra[k].str.strip().ne("").to_numpy() for k in extra])
    if not filled.any():
        return
    i = int(np.argmax(filled))
    cells = frame.iloc[i].tolist()
    cells = cells[: _width(cells)]
    raise RawFileError(
        f"the row has {len(cells)} cells but the header has {ncols}",
        file=shown,
        row=int(rows[i]),
        value=d.join(cells)[:80],
        fix='quote cells that contain the delimiter (write "98,56" in a comma-separated file, '
        "or separate cells with ;), or give the extra column a header",
    )


def _check_cell_length(frame: pd.DataFrame, shown: str) -> None:
    """Refuse a cell longer than ``PARLIB_MAX_CELL_CHARS`` characters."""
    most = limit("cell_chars")
    for k, column in enumerate(frame.items()):
        longest = int(column[1].str.len().max()) if len(column[1]) else 0
        if longest > most:
            raise too_big(
                "cell_chars",
                f"a cell has {longest:,} characters",
                file=shown,
                column=f"column {k + 1}",
            )


def _delimiter_hint(head: bytes, used: str, shown: str) -> str:
    """Return "set delimiter: ..." when another delimiter would give a header row, else ""."""
    for d in (*_DELIMITERS, ":"):
        if d == used:
            continue
        most = max(line.count(d.encode()) + 1 for line in head.splitlines())
        if most > limit("columns"):
            continue
        records = _head_records(head, d, most, shown)
        if find_header([r[1:] for r in records]) is not None:
            return f"set delimiter: {d!r} in dataset.yaml (the cells are separated by {d!r}), "
    return ""


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
                raise too_big(
                    "line_bytes", f"the line has more than {most:,} bytes", file=shown, row=number
                )
            return
        pos = end + 1


def _clean(values, *, categorical: bool = False) -> tuple[Cells, np.ndarray]:
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
            for chunk in _chunks(arr)
        ):
            return _plain(arr.cast(pa.large_string()), categorical=categorical)
        encoded = (
            arr.unify_dictionaries().combine_chunks() if isinstance(arr, pa.ChunkedArray) else arr
        )
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
    return uniques[codes], np.equal(uniques, np.array(None))[codes]


def _chunks(arr: pa.Array | pa.ChunkedArray) -> list[pa.Array]:
    return arr.chunks if isinstance(arr, pa.ChunkedArray) else [arr]


def _mostly_distinct(sample: pa.Array | pa.ChunkedArray) -> bool:
    return len(pc.unique(sample)) > 0.9 * len(sample)


def _plain(arr: pa.Array | pa.ChunkedArray, *, categorical: bool) -> tuple[Cells, np.ndarray]:
    """Clean an ASCII column of mostly distinct values cell by cell, with pyarrow kernels."""
    if isinstance(arr, pa.ChunkedArray):
        arr = arr.combine_chunks()
    cleaned = _trim_spaces(arr)
    blank = pc.is_null(cleaned).to_numpy(zero_copy_only=False)
    if categorical:
        return cleaned.to_pandas(
            types_mapper=lambda _: pd.StringDtype("pyarrow", na_value=np.nan)
        ).array, blank
    return cleaned.to_numpy(zero_copy_only=False), blank


def _trim_spaces(arr: pa.Array) -> pa.Array:
    """Collapse and trim ASCII whitespace; an empty text becomes null."""
    if pc.any(pc.match_substring_regex(arr, _WS_BAD)).as_py():
        arr = pc.utf8_trim(pc.replace_substring_regex(arr, _WS_RUN, " "), " ")
    return pc.if_else(pc.equal(arr, ""), pa.scalar(None, arr.type), arr)
