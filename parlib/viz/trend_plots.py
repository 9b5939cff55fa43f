"""Trend plots of the clean ``scores`` table, in Vietnamese or English: one index, or its components.

Each function takes the scores first, options keyword-only, draws on the Axes
it is given (or a new figure) and returns the Axes; :func:`plot_components`
returns its Figure. Text is drawn in DejaVu Sans, which covers Vietnamese, and
colours come from the colour-blind-safe Okabe–Ito palette. The theme is
applied inside each call only (see :func:`parlib.viz.theme.plot_theme`): importing
this module changes no global state. Saving goes through
:func:`parlib.viz.figures.save_figure`.
>>> scores = pd.DataFrame({"index": "PAR", "component": "total", "level": "province",
...     "unit": ["Bến Tre", "Bến Tre", "Trà Vinh", "Trà Vinh"], "year": [2020, 2021] * 2,
...     "score": [82.0, 85.0, 79.0, 81.0]})
>>> ax = plot_trend(scores, index="PAR", lang="en")
>>> [line.get_label() for line in ax.lines][1:]
['Bến Tre', 'Trà Vinh']
>>> ax.lines[0].get_label().replace("\\n", " ")
'Mean of the 2 provinces in this dataset (2 of 63: not a national average)'
"""

from __future__ import annotations

import textwrap

import matplotlib.pyplot as plt
import pandas as pd
from matplotlib.axes import Axes
from matplotlib.figure import Figure

from parlib.analysis.select import Names, Years, pick_rows, prepare_scores
from parlib.analysis.trend import compute_trend
from parlib.errors import SelectionError
from parlib.viz.annotate import label_line_ends
from parlib.viz.labels import component_rank, label
from parlib.viz.plot_text import index_title, place_suffix, score_label
from parlib.viz.theme import mark_synthetic, new_axes, themed
from parlib.viz.trend_layers import draw_trend, reference_lines

__all__ = ["plot_components", "plot_trend"]


@themed
def plot_trend(
    scores: pd.DataFrame,
    *,
    index: str,
    component: str = "total",
    level: str = "province",
    provinces: Names = None,
    unit_type: Names = None,
    years: Years = None,
    aggregates: pd.DataFrame | None = None,
    lang: str = "vi",
    ax: Axes | None = None,
) -> Axes:
    """Draw the chosen units' scores by year in colour over the rest of their group in grey.

    In the style of policy charts: at most eight units in colour (with more
    chosen, the four highest and four lowest of the latest year, as the title
    says), every other unit of the reference group (the level; below province
    level, the chosen units' provinces) as a thin grey line, the mean dashed,
    the interquartile range shaded, and each coloured line named at its end
    instead of a legend. A unit with one year of figures is a point; a year
    without a figure is a gap (never bridged); the year axis covers only the
    years with data.

    The reference line is that of :func:`parlib.analysis.trend.compute_trend`: a
    department or district is set only against its own province's units (the
    province's published mean where ``aggregates`` has it); a province against
    the published national average, else the mean of the provinces in the data,
    labelled with how many of the 63 (or 34) they are. The shaded band, the
    interquartile range, is drawn only for a complete set of provinces or for
    one province's units. Units of several provinces below province level get
    no reference line.

    Parameters
    ----------
    scores
        The clean scores table.
    index, component, level, provinces, unit_type, years, aggregates
        What to draw, as in :func:`parlib.analysis.trend.compute_trend`; ``provinces``
        chooses the coloured lines.
    lang
        "vi" or "en", for every text on the plot.
    ax
        The Axes to draw on; a new figure when None.

    Returns
    -------
    Axes
        Lines: the grey reference units (unlabelled), the mean, then one per
        coloured unit, labelled with its name.

    Raises
    ------
    ValueError
        When a filter matches nothing or ``lang`` is unknown; the message names
        the value and the ones available.

    Examples
    --------
    See the module docstring.
    """
    trend = compute_trend(
        scores,
        index=index,
        component=component,
        level=level,
        provinces=provinces,
        unit_type=unit_type,
        years=years,
        aggregates=aggregates,
    )
    others = reference_lines(
        scores,
        trend,
        index=index,
        component=component,
        level=level,
        unit_type=unit_type,
        years=years,
        aggregates=aggregates,
    )
    ax = new_axes(ax, (7.2, 4.4))
    note = draw_trend(ax, trend, others, lang=lang)
    ax.set(xlabel=label("year", lang), ylabel=score_label(scores, index, component, lang))
    title = index_title(index, component, lang) + place_suffix(trend, level, lang)
    ax.set_title(title + (f"\n{note}" if note else ""), loc="left", fontsize=11.5)
    label_line_ends(ax)
    mark_synthetic(ax, trend["synthetic"].any(), lang)
    return ax


@themed
def plot_components(
    scores: pd.DataFrame,
    *,
    index: str,
    level: str = "province",
    provinces: Names = None,
    years: Years = None,
    aggregates: pd.DataFrame | None = None,
    lang: str = "vi",
) -> Figure:
    """Draw one small panel per component of ``index`` (not the total), x and y shared.

    Each panel is :func:`plot_trend` of one component, in the order of
    ``components.csv``, on one y-scale so the panels compare; the year ticks are
    thinned to stay readable, and the legend of the coloured units is shared.
    Parameters as in :func:`plot_trend`.

    Returns
    -------
    Figure
        A new figure with one Axes per component.

    Raises
    ------
    ValueError
        When ``index`` has no components at ``level``.

    Examples
    --------
    >>> scores = pd.DataFrame({"index": "PAR", "level": "province", "unit": "Bến Tre",
    ...     "component": ["procedures", "civil_service"] * 2, "year": [2020, 2020, 2021, 2021],
    ...     "score": [80.0, 70.0, 82.0, 75.0]})
    >>> fig = plot_components(scores, index="PAR", lang="en")
    >>> [ax.get_title().replace(chr(10), " ") for ax in fig.axes]
    ['Administrative procedure reform', 'Civil service reform']
    """
    data = pick_rows(
        pick_rows(prepare_scores(scores), "index", index), "level", level, f"index={index!r}"
    )
    components = _component_order(index, data["component"].dropna().unique())
    if not components:
        raise SelectionError(f"No components for index={index!r}, level={level!r}; only 'total'.")
    ncols = min(3, len(components))
    nrows = -(-len(components) // ncols)
    fig, axes = plt.subplots(
        nrows,
        ncols,
        sharex=True,
        sharey=True,
        squeeze=False,
        layout="constrained",
        figsize=(min(2.45 * ncols + 0.9, 7.5), min(2.2 * nrows + 1.6, 10)),
    )
    synthetic = False
    notes = set()
    for ax, component in zip(axes.flat, components):
        trend = compute_trend(
            data,
            index=index,
            component=component,
            level=level,
            provinces=provinces,
            years=years,
            aggregates=aggregates,
        )
        others = reference_lines(
            data,
            trend,
            index=index,
            component=component,
            level=level,
            unit_type=None,
            years=years,
            aggregates=aggregates,
        )
        notes.add(draw_trend(ax, trend, others, lang=lang))
        ax.set_title(textwrap.fill(label(f"{index}:{component}", lang), 28), fontsize=9)
        synthetic |= bool(trend["synthetic"].any())
    years_shown = sorted({int(t) for ax in axes.flat[: len(components)] for t in ax.get_xticks()})
    step = 1 if len(years_shown) <= 4 else 2 if len(years_shown) <= 8 else 3
    for ax in axes.flat[: len(components)]:
        ticks = years_shown[::-1][::step][::-1]  # always the latest year
        ax.set_xticks(ticks, labels=[str(y) for y in ticks], rotation=0, ha="center")
        ax.tick_params(axis="x", labelsize=8)
        ax.tick_params(axis="y", labelsize=8)
    for ax in axes.flat[len(components) :]:
        axes[axes.shape[0] - 2, list(axes[-1]).index(ax)].xaxis.set_tick_params(labelbottom=True)
        ax.remove()
    handles, labels_ = axes.flat[0].get_legend_handles_labels()
    fig.legend(handles, labels_, loc="outside lower center", ncol=min(3, len(handles)), fontsize=8)
    title = label("components_title", lang, index=label(index, lang))
    if synthetic:
        title += f" — {label('synthetic_data', lang).upper()}"
    note = next((n for n in notes if n), "")
    if note:
        title += "\n" + note
    fig.suptitle(title, x=0.01, ha="left", fontweight="bold", fontsize=10.5)
    fig.supylabel(score_label(scores, index, components[0], lang), fontsize=10)
    return fig


# -- helpers -------------------------------------------------------------------------------


def _component_order(index: str, present) -> list[str]:
    return sorted((c for c in present if c != "total"), key=lambda c: component_rank(index, c))
