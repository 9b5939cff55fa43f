"""Check a figure's layout as saved: its size against an A4 page, and text labels that overlap.

:func:`parlib.viz.figures.save_figure` keeps the result in each figure's sidecar.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any, cast

from matplotlib.backend_bases import RendererBase
from matplotlib.figure import Figure
from matplotlib.text import Text
from matplotlib.transforms import Bbox

if TYPE_CHECKING:
    from matplotlib.backends.backend_agg import FigureCanvasAgg

__all__ = ["A4_INCHES", "canvas_renderer", "check_layout", "text_overlaps"]

#: An A4 page (210 × 297 mm) in inches: at 300 dpi, 2480 × 3508 pixels.
A4_INCHES = (210 / 25.4, 297 / 25.4)


def canvas_renderer(fig: Figure) -> RendererBase:
    """Return the renderer of the figure's canvas, which measures text as it will be drawn.

    parlib's figures are drawn on an Agg canvas (the headless, inline, widget
    and desktop backends all derive from it), which is where ``get_renderer``
    is defined; matplotlib's base canvas type does not declare it.
    """
    return cast("FigureCanvasAgg", fig.canvas).get_renderer()


def check_layout(fig: Figure, *, dpi: float = 300, box: Bbox | None = None) -> dict[str, Any]:
    """Return the size of the figure as saved and the pairs of its text labels that overlap.

    Every visible, non-empty text of the figure counts (titles, axis and tick
    labels in view, annotations, legend entries, the source line), except the
    "synthetic data" watermark drawn across the axes on purpose. Two labels
    overlap when their extents (as matplotlib measures them) share more than
    one pixel in both directions.

    Returns
    -------
    dict
        ``width_px``, ``height_px`` at ``dpi``, ``fits_a4`` (both within
        :data:`A4_INCHES` at ``dpi``, either way round for the width) and
        ``overlaps``: a list of ``[text, text]`` pairs.

    Examples
    --------
    >>> import matplotlib.pyplot as plt
    >>> fig, ax = plt.subplots(figsize=(4, 3))
    >>> _ = ax.text(0.5, 0.5, "Bến Tre"), ax.text(0.5, 0.5, "Trà Vinh")
    >>> layout = check_layout(fig, dpi=100)
    >>> layout["overlaps"], layout["fits_a4"]
    ([['Bến Tre', 'Trà Vinh']], True)
    >>> plt.close(fig)
    """
    renderer = canvas_renderer(fig)
    fig.draw_without_rendering()
    if box is None:
        box = fig.get_tightbbox(renderer).padded(0.15)
    width, height = box.width * dpi, box.height * dpi
    page_w, page_h = (A4_INCHES[0] * dpi, A4_INCHES[1] * dpi)
    fits = (width <= page_w + 1 and height <= page_h + 1) or (
        width <= page_h + 1 and height <= page_w + 1
    )  # a landscape page
    return {
        "width_px": round(width),
        "height_px": round(height),
        "fits_a4": bool(fits),
        "overlaps": text_overlaps(fig, renderer),
    }


def text_overlaps(fig: Figure, renderer: RendererBase) -> list[list[str]]:
    """Return the pairs of the figure's texts whose extents overlap, as ``renderer`` draws them.

    The texts are those :func:`check_layout` counts (visible, non-empty, tick
    labels in view, not the synthetic-data watermark, not in a hidden Axes);
    each pair is ``[text, text]`` in the order the figure holds them.
    """
    hidden: set[int] = set()
    for ax in fig.axes:
        for axis in (ax.xaxis, ax.yaxis):
            lo, hi = sorted(axis.get_view_interval())
            eps = (hi - lo) * 1e-6
            for tick in [*axis.get_major_ticks(), *axis.get_minor_ticks()]:
                if not lo - eps <= tick.get_loc() <= hi + eps:
                    hidden.update((id(tick.label1), id(tick.label2)))
    boxes = []
    for text in fig.findobj(match=Text):
        if (
            not text.get_visible()
            or not text.get_text().strip()
            or id(text) in hidden
            or text.get_gid() == "parlib-synthetic-axes"
            or not _drawn(text)
        ):
            continue
        extent = Text.get_window_extent(text, renderer)  # an annotation's text, not its arrow
        if extent.width > 0 and extent.height > 0:
            boxes.append((text.get_text(), extent))
    overlaps = []
    for i, (a, box_a) in enumerate(boxes):
        for b, box_b in boxes[i + 1 :]:
            width = min(box_a.x1, box_b.x1) - max(box_a.x0, box_b.x0)
            height = min(box_a.y1, box_b.y1) - max(box_a.y0, box_b.y0)
            if width > 1 and height > 1:
                overlaps.append([a, b])
    return overlaps


def _drawn(text: Text) -> bool:
    """Whether a text is drawn at all: not inside an Axes that is hidden."""
    return text.axes is None or text.axes.get_visible()
