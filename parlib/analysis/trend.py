"""Trends in the clean ``scores`` table: scores by year beside their reference, and changes.

Every function is pure: it takes the long-form ``scores`` table (one row per
figure) and returns a new DataFrame. Filters are keyword-only options; a filter
that matches nothing raises a ValueError naming the value and what is available.

Only ``index``, ``component``, ``level``, ``unit``, ``year`` and ``score`` are
required; the other columns of the clean table are used when present.

>>> scores = pd.DataFrame({"index": "PAR", "component": "total", "level": "province",
...     "province": ["Bến Tre"] * 3 + ["Trà Vinh"] * 2, "year": [2019, 2020, 2021, 2019, 2021],
...     "score": [80.0, 82.5, 85.0, 78.0, 79.0]}).assign(unit=lambda d: d["province"])
>>> compute_trend(scores, index="PAR")[["unit", "year", "score", "change", "mean"]]
       unit  year  score  change  mean
0   Bến Tre  2019   80.0     NaN  79.0
1   Bến Tre  2020   82.5     2.5   NaN
2   Bến Tre  2021   85.0     2.5  82.0
3  Trà Vinh  2019   78.0     NaN  79.0
4  Trà Vinh  2020    NaN     NaN   NaN
5  Trà Vinh  2021   79.0     NaN  82.0
"""

from __future__ import annotations

import numpy as np
import pandas as pd

from parlib.analysis.averages import reference_summary
from parlib.analysis.select import (
    UNIT_COLUMNS,
    Names,
    Years,
    dedupe_scores,
    pick_provinces,
    pick_rows,
    select_prepared,
)
from parlib.errors import ParameterError, SelectionError

__all__ = ["compute_changes", "compute_trend"]

_REFERENCE_COLS = ["mean", "sd", "q25", "q75", "n", "n_expected", "reference", "reference_source"]


def compute_trend(
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
    """Return each chosen unit's score by year beside the reference it is set against.

    The chosen units get one row for every year from the first to the last year
    of the level, so a year without a figure is a row with a NaN score (never
    interpolated). ``change`` is the difference from the unit's previous
    consecutive year, NaN when that year has no figure; it is computed before
    ``years`` is applied.

    The reference (``mean``, ``sd``, ``q25``, ``q75``, ``n``) is fair by
    construction:

    - below province level, a unit is set only against the units of **its own
      province** in the same year (each province scores its departments and
      districts with its own criteria): ``reference`` is "province";
    - at province level, the **published national average** of that year where
      ``aggregates`` has one (``reference`` "national", ``reference_source``
      its document; ``n`` is the number of provinces of the era), otherwise the
      mean of the provinces in the data (``reference`` "dataset"), whose ``n``
      may be far below ``n_expected`` (63 provinces until 30 June 2025, 34
      after). The interquartile band is given only when the data covers every
      province.

    Returns
    -------
    DataFrame
        ``province_code, province, province_code_2025, province_2025, unit,
        unit_type, year, score, change, mean, sd, q25, q75, n, n_expected,
        reference, reference_source, synthetic``.

    Examples
    --------
    See the module docstring.
    """
    base = dedupe_scores(
        select_prepared(scores, index=index, component=component, level=level, unit_type=unit_type)
    )
    chosen = (
        base
        if provinces is None
        else pick_provinces(base, provinces, f"index={index!r}, level={level!r}", scores)
    )
    summary = reference_summary(
        base, chosen, level=level, index=index, component=component, aggregates=aggregates
    )
    if level != "province":  # the years of the chosen units' own provinces
        summary = summary.loc[
            summary["province_code"]
            .isin(chosen["province_code"].dropna().unique())
            .to_numpy(dtype=bool)
        ]
    present = pd.concat([chosen["year"], summary["year"]]).dropna().astype(int)
    span = range(int(present.min()), int(present.max()) + 1)
    frame = (
        chosen.drop_duplicates("_key")[["_key", *UNIT_COLUMNS]]
        .merge(pd.DataFrame({"year": pd.array(span, "Int64")}), how="cross")
        .merge(chosen[["_key", "year", "score", "synthetic"]], how="left", on=["_key", "year"])
    )
    previous = frame[["_key", "year", "score"]].assign(year=frame["year"] + 1)
    frame = frame.merge(previous, on=["_key", "year"], how="left", suffixes=("", "_previous"))
    frame = frame.assign(
        change=frame["score"] - frame.pop("score_previous"),
        synthetic=frame["synthetic"].fillna(False).astype(bool),
    )
    on = ["year"] if level == "province" else ["province_code", "year"]
    frame = frame.merge(summary, on=on, how="left")
    if years is not None:
        frame = pick_rows(frame, "year", years)
    frame = frame.sort_values(["province_code", "province", "unit", "year"], kind="stable")
    return frame[
        [*UNIT_COLUMNS, "year", "score", "change", *_REFERENCE_COLS, "synthetic"]
    ].reset_index(drop=True)


def compute_changes(
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
    """Return the units whose score rose or fell most between two years.

    Parameters
    ----------
    start, end
        The years compared; by default the first and last year with scores.
    n
        How many risers and how many fallers to keep. Units without a score in
        both years are left out; a change of exactly 0 is neither.

    Returns
    -------
    DataFrame
        ``unit, province, province_code, unit_type, start_year, end_year,
        start_score, end_score, change, direction, synthetic``: risers
        (largest rise first) then fallers (largest fall first).

    Examples
    --------
    >>> scores = pd.DataFrame({"index": "PAR", "component": "total", "level": "province",
    ...     "unit": ["A", "A", "B", "B"], "year": [2019, 2021, 2019, 2021],
    ...     "score": [80.0, 85.0, 90.0, 88.0]})
    >>> compute_changes(scores, index="PAR")[["unit", "change", "direction"]]
      unit  change direction
    0    A     5.0     riser
    1    B    -2.0    faller
    """
    if not isinstance(n, (int, np.integer)) or isinstance(n, bool) or n < 1:
        raise ParameterError(f"The value for `n` must be a positive integer, but {n!r} was passed.")
    data = dedupe_scores(
        select_prepared(
            scores,
            index=index,
            component=component,
            level=level,
            provinces=provinces,
            unit_type=unit_type,
        )
    ).dropna(subset=["score"])
    present = sorted(int(y) for y in data["year"].unique())
    start = present[0] if start is None else start
    end = present[-1] if end is None else end
    for name, year in (("start", start), ("end", end)):
        if year not in present:
            raise SelectionError(f"No rows for {name}={year!r}; available: {present}.")
    if start >= end:
        raise ParameterError(
            f"`start` must be before `end`, but start={start} and end={end} were passed."
        )
    first = data.loc[data["year"] == start, ["_key", *UNIT_COLUMNS, "score", "synthetic"]]
    both = first.merge(data.loc[data["year"] == end, ["_key", "score", "synthetic"]], on="_key")
    both = both.assign(
        start_score=both["score_x"],
        end_score=both["score_y"],
        change=both["score_y"] - both["score_x"],
        synthetic=both["synthetic_x"] | both["synthetic_y"],
    )
    both = both.sort_values(["province", "unit"], kind="stable")
    risers = both.loc[both["change"] > 0].nlargest(n, "change").assign(direction="riser")
    fallers = both.loc[both["change"] < 0].nsmallest(n, "change").assign(direction="faller")
    out = pd.concat([risers, fallers], ignore_index=True).assign(start_year=start, end_year=end)
    return out[
        [
            "unit",
            "province",
            "province_code",
            "unit_type",
            "start_year",
            "end_year",
            "start_score",
            "end_score",
            "change",
            "direction",
            "synthetic",
        ]
    ]
