"""Index definitions: indices and their scales, aliases, components and component names.

The loaders read the files through :func:`parlib.reference.tables.read_table`, check
them against each other, cache the result and hand out copies.
"""

from __future__ import annotations

import functools

import pandas as pd

from parlib.reference.tables import check_known, read_table, table_error
from parlib.text import match_key


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
    df = read_table("indices.csv")
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
    df = read_table(file)
    check_known(file, df, "index", _indices()["key"], "index key")
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
        msg = (
            f"The value for `index` must be one of {sorted(set(df['index']))}, "
            f"but {index!r} was passed."
        )
        raise ValueError(msg)
    return df.loc[df["index"] == index].reset_index(drop=True)


@functools.cache
def _components() -> pd.DataFrame:
    file = "components.csv"
    df = read_table(file)
    check_known(file, df, "index", _indices()["key"], "index key")
    codes = df.dropna(subset=["code"])
    dup = codes.duplicated(["index", "code"])
    if dup.any():
        line = int(codes.index[dup][0]) + 2
        raise table_error(
            file,
            "duplicate code within the index",
            row=line,
            column="code",
            value=df.loc[line - 2, "code"],
            fix="give each component its own code",
        )
    top = set(zip(df.loc[df["parent"].isna(), "index"], df.loc[df["parent"].isna(), "key"]))
    for i, (index, key, parent) in enumerate(zip(df["index"], df["key"], df["parent"])):
        if pd.isna(parent) and "." in key:
            raise table_error(
                file,
                "a dotted key names a sub-component but the parent is empty",
                row=i + 2,
                column="parent",
                value=key,
                fix=f"set parent to {key.split('.')[0]!r}",
            )
        if pd.notna(parent) and not key.startswith(f"{parent}."):
            raise table_error(
                file,
                "a sub-component's key must start with its parent's key and a dot",
                row=i + 2,
                column="key",
                value=key,
                fix=f"write it as {parent}.<name>",
            )
        if pd.notna(parent) and (index, parent) not in top:
            raise table_error(
                file,
                f"the parent is not a top-level component of {index}",
                row=i + 2,
                column="parent",
                value=parent,
                fix="name a component of the same index that has no parent itself",
            )
    owner: dict[tuple[str, str | None], str] = {}
    for i, row in enumerate(df.itertuples(index=False)):
        for spelling in _spellings(row):
            k = (row.index, match_key(spelling))
            if owner.setdefault(k, row.key) != row.key:
                raise table_error(
                    file,
                    f"the spelling is also used by {owner[k]!r} in {row.index}",
                    row=i + 2,
                    column="aliases",
                    value=spelling,
                    fix="a spelling may mean one component per index",
                )
    return (
        df.assign(order=df["order"].astype("int64"))
        .sort_values(["index", "order"], kind="stable")
        .reset_index(drop=True)
    )


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
    df = read_table(file)
    check_known(file, df, "index", _indices()["key"], "index key")
    known = read_table("components.csv")
    check_known(
        file,
        df.assign(pair=df["index"] + ":" + df["key"]),
        "pair",
        known["index"] + ":" + known["key"],
        "index:key of components.csv",
    )
    return df.assign(
        from_year=df["from_year"].astype("int64"),
        to_year=pd.to_numeric(df["to_year"]).astype("Int64"),
    )


def component_spellings() -> list[str]:
    """Return every name, alias and code of every component, as written in the reference files.

    Examples
    --------
    >>> "Hiện đại hóa hành chính" in component_spellings()
    True
    """
    return list(
        dict.fromkeys(s for row in _components().itertuples(index=False) for s in _spellings(row))
    )


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
            key = match_key(spelling)
            if key is not None:  # an empty alias ("a||b") matches nothing
                out.setdefault(key, set()).add((row.index, row.key))
    return {k: tuple(sorted(v)) for k, v in out.items()}


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
        msg = f"The value for `index` must be one of {sorted(table)}, but {index!r} was passed."
        raise ValueError(msg)
    row = table[index]
    if component != "total":
        parent = _parents().get((index, component))
        if parent is None:
            return float(row["component_scale_max"])
        shares = _children_in_use(index, parent, year)
        if component not in shares:
            msg = (
                f"The maximum of {index} {component!r} depends on the sub-components in "
                f"use that year, and component_names.csv lists none for year={year!r}; "
                "pass a year in which it was used"
            )
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
    use = (
        (names["index"] == index)
        & names["key"].str.startswith(f"{parent}.")
        & (names["from_year"] <= year)
        & (names["to_year"].isna() | (names["to_year"] >= year)).astype(bool)
    )
    return frozenset(names.loc[use.to_numpy(dtype=bool), "key"])
