"""Layouts of parlib's synthetic demo files: each table laid out as published tables are.

:mod:`parlib.demo.panel` makes the figures; this module lays them out (long or wide,
one sheet or file per year, ranks as ``05/63``, points over their maximum) and
returns each file's name, bytes and ``dataset.yaml`` entries. The text and bytes
are written by :mod:`parlib.demo.writers`.
"""

from __future__ import annotations

from collections.abc import Sequence

import pandas as pd

from parlib.demo.writers import Sheet, UnicodeForm, csv_bytes, fmt_number, spell, xlsx_bytes

SOURCE_ID = "parlib-demo"
ABSENT = "<absent>"  # marker of a row left out of its table
SYNTHETIC_NOTE = (
    "Ghi chú: dữ liệu tổng hợp giả lập (synthetic) do parlib sinh ra, không phải số liệu thật."
)
PAR_NAMES = {
    "direction": "Công tác chỉ đạo, điều hành cải cách hành chính",
    "institutions": "Xây dựng và tổ chức thực hiện văn bản quy phạm pháp luật",
    "procedures": "Cải cách thủ tục hành chính",
    "apparatus": "Cải cách tổ chức bộ máy hành chính nhà nước",
    "civil_service": "Cải cách chế độ công vụ",
    "public_finance": "Cải cách tài chính công",
    "e_government": "Xây dựng và phát triển Chính quyền điện tử, Chính quyền số",
    "impact": (
        "Tác động của cải cách hành chính đến người dân, tổ chức và phát triển kinh tế - xã hội"
    ),
}
PAR_SHORT = (
    "Công tác chỉ đạo, điều hành CCHC",
    "Xây dựng và tổ chức thực hiện văn bản QPPL",
    "Cải cách TTHC",
    "Cải cách tổ chức bộ máy",
    "Cải cách chế độ công vụ",
    "Cải cách tài chính công",
    "Xây dựng và phát triển chính quyền điện tử",
)
SIPAS_NAMES = {
    "access": "Tiếp cận dịch vụ hành chính công",
    "procedures": "Thủ tục hành chính",
    "civil_servants": "Sự phục vụ của công chức",
    "results": "Kết quả cung ứng dịch vụ hành chính công",
    "feedback": "Tiếp nhận, giải quyết góp ý, phản ánh, kiến nghị",
}
PAPI_KEYS = tuple(f"D{i}" for i in range(1, 9))
_PAR_KEYS = tuple(PAR_NAMES)
_DEPT_KEYS = _PAR_KEYS[:7]
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
_DISTRICT_STYLE = {
    ("83", 2018): "short_types",
    ("83", 2019): "short_types",
    ("83", 2020): "short_types",
    ("19", 2023): "old_tones",
}

# --- Layouts: figures from parlib.demo.panel to (file name, bytes, dataset.yaml entries) ---

Output = tuple[str, bytes, list[dict]]


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
        [stt, names[r.code], r.year, *_cells(r, [*_PAR_KEYS, "total"]), rank]
        for stt, rank, r in _ranked(_present(par), padded=True)
    ]
    notes = (
        "Lĩnh vực và Chỉ số CCHC tính theo %; Chỉ số là trung bình có trọng số "
        "(7, 7, 12, 8, 12, 10, 14, 30) của 8 lĩnh vực. KĐG: không đánh giá."
    )
    return path, csv_bytes(header, rows), [_entry(path, index="PAR", level="province", notes=notes)]


def _province_sipas(names: pd.Series, sipas: pd.DataFrame) -> Output:
    """A wide CSV with a BOM, one column per year, old tone placement in names."""
    path = "provinces-sipas-wide.csv"
    names = names.map(lambda n: spell(n, "old_tones")).replace(
        {"Hồ Chí Minh": "TP.HCM", "Bà Rịa - Vũng Tàu": "BR-VT"}
    )
    header, rows = _wide_by_year(
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
        [_entry(path, index="SIPAS", level="province", notes=notes)],
    )


def _province_sipas_factors(names: pd.Series, sipas: pd.DataFrame) -> Output:
    """A semicolon CSV with decimal commas; provinces without a score are left out."""
    path = "provinces-sipas-factors-2018-2024.csv"
    header = ["Tỉnh", "Năm", *(f"{n} (%)" for n in SIPAS_NAMES.values())]
    rows = [
        [names[r.code], r.year, *_cells(r, SIPAS_NAMES, comma=True)]
        for r in sipas.itertuples()
        if _marker_of(r, "marker") is None
    ]
    return (
        path,
        csv_bytes(header, rows, delimiter=";"),
        [
            _entry(
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
        [names[r.code], r.year, *_cells(r, [*PAPI_KEYS, "total"], decimals=4)]
        for r in _present(papi).itertuples()
    ]
    return (
        path,
        csv_bytes(header, rows),
        [
            _entry(
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
            _entry(
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


def department_files(departments: pd.DataFrame, specs: dict) -> list[Output]:
    """Return the department files of the five provinces, each in its own layout."""
    data = departments.assign(name=_department_names(departments))
    part = {code: data.loc[data["code"] == code] for code in specs}
    return [
        _ben_tre(part["83"], specs["83"]),
        _thai_nguyen(part["19"], specs["19"]),
        *_dong_thap(part["87"], specs["87"]),
        *_quang_ninh(part["22"], specs["22"]),
        _ha_tinh(part["42"], specs["42"]),
    ]


def _department_names(frame: pd.DataFrame) -> list[str]:
    """Return each row's unit name as that province and year spells it."""
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
        par_rank, sipas_rank = _ranks(group, "total"), _ranks(group, "sipas", "sipas_marker")
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
                *_cells(r, [*_DEPT_KEYS, "total"], as_float=True),
                _int_or_blank(par_rank[r.Index]),
                *(
                    [
                        *_cells(r, ["sipas"], "sipas_marker", as_float=True),
                        _int_or_blank(sipas_rank[r.Index]),
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
            _entry(path, **_dept(spec, year=year), sheet=sheet.name, header_row=sheet.header_row)
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
    data = _present(data)
    sipas_rank = _ranks(data, "sipas", "sipas_marker", padded=True)
    rows = [
        [
            stt,
            r.year,
            r.name,
            *_cells(r, [*_DEPT_KEYS, "total"]),
            rank,
            *_cells(r, ["sipas"], "sipas_marker"),
            sipas_rank[r.Index],
        ]
        for stt, rank, r in _ranked(data, padded=True)
    ]
    return path, csv_bytes(header, rows, encoding="utf-8-sig"), [_entry(path, **_dept(spec))]


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
        rank = _ranks(group, "total")
        rows = [
            [
                i,
                r.name,
                *_over_maximum(r, spec.maxima),
                _marker_of(r, "marker") or fmt_number(r.total, comma=True, suffix=" điểm"),
                _int_or_blank(rank[r.Index]),
                *(
                    [_marker_of(r, "sipas_marker") or fmt_number(r.sipas, comma=True, suffix="%")]
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
                [_entry(path, **_dept(spec, year=year), delimiter=";")],
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
        header, rows = _wide_by_year(
            named, column, styles, key="unit", unit="Đơn vị", marker=marker
        )
        path = f"quang-ninh-departments-{index.lower()}-wide.csv"
        entry = _dept(spec, index=index)
        if index == "SIPAS":
            del entry["max_points"]
        outputs.append((path, csv_bytes(header, rows), [_entry(path, **entry)]))
    path = "quang-ninh-departments-components-2019-2024.csv"
    header = ["Năm", "Đơn vị", *_with_maxima(PAR_SHORT, spec.maxima)]
    rows = [[r.year, r.name, *_cells(r, _DEPT_KEYS)] for r in data.itertuples()]
    entry = {k: v for k, v in _dept(spec).items() if k != "max_points"}
    outputs.append(
        (path, csv_bytes(header, rows, delimiter="\t"), [_entry(path, **entry, delimiter="\t")])
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
            *_cells(r, [*_DEPT_KEYS, "total"]),
            _int_or_blank(rank),
            *_cells(r, ["sipas"], "sipas_marker"),
        ]
        for stt, rank, r in _ranked(data)
    ]
    return (
        path,
        csv_bytes(header, rows, encoding="cp1258"),
        [_entry(path, **_dept(spec), encoding="cp1258")],
    )


def district_file(districts: pd.DataFrame) -> Output:
    """Return one long CSV of district PAR Index and SIPAS for the five provinces."""
    path = "districts-2018-2024.csv"
    names = [
        spell(r.unit, _DISTRICT_STYLE.get((r.code, r.year), "canonical"))
        for r in districts.itertuples()
    ]
    data = districts.assign(name=names, marker=None, sipas_marker=None)
    by = ("code", "year")
    sipas_rank = _ranks(data, "sipas", "sipas_marker", by=by)
    header = [
        "STT",
        "Tỉnh",
        "Năm",
        "Đơn vị",
        "Chỉ số CCHC (%)",
        "Xếp hạng Chỉ số CCHC",
        "SIPAS (%)",
        "Xếp hạng SIPAS",
    ]
    rows = [
        [
            stt,
            r.province,
            r.year,
            r.name,
            fmt_number(r.total),
            int(rank),
            fmt_number(r.sipas),
            int(sipas_rank[r.Index]),
        ]
        for stt, rank, r in _ranked(data, by=by)
    ]
    return path, csv_bytes(header, rows), [_entry(path, index="PAR", level="district")]


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
        units = group.assign(name=_department_names(group))
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
        [_entry(path, table="aggregates", notes="Số liệu tổng hợp nêu trong văn bản (giả lập).")],
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


def _wide_by_year(
    data: pd.DataFrame,
    column: str,
    styles: Sequence[str],
    *,
    key: str,
    unit: str,
    marker: str = "marker",
) -> tuple[list[str], list[list]]:
    """Return the header and rows of a table with one column per year, headers in turn styled."""
    text = [_marker_of(r, marker) or fmt_number(getattr(r, column)) for r in data.itertuples()]
    wide = data.assign(text=text).pivot(index=key, columns="year", values="text").fillna("")
    order = pd.unique(data[key])
    names = dict(zip(data[key], data["name"]))
    header = ["STT", unit, *(styles[i % len(styles)].format(y) for i, y in enumerate(wide.columns))]
    return header, [[i, names[k], *wide.loc[k]] for i, k in enumerate(order, 1)]


def _entry(path: str, **defaults: object) -> dict:
    return {"path": path, "source": SOURCE_ID, **defaults}


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


def _percent(value: float) -> str:
    return fmt_number(value, comma=True, suffix="%")


def _present(frame: pd.DataFrame) -> pd.DataFrame:
    return frame.loc[frame["marker"].ne(ABSENT)]


def _ranks(
    frame: pd.DataFrame,
    column: str,
    marker: str = "marker",
    *,
    by: Sequence[str] = ("year",),
    padded: bool = False,
) -> pd.Series:
    """Return each row's rank within its ranking; ties share the best rank, markers get none."""
    valid = frame[marker].isna()
    groups = [frame[k] for k in by]
    rank = frame[column].where(valid).groupby(groups).rank(method="min", ascending=False)
    if not padded:
        return rank
    count = valid.groupby(groups).transform("sum")
    return pd.Series(
        [f"{int(r):02d}/{int(c)}" if r == r else "" for r, c in zip(rank, count)], index=frame.index
    )


def _ranked(frame: pd.DataFrame, *, by: Sequence[str] = ("year",), padded: bool = False):
    """Yield (row number within its ranking, rank of the total, row) for each row."""
    ranks = _ranks(frame, "total", by=by, padded=padded)
    stt = frame.groupby(list(by), sort=False).cumcount() + 1
    for r in frame.itertuples():
        yield int(stt[r.Index]), ranks[r.Index], r


def _cells(
    row,
    keys,
    marker: str = "marker",
    *,
    decimals: int = 2,
    comma: bool = False,
    as_float: bool = False,
) -> list:
    """Return the row's values as published, or its missing marker in every cell."""
    text = _marker_of(row, marker)
    if text is not None:
        return [text] * len(keys)
    values = [float(getattr(row, k)) for k in keys]
    if as_float:
        return [round(v, decimals) for v in values]
    return [fmt_number(v, decimals, comma=comma) for v in values]


def _over_maximum(row, maxima: Sequence[int]) -> list[str]:
    """Return component points written as "5,25/6", or the row's missing marker."""
    cells = _cells(row, _DEPT_KEYS, comma=True)
    if _marker_of(row, "marker") is not None:
        return cells
    return [f"{cell}/{m}" for cell, m in zip(cells, maxima)]


def _marker_of(row, column: str) -> str | None:
    value = getattr(row, column)
    return value if isinstance(value, str) else None


def _int_or_blank(value: float) -> int | str:
    return "" if value != value else int(value)
