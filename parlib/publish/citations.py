"""Citations of figures, reports and dataset releases: text, BibTeX, RIS and CSL-JSON.

A figure cites exactly the documents behind the rows it draws (its shown and
reference rows, traced by ``source_id``), a report the union of its figures'
documents, and both cite the dataset *release* (its ``version`` and
``released`` date from ``dataset.yaml``): never the build day, never the
latest source's date. Keys are stable and unique: ``<dataset>-<version>``
for a release, ``<dataset>-<notebook>-<report>`` for a report and that plus
``-<figure>`` for a figure. A citation of synthetic data says so in every
form ("synthetic data, not real figures" / "dữ liệu giả lập").

>>> sources = pd.DataFrame({"source_id": ["a", "b"], "title": ["Báo cáo A", "Báo cáo B"],
...     "publisher": ["UBND tỉnh Bến Tre", "Bộ Nội vụ"], "date": ["2022-09-20", "2023-01-05"],
...     "url": ["https://example.org/a", None], "accessed": ["2026-11-22", None]})
>>> rows = pd.DataFrame({"source_id": ["a", "a;a"], "index": "PAR", "province": "Bến Tre",
...     "unit": "Sở Nội vụ", "year": [2021, 2022]})
>>> release = Release(dataset="ben-tre", title="Bến Tre PAR", version="1.0", released="2026-11-22")
>>> cite = cite_figure(rows, sources=sources, release=release, key="ben-tre-trend-a-trend",
...                    title="PAR Index", lang="en")
>>> cite.documents[0]["publisher"], len(cite.documents)
('UBND tỉnh Bến Tre', 1)
>>> print(format_citation(cite, "ris").splitlines()[0])
TY  - FIGURE
"""

from __future__ import annotations

import json
from collections.abc import Iterable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import pandas as pd

from parlib.errors import ColumnError, ParameterError
from parlib.publish.citation_formats import citation_key, csl_items, format_citation
from parlib.text import clean_text
from parlib.viz.labels import check_lang, label

__all__ = [
    "Citation",
    "Release",
    "cite_dataset",
    "cite_documents",
    "cite_figure",
    "cite_report",
    "describe_rows",
    "read_release",
    "sources_of_rows",
]

_SOURCE_FIELDS = ("source_id", "title", "publisher", "date", "url", "document", "accessed")


@dataclass(frozen=True)
class Release:
    """One release of a dataset: what a figure's citation names as its data."""

    dataset: str
    title: str
    version: str = "unversioned"
    released: str | None = None
    synthetic: bool = False
    license: str | None = None

    @property
    def key(self) -> str:
        """The citation key of the release, e.g. ``vn-published-2026-12``."""
        return citation_key(self.dataset, self.version)


@dataclass(frozen=True)
class Citation:
    """A figure, report or dataset release with the documents behind it."""

    key: str
    title: str
    kind: str  # "figure", "report" or "dataset"
    release: Release | None = None
    documents: tuple[dict[str, Any], ...] = ()
    data_hash: str | None = None
    lang: str = "vi"
    parts: tuple[str, ...] = field(default=())  # keys of the figures a report cites
    synthetic: bool = False

    @property
    def is_synthetic(self) -> bool:
        """Whether the citation must say "synthetic data, not real figures"."""
        return self.synthetic or bool(self.release and self.release.synthetic)

    def forms(self) -> dict[str, Any]:
        """Return every form at once, for a sidecar or manifest (CSL-JSON as a list)."""
        return {
            "key": self.key,
            "text": format_citation(self, "text"),
            "bibtex": format_citation(self, "bibtex"),
            "ris": format_citation(self, "ris"),
            "csl_json": csl_items(self),
            "documents": [d["source_id"] for d in self.documents],
        }


def read_release(dataset: str, *, clean_dir: str | Path) -> Release:
    """Return the release of a cleaned dataset, from its ``datapackage.json``.

    Raises
    ------
    FileNotFoundError
        When the dataset has not been cleaned; the message names the command.
    """
    path = Path(clean_dir) / dataset / "datapackage.json"
    if not path.is_file():
        raise FileNotFoundError(f"No {str(path)!r}; run `parlib clean --dataset {dataset}`.")
    package = json.loads(path.read_text(encoding="utf-8"))
    licenses = package.get("licenses") or [{}]
    return Release(
        dataset=dataset,
        title=package.get("title") or dataset,
        version=str(package.get("version") or "unversioned"),
        released=package.get("released"),
        synthetic="synthetic" in (package.get("keywords") or []),
        license=licenses[0].get("name"),
    )


def sources_of_rows(rows: pd.DataFrame, sources: pd.DataFrame) -> pd.DataFrame:
    """Return the rows of ``sources`` whose ``source_id`` is behind a row of ``rows``.

    A row may name several documents, separated by ";"; a corrected row's
    ``correction_source`` (its evidence) is cited too. The order is that of
    ``sources``.

    Raises
    ------
    ColumnError
        When ``rows`` or ``sources`` has no ``source_id`` column.
    ParameterError
        When a row names a document ``sources`` does not hold.

    Examples
    --------
    >>> s = pd.DataFrame({"source_id": ["a", "b", "c"], "title": ["A", "B", "C"]})
    >>> sources_of_rows(pd.DataFrame({"source_id": ["c;a", None]}), s)["title"].tolist()
    ['A', 'C']
    """
    for name, frame in (("rows", rows), ("sources", sources)):
        if "source_id" not in frame.columns:
            raise ColumnError(
                f"`{name}` has no 'source_id' column; columns are "
                f"{list(frame.columns)}. Pass the rows a figure draws, as the "
                "clean scores give them."
            )
    cells = rows["source_id"]
    if "correction_source" in rows:  # a corrected figure cites its evidence too
        cells = pd.concat([cells, rows["correction_source"]], ignore_index=True)
    ids = {i.strip() for cell in cells.dropna().astype(str) for i in cell.split(";")}
    ids.discard("")
    known = set(sources["source_id"].astype(str))
    unknown = sorted(ids - known)
    if unknown:
        raise ParameterError(
            f"Rows cite documents {unknown[:5]} that the sources table does "
            "not hold; load the sources of the same dataset (load_sources)."
        )
    return sources.loc[sources["source_id"].astype(str).isin(ids)]


def describe_rows(
    rows: pd.DataFrame, *, lang: str = "vi", max_names: int = 3, index: bool = True
) -> str:
    """Return "index, place or unit, years" naming what the rows hold, for a title.

    Examples
    --------
    >>> rows = pd.DataFrame({"index": "PAR", "level": "department", "province": "Bến Tre",
    ...                      "unit": ["Sở Y tế", "Sở Nội vụ"], "year": [2021, 2023]})
    >>> describe_rows(rows, lang="en")
    'PAR Index, Bến Tre: Sở Nội vụ, Sở Y tế, 2021–2023'
    """
    check_lang(lang)
    parts = []
    if index and "index" in rows:
        parts.append(
            ", ".join(
                label(str(i), lang) for i in sorted(rows["index"].dropna().astype(str).unique())
            )
        )
    provinces = _names(rows, "province")
    units = _names(rows, "unit")
    level = (
        str(rows["level"].dropna().iloc[0])
        if "level" in rows and rows["level"].notna().any()
        else "province"
    )
    if level == "province" or not units:
        place = _listed(units or provinces, lang, max_names, "provinces_n")
    else:
        place = _listed(provinces, lang, max_names, "provinces_n")
        if len(units) <= max_names:
            place = f"{place}: {', '.join(units)}" if place else ", ".join(units)
        else:
            place = (
                f"{place}: {label('units_n', lang, n=len(units))}"
                if place
                else label("units_n", lang, n=len(units))
            )
    parts.append(place)
    if "year" in rows:
        years = sorted(
            int(y) for y in pd.to_numeric(rows["year"], errors="coerce").dropna().unique()
        )
        if years:
            parts.append(str(years[0]) if years[0] == years[-1] else f"{years[0]}–{years[-1]}")
    return ", ".join(p for p in parts if p)


def cite_figure(
    rows: pd.DataFrame,
    *,
    sources: pd.DataFrame,
    release: Release,
    key: str,
    title: str,
    data_hash: str | None = None,
    lang: str = "vi",
) -> Citation:
    """Return the citation of a figure drawn from ``rows`` (shown and reference rows).

    The title is ``title`` followed by what :func:`describe_rows` says of the
    rows shown (those with ``role == "shown"`` when the column exists). Only the
    documents behind ``rows`` are cited.

    Parameters
    ----------
    rows
        Every row the figure draws, with ``source_id``.
    sources
        The dataset's sources table (``load_sources``).
    release
        The dataset release (:func:`read_release`).
    key
        The figure's unique key, e.g. ``vn-published-trend-ben-tre-trend``.
    title
        What the figure shows, e.g. its axes title.
    """
    check_lang(lang)
    shown = rows.loc[rows["role"].astype(str) == "shown"] if "role" in rows else rows
    about = describe_rows(shown if len(shown) else rows, lang=lang, index=False)
    indices = (
        [label(str(i), lang) for i in sorted(shown["index"].dropna().astype(str).unique())]
        if "index" in shown
        else []
    )
    missing = [i for i in indices if i not in title]
    about = ", ".join([*missing, about] if about else missing)
    full = f"{title} ({about})" if about else title
    return cite_documents(
        sources_of_rows(rows, sources),
        key=key,
        title=full,
        release=release,
        data_hash=data_hash,
        lang=lang,
    )


def cite_documents(
    sources: pd.DataFrame | None,
    *,
    key: str,
    title: str,
    release: Release | None = None,
    data_hash: str | None = None,
    synthetic: bool = False,
    lang: str = "vi",
) -> Citation:
    """Return the citation of a figure that draws on exactly the documents in ``sources``.

    :func:`cite_figure` finds those documents from the rows drawn; use this
    when the documents are known already.

    Examples
    --------
    >>> cite = cite_documents(None, key="Fig 1", title="Figure 1", synthetic=True, lang="en")
    >>> cite.key, format_citation(cite).startswith("SYNTHETIC DATA, NOT REAL FIGURES")
    ('fig-1', True)
    """
    check_lang(lang)
    documents = _documents(sources) if sources is not None else ()
    return Citation(
        key=citation_key(key),
        title=title,
        kind="figure",
        release=release,
        documents=documents,
        data_hash=data_hash,
        lang=lang,
        synthetic=synthetic,
    )


def cite_report(
    figures: Iterable[Citation], *, release: Release, key: str, title: str, lang: str = "vi"
) -> Citation:
    """Return the citation of a report: the union of its figures' documents."""
    check_lang(lang)
    figures = list(figures)
    seen: dict[str, dict[str, Any]] = {}
    for fig in figures:
        for doc in fig.documents:
            seen.setdefault(doc["source_id"], doc)
    return Citation(
        key=citation_key(key),
        title=title,
        kind="report",
        release=release,
        documents=tuple(sorted(seen.values(), key=_doc_order)),
        lang=lang,
        parts=tuple(f.key for f in figures),
    )


def cite_dataset(release: Release, *, sources: pd.DataFrame, lang: str = "vi") -> Citation:
    """Return the citation of a dataset release, with every document it transcribes."""
    check_lang(lang)
    return Citation(
        key=release.key,
        title=release.title,
        kind="dataset",
        release=release,
        documents=_documents(sources),
        lang=lang,
    )


# -- helpers -------------------------------------------------------------------------------


def _names(rows: pd.DataFrame, column: str) -> list[str]:
    if column not in rows:
        return []
    return sorted(str(v) for v in rows[column].dropna().astype(str).unique())


def _listed(names: list[str], lang: str, limit: int, many: str) -> str:
    if len(names) <= limit:
        return ", ".join(names)
    return label(many, lang, n=len(names))


def _documents(sources: pd.DataFrame) -> tuple[dict[str, Any], ...]:
    docs = []
    for row in sources.to_dict("records"):
        doc = {
            f: clean_text(row.get(f)) if isinstance(row.get(f), str) else None
            for f in _SOURCE_FIELDS
        }
        if doc["source_id"]:
            docs.append(doc)
    return tuple(sorted(docs, key=_doc_order))


def _doc_order(doc: dict[str, Any]) -> tuple[str, str]:
    return (doc.get("date") or "", doc["source_id"])
