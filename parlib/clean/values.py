"""Parse the cells of published score tables: scores, ranks and years.

Every parser takes a :class:`pandas.Series` of raw cells (text, numbers read from
XLSX, None/NaN) and returns new data indexed like the input. Each distinct value
is parsed once and the results are broadcast back, so a million cells with a few
thousand distinct values take well under a second. Bad values never raise: they
get a short reason, naming the value, in the ``error`` column.

The rules for reading one cell (decimal marks, missing markers, Excel errors) are
those of :mod:`parlib.clean.cells`.
"""

from __future__ import annotations

import math
from collections.abc import Callable

import numpy as np
import pandas as pd

from parlib.clean.cells import (
    NO_SCORE,
    SCORE_FIELDS,
    parse_rank_cell,
    parse_score_cell,
    parse_year_cell,
)
from parlib.text import categorical as to_categorical

__all__ = [
    "detect_decimal_styles",
    "parse_numbers",
    "parse_ranks",
    "parse_score",
    "parse_scores",
    "parse_years",
]


def parse_scores(values: pd.Series, *, categorical: bool = False) -> pd.DataFrame:
    """Read score cells as a number, a percent, points over a maximum, or a missing marker.

    Parameters
    ----------
    values
        Raw cells: text as published, numbers read from XLSX, None or NaN. Not modified.
    categorical
        Return ``marker`` and ``error`` as Categoricals (each text held once), as the
        cleaning pipeline does for large tables.

    Returns
    -------
    pandas.DataFrame
        Indexed like ``values``, with float columns ``number`` (no unit), ``percent``
        (``%``), ``points`` (``điểm``, ``đ`` or ``x/max``) and ``max_points``, and object
        columns ``marker`` (the missing marker as written, e.g. ``"KĐG"``) and ``error``
        (why the value cannot be read). Blank cells are missing with no marker.

    Examples
    --------
    >>> out = parse_scores(pd.Series(["98,56", "81,33%", "40,62/80", "68,32 điểm (81,33%)",
    ...                               "KĐG", "abc"]))
    >>> out[["number", "percent", "points", "max_points"]]
       number  percent  points  max_points
    0   98.56      NaN     NaN         NaN
    1     NaN    81.33     NaN         NaN
    2     NaN      NaN   40.62        80.0
    3     NaN    81.33   68.32         NaN
    4     NaN      NaN     NaN         NaN
    5     NaN      NaN     NaN         NaN
    >>> out["marker"].tolist(), out["error"].tolist()[-1]
    ([None, None, None, None, 'KĐG', None], "'abc' is not a number")
    """
    values, codes, columns = _per_distinct(values, parse_score_cell, NO_SCORE)
    data = {
        name: _objects(col, codes, categorical)
        if name in ("marker", "error")
        else _floats(col, codes)
        for name, col in zip(SCORE_FIELDS, columns[:6], strict=True)
    }
    return _frame(data, values.index)


def parse_score(value: object) -> dict[str, object]:
    """Read one score cell; a single-value :func:`parse_scores` for docs and tests.

    Parameters
    ----------
    value
        One raw cell.

    Returns
    -------
    dict
        The :func:`parse_scores` columns as keys, with None where the column is empty.

    Examples
    --------
    >>> {k: v for k, v in parse_score("81,33% (68,32 điểm)").items() if v is not None}
    {'percent': 81.33, 'points': 68.32}
    >>> parse_score("1.234.5")["error"]
    "'1.234.5' mixes separators ambiguously"
    """
    parsed = parse_score_cell(value)[:6]
    return {
        k: None if isinstance(v, float) and math.isnan(v) else v
        for k, v in zip(SCORE_FIELDS, parsed, strict=True)
    }


def parse_numbers(values: pd.Series) -> pd.Series:
    """Return each cell's number, else its percent, else its points, else NaN.

    Parameters
    ----------
    values
        Raw cells, as for :func:`parse_scores`.

    Returns
    -------
    pandas.Series
        Float64, indexed and named like ``values``; markers and errors are NaN.

    Examples
    --------
    >>> parse_numbers(pd.Series(["98,56", "81,33 %", "90,9đ", "-", 7])).tolist()
    [98.56, 81.33, 90.9, nan, 7.0]
    """
    values, codes, columns = _per_distinct(values, parse_score_cell, NO_SCORE)
    number, percent, points = (np.asarray(col, dtype=np.float64) for col in columns[:3])
    # Each distinct cell's number is found once; the rows then pick theirs.
    first = np.where(np.isnan(number), np.where(np.isnan(percent), points, percent), number)
    return pd.Series(first[codes], index=values.index, name=getattr(values, "name", None))


def detect_decimal_styles(values: pd.Series) -> set[str]:
    """Return the decimal marks ("comma", "point") used by the readable text cells.

    Parameters
    ----------
    values
        Raw cells, as for :func:`parse_scores`.

    Returns
    -------
    set of str
        Empty, ``{"comma"}``, ``{"point"}`` or both, which means the column mixes styles.
        Cells without a decimal mark, numbers from XLSX and unreadable cells are ignored.

    Examples
    --------
    >>> sorted(detect_decimal_styles(pd.Series(["98,56", "97.1", "100", "1.234,5"])))
    ['comma', 'point']
    """
    _, uniques = pd.factorize(_as_series(values), use_na_sentinel=True)
    return set().union(*(parse_score_cell(v)[6] for v in uniques if isinstance(v, str)))


def parse_ranks(values: pd.Series, *, categorical: bool = False) -> pd.DataFrame:
    """Read rank cells such as "01/18", "Hạng 1", "xếp thứ 3/17", "3=" or "Nhì".

    Ranks above the number of units (19/18) are left to validation; a rank that is
    not a positive whole number (0, -1, 2.5) is an error, and so is "1/0".

    Parameters
    ----------
    values
        Raw cells: text as published, numbers read from XLSX, None or NaN. Not modified.
    categorical
        Return ``marker`` and ``error`` as Categoricals.

    Returns
    -------
    pandas.DataFrame
        Indexed like ``values``, with ``rank`` and ``n_units`` (Int64), ``tied``
        (boolean: "3=", "đồng hạng 3", "3 (đồng hạng)"), ``marker`` and ``error`` (object).

    Examples
    --------
    >>> out = parse_ranks(pd.Series(["01/18", "Hạng 2", "3= ", "xếp thứ 3/17 sở", "0"]))
    >>> out[["rank", "n_units", "tied"]].astype(object).values.tolist()
    [[1, 18, False], [2, <NA>, False], [3, <NA>, True], [3, 17, False], [<NA>, <NA>, <NA>]]
    >>> out["error"].iloc[-1]
    "'0' is not a rank: a rank must be a positive whole number"
    """
    values, codes, (rank, n_units, tied, marker, error) = _per_distinct(
        values, parse_rank_cell, (None, None, None, None, None)
    )
    data = {
        "rank": _masked(rank, codes),
        "n_units": _masked(n_units, codes),
        "tied": _masked(tied, codes, pd.arrays.BooleanArray, bool),
        "marker": _objects(marker, codes, categorical),
        "error": _objects(error, codes, categorical),
    }
    return _frame(data, values.index)


def parse_years(values: pd.Series, *, categorical: bool = False) -> pd.DataFrame:
    """Read year cells such as "2021", 2021.0, "Năm 2021" or "2021 (%)".

    Parameters
    ----------
    values
        Raw cells: text as published, numbers read from XLSX, None or NaN. Not modified.
    categorical
        Return ``error`` as a Categorical.

    Returns
    -------
    pandas.DataFrame
        Indexed like ``values``, with ``year`` (Int64) and ``error`` (object). Two-digit
        years, ranges such as "2021-2022" and missing markers such as "-" are errors.

    Examples
    --------
    >>> out = parse_years(pd.Series(["Năm 2021", 2022.0, "21", "2021-2022"]))
    >>> out["year"].tolist()
    [2021, 2022, <NA>, <NA>]
    >>> out["error"].tolist()[2:]
    ["'21' is not a four-digit year", "'2021-2022' is a range of years, not one year"]
    """
    values, codes, (year, error) = _per_distinct(values, parse_year_cell, (None, None))
    return _frame(
        {"year": _masked(year, codes), "error": _objects(error, codes, categorical)}, values.index
    )


# -- broadcasting --------------------------------------------------------------------------


def _per_distinct(values: pd.Series, parse: Callable, na_row: tuple):
    """Parse each distinct value once; return (values, codes, result columns).

    The result columns end with ``na_row``, so code -1 (missing) selects it.
    """
    values = _as_series(values)
    codes, uniques = pd.factorize(values, use_na_sentinel=True)
    suspects = [i for i, v in enumerate(uniques) if _maybe_bool(v)]
    if suspects and values.dtype == object:
        # factorize equates True with 1 and False with 0: recode those rows, booleans as text.
        at = np.flatnonzero(np.isin(codes, suspects))
        keys = [str(v) if isinstance(v, (bool, np.bool_)) else v for v in values.to_numpy()[at]]
        more_codes, more = pd.factorize(np.asarray(keys, dtype=object))
        codes[at] = more_codes + len(uniques)
        uniques = [*uniques, *more]
    rows = _parse_each(uniques, parse)
    rows.append(na_row)
    return values, codes, list(zip(*rows, strict=True))


_MEMO_SIZE = 1 << 16
_memo: dict[Callable, dict] = {}


def _parse_each(uniques, parse: Callable) -> list[tuple]:
    """``[parse(v) for v in uniques]``, remembering up to ``_MEMO_SIZE`` answers per parser.

    The parsers are pure, so a cell text seen before (in an earlier block of a
    large table, or an earlier file) is not read again. Keys hold the type: 1, 1.0
    and True are different cells.
    """
    memo = _memo.setdefault(parse, {})
    if len(memo) + len(uniques) > _MEMO_SIZE:
        memo.clear()
    rows = []
    for value in uniques:
        key = (type(value), value)
        row = memo.get(key)
        if row is None:
            row = memo[key] = parse(value)
        rows.append(row)
    return rows


def _maybe_bool(value: object) -> bool:
    return isinstance(value, (bool, np.bool_)) or (
        isinstance(value, (int, float, np.number)) and value in (0, 1)
    )


def _as_series(values: object) -> pd.Series:
    return values if isinstance(values, pd.Series) else pd.Series(values, dtype=object)


def _frame(data: dict, index: pd.Index) -> pd.DataFrame:
    frame = pd.DataFrame(data)  # columns share a RangeIndex, so nothing is aligned
    frame.index = index
    return frame


def _floats(column: tuple, codes: np.ndarray) -> np.ndarray:
    return np.asarray(column, dtype=np.float64)[codes]


def _objects(
    column: tuple, codes: np.ndarray, categorical: bool = False
) -> pd.Series | pd.Categorical:
    if categorical:  # code -1 picks the last entry of ``column``, which is None
        return to_categorical(codes, column)
    return pd.Series(np.asarray(column, dtype=object)[codes], dtype=object, copy=False)


def _masked(column: tuple, codes: np.ndarray, array=pd.arrays.IntegerArray, dtype=np.int64):
    """Return a nullable Int64 (or boolean) array; None in ``column`` is NA."""
    mask = np.fromiter((v is None for v in column), dtype=bool, count=len(column))
    data = np.fromiter((v or 0 for v in column), dtype=dtype, count=len(column))
    return array(data[codes], mask[codes])
