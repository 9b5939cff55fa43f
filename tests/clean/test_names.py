from __future__ import annotations

import dataclasses
import unicodedata

import numpy as np
import pandas as pd
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from parlib.clean import provinces
from parlib.clean.indices import match_components, match_indices, match_levels
from parlib.clean.provinces import PROVINCE_COLUMNS, match_provinces, normalize_province
from parlib.clean.units import match_unit_types
from parlib.errors import UnknownNameError

STATUSES = {"ok", "missing", "former", "unknown", "ambiguous"}


@pytest.fixture
def rng() -> np.random.Generator:
    return np.random.default_rng(20250701)


@pytest.fixture
def raw() -> pd.DataFrame:
    return pd.DataFrame({"province": ["Hà Nội", " HA NOI", "TP. Hồ Chí Minh"]})


def codes(values, era="legacy"):
    return match_provinces(pd.Series(values, dtype=object), era=era)["province_code"].tolist()


# ----------------------------------------------------------------------------- normalize_province


def test_normalize_province_maps_variants_without_mutating(raw):
    before = raw.copy()
    out = normalize_province(raw)
    assert out["province_code"].tolist() == ["01", "01", "79"]
    assert out["province_code_2025"].tolist() == ["01", "01", "79"]
    pd.testing.assert_frame_equal(raw, before)


def test_normalize_province_names_the_unknown_value(raw):
    with pytest.raises(UnknownNameError, match="Atlantis.*province_aliases.csv"):
        normalize_province(raw.assign(province="Atlantis"))


def test_normalize_province_refuses_former_provinces(raw):
    with pytest.raises(UnknownNameError, match="'Hà Tây' no longer exists"):
        normalize_province(raw.assign(province=["Hà Nội", "Hà Tây", "Hà Tây"]))


def test_normalize_province_names_the_missing_column(raw):
    with pytest.raises(KeyError, match="'tinh' not found; columns are \\['province'\\]"):
        normalize_province(raw, column="tinh")


# ----------------------------------------------------------------------------- match_provinces

# The spellings listed in shared/reference/README.md.
README_SPELLINGS = {
    "TP. HCM": "79",
    "TP.HCM": "79",
    "Thành phố Hồ Chí Minh": "79",
    "Sài Gòn": "79",
    "BR-VT": "77",
    "Bà Rịa – Vũng Tàu": "77",
    "Vũng Tàu": "77",
    "Thừa Thiên - Huế": "46",
    "TT-Huế": "46",
    "Huế": "46",
    "Bắc Cạn": "06",
    "Bắc Kạn": "06",
    "Đắc Lắc": "66",
    "Đắk Lắk": "66",
    "Daklak": "66",
    "Hoà Bình": "17",
    "Hòa Bình": "17",
    "Khánh Hoà": "56",
    "Thanh Hoá": "38",
    "Ha Noi": "01",
    "Ben Tre": "83",
    "Da Nang": "48",
}


@pytest.mark.parametrize(("spelling", "code"), README_SPELLINGS.items())
def test_readme_spellings_resolve(spelling, code):
    out = match_provinces(pd.Series([spelling]))
    assert out["province_code"].tolist() == [code]
    assert out["status"].tolist() == ["ok"]


@pytest.mark.parametrize(
    "spelling",
    ["Hoà Bình", "Hòa Bình", "HOA BINH", "hoa-binh", " Tỉnh  Hòa Bình ", "Hoa Binh Province"],
)
def test_tone_placement_case_and_prefixes_do_not_matter(spelling):
    assert codes([spelling]) == ["17"]


def test_nfd_input_matches():
    nfd = unicodedata.normalize("NFD", "Thừa Thiên Huế")
    assert nfd != "Thừa Thiên Huế"
    assert codes([nfd, unicodedata.normalize("NFD", "Đắk Lắk")]) == ["46", "66"]


def test_dashes_and_spaces_do_not_matter():
    assert codes(["Bà Rịa\u2014Vũng Tàu", "Bà  Rịa -  Vũng\u00a0Tàu"]) == ["77", "77"]


def test_output_has_one_row_per_input_and_keeps_the_index():
    s = pd.Series(["Hà Nội", None, "Hà Nội"], index=[10, 5, 7])
    out = match_provinces(s)
    assert out.columns.tolist() == PROVINCE_COLUMNS
    assert out.index.tolist() == [10, 5, 7]
    assert out["status"].tolist() == ["ok", "missing", "ok"]


def test_match_provinces_does_not_mutate_input():
    s = pd.Series(["  Bến   Tre", "TP.HCM"])
    before = s.copy()
    match_provinces(s, era="2025")
    pd.testing.assert_series_equal(s, before)


@pytest.mark.parametrize("era", ["legacy", "2025"])
def test_former_province_is_never_matched(era):
    out = match_provinces(pd.Series(["Hà Tây", "Tỉnh Hà Tây", "Hà Sơn Bình"]), era=era)
    assert out["status"].tolist() == ["former"] * 3
    assert out["province_code"].isna().all()
    assert out["province_code_2025"].isna().all()
    assert out["reason"].iloc[0] == (
        "'Hà Tây' no longer exists (merged into Hà Nội in 2008); "
        "record the figure under the province that published it."
    )


def test_unknown_reason_names_the_value_and_the_file():
    out = match_provinces(pd.Series(["Atlantis"]))
    assert out["status"].item() == "unknown"
    assert out["reason"].item() == (
        "Unknown province 'Atlantis'; add a spelling to parlib/reference/province_aliases.csv."
    )


def test_blank_values_are_missing():
    out = match_provinces(pd.Series(["", "  ", None, np.nan], dtype=object))
    assert out["status"].tolist() == ["missing"] * 4


def test_codes_reused_across_eras_are_keyed_by_era():
    legacy = match_provinces(pd.Series(["Bắc Giang", "Bắc Ninh"]), era="legacy")
    assert legacy["province_code"].tolist() == ["24", "27"]
    assert legacy["province_code_2025"].tolist() == ["24", "24"]
    new = match_provinces(pd.Series(["Bắc Ninh", "Bắc Giang"]), era="2025")
    assert new["province_code"].tolist() == ["24", "24"]
    assert new["province"].tolist() == ["Bắc Ninh", "Bắc Ninh"]
    assert new["province_code_legacy"].tolist()[1] == "24"
    assert pd.isna(new["province_code_legacy"].tolist()[0])


def test_2025_names_match_first_in_a_2025_table():
    out = match_provinces(pd.Series(["Huế", "Hồ Chí Minh", "TP.HCM"]), era="2025")
    assert out["province"].tolist() == ["Huế", "Hồ Chí Minh", "Hồ Chí Minh"]
    assert out["province_code_legacy"].tolist()[0] == "46"
    assert out["province_code_legacy"].isna().tolist() == [False, True, True]


def test_legacy_name_in_a_2025_table_maps_through_the_merger():
    out = match_provinces(pd.Series(["Bến Tre"]), era="2025").iloc[0]
    assert (out["province_code"], out["province"]) == ("86", "Vĩnh Long")
    assert (out["province_code_legacy"], out["province_legacy"]) == ("83", "Bến Tre")
    assert out["status"] == "ok"
    assert "Bến Tre" in out["reason"] and "Vĩnh Long" in out["reason"]


def test_hue_in_a_legacy_table_is_thua_thien_hue():
    out = match_provinces(pd.Series(["Huế"]), era="legacy").iloc[0]
    assert (out["province_code"], out["province"], out["province_2025"]) == (
        "46",
        "Thừa Thiên Huế",
        "Huế",
    )


def test_ambiguous_spelling_is_not_guessed():
    t = provinces.province_tables()
    legacy = dict(t.keys["legacy"], **{"ha": frozenset({"01", "35"})})
    fake = dataclasses.replace(t, keys={**t.keys, "legacy": legacy})
    out = provinces.resolve_province("Hà", "legacy", fake)
    assert out[:6] == (None,) * 6
    assert out[6] == "ambiguous"
    assert "01 Hà Nội or 35 Hà Nam" in out[7]


def test_match_provinces_rejects_unknown_era():
    with pytest.raises(ValueError, match="'2030' was passed"):
        match_provinces(pd.Series(["Hà Nội"]), era="2030")


@settings(max_examples=200, deadline=None)
@given(
    values=st.lists(st.one_of(st.text(), st.none(), st.integers(), st.floats()), max_size=20),
    era=st.sampled_from(["legacy", "2025"]),
)
def test_match_provinces_never_raises_and_returns_one_row_per_input(values, era):
    s = pd.Series(values, dtype=object)
    out = match_provinces(s, era=era)
    assert len(out) == len(values)
    assert out.index.equals(s.index)
    assert set(out["status"]) <= STATUSES
    assert (out["province_code"].notna() == (out["status"] == "ok")).all()


def test_a_million_rows_resolve_as_their_distinct_values_do(rng):
    # Each distinct spelling is resolved once; speed is measured by benchmarks/, not here.
    pool = np.array(
        ["Hà Nội", "TP.HCM", "Bến Tre", "Hà Tây", None] + [f"X{i}" for i in range(300)],
        dtype=object,
    )
    s = pd.Series(rng.choice(pool, 1_000_000))
    out = match_provinces(s, era="2025")
    assert len(out) == 1_000_000 and out.index.equals(s.index)
    one = match_provinces(pd.Series(pool), era="2025").assign(value=pool).drop_duplicates("value")
    expected = s.map(dict(zip(one["value"], one["province_code"], strict=True)))
    assert out["province_code"].equals(expected.astype(out["province_code"].dtype))


# ----------------------------------------------------------------------------- match_unit_types


@pytest.mark.parametrize(
    ("spelling", "key"),
    [
        ("Sở Công thương", "cong_thuong"),
        ("SCT", "cong_thuong"),
        ("Sở CT", "cong_thuong"),
        ("Sở KH&ĐT", "ke_hoach_dau_tu"),
        ("Sở KHĐT", "ke_hoach_dau_tu"),
        ("Sở TN&MT", "tai_nguyen_moi_truong"),
        ("Sở TNMT", "tai_nguyen_moi_truong"),
        ("Sở LĐ-TB&XH", "lao_dong_tbxh"),
        ("Sở LĐTBXH", "lao_dong_tbxh"),
        ("Sở Lao động Thương binh và xã hội", "lao_dong_tbxh"),
        ("VP UBND tỉnh", "van_phong_ubnd"),
        ("Văn phòng Ủy ban nhân dân tỉnh", "van_phong_ubnd"),
        ("BQL các KCN", "bql_khu_cong_nghiep"),
        ("Ban quản lý các Khu công nghiệp", "bql_khu_cong_nghiep"),
        ("Sở TT&TT", "thong_tin_truyen_thong"),
        ("Sở GTVT", "giao_thong_van_tai"),
        ("Sở NN&PTNT", "nong_nghiep_ptnt"),
        ("Sở VHTT&DL", "van_hoa_the_thao_du_lich"),
        ("Sở KH&CN", "khoa_hoc_cong_nghe"),
        ("Sở GD&ĐT", "giao_duc_dao_tao"),
        ("Sở Nông nghiệp và Môi trường", "nong_nghiep_moi_truong"),
    ],
)
def test_department_abbreviations_and_spellings(spelling, key):
    out = match_unit_types(pd.Series([spelling]), level="department")
    assert out["unit_type"].tolist() == [key]
    assert out["status"].tolist() == ["ok"]


@pytest.mark.parametrize(
    "spelling",
    [
        "Sở Công thương tỉnh Bến Tre",
        "Sở Công Thương Thái Nguyên",
        "Sở Công Thương thành phố Hồ Chí Minh",
        "Sở Công Thương TP.HCM",
        "SCT tỉnh Bến Tre",
    ],
)
def test_department_with_province_suffix(spelling):
    out = match_unit_types(pd.Series([spelling]), level="sở, ban, ngành")
    assert out[["unit", "unit_type"]].to_numpy().tolist() == [["Sở Công Thương", "cong_thuong"]]


def test_province_names_help_strip_unusual_province_spellings():
    out = match_unit_types(
        pd.Series(["Sở Y tế tỉnh Bến Tre (mới)"]),
        level="department",
        province_names=pd.Series(["Bến Tre (mới)"]),
    )
    assert out["unit_type"].tolist() == ["y_te"]


def test_unknown_department_keeps_its_text_and_an_empty_type():
    out = match_unit_types(pd.Series(["  Sở   Kỳ Lạ "]), level="department")
    assert out["unit"].tolist() == ["Sở Kỳ Lạ"]
    assert out["unit_type"].isna().all()
    assert out["status"].tolist() == ["unknown"]


@pytest.mark.parametrize(
    ("spelling", "unit", "key"),
    [
        ("UBND huyện Bình Đại", "Huyện Bình Đại", "huyen"),
        ("Ủy ban nhân dân HUYỆN Châu Thành", "Huyện Châu Thành", "huyen"),
        ("Thành phố Bến Tre", "Thành phố Bến Tre", "thanh_pho"),
        ("TP. Bến Tre", "Thành phố Bến Tre", "thanh_pho"),
        ("thị xã Kiến Tường", "Thị xã Kiến Tường", "thi_xa"),
        ("TX.Sa Đéc", "Thị xã Sa Đéc", "thi_xa"),
        ("Quận 1", "Quận 1", "quan"),
        ("Huyện Bình Đại, tỉnh Bến Tre", "Huyện Bình Đại", "huyen"),
        ("UBND TP Phan Rang-Tháp Chàm", "Thành phố Phan Rang-Tháp Chàm", "thanh_pho"),
    ],
)
def test_district_names_are_parsed(spelling, unit, key):
    out = match_unit_types(pd.Series([spelling]), level="cấp huyện")
    assert out[["unit", "unit_type", "status"]].to_numpy().tolist() == [[unit, key, "ok"]]


def test_district_place_name_keeps_its_diacritics_as_nfc():
    nfd = unicodedata.normalize("NFD", "UBND huyện Bình Đại")
    out = match_unit_types(pd.Series([nfd]), level="district")
    assert out["unit"].item() == "Huyện Bình Đại"
    assert unicodedata.is_normalized("NFC", out["unit"].item())


def test_district_without_type_word_is_unknown():
    out = match_unit_types(pd.Series(["Bình Đại"]), level="district")
    assert out["status"].item() == "unknown"
    assert out["unit_type"].isna().all()


def test_level_per_row_and_missing_values():
    values = pd.Series(["SCT", "UBND huyện Bình Đại", None, "Phường 1"], index=list("abcd"))
    level = pd.Series(["sở", "huyện", "sở", None], index=list("abcd"))
    before = values.copy()
    out = match_unit_types(values, level=level)
    assert out.index.tolist() == list("abcd")
    assert out["unit_type"].tolist()[:2] == ["cong_thuong", "huyen"]
    assert out["status"].tolist() == ["ok", "ok", "missing", "ok"]
    assert out["unit_type"].tolist()[3] == "phuong"
    pd.testing.assert_series_equal(values, before)


def test_match_unit_types_names_bad_arguments():
    with pytest.raises(ValueError, match="'galaxy' was passed"):
        match_unit_types(pd.Series(["SCT"]), level="galaxy")
    with pytest.raises(ValueError, match="`level` has 2 rows but `values` has 1"):
        match_unit_types(pd.Series(["SCT"]), level=pd.Series(["sở", "sở"]))


# ----------------------------------------------------------------------------- indices etc.


def test_match_indices():
    s = pd.Series(
        [
            "PAR INDEX",
            "PAR Index",
            "Chỉ số CCHC",
            "Chỉ số cải cách hành chính",
            "CCHC",
            "SIPAS",
            "Chỉ số hài lòng",
            "Chỉ số hài lòng về sự phục vụ hành chính",
            "Chỉ số hài lòng của người dân, tổ chức",
            "PAPI",
            "Chỉ số hiệu quả quản trị và hành chính công cấp tỉnh",
            "PCI",
            "Chỉ số năng lực cạnh tranh cấp tỉnh",
            "Chỉ số lạ",
            None,
        ]
    )
    expected = ["PAR"] * 5 + ["SIPAS"] * 4 + ["PAPI"] * 2 + ["PCI"] * 2
    assert match_indices(s).tolist()[:13] == expected
    assert match_indices(s).isna().tolist()[13:] == [True, True]


def test_match_levels():
    s = pd.Series(
        [
            "tỉnh",
            "cấp tỉnh",
            "sở, ban, ngành",
            "sở",
            "cấp sở",
            "huyện",
            "cấp huyện",
            "UBND cấp huyện",
            "xã",
            "cấp xã",
            "District",
            "nowhere",
        ]
    )
    assert match_levels(s).tolist()[:11] == (
        ["province"] * 2 + ["department"] * 3 + ["district"] * 3 + ["commune"] * 2 + ["district"]
    )
    assert pd.isna(match_levels(s).tolist()[11])


def test_match_components_totals_and_blanks():
    s = pd.Series(["Tổng", "Tổng điểm", "Chỉ số tổng hợp", "total", "", None])
    assert match_components(s, index="PAR").tolist() == ["total"] * 6


def test_match_components_par_department_level_names():
    s = pd.Series(
        [
            "Công tác chỉ đạo, điều hành CCHC",
            "Xây dựng và tổ chức thực hiện văn bản QPPL",
            "Cải cách thủ tục hành chính",
            "Cải cách tổ chức bộ máy hành chính nhà nước",
            "Cải cách chế độ công vụ",
            "Cải cách tài chính công",
            "Xây dựng và phát triển Chính quyền điện tử, chính quyền số",
        ]
    )
    assert match_components(s, index="PAR INDEX").tolist() == [
        "direction",
        "institutions",
        "procedures",
        "apparatus",
        "civil_service",
        "public_finance",
        "e_government",
    ]


def test_match_components_papi_codes_and_enumerators():
    s = pd.Series(
        ["D1", "d8", "D4. Kiểm soát tham nhũng trong khu vực công", "II. Công khai, minh bạch"]
    )
    assert match_components(s, index="PAPI").tolist() == [
        "participation",
        "e_governance",
        "corruption_control",
        "transparency",
    ]


def test_match_components_papi_sub_dimensions_in_english_and_vietnamese():
    s = pd.Series(
        [
            "1.1: Civic Knowledge",
            "1.1. Tri thức công dân",
            "Quality of Elections",
            "Quality of Village Head Elections",
            "2.1: Tiếp cận thông tin*",
            "Land Tittle Procedures",
            "8.3 Phúc đáp của chính quyền qua cổng thông tin điện tử",
            "Participation at Local Levels",
        ]
    )
    assert match_components(s, index="PAPI").tolist() == [
        "participation.civic_knowledge",
        "participation.civic_knowledge",
        "participation.elections",
        "participation.elections",
        "transparency.information",
        "procedures.land_titles",
        "e_governance.e_responsiveness",
        "participation",
    ]


def test_match_components_maps_a_name_whatever_the_year_it_is_used_in():
    # Years in component_names.csv document a name's use; matching does not depend on them,
    # as for the PAR area names before 2022 ("Hiện đại hóa hành chính" stays e_government).
    s = pd.Series(["Community Investment Boards", "Hiện đại hóa hành chính"])
    assert match_components(s, index=pd.Series(["PAPI", "PAR"])).tolist() == [
        "accountability.investment_boards",
        "e_government",
    ]


def test_match_components_uses_the_row_index_and_never_guesses():
    s = pd.Series(["E-government", "E-government", "E-government", "Tên lạ"])
    idx = pd.Series(["PAR", "PAPI", None, "PAR"])
    out = match_components(s, index=idx)
    assert out.tolist()[:2] == ["e_government", "e_governance"]
    assert out.isna().tolist()[2:] == [True, True]


def test_match_components_rejects_unknown_index():
    with pytest.raises(ValueError, match="'XYZ' was passed"):
        match_components(pd.Series(["Tổng"]), index="XYZ")


def test_each_matcher_gives_the_same_answers_as_categoricals():
    # The cleaning pipeline asks for Categoricals; researchers get string columns.
    provinces = pd.Series(["TP. HCM", "Hà Tây", None, "Bến Tre", "TP. HCM"])
    eras = pd.Series(["legacy", "legacy", "legacy", "2025", "2025"])
    units = pd.Series(["Sở Công thương tỉnh Bến Tre", "SCT", None, "UBND huyện Bình Đại", "?"])
    levels = pd.Series(["sở", "sở", "sở", "district", "sở"])
    calls = [
        lambda **kw: match_provinces(provinces, era=eras, **kw),
        lambda **kw: match_unit_types(units, level=levels, **kw),
        lambda **kw: match_indices(pd.Series(["Chỉ số CCHC", "sipas", None, "?"]), **kw),
        lambda **kw: match_levels(pd.Series(["Cấp tỉnh", "UBND cấp huyện", None]), **kw),
        lambda **kw: match_components(pd.Series(["D4", None, "?"]), index="PAPI", **kw),
    ]
    for call in calls:
        plain, cats = call(), call(categorical=True)
        plain, cats = (x.to_frame() if isinstance(x, pd.Series) else x for x in (plain, cats))
        assert all(isinstance(cats[c].dtype, pd.CategoricalDtype) for c in cats)
        assert all(not isinstance(plain[c].dtype, pd.CategoricalDtype) for c in plain)
        pd.testing.assert_frame_equal(
            cats.astype(object).where(cats.notna(), None),
            plain.astype(object).where(plain.notna(), None),
        )
    out = match_provinces(provinces, era=eras)
    assert out["province"].iloc[0] == "Hồ Chí Minh" and out["status"].tolist() == [
        "ok",
        "former",
        "missing",
        "ok",
        "ok",
    ]
    assert out["province_code"].tolist()[3:] == ["86", "79"]  # Bến Tre is in Vĩnh Long in 2025
