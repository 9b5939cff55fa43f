from __future__ import annotations

import numpy as np
import pandas as pd
import pytest

import parlib
from parlib.analysis.averages import describe_by_year
from parlib.analysis.trend import compute_changes, compute_trend


def _par(scores: pd.DataFrame, year: int | None = None) -> pd.DataFrame:
    rows = (
        (scores["index"] == "PAR")
        & (scores["component"] == "total")
        & (scores["level"] == "province")
    )
    if year is not None:
        rows &= scores["year"] == year
    return scores.loc[rows]


# -- compute_trend ---------------------------------------------------------------------------


def test_compute_trend_mean_is_over_all_units_not_the_chosen_ones(scores):
    trend = compute_trend(scores, index="PAR", provinces=["Bến Tre"])
    assert trend["unit"].unique().tolist() == ["Bến Tre"]
    expected = _par(scores).groupby("year")["score"].agg(["mean", "std", "count"])
    got = trend.set_index("year")
    np.testing.assert_allclose(got["mean"], expected["mean"])
    np.testing.assert_allclose(got["sd"], expected["std"])
    assert got.loc[2020, "n"] == 5 and got.loc[2021, "n"] == 6
    assert set(got["reference"]) == {"dataset"} and set(got["n_expected"]) == {63}
    assert got["q25"].isna().all()  # 6 of 63 provinces: no band that passes for a national one


def _national_mean(year: int, value: float) -> pd.DataFrame:
    return pd.DataFrame(
        {
            "province": ["Toàn quốc"],
            "province_code": [pd.NA],
            "year": [year],
            "level": ["province"],
            "index": ["PAR"],
            "component": ["total"],
            "statistic": ["mean"],
            "value": [value],
            "source_id": ["bnv"],
        }
    )


def test_compute_trend_uses_the_published_national_average_where_there_is_one(scores):
    trend = compute_trend(
        scores, index="PAR", provinces=["Bến Tre"], aggregates=_national_mean(2021, 84.5)
    ).set_index("year")
    assert trend.loc[2021, "mean"] == 84.5 and trend.loc[2021, "reference"] == "national"
    assert trend.loc[2021, "reference_source"] == "bnv" and trend.loc[2021, "n"] == 63
    assert trend.loc[2020, "reference"] == "dataset" and trend.loc[2020, "n"] == 5


def test_compute_trend_band_only_for_every_province():
    legacy = parlib.provinces()
    legacy = legacy.loc[legacy["era"] == "legacy"]
    codes, names = legacy["code"].tolist(), legacy["name"].tolist()
    scores = pd.DataFrame(
        {
            "index": "PAR",
            "component": "total",
            "level": "province",
            "province_code": codes,
            "province": names,
            "unit": names,
            "year": 2021,
            "score": np.linspace(70, 95, 63),
        }
    )
    trend = compute_trend(scores, index="PAR", provinces=[names[0]])
    assert trend["n"].item() == 63 and trend["q25"].item() < trend["q75"].item()


def test_compute_trend_sets_departments_only_against_their_own_province(scores):
    trend = compute_trend(scores, index="PAR", level="department", provinces=["Bến Tre"])
    dept = scores.loc[
        (scores["level"] == "department")
        & (scores["index"] == "PAR")
        & (scores["component"] == "total")
    ]
    own = dept.loc[dept["province"] == "Bến Tre"].groupby("year")["score"].mean()
    got = trend.drop_duplicates("year").set_index("year")["mean"].dropna()
    np.testing.assert_allclose(got, own.loc[got.index])
    assert set(trend["reference"].dropna()) == {"province"}
    assert dept["province"].nunique() > 1  # the fixture has other provinces' departments


def test_compute_trend_prefers_the_province_published_mean_of_its_units(scores):
    dept = scores.loc[(scores["level"] == "department") & (scores["province"] == "Bến Tre")]
    code, year = dept["province_code"].iloc[0], int(dept["year"].iloc[0])
    agg = _national_mean(year, 91.0).assign(
        province="Bến Tre", province_code=code, level="department", source_id="ubnd"
    )
    trend = compute_trend(
        scores, index="PAR", level="department", provinces=["Bến Tre"], aggregates=agg
    ).set_index("year")
    row = trend.loc[[year]].iloc[0]
    assert row["mean"] == 91.0 and row["reference"] == "province_published"
    assert row["reference_source"] == "ubnd"


def test_compute_trend_change_is_nan_after_a_missing_year(scores):
    trend = compute_trend(scores, index="PAR", provinces="Trà Vinh").set_index("year")
    assert trend.index.tolist() == list(range(2018, 2024))
    assert np.isnan(trend.loc[2020, "score"])
    assert np.isnan(trend.loc[2020, "change"]) and np.isnan(trend.loc[2021, "change"])
    assert trend.loc[2019, "change"] == pytest.approx(
        trend.loc[2019, "score"] - trend.loc[2018, "score"]
    )
    assert np.isnan(trend.loc[2018, "change"])


def test_compute_trend_treats_a_missing_marker_row_as_a_gap(scores):
    marker = scores.loc[(scores["province"] == "Trà Vinh") & (scores["year"] == 2021)].assign(
        year=2020, score=np.nan, missing_marker="KĐG"
    )
    with_marker = pd.concat([scores, marker], ignore_index=True)
    pd.testing.assert_frame_equal(
        compute_trend(with_marker, index="PAR", provinces="84"),
        compute_trend(scores, index="PAR", provinces="84"),
    )


def test_compute_trend_years_keeps_the_change_from_the_year_before(scores):
    full = compute_trend(scores, index="PAR", provinces="83")
    part = compute_trend(scores, index="PAR", provinces="83", years=[2022, 2023])
    assert part["year"].tolist() == [2022, 2023]
    assert part["change"].tolist() == full["change"].tolist()[-2:]


def test_describe_by_year_counts_units(scores):
    table = describe_by_year(scores, index="SIPAS")
    assert table["n"].tolist() == [6, 6, 5, 6, 6, 6]
    assert (table["min"] <= table["median"]).all() and (table["median"] <= table["max"]).all()


def test_conflicting_duplicates_warn_and_keep_the_official_figure(scores):
    first = scores.iloc[[0]]
    dup = pd.concat([scores, first.assign(score=1.0, dataset_kind="official")], ignore_index=True)
    with pytest.warns(UserWarning, match=r"another score for a unit and year.*'Bến Tre' in 2018"):
        trend = compute_trend(dup, index="PAR", provinces="83")
    assert trend.loc[trend["year"] == 2018, "score"].item() == 1.0


# -- compute_changes -------------------------------------------------------------------------


def test_compute_changes_orders_risers_then_fallers(scores):
    changes = compute_changes(scores, index="PAR", start=2018, end=2023, n=2)
    first, last = (
        _par(scores, 2018).set_index("unit")["score"],
        _par(scores, 2023).set_index("unit")["score"],
    )
    expected = (last - first).sort_values(ascending=False)
    risers = changes.loc[changes["direction"] == "riser"]
    assert risers["unit"].tolist() == expected.index[:2].tolist()
    assert risers["change"].tolist() == pytest.approx(expected.iloc[:2].tolist())
    assert (changes.loc[changes["direction"] == "faller", "change"] < 0).all()
    assert {"start_score", "end_score", "province"} <= set(changes.columns)


def test_compute_changes_leaves_out_units_missing_a_year(scores):
    changes = compute_changes(scores, index="PAR", start=2020, end=2021, n=10)
    assert "Trà Vinh" not in changes["unit"].tolist()
    assert len(changes) == 5


@pytest.mark.parametrize(
    ("options", "message"),
    [
        ({"start": 2010}, r"No rows for start=2010; available: \[2018, "),
        (
            {"start": 2022, "end": 2020},
            r"`start` must be before `end`, but start=2022 and end=2020",
        ),
        ({"n": 0}, r"The value for `n` must be a positive integer, but 0 was passed"),
    ],
)
def test_compute_changes_errors(scores, options, message):
    with pytest.raises(ValueError, match=message):
        compute_changes(scores, index="PAR", **options)
