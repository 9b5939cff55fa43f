from __future__ import annotations

import pandas as pd

from parlib.clean.consistency import check_rankings


def ranking(scores, ranks, n=None):
    k = len(scores)
    return pd.DataFrame(
        {
            "dataset": "d",
            "boundaries": "legacy",
            "province_code": "83",
            "province_code_2025": "86",
            "province": "Bến Tre",
            "year": 2022,
            "level": "department",
            "index": "PAR",
            "component": "total",
            "unit": [f"Sở {i}" for i in range(k)],
            "score": scores,
            "rank": pd.array(ranks, dtype="Int64"),
            "n_units": pd.array(n or [k] * k, dtype="Int64"),
            "raw_file": "f.csv",
            "raw_row": list(range(2, 2 + k)),
        }
    )


def test_consistent_ranking_gives_no_warning():
    assert check_rankings(ranking([99.0, 95.0, 90.0], [1, 2, 3])).empty


def test_ties_are_not_contradictions():
    assert check_rankings(ranking([95.0, 95.0, 90.0], [1, 1, 3])).empty


def test_better_rank_with_lower_score_is_flagged_with_both_rows():
    warn = check_rankings(ranking([95.0, 97.0, 90.0], [1, 2, 3]))
    (message,) = warn["message"]
    assert warn["check"].tolist() == ["rank_order"]
    assert "Sở 1 is ranked 2 with 97" in message and "Sở 0" in message
    assert "row 3" in message and "row 2" in message


def test_rank_without_score_is_ignored():
    assert check_rankings(ranking([None, 97.0, 90.0], [1, 2, 3])).empty


def test_several_ranking_sizes_are_flagged():
    warn = check_rankings(ranking([99.0, 95.0], [1, 2], n=[18, 19]))
    assert warn["check"].tolist() == ["ranking_size"]
    assert "[18, 19]" in warn["message"].iloc[0]


def test_rankings_are_separate_per_province():
    a = ranking([99.0, 95.0], [1, 2])
    b = ranking([80.0, 70.0], [1, 2]).assign(province_code="19", province="Thái Nguyên")
    assert check_rankings(pd.concat([a, b], ignore_index=True)).empty


def test_province_level_ranking_spans_provinces():
    national = ranking([80.0, 90.0], [1, 2]).assign(
        level="province", province_code=["83", "19"], unit=["Bến Tre", "Thái Nguyên"]
    )
    warn = check_rankings(national)
    assert warn["check"].tolist() == ["rank_order"]


def test_categorical_columns_and_missing_province_codes_keep_rankings_apart():
    # A department ranking with no province code is its own ranking, not the national one.
    national = ranking([80.0, 90.0], [1, 2]).assign(
        level="province", province_code=["83", "19"], unit=["Bến Tre", "Thái Nguyên"]
    )
    unknown = ranking([70.0, 60.0], [1, 2]).assign(province_code=None, province_code_2025=None)
    rows = pd.concat([national, unknown], ignore_index=True)
    for frame in (
        rows,
        rows.astype(
            {
                c: "category"
                for c in ("dataset", "boundaries", "province_code", "level", "index", "component")
            }
        ),
    ):
        warn = check_rankings(frame)
        assert warn["check"].tolist() == ["rank_order"]
        assert warn["raw_row"].tolist() == [3]


def test_ranking_size_lists_each_rankings_sizes_in_order():
    a = ranking([99.0, 95.0, 90.0], [1, 2, 3], n=[20, 18, 19])
    b = ranking([80.0, 70.0], [1, 2], n=[5, 5]).assign(year=2023)
    c = ranking([80.0, 70.0], [1, 2], n=[7, 6]).assign(year=2024)
    warn = check_rankings(pd.concat([a, b, c], ignore_index=True))
    assert warn["check"].tolist() == ["ranking_size", "ranking_size"]
    assert warn["year"].tolist() == [2022, 2024]
    assert warn["message"].str.endswith("[18, 19, 20]").iloc[0]
    assert warn["message"].str.endswith("[6, 7]").iloc[1]


def test_first_contradictions_count_each_rank_beating_a_better_ranks_lowest_score():
    import numpy as np

    from parlib.clean.consistency import _first_contradictions

    rng = np.random.default_rng(2)
    n = 5000
    g = rng.integers(0, 300, n)
    rank = rng.integers(1, 25, n)
    score = np.round(rng.uniform(50, 100, n), 1)  # ties of scores, and of ranks
    counts, at_rank, top, low = _first_contradictions(g, rank, score)
    for ranking in range(300):  # the definition, one ranking and one rank at a time
        mine = g == ranking
        bad = [
            r
            for r in sorted(set(rank[mine]))
            if score[mine & (rank == r)].max() > score[mine & (rank < r)].min(initial=np.inf)
        ]
        assert counts[ranking] == len(bad)
        assert at_rank[ranking] == (bad[0] if bad else -1)
        if bad:
            assert top[ranking] == score[mine & (rank == bad[0])].max()
            assert low[ranking] == score[mine & (rank < bad[0])].min()
    assert (counts > 0).sum() > 100  # most rankings contradict somewhere
    consistent = 100.0 - rank  # better rank, higher score: nothing to find
    assert not _first_contradictions(g, rank, consistent)[0].any()
    sparse = _first_contradictions(g, rank * 1000 + 7, consistent)  # ranks far apart
    assert not sparse[0].any() and (sparse[1] == -1).all()
