"""Plots of how indices move together: a scatter with its statistics, a correlation heatmap.

Each function draws on the Axes it is given (or a new figure) in the theme of
:mod:`parlib.viz.theme` and returns the Axes.
"""

from __future__ import annotations

import textwrap
import warnings

import numpy as np
import pandas as pd
import seaborn as sns
from matplotlib.axes import Axes

from parlib.analysis.correlation import compute_correlation
from parlib.analysis.select import Years
from parlib.errors import ParameterError
from parlib.viz.annotate import place_labels
from parlib.viz.labels import label
from parlib.viz.plot_text import format_number, format_span
from parlib.viz.theme import GREY, PALETTE, decimal_axis, mark_synthetic, new_axes, themed

__all__ = ["plot_correlation", "plot_correlation_matrix"]

_DIVERGING = "RdBu_r"  # ColorBrewer RdBu: colour-blind safe, centred on white


@themed
def plot_correlation(
    scores: pd.DataFrame,
    *,
    x: str,
    y: str,
    years: Years = None,
    level: str = "province",
    lang: str = "vi",
    ax: Axes | None = None,
) -> Axes:
    """Draw a scatter of two indices with the fitted line, outliers named, statistics boxed.

    ``x``, ``y``, ``years`` and ``level`` are those of
    :func:`parlib.analysis.correlation.compute_correlation`. The box gives Pearson r with its
    95% interval and p, Spearman rho and p, and n (and the years pooled).
    Outliers (|studentised residual| > 2) are named, with the year when pooled;
    the names are moved apart from each other and from the dots with adjustText.
    The statistics and the legend stand under the axes, clear of the data.
    With fewer than 3 pairs the Axes shows the reason instead of failing.

    Examples
    --------
    >>> scores = pd.DataFrame({"index": ["PAR"] * 4 + ["SIPAS"] * 4, "component": "total",
    ...     "level": "province", "unit": list("ABCD") * 2, "year": 2021,
    ...     "score": [80.0, 85.0, 90.0, 95.0, 70.0, 74.0, 79.0, 83.0]})
    >>> ax = plot_correlation(scores, x="PAR", y="SIPAS", lang="en")
    >>> ax.get_title()
    'PAR Index and Satisfaction index (SIPAS)'
    """
    result = compute_correlation(scores, x=x, y=y, years=years, level=level)
    ax = new_axes(ax, (6.3, 5.6))
    ax.set(xlabel=_spec_label(x, lang), ylabel=_spec_label(y, lang))
    ax.set_title(
        textwrap.fill(
            label("correlation_title", lang, x=_spec_label(x, lang), y=_spec_label(y, lang)), 70
        )
    )  # long names: two lines
    if result.message:
        message = result.message
        if lang == "vi":
            key = "too_few_pairs" if result.n < 3 else "no_variation"
            message = label(
                key, lang, n=result.n, x=x, y=y, years=format_span(result.years or _years(years))
            )
        ax.text(
            0.5,
            0.5,
            textwrap.fill(message, 48),
            ha="center",
            va="center",
            transform=ax.transAxes,
            fontsize=10,
            color=GREY,
        )
        ax.set_xticks([])
        ax.set_yticks([])
        return ax
    pairs = result.pairs
    normal, odd = pairs.loc[~pairs["outlier"]], pairs.loc[pairs["outlier"]]
    ax.scatter(normal["x"], normal["y"], color=PALETTE[0], alpha=0.8, s=28, zorder=3)
    xs = np.linspace(pairs["x"].min(), pairs["x"].max(), 2)
    ax.plot(
        xs,
        result.intercept + result.slope * xs,
        color=GREY,
        linewidth=1.5,
        label=label("regression_line", lang),
    )
    if len(odd):
        ax.scatter(
            odd["x"],
            odd["y"],
            color=PALETTE[1],
            marker="D",
            s=36,
            zorder=4,
            label=label("outlier", lang),
        )
    lines = [
        f"Pearson r = {format_number(result.pearson_r, 2, lang)}"
        + (
            f" [{label('ci95_cluster' if result.pooled else 'ci95', lang)}: "
            f"{format_number(result.pearson_ci_low, 2, lang)}"
            f"{'; ' if lang == 'vi' else ', '}{format_number(result.pearson_ci_high, 2, lang)}]"
            if not np.isnan(result.pearson_ci_low)
            else ""
        )
        + f", {_pvalue(result.pearson_p, lang)}",
        f"Spearman ρ = {format_number(result.spearman_rho, 2, lang)}, "
        f"{_pvalue(result.spearman_p, lang)}",
        f"n = {result.n} {label('pairs', lang)}"
        + (
            f", {label('pooled', lang, years=format_span(result.years))}"
            if result.pooled
            else f" ({result.years[0]})"
        ),
    ]
    # The statistics and the legend stand under the axes, clear of the data.
    legend = ax.legend(
        loc="upper left", bbox_to_anchor=(0.0, -0.12), fontsize=8.5, borderaxespad=0, ncol=2
    )
    ax.annotate(
        "\n".join(lines),
        (0, 0),
        xycoords=legend,
        xytext=(0, -6),
        textcoords="offset points",
        va="top",
        ha="left",
        fontsize=8.5,
        annotation_clip=False,
    )
    if len(odd):
        names = [
            ax.text(
                row.x,
                row.y,
                f"{row.unit} {row.year}" if result.pooled else str(row.unit),
                fontsize=8,
                color=PALETTE[1],
                zorder=5,
            )
            for row in odd.itertuples()
        ]
        place_labels(ax, names, pairs["x"].to_numpy(float), pairs["y"].to_numpy(float))
    decimal_axis(ax.xaxis, lang)
    decimal_axis(ax.yaxis, lang)
    mark_synthetic(ax, pairs["synthetic"].any(), lang)
    return ax


@themed
def plot_correlation_matrix(
    matrix: pd.DataFrame, *, lang: str = "vi", ax: Axes | None = None
) -> Axes:
    """Draw a correlation matrix as an annotated heatmap, diverging around 0 from -1 to 1.

    ``matrix`` is what :func:`parlib.analysis.correlation.compute_correlation_matrix` returns;
    a ValueError names anything else. The palette is ColorBrewer RdBu (safe
    for colour-blind readers), white at 0.

    Examples
    --------
    >>> matrix = pd.DataFrame([[1.0, 0.5], [0.5, 1.0]], index=["PAR", "SIPAS"],
    ...                       columns=["PAR", "SIPAS"])
    >>> ax = plot_correlation_matrix(matrix, lang="en")
    >>> ax.collections[0].norm.vmin, ax.collections[0].norm.vmax
    (-1.0, 1.0)
    """
    if (
        not isinstance(matrix, pd.DataFrame)
        or matrix.shape[0] != matrix.shape[1]
        or list(matrix.index) != list(matrix.columns)
    ):
        shape = "×".join(map(str, getattr(matrix, "shape", ())))
        raise ParameterError(
            "`matrix` must be a square DataFrame with the same labels on both "
            f"axes (as compute_correlation_matrix returns), but a {shape} "
            f"{type(matrix).__name__} was passed."
        )
    names = [str(c) for c in matrix.columns]
    indices = {n.partition(":")[0] for n in names}
    ticks = [textwrap.fill(_spec_label(n, lang, short=len(indices) == 1), 30) for n in names]
    k = len(names)
    ax = new_axes(ax, (min(0.6 * k + 2.9, 7.5), min(0.52 * k + 2.3, 7.5)))
    values = matrix.astype(float)
    annot = values.map(lambda v: "" if np.isnan(v) else format_number(v, 2, lang))
    method = matrix.attrs.get("method", "pearson")
    with warnings.catch_warnings():  # seaborn 0.13 calls Colormap.set_bad
        warnings.filterwarnings("ignore", "The set_bad function", PendingDeprecationWarning)
        sns.heatmap(
            values,
            vmin=-1,
            vmax=1,
            center=0,
            cmap=_DIVERGING,
            annot=annot.to_numpy(),
            fmt="",
            square=True,
            linewidths=0.5,
            linecolor="white",
            xticklabels=ticks,
            yticklabels=ticks,
            ax=ax,
            annot_kws={"fontsize": 7.5 if k > 6 else 9},
            cbar_kws={"label": f"{label('correlation', lang)} ({label(method, lang)})"},
        )
    ax.tick_params(axis="x", labelrotation=90, labelsize=7.5 if k > 6 else 9)
    ax.tick_params(axis="y", labelrotation=0, labelsize=7.5 if k > 6 else 9)
    counts = [v for col in matrix.attrs.get("n", {}).values() for v in col.values()]
    title = label("correlation", lang) + f" {label(method, lang)}"
    if counts:
        title = label("matrix_title", lang, method=label(method, lang), n=format_span(counts))
    ax.set_title(title)
    ax.grid(False)
    mark_synthetic(ax, bool(matrix.attrs.get("synthetic")), lang)
    return ax


# -- helpers -------------------------------------------------------------------------------


def _years(years) -> list[int]:
    if years is None:
        return []
    return [int(years)] if isinstance(years, (int, np.integer)) else [int(y) for y in years]


def _spec_label(spec: str, lang: str, *, short: bool = False) -> str:
    index, _, component = str(spec).partition(":")
    if not component or component == "total":
        return label("total", lang) if short else label(index, lang)
    name = label(spec, lang)
    return name if short else f"{index} – {name}"


def _pvalue(p: float, lang: str) -> str:
    return (
        "p < " + format_number(0.001, 3, lang) if p < 0.001 else "p = " + format_number(p, 3, lang)
    )
