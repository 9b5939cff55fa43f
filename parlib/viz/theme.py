"""The look of parlib's plots: palette, rc theme, new Axes and the marks every plot shares.

Text is drawn in DejaVu Sans, which covers Vietnamese, and colours come from
the colour-blind-safe Okabe–Ito palette. The theme is applied inside each plot
call only (see :func:`plot_theme` and :func:`themed`): importing this module
changes no global state.
"""

from __future__ import annotations

import functools
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from typing import ParamSpec, TypeVar

import matplotlib as mpl
import matplotlib.pyplot as plt
from cycler import cycler
from matplotlib.axes import Axes
from matplotlib.axis import Axis
from matplotlib.ticker import FuncFormatter
from matplotlib.typing import RcKeyType

from parlib.viz.labels import check_lang, label

__all__ = [
    "GREY",
    "MARKERS",
    "PALETTE",
    "THEME",
    "decimal_axis",
    "mark_synthetic",
    "new_axes",
    "plot_theme",
    "themed",
]

#: Okabe–Ito colours, most distinct first (yellow last: weak on white).
PALETTE = ["#0072B2", "#D55E00", "#009E73", "#CC79A7", "#E69F00", "#56B4E9", "#000000", "#F0E442"]
MARKERS = ["o", "s", "^", "D", "v", "P", "X"]
GREY = "#555555"

#: rc parameters applied by :func:`plot_theme` (never at import time).
THEME: dict[RcKeyType, object] = {
    "font.family": "sans-serif",
    "font.sans-serif": ["DejaVu Sans"],
    "axes.prop_cycle": cycler(color=PALETTE[:7]),
    "axes.spines.top": False,
    "axes.spines.right": False,
    "axes.grid": True,
    "axes.axisbelow": True,
    "grid.color": "#DDDDDD",
    "grid.linewidth": 0.6,
    "axes.titlesize": 12,
    "axes.labelsize": 10,
    "legend.fontsize": 9,
    "legend.frameon": False,
    "xtick.labelsize": 9,
    "ytick.labelsize": 9,
    "figure.dpi": 100,
    "text.parse_math": False,  # unit names are text: "$" never starts maths
    "image.cmap": "viridis",
}


@contextmanager
def plot_theme() -> Iterator[None]:
    """Apply :data:`THEME` inside a ``with`` block and restore the settings after.

    Examples
    --------
    >>> with plot_theme():
    ...     mpl.rcParams["font.sans-serif"][0]
    'DejaVu Sans'
    """
    # Only the theme's own keys are saved and restored: mpl.rc_context would also
    # restore backend state and break Jupyter's inline display of later figures.
    old = {key: mpl.rcParams[key] for key in THEME}
    mpl.rcParams.update(THEME)
    try:
        yield
    finally:
        mpl.rcParams.update(old)


_P = ParamSpec("_P")
_R = TypeVar("_R")


def themed(func: Callable[_P, _R]) -> Callable[_P, _R]:
    """Wrap a plot function so that it checks ``lang`` and draws inside :func:`plot_theme`.

    The wrapped function keeps its name, signature and docstring; its ``lang``
    keyword (default "vi") is checked with :func:`parlib.viz.labels.check_lang`
    before anything is drawn, and the theme applies only while it runs.
    """

    @functools.wraps(func)
    def wrapper(*args: _P.args, **kwargs: _P.kwargs) -> _R:
        check_lang(str(kwargs.get("lang", "vi")))
        with plot_theme():
            return func(*args, **kwargs)

    return wrapper


def new_axes(ax: Axes | None, size: tuple[float, float]) -> Axes:
    """Return ``ax``, or the Axes of a new constrained-layout figure of ``size`` inches.

    Every plot function draws on the Axes it is given; given None, it draws on
    a new figure sized for its content through this helper.
    """
    if ax is not None:
        return ax
    return plt.figure(figsize=size, layout="constrained").add_subplot()


def mark_synthetic(ax: Axes, synthetic: bool, lang: str) -> None:
    """Draw a faint "synthetic data" watermark across ``ax`` when ``synthetic`` is true.

    The watermark is visible on every copy of the figure and hides no data; its
    gid, "parlib-synthetic-axes", lets layout checks leave it out.
    """
    if synthetic:  # a watermark: visible on every copy, hides no data
        ax.text(
            0.5,
            0.5,
            label("synthetic_data", lang).upper(),
            transform=ax.transAxes,
            ha="center",
            va="center",
            rotation=20,
            fontsize=26,
            fontweight="bold",
            color=PALETTE[1],
            alpha=0.18,
            zorder=0,
            gid="parlib-synthetic-axes",
        )


def decimal_axis(axis: Axis, lang: str) -> None:
    """Write the tick labels of ``axis`` with a decimal comma when ``lang`` is "vi".

    English keeps matplotlib's own formatter, with a decimal point.
    """
    if lang == "vi":
        axis.set_major_formatter(FuncFormatter(lambda v, _: f"{v:g}".replace(".", ",")))
