"""What a raw table is, and how its header row is found.

A reader (:mod:`~parlib.ingest.csv`, :mod:`~parlib.ingest.xlsx`) returns a
:class:`RawTable`; both readers find the header row with :func:`find_header` and
build the frame with :func:`table_parts`.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path
from typing import TypeAlias

import numpy as np
import pandas as pd

from parlib.errors import HeaderError
from parlib.ingest.headers import HeaderRole, classify_header
from parlib.reference import component_lookup
from parlib.text import mostly_words

__all__ = [
    "HEADER_FIX",
    "SCAN_ROWS",
    "Cells",
    "RawTable",
    "find_header",
    "no_header",
    "table_parts",
]

# A column's cells: an object array, or a Categorical or string array (``categorical=True``).
Cells: TypeAlias = np.ndarray | pd.api.extensions.ExtensionArray

SCAN_ROWS = 30
_LOOK_ROWS = 5  # rows under a candidate header read to tell a text column
_ID_ROLES = frozenset({"unit", "province"})
_FIGURE_ROLES = frozenset({"score", "rank", "year", "component", "value"})
_SCORE_ROLES = frozenset({"score", "rank", "year", "component"})
HEADER_FIX = (
    "set header_row: in dataset.yaml to the row holding the column names, or rename "
    "the headers as listed in data/raw/README.md ('Recognised headers')"
)


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


def find_header(rows: list[tuple[int, list[str | None]]]) -> int | None:
    """Return the position of the first row that names a unit or province and a figure.

    Component names and codes ("Participation at Local Levels", "D1") count as
    figures. A row of figure headers whose only other column holds text in the rows
    below (the unit column, under a header parlib does not know) counts too. An
    aggregates header (a statistic and a value) counts as well. A header that
    matches two roles ("Điểm/Xếp hạng") counts as a figure, so that the row is
    taken as the header and the error names that header.
    """
    lookup = component_lookup()
    seen: dict[str, HeaderRole | HeaderError | None] = {}
    for k, (_, cells) in enumerate(rows[:SCAN_ROWS]):
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
        if (
            roles & _SCORE_ROLES
            and not roles & _ID_ROLES
            and len(unknown) == 1
            and _text_column(rows[k + 1 : k + 1 + _LOOK_ROWS], unknown[0])
        ):
            return k
    return None


def _text_column(rows: list[tuple[int, list[str | None]]], j: int) -> bool:
    """Return True if column ``j`` holds words (not figures) in most of ``rows``."""
    return mostly_words(cells[j] for _, cells in rows if j < len(cells))


def no_header(
    rows: list[tuple[int, list[str | None]]], shown: str, *, fix: str = HEADER_FIX
) -> HeaderError:
    """Return the error for a table without a header row, showing its first rows.

    ``rows`` are the (row number, cells) pairs that :func:`find_header` searched,
    ``shown`` names the file and ``fix`` tells the user what to change.
    """
    preview = "; ".join(f"row {num}: {[c for c in cells if c][:8]}" for num, cells in rows[:5])
    return HeaderError(
        f"no header row found: none of the first {min(len(rows), SCAN_ROWS)} rows "
        f"names both a unit or province and a score ({preview})",
        file=shown,
        fix=fix,
    )


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


def table_parts(
    columns: list[tuple[Cells, np.ndarray]], header: list[str | None], rows: np.ndarray, blank_name
) -> tuple[pd.DataFrame, np.ndarray, list[str]]:
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
    frame = (
        pd.DataFrame(data, dtype=object if objects else None, copy=False)
        if data
        else (pd.DataFrame(index=range(int(keep.sum()))))
    )
    return frame, rows[keep].astype(np.int64), list(data)
