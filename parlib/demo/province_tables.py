"""Province layouts of parlib's synthetic demo files: PAR, SIPAS and PAPI by province.

Each function lays out figures from :mod:`parlib.demo.panel` as a province table is
published (long or wide, ranks as ``05/63``, decimal commas, PAPI 2024 regrouped into
the provinces of 2025) and returns the file's name, bytes and ``dataset.yaml`` entries.
"""

from __future__ import annotations

import pandas as pd

from parlib.demo.formats import (
    PAPI_KEYS,
    PAR_KEYS,
    PAR_NAMES,
    SIPAS_NAMES,
    Output,
    file_entry,
    marker_of,
    present_rows,
    ranked_rows,
    row_cells,
    wide_by_year,
)
from parlib.demo.writers import csv_bytes, fmt_number, spell


def province_files(
    provinces: pd.DataFrame, par: pd.DataFrame, sipas: pd.DataFrame, papi: pd.DataFrame
) -> list[Output]:
    """Return the five province-level files: PAR long, SIPAS wide and factors, PAPI twice."""
    names = provinces.set_index("code")["name"]
    return [
        _province_par(names, par),
        _province_sipas(names, sipas),
        _province_sipas_factors(names, sipas),
        _province_papi(names, papi),
        _province_papi_2025(provinces, papi),
    ]


def _province_par(names: pd.Series, par: pd.DataFrame) -> Output:
    """A long CSV, decimal points, ranks written as 05/63."""
    path = "provinces-par-2017-2024.csv"
    names = names.replace({"Hồ Chí Minh": "TP. Hồ Chí Minh", "Thừa Thiên Huế": "Thừa Thiên - Huế"})
    header = [
        "STT",
        "Tỉnh/thành phố",
        "Năm",
        *(f"{n} (%)" for n in PAR_NAMES.values()),
        "Chỉ số CCHC (%)",
        "Xếp hạng Chỉ số CCHC",
    ]
    rows = [
        [stt, names[r.code], r.year, *row_cells(r, [*PAR_KEYS, "total"]), rank]
        for stt, rank, r in ranked_rows(present_rows(par), padded=True)
    ]
    notes = (
        "Lĩnh vực và Chỉ số CCHC tính theo %; Chỉ số là trung bình có trọng số "
        "(7, 7, 12, 8, 12, 10, 14, 30) của 8 lĩnh vực. KĐG: không đánh giá."
    )
    return (
        path,
        csv_bytes(header, rows),
        [file_entry(path, index="PAR", level="province", notes=notes)],
    )


def _province_sipas(names: pd.Series, sipas: pd.DataFrame) -> Output:
    """A wide CSV with a BOM, one column per year, old tone placement in names."""
    path = "provinces-sipas-wide.csv"
    names = names.map(lambda n: spell(n, "old_tones")).replace(
        {"Hồ Chí Minh": "TP.HCM", "Bà Rịa - Vũng Tàu": "BR-VT"}
    )
    header, rows = wide_by_year(
        sipas.assign(name=names[sipas["code"]].to_numpy()),
        "total",
        ("{}", "Năm {}", "{} (%)"),
        key="code",
        unit="Địa phương",
    )
    notes = "Chỉ số SIPAS (%), một cột mỗi năm; '-' và KĐG: không có số liệu."
    return (
        path,
        csv_bytes(header, rows, encoding="utf-8-sig"),
        [file_entry(path, index="SIPAS", level="province", notes=notes)],
    )


def _province_sipas_factors(names: pd.Series, sipas: pd.DataFrame) -> Output:
    """A semicolon CSV with decimal commas; provinces without a score are left out."""
    path = "provinces-sipas-factors-2018-2024.csv"
    header = ["Tỉnh", "Năm", *(f"{n} (%)" for n in SIPAS_NAMES.values())]
    rows = [
        [names[r.code], r.year, *row_cells(r, SIPAS_NAMES, comma=True)]
        for r in sipas.itertuples()
        if marker_of(r, "marker") is None
    ]
    return (
        path,
        csv_bytes(header, rows, delimiter=";"),
        [
            file_entry(
                path,
                index="SIPAS",
                level="province",
                delimiter=";",
                notes="Năm yếu tố của SIPAS (%), dấu phẩy thập phân.",
            )
        ],
    )


def _province_papi(names: pd.Series, papi: pd.DataFrame) -> Output:
    """A CSV wide by dimension code D1..D8, four decimals."""
    path = "provinces-papi-2018-2024.csv"
    names = names.replace(
        {
            "Hồ Chí Minh": "Thành phố Hồ Chí Minh",
            "Bà Rịa - Vũng Tàu": "Bà Rịa – Vũng Tàu",
            "Đắk Lắk": "Đắc Lắc",
        }
    )
    header = ["Tỉnh/thành phố", "Năm", *(f"{k} (10 điểm)" for k in PAPI_KEYS), "Tổng điểm"]
    rows = [
        [names[r.code], r.year, *row_cells(r, [*PAPI_KEYS, "total"], decimals=4)]
        for r in present_rows(papi).itertuples()
    ]
    return (
        path,
        csv_bytes(header, rows),
        [
            file_entry(
                path,
                index="PAPI",
                level="province",
                max_points=80,
                notes="PAPI: 8 chỉ số nội dung D1-D8 (thang 1-10) và tổng điểm (thang 80).",
            )
        ],
    )


def _province_papi_2025(provinces: pd.DataFrame, papi: pd.DataFrame) -> Output:
    """PAPI 2024 regrouped into the 34 provinces of 2025: means of the legacy provinces."""
    path = "provinces-papi-2024-boundaries-2025.csv"
    data = papi.loc[(papi["year"] == 2024) & papi["marker"].isna()].merge(provinces, on="code")
    header = [
        "STT",
        "Tỉnh/thành phố",
        *(f"{k} (10 điểm)" for k in PAPI_KEYS),
        "Tổng điểm",
        "Cách tính",
        "Ghi chú",
    ]
    rows = []
    for stt, (_, group) in enumerate(data.groupby("code_2025", sort=True), 1):
        means = group[[*PAPI_KEYS, "total"]].mean()
        legacy = ", ".join(group["name"])
        merged = len(group) > 1
        how = f"Trung bình cộng của {len(group)} tỉnh cũ: {legacy}" if merged else ""
        note = "Ranh giới năm 2025" + ("" if merged else f"; tỉnh cũ: {legacy}")
        rows.append(
            [stt, group["name_2025"].iloc[0], *(fmt_number(v, 4) for v in means), how, note]
        )
    notes = (
        "PAPI 2024 theo 34 tỉnh, thành phố từ 1/7/2025 (tên tỉnh năm 2025): mỗi dòng là "
        "trung bình cộng điểm các tỉnh cũ hợp thành, xem cột Cách tính."
    )
    return (
        path,
        csv_bytes(header, rows),
        [
            file_entry(
                path,
                index="PAPI",
                year=2024,
                level="province",
                max_points=80,
                boundaries="2025",
                notes=notes,
            )
        ],
    )
