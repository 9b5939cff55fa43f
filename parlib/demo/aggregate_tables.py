"""Aggregate layout of parlib's synthetic demo files: figures stated about whole rankings.

Means, highest, lowest, spreads and counts as a published text states them, one of
them deliberately contradictory so that the consistency checks have work to do.
"""

from __future__ import annotations

import pandas as pd

from parlib.demo.department_tables import department_names
from parlib.demo.formats import Output, file_entry
from parlib.demo.writers import csv_bytes, fmt_number


def aggregate_file(
    provinces: pd.DataFrame, par: pd.DataFrame, sipas: pd.DataFrame, departments: pd.DataFrame
) -> Output:
    """Return stated figures about whole rankings, one of them deliberately contradictory."""
    rows = []
    names = provinces.set_index("code")["name"]
    for index, frame in (("PAR", par), ("SIPAS", sipas)):
        for year, group in frame.loc[frame["marker"].isna()].groupby("year"):
            units = group.assign(name=names[group["code"]].to_numpy())
            rows += _statistics(units, "Toàn quốc", year, "province", index, short=True)
    data = departments.loc[departments["marker"].isna() & departments["code"].isin(["83", "19"])]
    for (_, year), group in data.groupby(["code", "year"], sort=False):
        units = group.assign(name=department_names(group))
        rows += _statistics(units, group["province"].iloc[0], year, "department", "PAR")
    for row in rows:  # a stated spread that the stated highest and lowest do not give
        if row[:2] == ["Thái Nguyên", 2021] and row[5] == "spread":
            value = float(row[6].rstrip("%").replace(",", ".")) + 0.5
            row[6] = fmt_number(value, comma=True, suffix="%")
            row[10] = "Sai lệch cố ý 0,50 để kiểm thử cảnh báo mâu thuẫn (dữ liệu giả lập)"
    header = [
        "province",
        "year",
        "level",
        "index",
        "component",
        "statistic",
        "value",
        "lower",
        "upper",
        "unit",
        "note",
    ]
    path = "aggregates.csv"
    return (
        path,
        csv_bytes(header, rows),
        [
            file_entry(
                path, table="aggregates", notes="Số liệu tổng hợp nêu trong văn bản (giả lập)."
            )
        ],
    )


def _statistics(
    units: pd.DataFrame, province: str, year: int, level: str, index: str, *, short: bool = False
) -> list[list]:
    """Return the rows of mean, max, min (and more unless ``short``) of one ranking."""
    scores, n = units["total"], len(units)
    mean = round(scores.mean(), 2)
    top, bottom = units.loc[scores.idxmax()], units.loc[scores.idxmin()]
    stats = [
        ("mean", _percent(mean), "", ""),
        ("max", _percent(top.total), "", top["name"]),
        ("min", _percent(bottom.total), "", bottom["name"]),
        ("n_units", str(n), "", ""),
    ]
    if not short:
        stats += [
            ("spread", _percent(top.total - bottom.total), "", ""),
            ("count_above_mean", f"{int((scores > mean).sum())}/{n}", "", ""),
            ("count_at_least", f"{int((scores >= 90).sum())}/{n}", "90", ""),
        ]
    return [
        [province, year, level, index, "total", stat, value, lower, "", unit, ""]
        for stat, value, lower, unit in stats
    ]


def _percent(value: float) -> str:
    return fmt_number(value, comma=True, suffix="%")
