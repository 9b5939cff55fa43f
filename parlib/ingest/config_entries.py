"""Read and check the ``sources:`` and ``corrections:`` entries of ``dataset.yaml``.

The keys are documented in ``data/raw/README.md``. Every problem raises
:class:`~parlib.errors.ConfigError` naming the file, the key, the bad value
and the fix; :func:`parlib.ingest.config.read_config` adds the line. The
``files:`` entries are read in :mod:`~parlib.ingest.config_files`.
"""

from __future__ import annotations

import datetime
import re
from dataclasses import dataclass, field
from typing import Any

from parlib.errors import ConfigError
from parlib.ingest.config_checks import checked_entries, optional_text, required_text
from parlib.ingest.config_files import FileSpec

__all__ = ["Correction", "Source", "read_corrections", "read_sources"]

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
_DATE = re.compile(r"^\d{4}(-\d{2}(-\d{2})?)?$")


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
    names = {f.name for f in files}
    out: list[Correction] = []
    for where, entry in checked_entries(
        raw,
        "corrections",
        _CORRECTION_KEYS,
        _REQUIRED_CORRECTION_KEYS,
        shown,
        items="errata",
        item="correction",
        list_fix="write each correction as '- file: ...' under 'corrections:'",
        item_fix="give it file, row, column, published, corrected, reason and source",
    ):
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


def read_sources(raw: Any, shown: str) -> tuple[Source, ...]:
    """Return the ``sources:`` list of dataset.yaml as :class:`Source` records.

    Each source needs an id of its own, a title, a publisher and a publication date
    (YYYY-MM-DD, YYYY-MM or YYYY, a real calendar day); ``shown`` names dataset.yaml in
    the :class:`~parlib.errors.ConfigError` raised otherwise.
    """
    out: list[Source] = []
    for where, entry in checked_entries(
        raw,
        "sources",
        _SOURCE_KEYS,
        _REQUIRED_SOURCE_KEYS,
        shown,
        items="documents",
        item="source",
        list_fix="write each source as '- id: ...' under 'sources:'",
        item_fix="give it id, title, publisher and date",
    ):
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
