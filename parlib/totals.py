"""Derive an index total from its components where the table gives no total.

PAPI publishes its provincial data files with one column per dimension and no
total: the total is the sum of the dimension scores (6 dimensions before 2018,
8 from 2018; ``parlib/reference/indices.csv``). :func:`derive_totals` adds that
sum as a row of its own, marked ``derived``, only where every dimension in use
that year is present for the unit.
"""

from __future__ import annotations

import numpy as np
import pandas as pd

from .clean import concat_rows
from .reference import component_names, index_scale

__all__ = ["SUMMED_INDICES", "derive_totals"]

SUMMED_INDICES = ("PAPI",)  # indices whose total is the plain sum of their components
_GROUP = ["index", "year", "level", "province_code", "unit"]


def derive_totals(scores: pd.DataFrame) -> pd.DataFrame:
    """Return ``scores`` with a derived total row for each unit that has all components.

    A total is added for a (index, year, level, province, unit) of an index in
    :data:`SUMMED_INDICES` when the rows hold a score for every component in use
    that year (from ``component_names.csv``) and no total. The new row copies the
    unit's identity and provenance from its first component row, with
    ``component="total"``, ``derived=True`` and the ``derivation`` named.

    Parameters
    ----------
    scores
        Clean score rows (:data:`parlib.clean.SCORE_COLUMNS`).

    Returns
    -------
    pandas.DataFrame
        The rows of ``scores`` followed by the derived totals; ``scores`` is not changed.

    Examples
    --------
    >>> rows = pd.DataFrame({"index": "PAPI", "year": 2012, "level": "province",
    ...     "province_code": "01", "unit": "Hà Nội",
    ...     "component": ["participation", "transparency", "accountability",
    ...                   "corruption_control", "procedures", "service_delivery"],
    ...     "score": [5.0, 6.0, 5.5, 6.5, 7.0, 7.0], "derived": False,
    ...     "derivation": None, "raw_column": "D1"})
    >>> out = derive_totals(rows)
    >>> last = out.iloc[-1]
    >>> str(last["component"]), float(last["score"]), bool(last["derived"])
    ('total', 37.0, True)
    """
    summed = scores["index"].astype(object).isin(SUMMED_INDICES).to_numpy()
    if not summed.any():
        return scores
    part = scores.loc[summed & scores["score"].notna().to_numpy()]
    keys = part[_GROUP].astype(object).where(part[_GROUP].notna(), "")
    firsts = []
    for _, rows in part.groupby([keys[c] for c in _GROUP], sort=False, dropna=False):
        components = set(rows["component"].astype(object))
        if "total" in components:
            continue
        index, year = rows["index"].iloc[0], int(rows["year"].iloc[0])
        needed = _components_in_use(index, year)
        if not needed or not needed <= components or len(rows) != len(components):
            continue
        first = rows.iloc[[0]].copy()
        first["score"] = round(float(rows.loc[rows["component"].isin(needed), "score"].sum()), 6)
        first["component"] = "total"
        first["derived"] = True
        first["derivation"] = f"sum of the {len(needed)} dimension scores"
        for column, value in (("points", np.nan), ("max_points", np.nan), ("rank", pd.NA),
                              ("n_units", pd.NA), ("tied", False), ("missing_marker", None),
                              ("note", None), ("raw_column", None)):
            if column in first.columns:
                first[column] = value
        if "scale_max" in first.columns:
            first["scale_max"] = index_scale(index, year=year)
        firsts.append(first)
    if not firsts:
        return scores
    added = pd.concat(firsts, ignore_index=True)
    for column in added.columns:  # the Categoricals of ``scores`` take the new values
        if isinstance(scores[column].dtype, pd.CategoricalDtype):
            added[column] = pd.Categorical(added[column].astype(object))
        else:
            added[column] = added[column].astype(scores[column].dtype)
    return concat_rows([scores, added])


def _components_in_use(index: str, year: int) -> set[str]:
    """Return the components of ``index`` that ``component_names.csv`` lists for ``year``."""
    names = component_names(index)
    in_use = (names["from_year"] <= year) & (names["to_year"].isna() | (names["to_year"] >= year))
    return set(names.loc[in_use.to_numpy(dtype=bool), "key"])
