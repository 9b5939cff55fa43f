"""Administrative units: provinces of each era, their mergers and aliases, unit types, levels.

The loaders read the files through :func:`parlib.reference.tables.read_table`, check
them against each other, cache the result and hand out copies.
"""

from __future__ import annotations

import functools

import pandas as pd

from parlib.reference.tables import ERAS, LEVELS, check_known, read_table, table_error
from parlib.text import match_key


@functools.cache
def _provinces() -> pd.DataFrame:
    return read_table("provinces.csv")


def provinces(era: str | None = "legacy") -> pd.DataFrame:
    """Return the provinces of one era (``"legacy"``: 63, ``"2025"``: 34), or both.

    Parameters
    ----------
    era
        ``"legacy"`` (until 2025-06-30), ``"2025"`` (from 2025-07-01) or None for both.
        Codes are reused across eras: always key on (era, code).

    Returns
    -------
    DataFrame
        Columns era, code, name, full_name, name_en, region, valid_from, valid_to, note.

    Raises
    ------
    ValueError
        If ``era`` is not one of the known eras.

    Examples
    --------
    >>> p = provinces(None)
    >>> p.loc[p["code"] == "24", ["era", "name"]].to_numpy().tolist()
    [['legacy', 'Bắc Giang'], ['2025', 'Bắc Ninh']]
    """
    df = _provinces()
    if era is None:
        return df.copy()
    if era not in ERAS:
        msg = f"The value for `era` must be one of {list(ERAS)} or None, but {era!r} was passed."
        raise ValueError(msg)
    return df.loc[df["era"] == era].reset_index(drop=True)


def province_merger() -> pd.DataFrame:
    """Return the legacy province -> 2025 province table (63 rows).

    Examples
    --------
    >>> m = province_merger()
    >>> m.loc[m["legacy_name"] == "Bến Tre", "name_2025"].item()
    'Vĩnh Long'
    """
    return _merger().copy()


@functools.cache
def _merger() -> pd.DataFrame:
    file = "province_merger_2025.csv"
    df = read_table(file)
    p = _provinces()
    legacy = dict(p.loc[p["era"] == "legacy", ["code", "name"]].itertuples(index=False))
    new = dict(p.loc[p["era"] == "2025", ["code", "name"]].itertuples(index=False))
    for code_col, name_col, table in (
        ("legacy_code", "legacy_name", legacy),
        ("code_2025", "name_2025", new),
    ):
        for i, (code, name) in enumerate(zip(df[code_col], df[name_col])):
            if table.get(code) != name:
                raise table_error(
                    file,
                    f"{code} {name} is not a province of that era in provinces.csv",
                    row=i + 2,
                    column=code_col,
                    value=code,
                    fix="make the code and name agree with provinces.csv",
                )
    missing = sorted(set(legacy) - set(df["legacy_code"]))
    if missing:
        raise table_error(
            file, f"legacy provinces {missing} have no 2025 province", fix="add a row for each"
        )
    return df


def province_aliases() -> pd.DataFrame:
    """Return extra spellings of province names, keyed by (era, code).

    Examples
    --------
    >>> a = province_aliases()
    >>> sorted(a.loc[a["alias"] == "Huế", ["era", "code"]].itertuples(index=False, name=None))
    [('legacy', '46')]
    """
    return _aliases().copy()


@functools.cache
def _aliases() -> pd.DataFrame:
    file = "province_aliases.csv"
    df = read_table(file)
    p = _provinces()
    known = set(zip(p["era"], p["code"]))
    for i, (era, code) in enumerate(zip(df["era"], df["code"])):
        if (era, code) not in known:
            raise table_error(
                file,
                f"no province {code} in era {era}",
                row=i + 2,
                column="code",
                value=code,
                fix="use a code from provinces.csv for that era",
            )
    official = _official_keys()
    for i, (alias, era, code) in enumerate(zip(df["alias"], df["era"], df["code"])):
        other = official.get((era, match_key(alias)))
        if other == code:
            raise table_error(
                file,
                "the alias is already an official spelling of the province",
                row=i + 2,
                column="alias",
                value=alias,
                fix="remove the row; name, full_name and name_en match anyway",
            )
        if other is not None:
            raise table_error(
                file,
                f"the alias is the official name of province {other}",
                row=i + 2,
                column="alias",
                value=alias,
                fix="remove the row; an alias must not shadow another province",
            )
    return df


@functools.cache
def _official_keys() -> dict[tuple[str, str | None], str]:
    p = _provinces()
    out: dict[tuple[str, str | None], str] = {}
    for era, code, *names in p[["era", "code", "name", "full_name", "name_en"]].itertuples(
        index=False
    ):
        for name in names:
            out[(era, match_key(name))] = code
    return out


def former_provinces() -> pd.DataFrame:
    """Return province names that no longer exist and must never be matched.

    Examples
    --------
    >>> f = former_provinces()
    >>> f.loc[f["name"] == "Hà Tây", "note"].item()
    'merged into Hà Nội in 2008'
    """
    return _former().copy()


@functools.cache
def _former() -> pd.DataFrame:
    file = "former_provinces.csv"
    df = read_table(file)
    current = {key for (_, key) in _official_keys()} | {match_key(a) for a in _aliases()["alias"]}
    for i, name in enumerate(df["name"]):
        if match_key(name) in current:
            raise table_error(
                file,
                "the name is also a current province name or alias",
                row=i + 2,
                column="name",
                value=name,
                fix="remove it from one of the two files",
            )
    return df.assign(until=df["until"].astype("int64"))


def unit_types() -> pd.DataFrame:
    """Return the taxonomy of provincial departments and district/commune unit types.

    Examples
    --------
    >>> u = unit_types()
    >>> u.loc[u["key"] == "cong_thuong", "name_vi"].item()
    'Sở Công Thương'
    """
    return _unit_types().copy()


@functools.cache
def _unit_types() -> pd.DataFrame:
    file = "unit_types.csv"
    df = read_table(file)
    seen: dict[str | None, str] = {}
    for i, (key, name, abbr) in enumerate(zip(df["key"], df["name_vi"], df["abbreviations"])):
        spellings = [name] + ([] if pd.isna(abbr) else abbr.split("|"))
        for spelling in spellings:
            k = match_key(spelling)
            if k is None or seen.setdefault(k, key) != key:
                raise table_error(
                    file,
                    f"the spelling is already used by {seen.get(k)!r}",
                    row=i + 2,
                    column="abbreviations",
                    value=spelling,
                    fix="give each unit type its own spellings",
                )
    return df


def unit_type_aliases() -> pd.DataFrame:
    """Return extra spellings of unit types (alias -> key).

    Examples
    --------
    >>> a = unit_type_aliases()
    >>> a.loc[a["alias"] == "VP UBND tỉnh", "key"].item()
    'van_phong_ubnd'
    """
    return _unit_type_aliases().copy()


@functools.cache
def _unit_type_aliases() -> pd.DataFrame:
    file = "unit_type_aliases.csv"
    df = read_table(file)
    types = _unit_types()
    check_known(file, df, "key", types["key"], "unit type key")
    owner = {}
    for key, name, abbr in zip(types["key"], types["name_vi"], types["abbreviations"]):
        for s in [name] + ([] if pd.isna(abbr) else abbr.split("|")):
            owner[match_key(s)] = key
    for i, (alias, key) in enumerate(zip(df["alias"], df["key"])):
        other = owner.get(match_key(alias))
        if other == key:
            raise table_error(
                file,
                "the alias is already a spelling in unit_types.csv",
                row=i + 2,
                column="alias",
                value=alias,
                fix="remove the row; name_vi and abbreviations match anyway",
            )
        if other is not None:
            raise table_error(
                file,
                f"the alias is a spelling of {other!r}",
                row=i + 2,
                column="alias",
                value=alias,
                fix="remove or correct the row",
            )
    return df


def department_mergers() -> pd.DataFrame:
    """Return the 2025 department mergers (old unit type key -> new key).

    Examples
    --------
    >>> m = department_mergers()
    >>> m.loc[m["old_key"] == "giao_thong_van_tai", "new_key"].item()
    'xay_dung'
    """
    return _mergers().copy()


@functools.cache
def _mergers() -> pd.DataFrame:
    file = "department_mergers_2025.csv"
    df = read_table(file)
    keys = _unit_types()["key"]
    check_known(file, df, "old_key", keys, "unit type key")
    check_known(file, df, "new_key", keys, "unit type key")
    return df


def levels() -> pd.DataFrame:
    """Return spellings of administrative levels (alias -> province/department/district/commune).

    Examples
    --------
    >>> l = levels()
    >>> l.loc[l["alias"] == "sở, ban, ngành", "level"].item()
    'department'
    """
    return _levels().copy()


@functools.cache
def _levels() -> pd.DataFrame:
    df = read_table("levels.csv")
    missing = sorted(set(LEVELS) - set(df["alias"]))
    if missing:
        raise table_error(
            "levels.csv",
            f"the level keys {missing} are not listed as aliases",
            fix="add a row alias=level for each key",
        )
    return df
