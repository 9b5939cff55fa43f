"""Resolve free-text names to reference keys: provinces, unit types, indices, levels, components.

Every function is pure and vectorised: each distinct input value is resolved
once (``pd.factorize``) and the answers are spread back over the rows, so a
million rows with a few hundred distinct names take a fraction of a second.
Matching compares :func:`parlib.text.match_key` keys (no case, diacritics,
punctuation or tone-mark placement) against the reference files in
``parlib/reference``; a few prefixes and suffixes are stripped by rule. There is
no fuzzy matching: a name that fits nothing is reported, never guessed.

Keying rule for provinces: figures for years up to 2024 are keyed by the
legacy province (era ``"legacy"``, 63 units), figures from 2025 on by the 2025
province (era ``"2025"``, 34 units). Choose the era by the period the figures
describe. ``province_code`` is always the code *in the requested era*.
"""

from __future__ import annotations

import functools
import re
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass

import numpy as np
import pandas as pd

from parlib import reference as ref
from parlib.errors import UnknownNameError
from parlib.text import categorical as to_categorical
from parlib.text import clean_text, match_key

__all__ = [
    "PROVINCE_COLUMNS",
    "match_components",
    "match_indices",
    "match_levels",
    "match_provinces",
    "match_unit_types",
    "normalize_province",
]

PROVINCE_COLUMNS = [
    "province_code", "province", "province_code_2025", "province_2025",
    "province_code_legacy", "province_legacy", "status", "reason",
]
_ALIAS_FILE = "parlib/reference/province_aliases.csv"
_PREFIXES = ("uy ban nhan dan ", "ubnd ", "tinh ", "thanh pho ", "tp ", "t p ")
_SUFFIXES = (" province", " city")
_PLACE_PREFIXES = ("tinh ", "thanh pho ", "tp ")
_BOUNDARY = re.compile(r"[\s.]+")
_PLACE_SEP = re.compile(r"\s*[,(-]\s*|\s+")
_ENUMERATOR = re.compile(r"^(?:[ivx]+|\d+(?: \d+)?|[a-z]|d\d+)\s+")
NA = None


# ----------------------------------------------------------------------------- helpers

def _spread(values: pd.Series, func: Callable[[object], tuple], columns: Sequence[str], *,
            categorical: bool = False) -> dict[str, pd.api.extensions.ExtensionArray]:
    """Apply ``func`` once per distinct value (and once for missing) and spread the answers."""
    codes, uniques = pd.factorize(values, use_na_sentinel=True)
    answers = [func(v) for v in uniques] + [func(None)]
    codes = np.where(codes < 0, len(uniques), codes)
    return _columns(codes, answers, columns, categorical=categorical)


def _columns(codes: np.ndarray, answers: list[tuple], columns: Sequence[str], *,
             categorical: bool = False) -> dict[str, pd.api.extensions.ExtensionArray]:
    """Spread ``answers[code]`` over the rows: string arrays, or Categoricals (same cells,
    each text held once) for the cleaning pipeline."""
    if categorical:
        return {col: to_categorical(codes, [a[j] for a in answers])
                for j, col in enumerate(columns)}
    return {col: pd.array([a[j] for a in answers], dtype="str").take(codes)
            for j, col in enumerate(columns)}


def _combine(*arrays: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """Factorize several code arrays jointly; return row codes and the first row of each.

    Codes are -1 or more; codes are numbered in order of first appearance.
    """
    return _combine_each(arrays)


def _combine_each(arrays: Iterable[np.ndarray]) -> tuple[np.ndarray, np.ndarray]:
    """:func:`_combine` over an iterable: a generator's arrays are made one at a time."""
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


def _factorize(values: object, like: pd.Series, name: str,
               mapper: Callable[[object], object] | None = None) -> tuple[np.ndarray, list]:
    """Return row codes (-1 for missing) and distinct values of a Series or of one scalar.

    ``mapper`` is applied to the distinct values (e.g. spelling -> key).
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


def _candidates(key: str, prefixes=_PREFIXES, suffixes=_SUFFIXES) -> list[str]:
    """Return ``key`` followed by the keys left after stripping prefixes/suffixes by rule."""
    out = [key]
    changed = True
    while changed:
        changed = False
        for p in prefixes:
            if key.startswith(p) and len(key) > len(p):
                key = key[len(p):]
                out.append(key)
                changed = True
        for s in suffixes:
            if key.endswith(s) and len(key) > len(s):
                key = key[: -len(s)]
                out.append(key)
                changed = True
    return out


def _check_era(era: str) -> None:
    if era not in ref.ERAS:
        msg = f"The value for `era` must be one of {list(ref.ERAS)}, but {era!r} was passed."
        raise ValueError(msg)


# ----------------------------------------------------------------------------- provinces

@dataclass(frozen=True)
class _ProvinceTables:
    keys: dict[str, dict[str, frozenset[str]]]   # era -> match key -> codes
    names: dict[tuple[str, str], str]            # (era, code) -> name
    to_2025: dict[str, str]                      # legacy code -> 2025 code
    parts: dict[str, tuple[str, ...]]            # 2025 code -> legacy codes
    former: dict[str, str]                       # match key -> note
    all_keys: frozenset[str]                     # every current spelling, both eras


@functools.cache
def _province_tables() -> _ProvinceTables:
    p = ref.provinces(None)
    keys: dict[str, dict[str, set[str]]] = {era: {} for era in ref.ERAS}
    for era, code, *spellings in p[["era", "code", "name", "full_name", "name_en"]].itertuples(
            index=False):
        for s in spellings:
            keys[era].setdefault(match_key(s), set()).add(code)
    for alias, era, code in ref.province_aliases().itertuples(index=False):
        keys[era].setdefault(match_key(alias), set()).add(code)
    m = ref.province_merger()
    to_2025 = dict(zip(m["legacy_code"], m["code_2025"]))
    parts: dict[str, list[str]] = {}
    for legacy, new in to_2025.items():
        parts.setdefault(new, []).append(legacy)
    f = ref.former_provinces()
    return _ProvinceTables(
        keys={era: {k: frozenset(v) for k, v in d.items()} for era, d in keys.items()},
        names={(e, c): n for e, c, n in zip(p["era"], p["code"], p["name"])},
        to_2025=to_2025,
        parts={k: tuple(v) for k, v in parts.items()},
        former={match_key(n): note for n, note in zip(f["name"], f["note"])},
        all_keys=frozenset(k for d in keys.values() for k in d),
    )


def _resolve_province(value: object, era: str, t: _ProvinceTables) -> tuple:
    text = clean_text(value)
    key = match_key(text)
    if key is None:
        return (NA,) * 6 + ("missing", "The province is blank; fill in the province the "
                            "figure belongs to.")
    cands = _candidates(key)
    for k in cands:
        if era == "2025" and k in t.keys["2025"]:
            return _hit_2025(text, t.keys["2025"][k], t)
        if k in t.keys["legacy"]:
            return _hit_legacy(text, t.keys["legacy"][k], era, t)
    for k in cands:
        if k in t.former:
            return (NA,) * 6 + ("former", f"'{text}' no longer exists ({t.former[k]}); record "
                                "the figure under the province that published it.")
    return (NA,) * 6 + ("unknown", f"Unknown province '{text}'; add a spelling to {_ALIAS_FILE}.")


def _ambiguous(text: str, era: str, codes, t: _ProvinceTables) -> tuple:
    options = " or ".join(f"{c} {t.names[(era, c)]}" for c in sorted(codes))
    return (NA,) * 6 + ("ambiguous", f"'{text}' could be {options}; write the official name "
                        f"or fix the spelling in {_ALIAS_FILE}.")


def _hit_2025(text: str, codes: frozenset[str], t: _ProvinceTables) -> tuple:
    if len(codes) > 1:
        return _ambiguous(text, "2025", codes, t)
    (code,) = codes
    name = t.names[("2025", code)]
    parts = t.parts[code]
    legacy = (parts[0], t.names[("legacy", parts[0])]) if len(parts) == 1 else (NA, NA)
    return (code, name, code, name, *legacy, "ok", NA)


def _hit_legacy(text: str, codes: frozenset[str], era: str, t: _ProvinceTables) -> tuple:
    if era == "legacy":
        if len(codes) > 1:
            return _ambiguous(text, "legacy", codes, t)
        (code,) = codes
        name, new = t.names[("legacy", code)], t.to_2025[code]
        return (code, name, new, t.names[("2025", new)], code, name, "ok", NA)
    targets = {t.to_2025[c] for c in codes}
    if len(targets) > 1:
        return _ambiguous(text, "legacy", codes, t)
    (new,) = targets
    new_name = t.names[("2025", new)]
    if len(codes) > 1:
        return (new, new_name, new, new_name, NA, NA, "ok", NA)
    (code,) = codes
    name = t.names[("legacy", code)]
    reason = NA
    if (code, name) != (new, new_name):
        reason = (f"'{text}' is legacy province {code} {name}, part of {new} {new_name} "
                  "from 2025-07-01.")
    return (new, new_name, new, new_name, code, name, "ok", reason)


def match_provinces(values: pd.Series, *, era: pd.Series | str = "legacy",
                    categorical: bool = False) -> pd.DataFrame:
    """Resolve free-text province names to (era, code), without guessing.

    Matching is exact on the match key of the official name, full name,
    English name or an alias of ``province_aliases.csv``; prefixes such as
    "Tỉnh", "Thành phố", "TP.", "UBND" and suffixes "Province"/"City" are
    stripped by rule. In era ``"2025"`` the 2025 names match first; a legacy
    name then maps through the 2025 merger.

    Parameters
    ----------
    values
        Province names as written in the raw table.
    era
        ``"legacy"`` for figures up to 2024, ``"2025"`` for figures from 2025; or a
        Series giving the era of each row.
    categorical
        Return Categorical columns (each text held once), as the cleaning pipeline
        does for large tables, instead of string columns.

    Returns
    -------
    DataFrame
        Indexed like ``values``. ``province_code``/``province``: code and
        canonical name in ``era``; ``province_code_2025``/``province_2025``: the
        2025 province; ``province_code_legacy``/``province_legacy``: the legacy
        province when determinable (empty when one 2025 province covers several
        legacy ones); ``status`` one of ok, missing, former, unknown, ambiguous;
        ``reason``: a sentence naming the value and the fix (or an informative
        note for a legacy name in a 2025 table).

    Raises
    ------
    ValueError
        If ``era`` is unknown.

    Examples
    --------
    >>> s = pd.Series(["TP. HCM", "Hoà Bình", "Hà Tây", "Atlantis", None])
    >>> out = match_provinces(s)
    >>> out["province_code"].tolist()
    ['79', '17', nan, nan, nan]
    >>> out["province_2025"].tolist()[:2], out["status"].tolist()
    (['Hồ Chí Minh', 'Phú Thọ'], ['ok', 'ok', 'former', 'unknown', 'missing'])
    >>> match_provinces(pd.Series(["Bến Tre", "Huế"]), era="2025")[
    ...     ["province_code", "province", "province_code_legacy"]].to_numpy().tolist()
    [['86', 'Vĩnh Long', '83'], ['46', 'Huế', '46']]
    """
    cv, uv = _factorize(values, values, "values")
    ce, ue = _factorize(era, values, "era")
    for era in ue:
        _check_era(era)
    codes, first = _combine(cv, ce)
    t = _province_tables()
    answers = [_resolve_province(None if cv[i] < 0 else uv[cv[i]], ue[ce[i]], t) for i in first]
    return pd.DataFrame(_columns(codes, answers, PROVINCE_COLUMNS, categorical=categorical),
                        index=values.index)


def normalize_province(df: pd.DataFrame, *, column: str = "province",
                       era: str = "legacy") -> pd.DataFrame:
    """Add the canonical province codes for each free-text province name.

    Adds ``province_code`` (code in ``era``), ``province_code_2025`` and
    ``province_code_legacy``; blank names get missing codes.

    Raises
    ------
    KeyError
        If ``column`` is not in ``df``.
    UnknownNameError
        If a name is unknown, a former province or ambiguous; the message names
        the values and the file to edit.

    Examples
    --------
    >>> raw = pd.DataFrame({"province": ["Hà Nội", " HA NOI", "TP. Hồ Chí Minh"]})
    >>> normalize_province(raw)["province_code"].tolist()
    ['01', '01', '79']
    """
    if column not in df.columns:
        msg = f"Column {column!r} not found; columns are {list(df.columns)}."
        raise KeyError(msg)
    m = match_provinces(df[column], era=era)
    bad = m["status"].isin(["unknown", "former", "ambiguous"])
    if bad.any():
        reasons = list(dict.fromkeys(m.loc[bad, "reason"]))
        more = f" (and {len(reasons) - 5} more)" if len(reasons) > 5 else ""
        raise UnknownNameError(
            f"{len(reasons)} province name(s) cannot be resolved: "
            + " ".join(reasons[:5]) + more,
            column=column,
            fix=f"add spellings to {_ALIAS_FILE}, or correct the raw table",
        )
    return df.assign(province_code=m["province_code"],
                     province_code_2025=m["province_code_2025"],
                     province_code_legacy=m["province_code_legacy"])


# ----------------------------------------------------------------------------- unit types

@dataclass(frozen=True)
class _UnitTables:
    departments: dict[str, str]            # match key -> unit type key
    admin: dict[str, dict[str, str]]       # level -> type-word key -> unit type key
    display: dict[str, str]                # unit type key -> name_vi
    province_keys: tuple[str, ...]         # longest first


@functools.cache
def _unit_tables() -> _UnitTables:
    types = ref.unit_types()
    departments: dict[str, str] = {}
    admin: dict[str, dict[str, str]] = {"district": {}, "commune": {}}
    for row in types.itertuples(index=False):
        spellings = [row.name_vi, *([] if pd.isna(row.abbreviations)
                                    else row.abbreviations.split("|"))]
        target = departments if row.level == "department" else admin[row.level]
        for s in spellings + ([row.key] if row.level == "department" else []):
            target[match_key(s)] = row.key
    for alias, key in ref.unit_type_aliases().itertuples(index=False):
        departments[match_key(alias)] = key
    keys = _province_tables().all_keys
    return _UnitTables(departments=departments, admin=admin,
                       display=dict(zip(types["key"], types["name_vi"])),
                       province_keys=tuple(sorted(keys, key=len, reverse=True)))


def _province_stems(key: str | None) -> list[str]:
    return [] if key is None else _candidates(key, _PLACE_PREFIXES, ())


def _unit_candidates(key: str, extra: Sequence[str], t: _UnitTables) -> list[str]:
    out = [key]
    for pk in [*extra, *t.province_keys]:
        if key.endswith(" " + pk) and len(key) > len(pk) + 1:
            base = key[: -len(pk) - 1]
            out.append(base)
            for word in ("tinh", "thanh pho", "tp"):
                if base.endswith(" " + word):
                    out.append(base[: -len(word) - 1])
    return out


def _resolve_department(key: str, extra: Sequence[str], t: _UnitTables) -> str | None:
    for k in _unit_candidates(key, extra, t):
        hit = t.departments.get(k) or t.departments.get("so " + k)
        if hit:
            return hit
    return None


def _split_head(text: str, table: dict[str, str]) -> tuple[str, str] | None:
    for m in _BOUNDARY.finditer(text):
        head = match_key(text[: m.start()])
        if head in table:
            return table[head], text[m.end():]
    return None


def _strip_place_suffix(place: str, extra: Sequence[str], t: _UnitTables) -> str:
    keys = set(extra) | set(t.province_keys)
    for m in _PLACE_SEP.finditer(place):
        if m.start() == 0:
            continue
        tail = match_key(place[m.end():])
        if tail is None:
            continue
        stems = _province_stems(tail)
        if any(s in keys for s in stems[1:]) or (m.group().strip() and tail in keys):
            return place[: m.start()].strip()
    return place


_ADMIN_PREFIX = {"ubnd": "ubnd", "uy ban nhan dan": "ubnd"}


def _resolve_admin(text: str, levels: Sequence[str], extra: Sequence[str], t: _UnitTables
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


def _resolve_unit(value: object, level: str | None, province: object, t: _UnitTables) -> tuple:
    text = clean_text(value)
    key = match_key(text)
    if key is None:
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


def match_unit_types(values: pd.Series, *, level: pd.Series | str,
                     province_names: pd.Series | None = None,
                     categorical: bool = False) -> pd.DataFrame:
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
    if isinstance(level, str) and _level_key(level) is None:
        msg = (f"The value for `level` must be one of {list(ref.LEVELS)} (or a spelling "
               f"in parlib/reference/levels.csv), but {level!r} was passed.")
        raise ValueError(msg)
    cv, uv = _factorize(values, values, "values")
    cl, ul = _factorize(level, values, "level", _level_key)
    cp, up = _factorize(province_names, values, "province_names")
    codes, first = _combine(cv, cl, cp)
    t = _unit_tables()

    def pick(uniques, c):
        return None if c < 0 else uniques[c]

    answers = [_resolve_unit(pick(uv, cv[i]), pick(ul, cl[i]), pick(up, cp[i]), t)
               for i in first]
    data = _columns(codes, answers, ["unit", "unit_type", "status"], categorical=categorical)
    return pd.DataFrame(data, index=values.index)


# ----------------------------------------------------------------------------- indices, levels

@functools.cache
def _index_lookup() -> dict[str, str]:
    out = {}
    for row in ref.indices().itertuples(index=False):
        for s in (row.key, row.name_vi, row.name_en):
            out[match_key(s)] = row.key
    for alias, key in ref.index_aliases().itertuples(index=False):
        out[match_key(alias)] = key
    return out


@functools.cache
def _level_lookup() -> dict[str, str]:
    return {match_key(a): lvl for a, lvl in ref.levels().itertuples(index=False)}


def _level_key(value: object) -> str | None:
    return _level_lookup().get(match_key(value))


def _map_keys(values: pd.Series, lookup: Callable[[object], str | None], *,
              categorical: bool = False) -> pd.Series:
    data = _spread(values, lambda v: (lookup(v),), ["key"], categorical=categorical)
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
    lookup = _index_lookup()
    return _map_keys(values, lambda v: lookup.get(match_key(v)), categorical=categorical)


def match_levels(values: pd.Series, *, categorical: bool = False) -> pd.Series:
    """Resolve level spellings ("cấp huyện", "sở, ban, ngành", ...) to level keys.

    With ``categorical`` the keys come as a Categorical, else as strings.

    Examples
    --------
    >>> match_levels(pd.Series(["Cấp tỉnh", "sở, ban, ngành", "UBND cấp huyện", "?"])).tolist()
    ['province', 'department', 'district', nan]
    """
    return _map_keys(values, _level_key, categorical=categorical)


@functools.cache
def _component_lookup() -> dict[str, list[tuple[str, str]]]:
    return ref.component_lookup()


def _resolve_component(value: object, index: str | None) -> str | None:
    key = match_key(value)
    if key is None:
        return "total"
    lookup = _component_lookup()
    pairs = lookup.get(key)
    if pairs is None:
        stripped = _ENUMERATOR.sub("", key)
        pairs = lookup.get(stripped, ())
    keys = {k for i, k in pairs if index is None or i == index}
    return keys.pop() if len(keys) == 1 else None


def match_components(values: pd.Series, *, index: pd.Series | str,
                     categorical: bool = False) -> pd.Series:
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
    lookup = _index_lookup()
    if isinstance(index, str) and lookup.get(match_key(index)) is None:
        known = sorted(set(lookup.values()))
        msg = f"The value for `index` must be one of {known}, but {index!r} was passed."
        raise ValueError(msg)
    cv, uv = _factorize(values, values, "values")
    ci, ui = _factorize(index, values, "index", lambda v: lookup.get(match_key(v)))
    codes, first = _combine(cv, ci)
    answers = [(_resolve_component(None if cv[i] < 0 else uv[cv[i]],
                                   None if ci[i] < 0 else ui[ci[i]]),) for i in first]
    data = _columns(codes, answers, ["key"], categorical=categorical)["key"]
    return pd.Series(data, index=values.index, name=values.name)
