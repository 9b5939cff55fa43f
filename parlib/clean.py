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
thousand distinct spellings clean in seconds.
"""

from __future__ import annotations

import numpy as np
import pandas as pd

from . import names, values
from .text import match_keys
from .reference import index_scale

__all__ = ["LONG_COLUMNS", "SCORE_COLUMNS", "QUARANTINE_COLUMNS", "fill_defaults",
           "clean_scores", "derive_scores"]

LONG_COLUMNS = ["raw_row", "raw_column", "unit", "province", "year", "level", "index",
                "component", "score", "score_scale", "max_points", "rank", "n_units", "note",
                "derivation", "source", "unit_type"]

SCORE_COLUMNS = ["dataset", "dataset_kind", "synthetic", "boundaries", "province_code",
                 "province", "province_code_2025", "province_2025", "year", "level", "unit", "unit_type",
                 "index", "component", "score", "scale_max", "points", "max_points", "rank",
                 "n_units", "tied", "derived", "derivation", "missing_marker", "note",
                 "source_id", "raw_file", "raw_row", "raw_column"]

QUARANTINE_COLUMNS = ["dataset", "raw_file", "raw_row", "column", "value", "rule", "reason"]

_NOTE = r"(ghi chu|chu thich|nguon|note|notes|source|luu y)\b"
_SUMMARY = (r"(trung binh|binh quan|gia tri trung binh|diem trung binh|tong|tong cong|cong|"
            r"cao nhat|thap nhat|average|mean|total|highest|lowest)( chung| cong)?")
_DEFAULTABLE = ("index", "year", "province", "level", "component", "max_points")


def fill_defaults(long: pd.DataFrame, **defaults: object) -> pd.DataFrame:
    """Return ``long`` with every blank cell of a defaultable column set from ``defaults``.

    The defaults are the file's keys in ``dataset.yaml`` (index, year, province,
    level, component, max_points); what the table itself says always wins.

    Examples
    --------
    >>> fill_defaults(pd.DataFrame({"raw_row": [2], "year": [None]}), year=2021)["year"].tolist()
    ['2021']
    """
    out = long.copy()
    for column in LONG_COLUMNS:
        if column not in out.columns:
            out[column] = None
    for key, default in defaults.items():
        if key not in _DEFAULTABLE:
            raise ValueError(f"{key!r} cannot be defaulted; allowed: {list(_DEFAULTABLE)}.")
        if default is None:
            continue
        col = out[key].astype(object)
        blank = col.isna() | (col.astype(str).str.strip() == "")
        out[key] = col.where(~blank, str(default))
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
    """
    df = fill_defaults(long).reset_index(drop=True)
    problems = _Problems(df, raw_file=raw_file, dataset=dataset)

    # Rows that name no unit and give no figure are not data (titles, notes).
    unit_txt = _blank_to_na(df["unit"])
    prov_txt = _blank_to_na(df["province"])
    measure_blank = _blank(df["score"]) & _blank(df["rank"])
    level = names.match_levels(df["level"])
    is_prov = level.eq("province").fillna(False).to_numpy()
    nameless = unit_txt.isna() & (prov_txt.isna() | ~is_prov)
    problems.add(nameless & measure_blank, "not_data", "unit",
                 df["note"].where(df["note"].notna(), df["unit"]),
                 "the row names no unit and gives no score: a note or title line, not a figure")
    problems.add(nameless & ~measure_blank, "required", "unit", df["score"],
                 "the row gives a figure but names no unit; fill in the unit's name")
    unit_key = match_keys(unit_txt)
    problems.add(unit_key.str.match(_NOTE).fillna(False) & measure_blank, "not_data", "unit",
                 unit_txt, "a note below the table, not a figure")
    problems.add(unit_key.str.fullmatch(_SUMMARY).fillna(False), "summary_row", "unit",
                 unit_txt, "a summary row (average, total, highest or lowest), not a unit; "
                           "record it in an aggregates file (data/raw/README.md)")

    years = values.parse_years(df["year"])
    problems.add(years["error"].notna(), "year", "year", df["year"],
                 years["error"].fillna("") + "; write the year as 2021 or set 'year:' "
                                             "for the file in dataset.yaml")
    problems.add(df["year"].isna() & years["error"].isna(), "required", "year", df["year"],
                 "no year: add a year column or 'year:' for the file in dataset.yaml")

    index = names.match_indices(df["index"])
    problems.add(index.isna(), "index", "index", df["index"],
                 "unknown or missing index; use PAR, SIPAS, PAPI or PCI (column 'Chỉ số' "
                 "or 'index:' in dataset.yaml)")
    problems.add(level.isna(), "level", "level", df["level"],
                 "unknown or missing level; use province, department, district or commune "
                 "('level:' in dataset.yaml)")
    component = names.match_components(df["component"], index=index)
    problems.add(component.isna() & index.notna(), "component", "component", df["component"],
                 "unknown component for this index; use a key or name from "
                 "parlib/reference/components.csv")

    # Provinces: at province level the unit is the province.
    prov_text = prov_txt.where(~(is_prov & prov_txt.isna()), unit_txt)
    era = _eras(years["year"], boundaries)
    prov = _match_provinces_by_era(prov_text, era)
    bad_prov = prov["status"].ne("ok")
    problems.add(bad_prov & prov_text.notna(), "province", "province", prov_text,
                 prov["reason"].fillna("unknown province"))
    problems.add(prov_text.isna() & ~(unit_txt.isna() & measure_blank), "required", "province",
                 prov_text, "no province: add a province column or 'province:' in dataset.yaml")

    units = names.match_unit_types(unit_txt.where(~is_prov, None),
                                   level=level.fillna("department"))
    is_2025 = era.eq("2025").to_numpy()
    unit = units["unit"].astype(object).where(~is_prov, pd.Series(
        np.where(is_2025, prov["province_2025"], prov["province"]), index=df.index))
    problems.add(~is_prov & unit_txt.isna() & prov_text.notna() & level.notna(), "required",
                 "unit", unit_txt, "no unit named at this level; fill in the unit's name")

    score = values.parse_scores(df["score"])
    problems.add(score["error"].notna(), "score", "score", df["score"],
                 score["error"].fillna("") + "; write it as 98,56 or 98,56% or 90,9 điểm")
    rank = values.parse_ranks(df["rank"])
    problems.add(rank["error"].notna(), "rank", "rank", df["rank"],
                 rank["error"].fillna("") + "; write it as 3 or 03/18")
    max_points = values.parse_numbers(df["max_points"])
    problems.add(df["max_points"].notna() & max_points.isna() & ~_blank(df["max_points"]),
                 "max_points", "max_points", df["max_points"],
                 "the maximum is not a number; write it as 100 or 9,5")
    n_units_col = values.parse_numbers(df["n_units"])

    out = pd.DataFrame({
        "dataset": dataset, "dataset_kind": dataset_kind,
        "synthetic": dataset_kind == "synthetic",
        "boundaries": era,
        "province_code": prov["province_code"], "province": prov["province"],
        "province_code_2025": prov["province_code_2025"],
        "province_2025": prov["province_2025"],
        "year": years["year"], "level": level, "unit": unit, "unit_type": units["unit_type"],
        "index": index, "component": component,
        "number": score["number"], "percent": score["percent"], "points_raw": score["points"],
        "value_max": score["max_points"], "max_points_col": max_points,
        "score_scale": df["score_scale"],
        "rank": rank["rank"], "n_units": rank["n_units"].astype("Int64").fillna(
            pd.Series(np.round(n_units_col), index=df.index).astype("Int64")),
        "tied": rank["tied"].fillna(False).astype(bool),
        "missing_marker": score["marker"].fillna(rank["marker"]),
        "derivation": _blank_to_na(df["derivation"]), "note": _blank_to_na(df["note"]),
        "source_id": _blank_to_na(df["source"]).fillna(source_id),
        "raw_file": raw_file, "raw_row": df["raw_row"].astype("int64"),
        "raw_column": df["raw_column"],
    })
    out = derive_scores(out)
    problems.add(out["score_problem"].notna(), "score", "score", df["score"],
                 out["score_problem"].fillna(""))

    bad = problems.mask()
    clean = out.loc[~bad, SCORE_COLUMNS].reset_index(drop=True)
    return clean, problems.frame()


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
    out = df.copy()
    scale = _scales(out["index"], out["year"], out["component"])
    is_percent_index = scale.eq(100.0)
    number = pd.to_numeric(out["number"], errors="coerce")
    percent = pd.to_numeric(out["percent"], errors="coerce")
    points = pd.to_numeric(out["points_raw"], errors="coerce")
    maximum = pd.to_numeric(out["value_max"], errors="coerce").fillna(
        pd.to_numeric(out["max_points_col"], errors="coerce"))
    hint_points = out["score_scale"].astype(object).eq("points")
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
    problem = pd.Series(pd.NA, index=out.index, dtype=object)
    orphan = score.isna() & points.notna()
    problem = problem.mask(orphan, "points without a maximum: add a 'Điểm tối đa' column "
                                   "or 'max_points:' for the file in dataset.yaml")
    problem = problem.mask(percent.notna() & ~is_percent_index & scale.notna(),
                           "a percent on an index measured in points; give the points")
    out["score"] = score.astype(float)
    out["points"] = points.astype(float)
    out["max_points"] = maximum.astype(float)
    out["scale_max"] = scale.astype(float)
    out["derived"] = derived | out["derivation"].notna()
    out["derivation"] = out["derivation"].astype(object).where(
        out["derivation"].notna(),
        pd.Series("points / max_points × 100", index=out.index).where(derived & ~identity))
    out["score_problem"] = problem
    return out


def _scales(index: pd.Series, year: pd.Series, component: pd.Series) -> pd.Series:
    """Return the scale maximum of every row, looking each (index, year, component) up once."""
    keys = pd.DataFrame({"i": index.astype(object).fillna(""),
                         "y": pd.to_numeric(year, errors="coerce").astype(float).fillna(-1.0),
                         "c": component.astype(object).fillna("")})
    uniq = keys.drop_duplicates().reset_index(drop=True)
    uniq["v"] = [_scale(i, y, c) for i, y, c in uniq.itertuples(index=False)]
    merged = keys.merge(uniq, on=["i", "y", "c"], how="left", sort=False)
    return pd.Series(merged["v"].to_numpy(dtype=float), index=index.index)


def _scale(index: str, year: float, component: str) -> float:
    if not index or not component:
        return np.nan
    try:
        return index_scale(index, year=None if year < 0 else int(year), component=component)
    except (ValueError, KeyError):  # e.g. PAPI without a year: the row is quarantined anyway
        return np.nan


def _eras(year: pd.Series, boundaries: str | None) -> pd.Series:
    if boundaries is not None:
        return pd.Series(boundaries, index=year.index)
    y = pd.to_numeric(year, errors="coerce").astype(float).to_numpy()
    return pd.Series(np.where(y >= 2025, "2025", "legacy"), index=year.index)


def _match_provinces_by_era(text: pd.Series, era: pd.Series) -> pd.DataFrame:
    """Match names in the era of each row; ``province_code`` is always the legacy code.

    A row in 2025 boundaries has a legacy code only when its 2025 province
    covers exactly one legacy province (or the table named the legacy one).
    """
    parts = [names.match_provinces(text.iloc[:0])]  # keeps the columns when there are no rows
    for value in ("legacy", "2025"):
        mask = era.eq(value)
        if mask.any():
            part = names.match_provinces(text[mask], era=value)
            if value == "2025":
                part = part.assign(province_code=part["province_code_legacy"],
                                   province=part["province_legacy"])
            parts.append(part)
    return pd.concat(parts).reindex(text.index)


def _blank(series: pd.Series) -> pd.Series:
    s = series.astype(object)
    return s.isna() | (s.astype(str).str.strip() == "")


def _blank_to_na(series: pd.Series) -> pd.Series:
    s = series.astype(object)
    return s.where(~_blank(s), None)


class _Problems:
    """Collect the first problem of each row as quarantine records."""

    def __init__(self, df: pd.DataFrame, *, raw_file: str, dataset: str) -> None:
        self._df = df
        self._raw_file = raw_file
        self._dataset = dataset
        self._rule = pd.Series(pd.NA, index=df.index, dtype=object)
        self._column = pd.Series(pd.NA, index=df.index, dtype=object)
        self._value = pd.Series(pd.NA, index=df.index, dtype=object)
        self._reason = pd.Series(pd.NA, index=df.index, dtype=object)

    def add(self, mask, rule: str, column: str, value, reason) -> None:
        mask = pd.Series(mask, index=self._df.index).fillna(False).astype(bool)
        new = mask & self._rule.isna()
        if not new.any():
            return
        raw_col = self._df["raw_column"].where(
            self._df["raw_column"].notna() & (column in ("score", "rank")), None)
        self._rule = self._rule.mask(new, rule)
        self._column = self._column.mask(new, raw_col.fillna(column))
        val = value if isinstance(value, pd.Series) else pd.Series(value, index=self._df.index)
        self._value = self._value.mask(new, val.astype(object))
        why = reason if isinstance(reason, pd.Series) else pd.Series(reason, index=self._df.index)
        self._reason = self._reason.mask(new, why.astype(object))

    def mask(self) -> pd.Series:
        return self._rule.notna()

    def frame(self) -> pd.DataFrame:
        bad = self.mask()
        return pd.DataFrame({
            "dataset": self._dataset, "raw_file": self._raw_file,
            "raw_row": self._df.loc[bad, "raw_row"].astype("int64"),
            "column": self._column[bad], "value": self._value[bad],
            "rule": self._rule[bad], "reason": self._reason[bad],
        }, columns=QUARANTINE_COLUMNS).reset_index(drop=True)
