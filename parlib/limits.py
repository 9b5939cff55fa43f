"""Limits that keep a small hostile file from exhausting memory, time or disk.

Each limit has a default far above any published table and an environment
variable that raises it (read by :func:`parlib.settings.get_settings` when the
limit is checked):

=============================  ===========  =============================================
variable                       default      what it bounds
=============================  ===========  =============================================
``PARLIB_MAX_XLSX_CELLS``      5,000,000    rows x columns of a workbook's sheets, from
                                            their dimension, row, cell and merge records,
                                            checked before openpyxl expands a cell
``PARLIB_MAX_XLSX_BYTES``      500,000,000  the unpacked size of an XLSX file's parts
``PARLIB_MAX_CELLS``           100,000,000  cells (lines x columns) of a CSV file
``PARLIB_MAX_COLUMNS``         10,000       columns of a table
``PARLIB_MAX_LINE_BYTES``      10,000,000   bytes of a CSV line
``PARLIB_MAX_CELL_CHARS``      1,000,000    characters of a CSV cell
``PARLIB_MAX_YAML_BYTES``      1,000,000    bytes of ``dataset.yaml`` or ``reports.yaml``
``PARLIB_MAX_OUTPUT_BYTES``    4,000,000,000  bytes one dataset's clean outputs may take
=============================  ===========  =============================================

YAML aliases (``*name``) are refused in ``dataset.yaml`` and ``reports.yaml``:
they let a few lines stand for gigabytes. Dates stay text as written (checked
by the reader of each key), so ``2022-02-30`` is a clear error, not a crash.
"""

from __future__ import annotations

import re
import zipfile
from pathlib import Path
from typing import Any
from xml.etree import ElementTree

import yaml

from parlib.errors import ConfigError, RawFileError
from parlib.settings import LIMITS, get_settings

__all__ = ["LIMITS", "check_xlsx", "limit", "load_yaml", "too_big"]


def limit(name: str) -> int:
    """Return the limit ``name`` of :data:`LIMITS`, from its environment variable if set.

    Examples
    --------
    >>> limit("columns")
    10000
    """
    return get_settings().limits[name]


def too_big(
    name: str,
    what: str,
    *,
    file: Any = None,
    row: int | None = None,
    column: str | None = None,
    error: type = RawFileError,
) -> Exception:
    """Return the error for ``what`` going past the limit ``name`` (the caller raises it).

    Examples
    --------
    >>> print(too_big("columns", "the table has 20,000 columns", file="t.csv"))
    t.csv: the table has 20,000 columns, over parlib's limit of 10,000. Fix: check that this is the file you meant; for a table really this large, raise the limit with the environment variable PARLIB_MAX_COLUMNS.
    """
    variable, _ = LIMITS[name]
    return error(
        f"{what}, over parlib's limit of {limit(name):,}",
        file=file,
        row=row,
        column=column,
        fix=f"check that this is the file you meant; for a table really this large, "
        f"raise the limit with the environment variable {variable}",
    )


# ------------------------------------------------------------------------------ YAML
class _Loader(yaml.SafeLoader):
    """``yaml.SafeLoader`` without timestamps: a date stays the text it was written as."""


_Loader.yaml_implicit_resolvers = {
    first: [(tag, regexp) for tag, regexp in resolvers if tag != "tag:yaml.org,2002:timestamp"]
    for first, resolvers in yaml.SafeLoader.yaml_implicit_resolvers.items()
}


def load_yaml(path: Path, *, shown: str, name: str) -> Any:
    """Read the YAML file ``path``: at most ``PARLIB_MAX_YAML_BYTES``, no aliases.

    Parameters
    ----------
    path
        The file.
    shown
        How to name it in messages.
    name
        What it is (``dataset.yaml``), for messages.

    Raises
    ------
    ConfigError
        When the file is too large, not UTF-8, not YAML or uses an alias.
    """
    size = path.stat().st_size
    if size > limit("yaml_bytes"):
        raise too_big("yaml_bytes", f"{name} is {size:,} bytes", file=shown, error=ConfigError)
    try:
        text = path.read_text(encoding="utf-8")
    except UnicodeDecodeError as exc:
        raise ConfigError(
            f"{name} is not UTF-8 text ({exc.reason} at byte {exc.start})",
            file=shown,
            fix="save the file as UTF-8",
        ) from None
    try:
        for event in yaml.parse(text, Loader=_Loader):
            if isinstance(event, yaml.AliasEvent):
                start = event.start_mark
                raise ConfigError(
                    f"{name} uses a YAML alias (*{event.anchor}); parlib does not expand aliases",
                    file=shown,
                    row=start.line + 1 if start is not None else None,
                    fix="write the value out in full where the alias stands",
                )
        return yaml.load(text, Loader=_Loader)  # a SafeLoader
    except yaml.YAMLError as exc:
        mark = getattr(exc, "problem_mark", None)
        problem = getattr(exc, "problem", None) or str(exc)
        raise ConfigError(
            f"{name} is not valid YAML: {problem}",
            file=shown,
            row=mark.line + 1 if mark is not None else None,
            fix="correct the YAML syntax at that line (indentation, colons, quotes)",
        ) from None
    except ValueError as exc:  # an explicit !!timestamp or !!int that is no such thing
        raise ConfigError(
            f"{name} holds a value YAML cannot read ({exc})",
            file=shown,
            fix="write the value as plain text, e.g. date: 2022-09-20",
        ) from None


# ------------------------------------------------------------------------------ XLSX
_REF = re.compile(r"^\$?([A-Z]{1,3})\$?(\d+)$")


def _cell(ref: str) -> tuple[int, int] | None:
    """``"C12"`` -> ``(12, 3)``; None for what is not a cell reference."""
    match = _REF.match(ref.strip().upper())
    if match is None:
        return None
    col = 0
    for ch in match.group(1):
        col = col * 26 + ord(ch) - 64
    return int(match.group(2)), col


def check_xlsx(path: Path, shown: str) -> None:
    """Refuse a workbook whose sheets would expand past ``PARLIB_MAX_XLSX_CELLS`` in all.

    Reads the sheets' own records without building any cell: the parts' unpacked
    sizes, and in each worksheet its ``dimension``, ``row``, ``c`` (cell) and
    ``mergeCell`` references. A sheet is as large as rows x columns up to its
    farthest reference: that is the grid openpyxl would build.

    Raises
    ------
    RawFileError
        When the workbook or one of its sheets is larger than the limits.
    """
    try:
        book = zipfile.ZipFile(path)
    except (zipfile.BadZipFile, OSError):
        return  # not a zip: openpyxl's own error says so
    max_cells, max_bytes = limit("xlsx_cells"), limit("xlsx_bytes")
    with book:
        members = book.infolist()
        unpacked = sum(m.file_size for m in members)
        if unpacked > max_bytes:
            raise too_big("xlsx_bytes", f"the workbook unpacks to {unpacked:,} bytes", file=shown)
        total = 0  # openpyxl builds every sheet's merged cells, whichever sheet is read
        for member in members:
            if not (
                member.filename.startswith("xl/worksheets/") and member.filename.endswith(".xml")
            ):
                continue
            sheet = member.filename
            rows = cols = 0
            try:
                with book.open(member) as xml:
                    for _, elem in ElementTree.iterparse(xml, events=("start",)):
                        tag = elem.tag.rsplit("}", 1)[-1]
                        ref = None
                        if tag == "c":
                            ref = elem.get("r")
                        elif tag == "row":
                            r = elem.get("r", "")
                            rows = max(rows, int(r)) if r.isdigit() else rows
                        elif tag in ("dimension", "mergeCell"):
                            ref = elem.get("ref")
                        elem.clear()
                        if not ref:
                            continue
                        for part in ref.split(":"):
                            cell = _cell(part)
                            if cell is not None:
                                rows, cols = max(rows, cell[0]), max(cols, cell[1])
                        size = max(rows, 1) * max(cols, 1)
                        if size > max_cells:
                            what = {
                                "c": "a cell",
                                "dimension": "the sheet's dimension record",
                                "mergeCell": "a merged range",
                            }[tag]
                            raise too_big(
                                "xlsx_cells",
                                f"{sheet}: {what} {ref} makes "
                                f"the sheet {rows:,} rows x {cols:,} columns "
                                f"= {size:,} cells",
                                file=shown,
                            )
            except ElementTree.ParseError:
                return  # malformed XML: openpyxl's own error says so
            total += rows * cols
            if total > max_cells:
                raise too_big(
                    "xlsx_cells", f"the workbook's sheets span {total:,} cells", file=shown
                )
