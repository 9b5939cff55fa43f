"""The rows behind each figure: exactly what is drawn, with roles, ranks and their kind."""

from __future__ import annotations

import matplotlib.pyplot as plt
import numpy as np
import pandas as pd
import pytest

from parlib.analysis.trend import compute_trend
from parlib.viz.figure_data import (
    FIGURE_COLUMNS,
    changes_data,
    correlation_data,
    figure_rows,
    ranking_data,
    trend_data,
)
from parlib.viz.rank_plots import plot_ranking
from parlib.viz.trend_plots import plot_trend


@pytest.fixture(autouse=True)
def _close():
    yield
    plt.close("all")


@pytest.fixture
def provinces() -> pd.DataFrame:
    return pd.DataFrame(
        {
            "index": "PAR",
            "component": "total",
            "level": "province",
            "province": ["Quảng Ninh", "Hải Phòng", "Hà Nội", "Bắc Giang", "Bà Rịa - Vũng Tàu"],
            "province_code": ["22", "31", "01", "24", "77"],
            "year": 2023,
            "unit": ["Quảng Ninh", "Hải Phòng", "Hà Nội", "Bắc Giang", "Bà Rịa - Vũng Tàu"],
            "score": [92.18, 91.87, 91.43, 91.16, 91.03],
            "rank": [1, 2, 3, pd.NA, pd.NA],
            "n_units": [63, 63, 63, pd.NA, pd.NA],
            "source_id": ["vgp", "vgp", "tt", "vgp", "vgp"],
        }
    ).astype({"rank": "Int64", "n_units": "Int64"})


def test_ranking_data_keeps_published_n_and_labels_computed_ranks(provinces):
    rows = ranking_data(provinces, index="PAR", year=2023).set_index("unit")
    assert rows.loc["Hải Phòng", ["rank", "n_units", "rank_kind"]].tolist() == [2, 63, "published"]
    assert rows.loc["Bắc Giang", ["rank", "n_units", "rank_kind"]].tolist() == [4, 5, "computed"]
    ax = plot_ranking(provinces, index="PAR", year=2023, lang="en")
    labels = [t.get_text() for t in ax.get_yticklabels()]
    assert labels[1] == "Hải Phòng  02/63"
    assert labels[3] == "Bắc Giang  4th of the 5 provinces with a figure"
    assert not any("/5" in label for label in labels)  # never a denominator of the few shown


def test_trend_data_is_exactly_the_values_drawn(provinces):
    later = provinces.assign(year=2024, score=provinces["score"] + 1, rank=pd.NA)
    scores = pd.concat([provinces, later], ignore_index=True)
    rows = trend_data(scores, index="PAR", provinces=["Hải Phòng"])
    shown = rows.loc[rows["role"] == "shown"]
    assert shown["score"].tolist() == [91.87, 92.87]
    reference = rows.loc[rows["role"] == "reference"]
    assert len(reference) == 10 and set(reference["year"]) == {2023, 2024}
    ax = plot_trend(scores, index="PAR", provinces=["Hải Phòng"], lang="en")
    drawn = next(line for line in ax.lines if line.get_label() == "Hải Phòng")
    np.testing.assert_allclose(drawn.get_ydata(), shown["score"])
    mean = compute_trend(scores, index="PAR", provinces=["Hải Phòng"])["mean"]
    np.testing.assert_allclose(mean, reference.groupby("year")["score"].mean())
    assert list(rows.columns[: len(FIGURE_COLUMNS) - 3]) == [
        "province",
        "unit",
        "year",
        "index",
        "component",
        "score",
        "source_id",
        "role",
    ]


def test_trend_data_reference_never_mixes_provinces():
    scores = pd.DataFrame(
        {
            "index": "PAR",
            "component": "total",
            "level": "department",
            "province": ["Bến Tre"] * 2 + ["Tây Ninh"] * 2,
            "province_code": ["83", "83", "72", "72"],
            "year": 2022,
            "unit": ["Sở Y tế", "Sở Nội vụ", "Sở Y tế", "Sở Nội vụ"],
            "score": [90.0, 80.0, 70.0, 60.0],
            "source_id": "s",
        }
    )
    rows = trend_data(scores, index="PAR", level="department", provinces=["Bến Tre"])
    assert set(rows["province"]) == {"Bến Tre"}
    both = trend_data(scores, index="PAR", level="department")
    assert set(both["role"]) == {"shown"}  # units of two provinces: no common reference


def test_figure_rows_orders_columns_and_drops_what_the_figure_does_not_show():
    rows = pd.DataFrame(
        {"raw_row": [3], "score": [80.0], "unit": ["A"], "rank": [2], "n_units": [18]}
    )
    out = figure_rows(rows)
    assert list(out.columns) == ["unit", "score", "rank", "n_units", "role", "rank_kind"]
    assert out["rank_kind"].tolist() == ["published"]
    assert list(figure_rows(rows, ranks=False).columns) == ["unit", "score", "role"]


def test_changes_and_correlation_data_give_the_drawn_pairs(provinces):
    later = provinces.assign(year=2024, score=provinces["score"] + [1, -1, 2, 0, 3])
    scores = pd.concat([provinces, later], ignore_index=True)
    rows = changes_data(scores, index="PAR")
    assert len(rows) == 8 and set(rows["year"]) == {2023, 2024}  # the unchanged unit is out
    sipas = scores.assign(index="SIPAS", score=scores["score"] - 5 + np.arange(10) % 3)
    pairs = correlation_data(pd.concat([scores, sipas]), x="PAR", y="SIPAS")
    assert len(pairs) == 20 and set(pairs["variable"]) == {"x", "y"}
    assert pairs.groupby("pair").size().eq(2).all()
