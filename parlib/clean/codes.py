"""Work once per distinct value: row codes, joint codes of several columns, answers spread back.

The name resolvers of :mod:`parlib.clean.provinces`, :mod:`parlib.clean.units` and
:mod:`parlib.clean.indices` answer each distinct input (or distinct combination of
inputs) once; these helpers number the distinct values, combine several columns'
numbers into one, and spread the answers back over the rows.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Sequence

import numpy as np
import pandas as pd

from parlib.text import categorical as to_categorical

__all__ = ["combine_codes", "factorize_values", "spread_answers", "spread_distinct"]


def spread_distinct(
    values: pd.Series,
    func: Callable[[object], tuple],
    columns: Sequence[str],
    *,
    categorical: bool = False,
) -> dict[str, pd.api.extensions.ExtensionArray]:
    """Apply ``func`` once per distinct value (and once for missing) and spread the answers.

    ``func`` returns one tuple per value, holding one entry per name of ``columns``;
    the result maps each column name to its cells, as :func:`spread_answers` makes them.
    """
    codes, uniques = pd.factorize(values, use_na_sentinel=True)
    answers = [func(v) for v in uniques] + [func(None)]
    codes = np.where(codes < 0, len(uniques), codes)
    return spread_answers(codes, answers, columns, categorical=categorical)


def spread_answers(
    codes: np.ndarray, answers: list[tuple], columns: Sequence[str], *, categorical: bool = False
) -> dict[str, pd.api.extensions.ExtensionArray]:
    """Spread ``answers[code]`` over the rows, one array per name of ``columns``.

    Entry ``j`` of each answer tuple fills column ``columns[j]``: as string arrays, or
    with ``categorical`` as Categoricals (same cells, each text held once) for the
    cleaning pipeline.
    """
    if categorical:
        return {
            col: to_categorical(codes, [a[j] for a in answers]) for j, col in enumerate(columns)
        }
    return {
        col: pd.array([a[j] for a in answers], dtype="str").take(codes)
        for j, col in enumerate(columns)
    }


def combine_codes(arrays: Iterable[np.ndarray]) -> tuple[np.ndarray, np.ndarray]:
    """Factorize several code arrays jointly; return row codes and the first row of each.

    Each array holds one column's codes (-1 or more, -1 for missing); rows whose codes
    agree in every array get one combined code, numbered in order of first appearance.
    ``arrays`` may be a generator: its arrays are made and used one at a time.
    """
    combined, size = None, 1
    for arr in arrays:
        if combined is None:
            combined = np.zeros(len(arr), dtype=np.int64)
        width = int(arr.max(initial=-1)) + 2
        if size * width >= 2**62:  # renumber before the product overflows
            combined, uniques = pd.factorize(combined)
            combined, size = combined.astype(np.int64, copy=False), len(uniques)
        combined *= width
        combined += arr
        combined += 1
        size *= width
    codes, _ = pd.factorize(combined)
    del combined
    first = np.zeros(codes.max(initial=-1) + 1, dtype=np.int64)
    first[codes[::-1]] = np.arange(len(codes))[::-1]
    return codes, first


def factorize_values(
    values: object, like: pd.Series, name: str, mapper: Callable[[object], object] | None = None
) -> tuple[np.ndarray, list]:
    """Return row codes (-1 for missing) and distinct values of a Series or of one scalar.

    A scalar stands for every row of ``like``; a Series must have as many rows as
    ``like`` (the error names the argument ``name``). ``mapper`` is applied to the
    distinct values (e.g. spelling -> key).
    """
    if isinstance(values, pd.Series):
        if len(values) != len(like):
            msg = f"`{name}` has {len(values)} rows but `values` has {len(like)}."
            raise ValueError(msg)
        codes, uniques = pd.factorize(values, use_na_sentinel=True)
        uniques = list(uniques)
    else:
        missing = values is None
        codes = np.full(len(like), -1 if missing else 0, dtype=np.intp)
        uniques = [] if missing else [values]
    if mapper is not None:
        uniques = [mapper(u) for u in uniques]
    return codes, uniques
