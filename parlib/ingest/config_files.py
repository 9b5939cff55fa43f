"""Read and check the ``files:`` entries of ``dataset.yaml``: the raw tables and their defaults.

The keys are documented in ``data/raw/README.md``. Every problem raises
:class:`~parlib.errors.ConfigError` naming the file, the key, the bad value
and the fix; :func:`parlib.ingest.config.read_config` adds the line.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path
from typing import Any

from parlib.errors import ConfigError
from parlib.ingest.config_checks import check_choice, checked_entries, optional_text

__all__ = ["BOUNDARIES", "LEVELS", "TABLES", "FileSpec", "read_files"]

LEVELS = ("province", "department", "district", "commune")
TABLES = ("scores", "aggregates")
BOUNDARIES = ("legacy", "2025")
_FILE_KEYS = {
    "path",
    "source",
    "index",
    "year",
    "province",
    "level",
    "component",
    "max_points",
    "sheet",
    "header_row",
    "encoding",
    "delimiter",
    "table",
    "boundaries",
    "notes",
    "n_units",
    "derive_total",
}
_ENCODINGS = {"utf-8", "utf-8-sig", "cp1258", "windows-1258"}


@dataclass(frozen=True)
class FileSpec:
    """One raw table file of a dataset, with the defaults it needs."""

    path: Path
    name: str
    source: str
    index: str | None = None
    year: int | None = None
    province: str | None = None
    level: str | None = None
    component: str | None = None
    max_points: float | None = None
    sheet: str | int | None = None
    header_row: int | None = None
    encoding: str | None = None
    delimiter: str | None = None
    table: str = "scores"
    boundaries: str | None = None
    notes: str | None = None
    n_units: int | None = None
    derive_total: bool = False


def read_files(raw: Any, folder: Path, source_ids: set[str], shown: str) -> tuple[FileSpec, ...]:
    """Return the ``files:`` list of dataset.yaml as :class:`FileSpec` records.

    Each path must be a CSV or XLSX file inside ``folder``, listed once, with a source
    among ``source_ids`` and well-formed defaults (year, max_points, header_row,
    delimiter, encoding, ...); ``shown`` names dataset.yaml in the
    :class:`~parlib.errors.ConfigError` raised otherwise.
    """
    out: list[FileSpec] = []
    for where, entry in checked_entries(
        raw,
        "files",
        _FILE_KEYS,
        ("path", "source"),
        shown,
        items="table files",
        item="file entry",
        list_fix="write each file as '- path: ...' under 'files:'",
        item_fix="give it at least 'path:' and 'source:'",
    ):
        rel = str(entry["path"])
        if "\0" in rel:
            raise ConfigError(
                "a file path holds a NUL character",
                file=shown,
                column=where + "path",
                value=rel,
                fix="write the file's name as it is in the dataset folder",
            )
        target = (folder / rel).resolve()
        if folder.resolve() not in target.parents:
            raise ConfigError(
                "a file path must stay inside the dataset folder",
                file=shown,
                column=where + "path",
                value=rel,
                fix="move the file into the dataset folder and give its relative path",
            )
        if not target.is_file():
            present = sorted(p.name for p in folder.iterdir() if p.name != "dataset.yaml")
            raise ConfigError(
                "the file does not exist",
                file=shown,
                column=where + "path",
                value=rel,
                fix=f"correct the path; the folder holds {present}",
            )
        if any(f.name == rel and f.sheet == entry.get("sheet") for f in out):
            raise ConfigError(
                "the same file is listed twice",
                file=shown,
                column=where + "path",
                value=rel,
                fix="list each file (or each sheet of it) once",
            )
        source = str(entry["source"])
        if source not in source_ids:
            raise ConfigError(
                "the file names a source that is not in 'sources'",
                file=shown,
                column=where + "source",
                value=source,
                fix=f"use one of {sorted(source_ids)} or add the source",
            )
        suffix = target.suffix.lower()
        if suffix not in (".csv", ".xlsx", ".xlsm"):
            raise ConfigError(
                "only CSV and XLSX files can be read",
                file=shown,
                column=where + "path",
                value=rel,
                fix="save the table as .xlsx or .csv (UTF-8)",
            )
        year = entry.get("year")
        if year is not None and (not isinstance(year, int) or isinstance(year, bool)):
            raise ConfigError(
                "'year' must be a whole number",
                file=shown,
                column=where + "year",
                value=year,
                fix="write the year as 2021",
            )
        max_points = entry.get("max_points")
        if max_points is not None and (
            isinstance(max_points, bool)
            or not isinstance(max_points, (int, float))
            or max_points <= 0
        ):
            raise ConfigError(
                "'max_points' must be a positive number",
                file=shown,
                column=where + "max_points",
                value=max_points,
                fix="write the maximum, e.g. 100",
            )
        header_row = entry.get("header_row")
        if header_row is not None and (not isinstance(header_row, int) or header_row < 1):
            raise ConfigError(
                "'header_row' must be a whole number from 1",
                file=shown,
                column=where + "header_row",
                value=header_row,
                fix="give the row number a spreadsheet shows for the header",
            )
        derive_total = entry.get("derive_total", False)
        if not isinstance(derive_total, bool):
            raise ConfigError(
                "'derive_total' must be true or false",
                file=shown,
                column=where + "derive_total",
                value=derive_total,
                fix="write derive_total: true to add each unit's total as the sum "
                "of its components",
            )
        n_units = entry.get("n_units")
        if n_units is not None and (
            not isinstance(n_units, int) or isinstance(n_units, bool) or n_units < 1
        ):
            raise ConfigError(
                "'n_units' must be a whole number from 1",
                file=shown,
                column=where + "n_units",
                value=n_units,
                fix="give the number of units the ranking was published out of",
            )
        level = entry.get("level")
        delimiter = entry.get("delimiter")
        if delimiter is not None and (
            not isinstance(delimiter, str) or len(delimiter) != 1 or delimiter in '"\r\n'
        ):
            raise ConfigError(
                "a delimiter must be one character",
                file=shown,
                column=where + "delimiter",
                value=delimiter,
                fix="write the one character between the cells, e.g. "
                "delimiter: ';' (or leave it out to detect it)",
            )
        encoding = entry.get("encoding")
        if encoding is not None and str(encoding).lower() not in _ENCODINGS:
            raise ConfigError(
                "unknown encoding",
                file=shown,
                column=where + "encoding",
                value=encoding,
                fix=f"use one of {sorted(_ENCODINGS)}",
            )
        out.append(
            FileSpec(
                path=target,
                name=rel,
                source=source,
                index=optional_text(entry.get("index")),
                year=year,
                province=optional_text(entry.get("province")),
                level=check_choice(level, LEVELS, shown, where + "level")
                if level is not None
                else None,
                component=optional_text(entry.get("component")),
                max_points=float(max_points) if max_points is not None else None,
                sheet=entry.get("sheet"),
                header_row=header_row,
                encoding=str(encoding).lower() if encoding is not None else None,
                delimiter=optional_text(entry.get("delimiter"))
                if entry.get("delimiter") != "\t"
                else "\t",
                table=check_choice(entry.get("table", "scores"), TABLES, shown, where + "table"),
                boundaries=check_choice(
                    entry["boundaries"], BOUNDARIES, shown, where + "boundaries"
                )
                if entry.get("boundaries") is not None
                else None,
                notes=optional_text(entry.get("notes")),
                n_units=n_units,
                derive_total=derive_total,
            )
        )
    return tuple(out)
