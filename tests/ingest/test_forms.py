"""Real published table forms clean without hints (tests/data/forms/): PAPI data files, points
beside percent, component names by era, and nothing dropped without a line in the report."""

from __future__ import annotations

import shutil
from pathlib import Path

import pandas as pd
import pytest

from parlib.cli import main
from parlib.pipeline import clean_dataset

FORMS = Path(__file__).parents[1] / "data" / "forms"
FILES = {  # file -> dataset.yaml defaults; no header_row anywhere
    "papi-english.csv": {"index": "PAPI", "year": 2023, "level": "province", "derive_total": True},
    "papi-codes.csv": {"index": "PAPI", "year": 2012, "level": "province", "derive_total": True},
    "papi-abbreviations.csv": {"index": "PAPI", "year": 2019, "level": "province"},
    "par-unit-only-text.csv": {
        "index": "PAR",
        "year": 2023,
        "level": "department",
        "province": "Bến Tre",
    },
    "par-points-percent.csv": {
        "index": "PAR",
        "year": 2021,
        "level": "department",
        "province": "Thừa Thiên Huế",
    },
    "par-points-percent-max.csv": {
        "index": "PAR",
        "year": 2021,
        "level": "department",
        "province": "Đồng Tháp",
    },
    "par-areas-2020.csv": {
        "index": "PAR",
        "year": 2020,
        "level": "department",
        "province": "Thừa Thiên Huế",
    },
    "dropped-column.csv": {
        "index": "PAR",
        "year": 2021,
        "level": "department",
        "province": "Bến Tre",
    },
    # PAPI's own sub-dimension tables (rows of three provinces; see tests/data/forms/README.md)
    "papi-subdimensions-2019-en.csv": {
        "index": "PAPI",
        "year": 2019,
        "level": "province",
        "derive_total": True,
    },
    "papi-subdimensions-2018-vi.csv": {
        "index": "PAPI",
        "year": 2018,
        "level": "province",
        "derive_total": True,
    },
    "papi-subdimensions-2016-en.csv": {
        "index": "PAPI",
        "year": 2016,
        "level": "province",
        "derive_total": True,
    },
    "papi-subdimension-outside-years.csv": {
        "index": "PAPI",
        "year": 2015,
        "level": "province",
        "derive_total": True,
    },
}


def _yaml(files: dict[str, dict]) -> str:
    lines = [
        "title: Published forms",
        "kind: compiled",
        "license: CC-BY-4.0",
        "sources:",
        "  - {id: s1, title: Test, publisher: Test, date: 2024}",
        "files:",
    ]
    for name, defaults in files.items():
        keys = ", ".join(
            f"{k}: {str(v).lower() if isinstance(v, bool) else v}" for k, v in defaults.items()
        )
        lines.append(f"  - {{path: {name}, source: s1, {keys}}}")
    return "\n".join(lines) + "\n"


def _dataset(tmp_path: Path, names: list[str]) -> Path:
    folder = tmp_path / "raw" / "forms"
    folder.mkdir(parents=True)
    for name in names:
        shutil.copy(FORMS / name, folder / name)
    (folder / "dataset.yaml").write_text(_yaml({n: FILES[n] for n in names}), encoding="utf-8")
    return folder


@pytest.fixture(scope="module")
def result(tmp_path_factory):
    return clean_dataset(_dataset(tmp_path_factory.mktemp("forms"), list(FILES)))


def _rows(result, file: str) -> pd.DataFrame:
    scores = result.scores
    return scores.loc[scores["raw_file"] == file].astype(object)


def test_no_file_needs_a_header_row_hint(result):
    assert {f["file"]: f["header_row"] for f in result.files} == {name: 1 for name in FILES}


def test_papi_official_english_names_are_components_and_english_provinces_resolve(result):
    rows = _rows(result, "papi-english.csv")
    dims = rows.loc[rows["component"] != "total"]
    assert len(dims) == 6 * 8
    assert set(dims["province"]) == {
        "Hà Nội",
        "Hồ Chí Minh",
        "Thừa Thiên Huế",
        "Bà Rịa - Vũng Tàu",
        "Đắk Lắk",
        "Đắk Nông",
    }
    hanoi = dims.loc[dims["province"] == "Hà Nội"].set_index("component")["score"]
    assert hanoi.to_dict() == {
        "participation": 5.43,
        "transparency": 5.67,
        "accountability": 4.28,
        "corruption_control": 6.73,
        "procedures": 7.16,
        "service_delivery": 7.85,
        "environment": 2.87,
        "e_governance": 3.97,
    }


def test_papi_total_is_the_sum_of_dimensions_marked_derived(result):
    rows = _rows(result, "papi-english.csv")
    total = rows.loc[(rows["component"] == "total") & (rows["province"] == "Hà Nội")].iloc[0]
    assert total["score"] == pytest.approx(5.43 + 5.67 + 4.28 + 6.73 + 7.16 + 7.85 + 2.87 + 3.97)
    assert total["derived"] is True or total["derived"] == True  # noqa: E712 (numpy bool)
    assert total["derivation"] == "sum of the 8 dimension scores"
    assert total["scale_max"] == 80


def test_papi_codes_d1_d6_before_2018_and_former_province_is_reported_not_matched(result):
    rows = _rows(result, "papi-codes.csv")
    assert set(rows["province"]) == {"Hà Nội", "Hồ Chí Minh", "Thừa Thiên Huế", "Đắk Lắk"}
    totals = rows.loc[rows["component"] == "total"]
    assert len(totals) == 4 and set(totals["scale_max"]) == {60}
    bad = result.quarantine.loc[result.quarantine["raw_file"] == "papi-codes.csv"]
    assert set(bad["raw_row"]) == {6}
    assert set(bad["rule"]) == {"province"}
    assert bad["reason"].str.contains("'Ha Tay' no longer exists").all()


def test_papi_abbreviated_dimension_names(result):
    rows = _rows(result, "papi-abbreviations.csv")
    assert len(rows) == 16
    assert set(rows["province"]) == {"Hồ Chí Minh", "Bà Rịa - Vũng Tàu"}
    assert rows["component"].nunique() == 8


def test_the_only_text_column_is_the_unit(result):
    rows = _rows(result, "par-unit-only-text.csv")
    assert sorted(set(rows["unit"])) == ["Sở Nội vụ", "Sở Tư pháp"]
    noi_vu = rows.loc[rows["unit"] == "Sở Nội vụ"].set_index("component")["score"]
    assert noi_vu.to_dict() == {"direction": 9.5, "procedures": 8.25, "civil_service": 7.75}


def test_points_beside_percent_percent_is_the_score_points_are_points(result):
    rows = _rows(result, "par-points-percent.csv").set_index("unit")
    assert rows.loc["Sở Nội vụ", ["score", "points", "rank"]].tolist() == [81.33, 68.32, 1]
    assert rows.loc["Sở Tư pháp", ["score", "points"]].tolist() == [71.55, 60.10]
    assert not rows["derived"].any()
    board = _rows(result, "par-points-percent.csv").query("raw_row == 4").iloc[0]
    assert (board["unit_type"], board["score"], board["points"]) == ("bql_khu_kinh_te", 65.48, 55.0)


def test_points_maximum_and_percent_that_disagree_go_to_quarantine(result):
    rows = _rows(result, "par-points-percent-max.csv").set_index("unit")
    assert rows.loc["Sở Nội vụ", ["score", "points", "max_points"]].tolist() == [81.33, 68.32, 84]
    assert rows.loc["Sở Y tế", "score"] == 70.0  # 58.80 / 84 = 70.00 %
    bad = result.quarantine.loc[result.quarantine["raw_file"] == "par-points-percent-max.csv"]
    assert bad[["raw_row", "rule", "column", "value"]].values.tolist() == [
        [3, "points_percent", "points", "60,10"]
    ]
    assert "disagree beyond rounding" in bad["reason"].iloc[0]


def test_par_area_names_used_before_2022_are_recognised(result):
    rows = _rows(result, "par-areas-2020.csv")
    assert rows.set_index("component")["score"].to_dict() == {
        "civil_service": 8.5,
        "e_government": 7.0,
        "institutions": 6.0,
        "public_finance": 5.5,
    }


def _scores(result, file: str, province: str) -> dict[str, float]:
    rows = _rows(result, file)
    return rows.loc[rows["province"] == province].set_index("component")["score"].to_dict()


def test_papi_sub_dimension_tables_clean_into_dimension_and_sub_dimension_keys(result):
    en = _rows(result, "papi-subdimensions-2019-en.csv")
    assert len(en) == 3 * (8 + 29 + 1)  # dimensions, sub-dimensions, derived total
    hanoi = _scores(result, "papi-subdimensions-2019-en.csv", "Hà Nội")
    assert hanoi["participation.civic_knowledge"] == pytest.approx(0.7362544536590576)
    assert hanoi["e_governance.e_responsiveness"] == pytest.approx(1.475195050239563)
    assert hanoi["procedures.land_titles"] == pytest.approx(1.6862058639526367)  # "Land Tittle"
    parts = [k for k in hanoi if k.startswith("participation.")]
    assert sum(hanoi[k] for k in parts) == pytest.approx(hanoi["participation"], abs=1e-6)
    vi = _scores(result, "papi-subdimensions-2018-vi.csv", "Hà Nội")
    assert len([k for k in vi if "." in k]) == 28  # no E-Responsiveness before 2019
    assert vi["transparency.land_use"] == pytest.approx(1.2874383926391602)
    assert vi["accountability.appeals"] == pytest.approx(0.8075522780418396)
    old = _scores(result, "papi-subdimensions-2016-en.csv", "Thái Nguyên")
    assert {k for k in old if k.startswith("accountability.")} == {
        "accountability.interactions",
        "accountability.responsiveness",
        "accountability.inspection_boards",
    }
    assert not [q for q in result.quarantine["raw_file"] if "subdim" in q]


def test_papi_total_sums_dimensions_only_beside_sub_dimensions(result):
    # the publisher's unweighted totals: 41.53302 (2019), 42.31947 (2018), 33.80596 (2016)
    for file, total in (
        ("papi-subdimensions-2019-en.csv", 41.53302001953125),
        ("papi-subdimensions-2018-vi.csv", 42.3194694519043),
        ("papi-subdimensions-2016-en.csv", 33.805961),
    ):
        rows = _rows(result, file)
        hanoi = rows.loc[(rows["province"] == "Hà Nội") & (rows["component"] == "total")]
        assert hanoi["score"].item() == pytest.approx(total, abs=1e-5)
        assert "sum of the" in hanoi["derivation"].item()


def test_papi_sub_dimension_maximum_is_its_share_of_the_dimension(result):
    rows = _rows(result, "papi-subdimensions-2018-vi.csv")
    scale = rows.loc[rows["province"] == "Hà Nội"].set_index("component")["scale_max"]
    assert scale["participation"] == 10
    assert scale["participation.civic_knowledge"] == 2.5
    assert scale["accountability.justice"] == pytest.approx(10 / 3)
    assert scale["e_governance.internet"] == 5  # two sub-dimensions in 2018


def test_papi_unpublished_sub_dimensions_stay_blank_and_block_the_total(result):
    rows = _rows(result, "papi-subdimensions-2018-vi.csv")
    dong_thap = rows.loc[rows["province"] == "Đồng Tháp"].set_index("component")
    kcdl = dong_thap.loc[dong_thap["score"].isna()]
    assert set(kcdl.index) == {
        "transparency",
        "transparency.information",
        "transparency.poverty_lists",
        "transparency.communal_budgets",
        "transparency.land_use",
        "corruption_control",
        "corruption_control.local_government",
        "corruption_control.service_delivery",
        "corruption_control.employment",
        "corruption_control.willingness",
    }
    assert "total" not in dong_thap.index


def test_papi_sub_dimension_outside_its_years_is_kept_like_a_dimension_outside_its_years(result):
    rows = _rows(result, "papi-subdimension-outside-years.csv").set_index("component")
    # Access to Information (from 2018) in a 2015 table keeps its key, as Environmental
    # Governance (from 2018) keeps its key; neither counts in the 2015 total of six.
    assert rows.loc["transparency.information", "score"] == 0.8
    assert rows.loc["environment", "score"] == 3.0
    assert rows.loc["total", "score"] == pytest.approx(5.0 + 5.5 + 5.0 + 6.0 + 7.0 + 7.0)
    assert rows.loc["total", "derivation"] == "sum of the 6 dimension scores"
    # its maximum is an equal share of the sub-dimensions in use that year: none is defined
    assert pd.isna(rows.loc["transparency.information", "scale_max"])
    assert rows.loc["transparency.poverty_lists", "scale_max"] == pytest.approx(10 / 3)


def test_dropped_column_and_unit_without_type_are_warnings_in_the_report(result):
    warnings = result.report()["warnings"]
    dropped = [w for w in warnings if w["check"] == "unrecognised_column"]
    assert len(dropped) == 1
    message = dropped[0]["message"]
    for text in ("dropped-column.csv", "column '2O22'", "'86,2'", "did you mean '2022'?", "Fix:"):
        assert text in message
    untyped = [w for w in warnings if w["check"] == "unknown_unit_type"]
    assert [w["raw_file"] for w in untyped] == ["dropped-column.csv"]
    assert "'Ban Quản lý dự án đầu tư xây dựng các công trình dân dụng'" in untyped[0]["message"]
    assert result.report()["totals"]["warnings"] == len(warnings)


def test_cli_prints_the_warnings_and_strict_fails(tmp_path, capsys):
    folder = _dataset(tmp_path, ["dropped-column.csv"])
    args = ["clean", "--raw", str(folder.parent), "--out", str(tmp_path / "clean"), "--no-progress"]
    assert main(args) == 0
    captured = capsys.readouterr()
    assert "2 warnings" in captured.out
    assert "column '2O22': the header is not recognised" in captured.err
    assert main([*args, "--strict"]) == 3
    assert "--strict: forms had warnings or quarantined rows" in capsys.readouterr().err
    assert (tmp_path / "clean" / "forms" / "report.json").is_file()


def test_strict_passes_a_clean_dataset(tmp_path):
    folder = _dataset(tmp_path, ["papi-english.csv"])
    assert (
        main(
            [
                "clean",
                "--raw",
                str(folder.parent),
                "--out",
                str(tmp_path / "clean"),
                "--no-progress",
                "--strict",
            ]
        )
        == 0
    )
