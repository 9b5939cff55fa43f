from __future__ import annotations

from types import SimpleNamespace

import pandas as pd
import pytest

from parlib import reference as ref
from parlib.reference import definitions, tables
from parlib.text import match_key

LOADERS = [
    ref.provinces,
    ref.province_merger,
    ref.province_aliases,
    ref.former_provinces,
    ref.unit_types,
    ref.unit_type_aliases,
    ref.department_mergers,
    ref.indices,
    ref.index_aliases,
    ref.components,
    ref.levels,
]


@pytest.mark.parametrize("loader", LOADERS, ids=lambda f: f.__name__)
def test_every_file_loads_and_is_not_empty(loader):
    assert len(loader()) > 0


@pytest.mark.parametrize(
    ("loader", "columns"),
    [
        (ref.province_aliases, ["alias", "era"]),
        (ref.unit_type_aliases, ["alias"]),
        (ref.index_aliases, ["alias"]),
        (ref.levels, ["alias"]),
        (ref.former_provinces, ["name"]),
    ],
)
def test_alias_keys_are_unique_under_match_key(loader, columns):
    df = loader()
    keys = df[columns].assign(**{columns[0]: df[columns[0]].map(match_key)})
    assert not keys.duplicated().any()


def test_provinces_have_63_legacy_and_34_new_rows():
    assert len(ref.provinces("legacy")) == 63
    assert len(ref.provinces("2025")) == 34
    both = ref.provinces(None)
    assert len(both) == 97
    assert both["code"].str.fullmatch(r"\d{2}").all()
    assert not both.duplicated(["era", "code"]).any()


def test_codes_are_keyed_by_era():
    p = ref.provinces(None).set_index(["era", "code"])["name"]
    assert p[("legacy", "24")] == "Bắc Giang"
    assert p[("2025", "24")] == "Bắc Ninh"
    assert p[("legacy", "27")] == "Bắc Ninh"
    assert p[("2025", "46")] == "Huế"


def test_every_legacy_province_maps_to_a_2025_province():
    m = ref.province_merger()
    legacy = set(ref.provinces("legacy")["code"])
    new = set(ref.provinces("2025")["code"])
    assert set(m["legacy_code"]) == legacy
    assert set(m["code_2025"]) == new
    assert len(m) == 63


def test_regions_cover_six_regions_in_each_era():
    for era in ref.ERAS:
        assert set(ref.provinces(era)["region"]) == set(ref.REGIONS)


def test_validity_dates_follow_the_2025_reform():
    legacy, new = ref.provinces("legacy"), ref.provinces("2025")
    assert (legacy["valid_to"] == "2025-06-30").all()
    assert (new["valid_from"] == "2025-07-01").all()


def test_provinces_rejects_unknown_era():
    with pytest.raises(ValueError, match="must be one of .* but '2030' was passed"):
        ref.provinces("2030")


def test_loaders_return_copies():
    df = ref.provinces()
    df.loc[0, "name"] = "Atlantis"
    assert ref.provinces().loc[0, "name"] != "Atlantis"
    lookup = ref.component_lookup()
    lookup["tong"].append(("X", "y"))
    assert ("X", "y") not in ref.component_lookup()["tong"]


def test_former_provinces_include_ha_tay_and_never_clash_with_current_names():
    f = ref.former_provinces()
    assert "Hà Tây" in set(f["name"])
    current = set(ref.provinces(None)["name"].map(match_key))
    assert not set(f["name"].map(match_key)) & current


def test_unit_types_cover_pre_and_post_2025_departments():
    keys = set(ref.unit_types()["key"])
    for key in [
        "van_phong_ubnd",
        "noi_vu",
        "tu_phap",
        "ke_hoach_dau_tu",
        "tai_chinh",
        "cong_thuong",
        "nong_nghiep_ptnt",
        "giao_thong_van_tai",
        "xay_dung",
        "tai_nguyen_moi_truong",
        "thong_tin_truyen_thong",
        "lao_dong_tbxh",
        "van_hoa_the_thao_du_lich",
        "khoa_hoc_cong_nghe",
        "giao_duc_dao_tao",
        "y_te",
        "ngoai_vu",
        "thanh_tra",
        "ban_dan_toc",
        "nong_nghiep_moi_truong",
        "dan_toc_ton_giao",
        "huyen",
        "thi_xa",
        "thanh_pho",
        "quan",
    ]:
        assert key in keys


def test_department_mergers_point_at_known_unit_types():
    m = ref.department_mergers().set_index("old_key")["new_key"]
    assert m["ke_hoach_dau_tu"] == "tai_chinh"
    assert m["giao_thong_van_tai"] == "xay_dung"
    assert m["tai_nguyen_moi_truong"] == "nong_nghiep_moi_truong"
    assert m["thong_tin_truyen_thong"] == "khoa_hoc_cong_nghe"
    assert m["lao_dong_tbxh"] == "noi_vu"
    assert m["ban_dan_toc"] == "dan_toc_ton_giao"
    assert set(m) <= set(ref.unit_types()["key"])


def test_components_follow_the_published_structure():
    keys = ref.components().groupby("index")["key"].apply(list)
    assert keys["PAR"] == [
        "total",
        "direction",
        "institutions",
        "procedures",
        "apparatus",
        "civil_service",
        "public_finance",
        "e_government",
        "impact",
    ]
    assert keys["SIPAS"] == [
        "total",
        "access",
        "procedures",
        "civil_servants",
        "results",
        "feedback",
        "policy",
    ]
    papi = ref.components("PAPI")
    assert papi.loc[papi["parent"].isna(), "key"].tolist()[1:] == [
        "participation",
        "transparency",
        "accountability",
        "corruption_control",
        "procedures",
        "service_delivery",
        "environment",
        "e_governance",
    ]
    assert ref.components("PAPI")["code"].dropna().tolist() == [f"D{i}" for i in range(1, 9)]


def test_papi_sub_dimensions_sit_under_their_dimension():
    papi = ref.components("PAPI")
    subs = papi.dropna(subset=["parent"])
    assert subs["parent"].value_counts().to_dict() == {
        "accountability": 6,
        "participation": 4,
        "transparency": 4,
        "corruption_control": 4,
        "procedures": 4,
        "service_delivery": 4,
        "environment": 3,
        "e_governance": 3,
    }
    assert all(k.startswith(f"{p}.") for k, p in zip(subs["key"], subs["parent"]))
    assert subs["code"].isna().all()  # "2.1" meant Poverty Lists before 2018: no stable code


def test_papi_sub_dimension_names_carry_their_years():
    names = ref.component_names("PAPI").set_index("name")

    def years(name: str) -> tuple[int, int | None]:
        last = names.loc[name, "to_year"]
        return int(names.loc[name, "from_year"]), None if pd.isna(last) else int(last)

    assert years("Quality of Elections") == (2011, 2017)
    assert years("Quality of Village Head Elections") == (2018, None)
    assert years("Community Investment Boards") == (2011, 2015)
    assert years("Access to Information") == (2018, None)
    assert years("Construction Permits") == (2011, 2019)
    assert names.loc["Responsive to Citizen Actions", "key"] == "accountability.responsiveness"
    assert names.loc["Governments Responsive to Citizen Appeals", "key"] == "accountability.appeals"


def test_sipas_policy_making_component_starts_in_2022():
    names = ref.component_names("SIPAS")
    policy = names.loc[names["key"] == "policy"]
    assert set(policy["from_year"]) == {2022} and policy["to_year"].isna().all()
    assert ref.component_lookup()[match_key("Xây dựng, tổ chức thực hiện chính sách")] == [
        ("SIPAS", "policy")
    ]


def test_components_rejects_unknown_index():
    with pytest.raises(ValueError, match="'XYZ' was passed"):
        ref.components("XYZ")


def test_component_lookup_lists_every_index_a_name_fits():
    lookup = ref.component_lookup()
    assert lookup["d1"] == [("PAPI", "participation")]
    assert ("PAR", "procedures") in lookup[match_key("Cải cách thủ tục hành chính")]
    assert {k for _, k in lookup["tong diem"]} == {"total"}


@pytest.mark.parametrize(
    ("index", "year", "component", "expected"),
    [
        ("PAPI", 2017, "total", 60.0),
        ("PAPI", 2018, "total", 80.0),
        ("PAPI", 2012, "participation", 10.0),
        ("PAR", None, "total", 100.0),
        ("PAR", 2023, "procedures", 100.0),
        ("SIPAS", 2023, "total", 100.0),
        ("PCI", 2020, "total", 100.0),
    ],
)
def test_index_scale(index, year, component, expected):
    assert ref.index_scale(index, year=year, component=component) == expected


def test_index_scale_names_the_problem():
    with pytest.raises(ValueError, match="'XYZ' was passed"):
        ref.index_scale("XYZ", year=2020)
    with pytest.raises(ValueError, match="depends on the year"):
        ref.index_scale("PAPI", year=None)


@pytest.mark.parametrize(
    ("year", "component", "expected"),
    [
        (2018, "e_governance.internet", 5.0),  # one of two in 2018 (0.5-5.0 points)
        (2019, "e_governance.internet", 10 / 3),  # E-Responsiveness added in 2019
        (2016, "transparency.poverty_lists", 10 / 3),  # three before Access to Information
        (2018, "transparency.poverty_lists", 2.5),
        (2019, "procedures.commune", 2.5),
        (2022, "procedures.commune", 10 / 3),  # construction permits last listed 2019
        (2016, "accountability.inspection_boards", 10 / 3),
    ],
)
def test_sub_dimension_scale_is_an_equal_share_of_the_dimension(year, component, expected):
    assert ref.index_scale("PAPI", year=year, component=component) == pytest.approx(expected)


def test_sub_dimension_scale_needs_a_year_it_was_used_in():
    with pytest.raises(ValueError, match=r"'transparency.information'.*year=2015"):
        ref.index_scale("PAPI", year=2015, component="transparency.information")
    with pytest.raises(ValueError, match="year=None"):
        ref.index_scale("PAPI", year=None, component="participation.civic_knowledge")


@pytest.fixture
def fake_components(tmp_path, monkeypatch):
    """components.csv and component_names.csv written by the test, beside the real indices.csv."""
    real = tables.resources.files("parlib.reference")
    (tmp_path / "indices.csv").write_text(
        real.joinpath("indices.csv").read_text("utf-8"), encoding="utf-8"
    )
    (tmp_path / "component_names.csv").write_text(
        "index,key,name,from_year,to_year,methodology\n", encoding="utf-8"
    )
    monkeypatch.setattr(tables, "resources", SimpleNamespace(files=lambda package: tmp_path))
    caches = (
        tables.read_table,
        definitions._indices,
        definitions._components,
        definitions._component_names,
    )
    for cache in caches:
        cache.cache_clear()
    yield tmp_path
    for cache in caches:
        cache.cache_clear()


_HEADER = "index,key,code,order,name_vi,name_en,aliases,parent\n"


@pytest.mark.parametrize(
    ("rows", "message"),
    [
        (
            (
                "PAPI,participation,D1,1,Tham gia,Participation,,\n"
                "PAPI,participation.civic_knowledge,,11,Tri thức công dân,Civic Knowledge,,\n"
            ),
            r"row 3, column 'parent'.*dotted key.*Fix: set parent to 'participation'",
        ),
        (
            (
                "PAPI,participation,D1,1,Tham gia,Participation,,\n"
                "PAPI,civic_knowledge,,11,Tri thức công dân,Civic Knowledge,,participation\n"
            ),
            r"row 3, column 'key'.*start with its parent's key",
        ),
        (
            "PAPI,participation.civic_knowledge,,11,Tri thức công dân,Civic Knowledge,,participation\n",
            r"row 2, column 'parent'.*not a top-level component of PAPI",
        ),
    ],
)
def test_components_file_rejects_a_sub_component_without_its_parent(fake_components, rows, message):
    (fake_components / "components.csv").write_text(_HEADER + rows, encoding="utf-8")
    with pytest.raises(ref.ReferenceDataError, match=message):
        ref.components()


@pytest.fixture
def fake_folder(tmp_path, monkeypatch):
    monkeypatch.setattr(tables, "resources", SimpleNamespace(files=lambda package: tmp_path))
    tables.read_table.cache_clear()
    yield tmp_path
    tables.read_table.cache_clear()


def test_validation_names_file_row_and_value(fake_folder):
    (fake_folder / "province_aliases.csv").write_text(
        "alias,era,code\nTP.HCM,legacy,79\nTP. HCM,legacy,79\n", encoding="utf-8"
    )
    with pytest.raises(
        ref.ReferenceDataError, match=r"province_aliases\.csv, row 3, column 'alias': duplicate"
    ):
        tables.read_table("province_aliases.csv")


def test_validation_rejects_unknown_era(fake_folder):
    (fake_folder / "province_aliases.csv").write_text(
        "alias,era,code\nSài Gòn,2030,79\n", encoding="utf-8"
    )
    with pytest.raises(ref.ReferenceDataError, match=r"row 2, column 'era'.*'2030'"):
        tables.read_table("province_aliases.csv")


def test_validation_rejects_non_nfc_text(fake_folder):
    (fake_folder / "levels.csv").write_text(
        "alias,level\nhuye\u0302\u0323n,district\n", encoding="utf-8"
    )
    with pytest.raises(ref.ReferenceDataError, match="not Unicode NFC"):
        tables.read_table("levels.csv")


def test_reference_frames_use_pandas_string_dtype():
    p = ref.provinces()
    assert pd.api.types.is_string_dtype(p["code"])
    assert p["note"].isna().sum() > 0
