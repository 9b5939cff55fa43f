"""The rows behind each figure: exactly the values drawn, in the columns of ``scores``.

Every report figure is saved with a ``<name>.csv`` beside it (see
:func:`parlib.viz.figures.save_figure`) holding what this module returns for it.
The columns are those of the clean scores table, ``province, unit, year, index,
component, score, rank, n_units, source_id``, plus ``role`` ("shown": a value
the figure draws for a unit; "reference": a value behind its reference line or
band) and, where ranks appear, ``rank_kind`` ("published": as the source gave
it, with the n it was published with; "computed": parlib's rank among the
units with a figure). The figure's citation is built from the ``source_id`` of
these same rows, so a figure cites only the documents behind its values.

>>> scores = pd.DataFrame({"index": "PAR", "component": "total", "level": "province",
...     "unit": ["A", "B"], "province": ["A", "B"], "year": 2021, "score": [80.0, 90.0],
...     "rank": [40, pd.NA], "n_units": [63, pd.NA], "source_id": ["s1", "s2"]})
>>> ranking_data(scores, index="PAR", year=2021)[["unit", "rank", "n_units", "rank_kind"]]
  unit  rank  n_units  rank_kind
0    B     1        2   computed
1    A    40       63  published
"""

from __future__ import annotations

import pandas as pd

from parlib.analysis.averages import reference_rows
from parlib.analysis.correlation import CorrelationResult, compute_correlation
from parlib.analysis.percentiles import compute_percentiles
from parlib.analysis.select import Names, Years, prepare_scores, select_scores
from parlib.analysis.trend import compute_changes

__all__ = [
    "FIGURE_COLUMNS",
    "changes_data",
    "components_data",
    "correlation_data",
    "figure_rows",
    "matrix_data",
    "ranking_data",
    "trend_data",
]

#: The columns of every figure's data file, in order (``rank_kind`` only with ranks).
FIGURE_COLUMNS = [
    "province",
    "unit",
    "year",
    "index",
    "component",
    "score",
    "rank",
    "n_units",
    "source_id",
    "role",
    "rank_kind",
]


#: Further columns kept when a figure's rows have them.
EXTRA_COLUMNS = [
    "level",
    "province_code",
    "unit_type",
    "statistic",
    "variable",
    "pair",
    "percentile",
    "members",
    "derivation",
    "derived",
    "corrected",
    "published_value",
    "correction_source",
    "synthetic",
]


def figure_rows(rows: pd.DataFrame, *, role: str | None = None, ranks: bool = True) -> pd.DataFrame:
    """Return ``rows`` in the figure-data layout: :data:`FIGURE_COLUMNS`, then :data:`EXTRA_COLUMNS`.

    A missing ``role`` is set to ``role`` (default "shown"). ``rank``,
    ``n_units`` and ``rank_kind`` are kept only when the figure shows ranks
    (``ranks``) and one appears; a rank without ``rank_kind`` is a published one.

    Examples
    --------
    >>> rows = pd.DataFrame({"unit": ["A"], "year": [2021], "score": [80.0], "raw_row": [3]})
    >>> list(figure_rows(rows).columns)
    ['unit', 'year', 'score', 'role']
    """
    out = rows.copy()
    if "role" not in out:
        out["role"] = role or "shown"
    elif role is not None:
        out["role"] = out["role"].fillna(role)
    if not ranks or "rank" not in out or out["rank"].isna().all():
        out = out.drop(columns=[c for c in ("rank", "n_units", "rank_kind") if c in out])
    elif "rank_kind" not in out:
        out["rank_kind"] = pd.Series("published", index=out.index).where(out["rank"].notna())
    keep = [c for c in [*FIGURE_COLUMNS, *EXTRA_COLUMNS] if c in out]
    return out[keep].reset_index(drop=True)


def trend_data(
    scores: pd.DataFrame,
    *,
    index: str,
    component: str = "total",
    level: str = "province",
    provinces: Names = None,
    unit_type: Names = None,
    years: Years = None,
    aggregates: pd.DataFrame | None = None,
) -> pd.DataFrame:
    """Return the rows :func:`parlib.viz.trend_plots.plot_trend` draws: the units' scores and the reference.

    Examples
    --------
    >>> scores = pd.DataFrame({"index": "PAR", "component": "total", "level": "province",
    ...     "unit": ["Bến Tre", "Trà Vinh"], "province": ["Bến Tre", "Trà Vinh"],
    ...     "province_code": ["83", "84"], "year": 2021, "score": [80.0, 90.0],
    ...     "source_id": "s"})
    >>> trend_data(scores, index="PAR", provinces="Bến Tre")[["unit", "score", "role"]]
           unit  score       role
    0   Bến Tre   80.0      shown
    1   Bến Tre   80.0  reference
    2  Trà Vinh   90.0  reference
    """
    scores = prepare_scores(scores)  # once for both selections (a no-op when already prepared)
    shown = select_scores(
        scores,
        index=index,
        component=component,
        level=level,
        provinces=provinces,
        unit_type=unit_type,
    )
    shown = shown.loc[shown["score"].notna()]
    reference = reference_rows(
        scores,
        index=index,
        component=component,
        level=level,
        provinces=provinces,
        unit_type=unit_type,
        aggregates=aggregates,
    )
    if years is not None:
        wanted = [int(years)] if isinstance(years, int) else [int(y) for y in years]
        shown = shown.loc[shown["year"].isin(wanted).to_numpy(dtype=bool)]
        reference = reference.loc[reference["year"].isin(wanted).to_numpy(dtype=bool)]
    if level != "province" and shown["province_code"].nunique() > 1:
        reference = reference.iloc[0:0]  # several provinces: no common reference is drawn
    elif len(reference):  # a computed mean needs two units (see compute_trend)
        published = reference["statistic"].notna() if "statistic" in reference else False
        count = reference.groupby("year")["score"].transform("size")
        reference = reference.loc[(published | (count >= 2)).to_numpy(dtype=bool)]
    frames = [
        figure_rows(shown, role="shown", ranks=False),
        figure_rows(reference, role="reference", ranks=False),
    ]
    return pd.concat([f for f in frames if len(f)] or frames, ignore_index=True)


def ranking_data(
    scores: pd.DataFrame,
    *,
    index: str,
    year: int,
    component: str = "total",
    level: str = "province",
    provinces: Names = None,
) -> pd.DataFrame:
    """Return the rows :func:`parlib.viz.rank_plots.plot_ranking` draws, best first, with ``rank_kind``.

    A published rank keeps the n it was published with. Units without a
    published rank get a computed one among the units with a figure, and
    ``n_units`` is then the number of those units: ``rank_kind`` says which.
    """
    data = scores
    if provinces is not None and level != "province":
        data = select_scores(
            scores, index=index, component=component, level=level, provinces=provinces
        )
    ranks = compute_percentiles(data, index=index, component=component, level=level, year=year)
    ranks = ranks.dropna(subset=["score"]).sort_values(
        ["score", "rank"], ascending=[False, True], kind="stable"
    )
    return figure_rows(ranks.assign(index=index, component=component), role="shown")


def changes_data(
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
) -> pd.DataFrame:
    """Return the first- and last-year rows of the units :func:`parlib.viz.rank_plots.plot_changes` draws."""
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
    rows = select_scores(
        scores,
        index=index,
        component=component,
        level=level,
        provinces=provinces,
        unit_type=unit_type,
    )
    if changes.empty:
        return figure_rows(rows.iloc[0:0], ranks=False)
    years = [int(changes["start_year"].iloc[0]), int(changes["end_year"].iloc[0])]
    keep = rows["unit"].isin(changes["unit"]) & rows["year"].isin(years) & rows["score"].notna()
    if "province" in rows and "province" in changes:
        pairs = set(zip(changes["unit"], changes["province"]))
        keep &= pd.Series(
            [(u, p) in pairs for u, p in zip(rows["unit"], rows["province"])], index=rows.index
        )
    return figure_rows(rows.loc[keep.to_numpy(dtype=bool)], role="shown", ranks=False)


def components_data(
    scores: pd.DataFrame,
    *,
    index: str,
    components: list[str],
    level: str = "province",
    provinces: Names = None,
    years: Years = None,
    aggregates: pd.DataFrame | None = None,
) -> pd.DataFrame:
    """Return the rows of :func:`parlib.viz.trend_plots.plot_components`: :func:`trend_data` per panel."""
    scores = prepare_scores(scores)
    frames = [
        trend_data(
            scores,
            index=index,
            component=c,
            level=level,
            provinces=provinces,
            years=years,
            aggregates=aggregates,
        )
        for c in components
    ]
    return pd.concat(frames, ignore_index=True) if frames else figure_rows(scores.iloc[0:0])


def correlation_data(
    scores: pd.DataFrame,
    *,
    x: str,
    y: str,
    years: Years = None,
    level: str = "province",
    result: CorrelationResult | None = None,
) -> pd.DataFrame:
    """Return both scores of every pair :func:`parlib.viz.correlation_plots.plot_correlation` draws.

    Each pair gives two rows, one per variable, with a ``variable`` column
    ("x" or "y") and the ``pair`` number of its point. ``result``, the
    :func:`parlib.analysis.correlation.compute_correlation` of the same arguments, saves
    computing it again.
    """
    if result is None:
        result = compute_correlation(scores, x=x, y=y, years=years, level=level)
    pairs = result.pairs.assign(pair=range(len(result.pairs)))
    frames = []
    for variable, spec in (("x", x), ("y", y)):
        index, _, component = spec.partition(":")
        rows = select_scores(scores, index=index, component=component or "total", level=level)
        rows = rows.dropna(subset=["score"]).drop_duplicates(["province", "unit", "year"])
        on = [c for c in ("province", "unit", "year") if c in rows and c in pairs]
        matched = (
            pairs[[*on, "pair"]]
            .astype({"year": "Int64"})
            .merge(rows.astype({"year": "Int64"}), on=on, how="inner")
        )
        frames.append(figure_rows(matched.assign(variable=variable), role="shown", ranks=False))
    out = pd.concat(frames, ignore_index=True)
    return out.sort_values(["pair", "variable"], kind="stable").reset_index(drop=True)


def matrix_data(
    scores: pd.DataFrame, *, index: str, years: Years = None, level: str = "province"
) -> pd.DataFrame:
    """Return the scores :func:`parlib.analysis.correlation.compute_correlation_matrix` correlates for ``index``."""
    rows = scores.loc[
        (scores["index"] == index).to_numpy(dtype=bool)
        & (scores["level"] == level).to_numpy(dtype=bool)
    ]
    if years is not None:
        wanted = [int(years)] if isinstance(years, int) else [int(y) for y in years]
        rows = rows.loc[rows["year"].isin(wanted).to_numpy(dtype=bool)]
    return figure_rows(rows.dropna(subset=["score"]), role="shown", ranks=False)
