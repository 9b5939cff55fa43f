"""Resolve free-text province names to (era, code), without guessing.

Every function is pure and vectorised: each distinct input value is resolved
once (:mod:`parlib.clean.codes`) and the answers are spread back over the rows, so a
million rows with a few hundred distinct names take a fraction of a second. Unit,
index, level and component names are resolved the same way in
:mod:`parlib.clean.units` and :mod:`parlib.clean.indices`.
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
from dataclasses import dataclass

import numpy as np
import pandas as pd

from parlib import reference as ref
from parlib.clean.codes import combine_codes, factorize_values, spread_answers
from parlib.clean.columns import choose, constant_cells
from parlib.errors import UnknownNameError
from parlib.text import clean_text, match_key

__all__ = [
    "PROVINCE_COLUMNS",
    "ProvinceTables",
    "boundaries_by_year",
    "match_provinces",
    "match_provinces_by_era",
    "name_candidates",
    "normalize_province",
    "province_tables",
    "resolve_province",
]

PROVINCE_COLUMNS = [
    "province_code",
    "province",
    "province_code_2025",
    "province_2025",
    "province_code_legacy",
    "province_legacy",
    "status",
    "reason",
]
_ALIAS_FILE = "parlib/reference/province_aliases.csv"
_PREFIXES = ("uy ban nhan dan ", "ubnd ", "tinh ", "thanh pho ", "tp ", "t p ")
_SUFFIXES = (" province", " city")
NA = None


# ----------------------------------------------------------------------------- helpers


def name_candidates(key: str, prefixes=_PREFIXES, suffixes=_SUFFIXES) -> list[str]:
    """Return ``key`` followed by the keys left after stripping prefixes/suffixes by rule.

    ``key`` is a :func:`parlib.text.match_key`; by default the prefixes and suffixes
    are those of province names ("tinh ", "thanh pho ", "ubnd ", " province"...), so
    "tinh ben tre" gives ``["tinh ben tre", "ben tre"]``.
    """
    out = [key]
    changed = True
    while changed:
        changed = False
        for p in prefixes:
            if key.startswith(p) and len(key) > len(p):
                key = key[len(p) :]
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
class ProvinceTables:
    """The province reference files as lookups, built once by :func:`province_tables`."""

    keys: dict[str, dict[str, frozenset[str]]]  # era -> match key -> codes
    names: dict[tuple[str, str], str]  # (era, code) -> name
    to_2025: dict[str, str]  # legacy code -> 2025 code
    parts: dict[str, tuple[str, ...]]  # 2025 code -> legacy codes
    former: dict[str, str]  # match key -> note
    all_keys: frozenset[str]  # every current spelling, both eras


@functools.cache
def province_tables() -> ProvinceTables:
    """Return the province names, aliases, merger and former provinces as lookups.

    Built once per process from ``parlib/reference``: every spelling's match key maps
    to its codes in each era, and the merger maps legacy codes to 2025 ones.
    """
    p = ref.provinces(None)
    keys: dict[str, dict[str, set[str]]] = {era: {} for era in ref.ERAS}
    for era, code, *spellings in p[["era", "code", "name", "full_name", "name_en"]].itertuples(
        index=False
    ):
        for s in spellings:
            if (k := match_key(s)) is not None:
                keys[era].setdefault(k, set()).add(code)
    for alias, era, code in ref.province_aliases().itertuples(index=False):
        if (k := match_key(alias)) is not None:
            keys[era].setdefault(k, set()).add(code)
    m = ref.province_merger()
    to_2025 = dict(zip(m["legacy_code"], m["code_2025"]))
    parts: dict[str, list[str]] = {}
    for legacy, new in to_2025.items():
        parts.setdefault(new, []).append(legacy)
    f = ref.former_provinces()
    former = ((match_key(n), note) for n, note in zip(f["name"], f["note"]))
    return ProvinceTables(
        keys={era: {k: frozenset(v) for k, v in d.items()} for era, d in keys.items()},
        names={(e, c): n for e, c, n in zip(p["era"], p["code"], p["name"])},
        to_2025=to_2025,
        parts={k: tuple(v) for k, v in parts.items()},
        former={k: note for k, note in former if k is not None},
        all_keys=frozenset(k for d in keys.values() for k in d),
    )


def resolve_province(value: object, era: str, t: ProvinceTables) -> tuple:
    """Resolve one province name in ``era``; the single-value :func:`match_provinces`.

    Returns the eight entries of :data:`PROVINCE_COLUMNS` as a tuple, in that order.
    """
    text = clean_text(value)
    key = match_key(text)
    if key is None or text is None:  # text is None only when key is
        return (NA,) * 6 + (
            "missing",
            "The province is blank; fill in the province the figure belongs to.",
        )
    cands = name_candidates(key)
    for k in cands:
        if era == "2025" and k in t.keys["2025"]:
            return _hit_2025(text, t.keys["2025"][k], t)
        if k in t.keys["legacy"]:
            return _hit_legacy(text, t.keys["legacy"][k], era, t)
    for k in cands:
        if k in t.former:
            return (NA,) * 6 + (
                "former",
                f"'{text}' no longer exists ({t.former[k]}); record "
                "the figure under the province that published it.",
            )
    return (NA,) * 6 + ("unknown", f"Unknown province '{text}'; add a spelling to {_ALIAS_FILE}.")


def _ambiguous(text: str, era: str, codes, t: ProvinceTables) -> tuple:
    options = " or ".join(f"{c} {t.names[(era, c)]}" for c in sorted(codes))
    return (NA,) * 6 + (
        "ambiguous",
        f"'{text}' could be {options}; write the official name "
        f"or fix the spelling in {_ALIAS_FILE}.",
    )


def _hit_2025(text: str, codes: frozenset[str], t: ProvinceTables) -> tuple:
    if len(codes) > 1:
        return _ambiguous(text, "2025", codes, t)
    (code,) = codes
    name = t.names[("2025", code)]
    parts = t.parts[code]
    legacy = (parts[0], t.names[("legacy", parts[0])]) if len(parts) == 1 else (NA, NA)
    return (code, name, code, name, *legacy, "ok", NA)


def _hit_legacy(text: str, codes: frozenset[str], era: str, t: ProvinceTables) -> tuple:
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
        reason = (
            f"'{text}' is legacy province {code} {name}, part of {new} {new_name} from 2025-07-01."
        )
    return (new, new_name, new, new_name, code, name, "ok", reason)


def match_provinces(
    values: pd.Series, *, era: pd.Series | str = "legacy", categorical: bool = False
) -> pd.DataFrame:
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
    cv, uv = factorize_values(values, values, "values")
    ce, ue = factorize_values(era, values, "era")
    for era in ue:
        _check_era(era)
    codes, first = combine_codes([cv, ce])
    t = province_tables()
    answers = [resolve_province(None if cv[i] < 0 else uv[cv[i]], ue[ce[i]], t) for i in first]
    return pd.DataFrame(
        spread_answers(codes, answers, PROVINCE_COLUMNS, categorical=categorical),
        index=values.index,
    )


def normalize_province(
    df: pd.DataFrame, *, column: str = "province", era: str = "legacy"
) -> pd.DataFrame:
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
            f"{len(reasons)} province name(s) cannot be resolved: " + " ".join(reasons[:5]) + more,
            column=column,
            fix=f"add spellings to {_ALIAS_FILE}, or correct the raw table",
        )
    return df.assign(
        province_code=m["province_code"],
        province_code_2025=m["province_code_2025"],
        province_code_legacy=m["province_code_legacy"],
    )


def boundaries_by_year(year: pd.Series, boundaries: str | None) -> pd.Series:
    """Return the boundaries of each row: ``boundaries``, else "2025" from 2025, else "legacy".

    ``year`` holds each row's year (missing years read as legacy); the result is a
    Categorical Series indexed like ``year``, the era :func:`match_provinces_by_era` takes.
    """
    if boundaries is not None:
        return pd.Series(constant_cells(boundaries, len(year)), index=year.index)
    y = pd.to_numeric(year, errors="coerce").astype(float).to_numpy()
    return pd.Series(
        pd.Categorical.from_codes(
            (y >= 2025).astype(np.int8), categories=pd.Index(["legacy", "2025"], dtype=object)
        ),
        index=year.index,
    )


def match_provinces_by_era(
    text: pd.Series, era: pd.Series, *, categorical: bool = False
) -> pd.DataFrame:
    """Match names in the era of each row; ``province_code`` is always the legacy code.

    A row in 2025 boundaries has a legacy code only when its 2025 province
    covers exactly one legacy province (or the table named the legacy one).
    """
    out = match_provinces(text, era=era, categorical=categorical)
    in_2025 = era.eq("2025").to_numpy(dtype=bool, na_value=False)
    if in_2025.any():
        out = out.assign(
            province_code=choose(in_2025, out["province_code"], out["province_code_legacy"]),
            province=choose(in_2025, out["province"], out["province_legacy"]),
        )
    return out
