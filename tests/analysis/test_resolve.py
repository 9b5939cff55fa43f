"""The one resolver of names: provinces in any spelling and era, indices, levels, components."""

from __future__ import annotations

import warnings

import pandas as pd
import pytest

from parlib.analysis.hints import describe_available
from parlib.analysis.resolve import (
    NameNote,
    find_province,
    resolve_name,
    select_provinces,
    select_values,
    suggest_provinces,
)
from parlib.analysis.select import select_scores
from parlib.analysis.trend import compute_trend
from parlib.errors import SelectionError


@pytest.fixture
def scores() -> pd.DataFrame:
    rows = [
        ("legacy", "79", "Hồ Chí Minh", "79", "Hồ Chí Minh", "province", "Hồ Chí Minh"),
        ("legacy", "01", "Hà Nội", "01", "Hà Nội", "province", "Hà Nội"),
        ("legacy", "46", "Thừa Thiên Huế", "46", "Huế", "province", "Thừa Thiên Huế"),
        ("legacy", "83", "Bến Tre", "86", "Vĩnh Long", "province", "Bến Tre"),
        ("legacy", "83", "Bến Tre", "86", "Vĩnh Long", "department", "Sở Tư pháp"),
        ("2025", "46", "Huế", "46", "Huế", "province", "Huế"),
        ("2025", "86", "Vĩnh Long", "86", "Vĩnh Long", "province", "Vĩnh Long"),
    ]
    frame = pd.DataFrame(
        rows,
        columns=[
            "boundaries",
            "province_code",
            "province",
            "province_code_2025",
            "province_2025",
            "level",
            "unit",
        ],
    )
    return frame.assign(
        index="PAR",
        component="total",
        year=2023,
        score=80.0,
        unit_type=["", "", "", "", "tu_phap", "", ""],
    )


@pytest.mark.parametrize(
    ("name", "province"),
    [
        ("TP.HCM", "Hồ Chí Minh"),
        ("TPHCM", "Hồ Chí Minh"),
        ("HCM", "Hồ Chí Minh"),
        ("Ho Chi Minh City", "Hồ Chí Minh"),
        ("Sài Gòn", "Hồ Chí Minh"),
        ("79", "Hồ Chí Minh"),
        ("TT Huế", "Thừa Thiên Huế"),
        ("Hue", "Thừa Thiên Huế"),
        ("HN", "Hà Nội"),
        ("ha noi", "Hà Nội"),
        ("Hanoi", "Hà Nội"),
        (1, "Hà Nội"),
    ],
)
def test_names_as_people_write_them_select_legacy_rows(scores, name, province):
    legacy = scores.loc[scores["boundaries"] == "legacy"]
    assert set(select_provinces(legacy, [name])["province"]) == {province}
    assert find_province(name) is not None


def test_legacy_name_under_2025_boundaries_selects_the_2025_province_with_a_note(scores):
    in_2025 = scores.loc[scores["boundaries"] == "2025"]
    with pytest.warns(
        NameNote,
        match=r"'Thừa Thiên Huế' is legacy province 46 Thừa Thiên Huế, "
        r"part of 46 Huế from 2025-07-01",
    ):
        chosen = select_provinces(in_2025, ["Thừa Thiên Huế"])
    assert chosen["unit"].tolist() == ["Huế"]
    with pytest.warns(NameNote, match="'Bến Tre' is legacy province 83 Bến Tre, part of 86 Vĩnh"):
        assert select_provinces(in_2025, "Bến Tre")["unit"].tolist() == ["Vĩnh Long"]
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        assert select_provinces(in_2025, "Huế")["unit"].tolist() == ["Huế"]  # no note


def test_unknown_name_gets_the_three_closest(scores):
    with pytest.raises(
        SelectionError,
        match=r"No province is called 'Thua Thien Hue x'\. Did "
        r"you mean 'Thừa Thiên Huế'",
    ):
        select_provinces(scores, ["Thua Thien Hue x"])
    assert len(suggest_provinces("Ha")) <= 3
    assert suggest_provinces("Quang Nam")[:1] == ["Quảng Nam"]


def test_no_department_rows_says_what_exists_for_the_province(scores):
    with pytest.raises(SelectionError) as info:
        compute_trend(
            scores.loc[scores["boundaries"] == "legacy"],
            index="PAR",
            level="department",
            provinces=["TP.HCM"],
        )
    message = str(info.value)
    assert message.startswith(
        "No rows for provinces=['TP.HCM'] (index='PAR', "
        "level='department'); available: ['Bến Tre']."
    )
    assert "Hồ Chí Minh has: PAR province 2023 (1 unit)." in message


def test_a_level_that_is_absent_lists_the_provinces_that_have_it(scores):
    with pytest.raises(
        SelectionError,
        match=r"No rows for level='district' \(index='PAR'\); "
        r"available: \['department', 'province'\]\.",
    ):
        select_scores(scores, index="PAR", level="district")
    text = describe_available(scores, index="PAR", level="department")
    assert text == "PAR at level department is published for: Bến Tre 2023."


@pytest.mark.parametrize(
    ("kind", "value", "key"),
    [
        ("index", "Chỉ số cải cách hành chính", "PAR"),
        ("index", "par index", "PAR"),
        ("level", "sở, ban, ngành", "department"),
        ("level", "Cấp tỉnh", "province"),
        ("unit_type", "Sở Tư pháp", "tu_phap"),
        ("unit_type", "STP", "tu_phap"),
    ],
)
def test_resolve_name_finds_keys_written_any_way(kind, value, key):
    assert resolve_name(kind, value) == key


def test_filters_accept_names_written_any_way(scores):
    rows = select_scores(scores, index="Chỉ số CCHC", level="sở", unit_type="Sở Tư pháp")
    assert rows["unit"].tolist() == ["Sở Tư pháp"]
    assert len(select_values(scores, "level", ["tỉnh"])) == 6


def test_unknown_index_suggests_the_closest(scores):
    with pytest.raises(
        SelectionError,
        match=r"No rows for index='PRA'; available: \['PAR'\]\. "
        r"Did you mean 'PAR'\?",
    ):
        select_scores(scores, index="PRA")
