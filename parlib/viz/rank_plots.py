"""Plots of units' standing: one year's ranking, percentiles within a province, changes.

Each function takes the scores first, options keyword-only, draws on the Axes
it is given (or a new figure) in the theme of :mod:`parlib.viz.theme`, and
returns the Axes. A published rank is shown with the n it was published with
("02/63"); a rank parlib computes says so in words.
"""

from __future__ import annotations

import matplotlib.pyplot as plt
import numpy as np
import pandas as pd
from matplotlib.axes import Axes
from matplotlib.patches import Patch
from matplotlib.ticker import MaxNLocator

from parlib.analysis.percentiles import compute_percentiles
from parlib.analysis.select import Names
from parlib.analysis.trend import compute_changes
from parlib.errors import ParameterError
from parlib.viz.labels import label
from parlib.viz.plot_text import format_number, index_title, place_suffix, score_label
from parlib.viz.theme import PALETTE, decimal_axis, mark_synthetic, new_axes, themed

__all__ = ["plot_changes", "plot_percentiles", "plot_ranking"]


@themed
def plot_changes(
    scores: pd.DataFrame,
    *,
    index: str,
    component: str = "total",
    level: str = "province",
    start: int | None = None,
    end: int | None = None,
    n: int = 5,
    provinces: Names = None,
    unit_type: Names = None,
    lang: str = "vi",
    ax: Axes | None = None,
) -> Axes:
    """Draw horizontal bars of the biggest risers and fallers between two years.

    Parameters are those of :func:`parlib.analysis.trend.compute_changes`, plus ``lang``
    and ``ax`` as in :func:`parlib.viz.trend_plots.plot_trend`. Returns the Axes, one bar per unit.

    Examples
    --------
    >>> scores = pd.DataFrame({"index": "PAR", "component": "total", "level": "province",
    ...     "unit": ["A", "A", "B", "B"], "year": [2019, 2021] * 2, "score": [80.0, 85, 90, 88]})
    >>> ax = plot_changes(scores, index="PAR", lang="en")
    >>> [t.get_text() for t in ax.get_yticklabels()], ax.get_xlabel()
    (['A', 'B'], 'Change 2019–2021 (points)')
    """
    changes = compute_changes(
        scores,
        index=index,
        component=component,
        level=level,
        start=start,
        end=end,
        n=n,
        provinces=provinces,
        unit_type=unit_type,
    )
    changes = changes.sort_values("change", ascending=False, kind="stable")
    ax = new_axes(ax, (7, 0.35 * max(len(changes), 4) + 1.5))
    pos = np.arange(len(changes))
    colors = np.where(changes["direction"] == "riser", PALETTE[0], PALETTE[1])
    bars = ax.barh(pos, changes["change"], color=colors, height=0.7)
    ax.bar_label(
        bars,
        labels=[format_number(v, 1, lang, sign=True) for v in changes["change"]],
        padding=3,
        fontsize=8,
    )
    ax.set_yticks(pos, labels=_unit_names(changes, level))
    ax.set_ylim(len(pos) - 0.4, -0.6)  # top to bottom, no empty rows
    ax.axvline(0, color="black", linewidth=0.8)
    ax.margins(x=0.15)
    ax.grid(axis="y", visible=False)
    decimal_axis(ax.xaxis, lang)
    first, last = _first(changes, "start_year", start), _first(changes, "end_year", end)
    ax.set_xlabel(label("change_axis", lang, start=first, end=last))
    ax.set_title(
        label(
            "changes_title", lang, index=index_title(index, component, lang), start=first, end=last
        )
    )
    present = set(changes["direction"])
    ax.legend(
        handles=[
            Patch(color=color, label=label(key, lang))
            for key, color in (("riser", PALETTE[0]), ("faller", PALETTE[1]))
            if key in present
        ],
        loc="best",
    )
    mark_synthetic(ax, changes["synthetic"].any(), lang)
    return ax


@themed
def plot_ranking(
    scores: pd.DataFrame,
    *,
    index: str,
    year: int,
    component: str = "total",
    level: str = "province",
    provinces: Names = None,
    lang: str = "vi",
    ax: Axes | None = None,
) -> Axes:
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

    ranks = ranking_data(
        scores, index=index, year=year, component=component, level=level, provinces=provinces
    )
    if level != "province" and ranks["province"].nunique() > 1:
        raise ParameterError(
            f"plot_ranking draws one ranking, but level={level!r} has rows from "
            f"{ranks['province'].nunique()} provinces: "
            f"{sorted(ranks['province'].unique())}; pass provinces=[...]."
        )
    what = label("units_provinces" if level == "province" else "units_units", lang)
    kinds = set(ranks["rank_kind"].dropna())
    counts = ranks["n_units"].dropna().unique()
    computed = kinds == {"computed"} and len(counts) == 1  # said once, in the title
    no_n = kinds == {"published"} and len(counts) == 0  # likewise: published, n not published
    once = computed or no_n
    names = [
        f"{name}  {_ordinal(int(r)) if computed and lang == 'en' else int(r)}"
        if once and pd.notna(r)
        else f"{name}  {_rank_text(r, n, kind, lang=lang, what=what)}".rstrip()
        for name, r, n, kind in zip(
            _unit_names(ranks, level), ranks["rank"], ranks["n_units"], ranks["rank_kind"]
        )
    ]
    title = label(
        "ranking_title",
        lang,
        index=index_title(index, component, lang) + place_suffix(ranks, level, lang),
        year=year,
    )
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
            col.annotate(
                format_number(value, 2, lang),
                (value, p),
                xytext=(5, 0),
                textcoords="offset points",
                va="center",
                fontsize=7.5,
            )
        col.set_yticks(pos, labels=[names[i] for i in rows], fontsize=8)
        col.set_ylim(len(pos) - 0.4, -0.6)  # top to bottom, no empty rows
        col.set_xlim(lo - pad, hi + pad * 2.2)  # room for the score beside the dot
        col.xaxis.set_major_locator(MaxNLocator(nbins=4))
        col.grid(axis="y", visible=False)
        decimal_axis(col.xaxis, lang)
        col.set_xlabel(score_label(scores, index, component, lang), fontsize=9)
    ax = columns[0][0]
    if len(columns) > 1:
        ax.figure.suptitle(title, x=0.01, ha="left", fontsize=11.5)
    else:
        ax.set_title(title, loc="left", fontsize=11.5)
    mark_synthetic(ax, ranks["synthetic"].any(), lang)
    return ax


@themed
def plot_percentiles(
    scores: pd.DataFrame,
    *,
    index: str,
    year: int,
    unit_type: Names = None,
    component: str = "total",
    level: str = "department",
    lang: str = "vi",
    ax: Axes | None = None,
) -> Axes:
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
    pct = compute_percentiles(
        scores, index=index, component=component, level=level, year=year, unit_type=unit_type
    ).dropna(subset=["percentile"])
    one_type = unit_type is not None and pct["unit_type"].nunique() == 1
    ax = new_axes(ax, (7, 0.28 * max(len(pct), 4) + 1.4))
    pos = np.arange(len(pct))
    ax.hlines(pos, 0, pct["percentile"], color="#CCCCCC", linewidth=1)
    ax.scatter(pct["percentile"], pos, color=PALETTE[2], s=30, zorder=3)
    one_province = pct["province"].nunique() == 1
    names = (
        pct["province"].astype(str)
        if one_type
        else pct["unit"].astype(str)
        if one_province
        else pd.Series([f"{u} ({p})" for u, p in zip(pct["unit"], pct["province"])])
    )
    what = label("units_units", lang)
    ax.set_yticks(
        pos,
        labels=[
            f"{name}  {_rank_text(r, n, kind, lang=lang, what=what)}"
            for name, r, n, kind in zip(names, pct["rank"], pct["n_units"], pct["rank_kind"])
        ],
    )
    ax.set_ylim(len(pos) - 0.4, -0.6)  # top to bottom, no empty rows
    ax.set_xlim(-3, 103)
    ax.grid(axis="y", visible=False)
    ax.set_xlabel(label("percentile_axis", lang))
    title = label(
        "percentiles_title",
        lang,
        year=year,
        index=index_title(index, component, lang)
        + ("" if one_type else place_suffix(pct, level, lang)),
    )
    if one_type:
        title += f" — {label(str(pct['unit_type'].iloc[0]), lang)}"
    ax.set_title(title)
    mark_synthetic(ax, pct["synthetic"].any(), lang)
    return ax


# -- helpers -------------------------------------------------------------------------------

_ROWS_PER_COLUMN = 32


def _row_columns(ax: Axes | None, n: int) -> list[tuple[Axes, np.ndarray]]:
    """Axes for a list of ``n`` rows: one, or two side by side when ``n`` is long and no
    Axes is given, each with the positions of the rows it shows (sized for an A4 page)."""
    rows = np.arange(n)
    if ax is not None or n <= _ROWS_PER_COLUMN:
        ax = new_axes(ax, (7, 0.24 * max(n, 4) + 1.3))
        return [(ax, rows)]
    half = -(-n // 2)
    _fig, (left, right) = plt.subplots(
        1, 2, figsize=(7.5, 0.22 * half + 1.4), sharex=True, layout="constrained"
    )
    return [(left, rows[:half]), (right, rows[half:])]


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


def _first(frame: pd.DataFrame, column: str, default):
    return int(frame[column].iloc[0]) if len(frame) else default
