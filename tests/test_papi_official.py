"""The shipped official PAPI panel: every province, the years found, totals that match the press."""

from __future__ import annotations

from pathlib import Path

import pandas as pd
import pytest

from parlib.pipeline import clean_dataset

RAW = Path(__file__).resolve().parents[1] / "data" / "raw" / "papi-official"
YEARS = list(range(2011, 2025))

# Totals published by PAPI's partners or the press: (year, province, total as written, source).
# A figure written with d decimals matches when the derived sum is within 2 * 10^-d of it: the
# press rounds or cuts the sum (Hanoi Times wrote Thái Nguyên's 45.7875 as 45.78), and the
# Huế press wrote 46.0414 where the data file's own total and the sum are 46.04154.
PUBLISHED_TOTALS = [
    (
        2019,
        "Bến Tre",
        "46.74",
        "Báo Thừa Thiên Huế, 2020-04-29, 'Hue ranks in the top group of "
        "... PAPI 2019', http://news.baothuathienhue.vn/hue-ranks-in-the-top-group-of-the-viet-nam-"
        "provincial-governance-and-public-administration-performance-index-papi-2019-a86077.html",
    ),
    (2019, "Đồng Tháp", "46.72", "Báo Thừa Thiên Huế, 2020-04-29 (as above)"),
    (2019, "Quảng Ninh", "46.66", "Báo Thừa Thiên Huế, 2020-04-29 (as above)"),
    (2019, "Bắc Giang", "46.04", "Báo Thừa Thiên Huế, 2020-04-29 (as above)"),
    (2019, "Thừa Thiên Huế", "45.86", "Báo Thừa Thiên Huế, 2020-04-29 (as above)"),
    (
        2020,
        "Quảng Ninh",
        "48.811",
        "Government portal (VGP), 2021-04-14, 'Quang Ninh Leads in "
        "PAPI 2020 Rankings', http://news.gov.vn/print/quang-ninh-leads-in-papi-2020-rankings-"
        "11140879.htm",
    ),
    (2020, "Đồng Tháp", "46.961", "VGP, 2021-04-14 (as above)"),
    (2020, "Thái Nguyên", "46.471", "VGP, 2021-04-14 (as above)"),
    (2020, "Hà Nội", "41.629", "VGP, 2021-04-14 (as above)"),
    (2020, "Hồ Chí Minh", "41.985", "VGP, 2021-04-14 (as above)"),
    (2020, "Thừa Thiên Huế", "44.53", "Gilimex IP, 2023-04-12 (table 2018–2022, below)"),
    (2021, "Thừa Thiên Huế", "48.05", "Gilimex IP, 2023-04-12 (table 2018–2022, below)"),
    (
        2022,
        "Quảng Ninh",
        "47.8763",
        "Doanh nghiệp Hội nhập, 2023-04-13, 'PAPI 2022 report ...', "
        "https://en.doanhnghiephoinhap.vn/papi-2022-report-which-was-released-on-april-12th-in-"
        "binh-duong-leads-in-corruption-control.html",
    ),
    (
        2022,
        "Thừa Thiên Huế",
        "45.3845",
        "Gilimex IP, 2023-04-12, 'Thua Thien Hue ranks 5th in "
        "country-wide PAPI ranking 2022', https://gilimexip.com/en/thua-thien-hue-ranks-5th-in-"
        "country-wide-papi-ranking-2022/",
    ),
    (2018, "Thừa Thiên Huế", "43.2", "Gilimex IP, 2023-04-12 (table 2018–2022, as above)"),
    (
        2023,
        "Thừa Thiên Huế",
        "46.0414",
        "Khám phá Huế, 2024-04-03, 'Thua Thien Hue leads "
        "country-wide PAPI ranking 2023', https://khamphahue.com.vn/en-us/Hue-24h/Digital-"
        "Transformation/tid/Thua-Thien-Hue-leads-country-wide-PAPI-ranking-2023.html/pid/16838/"
        "cid/471",
    ),
    (
        2023,
        "Thái Nguyên",
        "45.78",
        "Hanoi Times, 2024-04-02, 'Thua Thien Hue province tops "
        "nationwide in public administration: 2023 PAPI report', https://m.hanoitimes.vn/thua-"
        "thien-hue-province-tops-nationwide-in-public-administration-2023-papi-report-326500.html",
    ),
    (2023, "Bắc Ninh", "45.70", "Hanoi Times, 2024-04-02 (as above)"),
    (2023, "Sóc Trăng", "45.61", "Hanoi Times, 2024-04-02 (as above)"),
    (2023, "Bạc Liêu", "45.57", "Hanoi Times, 2024-04-02 (as above)"),
    (2023, "Hà Nội", "43.96", "Hanoi Times, 2024-04-02 (as above)"),
]


@pytest.fixture(scope="module")
def result():
    return clean_dataset(RAW)


@pytest.fixture(scope="module")
def totals(result) -> pd.Series:
    scores = result.scores
    rows = scores.loc[scores["component"] == "total"]
    return rows.set_index([rows["year"].astype(int), rows["province"].astype(str)])["score"]


def test_every_row_cleans_with_no_warning(result):
    report = result.report()
    assert report["kind"] == "official"
    assert report["totals"]["rows_quarantined"] == 0
    assert report["totals"]["warnings"] == 0


def test_the_panel_holds_the_63_provinces_in_every_year_found(result):
    scores = result.scores
    assert sorted(scores["year"].astype(int).unique()) == YEARS
    per_year = scores.groupby(scores["year"].astype(int))["province_code"].nunique()
    assert (per_year == 63).all(), per_year.to_dict()


def test_six_dimensions_before_2018_and_eight_from_2018(result):
    scores = result.scores
    dims = scores.loc[scores["component"] != "total"]
    count = dims.groupby(dims["year"].astype(int))["component"].nunique()
    assert count.to_dict() == {y: 6 if y < 2018 else 8 for y in YEARS}


@pytest.mark.parametrize(("year", "province", "written", "source"), PUBLISHED_TOTALS)
def test_derived_totals_reproduce_published_totals(totals, year, province, written, source):
    decimals = len(written.split(".")[1])
    assert abs(totals[(year, province)] - float(written)) < 2 * 10**-decimals, source


def test_2024_leaders_are_those_the_press_named(totals):
    # Vietnam Law Magazine, "Quang Ninh tops 2024 PAPI Rankings ...": "Quang Ninh province has
    # secured the top spot ..., followed by Tay Ninh and Binh Thuan",
    # https://vietnamlawmagazine.vn/quang-ninh-tops-2024-papi-rankings-citizens-report-higher-
    # satisfaction-with-governance-73992.html
    top = totals.loc[2024].sort_values(ascending=False).index[:3].tolist()
    assert top == ["Quảng Ninh", "Tây Ninh", "Bình Thuận"]


def test_totals_are_derived_from_all_dimensions_only(result, totals):
    scores = result.scores
    rows = scores.loc[scores["component"] == "total"]
    assert rows["derived"].all()
    assert set(rows["derivation"]) == {
        "sum of the 6 dimension scores",
        "sum of the 8 dimension scores",
    }
    # No total where a dimension is not published: 2018 Quảng Ninh ("KCDL"), 2023 Bình Dương.
    assert (2018, "Quảng Ninh") not in totals.index
    assert (2023, "Bình Dương") not in totals.index
    # 13 province-years without every dimension (see the next test).
    assert len(totals) == 63 * len(YEARS) - 13


def test_unpublished_dimensions_stay_blank_and_give_no_total(result):
    scores = result.scores
    blank = scores.loc[scores["score"].isna()]
    years = blank.groupby(blank["year"].astype(int))["province"].agg(lambda s: sorted(set(s)))
    assert years.to_dict() == {
        2014: ["Bắc Giang", "Đồng Tháp"],
        2018: ["Quảng Ninh", "Đồng Tháp"],
        2021: ["Bắc Giang", "Bắc Ninh", "Quảng Ninh"],
        2022: ["Bắc Giang", "Bắc Ninh"],
        2023: ["Bình Dương", "Quảng Ninh"],
        2024: ["Tiền Giang", "Vĩnh Phúc"],
    }
    in_2018 = blank.loc[blank["year"].astype(int) == 2018, "component"].astype(str)
    assert set(in_2018) == {"transparency", "corruption_control"}
