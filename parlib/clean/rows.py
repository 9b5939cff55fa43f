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

import numpy as np
import pandas as pd

from parlib.clean import values
from parlib.clean.columns import (
    blank_cells,
    blank_to_na,
    choose,
    constant_cells,
    fill_missing,
    flag_cells,
    take_rows,
)
from parlib.clean.defaults import fill_defaults
from parlib.clean.derive import ROUNDING, derive_scores, points_disagree
from parlib.clean.indices import match_components, match_indices, match_levels
from parlib.clean.provinces import boundaries_by_year, match_provinces_by_era
from parlib.clean.quarantine import Problems, reason_from
from parlib.clean.units import match_unit_types
from parlib.text import match_key

__all__ = ["SCORE_COLUMNS", "clean_scores"]

SCORE_COLUMNS = [
    "dataset",
    "dataset_kind",
    "synthetic",
    "boundaries",
    "province_code",
    "province",
    "province_code_2025",
    "province_2025",
    "year",
    "level",
    "unit",
    "unit_type",
    "index",
    "component",
    "score",
    "scale_max",
    "points",
    "max_points",
    "rank",
    "n_units",
    "tied",
    "derived",
    "derivation",
    "missing_marker",
    "note",
    "source_id",
    "raw_file",
    "raw_row",
    "raw_column",
]

_NOTE = re.compile(r"(ghi chu|chu thich|nguon|note|notes|source|luu y)\b")
_SUMMARY = re.compile(
    r"(trung binh|binh quan|gia tri trung binh|diem trung binh|tong|tong cong|"
    r"cong|cao nhat|thap nhat|average|mean|total|highest|lowest)( chung| cong)?"
)
#: How many provinces a national ranking counts in each era, when no n was published.
_PROVINCES_IN_ERA = {"legacy": 63, "2025": 34}


def clean_scores(
    long: pd.DataFrame,
    *,
    raw_file: str,
    source_id: str,
    dataset: str = "",
    dataset_kind: str = "compiled",
    boundaries: str | None = None,
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
        :data:`~parlib.clean.quarantine.QUARANTINE_COLUMNS`. Every input row ends in
        exactly one of them.
        Text columns of the clean rows are Categoricals.
    """
    df = fill_defaults(long).reset_index(drop=True)
    n = len(df)
    problems = Problems(df, raw_file=raw_file, dataset=dataset)

    # Rows that name no unit and give no figure are not data (titles, notes).
    unit_txt = blank_to_na(df["unit"])
    prov_txt = blank_to_na(df["province"])
    measure_blank = blank_cells(df["score"]) & blank_cells(df["rank"]) & blank_cells(df["points"])
    level = match_levels(df["level"], categorical=True)
    is_prov = level.eq("province").to_numpy(dtype=bool, na_value=False)
    nameless = unit_txt.isna().to_numpy() & (prov_txt.isna().to_numpy() | ~is_prov)
    problems.add(
        nameless & measure_blank,
        "not_data",
        "unit",
        choose(df["note"].isna(), df["note"], df["unit"]),
        "the row names no unit and gives no score: a note or title line, not a figure",
    )
    problems.add(
        nameless & ~measure_blank,
        "required",
        "unit",
        df["score"],
        "the row gives a figure but names no unit; fill in the unit's name",
    )
    problems.add(
        flag_cells(unit_txt, lambda v: bool(_NOTE.match(match_key(v) or ""))) & measure_blank,
        "not_data",
        "unit",
        unit_txt,
        "a note below the table, not a figure",
    )
    problems.add(
        flag_cells(unit_txt, lambda v: bool(_SUMMARY.fullmatch(match_key(v) or ""))),
        "summary_row",
        "unit",
        unit_txt,
        "a summary row (average, total, highest or lowest), not a unit; "
        "record it in an aggregates file (data/raw/README.md)",
    )

    years = values.parse_years(df["year"], categorical=True)
    problems.add(
        years["error"].notna(),
        "year",
        "year",
        df["year"],
        reason_from(
            years["error"],
            then="; write the year as 2021 or set 'year:' for the file in dataset.yaml",
        ),
    )
    problems.add(
        df["year"].isna() & years["error"].isna(),
        "required",
        "year",
        df["year"],
        "no year: add a year column or 'year:' for the file in dataset.yaml",
    )

    index = match_indices(df["index"], categorical=True)
    problems.add(
        index.isna(),
        "index",
        "index",
        df["index"],
        "unknown or missing index; use PAR, SIPAS, PAPI or PCI (column 'Chỉ số' "
        "or 'index:' in dataset.yaml)",
    )
    problems.add(
        level.isna(),
        "level",
        "level",
        df["level"],
        "unknown or missing level; use province, department, district or commune "
        "('level:' in dataset.yaml)",
    )
    component = match_components(df["component"], index=index, categorical=True)
    problems.add(
        component.isna() & index.notna(),
        "component",
        "component",
        df["component"],
        "unknown component for this index; use a key or name from parlib/reference/components.csv",
    )

    # Provinces: at province level the unit is the province.
    prov_text = choose(is_prov & prov_txt.isna().to_numpy(), prov_txt, unit_txt)
    era = boundaries_by_year(years["year"], boundaries)
    prov = match_provinces_by_era(prov_text, era, categorical=True)
    bad_prov = prov["status"].ne("ok")
    problems.add(
        bad_prov & prov_text.notna(),
        "province",
        "province",
        prov_text,
        reason_from(prov["reason"], missing="unknown province"),
    )
    problems.add(
        prov_text.isna() & ~(unit_txt.isna() & measure_blank),
        "required",
        "province",
        prov_text,
        "no province: add a province column or 'province:' in dataset.yaml",
    )

    units = match_unit_types(
        unit_txt.where(~is_prov, None), level=fill_missing(level, "department"), categorical=True
    )
    is_2025 = era.eq("2025").to_numpy()
    unit = choose(is_prov, units["unit"], choose(is_2025, prov["province"], prov["province_2025"]))
    problems.add(
        ~is_prov & unit_txt.isna() & prov_text.notna() & level.notna(),
        "required",
        "unit",
        unit_txt,
        "no unit named at this level; fill in the unit's name",
    )

    score = values.parse_scores(df["score"], categorical=True)
    problems.add(
        score["error"].notna(),
        "score",
        "score",
        df["score"],
        reason_from(score["error"], then="; write it as 98,56 or 98,56% or 90,9 điểm"),
    )
    rank = values.parse_ranks(df["rank"], categorical=True)
    problems.add(
        rank["error"].notna(),
        "rank",
        "rank",
        df["rank"],
        reason_from(rank["error"], then="; write it as 3 or 03/18"),
    )
    points = values.parse_scores(df["points"], categorical=True)
    problems.add(
        points["error"].notna(),
        "points",
        "points",
        df["points"],
        reason_from(points["error"], then="; write the points as 68,32 or 68,32 điểm"),
    )
    problems.add(
        points["percent"].notna(),
        "points",
        "points",
        df["points"],
        "a percent in the points column; write the points as 68,32 or 68,32 điểm",
    )
    max_points = values.parse_numbers(df["max_points"])
    problems.add(
        df["max_points"].notna() & max_points.isna() & ~blank_cells(df["max_points"]),
        "max_points",
        "max_points",
        df["max_points"],
        "the maximum is not a number; write it as 100 or 9,5",
    )
    n_units_col = values.parse_numbers(df["n_units"])
    # The n a rank was published with: from its cell ("01/18"), a column or dataset.yaml;
    # a national ranking of provinces otherwise counts every province of its era.
    n_units = (
        rank["n_units"]
        .astype("Int64")
        .fillna(pd.Series(np.round(n_units_col), index=df.index).astype("Int64"))
    )
    national = is_prov & rank["rank"].notna().to_numpy() & n_units.isna().to_numpy()
    if national.any():
        in_era = era.astype(object).map(_PROVINCES_IN_ERA).astype("Int64")
        n_units = n_units.where(~national, in_era)

    out = pd.DataFrame(
        {
            "dataset": constant_cells(dataset, n),
            "dataset_kind": constant_cells(dataset_kind, n),
            "synthetic": np.full(n, dataset_kind == "synthetic"),
            "boundaries": era,
            "province_code": prov["province_code"],
            "province": prov["province"],
            "province_code_2025": prov["province_code_2025"],
            "province_2025": prov["province_2025"],
            "year": years["year"],
            "level": level,
            "unit": unit,
            "unit_type": units["unit_type"],
            "index": index,
            "component": component,
            "number": score["number"],
            "percent": score["percent"],
            "points_raw": score["points"].fillna(points["points"]).fillna(points["number"]),
            "points_column": points["points"].fillna(points["number"]),
            "value_max": score["max_points"],
            "max_points_col": max_points,
            "score_scale": df["score_scale"],
            "rank": rank["rank"],
            "n_units": n_units,
            "tied": rank["tied"].fillna(False).astype(bool),
            "missing_marker": choose(score["marker"].isna(), score["marker"], rank["marker"]),
            "derivation": blank_to_na(df["derivation"]),
            "note": blank_to_na(df["note"]),
            "source_id": fill_missing(blank_to_na(df["source"]), source_id),
            "raw_file": constant_cells(raw_file, n),
            "raw_row": df["raw_row"].astype("int64"),
            "raw_column": df["raw_column"],
        },
        copy=False,
    )
    del score, rank, max_points, n_units_col, n_units, years, prov, units  # columns of ``out``
    out = derive_scores(out)
    problems.add(
        out["score_problem"].notna(),
        "score",
        "score",
        df["score"],
        reason_from(out["score_problem"]),
    )
    problems.add(
        points_disagree(out),
        "points_percent",
        "points",
        df["points"],
        "the points, the maximum and the percent disagree beyond rounding "
        f"(points / max_points × 100 differs from the percent by more than "
        f"{ROUNDING} percentage point); check the three figures against the document",
    )

    for col in [c for c in out.columns if c not in SCORE_COLUMNS]:
        del out[col]  # what the figures were derived from, before the rows are taken
    keep = np.flatnonzero(~problems.mask())
    return take_rows(out, keep, SCORE_COLUMNS), problems.frame()
