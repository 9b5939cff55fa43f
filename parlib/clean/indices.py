"""Resolve index names, level spellings and component names to reference keys.

Like :mod:`parlib.clean.provinces`, each distinct value is resolved once and the
answers are spread back over the rows. Names are compared through
:func:`parlib.text.match_key` against ``indices.csv``, ``levels.csv``,
``components.csv`` and their aliases in ``parlib/reference``; a name that fits
nothing gives a missing key, never a guess.
"""

from __future__ import annotations

import functools
import re
from collections.abc import Callable

import pandas as pd

from parlib import reference as ref
from parlib.clean.codes import combine_codes, factorize_values, spread_answers, spread_distinct
from parlib.text import match_key

__all__ = [
    "index_lookup",
    "level_key",
    "match_components",
    "match_indices",
    "match_levels",
    "resolve_component",
]

_ENUMERATOR = re.compile(r"^(?:[ivx]+|\d+(?: \d+)?|[a-z]|d\d+)\s+")


@functools.cache
def index_lookup() -> dict[str, str]:
    """Return the match key of every index key, name and alias, mapped to its index key.

    Built once per process from ``indices.csv`` and ``index_aliases.csv``; look a
    name up with ``index_lookup().get(match_key(name))``.
    """
    out: dict[str, str] = {}
    for row in ref.indices().itertuples(index=False):
        for s in (row.key, row.name_vi, row.name_en):
            if (k := match_key(s)) is not None:
                out[k] = row.key
    for alias, key in ref.index_aliases().itertuples(index=False):
        if (k := match_key(alias)) is not None:
            out[k] = key
    return out


@functools.cache
def _level_lookup() -> dict[str, str]:
    keys = ((match_key(a), lvl) for a, lvl in ref.levels().itertuples(index=False))
    return {k: lvl for k, lvl in keys if k is not None}


def _get(table: dict[str, str], value: object) -> str | None:
    """Return ``table``'s entry for the match key of ``value``; None when blank or absent."""
    key = match_key(value)
    return None if key is None else table.get(key)


def level_key(value: object) -> str | None:
    """Return the level key ("province", "department", ...) of one level spelling, else None.

    Spellings are those of ``levels.csv``, compared through :func:`parlib.text.match_key`.
    """
    return _get(_level_lookup(), value)


def _map_keys(
    values: pd.Series, lookup: Callable[[object], str | None], *, categorical: bool = False
) -> pd.Series:
    data = spread_distinct(values, lambda v: (lookup(v),), ["key"], categorical=categorical)
    return pd.Series(data["key"], index=values.index, name=values.name)


def match_indices(values: pd.Series, *, categorical: bool = False) -> pd.Series:
    """Resolve index names ("PAR INDEX", "Chỉ số CCHC", "PAPI", ...) to index keys.

    Unknown names give a missing value; nothing is guessed. With ``categorical``
    the keys come as a Categorical, else as strings.

    Examples
    --------
    >>> match_indices(pd.Series(["Chỉ số CCHC", "sipas", "Chỉ số lạ"])).tolist()
    ['PAR', 'SIPAS', nan]
    """
    lookup = index_lookup()
    return _map_keys(values, lambda v: _get(lookup, v), categorical=categorical)


def match_levels(values: pd.Series, *, categorical: bool = False) -> pd.Series:
    """Resolve level spellings ("cấp huyện", "sở, ban, ngành", ...) to level keys.

    With ``categorical`` the keys come as a Categorical, else as strings.

    Examples
    --------
    >>> match_levels(pd.Series(["Cấp tỉnh", "sở, ban, ngành", "UBND cấp huyện", "?"])).tolist()
    ['province', 'department', 'district', nan]
    """
    return _map_keys(values, level_key, categorical=categorical)


@functools.cache
def _component_lookup() -> dict[str, list[tuple[str, str]]]:
    return ref.component_lookup()


def resolve_component(value: object, index: str | None) -> str | None:
    """Resolve one component name of ``index``; the single-value :func:`match_components`.

    ``index`` is an index key, or None to accept a component of any index. Returns the
    component key, "total" for a blank name, or None when no component (or several) fit.
    """
    key = match_key(value)
    if key is None:
        return "total"
    lookup = _component_lookup()
    pairs = lookup.get(key)
    if pairs is None:
        stripped = _ENUMERATOR.sub("", key)
        pairs = lookup.get(stripped, [])
    keys = {k for i, k in pairs if index is None or i == index}
    return keys.pop() if len(keys) == 1 else None


def match_components(
    values: pd.Series, *, index: pd.Series | str, categorical: bool = False
) -> pd.Series:
    """Resolve component names to component keys of the given index.

    Blank names and "Tổng", "Tổng điểm", "Chỉ số tổng hợp", "total" give
    ``"total"``. A leading enumerator ("1.", "II.", "D1.") is ignored. A name
    that fits no component of the index, or several, gives a missing value.

    Parameters
    ----------
    values
        Component names as written in the raw table.
    index
        Index key or name of each row, or one for all rows.
    categorical
        Return the keys as a Categorical instead of strings.

    Raises
    ------
    ValueError
        If ``index`` is a single unknown index name.

    Examples
    --------
    >>> s = pd.Series(["Tổng điểm", "Cải cách TTHC", "D4", "Thủ tục hành chính", None])
    >>> match_components(s, index="PAPI").tolist()
    ['total', nan, 'corruption_control', 'procedures', 'total']
    >>> match_components(pd.Series(["1. Cải cách thủ tục hành chính"]), index="PAR").tolist()
    ['procedures']
    """
    lookup = index_lookup()
    if isinstance(index, str) and _get(lookup, index) is None:
        known = sorted(set(lookup.values()))
        msg = f"The value for `index` must be one of {known}, but {index!r} was passed."
        raise ValueError(msg)
    cv, uv = factorize_values(values, values, "values")
    ci, ui = factorize_values(index, values, "index", lambda v: _get(lookup, v))
    codes, first = combine_codes([cv, ci])
    answers = [
        (resolve_component(None if cv[i] < 0 else uv[cv[i]], None if ci[i] < 0 else ui[ci[i]]),)
        for i in first
    ]
    data = spread_answers(codes, answers, ["key"], categorical=categorical)["key"]
    return pd.Series(data, index=values.index, name=values.name)
