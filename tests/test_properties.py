"""Property tests and fuzzing: parsers never crash, and cleaning never loses a row.

Each parser gets random cells (valid values in every published style, markers, junk,
decomposed text, numbers, blanks) and must return one answer per cell without raising.
The whole clean step gets random tables (headers from the recognised vocabulary plus
junk, random cells) written as CSV and XLSX: it may refuse a table only with one of
parlib's own errors (a ParlibError subclass), and when it cleans, every non-blank row
is in the scores or in the quarantine.

Example counts are modest so the suite stays fast; ``deadline=None`` because the first
call of a parser loads reference tables.
"""

from __future__ import annotations

import csv
import functools
import io
import math
import string
import unicodedata
import warnings
from pathlib import Path

import numpy as np
import openpyxl
import pandas as pd
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from parlib import reference
from parlib.clean import values
from parlib.clean.defaults import fill_defaults
from parlib.clean.provinces import match_provinces
from parlib.clean.quarantine import QUARANTINE_COLUMNS
from parlib.clean.rows import SCORE_COLUMNS, clean_scores
from parlib.clean.units import match_unit_types
from parlib.clean.validate import validate_scores
from parlib.errors import HeaderError, ParlibError
from parlib.ingest.headers import classify_header
from parlib.pipeline import clean_dataset
from parlib.text import match_key

FAST = settings(
    max_examples=100,
    deadline=None,
    suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large],
)
SLOW = settings(
    max_examples=40,
    deadline=None,
    suppress_health_check=[
        HealthCheck.too_slow,
        HealthCheck.data_too_large,
        HealthCheck.function_scoped_fixture,
    ],
)

# ----------------------------------------------------------------------------- cells
VIET = "ăâđêôơưàáảãạằắẳẵặầấẩẫậèéẻẽẹềếểễệìíỉĩịòóỏõọồốổỗộờớởỡợùúủũụừứửữựỳýỷỹỵĐĂÂÊÔƠƯ"
ALPHABET = string.ascii_letters + string.digits + " .,;:%/=#()-+*'\"\t" + VIET + "—–−\u00a0"
BLANKS = st.sampled_from(["", " ", "  ", "\u00a0"])
JUNK = st.text(alphabet=ALPHABET, max_size=20)
MARKERS = st.sampled_from(
    ["KĐG", "Không đánh giá", "chưa đánh giá", "-", "—", "x", "N/A", "#N/A", "#DIV/0!", "kxh"]
)
SUMMARIES = st.sampled_from(
    [
        "Tổng cộng",
        "Trung bình",
        "Cao nhất",
        "Ghi chú: số liệu tạm tính",
        "Nguồn: Quyết định 2094/QĐ-UBND",
        "* Đơn vị mới thành lập",
    ]
)
UNITS = st.sampled_from(
    [
        "Sở Nội vụ",
        "Sở Y tế",
        "Sở Tư pháp",
        "SCT tỉnh Bến Tre",
        "Sở Công thương tỉnh Bến Tre",
        "Văn phòng UBND tỉnh",
        "UBND huyện Ba Tri",
        "Sở Kỳ Lạ",
        "Ban Quản lý các khu công nghiệp",
        "Sở GD&ĐT",
    ]
)


def nfd(strategy):
    return strategy.map(lambda s: unicodedata.normalize("NFD", s))


@st.composite
def numbers(draw) -> str:
    """A figure as published: 98,56 / 98.56 / 1.234,5 / 81,33% / 90,9 điểm / 40,62/80 / ..."""
    value = draw(st.floats(min_value=-50, max_value=1500, allow_nan=False))
    text = f"{value:.{draw(st.integers(0, 3))}f}"
    if draw(st.booleans()):
        text = text.replace(".", ",")
    form = draw(
        st.sampled_from(
            ["{}", "{}%", "{} điểm", "{}đ", "{}/100", "{} điểm = {}%", "{} ({}%)", "{}/{}"]
        )
    )
    return form.format(text, text)


SCORE_CELLS = st.one_of(
    numbers(),
    MARKERS,
    BLANKS,
    JUNK,
    nfd(MARKERS),
    st.floats(allow_nan=True, allow_infinity=True),
    st.integers(-5, 10**6),
)
RANK_CELLS = st.one_of(
    st.integers(-2, 70).map(str),
    st.builds("{:02d}/{}".format, st.integers(0, 70), st.integers(0, 70)),
    st.sampled_from(["3=", "đồng hạng 2", "Hạng 1", "xếp thứ 3/17 sở", "Nhì", "1/0", "2,5"]),
    MARKERS,
    BLANKS,
    JUNK,
    st.integers(-3, 100),
    st.floats(allow_nan=True),
)
YEAR_CELLS = st.one_of(
    st.integers(1980, 2100).map(str),
    st.integers(1980, 2100).map("Năm {}".format),
    st.sampled_from(["2021-2022", "21", "năm 2020 (%)"]),
    BLANKS,
    JUNK,
    st.floats(allow_nan=True),
    st.integers(-10, 10**5),
)
ANY_CELLS = st.one_of(SCORE_CELLS, RANK_CELLS, YEAR_CELLS, st.none(), st.booleans())


def column(cells) -> st.SearchStrategy[pd.Series]:
    return st.lists(cells, max_size=12).map(lambda xs: pd.Series(xs, dtype=object))


# ----------------------------------------------------------------------------- parsers
@FAST
@given(column(ANY_CELLS))
def test_parse_scores_answers_every_cell_once_and_never_raises(cells):
    before = cells.copy()
    out = values.parse_scores(cells)
    pd.testing.assert_series_equal(cells, before)  # the input is not modified
    assert out.index.equals(cells.index)
    assert list(out.columns) == ["number", "percent", "points", "max_points", "marker", "error"]
    has_value = out[["number", "percent", "points"]].notna().any(axis=1)
    # A cell is a value, a marker, an error or blank: never two of those.
    assert not (has_value & out["error"].notna()).any()
    assert not (has_value & out["marker"].notna()).any()
    assert not (out["marker"].notna() & out["error"].notna()).any()
    numbers_ = values.parse_numbers(cells)
    assert numbers_.index.equals(cells.index)
    assert (numbers_.notna() == has_value).all()


@FAST
@given(
    st.floats(min_value=0, max_value=999.99, allow_nan=False),
    st.integers(0, 4),
    st.booleans(),
    st.sampled_from(["", "%", " điểm"]),
)
def test_parse_scores_reads_back_every_published_style(value, decimals, comma, unit):
    text = f"{value:.{decimals}f}"
    text = text.replace(".", ",") if comma else text
    out = values.parse_score(text + unit)
    column_ = {"": "number", "%": "percent", " điểm": "points"}[unit]
    assert out["error"] is None
    assert out[column_] == pytest.approx(float(f"{value:.{decimals}f}"))


@FAST
@given(column(ANY_CELLS))
def test_parse_ranks_gives_positive_whole_ranks_or_a_reason(cells):
    out = values.parse_ranks(cells)
    assert out.index.equals(cells.index)
    ranks = out["rank"].dropna()
    assert (ranks >= 1).all()
    assert out.loc[out["rank"].notna(), "error"].isna().all()
    n_units = out["n_units"].dropna()
    assert (n_units >= 1).all()


@FAST
@given(st.integers(1, 999), st.integers(1, 999), st.booleans())
def test_parse_ranks_reads_padded_ranks_of_n(rank, n, padded):
    text = f"{rank:02d}/{n}" if padded else f"{rank}/{n}"
    out = values.parse_ranks(pd.Series([text]))
    assert (out["rank"][0], out["n_units"][0]) == (rank, n)


@FAST
@given(column(ANY_CELLS))
def test_parse_years_gives_four_digit_years_or_a_reason(cells):
    out = values.parse_years(cells)
    assert out.index.equals(cells.index)
    years = out["year"].dropna()
    assert ((years >= 1000) & (years <= 9999)).all()
    assert (out["year"].isna() | out["error"].isna()).all()


@FAST
@given(st.integers(1000, 9999), st.sampled_from(["{}", "Năm {}", "năm {}", "{} (%)", "year {}"]))
def test_parse_years_reads_year_spellings(year, form):
    assert values.parse_years(pd.Series([form.format(year)]))["year"][0] == year


TEXT = st.one_of(st.none(), JUNK, nfd(JUNK), st.text(max_size=25))


@FAST
@given(TEXT)
def test_match_key_is_idempotent_ascii_and_ignores_case_and_normal_form(text):
    key = match_key(text)
    assert key is None or (
        key == match_key(key) and set(key) <= set(string.ascii_lowercase + string.digits + " ")
    )
    if isinstance(text, str):
        assert match_key(unicodedata.normalize("NFD", text)) == key


@FAST
@given(st.one_of(JUNK, UNITS, nfd(UNITS)))
def test_match_key_ignores_case_spacing_and_tone_marks(text):
    key = match_key(text)
    assert match_key(text.upper()) == match_key(text.lower()) == key
    assert match_key(f"  {text}\u00a0 ") == key
    plain = "".join(c for c in unicodedata.normalize("NFD", text) if not unicodedata.combining(c))
    assert match_key(plain) == key


PROVINCES = reference.provinces("legacy")


@FAST
@given(st.lists(TEXT, max_size=8), st.sampled_from(["legacy", "2025"]))
def test_match_provinces_answers_every_name(texts, era):
    out = match_provinces(pd.Series(texts, dtype=object), era=era)
    assert len(out) == len(texts)
    assert set(out["status"]) <= {"ok", "missing", "former", "unknown", "ambiguous"}
    ok = out["status"] == "ok"
    assert out.loc[ok, "province_code_2025"].notna().all()
    assert out.loc[~ok, "reason"].notna().all()


@FAST
@given(
    st.sampled_from(list(PROVINCES["name"])),
    st.sampled_from(["{}", "Tỉnh {}", "TP. {}", "  {}  ", "{} province"]),
    st.sampled_from(["NFC", "NFD"]),
    st.sampled_from([str.upper, str.lower, str]),
)
def test_official_province_names_resolve_however_written(name, form, norm, case):
    text = case(unicodedata.normalize(norm, form.format(name)))
    out = match_provinces(pd.Series([text]))
    assert out["status"][0] == "ok"
    assert out["province"][0] == name


@FAST
@given(
    st.lists(st.one_of(TEXT, UNITS, nfd(UNITS)), max_size=8),
    st.sampled_from(["department", "district", "commune", "province"]),
)
def test_match_unit_types_answers_every_unit(texts, level):
    series = pd.Series(texts, dtype=object)
    out = match_unit_types(series, level=level)
    assert out.index.equals(series.index)
    assert set(out["status"]) <= {"ok", "unknown", "missing"}
    assert (out["status"] == "missing").sum() == sum(match_key(t) is None for t in texts)


VOCABULARY = [
    "Tên đơn vị",
    "Đơn vị",
    "Cơ quan",
    "Tỉnh",
    "Huyện",
    "Năm",
    "Năm 2021",
    "2020",
    "Điểm",
    "Tổng điểm",
    "Điểm (%)",
    "Xếp hạng",
    "Thứ hạng",
    "PAR INDEX",
    "SIPAS",
    "Chỉ số CCHC",
    "Xếp hạng SIPAS",
    "Điểm tối đa",
    "Ghi chú",
    "STT",
    "Cấp",
    "D1",
    "Cải cách TTHC (9 điểm)",
    "Chỉ số",
    "Kết quả (%)",
    "Tỷ lệ",
]
WORDS = [*VOCABULARY, "/", "và", "|", "(", ")", "2021", "%"]
HEADERS = st.one_of(
    st.sampled_from(VOCABULARY), JUNK, st.lists(st.sampled_from(WORDS), max_size=5).map(" ".join)
)


@FAST
@given(HEADERS)
def test_classify_header_returns_a_role_none_or_a_header_error(label):
    try:
        role = classify_header(label)
    except HeaderError as err:
        assert err.column and err.fix
        return
    if role is not None:
        assert role.role
        assert classify_header(unicodedata.normalize("NFD", label).upper()) == role


# ----------------------------------------------------------------------------- clean_scores
LONG_KEYS = ["unit", "province", "year", "level", "index", "score", "rank", "max_points"]
LONG = st.fixed_dictionaries(
    {
        "unit": st.one_of(UNITS, nfd(UNITS), SUMMARIES, BLANKS, JUNK, st.none()),
        "province": st.one_of(
            st.none(),
            st.sampled_from(["Bến Tre", "Hà Tây", "TP. HCM", "Atlantis", "Thừa Thiên - Huế"]),
        ),
        "year": st.one_of(st.none(), YEAR_CELLS),
        "level": st.one_of(
            st.none(), st.sampled_from(["department", "district", "province", "Cấp sở", "?"])
        ),
        "index": st.one_of(st.none(), st.sampled_from(["PAR", "SIPAS", "PAPI", "Chỉ số lạ"])),
        "score": SCORE_CELLS.map(lambda v: v if isinstance(v, str) or v is None else str(v)),
        "rank": RANK_CELLS.map(lambda v: v if isinstance(v, str) or v is None else str(v)),
        "max_points": st.one_of(st.none(), st.sampled_from(["100", "80", "0", "abc", "9,5"])),
    }
)


@FAST
@given(st.lists(LONG, max_size=15))
def test_clean_and_validate_put_every_row_somewhere(rows):
    long = pd.DataFrame(rows, columns=LONG_KEYS, dtype=object)
    long.insert(0, "raw_row", np.arange(2, len(long) + 2))
    long = fill_defaults(long, index="PAR", year=2021, province="Bến Tre", level="department")
    clean, bad = clean_scores(long, raw_file="t.csv", source_id="s")
    assert list(clean.columns) == SCORE_COLUMNS and list(bad.columns) == QUARANTINE_COLUMNS
    assert set(clean["raw_row"]) | set(bad["raw_row"]) == set(long["raw_row"])
    valid, invalid = validate_scores(clean, last_year=2025)
    assert set(valid["raw_row"]) | set(invalid["raw_row"]) == set(clean["raw_row"])
    assert bad["reason"].notna().all() and invalid["reason"].notna().all()


# ----------------------------------------------------------------------------- whole tables
DATASET_YAML = """\
title: Fuzz
kind: compiled
license: CC-BY-4.0
sources: [{{id: s1, title: Báo cáo, publisher: UBND tỉnh Bến Tre, date: 2022-09-20}}]
files: [{{path: {path}, source: s1, index: PAR, year: 2021, province: Bến Tre,
         level: department}}]
"""
MEASURES = [
    ["Điểm"],
    ["Điểm", "Xếp hạng"],
    ["Chỉ số CCHC", "Xếp hạng"],
    ["Năm 2020", "Năm 2021"],
    ["PAR INDEX", "Xếp hạng", "SIPAS", "Xếp hạng"],
    ["Tổng điểm", "Điểm tối đa"],
    ["Điểm (%)"],
    ["Kết quả"],
]
EXTRAS = ["STT", "Ghi chú", "Năm", "Mã số", "Loại hình", "Tỉnh"]
CELL_FOR = {
    "Xếp hạng": RANK_CELLS,
    "Năm": YEAR_CELLS,
    "STT": st.integers(1, 99).map(str),
    "Tỉnh": st.one_of(st.sampled_from(["Bến Tre", "Hà Tây", "Atlantis"]), BLANKS),
}


def _is_blank(value: object) -> bool:
    if value is None or (isinstance(value, float) and math.isnan(value)):
        return True
    return isinstance(value, str) and not value.replace("\u00a0", " ").strip()


@st.composite
def tables(draw):
    unit = draw(st.sampled_from(["Tên đơn vị", "Đơn vị", "Cơ quan, đơn vị", "Sở, ban, ngành"]))
    measures = draw(st.sampled_from(MEASURES))
    extras = draw(st.lists(st.sampled_from(EXTRAS), unique=True, max_size=3))
    header = [unit, *measures, *extras]
    header = draw(st.permutations(header))
    if draw(st.booleans()):
        header = [unicodedata.normalize("NFD", h) for h in header]
    words = st.one_of(UNITS, nfd(UNITS), SUMMARIES, BLANKS, JUNK)
    cells = []
    for h in header:
        plain = unicodedata.normalize("NFC", h)
        cells.append(
            words
            if plain in (unit, "Ghi chú", "Mã số", "Loại hình")
            else CELL_FOR.get(plain, SCORE_CELLS)
        )
    body = draw(st.lists(st.tuples(*cells), max_size=10))
    titles = draw(
        st.lists(
            st.sampled_from(
                [
                    "UBND TỈNH BẾN TRE",
                    "KẾT QUẢ CHỈ SỐ CCHC NĂM 2021",
                    "(Kèm theo Quyết định số 2094/QĐ-UBND)",
                ]
            ),
            max_size=2,
        )
    )
    return titles, header, [list(row) for row in body]


def _text(value: object) -> str:
    if value is None:
        return ""
    return value if isinstance(value, str) else repr(value)


def write_csv(path: Path, titles, header, body, delimiter: str, encoding: str) -> list[int]:
    """Write the table; return the line each non-blank body row starts on."""
    buffer = io.StringIO()
    writer = csv.writer(buffer, delimiter=delimiter, lineterminator="\n")
    for title in titles:
        writer.writerow([title] + [""] * (len(header) - 1))
    writer.writerow(header)
    line, starts = len(titles) + 2, []
    for row in body:
        texts = [_text(v) for v in row]
        writer.writerow(texts)
        if not all(_is_blank(t) for t in texts):
            starts.append(line)
        line += 1 + sum(t.count("\n") + t.count("\r") for t in texts)
    data = buffer.getvalue()
    if encoding == "cp1258":
        try:
            path.write_bytes(_corpus().cp1258(data))
            return starts
        except UnicodeEncodeError:  # a character Windows-1258 lacks (U+2212): write UTF-8
            encoding = "utf-8"
    path.write_bytes(data.encode(encoding))
    return starts


@functools.cache
def _corpus():
    """The broken-input corpus generator, for its Windows-1258 encoder."""
    import importlib.util

    path = Path(__file__).parent / "data" / "bad" / "make_cases.py"
    spec = importlib.util.spec_from_file_location("make_cases", path)
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def write_xlsx(path: Path, titles, header, body) -> list[int]:
    """Write the table as a workbook; return the rows of the non-blank body rows."""
    book = openpyxl.Workbook()
    ws = book.active
    for r, title in enumerate(titles, start=1):
        ws.cell(r, 1, title)
    top = len(titles) + 1
    for c, h in enumerate(header, start=1):
        ws.cell(top, c, h)
    rows = []
    for i, row in enumerate(body):
        r = top + 1 + i
        for c, value in enumerate(row, start=1):
            if isinstance(value, float) and not math.isfinite(value):
                value = repr(value)
            if value is not None and not (isinstance(value, str) and value == ""):
                ws.cell(r, c, value)
        if not all(_is_blank(v) for v in row):
            rows.append(r)
    book.save(path)
    return rows


def check_clean(folder: Path, name: str, expected_rows: list[int]) -> None:
    try:
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")
            result = clean_dataset(folder)
    except ParlibError as err:
        # Only parlib's specific errors; a bare ParlibError is the "rows were lost" bug.
        assert type(err) is not ParlibError, str(err)
        assert "Fix:" in str(err)
        return
    placed = set(zip(result.scores["raw_file"], result.scores["raw_row"].astype(int))) | set(
        zip(result.quarantine["raw_file"], result.quarantine["raw_row"].astype(int))
    )
    assert placed == {(name, r) for r in expected_rows}


@SLOW
@given(
    tables(), st.sampled_from([",", ";", "\t"]), st.sampled_from(["utf-8", "utf-8-sig", "cp1258"])
)
def test_random_csv_tables_clean_or_fail_clearly_and_keep_every_row(
    tmp_path_factory, table, delimiter, encoding
):
    titles, header, body = table
    folder = tmp_path_factory.mktemp("fuzz") / "fuzz"
    folder.mkdir()
    expected = write_csv(folder / "t.csv", titles, header, body, delimiter, encoding)
    (folder / "dataset.yaml").write_text(DATASET_YAML.format(path="t.csv"), encoding="utf-8")
    check_clean(folder, "t.csv", expected)


@SLOW
@given(tables())
def test_random_xlsx_tables_clean_or_fail_clearly_and_keep_every_row(tmp_path_factory, table):
    titles, header, body = table
    folder = tmp_path_factory.mktemp("fuzz") / "fuzz"
    folder.mkdir()
    expected = write_xlsx(folder / "t.xlsx", titles, header, body)
    (folder / "dataset.yaml").write_text(DATASET_YAML.format(path="t.xlsx"), encoding="utf-8")
    check_clean(folder, "t.xlsx", expected)
