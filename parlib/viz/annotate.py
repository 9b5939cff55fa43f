"""Name lines and points on a plot without the names overlapping each other or the data."""

from __future__ import annotations

import textwrap

import matplotlib.transforms as mtransforms
import numpy as np
from matplotlib.axes import Axes
from matplotlib.text import Text

from parlib.viz.theme import PALETTE

__all__ = ["label_line_ends", "place_labels"]


def label_line_ends(ax: Axes, *, fontsize: float = 8.5, width: int = 26) -> None:
    """Name each labelled line at the right of its last point, the names kept apart.

    The names stand in one column right of the axes, in the order of the
    lines' last values, moved apart vertically just enough not to overlap; a
    thin dotted connector joins a name to its line's last point (dotted, so that
    a connector across later years is not read as a line of figures).
    """
    items = []
    for line in ax.get_lines():
        name = line.get_label()
        if not isinstance(name, str) or not name or name.startswith("_"):
            continue
        x, y = np.asarray(line.get_xdata(), float), np.asarray(line.get_ydata(), float)
        ok = np.isfinite(y)
        if ok.any():
            text = textwrap.fill(name.replace(" = ", "\u00a0=\u00a0"), width)  # "n = 5" whole
            items.append([x[ok][-1], y[ok][-1], text, line.get_color()])
    fig = ax.get_figure(root=True)
    if not items or fig is None:
        return
    where = mtransforms.blended_transform_factory(ax.transAxes, ax.transData)
    notes = [
        ax.annotate(
            text,
            (x, y),
            xytext=(1.02, y),
            textcoords=where,
            va="center",
            ha="left",
            fontsize=fontsize,
            color=color,
            annotation_clip=False,
            clip_on=False,
            arrowprops={
                "arrowstyle": "-",
                "color": color,
                "linewidth": 0.7,
                "alpha": 0.7,
                "linestyle": (0, (1, 2.5)),
                "shrinkA": 1,
                "shrinkB": 3,
            },
        )
        for x, y, text, color in items
    ]
    # x in axes fraction (right of the axes), y in data: the names stay put when the layout
    # engine narrows the axes to make room for them. The layout changes the scale a little,
    # so the names are spread again on the figure as laid out with them.
    for _ in range(3):
        fig.draw_without_rendering()
        to_px = ax.transData.transform
        ys = [to_px((x, y))[1] for x, y, _, _ in items]
        heights = [Text.get_window_extent(n).height + 2 for n in notes]  # text, not arrow
        box = ax.get_window_extent()
        order = np.argsort(ys)
        placed = _spread(
            [ys[i] for i in order], [heights[i] for i in order], low=box.y0, high=box.y1
        )
        for rank, i in enumerate(order):
            notes[i].xyann = (1.02, ax.transData.inverted().transform((0, placed[rank]))[1])
    xmax = ax.get_xlim()[1]
    for (x, y, _, _color), note in zip(items, notes):
        y_text = note.xyann[1]
        moved = (
            abs(ax.transData.transform((0, y_text))[1] - ax.transData.transform((0, y))[1])
            > fontsize * 0.6 * fig.dpi / 72
        )
        # a thin connector when the name moved off its line's end, or the line ends early
        if note.arrow_patch is not None:  # always drawn: arrowprops are given above
            note.arrow_patch.set_visible(moved or x < xmax - 0.5)


def _spread(
    ys: list[float], heights: list[float], *, low: float | None = None, high: float | None = None
) -> list[float]:
    """Move sorted centres apart so that boxes of ``heights`` do not overlap.

    With ``low`` and ``high`` (pixels), the boxes are kept inside them as far as
    they fit.
    """
    pos = list(ys)
    for _ in range(300):
        moved = False
        for k in range(1, len(pos)):
            need = (heights[k - 1] + heights[k]) / 2
            if pos[k] - pos[k - 1] < need:
                shift = (need - (pos[k] - pos[k - 1])) / 2
                pos[k - 1] -= shift
                pos[k] += shift
                moved = True
        if high is not None and pos and pos[-1] + heights[-1] / 2 > high:
            pos[-1] = high - heights[-1] / 2
            moved = True
        if low is not None and pos and pos[0] - heights[0] / 2 < low:
            pos[0] = low + heights[0] / 2
            moved = True
        if not moved:
            break
    return pos


def place_labels(ax: Axes, texts: list[Text], x: np.ndarray, y: np.ndarray) -> None:
    """Move point labels so that none overlaps another or a dot (adjustText), with leaders."""
    from adjustText import adjust_text

    fig = ax.get_figure(root=True)
    if fig is not None:
        fig.draw_without_rendering()
    adjust_text(
        texts,
        x=x,
        y=y,
        ax=ax,
        expand=(1.15, 1.35),
        ensure_inside_axes=True,
        arrowprops={"arrowstyle": "-", "color": PALETTE[1], "linewidth": 0.6},
    )
