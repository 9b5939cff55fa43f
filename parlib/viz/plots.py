"""Policy-paper plots of the clean ``scores`` table, in Vietnamese or English.

Each function takes the scores first, options keyword-only, draws on the Axes
it is given (or a new figure) and returns the Axes; :func:`plot_components`
returns its Figure. Text is drawn in DejaVu Sans, which covers Vietnamese, and
colours come from the colour-blind-safe Okabe–Ito palette. The theme is
applied inside each call only (see :func:`plot_theme`): importing this module
changes no global state. Saving goes through :func:`parlib.viz.figures.save_figure`.

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

import functools
import textwrap
import warnings
from collections.abc import Iterator
from contextlib import contextmanager

import matplotlib as mpl
import matplotlib.pyplot as plt
import matplotlib.transforms as mtransforms
import numpy as np
import pandas as pd
import seaborn as sns
from cycler import cycler
from matplotlib.axes import Axes
from matplotlib.figure import Figure
from matplotlib.patches import Patch
from matplotlib.text import Text
from matplotlib.ticker import FuncFormatter, MaxNLocator

from parlib.errors import ParameterError, SelectionError
from parlib.viz.labels import check_lang, component_rank, label
from parlib.analysis.correlation import compute_correlation
from parlib.analysis.percentiles import compute_percentiles
from parlib.analysis.select import Names, Years, pick_rows, prepare_scores
from parlib.analysis.trend import compute_changes, compute_trend

__all__ = ["PALETTE", "THEME", "plot_changes", "plot_components", "plot_correlation",
           "plot_correlation_matrix", "plot_percentiles", "plot_ranking", "plot_theme",
           "plot_trend"]

#: Okabe–Ito colours, most distinct first (yellow last: weak on white).
PALETTE = ["#0072B2", "#D55E00", "#009E73", "#CC79A7", "#E69F00", "#56B4E9", "#000000",
           "#F0E442"]
MARKERS = ["o", "s", "^", "D", "v", "P", "X"]
_GREY = "#555555"
_DIVERGING = "RdBu_r"  # ColorBrewer RdBu: colour-blind safe, centred on white

#: rc parameters applied by :func:`plot_theme` (never at import time).
THEME: dict[str, object] = {
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


def _themed(func):
    @functools.wraps(func)
    def wrapper(*args, **kwargs):
        check_lang(kwargs.get("lang", "vi"))
        with plot_theme():
            return func(*args, **kwargs)
    return wrapper


@_themed
def plot_trend(scores: pd.DataFrame, *, index: str, component: str = "total",
               level: str = "province", provinces: Names = None, unit_type: Names = None,
               years: Years = None, aggregates: pd.DataFrame | None = None,
               lang: str = "vi", ax: Axes | None = None) -> Axes:
    """Draw the chosen units' scores by year in colour over the rest of their group in grey.

    In the style of policy charts: at most eight units in colour (with more
    chosen, the four highest and four lowest of the latest year, as the title
    says), every other unit of the reference group (the level; below province
    level, the chosen units' provinces) as a thin grey line, the mean dashed,
    the interquartile range shaded, and each coloured line named at its end
    instead of a legend. A unit with one year of figures is a point; a year
    without a figure is a gap (never bridged); the year axis covers only the
    years with data.

    The reference line is that of :func:`parlib.analysis.stats.compute_trend`: a
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
        What to draw, as in :func:`parlib.analysis.stats.compute_trend`; ``provinces``
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
    trend = compute_trend(scores, index=index, component=component, level=level,
                          provinces=provinces, unit_type=unit_type, years=years,
                          aggregates=aggregates)
    others = _reference_lines(scores, trend, index=index, component=component, level=level,
                              unit_type=unit_type, years=years, aggregates=aggregates)
    ax = _axes(ax, (7.2, 4.4))
    note = _draw_trend(ax, trend, others, lang=lang)
    ax.set(xlabel=label("year", lang), ylabel=_score_label(scores, index, component, lang))
    title = _title(index, component, lang) + _place(trend, level, lang)
    ax.set_title(title + (f"\n{note}" if note else ""), loc="left", fontsize=11.5)
    _label_line_ends(ax)
    _mark_synthetic(ax, trend["synthetic"].any(), lang)
    return ax


@_themed
def plot_changes(scores: pd.DataFrame, *, index: str, component: str = "total",
                 level: str = "province", start: int | None = None, end: int | None = None,
                 n: int = 5, provinces: Names = None, unit_type: Names = None, lang: str = "vi",
                 ax: Axes | None = None) -> Axes:
    """Draw horizontal bars of the biggest risers and fallers between two years.

    Parameters are those of :func:`parlib.analysis.stats.compute_changes`, plus ``lang``
    and ``ax`` as in :func:`plot_trend`. Returns the Axes, one bar per unit.

    Examples
    --------
    >>> scores = pd.DataFrame({"index": "PAR", "component": "total", "level": "province",
    ...     "unit": ["A", "A", "B", "B"], "year": [2019, 2021] * 2, "score": [80.0, 85, 90, 88]})
    >>> ax = plot_changes(scores, index="PAR", lang="en")
    >>> [t.get_text() for t in ax.get_yticklabels()], ax.get_xlabel()
    (['A', 'B'], 'Change 2019–2021 (points)')
    """
    changes = compute_changes(scores, index=index, component=component, level=level,
                              start=start, end=end, n=n, provinces=provinces,
                              unit_type=unit_type)
    changes = changes.sort_values("change", ascending=False, kind="stable")
    ax = _axes(ax, (7, 0.35 * max(len(changes), 4) + 1.5))
    pos = np.arange(len(changes))
    colors = np.where(changes["direction"] == "riser", PALETTE[0], PALETTE[1])
    bars = ax.barh(pos, changes["change"], color=colors, height=0.7)
    ax.bar_label(bars, labels=[_num(v, 1, lang, sign=True) for v in changes["change"]],
                 padding=3, fontsize=8)
    ax.set_yticks(pos, labels=_unit_names(changes, level))
    ax.set_ylim(len(pos) - 0.4, -0.6)  # top to bottom, no empty rows
    ax.axvline(0, color="black", linewidth=0.8)
    ax.margins(x=0.15)
    ax.grid(axis="y", visible=False)
    _decimal_axis(ax.xaxis, lang)
    first, last = _first(changes, "start_year", start), _first(changes, "end_year", end)
    ax.set_xlabel(label("change_axis", lang, start=first, end=last))
    ax.set_title(label("changes_title", lang, index=_title(index, component, lang),
                       start=first, end=last))
    present = set(changes["direction"])
    ax.legend(handles=[Patch(color=color, label=label(key, lang)) for key, color in
                       (("riser", PALETTE[0]), ("faller", PALETTE[1])) if key in present],
              loc="best")
    _mark_synthetic(ax, changes["synthetic"].any(), lang)
    return ax


@_themed
def plot_components(scores: pd.DataFrame, *, index: str, level: str = "province",
                    provinces: Names = None, years: Years = None,
                    aggregates: pd.DataFrame | None = None, lang: str = "vi") -> Figure:
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
    data = pick_rows(pick_rows(prepare_scores(scores), "index", index), "level", level, f"index={index!r}")
    components = _component_order(index, data["component"].dropna().unique())
    if not components:
        raise SelectionError(f"No components for index={index!r}, level={level!r}; only 'total'.")
    ncols = min(3, len(components))
    nrows = -(-len(components) // ncols)
    fig, axes = plt.subplots(nrows, ncols, sharex=True, sharey=True, squeeze=False,
                             layout="constrained",
                             figsize=(min(2.45 * ncols + 0.9, 7.5), min(2.2 * nrows + 1.6, 10)))
    synthetic = False
    notes = set()
    for ax, component in zip(axes.flat, components):
        trend = compute_trend(data, index=index, component=component, level=level,
                              provinces=provinces, years=years, aggregates=aggregates)
        others = _reference_lines(data, trend, index=index, component=component, level=level,
                                  unit_type=None, years=years, aggregates=aggregates)
        notes.add(_draw_trend(ax, trend, others, lang=lang))
        ax.set_title(textwrap.fill(label(f"{index}:{component}", lang), 28), fontsize=9)
        synthetic |= bool(trend["synthetic"].any())
    years_shown = sorted({int(t) for ax in axes.flat[:len(components)] for t in ax.get_xticks()})
    step = 1 if len(years_shown) <= 4 else 2 if len(years_shown) <= 8 else 3
    for ax in axes.flat[:len(components)]:
        ticks = years_shown[::-1][::step][::-1]  # always the latest year
        ax.set_xticks(ticks, labels=[str(y) for y in ticks], rotation=0, ha="center")
        ax.tick_params(axis="x", labelsize=8)
        ax.tick_params(axis="y", labelsize=8)
    for ax in axes.flat[len(components):]:
        axes[axes.shape[0] - 2, list(axes[-1]).index(ax)].xaxis.set_tick_params(labelbottom=True)
        ax.remove()
    handles, labels_ = axes.flat[0].get_legend_handles_labels()
    fig.legend(handles, labels_, loc="outside lower center", ncol=min(3, len(handles)),
               fontsize=8)
    title = label("components_title", lang, index=label(index, lang))
    if synthetic:
        title += f" — {label('synthetic_data', lang).upper()}"
    note = next((n for n in notes if n), "")
    if note:
        title += "\n" + note
    fig.suptitle(title, x=0.01, ha="left", fontweight="bold", fontsize=10.5)
    fig.supylabel(_score_label(scores, index, components[0], lang), fontsize=10)
    return fig


@_themed
def plot_correlation(scores: pd.DataFrame, *, x: str, y: str, years: Years = None,
                     level: str = "province", lang: str = "vi", ax: Axes | None = None) -> Axes:
    """Draw a scatter of two indices with the fitted line, outliers named, statistics boxed.

    ``x``, ``y``, ``years`` and ``level`` are those of
    :func:`parlib.analysis.stats.compute_correlation`. The box gives Pearson r with its
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
    ax = _axes(ax, (6.3, 5.6))
    ax.set(xlabel=_spec_label(x, lang), ylabel=_spec_label(y, lang))
    ax.set_title(textwrap.fill(label("correlation_title", lang, x=_spec_label(x, lang),
                                     y=_spec_label(y, lang)), 70))  # long names: two lines
    if result.message:
        message = result.message
        if lang == "vi":
            key = "too_few_pairs" if result.n < 3 else "no_variation"
            message = label(key, lang, n=result.n, x=x, y=y, years=_span(result.years or
                                                                          _years(years)))
        ax.text(0.5, 0.5, textwrap.fill(message, 48), ha="center", va="center",
                transform=ax.transAxes, fontsize=10, color=_GREY)
        ax.set_xticks([])
        ax.set_yticks([])
        return ax
    pairs = result.pairs
    normal, odd = pairs.loc[~pairs["outlier"]], pairs.loc[pairs["outlier"]]
    ax.scatter(normal["x"], normal["y"], color=PALETTE[0], alpha=0.8, s=28, zorder=3)
    xs = np.linspace(pairs["x"].min(), pairs["x"].max(), 2)
    ax.plot(xs, result.intercept + result.slope * xs, color=_GREY, linewidth=1.5,
            label=label("regression_line", lang))
    if len(odd):
        ax.scatter(odd["x"], odd["y"], color=PALETTE[1], marker="D", s=36, zorder=4,
                   label=label("outlier", lang))
    lines = [f"Pearson r = {_num(result.pearson_r, 2, lang)}"
             + (f" [{label('ci95_cluster' if result.pooled else 'ci95', lang)}: "
                f"{_num(result.pearson_ci_low, 2, lang)}"
                f"{'; ' if lang == 'vi' else ', '}{_num(result.pearson_ci_high, 2, lang)}]"
                if not np.isnan(result.pearson_ci_low) else "")
             + f", {_pvalue(result.pearson_p, lang)}",
             f"Spearman ρ = {_num(result.spearman_rho, 2, lang)}, "
             f"{_pvalue(result.spearman_p, lang)}",
             f"n = {result.n} {label('pairs', lang)}"
             + (f", {label('pooled', lang, years=_span(result.years))}" if result.pooled
                else f" ({result.years[0]})")]
    # The statistics and the legend stand under the axes, clear of the data.
    legend = ax.legend(loc="upper left", bbox_to_anchor=(0.0, -0.12), fontsize=8.5,
                       borderaxespad=0, ncol=2)
    ax.annotate("\n".join(lines), (0, 0), xycoords=legend, xytext=(0, -6),
                textcoords="offset points", va="top", ha="left", fontsize=8.5,
                annotation_clip=False)
    if len(odd):
        names = [ax.text(row.x, row.y, f"{row.unit} {row.year}" if result.pooled
                         else str(row.unit), fontsize=8, color=PALETTE[1], zorder=5)
                 for row in odd.itertuples()]
        _place_labels(ax, names, pairs["x"].to_numpy(float), pairs["y"].to_numpy(float))
    _decimal_axis(ax.xaxis, lang)
    _decimal_axis(ax.yaxis, lang)
    _mark_synthetic(ax, pairs["synthetic"].any(), lang)
    return ax


@_themed
def plot_correlation_matrix(matrix: pd.DataFrame, *, lang: str = "vi",
                            ax: Axes | None = None) -> Axes:
    """Draw a correlation matrix as an annotated heatmap, diverging around 0 from -1 to 1.

    ``matrix`` is what :func:`parlib.analysis.stats.compute_correlation_matrix` returns;
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
    if (not isinstance(matrix, pd.DataFrame) or matrix.shape[0] != matrix.shape[1]
            or list(matrix.index) != list(matrix.columns)):
        shape = "×".join(map(str, getattr(matrix, "shape", ())))
        raise ParameterError("`matrix` must be a square DataFrame with the same labels on both "
                             f"axes (as compute_correlation_matrix returns), but a {shape} "
                             f"{type(matrix).__name__} was passed.")
    names = [str(c) for c in matrix.columns]
    indices = {n.partition(":")[0] for n in names}
    ticks = [textwrap.fill(_spec_label(n, lang, short=len(indices) == 1), 30) for n in names]
    k = len(names)
    ax = _axes(ax, (min(0.6 * k + 2.9, 7.5), min(0.52 * k + 2.3, 7.5)))
    values = matrix.astype(float)
    annot = values.map(lambda v: "" if np.isnan(v) else _num(v, 2, lang))
    method = matrix.attrs.get("method", "pearson")
    with warnings.catch_warnings():  # seaborn 0.13 calls Colormap.set_bad
        warnings.filterwarnings("ignore", "The set_bad function", PendingDeprecationWarning)
        sns.heatmap(values, vmin=-1, vmax=1, center=0, cmap=_DIVERGING, annot=annot.to_numpy(),
                    fmt="", square=True, linewidths=0.5, linecolor="white", xticklabels=ticks,
                    yticklabels=ticks, ax=ax, annot_kws={"fontsize": 7.5 if k > 6 else 9},
                    cbar_kws={"label": f"{label('correlation', lang)} ({label(method, lang)})"})
    ax.tick_params(axis="x", labelrotation=90, labelsize=7.5 if k > 6 else 9)
    ax.tick_params(axis="y", labelrotation=0, labelsize=7.5 if k > 6 else 9)
    counts = [v for col in matrix.attrs.get("n", {}).values() for v in col.values()]
    title = label("correlation", lang) + f" {label(method, lang)}"
    if counts:
        title = label("matrix_title", lang, method=label(method, lang), n=_span(counts))
    ax.set_title(title)
    ax.grid(False)
    _mark_synthetic(ax, bool(matrix.attrs.get("synthetic")), lang)
    return ax


@_themed
def plot_ranking(scores: pd.DataFrame, *, index: str, year: int, component: str = "total",
                 level: str = "province", provinces: Names = None, lang: str = "vi",
                 ax: Axes | None = None) -> Axes:
    """Draw one year's ranking as dots sorted by score, labelled "name  01/63" and the score.

    A dot plot without stems (a stem from an arbitrary start would exaggerate
    differences). A published rank is shown with the n it was published with
    ("02/63"); a unit without one gets the rank parlib computes among the units
    with a figure, labelled as such ("3rd of the 6 provinces with a figure"),
    never in the "03/63" form. The rows drawn are
    :func:`parlib.viz.figure_data.ranking_data`. More than 32 units are drawn in
    two columns so that a 63-province ranking fits a page; the first column's
    Axes is returned. Below province level a ranking is one province's: pass
    ``provinces``, else a ValueError lists them.

    Examples
    --------
    >>> scores = pd.DataFrame({"index": "PAR", "component": "total", "level": "province",
    ...     "unit": ["A", "B"], "year": 2021, "score": [80.0, 90.0], "rank": [40, 3],
    ...     "n_units": 63})
    >>> ax = plot_ranking(scores, index="PAR", year=2021, lang="en")
    >>> [t.get_text() for t in ax.get_yticklabels()]
    ['B  03/63', 'A  40/63']
    >>> ax = plot_ranking(scores.assign(rank=[40, None], n_units=[63, None]), index="PAR",
    ...                   year=2021, lang="en")
    >>> [t.get_text() for t in ax.get_yticklabels()]
    ['B  1st of the 2 provinces with a figure', 'A  40/63']
    """
    from parlib.viz.figure_data import ranking_data

    ranks = ranking_data(scores, index=index, year=year, component=component, level=level,
                         provinces=provinces)
    if level != "province" and ranks["province"].nunique() > 1:
        raise ParameterError(f"plot_ranking draws one ranking, but level={level!r} has rows from "
                             f"{ranks['province'].nunique()} provinces: "
                             f"{sorted(ranks['province'].unique())}; pass provinces=[...].")
    what = label("units_provinces" if level == "province" else "units_units", lang)
    kinds = set(ranks["rank_kind"].dropna())
    counts = ranks["n_units"].dropna().unique()
    computed = kinds == {"computed"} and len(counts) == 1  # said once, in the title
    no_n = kinds == {"published"} and len(counts) == 0  # likewise: published, n not published
    once = computed or no_n
    names = [f"{name}  {_ordinal(int(r)) if computed and lang == 'en' else int(r)}" if once and
             pd.notna(r) else f"{name}  {_rank_text(r, n, kind, lang=lang, what=what)}".rstrip()
             for name, r, n, kind in zip(_unit_names(ranks, level), ranks["rank"],
                                          ranks["n_units"], ranks["rank_kind"])]
    title = label("ranking_title", lang, index=_title(index, component, lang) + _place(
        ranks, level, lang), year=year)
    if computed:
        title += "\n" + label("rank_computed_all", lang, n=int(counts[0]), what=what)
    elif no_n:
        title += "\n" + label("rank_no_n_all", lang)
    columns = _row_columns(ax, len(ranks))
    lo, hi = ranks["score"].min(), ranks["score"].max()
    pad = max((hi - lo) * 0.06, 0.4)
    for col, rows in columns:
        part = ranks.iloc[rows]
        pos = np.arange(len(part))
        col.scatter(part["score"], pos, color=PALETTE[0], s=26, zorder=3)
        for p, value in zip(pos, part["score"]):
            col.annotate(_num(value, 2, lang), (value, p), xytext=(5, 0),
                         textcoords="offset points", va="center", fontsize=7.5)
        col.set_yticks(pos, labels=[names[i] for i in rows], fontsize=8)
        col.set_ylim(len(pos) - 0.4, -0.6)  # top to bottom, no empty rows
        col.set_xlim(lo - pad, hi + pad * 2.2)  # room for the score beside the dot
        col.xaxis.set_major_locator(MaxNLocator(nbins=4))
        col.grid(axis="y", visible=False)
        _decimal_axis(col.xaxis, lang)
        col.set_xlabel(_score_label(scores, index, component, lang), fontsize=9)
    ax = columns[0][0]
    if len(columns) > 1:
        ax.figure.suptitle(title, x=0.01, ha="left", fontsize=11.5)
    else:
        ax.set_title(title, loc="left", fontsize=11.5)
    _mark_synthetic(ax, ranks["synthetic"].any(), lang)
    return ax


@_themed
def plot_percentiles(scores: pd.DataFrame, *, index: str, year: int, unit_type: Names = None,
                     component: str = "total", level: str = "department", lang: str = "vi",
                     ax: Axes | None = None) -> Axes:
    """Draw units' percentiles within their province's ranking, comparable across provinces.

    With one ``unit_type`` (say "cong_thuong") this compares the same department
    across provinces that rank different numbers of units.

    Examples
    --------
    >>> scores = pd.DataFrame({"index": "PAR", "component": "total", "level": "department",
    ...     "province": ["Bến Tre", "Bến Tre", "Trà Vinh", "Trà Vinh"], "year": 2021,
    ...     "unit": ["Sở Y tế", "Sở Nội vụ"] * 2, "unit_type": ["y_te", "noi_vu"] * 2,
    ...     "score": [91.0, 88.0, 80.0, 90.0]})
    >>> ax = plot_percentiles(scores, index="PAR", year=2021, unit_type="y_te", lang="en")
    >>> [t.get_text() for t in ax.get_yticklabels()]
    ['Bến Tre  1st of the 2 units with a figure', 'Trà Vinh  2nd of the 2 units with a figure']
    """
    pct = compute_percentiles(scores, index=index, component=component, level=level, year=year,
                              unit_type=unit_type).dropna(subset=["percentile"])
    one_type = unit_type is not None and pct["unit_type"].nunique() == 1
    ax = _axes(ax, (7, 0.28 * max(len(pct), 4) + 1.4))
    pos = np.arange(len(pct))
    ax.hlines(pos, 0, pct["percentile"], color="#CCCCCC", linewidth=1)
    ax.scatter(pct["percentile"], pos, color=PALETTE[2], s=30, zorder=3)
    one_province = pct["province"].nunique() == 1
    names = pct["province"].astype(str) if one_type else pct["unit"].astype(str) \
        if one_province else pd.Series([f"{u} ({p})" for u, p in zip(pct["unit"],
                                                                      pct["province"])])
    what = label("units_units", lang)
    ax.set_yticks(pos, labels=[f"{name}  {_rank_text(r, n, kind, lang=lang, what=what)}"
                               for name, r, n, kind in zip(names, pct["rank"], pct["n_units"],
                                                           pct["rank_kind"])])
    ax.set_ylim(len(pos) - 0.4, -0.6)  # top to bottom, no empty rows
    ax.set_xlim(-3, 103)
    ax.grid(axis="y", visible=False)
    ax.set_xlabel(label("percentile_axis", lang))
    title = label("percentiles_title", lang, year=year, index=_title(index, component, lang)
                  + ("" if one_type else _place(pct, level, lang)))
    if one_type:
        title += f" — {label(str(pct['unit_type'].iloc[0]), lang)}"
    ax.set_title(title)
    _mark_synthetic(ax, pct["synthetic"].any(), lang)
    return ax


# -- helpers -------------------------------------------------------------------------------

def _axes(ax: Axes | None, size: tuple[float, float]) -> Axes:
    if ax is not None:
        return ax
    return plt.figure(figsize=size, layout="constrained").add_subplot()


_LIGHT = "#C9C9C9"
_MAX_COLOURED = 8
#: Line colours: Okabe–Ito without its yellow (unreadable as text on white), then Tol's wine.
_LINE_COLOURS = [*PALETTE[:7], "#882255"]


def _unit_key(frame: pd.DataFrame) -> pd.Series:
    return (frame["province_code"].astype("string").fillna("") + "|"
            + frame["unit"].astype("string").fillna(""))


def _reference_lines(scores: pd.DataFrame, trend: pd.DataFrame, *, index: str, component: str,
                     level: str, unit_type: Names, years: Years,
                     aggregates: pd.DataFrame | None = None) -> pd.DataFrame:
    """The units of the reference group that are not chosen, one row a year, drawn in grey.

    Exactly the unit rows of :func:`parlib.viz.figure_data.trend_data` with the role
    "reference" (its published averages are the reference line, not grey
    lines), so the figure's data file and citation hold every grey line.
    """
    from parlib.viz.figure_data import trend_data

    provinces = trend["province_code"].dropna().unique().tolist() or None
    rows = trend_data(scores, index=index, component=component, level=level,
                      provinces=provinces, unit_type=unit_type, years=years,
                      aggregates=aggregates)
    rows = rows.loc[(rows["role"] == "reference").to_numpy(dtype=bool)]
    if "statistic" in rows:
        rows = rows.loc[rows["statistic"].isna().to_numpy(dtype=bool)]
    rows = rows.assign(province_code=rows["province_code"].astype("string"),
                       year=rows["year"].astype("Int64"))
    return rows.loc[~_unit_key(rows).isin(_unit_key(trend)).to_numpy(dtype=bool)]


def _draw_trend(ax: Axes, trend: pd.DataFrame, others: pd.DataFrame | None = None, *,
                lang: str, names: bool = True) -> str:
    """Draw the trend chart's layers; return the note on which units are coloured ("" if all).

    The coloured lines are labelled for :func:`_label_line_ends` (or a legend).
    """
    others = trend.iloc[:0] if others is None else others
    data_years = sorted({int(y) for y in pd.concat([trend.loc[trend["score"].notna(), "year"],
                                                    others.loc[others["score"].notna(), "year"]])
                         .dropna()})
    if not data_years:
        data_years = sorted(int(y) for y in trend["year"].dropna().unique())
    years = np.arange(data_years[0], data_years[-1] + 1)
    for _, unit in others.groupby(["province_code", "unit"], dropna=False, sort=False):
        _draw_unit(ax, unit, years, color=_LIGHT, linewidth=0.9, size=3, zorder=1.5)
    _draw_reference(ax, trend, years, lang=lang)
    groups = list(trend.groupby(["province_code", "province", "unit"], dropna=False,
                                sort=False))
    note = ""
    if len(groups) > _MAX_COLOURED:
        latest = {key: unit.dropna(subset=["score"]).sort_values("year")["score"].iloc[-1]
                  for key, unit in groups if unit["score"].notna().any()}
        ranked = sorted(latest, key=lambda k: -latest[k])
        half = _MAX_COLOURED // 2
        chosen = set(ranked[:half] + ranked[-half:])
        for key, unit in groups:
            if key not in chosen:
                _draw_unit(ax, unit, years, color=_LIGHT, linewidth=0.9, size=3, zorder=1.5)
        groups = [(key, unit) for key, unit in groups if key in chosen]
        groups.sort(key=lambda g: -latest[g[0]])
        note = label("highlight_note", lang, n=half)
    several = trend["province"].nunique() > 1
    for i, (_, unit) in enumerate(groups):
        name = unit["unit"].iloc[0]
        if several and pd.notna(unit["province"].iloc[0]) \
                and str(unit["unit"].iloc[0]) != str(unit["province"].iloc[0]):
            name = f"{name} ({unit['province'].iloc[0]})"
        _draw_unit(ax, unit, years, color=_LINE_COLOURS[i % len(_LINE_COLOURS)], linewidth=2,
                   size=5, zorder=3, label=str(name) if names else None,
                   marker=MARKERS[(i // len(_LINE_COLOURS)) % len(MARKERS)])
    ax.set_xticks(data_years, labels=[str(y) for y in data_years],
                  **({"rotation": 45, "ha": "right"} if len(data_years) > 8 else {}))
    ax.set_xlim(data_years[0] - 0.4, data_years[-1] + 0.4)
    ax.grid(axis="x", visible=False)
    _decimal_axis(ax.yaxis, lang)
    return note


_REFERENCE_STYLE = {"national": ("-", "x"), "province_published": ("-", "x"),
                    "dataset": ("--", "o"), "province": ("--", "o")}


def _draw_reference(ax: Axes, trend: pd.DataFrame, years: np.ndarray, *, lang: str) -> None:
    """Draw the reference of :func:`parlib.analysis.stats.compute_trend`, one line per kind.

    Units of several provinces below province level share no reference (each
    province scores its own units): nothing is drawn for them.
    """
    ref = trend.dropna(subset=["mean"])
    if "reference" not in ref or ref.empty:
        return
    local = ref["reference"].isin(["province", "province_published"])
    if local.any() and ref.loc[local, "province_code"].nunique() > 1:
        return
    summary = ref.drop_duplicates("year").set_index("year").reindex(years)
    band = summary["q25"].notna()
    if band.any():
        n = int(summary.loc[band, "n"].max())
        key = "band_iqr_province" if local.any() else "band_iqr_all"
        ax.fill_between(years, summary["q25"].to_numpy(float), summary["q75"].to_numpy(float),
                        color=_GREY, alpha=0.12, linewidth=0, zorder=1,
                        label=label(key, lang, n=n))
    province = str(ref["province"].iloc[0])
    for kind, (style, marker) in _REFERENCE_STYLE.items():
        line = summary["mean"].where(summary["reference"] == kind)
        if line.isna().all():
            continue
        counts = summary.loc[summary["reference"] == kind, "n"].dropna().astype(int)
        expected = summary["n_expected"].dropna()
        expected = int(expected.iloc[0]) if len(expected) else 0
        if kind == "dataset" and len(counts) and counts.min() >= expected:
            text = label("ref_dataset_all", lang, n=expected)
        else:
            text = label(f"ref_{kind}", lang, n=_span(counts), expected=expected,
                         province=province)
        ax.plot(years, line.to_numpy(float), color=_GREY, linestyle=style, marker=marker,
                markersize=4, markerfacecolor="white" if marker == "o" else _GREY,
                linewidth=1.5, zorder=2, label=textwrap.fill(text, 42))


def _draw_unit(ax: Axes, unit: pd.DataFrame, years: np.ndarray, *, color: str, linewidth: float,
               size: float, zorder: float, label: str | None = None, marker: str = "o") -> None:
    """One unit's line; a unit with a single year of figures is a point."""
    line = unit.set_index("year")["score"].reindex(years).to_numpy(float)
    one = np.isfinite(line).sum() == 1
    ax.plot(years, line, color=color, linewidth=0 if one else linewidth, marker=marker,
            markersize=size + (1.5 if one else 0), zorder=zorder, label=label or "_nolegend_")


def _label_line_ends(ax: Axes, *, fontsize: float = 8.5, width: int = 26) -> None:
    """Name each labelled line at the right of its last point, the names kept apart.

    The names stand in one column right of the axes, in the order of the
    lines' last values, moved apart vertically just enough not to overlap; a
    thin dotted connector joins a name to its line's last point (dotted, so that
    a connector across later years is not read as a line of figures).
    """
    items = []
    for line in ax.get_lines():
        name = line.get_label()
        if not name or name.startswith("_"):
            continue
        x, y = np.asarray(line.get_xdata(), float), np.asarray(line.get_ydata(), float)
        ok = np.isfinite(y)
        if ok.any():
            text = textwrap.fill(name.replace(" = ", "\u00a0=\u00a0"), width)  # "n = 5" whole
            items.append([x[ok][-1], y[ok][-1], text, line.get_color()])
    if not items:
        return
    fig = ax.figure
    where = mtransforms.blended_transform_factory(ax.transAxes, ax.transData)
    notes = [ax.annotate(text, (x, y), xytext=(1.02, y), textcoords=where, va="center",
                         ha="left", fontsize=fontsize, color=color, annotation_clip=False,
                         clip_on=False, arrowprops={"arrowstyle": "-", "color": color,
                                                    "linewidth": 0.7, "alpha": 0.7,
                                                    "linestyle": (0, (1, 2.5)),
                                                    "shrinkA": 1, "shrinkB": 3})
             for x, y, text, color in items]
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
        placed = _spread([ys[i] for i in order], [heights[i] for i in order],
                         low=box.y0, high=box.y1)
        for rank, i in enumerate(order):
            notes[i].xyann = (1.02, ax.transData.inverted().transform((0, placed[rank]))[1])
    xmax = ax.get_xlim()[1]
    for (x, y, _, color), note in zip(items, notes):
        y_text = note.xyann[1]
        moved = abs(ax.transData.transform((0, y_text))[1] - ax.transData.transform((0, y))[1]) \
            > fontsize * 0.6 * fig.dpi / 72
        # a thin connector when the name moved off its line's end, or the line ends early
        note.arrow_patch.set_visible(moved or x < xmax - 0.5)


def _spread(ys: list[float], heights: list[float], *, low: float | None = None,
            high: float | None = None) -> list[float]:
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


_ROWS_PER_COLUMN = 32


def _place_labels(ax: Axes, texts: list, x: np.ndarray, y: np.ndarray) -> None:
    """Move point labels so that none overlaps another or a dot (adjustText), with leaders."""
    from adjustText import adjust_text

    ax.figure.draw_without_rendering()
    adjust_text(texts, x=x, y=y, ax=ax, expand=(1.15, 1.35), ensure_inside_axes=True,
                arrowprops={"arrowstyle": "-", "color": PALETTE[1], "linewidth": 0.6})


def _row_columns(ax: Axes | None, n: int) -> list[tuple[Axes, np.ndarray]]:
    """Axes for a list of ``n`` rows: one, or two side by side when ``n`` is long and no
    Axes is given, each with the positions of the rows it shows (sized for an A4 page)."""
    rows = np.arange(n)
    if ax is not None or n <= _ROWS_PER_COLUMN:
        ax = _axes(ax, (7, 0.24 * max(n, 4) + 1.3))
        return [(ax, rows)]
    half = -(-n // 2)
    fig, (left, right) = plt.subplots(1, 2, figsize=(7.5, 0.22 * half + 1.4), sharex=True,
                                      layout="constrained")
    return [(left, rows[:half]), (right, rows[half:])]


def _place(frame: pd.DataFrame, level: str, lang: str) -> str:
    """" — Bến Tre (sở, ban, ngành)" when the units are one province's, else ""."""
    provinces = frame["province"].dropna().unique()
    if level == "province" or len(provinces) != 1:
        return ""
    return f" — {provinces[0]} ({label(f'level_{level}', lang).lower()})"


def _mark_synthetic(ax: Axes, synthetic: bool, lang: str) -> None:
    if synthetic:  # a watermark: visible on every copy, hides no data
        ax.text(0.5, 0.5, label("synthetic_data", lang).upper(), transform=ax.transAxes,
                ha="center", va="center", rotation=20, fontsize=26, fontweight="bold",
                color=PALETTE[1], alpha=0.18, zorder=0, gid="parlib-synthetic-axes")


def _score_label(scores: pd.DataFrame, index: str, component: str, lang: str) -> str:
    if index in ("PAR", "SIPAS"):
        return label("score_percent", lang)
    if "scale_max" in scores.columns:
        rows = (scores["index"] == index) & (scores["component"] == component)
        scale = pd.to_numeric(scores.loc[rows, "scale_max"], errors="coerce").dropna().unique()
        if len(scale) == 1:
            return label("score_out_of", lang, scale_max=_num(scale[0], 0, lang))
    return label("score", lang)


def _title(index: str, component: str, lang: str) -> str:
    if component == "total":
        return label(index, lang)
    return label("trend_title", lang, index=label(index, lang),
                 component=label(f"{index}:{component}", lang))


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


def _component_order(index: str, present) -> list[str]:
    return sorted((c for c in present if c != "total"), key=lambda c: component_rank(index, c))


def _unit_names(frame: pd.DataFrame, level: str) -> list[str]:
    several = frame["province"].nunique() > 1 and level != "province"
    return [f"{u} ({p})" if several else str(u) for u, p in zip(frame["unit"], frame["province"])]


def _rank_text(rank, n_units, kind="published", *, lang: str = "vi", what: str = "") -> str:
    """ "02/63" for a published rank with its n; a computed rank says so in words."""
    if pd.isna(rank):
        return ""
    if kind == "computed":
        text = _ordinal(int(rank)) if lang == "en" else str(int(rank))
        return label("rank_computed", lang, rank=text, n=int(n_units), what=what)
    if pd.isna(n_units):
        return label("rank_no_n", lang, rank=int(rank))
    return f"{int(rank):0{len(str(int(n_units)))}d}/{int(n_units)}"


def _ordinal(n: int) -> str:
    suffix = "th" if 10 <= n % 100 <= 20 else {1: "st", 2: "nd", 3: "rd"}.get(n % 10, "th")
    return f"{n}{suffix}"


def _num(value: float, digits: int, lang: str, *, sign: bool = False) -> str:
    text = f"{value:{'+' if sign else ''}.{digits}f}"
    return text.replace(".", ",") if lang == "vi" else text


def _pvalue(p: float, lang: str) -> str:
    return "p < " + _num(0.001, 3, lang) if p < 0.001 else "p = " + _num(p, 3, lang)


def _span(values) -> str:
    values = sorted(int(v) for v in values)
    if not values:
        return "0"
    return str(values[0]) if values[0] == values[-1] else f"{values[0]}–{values[-1]}"


def _first(frame: pd.DataFrame, column: str, default):
    return int(frame[column].iloc[0]) if len(frame) else default


def _decimal_axis(axis, lang: str) -> None:
    if lang == "vi":
        axis.set_major_formatter(FuncFormatter(lambda v, _: f"{v:g}".replace(".", ",")))
