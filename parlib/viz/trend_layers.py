"""The layers of a trend chart: the reference group in grey, its reference, the coloured units.

:func:`draw_trend` draws them on one Axes for :func:`parlib.viz.trend_plots.plot_trend`
and each panel of :func:`parlib.viz.trend_plots.plot_components`;
:func:`reference_lines` chooses the grey units.
"""

from __future__ import annotations

import textwrap
from typing import Any

import numpy as np
import pandas as pd
from matplotlib.axes import Axes

from parlib.analysis.select import Names, Years
from parlib.viz.labels import label
from parlib.viz.plot_text import format_span
from parlib.viz.theme import GREY, MARKERS, PALETTE, decimal_axis

__all__ = ["draw_trend", "reference_lines"]

_LIGHT = "#C9C9C9"
_MAX_COLOURED = 8
#: Line colours: Okabe–Ito without its yellow (unreadable as text on white), then Tol's wine.
_LINE_COLOURS = [*PALETTE[:7], "#882255"]


def _unit_key(frame: pd.DataFrame) -> pd.Series:
    return (
        frame["province_code"].astype("string").fillna("")
        + "|"
        + frame["unit"].astype("string").fillna("")
    )


def reference_lines(
    scores: pd.DataFrame,
    trend: pd.DataFrame,
    *,
    index: str,
    component: str,
    level: str,
    unit_type: Names,
    years: Years,
    aggregates: pd.DataFrame | None = None,
) -> pd.DataFrame:
    """Return the units of the reference group that are not chosen, one row a year, drawn in grey.

    Exactly the unit rows of :func:`parlib.viz.figure_data.trend_data` with the role
    "reference" (its published averages are the reference line, not grey
    lines), so the figure's data file and citation hold every grey line.

    Parameters
    ----------
    scores
        The clean scores table.
    trend
        The chosen units, from :func:`parlib.analysis.trend.compute_trend`.
    index, component, level, unit_type, years, aggregates
        As given to :func:`parlib.analysis.trend.compute_trend`.

    Returns
    -------
    pandas.DataFrame
        The grey units' rows, with ``province_code``, ``unit``, ``year`` and ``score``.
    """
    from parlib.viz.figure_data import trend_data

    provinces = trend["province_code"].dropna().unique().tolist() or None
    rows = trend_data(
        scores,
        index=index,
        component=component,
        level=level,
        provinces=provinces,
        unit_type=unit_type,
        years=years,
        aggregates=aggregates,
    )
    rows = rows.loc[(rows["role"] == "reference").to_numpy(dtype=bool)]
    if "statistic" in rows:
        rows = rows.loc[rows["statistic"].isna().to_numpy(dtype=bool)]
    rows = rows.assign(
        province_code=rows["province_code"].astype("string"), year=rows["year"].astype("Int64")
    )
    return rows.loc[~_unit_key(rows).isin(_unit_key(trend)).to_numpy(dtype=bool)]


def draw_trend(
    ax: Axes,
    trend: pd.DataFrame,
    others: pd.DataFrame | None = None,
    *,
    lang: str,
    names: bool = True,
) -> str:
    """Draw the trend chart's layers; return the note on which units are coloured ("" if all).

    The coloured lines are labelled for :func:`parlib.viz.annotate.label_line_ends`
    (or a legend).

    Parameters
    ----------
    ax
        The Axes to draw on.
    trend
        The chosen units, from :func:`parlib.analysis.trend.compute_trend`.
    others
        The grey units, from :func:`reference_lines`; none when None.
    lang
        "vi" or "en", for the labels.
    names
        Label the coloured lines with their units' names.

    Returns
    -------
    str
        The note on which units are coloured, "" when all are.
    """
    others = trend.iloc[:0] if others is None else others
    data_years = sorted(
        {
            int(y)
            for y in pd.concat(
                [
                    trend.loc[trend["score"].notna(), "year"],
                    others.loc[others["score"].notna(), "year"],
                ]
            ).dropna()
        }
    )
    if not data_years:
        data_years = sorted(int(y) for y in trend["year"].dropna().unique())
    years = np.arange(data_years[0], data_years[-1] + 1)
    for _, unit in others.groupby(["province_code", "unit"], dropna=False, sort=False):
        _draw_unit(ax, unit, years, color=_LIGHT, linewidth=0.9, size=3, zorder=1.5)
    _draw_reference(ax, trend, years, lang=lang)
    groups = list(trend.groupby(["province_code", "province", "unit"], dropna=False, sort=False))
    note = ""
    if len(groups) > _MAX_COLOURED:
        latest = {
            key: unit.dropna(subset=["score"]).sort_values("year")["score"].iloc[-1]
            for key, unit in groups
            if unit["score"].notna().any()
        }
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
        if (
            several
            and pd.notna(unit["province"].iloc[0])
            and str(unit["unit"].iloc[0]) != str(unit["province"].iloc[0])
        ):
            name = f"{name} ({unit['province'].iloc[0]})"
        _draw_unit(
            ax,
            unit,
            years,
            color=_LINE_COLOURS[i % len(_LINE_COLOURS)],
            linewidth=2,
            size=5,
            zorder=3,
            label=str(name) if names else None,
            marker=MARKERS[(i // len(_LINE_COLOURS)) % len(MARKERS)],
        )
    slanted: dict[str, Any] = {"rotation": 45, "ha": "right"} if len(data_years) > 8 else {}
    ax.set_xticks(data_years, labels=[str(y) for y in data_years], **slanted)
    ax.set_xlim(data_years[0] - 0.4, data_years[-1] + 0.4)
    ax.grid(axis="x", visible=False)
    decimal_axis(ax.yaxis, lang)
    return note


_REFERENCE_STYLE = {
    "national": ("-", "x"),
    "province_published": ("-", "x"),
    "dataset": ("--", "o"),
    "province": ("--", "o"),
}


def _draw_reference(ax: Axes, trend: pd.DataFrame, years: np.ndarray, *, lang: str) -> None:
    """Draw the reference of :func:`parlib.analysis.trend.compute_trend`, one line per kind.

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
        ax.fill_between(
            years,
            summary["q25"].to_numpy(float),
            summary["q75"].to_numpy(float),
            color=GREY,
            alpha=0.12,
            linewidth=0,
            zorder=1,
            label=label(key, lang, n=n),
        )
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
            text = label(
                f"ref_{kind}", lang, n=format_span(counts), expected=expected, province=province
            )
        ax.plot(
            years,
            line.to_numpy(float),
            color=GREY,
            linestyle=style,
            marker=marker,
            markersize=4,
            markerfacecolor="white" if marker == "o" else GREY,
            linewidth=1.5,
            zorder=2,
            label=textwrap.fill(text, 42),
        )


def _draw_unit(
    ax: Axes,
    unit: pd.DataFrame,
    years: np.ndarray,
    *,
    color: str,
    linewidth: float,
    size: float,
    zorder: float,
    label: str | None = None,
    marker: str = "o",
) -> None:
    """One unit's line; a unit with a single year of figures is a point."""
    line = unit.set_index("year")["score"].reindex(years).to_numpy(float)
    one = np.isfinite(line).sum() == 1
    ax.plot(
        years,
        line,
        color=color,
        linewidth=0 if one else linewidth,
        marker=marker,
        markersize=size + (1.5 if one else 0),
        zorder=zorder,
        label=label or "_nolegend_",
    )
