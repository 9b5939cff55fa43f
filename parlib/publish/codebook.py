"""Render a dataset's ``datapackage.json`` as a readable, self-contained HTML codebook."""

from __future__ import annotations

from typing import Any

from parlib.publish.pages import render_page

__all__ = ["render_codebook"]

_CORRECTION_COLUMNS = (
    "raw_file",
    "raw_row",
    "column",
    "published",
    "corrected",
    "reason",
    "source_id",
)


def render_codebook(package: dict[str, Any], report: dict[str, Any] | None = None) -> str:
    """Return an HTML page describing every table and column of a data package.

    The page is ``parlib/templates/codebook.html.j2``, rendered by
    :func:`parlib.publish.pages.render_page`, which escapes all text, so names from raw
    files cannot inject markup.

    Parameters
    ----------
    package
        The data package (``datapackage.json`` as a dict).
    report
        The cleaning report (``report.json``): its totals, corrections and disputed figures.

    Examples
    --------
    >>> page = render_codebook({"name": "x", "title": "<b>T</b>", "resources": []})
    >>> "&lt;b&gt;T&lt;/b&gt;" in page and "<b>T</b>" not in page
    True
    """
    report = report or {}
    return render_page(
        "codebook.html.j2",
        package=package,
        title=package.get("title") or package.get("name", ""),
        licenses=", ".join(lic.get("name", "") for lic in package.get("licenses", [])),
        synthetic="synthetic" in package.get("keywords", []),
        totals=report.get("totals", {}),
        corrections=report.get("corrections") or [],
        correction_columns=_CORRECTION_COLUMNS,
        disputed=report.get("disputed") or [],
    )
