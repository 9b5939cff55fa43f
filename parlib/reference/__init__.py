"""Versioned reference data: provinces, department types and index definitions.

Every table is a UTF-8 CSV file beside this module (see ``README.md`` here for
columns and sources). Files are read lazily on first use, validated, cached,
and handed out as copies, so callers can never change the cache.

Examples
--------
>>> from parlib import reference
>>> len(reference.provinces("legacy")), len(reference.provinces("2025"))
(63, 34)
>>> reference.index_scale("PAPI", year=2017)
60.0
"""

from __future__ import annotations

import csv
import functools
import re
import unicodedata
from importlib import resources

import pandas as pd

from parlib.errors import ParlibError
from parlib.text import match_key

__all__ = [
    "ERAS",
    "LEVELS",
    "REGIONS",
    "ReferenceDataError",
    "component_lookup",
    "component_names",
    "component_spellings",
    "components",
    "department_mergers",
    "former_provinces",
    "index_aliases",
    "index_scale",
    "indices",
    "levels",
    "province_aliases",
    "province_merger",
    "provinces",
    "unit_type_aliases",
    "unit_types",
]

ERAS = ("legacy", "2025")
LEVELS = ("province", "department", "district", "commune")
REGIONS = (
    "red_river_delta",
    "northern_midlands_mountains",
    "north_central_coast",
    "central_highlands",
    "southeast",
    "mekong_delta",
)
_FOLDER = "parlib/reference"
_CODE = re.compile(r"^\d{2}$")
_DATE = re.compile(r"^\d{4}-\d{2}-\d{2}$")
_KEY = re.compile(r"^[a-z][a-z0-9_]*$")
_COMPONENT_KEY = re.compile(r"^[a-z][a-z0-9_]*(\.[a-z][a-z0-9_]*)?$")  # "parent.child"


class ReferenceDataError(ParlibError, ValueError):
    """A reference CSV file inside the package is malformed or inconsistent."""


# file -> columns, required columns, allowed values, unique column sets, formats
_SPECS: dict[str, dict] = {
    "provinces.csv": {
        "columns": ["era", "code", "name", "full_name", "name_en", "region",
                    "valid_from", "valid_to", "note"],
        "required": ["era", "code", "name", "full_name", "name_en", "region"],
        "choices": {"era": ERAS, "region": REGIONS},
        "unique": [("era", "code"), ("era", "name")],
        "formats": {"code": _CODE, "valid_from": _DATE, "valid_to": _DATE},
    },
    "province_merger_2025.csv": {
        "columns": ["legacy_code", "legacy_name", "code_2025", "name_2025"],
        "required": ["legacy_code", "legacy_name", "code_2025", "name_2025"],
        "unique": [("legacy_code",)],
        "formats": {"legacy_code": _CODE, "code_2025": _CODE},
    },
    "province_aliases.csv": {
        "columns": ["alias", "era", "code"],
        "required": ["alias", "era", "code"],
        "choices": {"era": ERAS},
        "unique": [("alias", "era", "code")],
        "formats": {"code": _CODE},
    },
    "former_provinces.csv": {
        "columns": ["name", "until", "became", "note"],
        "required": ["name", "until", "became", "note"],
        "unique": [("name",)],
        "formats": {"until": re.compile(r"^\d{4}$")},
    },
    "unit_types.csv": {
        "columns": ["key", "level", "name_vi", "name_en", "abbreviations",
                    "valid_from", "valid_to", "note"],
        "required": ["key", "level", "name_vi", "name_en"],
        "choices": {"level": LEVELS},
        "unique": [("key",), ("name_vi", "level")],
        "formats": {"key": _KEY, "valid_from": _DATE, "valid_to": _DATE},
    },
    "unit_type_aliases.csv": {
        "columns": ["alias", "key"],
        "required": ["alias", "key"],
        "unique": [("alias",)],
    },
    "department_mergers_2025.csv": {
        "columns": ["old_key", "new_key", "effective", "document", "note"],
        "required": ["old_key", "new_key", "effective", "document"],
        "unique": [("old_key",)],
        "formats": {"effective": _DATE},
    },
    "indices.csv": {
        "columns": ["key", "name_vi", "name_en", "scale", "scale_max",
                    "scale_max_before_2018", "component_scale_max", "publisher", "note"],
        "required": ["key", "name_vi", "name_en", "scale", "scale_max",
                     "component_scale_max", "publisher"],
        "choices": {"scale": ("percent", "points")},
        "unique": [("key",)],
        "formats": {"scale_max": re.compile(r"^\d+(\.\d+)?$"),
                    "scale_max_before_2018": re.compile(r"^\d+(\.\d+)?$"),
                    "component_scale_max": re.compile(r"^\d+(\.\d+)?$")},
    },
    "index_aliases.csv": {
        "columns": ["alias", "index"],
        "required": ["alias", "index"],
        "unique": [("alias",)],
    },
    "components.csv": {
        "columns": ["index", "key", "code", "order", "name_vi", "name_en", "aliases", "parent"],
        "required": ["index", "key", "order", "name_vi", "name_en"],
        "unique": [("index", "key"), ("index", "order")],
        "formats": {"key": _COMPONENT_KEY, "order": re.compile(r"^\d+$"), "parent": _KEY},
    },
    "component_names.csv": {
        "columns": ["index", "key", "name", "from_year", "to_year", "methodology"],
        "required": ["index", "key", "name", "from_year", "methodology"],
        "unique": [("index", "key", "name", "methodology")],
        "formats": {"from_year": re.compile(r"^\d{4}$"), "to_year": re.compile(r"^\d{4}$")},
    },
    "levels.csv": {
        "columns": ["alias", "level"],
        "required": ["alias", "level"],
        "choices": {"level": LEVELS},
        "unique": [("alias",)],
    },
}


def _fail(file: str, problem: str, *, row: int | None = None, column: str | None = None,
          value: object = None, fix: str | None = None) -> ReferenceDataError:
    kwargs = {} if value is None else {"value": value}
    return ReferenceDataError(problem, file=f"{_FOLDER}/{file}", row=row, column=column,
                              fix=fix, **kwargs)


@functools.cache
def _read(file: str) -> pd.DataFrame:
    """Read and validate one CSV file; blank cells become NA. Rows are file lines."""
    spec = _SPECS[file]
    with resources.files("parlib.reference").joinpath(file).open(encoding="utf-8",
                                                                 newline="") as fh:
        header, *rows = [row for row in csv.reader(fh) if row]  # small files: the csv module
    if header != spec["columns"]:
        raise _fail(file, f"the header is {header} but must be {spec['columns']}",
                    row=1, fix="restore the header row")
    for i, row in enumerate(rows):
        if len(row) != len(header):
            raise _fail(file, f"the row has {len(row)} cells but the header has {len(header)}",
                        row=i + 2, value=",".join(row), fix="quote cells that hold a comma")
    df = pd.DataFrame(rows, columns=header, dtype=str)
    for k, col in enumerate(header):
        for i, value in enumerate(row[k] for row in rows):
            line = i + 2
            if value != value.strip():
                raise _fail(file, "the cell has leading or trailing spaces", row=line,
                            column=col, value=value, fix="remove the spaces")
            if unicodedata.normalize("NFC", value) != value:
                raise _fail(file, "the cell is not Unicode NFC", row=line, column=col,
                            value=value, fix="save the file as NFC text")
            if value == "" and col in spec["required"]:
                raise _fail(file, "the cell is empty", row=line, column=col,
                            fix="fill it in")
            allowed = spec.get("choices", {}).get(col)
            if allowed is not None and value and value not in allowed:
                raise _fail(file, f"unknown {col}; allowed: {list(allowed)}", row=line,
                            column=col, value=value, fix="use one of the allowed values")
            pattern = spec.get("formats", {}).get(col)
            if pattern is not None and value and not pattern.match(value):
                raise _fail(file, f"the {col} is malformed", row=line, column=col,
                            value=value, fix=f"write it to match {pattern.pattern}")
    for cols in spec["unique"]:
        at = [header.index(c) for c in cols]
        seen: set[tuple] = set()
        for i, row in enumerate(rows):
            key = tuple(match_key(row[k]) or row[k] for k in at)
            if key in seen:
                raise _fail(file, f"duplicate {'/'.join(cols)}", row=i + 2, column=cols[0],
                            value=" / ".join(row[k] for k in at),
                            fix="keep one row per value (matching ignores case and diacritics)")
            seen.add(key)
    return df.where(df != "")


def _check_in(file: str, df: pd.DataFrame, col: str, allowed, what: str) -> None:
    bad = ~df[col].isin(list(allowed))
    if bad.any():
        line = int(bad.to_numpy().nonzero()[0][0]) + 2
        raise _fail(file, f"unknown {what}", row=line, column=col,
                    value=df[col].iloc[line - 2], fix=f"use a {what} that exists")


@functools.cache
def _provinces() -> pd.DataFrame:
    return _read("provinces.csv")


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
    df = _read(file)
    p = _provinces()
    legacy = dict(p.loc[p["era"] == "legacy", ["code", "name"]].itertuples(index=False))
    new = dict(p.loc[p["era"] == "2025", ["code", "name"]].itertuples(index=False))
    for code_col, name_col, table in (("legacy_code", "legacy_name", legacy),
                                      ("code_2025", "name_2025", new)):
        for i, (code, name) in enumerate(zip(df[code_col], df[name_col])):
            if table.get(code) != name:
                raise _fail(file, f"{code} {name} is not a province of that era in provinces.csv",
                            row=i + 2, column=code_col, value=code,
                            fix="make the code and name agree with provinces.csv")
    missing = sorted(set(legacy) - set(df["legacy_code"]))
    if missing:
        raise _fail(file, f"legacy provinces {missing} have no 2025 province",
                    fix="add a row for each")
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
    df = _read(file)
    p = _provinces()
    known = set(zip(p["era"], p["code"]))
    for i, (era, code) in enumerate(zip(df["era"], df["code"])):
        if (era, code) not in known:
            raise _fail(file, f"no province {code} in era {era}", row=i + 2, column="code",
                        value=code, fix="use a code from provinces.csv for that era")
    official = _official_keys()
    for i, (alias, era, code) in enumerate(zip(df["alias"], df["era"], df["code"])):
        other = official.get((era, match_key(alias)))
        if other == code:
            raise _fail(file, "the alias is already an official spelling of the province",
                        row=i + 2, column="alias", value=alias,
                        fix="remove the row; name, full_name and name_en match anyway")
        if other is not None:
            raise _fail(file, f"the alias is the official name of province {other}",
                        row=i + 2, column="alias", value=alias,
                        fix="remove the row; an alias must not shadow another province")
    return df


@functools.cache
def _official_keys() -> dict[tuple[str, str], str]:
    p = _provinces()
    out: dict[tuple[str, str], str] = {}
    for era, code, *names in p[["era", "code", "name", "full_name", "name_en"]].itertuples(
            index=False):
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
    df = _read(file)
    current = {key for (_, key) in _official_keys()} | {
        match_key(a) for a in _aliases()["alias"]}
    for i, name in enumerate(df["name"]):
        if match_key(name) in current:
            raise _fail(file, "the name is also a current province name or alias",
                        row=i + 2, column="name", value=name,
                        fix="remove it from one of the two files")
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
    df = _read(file)
    seen: dict[str, str] = {}
    for i, (key, name, abbr) in enumerate(zip(df["key"], df["name_vi"], df["abbreviations"])):
        spellings = [name] + ([] if pd.isna(abbr) else abbr.split("|"))
        for spelling in spellings:
            k = match_key(spelling)
            if k is None or seen.setdefault(k, key) != key:
                raise _fail(file, f"the spelling is already used by {seen.get(k)!r}",
                            row=i + 2, column="abbreviations", value=spelling,
                            fix="give each unit type its own spellings")
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
    df = _read(file)
    types = _unit_types()
    _check_in(file, df, "key", types["key"], "unit type key")
    owner = {}
    for key, name, abbr in zip(types["key"], types["name_vi"], types["abbreviations"]):
        for s in [name] + ([] if pd.isna(abbr) else abbr.split("|")):
            owner[match_key(s)] = key
    for i, (alias, key) in enumerate(zip(df["alias"], df["key"])):
        other = owner.get(match_key(alias))
        if other == key:
            raise _fail(file, "the alias is already a spelling in unit_types.csv", row=i + 2,
                        column="alias", value=alias,
                        fix="remove the row; name_vi and abbreviations match anyway")
        if other is not None:
            raise _fail(file, f"the alias is a spelling of {other!r}", row=i + 2,
                        column="alias", value=alias, fix="remove or correct the row")
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
    df = _read(file)
    keys = _unit_types()["key"]
    _check_in(file, df, "old_key", keys, "unit type key")
    _check_in(file, df, "new_key", keys, "unit type key")
    return df


def indices() -> pd.DataFrame:
    """Return the index definitions (PAR, SIPAS, PAPI, PCI) and their scales.

    Examples
    --------
    >>> indices().set_index("key").loc["PAPI", ["scale_max", "scale_max_before_2018"]].tolist()
    [80.0, 60.0]
    """
    return _indices().copy()


@functools.cache
def _indices() -> pd.DataFrame:
    df = _read("indices.csv")
    cols = ["scale_max", "scale_max_before_2018", "component_scale_max"]
    return df.assign(**{c: pd.to_numeric(df[c]).astype("float64") for c in cols})


@functools.cache
def _scales_by_index() -> dict[str, dict[str, float]]:
    """The scale columns of indices.csv by index key, for one lookup per call."""
    cols = ["scale_max", "scale_max_before_2018", "component_scale_max"]
    return {row["key"]: {c: row[c] for c in cols} for row in _indices().to_dict("records")}


def index_aliases() -> pd.DataFrame:
    """Return spellings of index names (alias -> index key).

    Examples
    --------
    >>> a = index_aliases()
    >>> a.loc[a["alias"] == "Chỉ số CCHC", "index"].item()
    'PAR'
    """
    return _index_aliases().copy()


@functools.cache
def _index_aliases() -> pd.DataFrame:
    file = "index_aliases.csv"
    df = _read(file)
    _check_in(file, df, "index", _indices()["key"], "index key")
    return df


def components(index: str | None = None) -> pd.DataFrame:
    """Return the components of one index (or all), in published order.

    Each index also has a ``total`` row (order 0) for the overall score. A
    sub-component (a PAPI sub-dimension) names its component in ``parent`` and
    comes after the components.

    Examples
    --------
    >>> components("PAPI")["code"].dropna().tolist()
    ['D1', 'D2', 'D3', 'D4', 'D5', 'D6', 'D7', 'D8']
    >>> papi = components("PAPI")
    >>> papi.loc[papi["parent"] == "participation", "key"].tolist()
    ... # doctest: +NORMALIZE_WHITESPACE
    ['participation.civic_knowledge', 'participation.opportunities',
     'participation.elections', 'participation.contributions']
    """
    df = _components()
    if index is None:
        return df.copy()
    if index not in set(df["index"]):
        msg = (f"The value for `index` must be one of {sorted(set(df['index']))}, "
               f"but {index!r} was passed.")
        raise ValueError(msg)
    return df.loc[df["index"] == index].reset_index(drop=True)


@functools.cache
def _components() -> pd.DataFrame:
    file = "components.csv"
    df = _read(file)
    _check_in(file, df, "index", _indices()["key"], "index key")
    codes = df.dropna(subset=["code"])
    dup = codes.duplicated(["index", "code"])
    if dup.any():
        line = int(codes.index[dup][0]) + 2
        raise _fail(file, "duplicate code within the index", row=line, column="code",
                    value=df.loc[line - 2, "code"], fix="give each component its own code")
    top = set(zip(df.loc[df["parent"].isna(), "index"], df.loc[df["parent"].isna(), "key"]))
    for i, (index, key, parent) in enumerate(zip(df["index"], df["key"], df["parent"])):
        if pd.isna(parent) and "." in key:
            raise _fail(file, "a dotted key names a sub-component but the parent is empty",
                        row=i + 2, column="parent", value=key,
                        fix=f"set parent to {key.split('.')[0]!r}")
        if pd.notna(parent) and not key.startswith(f"{parent}."):
            raise _fail(file, "a sub-component's key must start with its parent's key and a dot",
                        row=i + 2, column="key", value=key, fix=f"write it as {parent}.<name>")
        if pd.notna(parent) and (index, parent) not in top:
            raise _fail(file, f"the parent is not a top-level component of {index}", row=i + 2,
                        column="parent", value=parent,
                        fix="name a component of the same index that has no parent itself")
    owner: dict[tuple[str, str], str] = {}
    for i, row in enumerate(df.itertuples(index=False)):
        for spelling in _spellings(row):
            k = (row.index, match_key(spelling))
            if owner.setdefault(k, row.key) != row.key:
                raise _fail(file, f"the spelling is also used by {owner[k]!r} in {row.index}",
                            row=i + 2, column="aliases", value=spelling,
                            fix="a spelling may mean one component per index")
    return df.assign(order=df["order"].astype("int64")).sort_values(
        ["index", "order"], kind="stable").reset_index(drop=True)


def _spellings(row) -> list[str]:
    aliases = [] if pd.isna(row.aliases) else row.aliases.split("|")
    code = [] if pd.isna(row.code) else [row.code]
    by_era = _component_names()
    era = by_era.loc[(by_era["index"] == row.index) & (by_era["key"] == row.key), "name"]
    return [row.key, row.name_vi, row.name_en, *code, *aliases, *era]


def component_names(index: str | None = None) -> pd.DataFrame:
    """Return the names each component was published under, with the years each was used.

    ``from_year``/``to_year`` are evaluation years (``to_year`` blank: still used);
    ``methodology`` names the method document (see ``parlib/reference/README.md``).

    Examples
    --------
    >>> names = component_names("PAR")
    >>> row = names.loc[names["name"] == "Hiện đại hóa hành chính"].iloc[0]
    >>> row["key"], int(row["from_year"]), int(row["to_year"])
    ('e_government', 2017, 2021)
    """
    df = _component_names()
    return df.copy() if index is None else df.loc[df["index"] == index].reset_index(drop=True)


@functools.cache
def _component_names() -> pd.DataFrame:
    file = "component_names.csv"
    df = _read(file)
    _check_in(file, df, "index", _indices()["key"], "index key")
    known = _read("components.csv")
    _check_in(file, df.assign(pair=df["index"] + ":" + df["key"]), "pair",
              known["index"] + ":" + known["key"], "index:key of components.csv")
    return df.assign(from_year=df["from_year"].astype("int64"),
                     to_year=pd.to_numeric(df["to_year"]).astype("Int64"))


def component_spellings() -> list[str]:
    """Return every name, alias and code of every component, as written in the reference files.

    Examples
    --------
    >>> "Hiện đại hóa hành chính" in component_spellings()
    True
    """
    return list(dict.fromkeys(s for row in _components().itertuples(index=False)
                              for s in _spellings(row)))


def component_lookup() -> dict[str, list[tuple[str, str]]]:
    """Map the match key of every component name, alias and code to its (index, key) pairs.

    A name can fit several indices ("Thủ tục hành chính" is a SIPAS and a PAPI
    component); the caller narrows by index.

    Examples
    --------
    >>> component_lookup()["thu tuc hanh chinh"]
    [('PAPI', 'procedures'), ('SIPAS', 'procedures')]
    """
    return {k: list(v) for k, v in _component_lookup().items()}


@functools.cache
def _component_lookup() -> dict[str, tuple[tuple[str, str], ...]]:
    out: dict[str, set[tuple[str, str]]] = {}
    for row in _components().itertuples(index=False):
        for spelling in _spellings(row):
            out.setdefault(match_key(spelling), set()).add((row.index, row.key))
    return {k: tuple(sorted(v)) for k, v in out.items()}


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
    df = _read("levels.csv")
    missing = sorted(set(LEVELS) - set(df["alias"]))
    if missing:
        raise _fail("levels.csv", f"the level keys {missing} are not listed as aliases",
                    fix="add a row alias=level for each key")
    return df


def index_scale(index: str, *, year: int | None, component: str = "total") -> float:
    """Return the maximum possible score of an index total, component or sub-component.

    A sub-component (a key with a ``parent`` in ``components.csv``, such as the PAPI
    sub-dimension ``"participation.civic_knowledge"``) has an equal share of its
    parent's maximum among the parent's sub-components in use that year
    (``component_names.csv``): 2.5 of 10 points for one of four, 10/3 for one of three.

    Parameters
    ----------
    index
        Index key: "PAR", "SIPAS", "PAPI" or "PCI".
    year
        Survey year; needed for the PAPI total (60 before 2018, 80 from 2018) and for
        sub-components.
    component
        "total" for the overall score, anything else for a component.

    Raises
    ------
    ValueError
        If the index is unknown, the PAPI total or a sub-component is asked for
        without a year, or a sub-component is asked for a year it was not used in.

    Examples
    --------
    >>> index_scale("PAPI", year=2018), index_scale("PAPI", year=2012, component="participation")
    (80.0, 10.0)
    >>> index_scale("PAR", year=None)
    100.0
    >>> index_scale("PAPI", year=2018, component="e_governance.internet")  # one of two
    5.0
    """
    table = _scales_by_index()
    if index not in table:
        msg = (f"The value for `index` must be one of {sorted(table)}, "
               f"but {index!r} was passed.")
        raise ValueError(msg)
    row = table[index]
    if component != "total":
        parent = _parents().get((index, component))
        if parent is None:
            return float(row["component_scale_max"])
        shares = _children_in_use(index, parent, year)
        if component not in shares:
            msg = (f"The maximum of {index} {component!r} depends on the sub-components in "
                   f"use that year, and component_names.csv lists none for year={year!r}; "
                   "pass a year in which it was used")
            raise ValueError(msg)
        return float(row["component_scale_max"]) / len(shares)
    before = row["scale_max_before_2018"]
    if pd.isna(before):
        return float(row["scale_max"])
    if year is None:
        msg = f"The maximum {index} total depends on the year; pass year=..."
        raise ValueError(msg)
    return float(before if year < 2018 else row["scale_max"])


@functools.cache
def _parents() -> dict[tuple[str, str], str]:
    """(index, sub-component key) -> parent key."""
    df = _components().dropna(subset=["parent"])
    return {(i, k): p for i, k, p in zip(df["index"], df["key"], df["parent"])}


@functools.cache
def _children_in_use(index: str, parent: str, year: int | None) -> frozenset[str]:
    """The sub-components of ``parent`` that component_names.csv lists for ``year``."""
    if year is None:
        return frozenset()
    names = _component_names()
    use = ((names["index"] == index) & names["key"].str.startswith(f"{parent}.")
           & (names["from_year"] <= year)
           & (names["to_year"].isna() | (names["to_year"] >= year)).astype(bool))
    return frozenset(names.loc[use.to_numpy(dtype=bool), "key"])
