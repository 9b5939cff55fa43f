from __future__ import annotations

import numpy as np
import pandas as pd

from parlib.analysis.percentiles import compute_percentiles

# -- compute_percentiles ---------------------------------------------------------------------


def test_percentiles_are_100_for_rank_1_and_0_for_the_last(scores):
    pct = compute_percentiles(scores, index="PAR", year=2021)
    assert len(pct) == 8
    assert set(pct.loc[pct["rank"] == 1, "percentile"]) == {100.0}
    last = pct.loc[pct["rank"] == pct["n_units"]]
    assert set(last["percentile"]) == {0.0} and len(last) == 2
    ben_tre_2nd = pct.loc[(pct["province"] == "Bến Tre") & (pct["rank"] == 2), "percentile"]
    assert ben_tre_2nd.item() == 75.0
    assert set(pct["rank_source"]) == {"published"}


def test_percentiles_rank_from_scores_across_the_whole_ranking(scores):
    unranked = scores.assign(rank=pd.NA, n_units=pd.NA).astype(
        {"rank": "Int64", "n_units": "Int64"}
    )
    derived = compute_percentiles(unranked, index="PAR", year=2021, unit_type="cong_thuong")
    published = compute_percentiles(scores, index="PAR", year=2021, unit_type="cong_thuong")
    assert set(derived["rank_source"]) == {"score"}
    assert derived["n_units"].tolist() == published["n_units"].tolist()
    assert derived["percentile"].tolist() == published["percentile"].tolist()


def test_percentiles_ties_share_the_lowest_rank_and_one_unit_is_nan():
    scores = pd.DataFrame(
        {
            "index": "PAR",
            "component": "total",
            "level": "department",
            "province": ["A", "A", "A", "B"],
            "unit": ["x", "y", "z", "x"],
            "year": 2021,
            "score": [90.0, 90.0, 80.0, 70.0],
        }
    )
    pct = compute_percentiles(scores, index="PAR").set_index(["province", "unit"])
    assert pct["rank"].tolist() == [1, 1, 3, 1]
    assert pct.loc[("A", "y"), "percentile"] == 100.0
    assert np.isnan(pct.loc[("B", "x"), "percentile"])


def test_percentiles_never_infer_n_from_the_largest_rank(scores):
    no_count = scores.assign(n_units=pd.NA).astype({"n_units": "Int64"})
    pct = compute_percentiles(no_count, index="PAR", year=2022)
    assert pct["n_units"].isna().all() and pct["percentile"].isna().all()
    assert set(pct["rank_kind"]) == {"published"}


def test_percentiles_label_computed_ranks_and_use_only_the_published_n():
    scores = pd.DataFrame(
        {
            "index": "PAR",
            "component": "total",
            "level": "province",
            "unit": ["A", "B", "C"],
            "province": ["A", "B", "C"],
            "year": 2023,
            "score": [92.0, 91.0, 90.0],
            "rank": [1, pd.NA, pd.NA],
            "n_units": [63, pd.NA, pd.NA],
        }
    )
    pct = compute_percentiles(scores, index="PAR", level="province", year=2023).set_index("unit")
    assert pct.loc["A", ["rank", "n_units", "rank_kind"]].tolist() == [1, 63, "published"]
    assert pct.loc["A", "percentile"] == 100.0
    assert pct.loc["C", ["rank", "n_units", "rank_kind"]].tolist() == [3, 3, "computed"]
    assert np.isnan(pct.loc["C", "percentile"])  # 3rd of 3 shown is not 3rd of 63
