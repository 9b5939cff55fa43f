"""The source line under a figure: its text, citing each document once, and its drawing.

:func:`source_line` builds the "Nguồn: …" line from a sources table;
:func:`draw_footer` draws it (with the synthetic-data label and the note on how
a value was computed) under the figure that :func:`parlib.viz.figures.save_figure`
writes.
"""

from __future__ import annotations

import re
import textwrap

import pandas as pd
from matplotlib.figure import Figure

from parlib.errors import ParameterError
from parlib.text import clean_text
from parlib.viz.labels import check_lang, label
from parlib.viz.layout import canvas_renderer

__all__ = ["draw_footer", "source_line"]

_GIDS = ("parlib-source", "parlib-synthetic", "parlib-note")
_DOC_KIND = re.compile(r"^\d+[^/\s]*/([A-ZĐ]+)")


def source_line(
    sources: pd.DataFrame, *, lang: str = "vi", synthetic: bool = False, max_documents: int = 3
) -> str:
    """Return the "Nguồn: …" line citing each distinct document once.

    Each document reads "publisher, document (date)"; a number such as
    "2094/QĐ-UBND" is preceded by its kind ("Quyết định"). After
    ``max_documents`` the rest are counted ("và 4 nguồn khác").

    Parameters
    ----------
    sources
        The sources table: ``publisher``, ``document``, ``title``, ``date``.
    synthetic
        Start with "Dữ liệu giả lập — không phải số liệu thực".

    Raises
    ------
    ValueError
        When there is nothing to cite and the data is not synthetic.

    Examples
    --------
    >>> sources = pd.DataFrame({"publisher": ["UBND tỉnh Bến Tre"] * 2,
    ...     "document": ["2094/QĐ-UBND"] * 2, "title": "Quyết định công bố", "date": "2022-09-20"})
    >>> source_line(sources)
    'Nguồn: UBND tỉnh Bến Tre, Quyết định 2094/QĐ-UBND (2022-09-20)'
    >>> line = source_line(sources, lang="en", synthetic=True)
    >>> line.startswith("Synthetic data — not real figures. Source: UBND tỉnh Bến Tre, Decision")
    True
    """
    check_lang(lang)
    entries = _entries(sources, lang)
    notice = label("synthetic_notice", lang) if synthetic else ""
    if not entries:
        if synthetic:
            return notice
        raise ParameterError(
            "No sources to cite: `sources` has no publisher, document or title; "
            "pass the sources table of the datasets the figure draws on."
        )
    shown = entries[:max_documents]
    rest = len(entries) - len(shown)
    head = label("source" if len(entries) == 1 else "sources", lang)
    text = f"{head}: " + "; ".join(shown)
    if rest:
        text += f"; {label('and_more', lang, n=rest)}"
    return f"{notice}. {text}" if notice else text


def draw_footer(
    fig: Figure,
    line: str,
    *,
    synthetic: bool,
    lang: str,
    note: str | None = None,
    dpi: float | None = None,
) -> None:
    """Draw the source line under the figure, replacing any drawn before.

    Above it go, when asked, a bold synthetic-data label and the italic ``note``
    on how parlib computed the figure; text is measured at ``dpi``, the one the
    figure is saved with.

    Parameters
    ----------
    fig
        The figure to draw on (changed in place).
    line
        The source line, e.g. from :func:`source_line`; nothing is drawn when empty.
    synthetic
        Draw the "Dữ liệu giả lập" label.
    lang
        "vi" or "en", for the label.
    note
        How parlib computed what the figure shows.
    dpi
        The dpi the figure will be saved with; the figure's own when None.
    """
    from parlib.viz.theme import PALETTE, plot_theme

    for text in [t for t in fig.texts if t.get_gid() in _GIDS]:
        text.remove()
    # Text is measured at the dpi it is saved with: a long rotated label is a few
    # pixels longer at 300 dpi than at the screen's 100.
    screen = fig.dpi
    fig.set_dpi(dpi or screen)
    try:
        box = fig.get_tightbbox(canvas_renderer(fig))  # inches
    finally:
        fig.set_dpi(screen)
    width, height = fig.get_size_inches()
    x, y = box.x0 / width, (box.y0 - 0.1) / height
    chars = max(40, int(box.width * 72 / (8 * 0.55)))
    with plot_theme():
        if synthetic:
            fig.text(
                x,
                y,
                label("synthetic_notice", lang),
                ha="left",
                va="top",
                fontsize=11,
                fontweight="bold",
                color=PALETTE[1],
                gid="parlib-synthetic",
            )
            y -= 0.3 / height
        if note:
            wrapped = textwrap.fill(note, chars)
            fig.text(
                x,
                y,
                wrapped,
                ha="left",
                va="top",
                fontsize=8,
                fontstyle="italic",
                color=PALETTE[1],
                gid="parlib-note",
            )
            y -= (0.16 * (wrapped.count("\n") + 1) + 0.06) / height
        if line:
            fig.text(
                x,
                y,
                textwrap.fill(line, chars),
                ha="left",
                va="top",
                fontsize=8,
                color="#333333",
                gid="parlib-source",
            )


def _entries(sources: pd.DataFrame | None, lang: str) -> list[str]:
    if sources is None or len(sources) == 0:
        return []
    rows = []
    for row in sources.to_dict("records"):
        publisher, title = clean_text(row.get("publisher")), clean_text(row.get("title"))
        document, date = clean_text(row.get("document")), _date(row.get("date"))
        kind = _DOC_KIND.match(document or "")
        if kind and (name := label(f"doc_{kind.group(1)}", lang)) != f"doc_{kind.group(1)}":
            document = f"{name} {document}"
        text = ", ".join(p for p in (publisher, document or title) if p)
        if text:
            rows.append((date or "", text + (f" ({date})" if date else "")))
    return [text for _, text in sorted(dict.fromkeys(rows))]


def _date(value: object) -> str | None:
    if value is None or (not isinstance(value, str) and pd.isna(value)):
        return None
    if isinstance(value, pd.Timestamp) or hasattr(value, "isoformat"):
        return value.isoformat()[:10]
    return clean_text(value)
