from __future__ import annotations

import unicodedata

import pandas as pd
import pytest

from parlib.clean.defaults import LONG_COLUMNS, fill_defaults
from parlib.clean.derive import derive_scores
from parlib.clean.rows import SCORE_COLUMNS, clean_scores


def long(**cols) -> pd.DataFrame:
    n = max(len(v) for v in cols.values() if isinstance(v, list))
    base = {"raw_row": list(range(2, 2 + n))}
    base.update(cols)
    return fill_defaults(pd.DataFrame(base))


def run(df, **kw):
    kw.setdefault("raw_file", "t.csv")
    kw.setdefault("source_id", "s1")
    kw.setdefault("dataset", "d")
    return clean_scores(df, **kw)


def dept(**cols):
    return fill_defaults(
        long(**cols), index="PAR", year=2022, province="Bến Tre", level="department"
    )


def test_fill_defaults_keeps_what_the_table_says():
    df = long(year=["2020", None, " "])
    out = fill_defaults(df, year=2021)
    assert out["year"].tolist() == ["2020", "2021", "2021"]
    assert list(out.columns)[: len(LONG_COLUMNS)] == LONG_COLUMNS or set(LONG_COLUMNS) <= set(
        out.columns
    )


def test_fill_defaults_rejects_unknown_key():
    with pytest.raises(ValueError, match="'unit' cannot be defaulted"):
        fill_defaults(long(unit=["x"]), unit="y")


@pytest.mark.parametrize(
    ("text", "score", "points", "derived"),
    [
        ("98,56%", 98.56, None, False),
        ("98.56", 98.56, None, False),
        ("68,32 điểm = 81,33%", 81.33, 68.32, False),
        ("68,32 (81,33%)", 81.33, 68.32, False),
        ("40/80", 50.0, 40.0, True),
        ("90,9 điểm", 90.9, 90.9, False),
    ],
)
def test_score_forms(text, score, points, derived):
    df = fill_defaults(dept(unit=["Sở Nội vụ"], score=[text]), max_points=100)
    clean, bad = run(df)
    assert bad.empty, bad.to_dict("records")
    row = clean.iloc[0]
    assert row["score"] == pytest.approx(score)
    assert pd.isna(row["points"]) if points is None else row["points"] == pytest.approx(points)
    assert bool(row["derived"]) is derived


def test_points_with_a_maximum_become_a_derived_percent():
    df = dept(
        unit=["Sở Nội vụ"],
        component=["Cải cách thủ tục hành chính"],
        score=["6"],
        score_scale=["points"],
        max_points=["8"],
    )
    clean, _ = run(df)
    row = clean.iloc[0]
    assert (row["component"], row["score"], row["points"], row["max_points"]) == (
        "procedures",
        75.0,
        6.0,
        8.0,
    )
    assert row["derived"] and "max_points" in row["derivation"]


def test_points_without_a_maximum_are_quarantined_with_the_fix():
    clean, bad = run(dept(unit=["Sở Nội vụ"], score=["90,9 điểm"]))
    assert clean.empty
    assert "max_points" in bad["reason"].iloc[0]


def test_missing_markers_keep_the_marker():
    clean, bad = run(dept(unit=["Sở A", "Sở B", "Sở C"], score=["KĐG", "-", "N/A"]))
    assert bad.empty
    assert clean["score"].isna().all()
    assert clean["missing_marker"].tolist() == ["KĐG", "-", "N/A"]


def test_ranks_and_ranking_size():
    clean, _ = run(
        dept(unit=["Sở Công thương", "Sở Nội vụ"], score=["98,56%", "97"], rank=["01/18", "2/18"])
    )
    assert clean["rank"].tolist() == [1, 2]
    assert clean["n_units"].tolist() == [18, 18]


def test_department_spellings_resolve_to_one_unit():
    names = [
        "Sở Công thương",
        "SCT",
        "Sở Công Thương tỉnh Bến Tre",
        unicodedata.normalize("NFD", "Sở Công Thương"),
    ]
    df = dept(unit=names, score=["90"] * 4, year=["2019", "2020", "2021", "2022"])
    clean, bad = run(df)
    assert bad.empty
    assert set(clean["unit"]) == {"Sở Công Thương"}
    assert clean["unit_type"].notna().all()


def test_unknown_department_keeps_empty_unit_type():
    clean, bad = run(dept(unit=["Ban Quản lý dự án đặc thù"], score=["90"]))
    assert bad.empty
    assert pd.isna(clean["unit_type"].iloc[0])
    assert clean["unit"].iloc[0] == "Ban Quản lý dự án đặc thù"


def test_province_level_unit_is_the_province():
    df = fill_defaults(
        long(province=["Hoà Bình", "TP. HCM", "ha noi"], score=["80", "85", "90"]),
        index="PAR",
        year=2023,
        level="province",
    )
    clean, bad = run(df)
    assert bad.empty
    assert clean["unit"].tolist() == ["Hòa Bình", "Hồ Chí Minh", "Hà Nội"]
    assert clean["province_code"].tolist() == ["17", "79", "01"]
    assert clean["province_2025"].tolist() == ["Phú Thọ", "Hồ Chí Minh", "Hà Nội"]


@pytest.mark.parametrize(
    ("cols", "rule", "needle"),
    [
        ({"province": ["Hà Tây"]}, "province", "Hà Tây"),
        ({"province": ["Atlantis"]}, "province", "Atlantis"),
        ({"score": ["abc"]}, "score", "abc"),
        ({"rank": ["0"]}, "rank", "0"),
        ({"year": ["21"]}, "year", "21"),
        ({"index": ["XYZ"]}, "index", "XYZ"),
    ],
)
def test_bad_values_are_quarantined_with_reason(cols, rule, needle):
    base = {"unit": ["Sở Nội vụ"], "score": ["90"], "rank": ["1"]}
    base.update(cols)
    clean, bad = run(dept(**base))
    assert clean.empty
    (record,) = bad.to_dict("records")
    assert record["rule"] == rule
    assert record["raw_file"] == "t.csv" and record["raw_row"] == 2
    assert needle in str(record["value"]) or needle in record["reason"]


def test_note_rows_are_quarantined_not_lost():
    df = dept(unit=["Sở Nội vụ", None], score=["90", None], note=[None, "Ghi chú: số liệu"])
    clean, bad = run(df)
    assert clean["raw_row"].tolist() == [2]
    assert bad["raw_row"].tolist() == [3] and bad["rule"].iloc[0] == "not_data"


def test_every_row_ends_in_clean_or_quarantine_and_columns_are_complete():
    df = dept(unit=["Sở A", "Sở Nội vụ", None, "SCT"], score=["1", "x1", None, "KĐG"])
    clean, bad = run(df)
    assert sorted(clean["raw_row"].tolist() + bad["raw_row"].tolist()) == [2, 3, 4, 5]
    assert list(clean.columns) == SCORE_COLUMNS


def test_synthetic_kind_marks_rows():
    clean, _ = run(dept(unit=["Sở Nội vụ"], score=["90"]), dataset_kind="synthetic")
    assert clean["synthetic"].all()


def test_boundaries_2025_reads_2025_names():
    df = fill_defaults(
        long(province=["Gia Lai", "Huế"], score=["60", "61"]),
        index="PAPI",
        year=2024,
        level="province",
    )
    clean, bad = run(df, boundaries="2025")
    assert bad.empty, bad.to_dict("records")
    assert clean["province_code_2025"].tolist() == ["52", "46"]


def test_derive_scores_does_not_mutate():
    df = pd.DataFrame(
        {
            "index": ["PAR"],
            "year": [2022],
            "component": ["total"],
            "number": [90.0],
            "percent": [None],
            "points_raw": [None],
            "value_max": [None],
            "max_points_col": [None],
            "score_scale": [None],
            "derivation": [None],
        }
    )
    before = df.copy()
    derive_scores(df)
    pd.testing.assert_frame_equal(df, before)


def test_notes_in_the_unit_column_and_summary_rows_are_quarantined():
    df = dept(
        unit=["Sở Nội vụ", "Trung bình", "Ghi chú: số liệu tạm tính"], score=["90", "93,99%", None]
    )
    clean, bad = run(df)
    assert clean["raw_row"].tolist() == [2]
    assert dict(zip(bad["raw_row"], bad["rule"])) == {3: "summary_row", 4: "not_data"}
    assert "aggregates" in bad.loc[bad["raw_row"] == 3, "reason"].iloc[0]
