"""Save figures reproducibly, with their source line, caption and citation.

:func:`save_figure` is the one way figures leave parlib: it draws the source
line (and a synthetic-data label) once, writes PNG, SVG and PDF that are
byte-identical when remade from the same inputs, and a JSON sidecar with the
title, caption, sources and the citation in every form of :mod:`parlib.publish.citations`.

>>> slugify("Bà Rịa – Vũng Tàu: PAR 2018–2023")
'ba-ria-vung-tau-par-2018-2023'
"""

from __future__ import annotations

import contextlib
import functools
import hashlib
import json
import os
from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import matplotlib as mpl
import pandas as pd
from matplotlib.axes import Axes
from matplotlib.backend_bases import DrawEvent
from matplotlib.figure import Figure, SubFigure

from parlib.errors import ArgumentTypeError, ParameterError
from parlib.publish.citations import Citation, cite_documents
from parlib.publish.outputs import write_csv
from parlib.safety import write_atomic
from parlib.text import clean_text, match_key
from parlib.viz.footer import draw_footer, source_line
from parlib.viz.labels import check_lang
from parlib.viz.layout import canvas_renderer, check_layout, text_overlaps

__all__ = ["FORMATS", "FigureFiles", "read_sidecar", "save_figure", "slugify"]

FORMATS = ("png", "svg", "pdf")
_RESERVED = {
    "con",
    "prn",
    "aux",
    "nul",
    *(f"com{i}" for i in range(10)),
    *(f"lpt{i}" for i in range(10)),
}


@dataclass(frozen=True)
class FigureFiles:
    """The files :func:`save_figure` wrote; a format not asked for is None."""

    json: Path
    png: Path | None = None
    svg: Path | None = None
    pdf: Path | None = None
    csv: Path | None = None

    @property
    def paths(self) -> tuple[Path, ...]:
        """Every file written, figures first, then the data and the sidecar last."""
        return tuple(
            p for p in (self.png, self.svg, self.pdf, self.csv, self.json) if p is not None
        )


def slugify(text: object, *, max_length: int = 60, default: str = "figure") -> str:
    """Return a safe file name stem: ASCII ``a-z``, ``0-9`` and ``-``, never empty.

    Diacritics are folded ("Đ" to "d"), path separators and dots become dashes,
    so the result can never climb out of a folder or name a reserved device.

    Examples
    --------
    >>> slugify("../../etc/passwd"), slugify("</script>"), slugify(""), slugify("..")
    ('etc-passwd', 'script', 'figure', 'figure')
    """
    key = match_key(text) or ""
    slug = key.replace(" ", "-")[:max_length].strip("-")
    if not slug:
        return default
    return f"{default}-{slug}" if slug in _RESERVED else slug


def save_figure(
    fig: Figure | Axes,
    path: str | os.PathLike,
    *,
    title: str,
    caption: str,
    source: str | pd.DataFrame,
    synthetic: bool = False,
    citation: Citation | None = None,
    lang: str = "vi",
    data_hash: str | None = None,
    formats: Iterable[str] = FORMATS,
    dpi: int = 300,
    data: pd.DataFrame | None = None,
    note: str | None = None,
) -> FigureFiles:
    """Write the figure as PNG, SVG and PDF with its source line, plus a JSON sidecar.

    The source line (and, when ``synthetic``, a bold "Dữ liệu giả lập" label) is
    drawn under the figure once: saving the same figure again replaces it. The
    files carry no dates and fixed ids, so the same inputs give the same bytes.
    Each file is written to a temporary name and moved into place. The last
    part of ``path`` is turned into a safe name by :func:`slugify`; the figure
    is not closed and never shown.

    Parameters
    ----------
    fig
        The Figure (or an Axes of it).
    path
        Folder and name without extension, e.g. ``reports/fig/par-trend``.
    title, caption
        For the sidecar and the citation (the figure keeps its own title).
    source
        The source line, or the sources table to build it with
        :func:`parlib.viz.footer.source_line`.
    citation
        The figure's :class:`parlib.publish.citations.Citation` (see
        :func:`parlib.publish.citations.cite_figure`); by default one citing the
        sources table given as ``source``, keyed by the file name.
    data
        The values the figure draws (see :func:`parlib.viz.figure_data.figure_rows`),
        written beside it as ``<name>.csv`` and listed in the sidecar; when
        ``data_hash`` is None it is the SHA-256 of that file.
    note
        How parlib computed what the figure shows, when it is not a published
        figure (e.g. a merged province's mean): drawn above the source line and
        kept in the sidecar as ``computed``.

    Returns
    -------
    FigureFiles

    Examples
    --------
    >>> import matplotlib.pyplot as plt, tempfile
    >>> fig, ax = plt.subplots()
    >>> _ = ax.plot([2020, 2021], [80.5, 82.0])
    >>> with tempfile.TemporaryDirectory() as tmp:
    ...     files = save_figure(fig, f"{tmp}/PAR Bến Tre", title="PAR", caption="…",
    ...                         source="Nguồn: UBND tỉnh Bến Tre", formats=["png"], dpi=50)
    ...     [p.name for p in files.paths], read_sidecar(files.json)["source"]
    (['par-ben-tre.png', 'par-ben-tre.json'], 'Nguồn: UBND tỉnh Bến Tre')
    >>> plt.close(fig)
    """
    check_lang(lang)
    figure = fig.figure if isinstance(fig, Axes) else fig
    if not isinstance(figure, (Figure, SubFigure)):
        raise ArgumentTypeError(
            f"`fig` must be a matplotlib Figure or Axes, but a {type(fig).__name__} was passed."
        )
    figure = figure.get_figure(root=True)
    formats = list(dict.fromkeys(formats))
    bad = [f for f in formats if f not in FORMATS]
    if bad or not formats:
        raise ParameterError(
            f"The value for `formats` must be a non-empty list of "
            f"{list(FORMATS)}, but {formats!r} was passed."
        )
    target = Path(path)
    stem = target.name
    if Path(stem).suffix.lstrip(".").lower() in (*FORMATS, "json"):
        stem = Path(stem).stem
    folder, stem = target.parent, slugify(stem)
    folder.mkdir(parents=True, exist_ok=True)
    if isinstance(source, pd.DataFrame):
        line = source_line(source, lang=lang, synthetic=False)
    else:
        line = clean_text(source) or ""
    written: dict[str, Path] = {}
    meta = {
        "png": {"Software": "parlib"},
        "svg": {"Date": None},
        "pdf": {"CreationDate": None, "ModDate": None},
    }
    with (
        _frozen_layout(figure),
        mpl.rc_context(
            {
                "svg.hashsalt": "parlib",
                "pdf.fonttype": 42,
                "svg.fonttype": "path",
                "savefig.facecolor": "white",
            }
        ),
    ):
        draw_footer(figure, line, synthetic=synthetic, lang=lang, note=note, dpi=dpi)
        # One crop for every format: "tight" would lay the figure out again per file.
        box = figure.get_tightbbox(canvas_renderer(figure)).padded(0.15)
        layout = check_layout(figure, dpi=dpi, box=box)
        # The labels are measured again as the PNG is drawn (cropped to the box): what is
        # saved is what is checked.
        drawn: list[list[list[str]]] = []

        def measure(event: DrawEvent) -> None:
            drawn.append(text_overlaps(figure, event.renderer))

        hook = figure.canvas.mpl_connect("draw_event", measure)
        for fmt in formats:
            written[fmt] = write_atomic(
                folder / f"{stem}.{fmt}",
                functools.partial(
                    figure.savefig, format=fmt, dpi=dpi, metadata=meta[fmt], bbox_inches=box
                ),
            )
        figure.canvas.mpl_disconnect(hook)
        if drawn:
            layout["overlaps"] = [
                pair for pairs in drawn for pair in pairs if pair not in layout["overlaps"]
            ] + layout["overlaps"]
    if data is not None:  # parlib's CSV writer: a BOM for Excel, formulas neutralised
        written["csv"] = write_atomic(folder / f"{stem}.csv", lambda h: write_csv(data, h.name))
        data_hash = data_hash or hashlib.sha256(written["csv"].read_bytes()).hexdigest()[:16]
    if citation is None:
        citation = cite_documents(
            source if isinstance(source, pd.DataFrame) else None,
            key=stem,
            title=title,
            data_hash=data_hash,
            synthetic=synthetic,
            lang=lang,
        )
    cite = citation.forms()
    sidecar = {
        "title": title,
        "caption": caption,
        "source": line,
        "synthetic": bool(synthetic),
        "lang": lang,
        "data_hash": data_hash,
        "parlib_version": _version(),
        "files": {fmt: {"path": p.name, "sha256": _sha256(p)} for fmt, p in written.items()},
        "citation": cite,
        "layout": layout,
    }
    if note:
        sidecar["computed"] = note
    if data is not None:  # the values drawn, for whoever checks or redraws the figure
        sidecar["data"] = {
            "path": written["csv"].name,
            "rows": len(data),
            "columns": [str(c) for c in data.columns],
        }
    text = json.dumps(sidecar, ensure_ascii=False, indent=2) + "\n"
    json_path = write_atomic(folder / f"{stem}.json", lambda h: h.write(text.encode("utf-8")))
    return FigureFiles(json=json_path, **written)


def read_sidecar(path: str | os.PathLike) -> dict[str, Any]:
    """Return the JSON sidecar of a saved figure, given it or any of the figure's files.

    Examples
    --------
    See :func:`save_figure`.
    """
    sidecar = Path(path).with_suffix(".json")
    if not sidecar.is_file():
        raise FileNotFoundError(
            f"No sidecar {str(sidecar)!r}; save_figure writes one beside each figure."
        )
    return json.loads(sidecar.read_text(encoding="utf-8"))


# -- helpers -------------------------------------------------------------------------------


@contextlib.contextmanager
def _frozen_layout(fig: Figure) -> Iterator[None]:
    """Lay the figure out once, rounded, and keep it still while the files are written.

    A layout engine repeated on its own output drifts in the last bits of the
    axes positions, which would change the bytes of a figure saved twice.
    """
    engine = fig.get_layout_engine()
    fig.draw_without_rendering()
    for ax in fig.axes:
        x0, y0, width, height = (round(v, 6) for v in ax.get_position().bounds)
        ax.set_position((x0, y0, width, height), which="both")
    # A figure legend placed by the layout ("outside lower center") is anchored to the
    # figure's box, which a cropped save moves: anchor it where it stands.
    anchors = []
    for legend in fig.legends:
        anchors.append((legend, legend.get_bbox_to_anchor()))
        where = legend.get_window_extent().transformed(fig.transFigure.inverted())
        x0, y0, width, height = (round(v, 6) for v in where.bounds)
        legend.set_bbox_to_anchor((x0, y0, width, height), transform=fig.transFigure)
    if engine is not None:  # no engine at all: savefig then skips its own layout pass
        with mpl.rc_context({"figure.autolayout": False, "figure.constrained_layout.use": False}):
            fig.set_layout_engine(None)
    try:
        yield
    finally:
        if engine is not None:
            fig.set_layout_engine(engine)


def _sha256(path: Path) -> str:
    return hashlib.sha256(path.read_bytes()).hexdigest()


def _version() -> str:
    try:
        from parlib import __version__
    except ImportError:  # an editable install seen as a namespace package
        from importlib.metadata import version

        return version("parlib")
    return __version__
