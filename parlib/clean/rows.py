"""Turn the long raw rows of one table into clean score rows.

Each step is a pure function on DataFrames, usable one by one in a notebook:

>>> long = pd.DataFrame({"raw_row": [2, 3], "unit": ["Sở Công thương", "SCT tỉnh X"],
...                      "score": ["98,56%", "abc"]})
>>> filled = fill_defaults(long, index="PAR", year=2022, province="Bến Tre", level="department")
>>> clean, quarantine = clean_scores(filled, raw_file="bt.csv", source_id="s1")
>>> clean[["unit", "score"]].to_dict("records")
[{'unit': 'Sở Công Thương', 'score': 98.56}]
>>> quarantine[["raw_row", "column", "value"]].to_dict("records")
[{'raw_row': 3, 'column': 'score', 'value': 'abc'}]

Values are parsed once per distinct value, so a million rows with a few
thousand distinct spellings clean in seconds. Text columns read as
Categoricals (``read_raw(..., categorical=True)``) stay Categoricals: the
cleaning then works on their codes and never holds one string per cell.
"""

from __future__ import annotations

import re
from collections.abc import Callable

import numpy as np
import pandas as pd

from parlib.clean import names, values
from parlib.reference import index_scale
from parlib.text import categorical, distinct, match_key, objects

__all__ = ["LONG_COLUMNS", "SCORE_COLUMNS", "QUARANTINE_COLUMNS", "fill_defaults",
           "clean_scores", "derive_scores"]

LONG_COLUMNS = ["raw_row", "raw_column", "unit", "province", "year", "level", "index",
                "component", "score", "score_scale", "points", "max_points", "rank", "n_units",
                "note", "derivation", "source", "unit_type"]

SCORE_COLUMNS = ["dataset", "dataset_kind", "synthetic", "boundaries", "province_code",
                 "province", "province_code_2025", "province_2025", "year", "level", "unit", "unit_type",
                 "index", "component", "score", "scale_max", "points", "max_points", "rank",
                 "n_units", "tied", "derived", "derivation", "missing_marker", "note",
                 "source_id", "raw_file", "raw_row", "raw_column"]

QUARANTINE_COLUMNS = ["dataset", "raw_file", "raw_row", "column", "value", "rule", "reason"]

_NOTE = re.compile(r"(ghi chu|chu thich|nguon|note|notes|source|luu y)\b")
_SUMMARY = re.compile(r"(trung binh|binh quan|gia tri trung binh|diem trung binh|tong|tong cong|"
                      r"cong|cao nhat|thap nhat|average|mean|total|highest|lowest)( chung| cong)?")
_DERIVATION = "points / max_points × 100"
_DEFAULTABLE = ("index", "year", "province", "level", "component", "max_points", "n_units")
#: How many provinces a national ranking counts in each era, when no n was published.
_PROVINCES_IN_ERA = {"legacy": 63, "2025": 34}


def fill_defaults(long: pd.DataFrame, **defaults: object) -> pd.DataFrame:
    """Return ``long`` with every blank cell of a defaultable column set from ``defaults``.

    The defaults are the file's keys in ``dataset.yaml`` (index, year, province,
    level, component, max_points, n_units); what the table itself says always wins.

    Examples
    --------
    >>> fill_defaults(pd.DataFrame({"raw_row": [2], "year": [None]}), year=2021)["year"].tolist()
    ['2021']
    """
    out = long.copy(deep=False)  # copy-on-write: no column is copied until it changes
    for column in LONG_COLUMNS:
        if column not in out.columns:
            out[column] = None
    for key, default in defaults.items():
        if key not in _DEFAULTABLE:
            raise ValueError(f"{key!r} cannot be defaulted; allowed: {list(_DEFAULTABLE)}.")
        if default is None:
            continue
        out[key] = _with_default(out[key], str(default))
    return out


def clean_scores(long: pd.DataFrame, *, raw_file: str, source_id: str, dataset: str = "",
                 dataset_kind: str = "compiled", boundaries: str | None = None
                 ) -> tuple[pd.DataFrame, pd.DataFrame]:
    """Parse, resolve and derive the clean rows of one table.

    Parameters
    ----------
    long
        Long raw rows (:data:`LONG_COLUMNS`, raw text), defaults already filled.
    raw_file, source_id, dataset, dataset_kind
        Provenance written on every row.
    boundaries
        ``"legacy"`` or ``"2025"``: which provinces the table's names refer to.
        By default legacy for years up to 2024 and 2025 from 2025.

    Returns
    -------
    (clean, quarantine)
        Clean rows with :data:`SCORE_COLUMNS` and quarantined rows with
        :data:`QUARANTINE_COLUMNS`. Every input row ends in exactly one of them.
        Text columns of the clean rows are Categoricals.
    """
    df = fill_defaults(long).reset_index(drop=True)
    n = len(df)
    problems = _Problems(df, raw_file=raw_file, dataset=dataset)

    # Rows that name no unit and give no figure are not data (titles, notes).
    unit_txt = _blank_to_na(df["unit"])
    prov_txt = _blank_to_na(df["province"])
    measure_blank = _blank(df["score"]) & _blank(df["rank"]) & _blank(df["points"])
    level = names.match_levels(df["level"], categorical=True)
    is_prov = level.eq("province").to_numpy(dtype=bool, na_value=False)
    nameless = unit_txt.isna().to_numpy() & (prov_txt.isna().to_numpy() | ~is_prov)
    problems.add(nameless & measure_blank, "not_data", "unit",
                 _choose(df["note"].isna(), df["note"], df["unit"]),
                 "the row names no unit and gives no score: a note or title line, not a figure")
    problems.add(nameless & ~measure_blank, "required", "unit", df["score"],
                 "the row gives a figure but names no unit; fill in the unit's name")
    problems.add(_flags(unit_txt, lambda v: bool(_NOTE.match(match_key(v) or "")))
                 & measure_blank, "not_data", "unit",
                 unit_txt, "a note below the table, not a figure")
    problems.add(_flags(unit_txt, lambda v: bool(_SUMMARY.fullmatch(match_key(v) or ""))),
                 "summary_row", "unit", unit_txt,
                 "a summary row (average, total, highest or lowest), not a unit; "
                 "record it in an aggregates file (data/raw/README.md)")

    years = values.parse_years(df["year"], categorical=True)
    problems.add(years["error"].notna(), "year", "year", df["year"],
                 _reason(years["error"], then="; write the year as 2021 or set 'year:' "
                                              "for the file in dataset.yaml"))
    problems.add(df["year"].isna() & years["error"].isna(), "required", "year", df["year"],
                 "no year: add a year column or 'year:' for the file in dataset.yaml")

    index = names.match_indices(df["index"], categorical=True)
    problems.add(index.isna(), "index", "index", df["index"],
                 "unknown or missing index; use PAR, SIPAS, PAPI or PCI (column 'Chỉ số' "
                 "or 'index:' in dataset.yaml)")
    problems.add(level.isna(), "level", "level", df["level"],
                 "unknown or missing level; use province, department, district or commune "
                 "('level:' in dataset.yaml)")
    component = names.match_components(df["component"], index=index, categorical=True)
    problems.add(component.isna() & index.notna(), "component", "component", df["component"],
                 "unknown component for this index; use a key or name from "
                 "parlib/reference/components.csv")

    # Provinces: at province level the unit is the province.
    prov_text = _choose(is_prov & prov_txt.isna().to_numpy(), prov_txt, unit_txt)
    era = _eras(years["year"], boundaries)
    prov = _match_provinces_by_era(prov_text, era, categorical=True)
    bad_prov = prov["status"].ne("ok")
    problems.add(bad_prov & prov_text.notna(), "province", "province", prov_text,
                 _reason(prov["reason"], missing="unknown province"))
    problems.add(prov_text.isna() & ~(unit_txt.isna() & measure_blank), "required", "province",
                 prov_text, "no province: add a province column or 'province:' in dataset.yaml")

    units = names.match_unit_types(unit_txt.where(~is_prov, None),
                                   level=_fillna(level, "department"), categorical=True)
    is_2025 = era.eq("2025").to_numpy()
    unit = _choose(is_prov, units["unit"],
                   _choose(is_2025, prov["province"], prov["province_2025"]))
    problems.add(~is_prov & unit_txt.isna() & prov_text.notna() & level.notna(), "required",
                 "unit", unit_txt, "no unit named at this level; fill in the unit's name")

    score = values.parse_scores(df["score"], categorical=True)
    problems.add(score["error"].notna(), "score", "score", df["score"],
                 _reason(score["error"], then="; write it as 98,56 or 98,56% or 90,9 điểm"))
    rank = values.parse_ranks(df["rank"], categorical=True)
    problems.add(rank["error"].notna(), "rank", "rank", df["rank"],
                 _reason(rank["error"], then="; write it as 3 or 03/18"))
    points = values.parse_scores(df["points"], categorical=True)
    problems.add(points["error"].notna(), "points", "points", df["points"],
                 _reason(points["error"], then="; write the points as 68,32 or 68,32 điểm"))
    problems.add(points["percent"].notna(), "points", "points", df["points"],
                 "a percent in the points column; write the points as 68,32 or 68,32 điểm")
    max_points = values.parse_numbers(df["max_points"])
    problems.add(df["max_points"].notna() & max_points.isna() & ~_blank(df["max_points"]),
                 "max_points", "max_points", df["max_points"],
                 "the maximum is not a number; write it as 100 or 9,5")
    n_units_col = values.parse_numbers(df["n_units"])
    # The n a rank was published with: from its cell ("01/18"), a column or dataset.yaml;
    # a national ranking of provinces otherwise counts every province of its era.
    n_units = rank["n_units"].astype("Int64").fillna(
        pd.Series(np.round(n_units_col), index=df.index).astype("Int64"))
    national = is_prov & rank["rank"].notna().to_numpy() & n_units.isna().to_numpy()
    if national.any():
        in_era = era.astype(object).map(_PROVINCES_IN_ERA).astype("Int64")
        n_units = n_units.where(~national, in_era)

    out = pd.DataFrame({
        "dataset": _constant(dataset, n), "dataset_kind": _constant(dataset_kind, n),
        "synthetic": np.full(n, dataset_kind == "synthetic"),
        "boundaries": era,
        "province_code": prov["province_code"], "province": prov["province"],
        "province_code_2025": prov["province_code_2025"],
        "province_2025": prov["province_2025"],
        "year": years["year"], "level": level, "unit": unit, "unit_type": units["unit_type"],
        "index": index, "component": component,
        "number": score["number"], "percent": score["percent"],
        "points_raw": score["points"].fillna(points["points"]).fillna(points["number"]),
        "points_column": points["points"].fillna(points["number"]),
        "value_max": score["max_points"], "max_points_col": max_points,
        "score_scale": df["score_scale"],
        "rank": rank["rank"], "n_units": n_units,
        "tied": rank["tied"].fillna(False).astype(bool),
        "missing_marker": _choose(score["marker"].isna(), score["marker"], rank["marker"]),
        "derivation": _blank_to_na(df["derivation"]), "note": _blank_to_na(df["note"]),
        "source_id": _fillna(_blank_to_na(df["source"]), source_id),
        "raw_file": _constant(raw_file, n), "raw_row": df["raw_row"].astype("int64"),
        "raw_column": df["raw_column"],
    }, copy=False)
    del score, rank, max_points, n_units_col, n_units, years, prov, units  # columns of ``out``
    out = derive_scores(out)
    problems.add(out["score_problem"].notna(), "score", "score", df["score"],
                 _reason(out["score_problem"]))
    problems.add(_points_disagree(out), "points_percent", "points", df["points"],
                 "the points, the maximum and the percent disagree beyond rounding "
                 f"(points / max_points × 100 differs from the percent by more than "
                 f"{_ROUNDING} percentage point); check the three figures against the document")

    for col in [c for c in out.columns if c not in SCORE_COLUMNS]:
        del out[col]  # what the figures were derived from, before the rows are taken
    keep = np.flatnonzero(~problems.mask())
    return _take_rows(out, keep, SCORE_COLUMNS), problems.frame()


_ROUNDING = 0.1  # percentage point: two figures rounded to one or two decimals stay closer


def _points_disagree(out: pd.DataFrame) -> pd.Series:
    """Return True where a points column, a maximum and a percent are all given and disagree."""
    given = (out["points_column"].notna() & out["max_points"].gt(0) & out["score"].notna()
             & ~out["derived"].astype(bool))
    computed = out["points"] / out["max_points"] * 100
    return given & (computed - out["score"]).abs().gt(_ROUNDING)


def _take_rows(frame: pd.DataFrame, rows: np.ndarray, columns: list[str]) -> pd.DataFrame:
    """``frame.loc[rows, columns]`` with a fresh index; ``frame`` is emptied column by column.

    Each column is taken and dropped in turn, so the frame and the rows taken from
    it are never both held whole.
    """
    everything = len(rows) == len(frame)
    data = {}
    for col in columns:
        values = frame.pop(col).array
        if not everything:
            values = values.take(rows)
        data[col] = values.to_numpy() if isinstance(values, pd.arrays.NumpyExtensionArray) \
            else values
    return pd.DataFrame(data, copy=False)


def derive_scores(df: pd.DataFrame) -> pd.DataFrame:
    """Set ``score``, ``points``, ``max_points``, ``scale_max`` and ``derived`` from parsed values.

    A percent as published is the score. Points with a maximum become a
    percent, marked derived, on indices measured in percent. A bare number is
    the score, unless its column says points and a maximum other than the
    scale is known, in which case it is converted like points.

    Examples
    --------
    >>> df = pd.DataFrame({"index": ["PAR", "PAR", "PAPI"], "year": [2022, 2022, 2022],
    ...     "component": ["procedures", "total", "total"], "number": [None, 90.5, 44.1],
    ...     "percent": [None, None, None], "points_raw": [6.0, None, None],
    ...     "value_max": [None, None, None], "max_points_col": [8.0, None, None],
    ...     "score_scale": [None, None, None], "derivation": [None, None, None]})
    >>> derive_scores(df)[["score", "points", "max_points", "derived"]].to_dict("records")[0]
    {'score': 75.0, 'points': 6.0, 'max_points': 8.0, 'derived': True}
    """
    out = df.copy(deep=False)  # copy-on-write: only the columns set below are new
    scale = _scales(out["index"], out["year"], out["component"])
    is_percent_index = scale.eq(100.0)
    number = pd.to_numeric(out["number"], errors="coerce")
    percent = pd.to_numeric(out["percent"], errors="coerce")
    points = pd.to_numeric(out["points_raw"], errors="coerce")
    maximum = pd.to_numeric(out["value_max"], errors="coerce").fillna(
        pd.to_numeric(out["max_points_col"], errors="coerce"))
    if "points_column" in out.columns:  # beside a points column, a bare number is the percent
        beside = (number.notna() & out["points_column"].notna()
                  & out["score_scale"].eq("percent").to_numpy(dtype=bool, na_value=False))
        percent = percent.fillna(number.where(beside))
        number = number.where(~beside)
    hint_points = out["score_scale"].eq("points").to_numpy(dtype=bool, na_value=False)
    # A bare number in a points column is points.
    as_points = number.notna() & hint_points
    points = points.fillna(number.where(as_points))
    number = number.where(~as_points)

    score = percent.copy()
    derived = pd.Series(False, index=out.index)
    convert = score.isna() & points.notna() & is_percent_index & maximum.notna()
    identity = convert & (maximum == 100.0)
    score = score.fillna((points / maximum * 100).where(convert).round(6))
    derived |= convert & ~identity
    score = score.fillna(points.where(~is_percent_index))
    score = score.fillna(number)
    orphan = score.isna() & points.notna()
    wrong_scale = percent.notna() & ~is_percent_index & scale.notna()
    problem = pd.Categorical.from_codes(
        np.where(wrong_scale, 1, np.where(orphan, 0, -1)),
        categories=pd.Index(["points without a maximum: add a 'Điểm tối đa' column or "
                             "'max_points:' for the file in dataset.yaml",
                             "a percent on an index measured in points; give the points"],
                            dtype=object))
    out["score"] = score.astype(float)
    out["points"] = points.astype(float)
    out["max_points"] = maximum.astype(float)
    out["scale_max"] = scale.astype(float)
    out["derived"] = derived | out["derivation"].notna()
    out["derivation"] = _choose((out["derivation"].isna() & derived & ~identity).to_numpy(),
                                out["derivation"], _DERIVATION)
    out["score_problem"] = pd.Series(problem, index=out.index)
    return out


def _scales(index: pd.Series, year: pd.Series, component: pd.Series) -> pd.Series:
    """Return the scale maximum of every row, looking each (index, year, component) up once."""
    ci, ui = distinct(index)
    cy, uy = distinct(pd.to_numeric(year, errors="coerce").astype(float).fillna(-1.0))
    cc, uc = distinct(component)
    codes, first = names._combine(ci, cy, cc)
    scales = np.array([_scale(ui[ci[k]] if ci[k] >= 0 else "", uy[cy[k]],
                              uc[cc[k]] if cc[k] >= 0 else "") for k in first], dtype=float)
    return pd.Series(scales[codes], index=index.index)


def _scale(index: str, year: float, component: str) -> float:
    if not index or not component:
        return np.nan
    try:
        return index_scale(index, year=None if year < 0 else int(year), component=component)
    except (ValueError, KeyError):  # e.g. PAPI without a year: the row is quarantined anyway
        return np.nan


def _eras(year: pd.Series, boundaries: str | None) -> pd.Series:
    """Return the boundaries of each row: ``boundaries``, else "2025" from 2025, else "legacy"."""
    if boundaries is not None:
        return pd.Series(_constant(boundaries, len(year)), index=year.index)
    y = pd.to_numeric(year, errors="coerce").astype(float).to_numpy()
    return pd.Series(pd.Categorical.from_codes(
        (y >= 2025).astype(np.int8), categories=pd.Index(["legacy", "2025"], dtype=object)),
        index=year.index)


def _match_provinces_by_era(text: pd.Series, era: pd.Series, *,
                            categorical: bool = False) -> pd.DataFrame:
    """Match names in the era of each row; ``province_code`` is always the legacy code.

    A row in 2025 boundaries has a legacy code only when its 2025 province
    covers exactly one legacy province (or the table named the legacy one).
    """
    out = names.match_provinces(text, era=era, categorical=categorical)
    in_2025 = era.eq("2025").to_numpy(dtype=bool, na_value=False)
    if in_2025.any():
        out = out.assign(province_code=_choose(in_2025, out["province_code"],
                                               out["province_code_legacy"]),
                         province=_choose(in_2025, out["province"], out["province_legacy"]))
    return out


def concat_rows(frames: list[pd.DataFrame], *, ignore_index: bool = True) -> pd.DataFrame:
    """Stack frames as :func:`pandas.concat` does; Categorical columns stay Categorical.

    pandas.concat turns Categoricals with different categories into objects; here a
    column that is Categorical in every frame gets the union of their categories.
    Frames without rows are left out.
    """
    frames = [f for f in frames if len(f)] or frames[:1]
    if len(frames) == 1:
        return frames[0].reset_index(drop=True) if ignore_index else frames[0].copy(deep=False)
    columns = frames[0].columns
    shared = [col for col in columns if all(
        col in f.columns and isinstance(f[col].dtype, pd.CategoricalDtype) for f in frames)]
    out = pd.concat([f.drop(columns=shared) for f in frames], ignore_index=ignore_index)
    for col in shared:
        out[col] = _stack_categoricals([f[col] for f in frames])
    return out[list(columns) + [c for c in out.columns if c not in columns]]


def stack_blocks(blocks: list[pd.DataFrame], columns: list[str]) -> pd.DataFrame:
    """:func:`concat_rows` of frames with the same ``columns``, emptying them as it goes.

    Each column is stacked and then dropped from the blocks, so the blocks and
    the result are not both held whole (a million-row table cleaned in blocks).
    """
    blocks = [b for b in blocks if len(b)] or blocks[:1]
    data = {}
    for col in columns:
        pieces = [block.pop(col) for block in blocks]
        if all(isinstance(p.dtype, pd.CategoricalDtype) for p in pieces) and len(pieces) > 1:
            data[col] = _stack_categoricals(pieces)
        else:
            data[col] = pd.concat(pieces, ignore_index=True)
        del pieces
    return pd.DataFrame(data, copy=False)


def _stack_categoricals(pieces: list[pd.Series]) -> pd.Categorical:
    """One Categorical of the pieces' cells, with the union of their categories."""
    codes, uniques = [], []
    for piece in pieces:  # each piece's codes, shifted past the categories before it
        c, u = distinct(piece)
        codes.append(np.where(c < 0, -1, c + sum(map(len, uniques))))
        uniques.append(u)
    return categorical(np.concatenate(codes), np.concatenate(uniques))


# -- text columns, object or Categorical ---------------------------------------------------
#
# Each helper accepts a column of Python objects or a Categorical. A Categorical is
# worked on through its codes, once per distinct value, and stays a Categorical.


def _is_blank(value: object) -> bool:
    if value is None or (not isinstance(value, str) and pd.isna(value)):
        return True
    return str(value).strip() == ""


def _flags(series: pd.Series, test: Callable[[object], bool]) -> np.ndarray:
    """Return ``test(cell)`` of every cell, calling it once per distinct value (and for None)."""
    codes, uniques = distinct(series)
    return np.array([test(v) for v in uniques] + [test(None)], dtype=bool)[codes]


def _blank(series: pd.Series) -> np.ndarray:
    return _flags(series, _is_blank)


def _blank_to_na(series: pd.Series) -> pd.Series:
    if not isinstance(series.dtype, pd.CategoricalDtype):
        s = series.astype(object)
        return s.where(~_blank(s), None)
    codes, uniques = distinct(series)
    kept = np.array([not _is_blank(v) for v in uniques] + [False], dtype=bool)[codes]
    return pd.Series(categorical(np.where(kept, codes, -1), uniques), index=series.index,
                     name=series.name)


def _with_default(series: pd.Series, default: str) -> pd.Series:
    """Return ``series`` with ``default`` in its blank cells."""
    blank = _blank(series)
    if not isinstance(series.dtype, pd.CategoricalDtype):
        return series.astype(object).where(~blank, default)
    return _choose(blank, series, default)


def _choose(mask: np.ndarray | pd.Series, a: pd.Series, b: object) -> pd.Series:
    """Return ``b`` where ``mask`` is True, else ``a``; ``b`` is a Series like ``a`` or one value.

    The result is a Categorical when ``a`` or ``b`` is one.
    """
    mask = np.asarray(mask, dtype=bool)
    b_cat = isinstance(getattr(b, "dtype", None), pd.CategoricalDtype)
    if not (isinstance(a.dtype, pd.CategoricalDtype) or b_cat):
        return a.astype(object).where(~mask, b)
    ca, ua = distinct(a)
    if isinstance(b, pd.Series):
        cb, ub = distinct(b)
        cb = np.where(cb < 0, -1, cb + len(ua))
    else:
        cb, ub = len(ua) if b is not None else -1, np.array([b], dtype=object)
    codes = np.where(mask, cb, ca)
    return pd.Series(categorical(codes, np.concatenate([ua, ub])), index=a.index, name=a.name)


def _fillna(series: pd.Series, value: str) -> pd.Series:
    return _choose(series.isna().to_numpy(), series, value)


def _constant(value: object, n: int) -> pd.Categorical:
    """Return ``n`` cells of one value, held once."""
    return pd.Categorical.from_codes(np.zeros(n, dtype=np.int8),
                                     categories=pd.Index([value], dtype=object))


def _reason(series: pd.Series, *, missing: str = "", then: str = "") -> Callable:
    """A quarantine reason read from ``series`` (``missing`` where it has none), plus ``then``.

    It is read only at the rows quarantined for it (see :class:`_Problems`).
    """
    return lambda at: [(missing if _is_blank(v) and not isinstance(v, str) else v) + then
                       for v in objects(series.iloc[at])]


class _Problems:
    """Collect the first problem of each row as quarantine records.

    :meth:`add` only marks the rows a rule claims; the records (column, value,
    reason) are written at the end for the rows marked, so the cost follows the
    number of bad rows, not of rows. ``value`` and ``reason`` are one value, a
    column like the frame's, or a function of the row positions (``_reason``).
    """

    def __init__(self, df: pd.DataFrame, *, raw_file: str, dataset: str) -> None:
        self._df = df
        self._raw_file = raw_file
        self._dataset = dataset
        self._rule = np.full(len(df), -1, dtype=np.int32)  # index into self._rules
        self._rules: list[tuple[str, str, object, object]] = []

    def add(self, mask, rule: str, column: str, value, reason) -> None:
        if isinstance(mask, pd.Series):
            mask = mask.to_numpy(dtype=bool, na_value=False)
        new = np.asarray(mask, dtype=bool) & (self._rule < 0)
        if new.any():
            self._rule[new] = len(self._rules)
            self._rules.append((rule, column, value, reason))

    def mask(self) -> np.ndarray:
        return self._rule >= 0

    def frame(self) -> pd.DataFrame:
        rows = np.flatnonzero(self._rule >= 0)
        which = self._rule[rows]
        parts = {name: np.empty(len(rows), dtype=object)
                 for name in ("column", "value", "rule", "reason")}
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
        return pd.DataFrame({
            "dataset": self._dataset, "raw_file": self._raw_file,
            "raw_row": self._df["raw_row"].to_numpy()[rows].astype("int64"), **parts,
        }, columns=QUARANTINE_COLUMNS)


def _at(source: object, at: np.ndarray) -> object:
    """Return ``source`` (one value, a column or a function of positions) at the rows ``at``."""
    if callable(source):
        out = np.empty(len(at), dtype=object)
        out[:] = source(at)
        return out
    if isinstance(source, pd.Series):
        return objects(source.iloc[at]) if isinstance(source.dtype, pd.CategoricalDtype) else (
            source.iloc[at].astype(object).to_numpy())
    if isinstance(source, np.ndarray):
        return source[at]
    return source
