"""Quarantine records: the first problem of each row that cannot be cleaned.

A cleaning step marks the rows each rule claims with :meth:`Problems.add`; the records
(file, row, column, value, rule and a reason naming the fix) are written at the end
for the marked rows only, so their cost follows the number of bad rows.
"""

from __future__ import annotations

from collections.abc import Callable

import numpy as np
import pandas as pd

from parlib.clean.columns import is_blank
from parlib.text import objects

__all__ = ["QUARANTINE_COLUMNS", "Problems", "reason_from"]

QUARANTINE_COLUMNS = ["dataset", "raw_file", "raw_row", "column", "value", "rule", "reason"]


def reason_from(series: pd.Series, *, missing: str = "", then: str = "") -> Callable:
    """A quarantine reason read from ``series`` (``missing`` where it has none), plus ``then``.

    It is read only at the rows quarantined for it (see :class:`Problems`): the result
    is a function of the row positions, which :meth:`Problems.add` takes as ``reason``.
    """
    return lambda at: [
        (missing if is_blank(v) and not isinstance(v, str) else v) + then
        for v in objects(series.iloc[at])
    ]


class Problems:
    """Collect the first problem of each row as quarantine records.

    :meth:`add` only marks the rows a rule claims; the records (column, value,
    reason) are written at the end for the rows marked, so the cost follows the
    number of bad rows, not of rows. ``value`` and ``reason`` are one value, a
    column like the frame's, or a function of the row positions (:func:`reason_from`).
    """

    def __init__(self, df: pd.DataFrame, *, raw_file: str, dataset: str) -> None:
        self._df = df
        self._raw_file = raw_file
        self._dataset = dataset
        self._rule = np.full(len(df), -1, dtype=np.int32)  # index into self._rules
        self._rules: list[tuple[str, str, object, object]] = []

    def add(self, mask, rule: str, column: str, value, reason) -> None:
        """Mark the rows of ``mask`` not yet marked as failing ``rule`` on ``column``."""
        if isinstance(mask, pd.Series):
            mask = mask.to_numpy(dtype=bool, na_value=False)
        new = np.asarray(mask, dtype=bool) & (self._rule < 0)
        if new.any():
            self._rule[new] = len(self._rules)
            self._rules.append((rule, column, value, reason))

    def mask(self) -> np.ndarray:
        """Return a boolean array, True for every row marked so far."""
        return self._rule >= 0

    def frame(self) -> pd.DataFrame:
        """Return the quarantine records of the marked rows (:data:`QUARANTINE_COLUMNS`)."""
        rows = np.flatnonzero(self._rule >= 0)
        which = self._rule[rows]
        parts = {
            name: np.empty(len(rows), dtype=object)
            for name in ("column", "value", "rule", "reason")
        }
        for k, (rule, column, value, reason) in enumerate(self._rules):
            pick = np.flatnonzero(which == k)
            at = rows[pick]
            parts["rule"][pick] = rule
            parts["column"][pick] = column
            if column in ("score", "rank"):  # name the raw column the figure came from
                raw = objects(self._df["raw_column"].iloc[at])
                named = ~pd.isna(raw)
                parts["column"][pick[named]] = raw[named]
            parts["value"][pick] = _at(value, at)
            parts["reason"][pick] = _at(reason, at)
        return pd.DataFrame(
            {
                "dataset": self._dataset,
                "raw_file": self._raw_file,
                "raw_row": self._df["raw_row"].to_numpy()[rows].astype("int64"),
                **parts,
            },
            columns=QUARANTINE_COLUMNS,
        )


def _at(source: object, at: np.ndarray) -> object:
    """Return ``source`` (one value, a column or a function of positions) at the rows ``at``."""
    if callable(source):
        out = np.empty(len(at), dtype=object)
        out[:] = source(at)
        return out
    if isinstance(source, pd.Series):
        return (
            objects(source.iloc[at])
            if isinstance(source.dtype, pd.CategoricalDtype)
            else (source.iloc[at].astype(object).to_numpy())
        )
    if isinstance(source, np.ndarray):
        return source[at]
    return source
