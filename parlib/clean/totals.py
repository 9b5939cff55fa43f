"""Derive an index total from its components where the table gives no total.

PAPI publishes its provincial data files with one column per dimension and no
total: the total is the sum of the dimension scores (6 dimensions before 2018,
8 from 2018; ``parlib/reference/indices.csv``). :func:`derive_totals` adds that
sum as a row of its own, marked ``derived``, only where every dimension in use
that year is present for the unit.
"""

from __future__ import annotations

import functools

import numpy as np
import pandas as pd

from parlib.clean.columns import concat_rows
from parlib.reference import component_names, components, index_scale

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
        Clean score rows (:data:`parlib.clean.rows.SCORE_COLUMNS`).

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
    keys = [part[c].astype(object).where(part[c].notna(), "") for c in _GROUP]
    group = part.groupby(keys, sort=False, dropna=False).ngroup().to_numpy()
    component = part["component"].astype(object).to_numpy()
    index = part["index"].astype(object).to_numpy()
    year = part["year"].astype(int).to_numpy()
    needed = [_components_in_use(i, int(y)) for i, y in zip(index, year)]
    wanted = np.array([c in n for c, n in zip(component, needed)])
    stats = pd.DataFrame(
        {
            "group": group,
            "wanted": wanted,
            "total": component == "total",
            "component": component,
            "score": part["score"].to_numpy(dtype=float).round(12) * wanted,
            "needed": [len(n) for n in needed],
        }
    )
    per = stats.groupby("group").agg(
        rows=("component", "size"),
        distinct=("component", "nunique"),
        wanted=("wanted", "sum"),
        total=("total", "any"),
        score=("score", "sum"),
        needed=("needed", "first"),
    )
    ok = (
        (per["wanted"] == per["needed"])
        & (per["needed"] > 0)
        & ~per["total"]
        & (per["rows"] == per["distinct"])
    )
    if not ok.any():
        return scores
    first = ~pd.Series(group).duplicated().to_numpy()
    take = first & ok.reindex(group).to_numpy()
    added = part.loc[take].copy()
    chosen = per.loc[group[take]]
    added["score"] = chosen["score"].round(6).to_numpy()
    added["derived"] = True
    added["derivation"] = [f"sum of the {n} dimension scores" for n in chosen["needed"]]
    added["component"] = "total"
    for column, value in (
        ("points", np.nan),
        ("max_points", np.nan),
        ("rank", pd.NA),
        ("n_units", pd.NA),
        ("tied", False),
        ("missing_marker", None),
        ("note", None),
        ("raw_column", None),
    ):
        if column in added.columns:
            added[column] = value
    if "scale_max" in added.columns:
        added["scale_max"] = [
            index_scale(i, year=int(y))
            for i, y in zip(added["index"].astype(object), added["year"].astype(int))
        ]
    for column in added.columns:  # the Categoricals of ``scores`` take the new values
        if isinstance(scores[column].dtype, pd.CategoricalDtype):
            added[column] = pd.Categorical(added[column].astype(object))
        else:
            added[column] = added[column].astype(scores[column].dtype)
    return concat_rows([scores, added])


@functools.cache
def _components_in_use(index: str, year: int) -> frozenset[str]:
    """Return the components of ``index`` that ``component_names.csv`` lists for ``year``.

    Sub-components (PAPI's sub-dimensions) are parts of their dimension, not terms of the sum.
    """
    names = component_names(index)
    in_use = (names["from_year"] <= year) & (names["to_year"].isna() | (names["to_year"] >= year))
    parts = components(index)
    top = set(parts.loc[parts["parent"].isna(), "key"])
    return frozenset(names.loc[in_use.to_numpy(dtype=bool), "key"]) & top
