"""Derive each row's score from its parsed figures, and find the figures that disagree.

A percent as published is the score; points with a maximum become a percent on
indices measured in percent (:func:`derive_scores`). Where a table gives the points,
the maximum and the percent, :func:`points_disagree` flags the rows whose three
figures differ by more than rounding (:data:`ROUNDING`).
"""

from __future__ import annotations

import numpy as np
import pandas as pd

from parlib.clean.codes import combine_codes
from parlib.clean.columns import choose
from parlib.reference import index_scale
from parlib.text import distinct

__all__ = ["ROUNDING", "derive_scores", "points_disagree"]

_DERIVATION = "points / max_points × 100"
ROUNDING = 0.1  # percentage point: two figures rounded to one or two decimals stay closer


def derive_scores(df: pd.DataFrame) -> pd.DataFrame:
    """Set ``score``, ``points``, ``max_points``, ``scale_max`` and ``derived`` from parsed values.

    A percent as published is the score. Points with a maximum become a
    percent, marked derived, on indices measured in percent. A bare number is
    the score, unless its column says points and a maximum other than the
    scale is known, in which case it is converted like points.

    Examples
    --------
    >>> df = pd.DataFrame({"index": ["PAR", "PAR", "PAPI"], "year": [2022, 2022, 2022],
    ...     "component": ["procedures", "total", "total"], "number": [None, 90.5, 44.1],
    ...     "percent": [None, None, None], "points_raw": [6.0, None, None],
    ...     "value_max": [None, None, None], "max_points_col": [8.0, None, None],
    ...     "score_scale": [None, None, None], "derivation": [None, None, None]})
    >>> derive_scores(df)[["score", "points", "max_points", "derived"]].to_dict("records")[0]
    {'score': 75.0, 'points': 6.0, 'max_points': 8.0, 'derived': True}
    """
    out = df.copy(deep=False)  # copy-on-write: only the columns set below are new
    scale = _scales(out["index"], out["year"], out["component"])
    is_percent_index = scale.eq(100.0)
    number = pd.to_numeric(out["number"], errors="coerce")
    percent = pd.to_numeric(out["percent"], errors="coerce")
    points = pd.to_numeric(out["points_raw"], errors="coerce")
    maximum = pd.to_numeric(out["value_max"], errors="coerce").fillna(
        pd.to_numeric(out["max_points_col"], errors="coerce")
    )
    if "points_column" in out.columns:  # beside a points column, a bare number is the percent
        beside = (
            number.notna()
            & out["points_column"].notna()
            & out["score_scale"].eq("percent").to_numpy(dtype=bool, na_value=False)
        )
        percent = percent.fillna(number.where(beside))
        number = number.where(~beside)
    hint_points = out["score_scale"].eq("points").to_numpy(dtype=bool, na_value=False)
    # A bare number in a points column is points.
    as_points = number.notna() & hint_points
    points = points.fillna(number.where(as_points))
    number = number.where(~as_points)

    score = percent.copy()
    derived = pd.Series(False, index=out.index)
    convert = score.isna() & points.notna() & is_percent_index & maximum.notna()
    identity = convert & (maximum == 100.0)
    score = score.fillna((points / maximum * 100).where(convert).round(6))
    derived |= convert & ~identity
    score = score.fillna(points.where(~is_percent_index))
    score = score.fillna(number)
    orphan = score.isna() & points.notna()
    wrong_scale = percent.notna() & ~is_percent_index & scale.notna()
    problem = pd.Categorical.from_codes(
        np.where(wrong_scale, 1, np.where(orphan, 0, -1)),
        categories=pd.Index(
            [
                "points without a maximum: add a 'Điểm tối đa' column or "
                "'max_points:' for the file in dataset.yaml",
                "a percent on an index measured in points; give the points",
            ],
            dtype=object,
        ),
    )
    out["score"] = score.astype(float)
    out["points"] = points.astype(float)
    out["max_points"] = maximum.astype(float)
    out["scale_max"] = scale.astype(float)
    out["derived"] = derived | out["derivation"].notna()
    out["derivation"] = choose(
        (out["derivation"].isna() & derived & ~identity).to_numpy(), out["derivation"], _DERIVATION
    )
    out["score_problem"] = pd.Series(problem, index=out.index)
    return out


def _scales(index: pd.Series, year: pd.Series, component: pd.Series) -> pd.Series:
    """Return the scale maximum of every row, looking each (index, year, component) up once."""
    ci, ui = distinct(index)
    cy, uy = distinct(pd.to_numeric(year, errors="coerce").astype(float).fillna(-1.0))
    cc, uc = distinct(component)
    codes, first = combine_codes([ci, cy, cc])
    scales = np.array(
        [
            _scale(ui[ci[k]] if ci[k] >= 0 else "", uy[cy[k]], uc[cc[k]] if cc[k] >= 0 else "")
            for k in first
        ],
        dtype=float,
    )
    return pd.Series(scales[codes], index=index.index)


def _scale(index: str, year: float, component: str) -> float:
    if not index or not component:
        return np.nan
    try:
        return index_scale(index, year=None if year < 0 else int(year), component=component)
    except (ValueError, KeyError):  # e.g. PAPI without a year: the row is quarantined anyway
        return np.nan


def points_disagree(out: pd.DataFrame) -> pd.Series:
    """Return True where a points column, a maximum and a percent are all given and disagree.

    Parameters
    ----------
    out
        Rows after :func:`derive_scores`, with their ``points_column``.

    Returns
    -------
    pd.Series
        True where points / max_points × 100 differs from the score by more than
        :data:`ROUNDING` percentage point.
    """
    given = (
        out["points_column"].notna()
        & out["max_points"].gt(0)
        & out["score"].notna()
        & ~out["derived"].astype(bool)
    )
    computed = out["points"] / out["max_points"] * 100
    return given & (computed - out["score"]).abs().gt(ROUNDING)
