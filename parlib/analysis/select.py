"""Selecting rows of the clean ``scores`` table: the filters every statistic and plot shares.

:func:`prepare_scores` checks a scores table and adds the columns the statistics
work on (a unit key, and the optional columns of the clean table where they are
missing); :func:`select_scores` and :func:`select_prepared` keep one index,
component and level, optionally some units and years; :func:`dedupe_scores` keeps
one figure per unit and year. A filter that matches nothing raises a
SelectionError (a ValueError) naming the value and what is available.
"""

from __future__ import annotations

import warnings
from collections.abc import Iterable

import numpy as np
import pandas as pd

from parlib.analysis.resolve import select_provinces, select_values
from parlib.errors import ArgumentTypeError, ColumnError, SelectionError

__all__ = [
    "UNIT_COLUMNS",
    "Names",
    "Years",
    "as_list",
    "dedupe_scores",
    "pick_provinces",
    "pick_rows",
    "prepare_scores",
    "select_prepared",
    "select_scores",
    "years_list",
]

Names = str | Iterable[str] | None
Years = int | Iterable[int] | None

_REQUIRED = ["index", "component", "level", "unit", "year", "score"]
_OPTIONAL = {
    "province": pd.NA,
    "province_code": pd.NA,
    "province_code_2025": pd.NA,
    "province_2025": pd.NA,
    "unit_type": pd.NA,
    "synthetic": False,
    "dataset_kind": pd.NA,
    "rank": pd.NA,
    "n_units": pd.NA,
}
_KIND_ORDER = {"official": 0, "compiled": 1, "synthetic": 2}
#: The columns that name a unit, in the order the statistics return them.
UNIT_COLUMNS = [
    "province_code",
    "province",
    "province_code_2025",
    "province_2025",
    "unit",
    "unit_type",
]


def select_scores(
    scores: pd.DataFrame,
    *,
    index: str,
    component: str = "total",
    level: str = "province",
    provinces: Names = None,
    unit_type: Names = None,
    years: Years = None,
) -> pd.DataFrame:
    """Return the rows of one index, component and level, optionally of some units and years.

    Parameters
    ----------
    scores
        The clean long-form scores table.
    index, component, level
        The ranking to select, e.g. ``index="PAR", component="procedures"``.
    provinces
        Province codes ("83") or names ("Bến Tre", "ben tre"); None keeps all.
    unit_type
        Department type key(s) such as "cong_thuong"; None keeps all.
    years
        A year or years (``range(2019, 2024)``); years without rows are ignored.

    Returns
    -------
    DataFrame
        The matching rows, with the columns of ``scores``.

    Raises
    ------
    ValueError
        When a filter matches nothing; the message lists the available values.

    Examples
    --------
    >>> scores = pd.DataFrame({"index": ["PAR", "SIPAS"], "component": "total",
    ...     "level": "province", "unit": "Bến Tre", "year": 2021, "score": [85.0, 82.0]})
    >>> select_scores(scores, index="SIPAS")["score"].tolist()
    [82.0]
    >>> select_scores(scores, index="PARX")
    Traceback (most recent call last):
    ...
    parlib.errors.SelectionError: No rows for index='PARX'; available: ['PAR', 'SIPAS']. Did you mean 'PAR'?
    """
    data = select_prepared(
        scores,
        index=index,
        component=component,
        level=level,
        provinces=provinces,
        unit_type=unit_type,
        years=years,
    )
    return data[list(scores.columns)]


def select_prepared(
    scores: pd.DataFrame,
    *,
    index: str,
    component: str,
    level: str,
    provinces: Names = None,
    unit_type: Names = None,
    years: Years = None,
) -> pd.DataFrame:
    """Return the prepared rows of one index, component and level; optionally units and years.

    The filters are those of :func:`select_scores`, applied to the table that
    :func:`prepare_scores` returns, so the rows keep the columns it adds (the
    unit key ``_key`` among them) for the statistics to work on; each filter
    that matches nothing raises a SelectionError naming what is available.
    """
    by_index = pick_rows(prepare_scores(scores), "index", index)
    data = pick_rows(by_index, "level", level, f"index={index!r}")
    data = pick_rows(data, "component", component, f"index={index!r}, level={level!r}")
    if provinces is not None:
        data = pick_provinces(data, provinces, f"index={index!r}, level={level!r}", by_index)
    if unit_type is not None:
        data = pick_rows(data, "unit_type", unit_type, f"index={index!r}, level={level!r}")
    if years is not None:
        data = pick_rows(data, "year", years, f"index={index!r}, level={level!r}")
    return data


def prepare_scores(scores: pd.DataFrame) -> pd.DataFrame:
    """Check a scores table and add the columns the statistics work on (a no-op when done).

    Raises ArgumentTypeError for a non-DataFrame and ColumnError naming missing columns.
    """
    if not isinstance(scores, pd.DataFrame):
        raise ArgumentTypeError(
            f"`scores` must be a DataFrame, but a {type(scores).__name__} was passed."
        )
    if "_key" in scores.columns:
        return scores
    missing = [c for c in _REQUIRED if c not in scores.columns]
    if missing:
        raise ColumnError(
            f"Columns {missing} not found; the scores table needs {_REQUIRED}, and "
            f"its columns are {list(scores.columns)}."
        )
    out = scores.copy()
    for column, default in _OPTIONAL.items():
        if column not in out.columns:
            out[column] = default
    if scores.get("province") is None:
        out["province"] = out["unit"].where(out["level"] == "province")
    out["year"] = pd.to_numeric(out["year"]).astype("Int64")
    out["score"] = pd.to_numeric(out["score"]).astype(float)
    out["synthetic"] = out["synthetic"].fillna(False).astype(bool)
    key = [
        out[c].astype("string").fillna("")
        for c in ("province_code", "province_code_2025", "province", "unit")
    ]
    out["_key"] = key[0] + "|" + key[1] + "|" + key[2] + "|" + key[3]
    return out


def pick_rows(data: pd.DataFrame, column: str, wanted: object, context: str = "") -> pd.DataFrame:
    """Return the rows whose ``column`` holds one of ``wanted``; SelectionError if none do."""
    if column == "year":
        values = years_list(wanted)
        available = sorted(data["year"].dropna().unique().tolist())
        if values and all(v not in available for v in values):
            where = f" ({context})" if context else ""
            shown = wanted if not isinstance(wanted, (list, tuple, range, set)) else values
            raise SelectionError(f"No rows for year={shown!r}{where}; available: {available}.")
        return data.loc[data["year"].isin(values).to_numpy(dtype=bool)]
    return select_values(data, column, wanted, context=context)


def pick_provinces(
    data: pd.DataFrame, provinces: Names, context: str = "", everything: pd.DataFrame | None = None
) -> pd.DataFrame:
    """Return the rows of the named provinces, given as one name or code or as several.

    ``provinces`` goes through :func:`parlib.analysis.resolve.select_provinces`
    (any spelling; a legacy name selects the 2025 province in rows of 2025
    boundaries); ``everything``, when given, holds the rows before the other
    filters, so that the message says what exists for a province without rows.
    """
    return select_provinces(data, as_list(provinces), context=context, everything=everything)


def dedupe_scores(data: pd.DataFrame, by: list[str] | None = None) -> pd.DataFrame:
    """Keep one row per unit and year: a score over none, then official, compiled, synthetic.

    ``by`` names the columns that identify a figure (the unit key and the year by
    default); rows that repeat them are dropped, with a warning when a dropped row
    gives another score than the one kept. The rows keep their order.
    """
    by = by or ["_key", "year"]
    order = data["dataset_kind"].map(_KIND_ORDER).astype(float).fillna(3)
    ranked = data.assign(_nan=data["score"].isna(), _order=order)
    ranked = ranked.sort_values(["_nan", "_order"], kind="stable")
    dup = ranked.duplicated(by, keep="first")
    if dup.any():
        kept = ranked.loc[~dup].set_index(by)["score"]
        dropped = ranked.loc[dup & ranked["score"].notna()]
        other = kept.reindex(pd.MultiIndex.from_frame(dropped[by])).to_numpy()
        differ = ~np.isclose(dropped["score"].to_numpy(), other, equal_nan=True)
        if differ.any():
            first = dropped.loc[differ].iloc[0]
            warnings.warn(
                f"{int(differ.sum())} row(s) give another score for a unit and year "
                f"already scored (e.g. {first['unit']!r} in {first['year']}); keeping "
                "the official, then the compiled, figure.",
                stacklevel=3,
            )
    return ranked.loc[~dup].drop(columns=["_nan", "_order"]).sort_index()


def as_list(value: object) -> list:
    """Return ``value`` as a list: none for None, itself alone for a string or scalar.

    Any other iterable (a list, tuple, range, set or Series) gives its items, so
    a filter can be written ``"PAR"`` or ``["PAR", "SIPAS"]``.
    """
    if value is None:
        return []
    if isinstance(value, (str, bytes)) or not isinstance(value, Iterable):
        return [value]
    return list(value)


def years_list(years: object) -> list[int]:
    """Return a year or years (``2021``, ``[2019, 2021]``, ``range(2019, 2024)``) as ints.

    None gives an empty list; each item is converted with ``int``, so a year read
    as a float or numpy integer is accepted.
    """
    return [int(y) for y in as_list(years)]
