from __future__ import annotations

import pandas as pd
import pytest

from parlib.clean.validate import validate_scores


def rows(**overrides) -> pd.DataFrame:
    base = {
        "dataset": "d",
        "boundaries": "legacy",
        "province_code": "83",
        "province_code_2025": "86",
        "year": 2021,
        "level": "department",
        "unit": ["Sở A", "Sở B", "Sở C"],
        "index": "PAR",
        "component": "total",
        "score": [95.0, 90.0, 85.0],
        "scale_max": 100.0,
        "points": None,
        "max_points": None,
        "rank": [1, 2, 3],
        "n_units": 18,
        "derivation": None,
        "note": None,
        "missing_marker": None,
        "raw_file": "f.csv",
        "raw_row": [2, 3, 4],
        "raw_column": "Điểm",
        "source_id": "s1",
    }
    base.update(overrides)
    return pd.DataFrame(base)


def test_valid_rows_pass_untouched():
    valid, bad = validate_scores(rows(), last_year=2024)
    assert len(valid) == 3 and bad.empty


@pytest.mark.parametrize(
    ("overrides", "rule", "column", "value"),
    [
        ({"score": [95.0, 101.5, 85.0]}, "score_within_scale", "Điểm", "101.5"),
        ({"score": [95.0, -2.0, 85.0]}, "score", "Điểm", "-2.0"),
        ({"rank": [1, 19, 3]}, "rank_within_n", "Điểm", "19"),
        ({"rank": [1, 0, 3]}, "rank", "Điểm", "0"),
        ({"year": [2021, 2031, 2021]}, "year", "year", "2031"),
        (
            {"points": [None, 9.5, None], "max_points": [None, 9.0, None]},
            "points_within_max",
            "Điểm",
            "9.5",
        ),
    ],
)
def test_each_rule_quarantines_the_row_with_rule_value_and_reason(overrides, rule, column, value):
    valid, bad = validate_scores(rows(**overrides), last_year=2024)
    assert valid["unit"].tolist() == ["Sở A", "Sở C"]
    (record,) = bad.to_dict("records")
    assert record["rule"] == rule
    assert record["raw_row"] == 3 and record["raw_file"] == "f.csv"
    assert record["column"] == column
    assert record["value"] == value
    assert value.rstrip("0").rstrip(".") in record["reason"]


def test_every_broken_rule_is_collected_at_once():
    valid, bad = validate_scores(rows(score=[120.0, 90.0, -1.0], rank=[1, 30, 3]), last_year=2024)
    assert sorted(bad["raw_row"]) == [2, 3, 4]
    assert valid.empty


def test_identical_duplicates_merge_and_cite_both_sources():
    df = rows(
        unit=["Sở A", "Sở A", "Sở C"],
        score=[95.0, 95.0, 85.0],
        rank=[1, None, 3],
        source_id=["s1", "s2", "s1"],
    )
    valid, bad = validate_scores(df, last_year=2024)
    merged = valid.loc[valid["unit"] == "Sở A"].iloc[0]
    assert merged["source_id"] == "s1;s2" and merged["rank"] == 1
    (record,) = bad.to_dict("records")
    assert record["rule"] == "duplicate" and record["raw_row"] == 3


def test_conflicting_duplicates_are_all_quarantined():
    df = rows(unit=["Sở A", "Sở A", "Sở C"], score=[95.0, 94.0, 85.0], rank=[1, 1, 3])
    valid, bad = validate_scores(df, last_year=2024)
    assert valid["unit"].tolist() == ["Sở C"]
    assert sorted(bad["raw_row"]) == [2, 3]
    assert set(bad["rule"]) == {"unique_key"}
    assert "different score" in bad["reason"].iloc[0]


def test_input_is_not_mutated():
    df = rows(score=[120.0, 90.0, 85.0])
    before = df.copy()
    validate_scores(df, last_year=2024)
    pd.testing.assert_frame_equal(df, before)


def test_points_above_their_maximum_are_named_before_the_derived_score():
    """A maximum misread as 1.1 ("1.100") gives a huge derived score; the points say why."""
    _valid, bad = validate_scores(
        rows(
            score=[95.0, 89113.6, 85.0], points=[None, 980.25, None], max_points=[None, 1.1, None]
        ),
        last_year=2024,
    )
    assert bad["rule"].tolist() == ["points_within_max"]
    assert bad["reason"][0] == (
        "980.25 points is above the maximum 1.1; check the figure or the maximum"
    )


def _first_rule(row: dict, last: int) -> str | None:
    """The rule a row breaks first, written out one comparison at a time."""

    def num(col):
        value = row[col]
        return None if value is None or pd.isna(value) else float(value)

    score, scale, points, maximum = (num(c) for c in ("score", "scale_max", "points", "max_points"))
    year, rank, n_units = num("year"), num("rank"), num("n_units")
    checks = [
        ("points_within_max", points is not None and maximum is not None and points > maximum),
        ("score_within_scale", score is not None and scale is not None and score > scale),
        ("rank_within_n", rank is not None and n_units is not None and rank > n_units),
        ("year", year is None or not 1990 <= year <= last),
        ("level", row["level"] not in ("province", "department", "district", "commune")),
        ("score", score is not None and score < 0),
        ("points", points is not None and points < 0),
        ("max_points", maximum is not None and maximum <= 0),
        ("rank", rank is not None and rank < 1),
        ("n_units", n_units is not None and n_units < 1),
    ]
    return next((rule for rule, broken in checks if broken), None)


@pytest.mark.parametrize("dtypes", ["pipeline", "categorical level", "objects"])
def test_each_row_is_named_by_the_first_rule_it_breaks_whatever_the_dtypes(dtypes):
    import numpy as np

    from parlib.clean import validate

    rng = np.random.default_rng(11)
    n = 3000

    def pick(values, dtype=None):
        return pd.array(rng.choice(np.array(values, dtype=object), n), dtype=dtype)

    frame = pd.DataFrame(
        {
            "year": pick([2021, 1985, 2031, None], "Int64"),
            "level": pick(["department", "district", "ward", None]),
            "score": pick([50.0, -1.0, 101.0, np.nan], "float64"),
            "scale_max": pick([100.0, 10.0, np.nan], "float64"),
            "points": pick([5.0, -2.0, 12.0, np.nan], "float64"),
            "max_points": pick([10.0, 0.0, -1.0, np.nan], "float64"),
            "rank": pick([1, 0, 19, None], "Int64"),
            "n_units": pick([18, 0, None], "Int64"),
        }
    )
    expected = {
        i: rule
        for i, row in enumerate(frame.to_dict("records"))
        if (rule := _first_rule(row, 2025)) is not None
    }
    if dtypes == "categorical level":
        frame["level"] = frame["level"].astype("category")
    elif dtypes == "objects":
        frame = frame.astype(object)
    named = validate._failures(frame, 2025)
    assert len(named) > n // 2  # most rows break something, often several rules
    assert named == expected
    assert set(named.values()) == set(validate.RULES)
