"""Columns of text held as Python objects or as Categoricals: blanks, choices, stacking.

Each helper accepts a column of Python objects or a Categorical. A Categorical is
worked on through its codes, once per distinct value, and stays a Categorical, so
a million-row table read with ``categorical=True`` never holds one string per cell.
:func:`take_rows` keeps the rows of a frame one column at a time.
"""

from __future__ import annotations

from collections.abc import Callable

import numpy as np
import pandas as pd

from parlib.text import categorical, distinct

__all__ = [
    "blank_cells",
    "blank_to_na",
    "choose",
    "concat_rows",
    "constant_cells",
    "fill_missing",
    "flag_cells",
    "is_blank",
    "stack_blocks",
    "take_rows",
    "with_default",
]


def is_blank(value: object) -> bool:
    """Return True if ``value`` is missing (None, NaN, NA) or text of spaces only."""
    if value is None or (not isinstance(value, str) and pd.isna(value)):
        return True
    return str(value).strip() == ""


def flag_cells(series: pd.Series, test: Callable[[object], bool]) -> np.ndarray:
    """Return ``test(cell)`` of every cell, calling it once per distinct value (and for None).

    Missing cells get ``test(None)``; the result is a boolean array, one entry per row.
    """
    codes, uniques = distinct(series)
    return np.array([test(v) for v in uniques] + [test(None)], dtype=bool)[codes]


def blank_cells(series: pd.Series) -> np.ndarray:
    """Return a boolean array, True where the cell :func:`is_blank`."""
    return flag_cells(series, is_blank)


def blank_to_na(series: pd.Series) -> pd.Series:
    """Return ``series`` with its blank cells missing: object cells None, a Categorical's NaN.

    A Categorical stays a Categorical with the same categories; other columns become
    object columns.
    """
    if not isinstance(series.dtype, pd.CategoricalDtype):
        s = series.astype(object)
        return s.where(~blank_cells(s), None)
    codes, uniques = distinct(series)
    kept = np.array([not is_blank(v) for v in uniques] + [False], dtype=bool)[codes]
    return pd.Series(
        categorical(np.where(kept, codes, -1), uniques), index=series.index, name=series.name
    )


def with_default(series: pd.Series, default: str) -> pd.Series:
    """Return ``series`` with ``default`` in its blank cells.

    A Categorical stays a Categorical (``default`` is added to its categories); other
    columns become object columns.
    """
    blank = blank_cells(series)
    if not isinstance(series.dtype, pd.CategoricalDtype):
        return series.astype(object).where(~blank, default)
    return choose(blank, series, default)


def choose(mask: np.ndarray | pd.Series, a: pd.Series, b: object) -> pd.Series:
    """Return ``b`` where ``mask`` is True, else ``a``; ``b`` is a Series like ``a`` or one value.

    The result is a Categorical when ``a`` or ``b`` is one.
    """
    mask = np.asarray(mask, dtype=bool)
    b_cat = isinstance(getattr(b, "dtype", None), pd.CategoricalDtype)
    if not (isinstance(a.dtype, pd.CategoricalDtype) or b_cat):
        return a.astype(object).where(~mask, b)
    ca, ua = distinct(a)
    cb: np.ndarray | int
    if isinstance(b, pd.Series):
        cb, ub = distinct(b)
        cb = np.where(cb < 0, -1, cb + len(ua))
    else:
        cb, ub = len(ua) if b is not None else -1, np.array([b], dtype=object)
    codes = np.where(mask, cb, ca)
    return pd.Series(categorical(codes, np.concatenate([ua, ub])), index=a.index, name=a.name)


def fill_missing(series: pd.Series, value: str) -> pd.Series:
    """Return ``series`` with ``value`` in its missing cells, through :func:`choose`."""
    return choose(series.isna().to_numpy(), series, value)


def constant_cells(value: object, n: int) -> pd.Categorical:
    """Return ``n`` cells of one value, held once, as a Categorical of one category."""
    return pd.Categorical.from_codes(
        np.zeros(n, dtype=np.int8), categories=pd.Index([value], dtype=object)
    )


def concat_rows(frames: list[pd.DataFrame], *, ignore_index: bool = True) -> pd.DataFrame:
    """Stack frames as :func:`pandas.concat` does; Categorical columns stay Categorical.

    pandas.concat turns Categoricals with different categories into objects; here a
    column that is Categorical in every frame gets the union of their categories.
    Frames without rows are left out.
    """
    frames = [f for f in frames if len(f)] or frames[:1]
    if len(frames) == 1:
        return frames[0].reset_index(drop=True) if ignore_index else frames[0].copy(deep=False)
    columns = frames[0].columns
    shared = [
        col
        for col in columns
        if all(col in f.columns and isinstance(f[col].dtype, pd.CategoricalDtype) for f in frames)
    ]
    out = pd.concat([f.drop(columns=shared) for f in frames], ignore_index=ignore_index)
    for col in shared:
        out[col] = _stack_categoricals([f[col] for f in frames])
    return out[list(columns) + [c for c in out.columns if c not in columns]]


def stack_blocks(blocks: list[pd.DataFrame], columns: list[str]) -> pd.DataFrame:
    """:func:`concat_rows` of frames with the same ``columns``, emptying them as it goes.

    Each column is stacked and then dropped from the blocks, so the blocks and
    the result are not both held whole (a million-row table cleaned in blocks).
    """
    blocks = [b for b in blocks if len(b)] or blocks[:1]
    data = {}
    for col in columns:
        pieces = [block.pop(col) for block in blocks]
        if all(isinstance(p.dtype, pd.CategoricalDtype) for p in pieces) and len(pieces) > 1:
            data[col] = _stack_categoricals(pieces)
        else:
            data[col] = pd.concat(pieces, ignore_index=True)
        del pieces
    return pd.DataFrame(data, copy=False)


def _stack_categoricals(pieces: list[pd.Series]) -> pd.Categorical:
    """One Categorical of the pieces' cells, with the union of their categories."""
    codes: list[np.ndarray] = []
    uniques: list[np.ndarray] = []
    for piece in pieces:  # each piece's codes, shifted past the categories before it
        c, u = distinct(piece)
        codes.append(np.where(c < 0, -1, c + sum(map(len, uniques))))
        uniques.append(u)
    return categorical(np.concatenate(codes), np.concatenate(uniques))


def take_rows(frame: pd.DataFrame, rows: np.ndarray, columns: list[str]) -> pd.DataFrame:
    """``frame.loc[rows, columns]`` with a fresh index; ``frame`` is emptied column by column.

    Each column is taken and dropped in turn, so the frame and the rows taken from
    it are never both held whole.

    Parameters
    ----------
    frame
        The rows to take from; every column in ``columns`` is popped from it.
    rows
        Positions of the rows to keep, in order.
    columns
        The columns to keep, in order.

    Returns
    -------
    pd.DataFrame
        The rows and columns taken, with a fresh index.
    """
    everything = len(rows) == len(frame)
    data = {}
    for col in columns:
        values = frame.pop(col).array
        if not everything:
            values = values.take(rows)
        data[col] = (
            values.to_numpy() if isinstance(values, pd.arrays.NumpyExtensionArray) else values
        )
    return pd.DataFrame(data, copy=False)
