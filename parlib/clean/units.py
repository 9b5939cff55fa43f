"""Resolve unit names (departments, districts, communes) to unit type keys, without guessing.

Like :mod:`parlib.clean.provinces`, each distinct (name, level, province) is resolved
once and the answers are spread back over the rows. A department matches its
canonical name, an abbreviation or an alias of ``parlib/reference``; district and
commune names are parsed into their type word and place name. There is no fuzzy
matching: a name that fits nothing is reported, never guessed.
"""

from __future__ import annotations

import functools
import re
from collections.abc import Sequence
from dataclasses import dataclass

import pandas as pd

from parlib import reference as ref
from parlib.clean.codes import combine_codes, factorize_values, spread_answers
from parlib.clean.indices import level_key
from parlib.clean.provinces import NA, name_candidates, province_tables
from parlib.text import clean_text, match_key

__all__ = ["UnitTables", "match_unit_types", "resolve_unit", "unit_tables"]

_PLACE_PREFIXES = ("tinh ", "thanh pho ", "tp ")
_BOUNDARY = re.compile(r"[\s.]+")
_PLACE_SEP = re.compile(r"\s*[,(-]\s*|\s+")


@dataclass(frozen=True)
class UnitTables:
    """The unit type reference files as lookups, built once by :func:`unit_tables`."""

    departments: dict[str, str]  # match key -> unit type key
    admin: dict[str, dict[str, str]]  # level -> type-word key -> unit type key
    display: dict[str, str]  # unit type key -> name_vi
    province_keys: tuple[str, ...]  # longest first


@functools.cache
def unit_tables() -> UnitTables:
    """Return the unit type names, abbreviations and aliases as lookups.

    Built once per process from ``parlib/reference``: department spellings map to
    their unit type key, district and commune type words to theirs, and the province
    spellings (longest first) are kept to strip a trailing province from a unit name.
    """
    types = ref.unit_types()
    departments: dict[str, str] = {}
    admin: dict[str, dict[str, str]] = {"district": {}, "commune": {}}
    for row in types.itertuples(index=False):
        spellings = [
            row.name_vi,
            *([] if pd.isna(row.abbreviations) else row.abbreviations.split("|")),
        ]
        target = departments if row.level == "department" else admin[row.level]
        for s in spellings + ([row.key] if row.level == "department" else []):
            if (k := match_key(s)) is not None:
                target[k] = row.key
    for alias, key in ref.unit_type_aliases().itertuples(index=False):
        if (k := match_key(alias)) is not None:
            departments[k] = key
    keys = province_tables().all_keys
    return UnitTables(
        departments=departments,
        admin=admin,
        display=dict(zip(types["key"], types["name_vi"])),
        province_keys=tuple(sorted(keys, key=len, reverse=True)),
    )


def _province_stems(key: str | None) -> list[str]:
    return [] if key is None else name_candidates(key, _PLACE_PREFIXES, ())


def _unit_candidates(key: str, extra: Sequence[str], t: UnitTables) -> list[str]:
    out = [key]
    for pk in [*extra, *t.province_keys]:
        if key.endswith(" " + pk) and len(key) > len(pk) + 1:
            base = key[: -len(pk) - 1]
            out.append(base)
            for word in ("tinh", "thanh pho", "tp"):
                if base.endswith(" " + word):
                    out.append(base[: -len(word) - 1])
    return out


def _resolve_department(key: str, extra: Sequence[str], t: UnitTables) -> str | None:
    for k in _unit_candidates(key, extra, t):
        hit = t.departments.get(k) or t.departments.get("so " + k)
        if hit:
            return hit
    return None


def _split_head(text: str, table: dict[str, str]) -> tuple[str, str] | None:
    for m in _BOUNDARY.finditer(text):
        head = match_key(text[: m.start()])
        if head in table:
            return table[head], text[m.end() :]
    return None


def _strip_place_suffix(place: str, extra: Sequence[str], t: UnitTables) -> str:
    keys = set(extra) | set(t.province_keys)
    for m in _PLACE_SEP.finditer(place):
        if m.start() == 0:
            continue
        tail = match_key(place[m.end() :])
        if tail is None:
            continue
        stems = _province_stems(tail)
        if any(s in keys for s in stems[1:]) or (m.group().strip() and tail in keys):
            return place[: m.start()].strip()
    return place


_ADMIN_PREFIX = {"ubnd": "ubnd", "uy ban nhan dan": "ubnd"}


def _resolve_admin(
    text: str, levels: Sequence[str], extra: Sequence[str], t: UnitTables
) -> tuple[str, str] | None:
    head = _split_head(text, _ADMIN_PREFIX)
    rest = head[1] if head else text
    table = {k: v for lvl in levels for k, v in t.admin[lvl].items()}
    hit = _split_head(rest, table)
    if hit is None or match_key(hit[1]) is None:
        return None
    key, place = hit
    place = _strip_place_suffix(place.strip(), extra, t)
    return f"{t.display[key]} {place}", key


def resolve_unit(value: object, level: str | None, province: object, t: UnitTables) -> tuple:
    """Resolve one unit name at ``level``; the single-value :func:`match_unit_types`.

    ``level`` is a level key or None (try every type), ``province`` the row's province
    name or None. Returns ``(unit, unit_type, status)`` as :func:`match_unit_types` does.
    """
    text = clean_text(value)
    key = match_key(text)
    if key is None or text is None:  # text is None only when key is
        return NA, NA, "missing"
    extra = _province_stems(match_key(province))
    if level in (None, "department"):
        hit = _resolve_department(key, extra, t)
        if hit:
            return t.display[hit], hit, "ok"
    if level in (None, "district", "commune"):
        levels = ("district", "commune") if level is None else (level,)
        admin = _resolve_admin(text, levels, extra, t)
        if admin:
            return admin[0], admin[1], "ok"
    if level == "province":
        return text, NA, "ok"
    return text, NA, "unknown"


def match_unit_types(
    values: pd.Series,
    *,
    level: pd.Series | str,
    province_names: pd.Series | None = None,
    categorical: bool = False,
) -> pd.DataFrame:
    """Resolve unit names (departments, districts, communes) to unit type keys.

    Departments match their canonical name, an abbreviation or an alias, with a
    trailing "tỉnh <province>", "thành phố <province>" or "<province>" stripped
    by rule ("Sở Công thương tỉnh Bến Tre" -> "Sở Công Thương"). Districts and
    communes are parsed: "UBND huyện Bình Đại" -> "Huyện Bình Đại", the type word
    normalised and the place name kept as written (NFC).

    Parameters
    ----------
    values
        Unit names as written in the raw table.
    level
        Administrative level of each row (key or spelling from ``levels.csv``),
        or one level for all rows. Rows whose level is unknown try every type.
    province_names
        Optional province of each row, to strip it from the unit name.
    categorical
        Return Categorical columns instead of string columns.

    Returns
    -------
    DataFrame
        Indexed like ``values``: ``unit`` (canonical display name, or the cleaned
        text when unknown), ``unit_type`` (key, empty when unknown) and
        ``status`` (ok, unknown, missing). Province-level rows carry no unit
        type: status ok, unit_type empty (resolve them with match_provinces).

    Raises
    ------
    ValueError
        If ``level`` is a single unknown level, or a Series of another length.

    Examples
    --------
    >>> s = pd.Series(["Sở Công thương tỉnh Bến Tre", "SCT", "Sở Kỳ Lạ"])
    >>> out = match_unit_types(s, level="sở")
    >>> out["unit"].tolist()
    ['Sở Công Thương', 'Sở Công Thương', 'Sở Kỳ Lạ']
    >>> out["unit_type"].tolist(), out["status"].tolist()
    (['cong_thuong', 'cong_thuong', nan], ['ok', 'ok', 'unknown'])
    >>> match_unit_types(pd.Series(["UBND huyện Bình Đại", "TP. Bến Tre"]), level="district")[
    ...     "unit"].tolist()
    ['Huyện Bình Đại', 'Thành phố Bến Tre']
    """
    if isinstance(level, str) and level_key(level) is None:
        msg = (
            f"The value for `level` must be one of {list(ref.LEVELS)} (or a spelling "
            f"in parlib/reference/levels.csv), but {level!r} was passed."
        )
        raise ValueError(msg)
    cv, uv = factorize_values(values, values, "values")
    cl, ul = factorize_values(level, values, "level", level_key)
    cp, up = factorize_values(province_names, values, "province_names")
    codes, first = combine_codes([cv, cl, cp])
    t = unit_tables()

    def pick(uniques, c):
        return None if c < 0 else uniques[c]

    answers = [resolve_unit(pick(uv, cv[i]), pick(ul, cl[i]), pick(up, cp[i]), t) for i in first]
    data = spread_answers(codes, answers, ["unit", "unit_type", "status"], categorical=categorical)
    return pd.DataFrame(data, index=values.index)
