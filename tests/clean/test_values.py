from __future__ import annotations

import math
import unicodedata

import numpy as np
import pandas as pd
import pytest
from hypothesis import example, given, settings
from hypothesis import strategies as st

from parlib.clean.values import (
    detect_decimal_styles,
    parse_numbers,
    parse_ranks,
    parse_score,
    parse_scores,
    parse_years,
)

SCORE_COLUMNS = ["number", "percent", "points", "max_points", "marker", "error"]


def nfd(text: str) -> str:
    return unicodedata.normalize("NFD", text)


def parsed(**expected: float) -> dict:
    """The parse_score dict of a readable value with the given float columns."""
    return {
        "number": None,
        "percent": None,
        "points": None,
        "max_points": None,
        "marker": None,
        "error": None,
    } | expected


# -- parse_scores ---------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("value", "number"),
    [
        ("98,56", 98.56),
        ("98.56", 98.56),
        ("91.651", 91.651),
        ("91,651", 91.651),
        ("1.234,5", 1234.5),
        ("1,234.5", 1234.5),
        ("1,234,567.5", 1234567.5),
        ("100", 100.0),
        ("007", 7.0),
        (98.56, 98.56),
        (100, 100.0),
        (np.float64(7.5), 7.5),
        (np.int64(3), 3.0),
        ("+1,76", 1.76),
        ("\u22123,2", -3.2),
        ("-3,2", -3.2),
        ("9,5 ", 9.5),
        ("\xa098,56\xa0", 98.56),
        ("\u200b98,56", 98.56),
    ],
)
def test_parse_scores_reads_bare_numbers(value, number):
    assert parse_score(value) == parsed(number=number)


@pytest.mark.parametrize("value", ["98,56%", "98,56 %", "98,56\xa0%", " 98.56% ", "+98,56%"])
def test_parse_scores_reads_percents(value):
    assert parse_score(value) == parsed(percent=98.56)


@pytest.mark.parametrize(
    "value",
    [
        "90,9 điểm",
        "90,9điểm",
        "90,9đ",
        "90,9 đ",
        "90,9 Điểm",
        "90,9 ĐIỂM",
        "90.9 diem",
        nfd("90,9 điểm"),
        nfd("90,9 ĐIỂM"),
        "90,9\xa0điểm",
    ],
)
def test_parse_scores_reads_points_in_any_case_and_normal_form(value):
    assert parse_score(value) == parsed(points=90.9)


@pytest.mark.parametrize(
    ("value", "expected"),
    [
        ("40,62/80", parsed(points=40.62, max_points=80.0)),
        ("40,62 / 80", parsed(points=40.62, max_points=80.0)),
        ("68,32/84 điểm", parsed(points=68.32, max_points=84.0)),
        ("68,32 điểm = 81,33%", parsed(points=68.32, percent=81.33)),
        ("68,32 điểm (81,33%)", parsed(points=68.32, percent=81.33)),
        ("68,32 (81,33%)", parsed(points=68.32, percent=81.33)),
        ("68,32(81,33%)", parsed(points=68.32, percent=81.33)),
        ("81,33% (68,32 điểm)", parsed(points=68.32, percent=81.33)),
        ("81,33% (68,32)", parsed(points=68.32, percent=81.33)),
        ("81,33% = 68,32đ", parsed(points=68.32, percent=81.33)),
        ("68,32/84 điểm (81,33%)", parsed(points=68.32, max_points=84.0, percent=81.33)),
        (nfd("68,32 điểm = 81,33%"), parsed(points=68.32, percent=81.33)),
    ],
)
def test_parse_scores_reads_points_over_maximum_and_combined_forms(value, expected):
    assert parse_score(value) == expected


@pytest.mark.parametrize(
    "value",
    [
        "-",
        "–",
        "—",
        "--",
        "x",
        "X",
        "N/A",
        "n/a",
        "NA",
        "KĐG",
        "Không đánh giá",
        "không đánh giá",
        "chưa đánh giá",
        "Chưa đánh giá",
        "không xếp hạng",
        "KXH",
        "kđg",
        "KCDL",
        "Không có dữ liệu",
        "no data",
    ],
)
def test_parse_scores_keeps_missing_markers_as_written(value):
    assert parse_score(value) == parsed(marker=value)


def test_parse_scores_cleans_markers_to_nfc():
    assert parse_score(nfd(" Không\xa0 đánh giá "))["marker"] == "Không đánh giá"


@pytest.mark.parametrize("value", ["", "   ", "\xa0", None, np.nan, pd.NA, float("nan")])
def test_parse_scores_blank_is_missing_without_marker(value):
    assert parse_score(value) == parsed()


@pytest.mark.parametrize(
    ("value", "message"),
    [
        ("abc", "'abc' is not a number"),
        ("98,56,1", "'98,56,1' has more than one decimal mark"),
        ("1.234,5,6", "'1.234,5,6' has more than one decimal mark"),
        ("1.234.5", "'1.234.5' mixes separators ambiguously"),
        ("1.234.567", "'1.234.567' mixes separators ambiguously"),
        ("1.23,5", "'1.23,5' mixes separators ambiguously"),
        ("1e3", "'1e3' is not a number"),
        ("1.5E+2", "'1.5E+2' is not a number"),
        ("inf", "'inf' is not a number"),
        ("nan", "'nan' is not a number"),
        ("98,", "'98,' is not a number"),
        (",5", "',5' is not a number"),
        ("40/80%", "'40/80%' is not a number"),
        ("95,5 (tạm tính)", "'95,5 (tạm tính)' is not a number"),
        ("90 (95)", "'90 (95)' has two values that are not points and a percent"),
        ("80% (81%)", "'80% (81%)' has two values that are not points and a percent"),
        ("\u0663", "'\u0663' is not a number"),
        (float("inf"), "inf is not a finite number"),
        (True, "'True' is not a number"),
        ("9" * 400, "is too large to be a number"),
    ],
)
def test_parse_scores_names_the_bad_value(value, message):
    out = parse_scores(pd.Series([value], dtype=object))
    assert message in out.at[0, "error"]
    assert out.loc[0, ["number", "percent", "points", "max_points"]].isna().all()
    assert out.at[0, "marker"] is None


def test_parse_scores_cuts_long_values_in_errors():
    error = parse_score("a" * 500)["error"]
    assert error.startswith("'aaa") and "…'" in error and len(error) < 100


def test_parse_scores_returns_typed_columns_indexed_like_input_without_mutating():
    values = pd.Series(
        ["98,56", None, "KĐG", "abc", 81.5, "98,56"],
        index=[10, 3, 3, 7, 1, 2],
        dtype=object,
        name="Điểm",
    )
    before = values.copy()
    out = parse_scores(values)
    pd.testing.assert_series_equal(values, before)
    assert out.index.equals(values.index)
    assert list(out.columns) == SCORE_COLUMNS
    assert out.dtypes.astype(str).tolist() == ["float64"] * 4 + ["object"] * 2
    assert out["number"].tolist()[:1] + out["number"].tolist()[4:] == [98.56, 81.5, 98.56]
    assert out["marker"].tolist() == [None, None, "KĐG", None, None, None]


@pytest.mark.parametrize("dtype", ["str", object, "string"])
def test_parse_scores_accepts_string_dtypes(dtype):
    out = parse_scores(pd.Series(["98,56", None, "81,33%"], dtype=dtype))
    assert out["number"].tolist()[0] == 98.56 and out["percent"].tolist()[2] == 81.33
    assert out.loc[1].drop(["marker", "error"]).isna().all() and out.at[1, "error"] is None


def test_parse_scores_reads_excel_float_columns():
    out = parse_scores(pd.Series([98.56, np.nan, 100.0]))
    assert out["number"].tolist()[::2] == [98.56, 100.0]
    assert out["error"].isna().all() and out["marker"].isna().all()


@pytest.mark.parametrize("values", [[1, True, 0, np.False_, "1"], [True, 1, False, 0, 1.0]])
def test_parse_scores_tells_booleans_from_one_and_zero(values):
    out = parse_scores(pd.Series(values, dtype=object))
    numbers = [None if pd.isna(v) else v for v in out["number"]]
    assert numbers == [None if isinstance(v, (bool, np.bool_)) else float(v) for v in values]
    assert out["error"].notna().tolist() == [isinstance(v, (bool, np.bool_)) for v in values]


def test_parse_scores_of_empty_series():
    out = parse_scores(pd.Series([], dtype=object))
    assert out.empty and list(out.columns) == SCORE_COLUMNS


def test_parse_scores_accepts_a_list():
    assert parse_scores(["98,56", "-"])["marker"].tolist() == [None, "-"]


# -- parse_numbers, detect_decimal_styles ----------------------------------------------------


def test_parse_numbers_takes_number_then_percent_then_points():
    values = pd.Series(
        ["98,56", "81,33%", "90,9đ", "68,32 (81,33%)", "-", "abc", None],
        index=list("abcdefg"),
        name="Điểm",
    )
    out = parse_numbers(values)
    assert out.name == "Điểm" and out.index.equals(values.index) and out.dtype == "float64"
    np.testing.assert_array_equal(out, [98.56, 81.33, 90.9, 81.33, np.nan, np.nan, np.nan])


@pytest.mark.parametrize(
    ("values", "styles"),
    [
        (["98,56", "97,1", "100"], {"comma"}),
        (["98.56", "91.651", "100%"], {"point"}),
        (["98,56", "97.1"], {"comma", "point"}),
        (["1.234,5"], {"comma"}),
        (["1,234.5"], {"point"}),
        (["100", "90%", "-", "abc", "98,56,1", None, 98.56], set()),
        (["68,32 (81.33%)"], {"comma", "point"}),
    ],
)
def test_detect_decimal_styles(values, styles):
    assert detect_decimal_styles(pd.Series(values, dtype=object)) == styles


# -- parse_ranks ----------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("value", "rank", "n_units", "tied"),
    [
        ("1", 1, None, False),
        ("01", 1, None, False),
        (1.0, 1, None, False),
        (3, 3, None, False),
        ("1.0", 1, None, False),
        ("01/18", 1, 18, False),
        ("1/18", 1, 18, False),
        ("1 / 18", 1, 18, False),
        ("Hạng 1", 1, None, False),
        ("Thứ 1", 1, None, False),
        ("xếp thứ 3/17", 3, 17, False),
        ("Xếp hạng 3/17", 3, 17, False),
        ("3/17 sở", 3, 17, False),
        ("3/17 sở, ngành", 3, 17, False),
        ("Nhất", 1, None, False),
        ("Nhì", 2, None, False),
        ("Ba", 3, None, False),
        ("hạng nhì", 2, None, False),
        ("19/18", 19, 18, False),
        ("3=", 3, None, True),
        ("3 =", 3, None, True),
        ("đồng hạng 3", 3, None, True),
        ("Đồng hạng 3/18", 3, 18, True),
        ("3 (đồng hạng)", 3, None, True),
        (nfd("Hạng 1"), 1, None, False),
        ("\xa001/18 ", 1, 18, False),
    ],
)
def test_parse_ranks_reads_published_forms(value, rank, n_units, tied):
    row = parse_ranks(pd.Series([value], dtype=object)).iloc[0]
    assert row["rank"] == rank and row["tied"] == tied
    assert (row["n_units"] is pd.NA) if n_units is None else row["n_units"] == n_units
    assert row["marker"] is None and row["error"] is None


@pytest.mark.parametrize(
    ("value", "message"),
    [
        ("2.5", "'2.5' is not a rank: a rank must be a positive whole number"),
        ("0", "'0' is not a rank: a rank must be a positive whole number"),
        ("-1", "'-1' is not a rank: a rank must be a positive whole number"),
        ("0/18", "'0/18' is not a rank: a rank must be a positive whole number"),
        (2.5, "2.5 is not a rank: a rank must be a positive whole number"),
        (0.0, "0.0 is not a rank: a rank must be a positive whole number"),
        ("abc", "'abc' is not a rank"),
        ("1/18/2", "'1/18/2' is not a rank"),
        ("1/0", "'1/0' ranks among 0 units"),
    ],
)
def test_parse_ranks_names_the_bad_value(value, message):
    row = parse_ranks(pd.Series([value], dtype=object)).iloc[0]
    assert row["error"] == message
    assert row[["rank", "n_units", "tied"]].isna().all()


@pytest.mark.parametrize("value", ["KXH", "không xếp hạng", "-", "x", "N/A"])
def test_parse_ranks_keeps_missing_markers(value):
    row = parse_ranks(pd.Series([value])).iloc[0]
    assert row["marker"] == value and row["error"] is None and pd.isna(row["rank"])


def test_parse_ranks_returns_typed_columns_indexed_like_input_without_mutating():
    values = pd.Series(["01/18", None, "", "3=", "abc"], index=[5, 6, 7, 8, 9], name="Xếp hạng")
    before = values.copy()
    out = parse_ranks(values)
    pd.testing.assert_series_equal(values, before)
    assert out.index.equals(values.index)
    assert out.dtypes.astype(str).tolist() == ["Int64", "Int64", "boolean", "object", "object"]
    assert out["rank"].tolist() == [1, pd.NA, pd.NA, 3, pd.NA]
    assert out["tied"].tolist() == [False, pd.NA, pd.NA, True, pd.NA]
    assert out["error"].tolist() == [None, None, None, None, "'abc' is not a rank"]


# -- parse_years ----------------------------------------------------------------------------


@pytest.mark.parametrize(
    "value",
    [
        "2021",
        2021.0,
        2021,
        "Năm 2021",
        "năm 2021",
        "NĂM 2021",
        "2021 (%)",
        " 2021\xa0",
        "2021.0",
        nfd("Năm 2021"),
    ],
)
def test_parse_years_reads_published_forms(value):
    row = parse_years(pd.Series([value], dtype=object)).iloc[0]
    assert row["year"] == 2021 and row["error"] is None


@pytest.mark.parametrize(
    ("value", "message"),
    [
        ("21", "'21' is not a four-digit year"),
        ("2.021", "'2.021' is not a four-digit year"),
        ("-", "'-' is not a four-digit year"),
        (2021.5, "2021.5 is not a four-digit year"),
        (21.0, "21.0 is not a four-digit year"),
        ("2021-2022", "'2021-2022' is a range of years, not one year"),
        ("2021 – 2022", "'2021 – 2022' is a range of years, not one year"),
        ("Năm 2021/22", "'Năm 2021/22' is a range of years, not one year"),
    ],
)
def test_parse_years_names_the_bad_value(value, message):
    row = parse_years(pd.Series([value], dtype=object)).iloc[0]
    assert row["error"] == message and pd.isna(row["year"])


def test_parse_years_keeps_index_and_blank_is_missing():
    values = pd.Series(["2021", None, "  "], index=["a", "b", "c"])
    out = parse_years(values)
    assert out.index.equals(values.index)
    assert out["year"].dtype == "Int64" and out["year"].tolist() == [2021, pd.NA, pd.NA]
    assert out["error"].isna().all()


# -- properties -----------------------------------------------------------------------------


@given(
    cents=st.integers(-(10**11), 10**11),
    comma=st.booleans(),
    unit=st.sampled_from(["", "%", " %", " điểm", "điểm", "đ", nfd(" điểm")]),
)
def test_two_decimal_numbers_round_trip(cents, comma, unit):
    x = cents / 100
    text = f"{x:.2f}"
    text = (text.replace(".", ",") if comma else text) + unit
    row = parse_score(text)
    column = {"": "number", "%": "percent"}.get(unit.strip(), "points")
    assert row["error"] is None
    assert math.isclose(row[column], x, rel_tol=0, abs_tol=1e-9)


@given(
    st.lists(
        st.one_of(st.text(), st.none(), st.floats(), st.integers(-(10**30), 10**30)), max_size=20
    )
)
def test_parsers_never_raise_and_keep_one_row_per_input(values):
    series = pd.Series(values, dtype=object)
    for parse in (parse_scores, parse_ranks, parse_years):
        out = parse(series)
        assert out.index.equals(series.index)
        assert len(out) == len(series)
    assert len(parse_numbers(series)) == len(series)
    assert detect_decimal_styles(series) <= {"comma", "point"}


@given(st.text())
def test_parse_score_of_any_text_reads_it_marks_it_or_says_why(text):
    row = parse_score(text)
    outcomes = [
        any(row[k] is not None for k in ["number", "percent", "points"]),
        row["marker"] is not None,
        row["error"] is not None,
    ]
    cleaned = unicodedata.normalize("NFC", text).translate({0x200B: None, 0xFEFF: None, 0xAD: None})
    assert sum(outcomes) == (0 if cleaned.isspace() or not cleaned else 1)


@given(rank=st.integers(1, 99), n_units=st.integers(1, 999))
def test_rank_strings_round_trip(rank, n_units):
    row = parse_ranks(pd.Series([f"{rank:02d}/{n_units}"])).iloc[0]
    assert (row["rank"], row["n_units"], row["tied"]) == (rank, n_units, False)


@pytest.mark.parametrize(
    ("value", "message"),
    [
        ("#N/A", "'#N/A' is an Excel error"),
        ("#DIV/0!", "'#DIV/0!' is an Excel error"),
        ("#ref!", "'#ref!' is an Excel error"),
        ("#NAME?", "'#NAME?' is an Excel error"),
        ("=C3+D3", "'=C3+D3' is a formula whose result was not saved"),
    ],
)
def test_excel_errors_and_unsaved_formulas_are_errors_not_missing_markers(value, message):
    score, rank = parse_score(value), parse_ranks(pd.Series([value]))
    assert score["marker"] is None and score["error"].startswith(message)
    assert rank["marker"][0] is None and rank["error"][0].startswith(message)
    assert parse_score("N/A")["marker"] == "N/A"  # typed N/A is still a missing marker


_DIGITS = st.text("0123456789", min_size=1, max_size=15)


@settings(max_examples=400, deadline=None)
@given(_DIGITS, st.sampled_from(["", ",", "."]), _DIGITS, st.sampled_from(["", "%", " điểm"]))
def test_plain_scores_go_to_the_column_their_unit_names_with_their_decimal_style(
    whole, mark, frac, unit
):
    value = f"{whole}{mark}{frac if mark else ''}{unit}"
    column = {"": "number", "%": "percent", " điểm": "points"}[unit]
    parsed = parse_score(value)
    assert parsed == {**dict.fromkeys(parsed), column: float(f"{whole}.{frac}" if mark else whole)}
    styles = {"": set(), ",": {"comma"}, ".": {"point"}}[mark]
    assert detect_decimal_styles(pd.Series([value])) == styles


_INVISIBLE = dict.fromkeys(map(ord, "\u200b\ufeff\u00ad"))  # marks Excel cells carry unseen


@settings(max_examples=300, deadline=None)
@given(st.one_of(st.text(max_size=12), st.integers(), st.floats()))
@example("\u200b")  # a zero-width space alone is a blank cell (found by CI, stop 13)
@example("\ufeff \u00ad")
def test_any_cell_is_read_or_explained_never_raises(value):
    parsed = parse_score(value)
    read = [k for k in ("number", "percent", "points", "marker") if parsed[k] is not None]
    blank = pd.isna(value) or (isinstance(value, str) and not value.translate(_INVISIBLE).strip())
    if blank:
        assert parsed == dict.fromkeys(parsed)  # missing, with no marker and no error
    else:
        assert bool(read) != (parsed["error"] is not None)


def test_each_parser_gives_the_same_answers_with_categorical_text():
    cells = pd.Series(["98,56", "KĐG", "abc", None, "01/18", "Năm 2021"])
    for parse, text in (
        (parse_scores, ["marker", "error"]),
        (parse_ranks, ["marker", "error"]),
        (parse_years, ["error"]),
    ):
        plain, cats = parse(cells), parse(cells, categorical=True)
        assert [c for c in cats if isinstance(cats[c].dtype, pd.CategoricalDtype)] == text
        assert list(cats) == list(plain)
        for c in cats:  # the same cells; a missing one is NaN in a Categorical, None in objects
            assert cats[c].astype(object).where(cats[c].notna(), None).tolist() == (
                plain[c].astype(object).where(plain[c].notna(), None).tolist()
            ), c
