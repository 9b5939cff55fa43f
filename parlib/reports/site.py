"""Write ``reports/index.html``: every report on disk, with a thumbnail and its citation.

The page is built from the ``manifest.json`` (or ``report.failed.json``) files
under the reports folder, of the reports the current ``reports.yaml`` lists
(earlier runs' results of those reports included), and links
with relative addresses, so the folder can be opened from the file system or
copied to any web server. Every text is HTML-escaped by Jinja's autoescape.
"""

from __future__ import annotations

from collections.abc import Iterable
from datetime import UTC, datetime
from itertools import groupby
from pathlib import Path
from typing import Any
from urllib.parse import quote

from parlib import __version__
from parlib.publish.pages import render_page
from parlib.reports.manifest import FAILURE, MANIFEST, read_manifest, write_if_changed, write_json
from parlib.safety import check_output_dir

__all__ = ["collect_reports", "write_site"]

_KIND_ORDER = {"trend": 0, "correlation": 1, "comparison": 2}


def collect_reports(
    output_dir: str | Path, *, reports: Iterable[str] | None = None
) -> list[dict[str, Any]]:
    """Return one entry per report folder under ``output_dir``, sorted by dataset and kind.

    Folders whose name starts with ``_`` or ``.`` (ad-hoc runs, temporary
    folders) are left out, and with ``reports`` (folders as
    ``<dataset>/<notebook>/<slug>``, those of the current ``reports.yaml``)
    every folder not listed.
    """
    out_dir = Path(output_dir)
    wanted = None if reports is None else set(reports)
    entries = []
    for folder in sorted(out_dir.glob("*/*/*")):
        rel = folder.relative_to(out_dir)
        if not folder.is_dir() or any(part[0] in "._" for part in rel.parts):
            continue
        if wanted is not None and rel.as_posix() not in wanted:
            continue
        ok = read_manifest(folder, MANIFEST)
        failed = read_manifest(folder, FAILURE)
        entry = dict(ok or failed or {})
        if not entry:
            continue
        entry["folder"] = rel.as_posix()
        entry["failed_now"] = failed is not None
        entry["has_failed_notebook"] = (folder / "report.failed.ipynb").is_file()
        entry["has_html"] = (folder / "report.html").is_file()
        entry["thumbnail"] = _thumbnail(folder, entry)
        entry.setdefault("dataset", rel.parts[0])
        entry.setdefault("notebook", rel.parts[1])
        entries.append(entry)
    entries.sort(
        key=lambda e: (e["dataset"], _KIND_ORDER.get(e["notebook"], 9), e["notebook"], e["folder"])
    )
    return entries


def write_site(
    output_dir: str | Path,
    *,
    clean_dir: str | Path | None = None,
    reports: Iterable[str] | None = None,
) -> Path:
    """Write ``<output_dir>/index.html`` listing every report and return its path.

    With ``reports`` (``<dataset>/<notebook>/<slug>`` of each report of the current
    ``reports.yaml``) the page lists those and no folder a former configuration left.

    Examples
    --------
    >>> import tempfile, pathlib, json
    >>> d = pathlib.Path(tempfile.mkdtemp())
    >>> (d / "demo" / "trend" / "x").mkdir(parents=True)
    >>> _ = (d / "demo" / "trend" / "x" / "manifest.json").write_text(json.dumps(
    ...     {"id": "demo/trend/x", "status": "ok", "title": "</script><b>x</b>",
    ...      "parameters": {}}))
    >>> html = write_site(d).read_text(encoding="utf-8")
    >>> "</script><b>" in html, "&lt;/script&gt;&lt;b&gt;" in html
    (False, True)
    """
    out_dir = check_output_dir(output_dir)
    entries = [_view(e, out_dir) for e in collect_reports(out_dir, reports=reports)]
    groups = []
    for dataset, of_dataset in groupby(entries, key=lambda e: e["dataset"]):
        items = list(of_dataset)
        kinds = [(kind, list(group)) for kind, group in groupby(items, key=lambda e: e["notebook"])]
        groups.append(
            {
                "dataset": dataset,
                "kinds": kinds,
                "codebook_href": _codebook(out_dir, dataset, clean_dir),
                "xlsx_href": _codebook(out_dir, dataset, clean_dir, name="scores.xlsx"),
                "synthetic": any(e.get("synthetic") for e in items),
            }
        )
    html = render_page(
        "reports_index.html.j2",
        groups=groups,
        n_reports=len(entries),
        version=__version__,
        n_failed=sum(e["failed_now"] for e in entries),
        generated=_last_build(entries),
    )
    path = out_dir / "index.html"
    write_if_changed(path, html.encode("utf-8"))
    write_json(
        out_dir / "index.json",
        {
            "reports": [
                {
                    k: e.get(k)
                    for k in (
                        "id",
                        "status",
                        "title",
                        "dataset",
                        "notebook",
                        "parameters",
                        "citation",
                        "synthetic",
                        "folder",
                    )
                }
                for e in entries
            ]
        },
    )
    return path


def _codebook(
    out_dir: Path, dataset: str, clean_dir: str | Path | None, *, name: str = "codebook.html"
) -> str | None:
    """Copy a file of the clean dataset (the codebook page, the workbook) beside its reports
    and return its link, if any."""
    target = out_dir / dataset / name
    if clean_dir is not None:
        source = Path(clean_dir) / dataset / name
        if source.is_file():
            write_if_changed(target, source.read_bytes())
    return f"{_url(dataset)}/{name}" if target.is_file() else None


def _last_build(entries: list[dict[str, Any]]) -> str | None:
    """Return when the newest report on the page was built ("2026-12-07 12:11 UTC"), or None.

    The page changes only when a report does, so a build that changes nothing
    writes the same page.
    """
    times = []
    for entry in entries:
        try:
            times.append(datetime.fromisoformat(str(entry.get("finished"))))
        except ValueError:
            continue
    if not times:
        return None
    return max(times).astimezone(UTC).strftime("%Y-%m-%d %H:%M UTC")


def _view(entry: dict[str, Any], out_dir: Path) -> dict[str, Any]:
    """Add the relative links and display values the template shows."""
    folder = _url(entry["folder"])
    figures = []
    for png in _in_order(out_dir / entry["folder"], entry):
        files = [
            (text, f"{folder}/figures/{_url(png.with_suffix('.' + ext).name)}")
            for ext, text in _FILE_LABELS
            if png.with_suffix("." + ext).is_file()
        ]
        figures.append((png.stem, files))
    params = entry.get("parameters") or {}
    shown = []
    for key in sorted(params):
        value = params[key]
        if isinstance(value, (list, tuple)):
            value = ", ".join(str(v) for v in value) or "—"
        shown.append((str(key), "—" if value is None or value == "" else str(value)))
    entry = dict(entry)
    entry.update(
        href=f"{folder}/report.html" if entry["has_html"] else None,
        notebook_href=f"{folder}/report.ipynb" if entry["has_html"] else None,
        failed_href=f"{folder}/report.failed.ipynb"
        if entry["failed_now"] and entry["has_failed_notebook"]
        else None,
        thumb_href=f"{folder}/{_url(entry['thumbnail'])}" if entry["thumbnail"] else None,
        shown_parameters=shown,
        figures=figures,
        label=entry.get("title") or entry.get("slug") or entry["folder"].rsplit("/", 1)[-1],
    )
    return entry


_FILE_LABELS = (
    ("png", "PNG"),
    ("svg", "SVG"),
    ("pdf", "PDF"),
    ("csv", "data (CSV)"),
    ("json", "caption and citation (JSON)"),
)


def _in_order(folder: Path, entry: dict[str, Any]) -> list[Path]:
    """The report's PNG figures in the order the notebook published them (headline first)."""
    pngs = sorted(folder.glob("figures/*.png"))
    published = [
        str(f.get("png"))
        for f in entry.get("figure_details") or []
        if isinstance(f, dict) and f.get("png")
    ]
    rank = {name: i for i, name in enumerate(published)}
    return sorted(
        pngs, key=lambda p: (rank.get(p.relative_to(folder).as_posix(), len(rank)), p.name)
    )


def _thumbnail(folder: Path, entry: dict[str, Any]) -> str | None:
    """The headline figure: the first the report published."""
    pngs = _in_order(folder, entry)
    return pngs[0].relative_to(folder).as_posix() if pngs else None


def _url(path: str) -> str:
    """Quote each segment of a relative path for use in ``href``/``src``; never leave it."""
    parts = [p for p in str(path).replace("\\", "/").split("/") if p not in ("", ".", "..")]
    return "/".join(quote(p) for p in parts)
