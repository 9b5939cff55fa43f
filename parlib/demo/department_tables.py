"""Department layouts of parlib's synthetic demo files: five provinces, five layouts.

Each province publishes its departments' PAR Index and SIPAS its own way: XLSX sheets
with title rows, long CSVs with a BOM or in Windows-1258, semicolon CSVs with points
over their maximum, wide tables by year, and several spellings of one department.
"""

from __future__ import annotations

from collections.abc import Sequence

import pandas as pd

from parlib.demo.formats import (
    DEPT_KEYS,
    PAR_NAMES,
    PAR_SHORT,
    SYNTHETIC_NOTE,
    Output,
    file_entry,
    int_or_blank,
    marker_of,
    present_rows,
    rank_rows,
    ranked_rows,
    row_cells,
    wide_by_year,
)
from parlib.demo.writers import Sheet, UnicodeForm, csv_bytes, fmt_number, spell, xlsx_bytes

# Spelling of department names by province code and year (default canonical).
_DEPT_STYLE = {
    "83": {
        2017: "long",
        2018: "long",
        2019: "long",
        2022: "suffix",
        2023: "old_tones",
        2024: "old_tones",
    },
    "19": {2018: "abbrev", 2019: "abbrev", 2020: "abbrev"},
    "87": {2019: "long"},
    "22": {2019: "old_tones", 2020: "old_tones", 2021: "old_tones"},
    "42": dict.fromkeys(range(2017, 2025), "old_tones"),
}


def department_files(departments: pd.DataFrame, specs: dict) -> list[Output]:
    """Return the department files of the five provinces, each in its own layout."""
    data = departments.assign(name=department_names(departments))
    part = {code: data.loc[data["code"] == code] for code in specs}
    return [
        _ben_tre(part["83"], specs["83"]),
        _thai_nguyen(part["19"], specs["19"]),
        *_dong_thap(part["87"], specs["87"]),
        *_quang_ninh(part["22"], specs["22"]),
        _ha_tinh(part["42"], specs["42"]),
    ]


def department_names(frame: pd.DataFrame) -> list[str]:
    """Return each row's unit name as that province and year spells it.

    Parameters
    ----------
    frame
        Department figures with ``unit``, ``code``, ``year`` and ``province``.

    Returns
    -------
    list of str
        One name per row, in the row order.
    """
    return [
        spell(r.unit, _DEPT_STYLE[r.code].get(r.year, "canonical"), r.province)
        for r in frame.itertuples()
    ]


def _ben_tre(data: pd.DataFrame, spec) -> Output:
    """One XLSX sheet per year: merged title rows, notes row, rows sorted by rank."""
    path = "ben-tre-departments-2017-2024.xlsx"
    sheets, entries = [], []
    for year, group in data.groupby("year"):
        scored = group["total"].where(group["marker"].isna())
        group = group.loc[scored.sort_values(ascending=False, kind="stable").index]
        sipas = group["sipas"].notna().any()
        par_rank, sipas_rank = rank_rows(group, "total"), rank_rows(group, "sipas", "sipas_marker")
        header = [
            "STT",
            "Tên đơn vị",
            *_with_maxima(PAR_SHORT, spec.maxima),
            "PAR INDEX",
            "Xếp hạng PAR INDEX",
            *(["SIPAS (%)", "Xếp hạng SIPAS"] if sipas else []),
        ]
        rows = [
            [
                i,
                r.name,
                *row_cells(r, [*DEPT_KEYS, "total"], as_float=True),
                int_or_blank(par_rank[r.Index]),
                *(
                    [
                        *row_cells(r, ["sipas"], "sipas_marker", as_float=True),
                        int_or_blank(sipas_rank[r.Index]),
                    ]
                    if sipas
                    else []
                ),
            ]
            for i, r in enumerate(group.itertuples(), 1)
        ]
        titles = [
            "UBND TỈNH BẾN TRE",
            f"BẢNG TỔNG HỢP KẾT QUẢ CHỈ SỐ CCHC NĂM {year} CỦA CÁC SỞ, BAN, NGÀNH TỈNH",
        ]
        sheet = Sheet(f"Năm {year}", titles, header, rows, SYNTHETIC_NOTE)
        sheets.append(sheet)
        entries.append(
            file_entry(
                path, **_dept(spec, year=year), sheet=sheet.name, header_row=sheet.header_row
            )
        )
    return path, xlsx_bytes(sheets), entries


def _thai_nguyen(data: pd.DataFrame, spec) -> Output:
    """A long CSV with a BOM, ranks written as 01/19, abbreviations in early years."""
    path = "thai-nguyen-departments-2018-2024.csv"
    header = [
        "STT",
        "Năm",
        "Tên đơn vị",
        *_with_maxima(PAR_NAMES.values(), spec.maxima),
        "Chỉ số CCHC",
        "Xếp hạng Chỉ số CCHC",
        "SIPAS (%)",
        "Xếp hạng SIPAS",
    ]
    data = present_rows(data)
    sipas_rank = rank_rows(data, "sipas", "sipas_marker", padded=True)
    rows = [
        [
            stt,
            r.year,
            r.name,
            *row_cells(r, [*DEPT_KEYS, "total"]),
            rank,
            *row_cells(r, ["sipas"], "sipas_marker"),
            sipas_rank[r.Index],
        ]
        for stt, rank, r in ranked_rows(data, padded=True)
    ]
    return path, csv_bytes(header, rows, encoding="utf-8-sig"), [file_entry(path, **_dept(spec))]


def _dong_thap(data: pd.DataFrame, spec) -> list[Output]:
    """One semicolon CSV per year: decimal commas, "điểm", points over maximum; 2021 in NFD."""
    outputs = []
    for year, group in data.groupby("year"):
        sipas = group["sipas"].notna().any()
        header = [
            "TT",
            "Cơ quan",
            *list(PAR_NAMES.values())[:7],
            "Tổng điểm",
            "Xếp hạng",
            *(["Chỉ số hài lòng (%)"] if sipas else []),
        ]
        rank = rank_rows(group, "total")
        rows = [
            [
                i,
                r.name,
                *_over_maximum(r, spec.maxima),
                marker_of(r, "marker") or fmt_number(r.total, comma=True, suffix=" điểm"),
                int_or_blank(rank[r.Index]),
                *(
                    [marker_of(r, "sipas_marker") or fmt_number(r.sipas, comma=True, suffix="%")]
                    if sipas
                    else []
                ),
            ]
            for i, r in enumerate(group.itertuples(), 1)
        ]
        path = f"dong-thap-departments-{year}.csv"
        form: UnicodeForm = "NFD" if year == 2021 else "NFC"
        outputs.append(
            (
                path,
                csv_bytes(header, rows, delimiter=";", form=form),
                [file_entry(path, **_dept(spec, year=year), delimiter=";")],
            )
        )
    return outputs


def _quang_ninh(data: pd.DataFrame, spec) -> list[Output]:
    """PAR totals and SIPAS wide by year, and the components in a tab-separated long file."""
    outputs = []
    for index, column, styles, style in (
        ("PAR", "total", ("{}", "Năm {}", "{} (điểm)"), "canonical"),
        ("SIPAS", "sipas", ("{} (%)", "Năm {}", "{}"), "long"),
    ):
        marker = "marker" if index == "PAR" else "sipas_marker"
        named = data.assign(name=[spell(u, style) for u in data["unit"]])
        header, rows = wide_by_year(named, column, styles, key="unit", unit="Đơn vị", marker=marker)
        path = f"quang-ninh-departments-{index.lower()}-wide.csv"
        entry = _dept(spec, index=index)
        if index == "SIPAS":
            del entry["max_points"]
        outputs.append((path, csv_bytes(header, rows), [file_entry(path, **entry)]))
    path = "quang-ninh-departments-components-2019-2024.csv"
    header = ["Năm", "Đơn vị", *_with_maxima(PAR_SHORT, spec.maxima)]
    rows = [[r.year, r.name, *row_cells(r, DEPT_KEYS)] for r in data.itertuples()]
    entry = {k: v for k, v in _dept(spec).items() if k != "max_points"}
    outputs.append(
        (path, csv_bytes(header, rows, delimiter="\t"), [file_entry(path, **entry, delimiter="\t")])
    )
    return outputs


def _ha_tinh(data: pd.DataFrame, spec) -> Output:
    """A long CSV in Windows-1258 with old-style tone placement."""
    path = "ha-tinh-departments-2018-2024.csv"
    header = [
        "STT",
        "Năm",
        "Đơn vị",
        *_with_maxima(PAR_NAMES.values(), spec.maxima),
        "Tổng điểm",
        "Xếp hạng",
        "SIPAS (%)",
    ]
    rows = [
        [
            stt,
            r.year,
            r.name,
            *row_cells(r, [*DEPT_KEYS, "total"]),
            int_or_blank(rank),
            *row_cells(r, ["sipas"], "sipas_marker"),
        ]
        for stt, rank, r in ranked_rows(data)
    ]
    return (
        path,
        csv_bytes(header, rows, encoding="cp1258"),
        [file_entry(path, **_dept(spec), encoding="cp1258")],
    )


def _dept(spec, **extra: object) -> dict:
    return {
        "index": "PAR",
        **extra,
        "province": spec.name,
        "level": "department",
        "max_points": 100,
    }


def _with_maxima(names, maxima: Sequence[int]) -> list[str]:
    return [f"{name} ({m} điểm)" for name, m in zip(names, maxima)]


def _over_maximum(row, maxima: Sequence[int]) -> list[str]:
    """Return component points written as "5,25/6", or the row's missing marker."""
    points = row_cells(row, DEPT_KEYS, comma=True)
    if marker_of(row, "marker") is not None:
        return points
    return [f"{cell}/{m}" for cell, m in zip(points, maxima)]
