"""Read and check the reference CSV files inside the package, one cached frame per file.

Each file has a spec (its columns, the required ones, allowed values, unique column
sets and cell formats); :func:`read_table` reads a file with the :mod:`csv` module,
checks every cell against the spec and caches the frame. The loaders of
:mod:`parlib.reference.units` and :mod:`parlib.reference.definitions` build on it.
"""

from __future__ import annotations

import csv
import functools
import re
import unicodedata
from importlib import resources

import pandas as pd

from parlib.errors import ParlibError
from parlib.text import match_key

ERAS = ("legacy", "2025")
LEVELS = ("province", "department", "district", "commune")
REGIONS = (
    "red_river_delta",
    "northern_midlands_mountains",
    "north_central_coast",
    "central_highlands",
    "southeast",
    "mekong_delta",
)
_FOLDER = "parlib/reference"
_CODE = re.compile(r"^\d{2}$")
_DATE = re.compile(r"^\d{4}-\d{2}-\d{2}$")
_KEY = re.compile(r"^[a-z][a-z0-9_]*$")
_COMPONENT_KEY = re.compile(r"^[a-z][a-z0-9_]*(\.[a-z][a-z0-9_]*)?$")  # "parent.child"


class ReferenceDataError(ParlibError, ValueError):
    """A reference CSV file inside the package is malformed or inconsistent."""


# file -> columns, required columns, allowed values, unique column sets, formats
_SPECS: dict[str, dict] = {
    "provinces.csv": {
        "columns": [
            "era",
            "code",
            "name",
            "full_name",
            "name_en",
            "region",
            "valid_from",
            "valid_to",
            "note",
        ],
        "required": ["era", "code", "name", "full_name", "name_en", "region"],
        "choices": {"era": ERAS, "region": REGIONS},
        "unique": [("era", "code"), ("era", "name")],
        "formats": {"code": _CODE, "valid_from": _DATE, "valid_to": _DATE},
    },
    "province_merger_2025.csv": {
        "columns": ["legacy_code", "legacy_name", "code_2025", "name_2025"],
        "required": ["legacy_code", "legacy_name", "code_2025", "name_2025"],
        "unique": [("legacy_code",)],
        "formats": {"legacy_code": _CODE, "code_2025": _CODE},
    },
    "province_aliases.csv": {
        "columns": ["alias", "era", "code"],
        "required": ["alias", "era", "code"],
        "choices": {"era": ERAS},
        "unique": [("alias", "era", "code")],
        "formats": {"code": _CODE},
    },
    "former_provinces.csv": {
        "columns": ["name", "until", "became", "note"],
        "required": ["name", "until", "became", "note"],
        "unique": [("name",)],
        "formats": {"until": re.compile(r"^\d{4}$")},
    },
    "unit_types.csv": {
        "columns": [
            "key",
            "level",
            "name_vi",
            "name_en",
            "abbreviations",
            "valid_from",
            "valid_to",
            "note",
        ],
        "required": ["key", "level", "name_vi", "name_en"],
        "choices": {"level": LEVELS},
        "unique": [("key",), ("name_vi", "level")],
        "formats": {"key": _KEY, "valid_from": _DATE, "valid_to": _DATE},
    },
    "unit_type_aliases.csv": {
        "columns": ["alias", "key"],
        "required": ["alias", "key"],
        "unique": [("alias",)],
    },
    "department_mergers_2025.csv": {
        "columns": ["old_key", "new_key", "effective", "document", "note"],
        "required": ["old_key", "new_key", "effective", "document"],
        "unique": [("old_key",)],
        "formats": {"effective": _DATE},
    },
    "indices.csv": {
        "columns": [
            "key",
            "name_vi",
            "name_en",
            "scale",
            "scale_max",
            "scale_max_before_2018",
            "component_scale_max",
            "publisher",
            "note",
        ],
        "required": [
            "key",
            "name_vi",
            "name_en",
            "scale",
            "scale_max",
            "component_scale_max",
            "publisher",
        ],
        "choices": {"scale": ("percent", "points")},
        "unique": [("key",)],
        "formats": {
            "scale_max": re.compile(r"^\d+(\.\d+)?$"),
            "scale_max_before_2018": re.compile(r"^\d+(\.\d+)?$"),
            "component_scale_max": re.compile(r"^\d+(\.\d+)?$"),
        },
    },
    "index_aliases.csv": {
        "columns": ["alias", "index"],
        "required": ["alias", "index"],
        "unique": [("alias",)],
    },
    "components.csv": {
        "columns": ["index", "key", "code", "order", "name_vi", "name_en", "aliases", "parent"],
        "required": ["index", "key", "order", "name_vi", "name_en"],
        "unique": [("index", "key"), ("index", "order")],
        "formats": {"key": _COMPONENT_KEY, "order": re.compile(r"^\d+$"), "parent": _KEY},
    },
    "component_names.csv": {
        "columns": ["index", "key", "name", "from_year", "to_year", "methodology"],
        "required": ["index", "key", "name", "from_year", "methodology"],
        "unique": [("index", "key", "name", "methodology")],
        "formats": {"from_year": re.compile(r"^\d{4}$"), "to_year": re.compile(r"^\d{4}$")},
    },
    "levels.csv": {
        "columns": ["alias", "level"],
        "required": ["alias", "level"],
        "choices": {"level": LEVELS},
        "unique": [("alias",)],
    },
}


def table_error(
    file: str,
    problem: str,
    *,
    row: int | None = None,
    column: str | None = None,
    value: object = None,
    fix: str | None = None,
) -> ReferenceDataError:
    """Return the error for a problem in the reference file ``file``, for the caller to raise.

    The message names the file inside the package, ``row`` (its line number; the
    header is line 1), ``column``, the bad ``value`` and the ``fix``.
    """
    kwargs = {} if value is None else {"value": value}
    return ReferenceDataError(
        problem, file=f"{_FOLDER}/{file}", row=row, column=column, fix=fix, **kwargs
    )


@functools.cache
def read_table(file: str) -> pd.DataFrame:
    """Read and validate one CSV file; blank cells become NA. Rows are file lines.

    ``file`` is a file of this folder with a spec (its columns, required cells,
    allowed values, formats and unique keys); a cell that breaks the spec raises
    :class:`ReferenceDataError`. The frame is cached: callers must not change it
    (the public loaders hand out copies).
    """
    spec = _SPECS[file]
    # typeshed's Traversable.open lists no `newline`, but the readers resources hands out
    # (pathlib.Path, zipfile.Path) pass it on to the text wrapper, as the csv module needs.
    with (
        resources.files("parlib.reference")
        .joinpath(file)
        .open(  # type: ignore[call-overload]
            encoding="utf-8", newline=""
        ) as fh
    ):
        header, *rows = [row for row in csv.reader(fh) if row]  # small files: the csv module
    if header != spec["columns"]:
        raise table_error(
            file,
            f"the header is {header} but must be {spec['columns']}",
            row=1,
            fix="restore the header row",
        )
    for i, row in enumerate(rows):
        if len(row) != len(header):
            raise table_error(
                file,
                f"the row has {len(row)} cells but the header has {len(header)}",
                row=i + 2,
                value=",".join(row),
                fix="quote cells that hold a comma",
            )
    df = pd.DataFrame(rows, columns=header, dtype=str)
    for k, col in enumerate(header):
        for i, value in enumerate(row[k] for row in rows):
            line = i + 2
            if value != value.strip():
                raise table_error(
                    file,
                    "the cell has leading or trailing spaces",
                    row=line,
                    column=col,
                    value=value,
                    fix="remove the spaces",
                )
            if unicodedata.normalize("NFC", value) != value:
                raise table_error(
                    file,
                    "the cell is not Unicode NFC",
                    row=line,
                    column=col,
                    value=value,
                    fix="save the file as NFC text",
                )
            if value == "" and col in spec["required"]:
                raise table_error(file, "the cell is empty", row=line, column=col, fix="fill it in")
            allowed = spec.get("choices", {}).get(col)
            if allowed is not None and value and value not in allowed:
                raise table_error(
                    file,
                    f"unknown {col}; allowed: {list(allowed)}",
                    row=line,
                    column=col,
                    value=value,
                    fix="use one of the allowed values",
                )
            pattern = spec.get("formats", {}).get(col)
            if pattern is not None and value and not pattern.match(value):
                raise table_error(
                    file,
                    f"the {col} is malformed",
                    row=line,
                    column=col,
                    value=value,
                    fix=f"write it to match {pattern.pattern}",
                )
    for cols in spec["unique"]:
        at = [header.index(c) for c in cols]
        seen: set[tuple] = set()
        for i, row in enumerate(rows):
            key = tuple(match_key(row[k]) or row[k] for k in at)
            if key in seen:
                raise table_error(
                    file,
                    f"duplicate {'/'.join(cols)}",
                    row=i + 2,
                    column=cols[0],
                    value=" / ".join(row[k] for k in at),
                    fix="keep one row per value (matching ignores case and diacritics)",
                )
            seen.add(key)
    return df.where(df != "")


def check_known(file: str, df: pd.DataFrame, col: str, allowed, what: str) -> None:
    """Raise :class:`ReferenceDataError` if a value of ``df[col]`` is not in ``allowed``.

    The error names the first such row of ``file`` (frame row 0 is line 2) and calls
    the value a ``what`` ("unit type key", "index key").
    """
    bad = ~df[col].isin(list(allowed))
    if bad.any():
        line = int(bad.to_numpy().nonzero()[0][0]) + 2
        raise table_error(
            file,
            f"unknown {what}",
            row=line,
            column=col,
            value=df[col].iloc[line - 2],
            fix=f"use a {what} that exists",
        )
