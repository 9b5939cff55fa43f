"""One resolver for the names people write in filters: provinces, indices, levels, unit types.

Statistics, plots, the report notebooks and ``reports.yaml`` all select rows
through this module, and it resolves names through :mod:`parlib.clean.provinces`,
:mod:`parlib.clean.indices`, :mod:`parlib.clean.units` and the reference tables the
cleaning uses (``parlib/reference/``): a province is found by its official name, full
name, English name, an alias of ``province_aliases.csv`` or its GSO code, with or without
diacritics, in either era. Under 2025 boundaries a legacy name ("Bến Tre", "Thừa Thiên Huế")
selects the 2025 province it became, with a :class:`NameNote` saying so.

A name that matches nothing gets the three closest spellings; a name that
matches but has no rows gets what the data does have for that province and
index, level by level.

Examples
--------
>>> scores = pd.DataFrame({"index": "PAR", "component": "total", "level": "province",
...     "province_code": ["79", "01"], "province": ["Hồ Chí Minh", "Hà Nội"],
...     "province_code_2025": ["79", "01"], "province_2025": ["Hồ Chí Minh", "Hà Nội"],
...     "unit": ["Hồ Chí Minh", "Hà Nội"], "year": 2023, "score": [85.0, 84.0]})
>>> select_provinces(scores, ["TP.HCM"])["unit"].tolist()
['Hồ Chí Minh']
>>> select_provinces(scores, ["Ha Noii"])
Traceback (most recent call last):
...
parlib.errors.SelectionError: No rows for provinces=['Ha Noii']; available: ['Hà Nội', 'Hồ Chí Minh']. No province is called 'Ha Noii'. Did you mean 'Hà Nội' or 'Hà Nam'?
"""

from __future__ import annotations

import functools
import warnings
from collections.abc import Iterable

import numpy as np
import pandas as pd

from parlib import reference as ref
from parlib.analysis.hints import describe_available, did_you_mean, suggest_names
from parlib.clean.indices import match_components, match_indices, match_levels
from parlib.clean.provinces import match_provinces
from parlib.clean.units import match_unit_types
from parlib.errors import SelectionError
from parlib.text import match_key, match_keys

__all__ = [
    "NameNote",
    "find_province",
    "resolve_name",
    "select_provinces",
    "select_values",
    "suggest_provinces",
]

_KINDS = ("index", "level", "component", "unit_type")


class NameNote(UserWarning):
    """A name was resolved to something the reader should know: a legacy name under 2025
    boundaries selects the 2025 province it became."""


@functools.cache
def _province_spellings() -> dict[str, str]:
    """Every spelling of a province (both eras) -> its official name, keyed by match key."""
    out: dict[str, str] = {}
    for era in ref.ERAS:
        table = ref.provinces(era)
        for row in table.itertuples(index=False):
            for spelling in (row.name, row.full_name, row.name_en):
                out.setdefault(str(spelling), row.name)
    names = {(r.era, r.code): r.name for r in ref.provinces(None).itertuples(index=False)}
    for alias, era, code in ref.province_aliases().itertuples(index=False):
        out.setdefault(str(alias), names[(era, code)])
    return out


@functools.cache
def _codes() -> dict[str, frozenset[str]]:
    return {era: frozenset(ref.provinces(era)["code"]) for era in ref.ERAS}


@functools.cache
def _to_2025() -> dict[str, str]:
    m = ref.province_merger()
    return dict(zip(m["legacy_code"], m["code_2025"]))


def _resolve_province(name: object) -> tuple[str | None, str | None, str | None, str]:
    """Return (legacy code, 2025 code, note under 2025 boundaries, official name)."""
    text = str(name).strip()
    if text.isdigit() and len(text) <= 2:  # a GSO code; YAML reads 01 as the number 1
        code = text.zfill(2)
        legacy = code if code in _codes()["legacy"] else None
        new = (
            code
            if code in _codes()["2025"] and legacy is None
            else _to_2025().get(legacy)
            if legacy is not None
            else None
        )
        if legacy is None and new is None:
            return None, None, None, text
        named = ref.provinces("legacy" if legacy else "2025").set_index("code")["name"]
        note = None
        if legacy and new != legacy:
            new_name = ref.provinces("2025").set_index("code")["name"][new]
            note = (
                f"'{text}' is legacy province {legacy} {named[legacy]}, part of {new} "
                f"{new_name} from 2025-07-01."
            )
        return legacy, new, note, named[legacy or new]
    both = [match_provinces(pd.Series([text]), era=era).iloc[0] for era in ref.ERAS]
    legacy, new = both
    legacy_code = legacy["province_code"] if legacy["status"] == "ok" else None
    new_code = new["province_code"] if new["status"] == "ok" else None
    note = new["reason"] if new_code is not None and isinstance(new["reason"], str) else None
    official = (
        legacy["province"]
        if legacy_code is not None
        else new["province"]
        if new_code is not None
        else text
    )
    return (
        None if pd.isna(legacy_code) else legacy_code,
        None if pd.isna(new_code) else new_code,
        note,
        official,
    )


def find_province(name: object) -> str | None:
    """Return the official name of the province ``name`` means (any era, any spelling), or None.

    Examples
    --------
    >>> find_province("TPHCM"), find_province("Thừa Thiên Huế"), find_province("79")
    ('Hồ Chí Minh', 'Thừa Thiên Huế', 'Hồ Chí Minh')
    >>> find_province("Atlantis") is None
    True
    """
    legacy, new, _, official = _resolve_province(name)
    return None if legacy is None and new is None else official


def suggest_provinces(name: object) -> list[str]:
    """Return the official names of the (up to) three provinces spelled closest to ``name``.

    Examples
    --------
    >>> suggest_provinces("Ben Tree")
    ['Bến Tre']
    """
    spellings = _province_spellings()
    return list(dict.fromkeys(spellings.get(c, c) for c in suggest_names(name, spellings)))


def select_provinces(
    scores: pd.DataFrame,
    provinces: str | int | Iterable[object] | None,
    *,
    context: str = "",
    everything: pd.DataFrame | None = None,
) -> pd.DataFrame:
    """Return the rows of ``scores`` that belong to the named provinces, in any spelling.

    A row published (or grouped) in 2025 boundaries matches the 2025 province
    a name resolves to; a legacy row matches the legacy province. Rows without
    province codes match by name.

    Parameters
    ----------
    scores
        Rows with ``province`` and, when known, ``province_code``,
        ``province_code_2025`` and ``boundaries``.
    provinces
        A name or code, or a list of them.
    context
        Words naming the other filters, for the message ("index='PAR'").
    everything
        The rows before other filters, to say what exists for the province.

    Returns
    -------
    DataFrame
        The matching rows.

    Raises
    ------
    SelectionError
        When a name matches no province (with the three closest names) or a
        province has no rows (with what exists for it).

    Warns
    -----
    NameNote
        When a legacy name selects the 2025 province it became.
    """
    wanted = [provinces] if isinstance(provinces, (str, int)) else list(provinces or [])
    code = _column(scores, "province_code")
    code_2025 = _column(scores, "province_code_2025")
    if "boundaries" in scores:
        in_2025 = scores["boundaries"].astype("string").eq("2025").fillna(False).to_numpy(bool)
    else:
        in_2025 = np.zeros(len(scores), dtype=bool)
    in_2025 |= code.isna().to_numpy(bool) & code_2025.notna().to_numpy(bool)
    keys = (
        match_keys(scores["province"].astype("string"))
        if "province" in scores
        else pd.Series(None, index=scores.index, dtype=object)
    )
    hit = np.zeros(len(scores), dtype=bool)
    unknown, empty, notes = [], [], []
    for name in wanted:
        legacy, new, note, official = _resolve_province(name)
        if legacy is None and new is None:
            unknown.append(name)
            continue
        found = (~in_2025 & code.eq(legacy).fillna(False).to_numpy(bool)) | (
            in_2025 & code_2025.eq(new).fillna(False).to_numpy(bool)
        )
        no_code = code.isna().to_numpy(bool) & code_2025.isna().to_numpy(bool)
        by_name = keys.isin({match_key(name), match_key(official)}).to_numpy(bool)
        found |= no_code & by_name
        if not found.any():
            empty.append((name, official))
        elif note and (found & in_2025).any():
            notes.append(note)
        hit |= found
    present = (
        sorted(scores["province"].dropna().astype(str).unique().tolist())
        if "province" in scores
        else []
    )
    where = f" ({context})" if context else ""
    if unknown:
        close = suggest_provinces(unknown[0])
        raise SelectionError(
            f"No rows for provinces={unknown!r}{where}; available: {present}. "
            f"No province is called {unknown[0]!r}.{did_you_mean(close)}"
        )
    if empty:
        shown = [n for n, _ in empty]
        more = describe_available(
            everything if everything is not None else scores, provinces=[o for _, o in empty]
        )
        raise SelectionError(
            f"No rows for provinces={shown!r}{where}; available: {present}."
            + (f" {more}" if more else "")
        )
    for note in dict.fromkeys(notes):
        warnings.warn(
            f"{note} Under 2025 boundaries it selects that province.", NameNote, stacklevel=3
        )
    return scores.loc[hit]


def select_values(
    data: pd.DataFrame, column: str, wanted: object, *, context: str = ""
) -> pd.DataFrame:
    """Keep the rows whose ``column`` (index, level, component, unit_type) is one of ``wanted``.

    Each wanted value may be written any way :func:`resolve_name` knows
    ("Chỉ số CCHC", "sở", "Sở Tài chính").

    Raises
    ------
    SelectionError
        When a value matches no row: what is available, the three closest
        values and, for a level, which provinces have that level.

    Examples
    --------
    >>> scores = pd.DataFrame({"index": ["PAR", "SIPAS"], "level": "province"})
    >>> select_values(scores, "index", "Chỉ số CCHC").index.tolist()
    [0]
    """
    values = (
        [wanted] if isinstance(wanted, str) or not isinstance(wanted, Iterable) else list(wanted)
    )
    available = sorted(data[column].dropna().unique().tolist())
    index = _one(data["index"]) if column == "component" and "index" in data else None
    values = [_resolved(column, v, available, index) for v in values]
    unknown = [v for v in values if v not in available]
    if unknown:
        where = f" ({context})" if context else ""
        shown = wanted if isinstance(wanted, str) else unknown
        close = suggest_names(unknown[0], map(str, available))
        more = ""
        if column == "level" and "province" in data and "index" in data:
            more = " " + describe_available(data, index=_one(data["index"]), level=str(unknown[0]))
        raise SelectionError(
            f"No rows for {column}={shown!r}{where}; available: {available}."
            f"{did_you_mean(close)}{more}".rstrip()
        )
    return data.loc[data[column].isin(values).to_numpy(dtype=bool)]


def _resolved(column: str, value: object, available: list, index: str | None) -> object:
    """``value`` if present, else its key by :func:`resolve_name` if that is present."""
    if value in available or column not in _KINDS:
        return value
    key = resolve_name(column, value, index=index)
    return key if key in available else value


def _one(values: pd.Series) -> str | None:
    present = values.dropna().unique()
    return str(present[0]) if len(present) == 1 else None


def resolve_name(kind: str, value: object, *, index: str | None = None) -> str | None:
    """Return the key of an index, level, component or unit type written any way; None if none.

    Examples
    --------
    >>> resolve_name("index", "Chỉ số CCHC"), resolve_name("level", "sở, ban, ngành")
    ('PAR', 'department')
    >>> resolve_name("component", "Cải cách TTHC", index="PAR")
    'procedures'
    >>> resolve_name("unit_type", "Sở Tài chính"), resolve_name("index", "nope")
    ('tai_chinh', None)
    """
    if kind not in _KINDS:
        raise ValueError(
            f"The value for `kind` must be one of {list(_KINDS)}, but {kind!r} was passed."
        )
    if value is None or (isinstance(value, str) and not value.strip()):
        return None
    one = pd.Series([str(value)])
    if kind == "index":
        found = match_indices(one).iloc[0]
    elif kind == "level":
        found = match_levels(one).iloc[0]
    elif kind == "component":
        if index is None or resolve_name("index", index) is None:
            return None
        found = match_components(one, index=index).iloc[0]
    else:
        found = _unit_type_keys().get(match_key(value))
        if found is None:
            found = match_unit_types(one, level="department")["unit_type"].iloc[0]
    return None if found is None or pd.isna(found) else str(found)


@functools.cache
def _unit_type_keys() -> dict[str | None, str]:
    out: dict[str | None, str] = {}
    for row in ref.unit_types().itertuples(index=False):
        for spelling in (
            row.key,
            row.name_vi,
            row.name_en,
            *([] if pd.isna(row.abbreviations) else row.abbreviations.split("|")),
        ):
            out.setdefault(match_key(spelling), row.key)
    return out


def _column(scores: pd.DataFrame, name: str) -> pd.Series:
    if name in scores:
        return scores[name].astype("string")
    return pd.Series(pd.NA, index=scores.index, dtype="string")
