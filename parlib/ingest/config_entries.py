"""Read and check the entries of ``dataset.yaml``: its sources, files and corrections.

The keys are documented in ``data/raw/README.md``. Every problem raises
:class:`~parlib.errors.ConfigError` naming the file, the key, the bad value
and the fix; :func:`parlib.ingest.config.read_config` adds the line.
"""

from __future__ import annotations

import datetime
import difflib
import re
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from parlib.errors import ConfigError

__all__ = [
    "BOUNDARIES",
    "LEVELS",
    "TABLES",
    "Correction",
    "FileSpec",
    "Source",
    "check_choice",
    "check_keys",
    "optional_text",
    "read_corrections",
    "read_files",
    "read_sources",
    "required_text",
]

LEVELS = ("province", "department", "district", "commune")
TABLES = ("scores", "aggregates")
BOUNDARIES = ("legacy", "2025")
_CORRECTION_KEYS = {"file", "row", "column", "published", "corrected", "reason", "source", "notes"}
_REQUIRED_CORRECTION_KEYS = ("file", "row", "column", "corrected", "reason", "source")
_SOURCE_KEYS = {
    "id",
    "title",
    "publisher",
    "date",
    "url",
    "document",
    "accessed",
    "notes",
    "language",
    "pages",
    "archive_url",
}
_REQUIRED_SOURCE_KEYS = ("id", "title", "publisher", "date")
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
_DATE = re.compile(r"^\d{4}(-\d{2}(-\d{2})?)?$")
_ENCODINGS = {"utf-8", "utf-8-sig", "cp1258", "windows-1258"}


@dataclass(frozen=True)
class Source:
    """One published document that figures come from."""

    id: str
    title: str
    publisher: str
    date: str
    url: str | None = None
    document: str | None = None
    accessed: str | None = None
    notes: str | None = None
    extra: dict[str, Any] = field(default_factory=dict)


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


@dataclass(frozen=True)
class Correction:
    """One erratum: a raw cell the publisher misprinted, its corrected value and the evidence.

    ``published`` is the cell exactly as the raw file holds it ("" for an empty
    cell); cleaning checks it before applying ``corrected``, so a raw file
    changed under a correction is an error, never a silent second change.
    """

    file: str
    row: int
    column: str
    published: str
    corrected: str
    reason: str
    source: str
    notes: str | None = None


def read_corrections(
    raw: Any, files: tuple[FileSpec, ...], source_ids: set[str], shown: str
) -> tuple[Correction, ...]:
    """Return the ``corrections:`` list of dataset.yaml as :class:`Correction` records.

    Each correction must name a listed file, a row from 1, the evidence among
    ``source_ids`` and a cell not corrected before; ``shown`` names dataset.yaml in
    the :class:`~parlib.errors.ConfigError` raised otherwise.
    """
    if not isinstance(raw, list):
        raise ConfigError(
            "'corrections' must be a list of errata",
            file=shown,
            column="corrections",
            value=raw,
            fix="write each correction as '- file: ...' under 'corrections:'",
        )
    names = {f.name for f in files}
    out: list[Correction] = []
    for i, entry in enumerate(raw):
        where = f"corrections[{i}]."
        if not isinstance(entry, dict):
            raise ConfigError(
                "a correction must be a mapping",
                file=shown,
                column=f"corrections[{i}]",
                value=entry,
                fix="give it file, row, column, published, corrected, reason and source",
            )
        check_keys(entry, _CORRECTION_KEYS, _REQUIRED_CORRECTION_KEYS, shown, where=where)
        if "published" not in entry:
            raise ConfigError(
                f"required key '{where}published' is missing",
                file=shown,
                column=where + "published",
                fix="write the cell as the raw file holds it ('' when empty)",
            )
        if str(entry["file"]) not in names:
            raise ConfigError(
                "the correction names a file that is not in 'files'",
                file=shown,
                column=where + "file",
                value=entry["file"],
                fix=f"use one of {sorted(names)}",
            )
        row = entry["row"]
        if not isinstance(row, int) or isinstance(row, bool) or row < 1:
            raise ConfigError(
                "'row' must be the raw file's row number (from 1)",
                file=shown,
                column=where + "row",
                value=row,
                fix="give the row number a spreadsheet shows (the header is 1)",
            )
        if str(entry["source"]) not in source_ids:
            raise ConfigError(
                "the correction's evidence is not in 'sources'",
                file=shown,
                column=where + "source",
                value=entry["source"],
                fix=f"add the document to 'sources:' or use one of {sorted(source_ids)}",
            )
        key = (str(entry["file"]), row, str(entry["column"]))
        if any((c.file, c.row, c.column) == key for c in out):
            raise ConfigError(
                "the same cell is corrected twice",
                file=shown,
                column=where + "column",
                value=entry["column"],
                fix="keep one correction per cell",
            )
        published = "" if entry["published"] is None else str(entry["published"])
        out.append(
            Correction(
                file=key[0],
                row=row,
                column=key[2],
                published=published,
                corrected=str(entry["corrected"]),
                reason=required_text(entry["reason"], shown, where + "reason"),
                source=str(entry["source"]),
                notes=optional_text(entry.get("notes")),
            )
        )
    return tuple(out)


def check_keys(
    entry: dict, allowed: set[str], required: tuple[str, ...], shown: str, *, where: str
) -> None:
    """Refuse a key of ``entry`` not in ``allowed``, and a ``required`` key missing or empty.

    ``where`` is the entry's key path ("files[0].", "" at the top) that the
    :class:`~parlib.errors.ConfigError` names; an unknown key gets a "did you mean".
    """
    for key in entry:
        if key not in allowed:
            close = difflib.get_close_matches(str(key), sorted(allowed), n=1)
            hint = (
                f"did you mean {close[0]!r}?"
                if close
                else (f"the known keys are {sorted(allowed)}")
            )
            raise ConfigError(
                f"unknown key '{where}{key}'",
                file=shown,
                column=f"{where}{key}",
                value=key,
                fix=f"{hint} (see data/raw/README.md)",
            )
    for key in required:
        if entry.get(key) in (None, "", []):
            raise ConfigError(
                f"required key '{where}{key}' is missing or empty",
                file=shown,
                column=f"{where}{key}",
                fix=f"add '{key}:' (see data/raw/README.md)",
            )


def read_sources(raw: Any, shown: str) -> tuple[Source, ...]:
    """Return the ``sources:`` list of dataset.yaml as :class:`Source` records.

    Each source needs an id of its own, a title, a publisher and a publication date
    (YYYY-MM-DD, YYYY-MM or YYYY, a real calendar day); ``shown`` names dataset.yaml in
    the :class:`~parlib.errors.ConfigError` raised otherwise.
    """
    if not isinstance(raw, list):
        raise ConfigError(
            "'sources' must be a list of documents",
            file=shown,
            column="sources",
            value=raw,
            fix="write each source as '- id: ...' under 'sources:'",
        )
    out: list[Source] = []
    for i, entry in enumerate(raw):
        where = f"sources[{i}]."
        if not isinstance(entry, dict):
            raise ConfigError(
                "a source must be a mapping",
                file=shown,
                column=f"sources[{i}]",
                value=entry,
                fix="give it id, title, publisher and date",
            )
        check_keys(entry, _SOURCE_KEYS, _REQUIRED_SOURCE_KEYS, shown, where=where)
        sid = required_text(entry["id"], shown, where + "id")
        if any(s.id == sid for s in out):
            raise ConfigError(
                "duplicate source id",
                file=shown,
                column=where + "id",
                value=sid,
                fix="give every source its own id",
            )
        date = str(entry["date"])
        if not _DATE.match(date):
            raise ConfigError(
                "a source date must be YYYY-MM-DD, YYYY-MM or YYYY",
                file=shown,
                column=where + "date",
                value=entry["date"],
                fix="write the publication date, e.g. 2022-09-20",
            )
        try:
            datetime.date.fromisoformat(date if len(date) == 10 else f"{date}-01-01"[:10])
        except ValueError:
            raise ConfigError(
                "the source date is not a day of the calendar",
                file=shown,
                column=where + "date",
                value=entry["date"],
                fix="write the publication date as it stands on the document, e.g. 2022-02-28",
            ) from None
        extra = {k: entry[k] for k in ("language", "pages", "archive_url") if k in entry}
        out.append(
            Source(
                id=sid,
                title=required_text(entry["title"], shown, where + "title"),
                publisher=required_text(entry["publisher"], shown, where + "publisher"),
                date=date,
                url=optional_text(entry.get("url")),
                document=optional_text(entry.get("document")),
                accessed=optional_text(entry.get("accessed")),
                notes=optional_text(entry.get("notes")),
                extra=extra,
            )
        )
    return tuple(out)


def read_files(raw: Any, folder: Path, source_ids: set[str], shown: str) -> tuple[FileSpec, ...]:
    """Return the ``files:`` list of dataset.yaml as :class:`FileSpec` records.

    Each path must be a CSV or XLSX file inside ``folder``, listed once, with a source
    among ``source_ids`` and well-formed defaults (year, max_points, header_row,
    delimiter, encoding, ...); ``shown`` names dataset.yaml in the
    :class:`~parlib.errors.ConfigError` raised otherwise.
    """
    if not isinstance(raw, list):
        raise ConfigError(
            "'files' must be a list of table files",
            file=shown,
            column="files",
            value=raw,
            fix="write each file as '- path: ...' under 'files:'",
        )
    out: list[FileSpec] = []
    for i, entry in enumerate(raw):
        where = f"files[{i}]."
        if not isinstance(entry, dict):
            raise ConfigError(
                "a file entry must be a mapping",
                file=shown,
                column=f"files[{i}]",
                value=entry,
                fix="give it at least 'path:' and 'source:'",
            )
        check_keys(entry, _FILE_KEYS, ("path", "source"), shown, where=where)
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


def check_choice(value: Any, allowed: tuple[str, ...], shown: str, key: str) -> str:
    """Return ``value`` trimmed and lowercased if it is one of ``allowed``, else raise.

    ``key`` is the key path the :class:`~parlib.errors.ConfigError` names.
    """
    text = str(value).strip().lower()
    if text not in allowed:
        raise ConfigError(
            f"'{key.rsplit('.', 1)[-1]}' must be one of {list(allowed)}",
            file=shown,
            column=key,
            value=value,
            fix=f"write one of {', '.join(allowed)}",
        )
    return text


def required_text(value: Any, shown: str, key: str) -> str:
    """Return ``value`` as clean text; raise if it is missing or blank.

    ``key`` is the key path the :class:`~parlib.errors.ConfigError` names.
    """
    text = optional_text(value)
    if text is None:
        raise ConfigError(
            f"{key!r} must not be empty",
            file=shown,
            column=key,
            value=value,
            fix=f"fill in '{key.rsplit('.', 1)[-1]}:'",
        )
    return text


def optional_text(value: Any) -> str | None:
    """Return ``value`` as clean text (NFC, spaces collapsed), or None if missing or blank."""
    if value is None:
        return None
    from parlib.text import clean_text

    return clean_text(str(value))
