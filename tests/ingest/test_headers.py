"""Tests for parlib.ingest.headers, columns and melt: column roles, validation, and melting to the long raw form."""

from __future__ import annotations

import csv
import warnings
from pathlib import Path

import numpy as np
import openpyxl
import pandas as pd
import pytest

import parlib.ingest.headers as headers
from parlib.errors import HeaderError
from parlib.ingest.columns import recognize_columns
from parlib.ingest.headers import HeaderRole, classify_header
from parlib.ingest.melt import AGGREGATE_COLUMNS, LONG_RAW_COLUMNS, melt_aggregates, melt_table
from parlib.ingest.read import read_raw
from parlib.ingest.table import RawTable
from parlib.reference import component_lookup
from parlib.text import match_key

LOOKUP = {
    "d1": [("PAPI", "participation")],
    "d2": [("PAPI", "transparency")],
    "participation at local levels": [("PAPI", "participation")],
    "cai cach thu tuc hanh chinh": [("PAR", "procedures")],
    "cai cach tthc": [("PAR", "procedures")],
    "cong tac chi dao dieu hanh": [("PAR", "direction")],
    "cs1": [("SIPAS", "access")],
    "tiep can dich vu": [("SIPAS", "access"), ("PAPI", "access_services")],
    "tong": [("PAPI", "total"), ("PAR", "total")],
}


def role(label: str, **kwargs) -> HeaderRole | None:
    return classify_header(label, component_lookup=LOOKUP, **kwargs)


def make_table(columns: dict[str, list], *, rows: list[int] | None = None) -> RawTable:
    frame = pd.DataFrame(columns, dtype=object)
    n = len(frame)
    return RawTable(
        frame=frame,
        rows=np.array(rows or list(range(2, n + 2))),
        columns=list(frame.columns),
        header_row=1,
        path=Path("t.csv"),
        display_path="data/raw/t/t.csv",
    )


def melt(table: RawTable, **kwargs) -> pd.DataFrame:
    roles = recognize_columns(table, component_lookup=LOOKUP)
    return melt_table(table, roles, **kwargs)


# ---------------------------------------------------------------- classify_header
README_HEADERS = {
    "unit": [
        "Tên đơn vị",
        "Đơn vị",
        "Cơ quan, đơn vị",
        "Sở, ban, ngành",
        "Huyện, thị xã, thành phố",
        "unit",
        "Tên cơ quan, đơn vị",
        "Đơn vị được đánh giá",
        "Tên sở, ban, ngành",
        "TÊN ĐƠN VỊ",
        "ten  don-vi",
    ],
    "province": ["Tỉnh", "Tỉnh/thành phố", "Địa phương", "province", "Tỉnh, thành phố", "Tỉnh/TP"],
    "year": ["Năm", "year"],
    "index": ["Chỉ số", "index"],
    "score": [
        "Điểm",
        "Tổng điểm",
        "Điểm đạt được",
        "Chỉ số (%)",
        "Tỷ lệ (%)",
        "Kết quả (%)",
        "Chỉ số CCHC",
        "PAR INDEX",
        "SIPAS",
        "score",
        "Điểm số",
        "Điểm thẩm định",
        "Tổng điểm đạt được",
        "Kết quả",
        "Chỉ số hài lòng",
        "Chỉ số SIPAS",
        "Chỉ số PAR INDEX",
        "Điểm (%)",
        "Tổng điểm (điểm)",
    ],
    "max_points": ["Điểm tối đa", "Thang điểm", "max_points", "Số điểm tối đa"],
    "rank": ["Xếp hạng", "Thứ hạng", "Xếp thứ", "rank"],
    "level": ["Cấp", "level"],
    "note": ["Ghi chú", "note"],
    "derivation": ["Cách tính", "derivation"],
    "source": ["Nguồn", "source"],
    "ignore": ["STT", "TT", "No.", "Số thứ tự"],
    "grade": ["Xếp loại"],
    "statistic": ["statistic"],
    "value": ["value"],
    "lower": ["lower"],
    "upper": ["upper"],
}


@pytest.mark.parametrize(
    ("expected", "label"), [(r, h) for r, hs in README_HEADERS.items() for h in hs]
)
def test_classify_header_knows_every_documented_alias(expected, label):
    assert role(label).role == expected


def test_classify_header_vocabulary_file_is_consistent():
    path = Path(headers.__file__).parents[1] / "reference" / "headers.csv"
    with path.open(encoding="utf-8") as handle:
        rows = list(csv.DictReader(handle))
    assert set(rows[0]) == {"role", "alias", "index", "scale"}
    assert {r["role"] for r in rows} <= {
        "unit",
        "province",
        "year",
        "index",
        "component",
        "score",
        "max_points",
        "rank",
        "grade",
        "level",
        "unit_type",
        "n_units",
        "scale",
        "note",
        "derivation",
        "source",
        "ignore",
        "statistic",
        "value",
        "lower",
        "upper",
    }
    assert {r["index"] for r in rows} <= {"", "PAR", "SIPAS", "PAPI", "PCI"}
    assert {r["scale"] for r in rows} <= {"", "percent", "points"}
    by_key: dict[str, set] = {}
    for r in rows:  # spellings that share a match key must agree
        by_key.setdefault(match_key(r["alias"]), set()).add((r["role"], r["index"], r["scale"]))
    assert None not in by_key
    assert [k for k, v in by_key.items() if len(v) > 1] == []
    assert len(headers._vocabulary()) == len(by_key)


@pytest.mark.parametrize(
    ("label", "expected"),
    [
        ("Điểm (%)", HeaderRole("score", scale="percent")),
        ("Tổng điểm (điểm)", HeaderRole("score", scale="points")),
        ("Chỉ số (%)", HeaderRole("score", scale="percent")),
        ("Điểm (tối đa 9)", HeaderRole("score", scale="points", max_points=9.0)),
        ("Điểm (9,5đ)", HeaderRole("score", scale="points", max_points=9.5)),
        ("Điểm (2)", HeaderRole("score")),  # a de-duplicated label
        ("Tên đơn vị (Sở, ngành)", HeaderRole("unit")),
        ("2019", HeaderRole("score", year=2019)),
        ("Năm 2020", HeaderRole("score", year=2020)),
        ("2021 (%)", HeaderRole("score", year=2021, scale="percent")),
        ("Điểm 2021", HeaderRole("score", year=2021)),
        ("Xếp hạng năm 2021", HeaderRole("rank", year=2021)),
        ("Xếp hạng SIPAS", HeaderRole("rank", index="SIPAS")),
        ("Chỉ số hài lòng", HeaderRole("score", index="SIPAS")),
        ("Chỉ số SIPAS 2021 (%)", HeaderRole("score", index="SIPAS", year=2021, scale="percent")),
        ("Năm 2021 | Xếp hạng", HeaderRole("rank", year=2021)),
        ("Năm 2021 | Điểm", HeaderRole("score", year=2021)),
        ("Xếp hạng | 2021", HeaderRole("rank", year=2021)),
        ("PAR INDEX | Điểm", HeaderRole("score", index="PAR")),
        ("SIPAS | Xếp hạng", HeaderRole("rank", index="SIPAS")),
        ("D1", HeaderRole("score", index="PAPI", component="participation")),
        ("Chỉ số thành phần | D1", HeaderRole("score", index="PAPI", component="participation")),
        (
            "Participation at local levels",
            HeaderRole("score", index="PAPI", component="participation"),
        ),
        (
            "Cải cách thủ tục hành chính (9 điểm)",
            HeaderRole(
                "score", index="PAR", component="procedures", scale="points", max_points=9.0
            ),
        ),
        (
            "Cải cách TTHC (tối đa 9)",
            HeaderRole(
                "score", index="PAR", component="procedures", scale="points", max_points=9.0
            ),
        ),
        ("Xếp hạng Cải cách TTHC", HeaderRole("rank", index="PAR", component="procedures")),
        ("Chỉ số thành phần", HeaderRole("component")),
        ("Chỉ số thành phần | Ghi chú riêng", None),
        ("Điểm tự đánh giá", None),
        ("Đơn vị tính", HeaderRole("scale")),
        ("", None),
    ],
)
def test_classify_header_hints_brackets_and_two_line_headers(label, expected):
    assert role(label) == expected


def test_classify_header_picks_the_component_of_the_given_index():
    assert role("Tiếp cận dịch vụ", index="SIPAS") == HeaderRole(
        "score", index="SIPAS", component="access"
    )
    with pytest.raises(HeaderError, match="matches components of several indices.*index:"):
        role("Tiếp cận dịch vụ")
    assert role("D1", index="PAR INDEX").component == "participation"  # only PAPI has D1


@pytest.mark.parametrize(
    ("label", "component"),
    [
        ("1.1: Civic Knowledge", "participation.civic_knowledge"),
        (" 1: Participation at Local Levels", "participation"),
        (
            "2.4: Quy hoạch, kế hoạch sử dụng đất; giá bồi thường thu hồi đất",
            "transparency.land_use",
        ),
        ("3.2: Giải đáp khiếu nại, tố cáo, khúc mắc của người dân*", "accountability.appeals"),
        ("Chất lượng không khí", "environment.air"),
    ],
)
def test_classify_header_numbered_papi_sub_dimensions(label, component):
    found = classify_header(label, component_lookup=component_lookup(), index="PAPI")
    assert (found.role, found.index, found.component) == ("score", "PAPI", component)


def test_classify_header_numbering_is_not_taken_from_a_year():
    found = classify_header("2021 Participation", component_lookup=component_lookup(), index="PAPI")
    assert (found.component, found.year) == ("participation", 2021)


@pytest.mark.parametrize(
    "label", ["Điểm/Xếp hạng", "Điểm và xếp hạng", "Điểm, xếp loại", "Xếp hạng/Điểm 2021"]
)
def test_classify_header_that_matches_two_roles_is_an_error(label):
    with pytest.raises(HeaderError, match=r"column '.*': the header matches two roles"):
        role(label)


def test_classify_header_naming_two_indices_is_an_error():
    with pytest.raises(HeaderError, match=r"names two values of index \(PAR and SIPAS\)"):
        role("PAR INDEX và SIPAS")


# ---------------------------------------------------------------- recognize_columns
def test_recognize_columns_adds_file_and_column_to_a_two_role_header():
    table = make_table({"Tên đơn vị": ["Sở A"], "Điểm/Xếp hạng": ["90/1"]})
    with pytest.raises(
        HeaderError,
        match=r"^data/raw/t/t\.csv, row 1, column 'Điểm/Xếp hạng': "
        "the header matches two roles",
    ):
        recognize_columns(table)


def test_recognize_columns_two_columns_with_the_same_role_name_both():
    table = make_table({"Tên đơn vị": ["Sở A"], "Điểm": ["90"], "Tổng điểm": ["91"]})
    with pytest.raises(
        HeaderError,
        match=r"two columns hold the same figure \(score\): 'Điểm' "
        r"and 'Tổng điểm'.*Fix: rename one of them",
    ):
        recognize_columns(table)
    table = make_table({"Tỉnh": ["Bến Tre"], "2021": ["90"], "Năm 2021": ["91"]})
    with pytest.raises(
        HeaderError,
        match=r"same figure \(score, year 2021\): '2021' and "
        "'Năm 2021'",
    ):
        recognize_columns(table)


def test_recognize_columns_needs_a_unit_or_province():
    table = make_table({"Năm": ["2021"], "Điểm": ["90"]})
    with pytest.raises(
        HeaderError,
        match=r"no column is recognised as unit or province; the "
        r"headers are \['Năm', 'Điểm'\].*Recognised headers",
    ):
        recognize_columns(table)


def test_recognize_columns_warns_about_unrecognised_columns():
    table = make_table(
        {"STT": ["1"], "Tên đơn vị": ["Sở A"], "Điểm": ["90"], "Điểm tự đánh giá": ["95"]}
    )
    with pytest.warns(
        UserWarning,
        match=r"column 'Điểm tự đánh giá': the header is not "
        r"recognised, so its 1 value\(s\) \(e.g. '95'\) are left out",
    ):
        roles = recognize_columns(table)
    assert [r.role if r else None for r in roles] == ["ignore", "unit", "score", None]


def test_recognize_columns_repeated_rank_columns_follow_their_score():
    table = make_table(
        {
            "Tên đơn vị": ["Sở A"],
            "PAR INDEX": ["90"],
            "Xếp hạng": ["2"],
            "SIPAS": ["85"],
            "Xếp hạng (2)": ["1"],
        }
    )
    roles = recognize_columns(table)
    assert [(r.role, r.index) for r in roles[1:]] == [
        ("score", "PAR"),
        ("rank", "PAR"),
        ("score", "SIPAS"),
        ("rank", "SIPAS"),
    ]


def test_recognize_columns_for_aggregates():
    table = make_table({"province": ["Bến Tre"], "statistic": ["mean"], "value": ["93,99%"]})
    assert [r.role for r in recognize_columns(table, kind="aggregates")] == [
        "province",
        "statistic",
        "value",
    ]
    with pytest.raises(HeaderError, match="no column is recognised as statistic"):
        recognize_columns(make_table({"province": ["x"], "value": ["1"]}), kind="aggregates")
    with pytest.raises(ValueError, match=r"`kind` must be one of \['scores', 'aggregates'\]"):
        recognize_columns(table, kind="wide")


# ---------------------------------------------------------------- melt_table
def test_melt_table_long_table_keeps_rows_and_columns():
    table = make_table(
        {
            "STT": ["1", "2"],
            "Tỉnh": ["Bến Tre", "Hà Nội"],
            "Năm": ["2021", "2021"],
            "Chỉ số": ["PAR INDEX", "SIPAS"],
            "Điểm (%)": ["91,5", "85,2%"],
            "Xếp hạng": ["1/18", "3"],
            "Ghi chú": [None, "x"],
        },
        rows=[5, 7],
    )
    before = table.frame.copy()
    long = melt(table)
    assert tuple(long.columns) == LONG_RAW_COLUMNS
    assert long["raw_row"].dtype == np.int64
    assert long.drop(columns="raw_row").dtypes.eq(object).all()
    assert long.to_dict("records")[0] == {
        "raw_row": 5,
        "raw_column": "Điểm (%)",
        "unit": None,
        "province": "Bến Tre",
        "year": "2021",
        "level": None,
        "index": "PAR INDEX",
        "component": None,
        "score": "91,5",
        "score_scale": "percent",
        "points": None,
        "max_points": None,
        "rank": "1/18",
        "n_units": None,
        "note": None,
        "derivation": None,
        "source": None,
        "unit_type": None,
    }
    assert long["note"].tolist() == [None, "x"]
    pd.testing.assert_frame_equal(table.frame, before)


def test_melt_table_wide_by_year_one_row_per_year_blank_figures_kept():
    table = make_table(
        {
            "Tên đơn vị": ["Sở A", "Sở B"],
            "2019": ["90", None],
            "Năm 2020": ["91", None],
            "2021 (%)": ["92", None],
        }
    )
    long = melt(table)
    assert long[["raw_row", "unit", "year", "score", "score_scale"]].values.tolist() == [
        [2, "Sở A", "2019", "90", None],
        [2, "Sở A", "2020", "91", None],
        [2, "Sở A", "2021", "92", "percent"],
        [3, "Sở B", "2019", None, None],
        [3, "Sở B", "2020", None, None],
        [3, "Sở B", "2021", None, "percent"],
    ]
    assert long["raw_column"].tolist()[:3] == ["2019", "Năm 2020", "2021 (%)"]


def test_melt_table_row_year_wins_over_the_header_hint():
    table = make_table(
        {"Tên đơn vị": ["Sở A", "Sở B"], "Năm": ["2020", None], "Điểm 2021": ["90", "80"]}
    )
    assert melt(table)["year"].tolist() == ["2020", "2021"]


def test_melt_table_wide_by_component_name_and_code_with_maximum():
    table = make_table(
        {
            "Tên đơn vị": ["Sở A"],
            "Cải cách thủ tục hành chính (9 điểm)": ["8,5"],
            "Chỉ số thành phần | D1": ["2,1"],
            "Tổng điểm": ["90"],
            "Xếp hạng": ["4"],
            "Điểm tối đa": ["100"],
        }
    )
    long = melt(table)
    assert long[
        ["index", "component", "score", "score_scale", "max_points", "rank"]
    ].values.tolist() == [
        ["PAR", "procedures", "8,5", "points", "9", None],
        ["PAPI", "participation", "2,1", None, None, None],
        [None, None, "90", "points", "100", "4"],
    ]


def test_melt_table_two_indices_side_by_side_with_their_ranks():
    table = make_table(
        {
            "Tên đơn vị": ["Sở A", "Sở B"],
            "Chỉ số CCHC": ["90", "88"],
            "SIPAS": ["85%", "87%"],
            "Xếp hạng SIPAS": ["2", "1"],
            "Xếp hạng CCHC": ["1", "2"],
        }
    )
    long = melt(table)
    assert long[["raw_row", "index", "score", "rank", "raw_column"]].values.tolist() == [
        [2, "PAR", "90", "1", "Chỉ số CCHC"],
        [2, "SIPAS", "85%", "2", "SIPAS"],
        [3, "PAR", "88", "2", "Chỉ số CCHC"],
        [3, "SIPAS", "87%", "1", "SIPAS"],
    ]


def test_melt_table_plain_rank_goes_with_the_total_not_a_component():
    table = make_table(
        {"Tỉnh": ["Bến Tre"], "D1": ["5,1"], "D2": ["5,3"], "Tổng": ["44"], "Xếp hạng": ["12"]}
    )
    long = melt(table, index="PAPI")
    assert long[["component", "score", "rank"]].values.tolist() == [
        ["participation", "5,1", None],
        ["transparency", "5,3", None],
        ["total", "44", "12"],
    ]
    twice = make_table({"Tỉnh": ["Bến Tre"], "Tổng điểm": ["44"], "Tổng": ["44"]})
    with pytest.raises(HeaderError, match="same figure"):
        melt(twice)


def test_melt_table_repeated_rank_columns_follow_their_score():
    table = make_table(
        {
            "Tên đơn vị": ["Sở A"],
            "PAR INDEX": ["90"],
            "Xếp hạng": ["2"],
            "SIPAS": ["85"],
            "Xếp hạng (2)": ["1"],
        }
    )
    assert melt(table)[["index", "score", "rank"]].values.tolist() == [
        ["PAR", "90", "2"],
        ["SIPAS", "85", "1"],
    ]


def test_melt_table_rank_without_score_and_ambiguous_rank():
    only_rank = make_table({"Tỉnh": ["Bến Tre"], "Xếp hạng 2021": ["5"]})
    assert melt(only_rank)[["year", "score", "rank", "raw_column"]].values.tolist() == [
        ["2021", None, "5", "Xếp hạng 2021"]
    ]
    table = make_table(
        {"Tỉnh": ["Bến Tre"], "Điểm 2020": ["90"], "Điểm 2021": ["91"], "Xếp hạng": ["5"]}
    )
    with pytest.raises(
        HeaderError,
        match=r"^data/raw/t/t\.csv, row 1, column 'Xếp hạng': the "
        r"rank column could belong to any of.*'Điểm 2020', 'Điểm 2021'.*"
        "Xếp hạng 2021",
    ):
        melt(table)


def test_melt_table_notes_rows_come_out_once_with_their_text():
    table = make_table(
        {
            "STT": ["1", None, "Ghi chú: KĐG = không đánh giá", None],
            "Tên đơn vị": ["Sở A", "Sở B", None, "Nguồn: QĐ 2094"],
            "2020": ["90", None, None, None],
            "2021": ["91", None, None, None],
        }
    )
    long = melt(table)
    assert long[["raw_row", "raw_column", "unit", "year", "note"]].values.tolist() == [
        [2, "2020", "Sở A", "2020", None],
        [2, "2021", "Sở A", "2021", None],
        [3, "2020", "Sở B", "2020", None],
        [3, "2021", "Sở B", "2021", None],
        [4, None, None, None, "Ghi chú: KĐG = không đánh giá"],
        [5, None, "Nguồn: QĐ 2094", None, None],
    ]


def test_melt_table_every_input_row_appears():
    rng = np.random.default_rng(0)
    n = 500

    def cells(p):
        return np.where(rng.random(n) < p, None, rng.integers(0, 99, n).astype(str)).tolist()

    table = make_table(
        {
            "Tên đơn vị": cells(0.2),
            "D1": cells(0.5),
            "Điểm": cells(0.5),
            "Xếp hạng": cells(0.5),
            "Ghi chú": cells(0.7),
        }
    )
    long = melt(table)
    assert set(long["raw_row"]) == set(table.rows)
    assert long["raw_row"].is_monotonic_increasing


def test_melt_table_grade_scale_column_and_default_index():
    table = make_table(
        {
            "Tên đơn vị": ["Sở A", "Sở B"],
            "Điểm": ["90", "80"],
            "Đơn vị tính": ["%", "điểm"],
            "Xếp loại": ["Xuất sắc", None],
            "Ghi chú": ["đạt", None],
        }
    )
    long = melt(table, index="PAR")
    assert long[["score_scale", "note", "index"]].values.tolist() == [
        ["percent", "đạt; Xếp loại: Xuất sắc", "PAR"],
        ["points", None, "PAR"],
    ]


def test_melt_table_from_a_read_xlsx(tmp_path):
    book = openpyxl.Workbook()
    ws = book.active
    ws.append(["KẾT QUẢ SIPAS"])
    ws.append(["TT", "Tên đơn vị", "Năm 2021", None, "Năm 2022", None])
    ws.append([None, None, "Điểm", "Xếp hạng", "Điểm", "Xếp hạng"])
    ws.append([1, "Sở A", 85.5, 2, 86.25, 1])
    ws.append([2, "Sở B", 88, 1, None, None])
    ws.append(["Ghi chú: Sở B không đánh giá năm 2022"])
    for cells in ("A2:A3", "B2:B3", "C2:D2", "E2:F2"):
        ws.merge_cells(cells)
    book.save(tmp_path / "sipas.xlsx")
    table = read_raw(tmp_path / "sipas.xlsx")
    long = melt_table(table, recognize_columns(table), index="SIPAS")
    assert long[["raw_row", "unit", "year", "score", "rank", "index"]].values.tolist() == [
        [4, "Sở A", "2021", "85.5", "2", "SIPAS"],
        [4, "Sở A", "2022", "86.25", "1", "SIPAS"],
        [5, "Sở B", "2021", "88", "1", "SIPAS"],
        [5, "Sở B", "2022", None, None, "SIPAS"],
        [6, None, None, None, None, None],
    ]
    assert long["note"].iloc[-1] == "Ghi chú: Sở B không đánh giá năm 2022"


def test_melt_table_keeps_every_cell_of_a_large_table_in_order():
    # Speed is measured by benchmarks/ (a ratio to the read_csv floor), not here.
    n = 200_000
    table = make_table(
        {
            "Tên đơn vị": ["Sở A", "Sở B"] * (n // 2),
            "2020": ["90"] * n,
            "2021": ["91"] * n,
            "Xếp hạng 2021": [None] * n,
        }
    )
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        roles = recognize_columns(table)
    long = melt_table(table, roles)
    assert len(long) == 2 * n
    assert long["year"].astype(str).value_counts().to_dict() == {"2020": n, "2021": n}
    assert long["raw_row"].is_monotonic_increasing  # rows stay in file order
    assert (long["unit"].iloc[:4] == ["Sở A", "Sở A", "Sở B", "Sở B"]).all()


def test_melt_table_checks_the_roles_length():
    table = make_table({"Tên đơn vị": ["Sở A"]})
    with pytest.raises(ValueError, match="roles has 0 entries but the table has 1 columns"):
        melt_table(table, [])


# ---------------------------------------------------------------- melt_aggregates
def test_melt_aggregates_maps_columns_and_keeps_rows():
    table = make_table(
        {
            "province": ["Bến Tre", None],
            "year": ["2021", "2021"],
            "statistic": ["mean", "count_between"],
            "value": ["93,99%", "10/18"],
            "lower": [None, "90"],
            "upper": [None, "95"],
            "unit": [None, None],
            "Ghi chú": [None, "x"],
        },
        rows=[2, 4],
    )
    long = melt_aggregates(table, recognize_columns(table, kind="aggregates"))
    assert tuple(long.columns) == AGGREGATE_COLUMNS
    assert long.to_dict("records")[1] == {
        "raw_row": 4,
        "province": None,
        "year": "2021",
        "level": None,
        "index": None,
        "component": None,
        "statistic": "count_between",
        "value": "10/18",
        "lower": "90",
        "upper": "95",
        "unit": None,
        "note": "x",
        "source": None,
    }
