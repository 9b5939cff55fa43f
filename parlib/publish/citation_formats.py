"""Write a citation as text, BibTeX, RIS or CSL-JSON.

:mod:`parlib.publish.citations` decides what a figure, report or dataset release
cites; this module writes those citations out. The BibTeX, RIS and CSL-JSON forms
hold one entry for the cited work, one for the dataset release and one per
source document.
"""

from __future__ import annotations

import json
import re
from typing import TYPE_CHECKING, Any

from parlib.errors import ParameterError
from parlib.text import match_key
from parlib.viz.labels import label

if TYPE_CHECKING:
    from parlib.publish.citations import Citation, Release

__all__ = ["FORMATS", "citation_key", "csl_items", "format_citation"]

#: The forms :func:`format_citation` writes.
FORMATS = ("text", "bibtex", "ris", "csl-json")
_BIB_ESCAPE = str.maketrans(
    {
        "\\": r"\textbackslash{}",
        "{": r"\{",
        "}": r"\}",
        "&": r"\&",
        "%": r"\%",
        "$": r"\$",
        "#": r"\#",
        "_": r"\_",
        "~": r"\textasciitilde{}",
        "^": r"\textasciicircum{}",
    }
)
_DATE = re.compile(r"^(\d{4})(?:-(\d{2}))?(?:-(\d{2}))?")
_AUTHOR = "parlib"


def format_citation(citation: Citation, fmt: str = "text") -> str:
    """Return ``citation`` as "text", "bibtex", "ris" or "csl-json" (a JSON array).

    The BibTeX, RIS and CSL-JSON forms hold one entry for the figure (or
    report), one for the dataset release and one per source document, the
    organisation that published it as author, with its address and access date.

    Raises
    ------
    ParameterError
        When ``fmt`` is not one of :data:`FORMATS`.
    """
    if fmt not in FORMATS:
        raise ParameterError(
            f"The value for `format` must be one of {list(FORMATS)}, but {fmt!r} was passed."
        )
    if fmt == "text":
        return _text(citation)
    if fmt == "bibtex":
        return "\n\n".join(_bibtex(e) for e in _entries(citation)) + "\n"
    if fmt == "ris":
        return "\n".join(_ris(e) for e in _entries(citation))
    return json.dumps(csl_items(citation), ensure_ascii=False, indent=2) + "\n"


def citation_key(*parts: str) -> str:
    """Return a citation key made of ``parts``: their match keys joined by single hyphens.

    Keys stay stable across builds and are safe in BibTeX, RIS and CSL-JSON
    (lower case, no diacritics, no spaces or dots); empty parts are left out.

    Examples
    --------
    >>> citation_key("vn-published", "1.0")
    'vn-published-1-0'
    """
    text = "-".join(str(p) for p in parts if p)
    return re.sub(r"-+", "-", (match_key(text.replace(".", " ")) or "x").replace(" ", "-"))


def _notice() -> str:
    return label("synthetic_notice_cite", "en") + " / " + label("synthetic_notice_cite", "vi")


def _kind_text(citation: Citation) -> str:
    lang = citation.lang
    if citation.kind == "dataset":
        return label("cite_dataset", lang)
    return label(f"cite_{citation.kind}", lang, version=_version())


def _release_text(release: Release, lang: str) -> str:
    text = f"{release.title}, {label('version', lang)} {release.version}"
    return text + (f" ({release.released})" if release.released else "")


def _doc_text(doc: dict[str, Any], lang: str) -> str:
    bits = [
        doc.get("publisher"),
        f"“{doc['title']}”" if doc.get("title") else None,
        doc.get("document"),
        doc.get("date"),
        doc.get("url"),
    ]
    text = ", ".join(b for b in bits if b)
    if doc.get("accessed"):
        text += f" ({label('accessed', lang)} {doc['accessed']})"
    return text


def _text(citation: Citation) -> str:
    lang, release = citation.lang, citation.release
    released = release.released if release else None
    parts = [
        f"{_AUTHOR} ({released[:4] if released else 'n.d.'})",
        f"“{citation.title}”",
        _kind_text(citation),
    ]
    if release is not None and citation.kind != "dataset":
        parts.append(f"{label('dataset', lang)}: {_release_text(release, lang)} [{release.key}]")
    elif release is not None:
        parts.append(
            f"{label('version', lang)} {release.version}"
            + (f" ({release.released})" if release.released else "")
        )
    if citation.is_synthetic:
        parts.insert(0, _notice().upper())
    if citation.data_hash:
        parts.append(f"{label('data_hash', lang)}: {citation.data_hash}")
    if citation.documents:
        docs = "; ".join(_doc_text(d, lang) for d in citation.documents)
        parts.append(
            f"{label('sources' if len(citation.documents) > 1 else 'source', lang)}: {docs}"
        )
    return ". ".join(p.rstrip(".") for p in parts) + "."


def _entries(citation: Citation) -> list[dict[str, Any]]:
    """The entries of a citation: itself, the dataset release, then each document."""
    release, lang = citation.release, citation.lang
    notes = [_notice()] if citation.is_synthetic else []
    main: dict[str, Any] = {
        "key": citation.key,
        "kind": citation.kind,
        "title": citation.title,
        "author": _AUTHOR,
        "date": release.released if release else None,
        "version": release.version if release else None,
        "publisher": _AUTHOR,
        "howpublished": _kind_text(citation),
        "note": ". ".join(
            [
                *notes,
                *(
                    [f"{label('data_hash', lang)}: {citation.data_hash}"]
                    if citation.data_hash
                    else []
                ),
            ]
        ),
        "related": [release.key] if release and citation.kind != "dataset" else [],
    }
    if release is not None and citation.kind != "dataset":
        main["note"] = ". ".join(
            p
            for p in (main["note"], f"{label('dataset', lang)}: {_release_text(release, lang)}")
            if p
        )
    main["related"] += [_doc_key(release, d) for d in citation.documents]
    entries = [main]
    if release is not None and citation.kind != "dataset":
        entries.append(
            {
                "key": release.key,
                "kind": "dataset",
                "title": release.title,
                "author": _AUTHOR,
                "date": release.released,
                "version": release.version,
                "publisher": _AUTHOR,
                "howpublished": label("cite_dataset", lang),
                "note": ". ".join(notes),
                "related": [],
            }
        )
    for doc in citation.documents:
        entries.append(
            {
                "key": _doc_key(release, doc),
                "kind": "document",
                "title": doc.get("title") or doc.get("document") or doc["source_id"],
                "author": doc.get("publisher"),
                "date": doc.get("date"),
                "url": doc.get("url"),
                "accessed": doc.get("accessed"),
                "publisher": doc.get("publisher"),
                "note": doc.get("document") or "",
                "related": [],
            }
        )
    return entries


def _doc_key(release: Release | None, doc: dict[str, Any]) -> str:
    return citation_key(release.dataset if release else "", "src", doc["source_id"])


def _bib(text: object) -> str:
    return str(text).translate(_BIB_ESCAPE)


def _bibtex(entry: dict[str, Any]) -> str:
    kind = {"dataset": "dataset", "document": "misc"}.get(entry["kind"], "misc")
    date = entry.get("date")
    fields = [
        ("title", "{" + _bib(entry["title"]) + "}"),
        ("author", "{" + _bib(entry["author"]) + "}" if entry.get("author") else None),
        ("year", date[:4] if date else None),
        ("date", date),
        ("version", entry.get("version")),
        ("publisher", _bib(entry["publisher"]) if entry.get("publisher") else None),
        ("howpublished", _bib(entry["howpublished"]) if entry.get("howpublished") else None),
        ("url", entry.get("url")),
        ("urldate", entry.get("accessed")),
        ("note", _bib(entry["note"]) if entry.get("note") else None),
        ("related", ",".join(entry["related"]) if entry.get("related") else None),
    ]
    body = "".join(f"  {name} = {{{value}}},\n" for name, value in fields if value)
    return f"@{kind}{{{entry['key']},\n{body}}}"


def _ris(entry: dict[str, Any]) -> str:
    kind = {"figure": "FIGURE", "report": "RPRT", "dataset": "DATA"}.get(entry["kind"], "ELEC")
    date = entry.get("date") or ""
    lines = [
        ("TY", kind),
        ("ID", entry["key"]),
        ("TI", entry["title"]),
        ("AU", f"{entry['author']}," if entry.get("author") else None),
        ("PY", date[:4] or None),
        ("DA", date.replace("-", "/") or None),
        ("ET", entry.get("version")),
        ("PB", entry.get("publisher")),
        ("UR", entry.get("url")),
        ("Y2", entry.get("accessed")),
        ("N1", entry.get("note") or None),
    ]
    return "".join(f"{tag}  - {value}\n" for tag, value in lines if value) + "ER  - \n"


def _csl_date(text: str | None) -> dict[str, Any] | None:
    match = _DATE.match(text or "")
    if not match:
        return None
    return {"date-parts": [[int(p) for p in match.groups() if p]]}


def csl_items(citation: Citation) -> list[dict[str, Any]]:
    """Return the CSL-JSON items of ``citation``: the work, its dataset release, each document.

    This is the list :func:`format_citation` writes as ``"csl-json"``; empty
    fields are left out of each item.
    """
    kind = {"figure": "figure", "report": "report", "dataset": "dataset", "document": "webpage"}
    items = []
    for entry in _entries(citation):
        item = {
            "id": entry["key"],
            "type": kind[entry["kind"]],
            "title": entry["title"],
            "author": [{"literal": entry["author"]}] if entry.get("author") else None,
            "issued": _csl_date(entry.get("date")),
            "version": entry.get("version"),
            "publisher": entry.get("publisher"),
            "URL": entry.get("url"),
            "accessed": _csl_date(entry.get("accessed")),
            "note": entry.get("note") or None,
        }
        if entry["kind"] == "document" and not entry.get("url"):
            item["type"] = "document"
        items.append({k: v for k, v in item.items() if v})
    return items


def _version() -> str:
    from parlib import __version__

    return __version__
