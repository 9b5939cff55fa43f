"""Consistency checks that warn without rejecting: figures are kept as published.

- :func:`check_rankings`: a rank order that contradicts the score order in one
  ranking, and rankings whose stated number of units disagree;
- :func:`parlib.clean.aggregates.check_aggregates` (next module): published
  aggregates against the unit rows and against each other.

Each check returns a DataFrame of warnings with the columns
:data:`WARNING_COLUMNS`, ready for the cleaning report.
"""

from __future__ import annotations

import numpy as np
import pandas as pd

from parlib.clean.codes import combine_codes
from parlib.text import distinct

__all__ = ["RANKING", "WARNING_COLUMNS", "check_rankings"]

RANKING = ["dataset", "boundaries", "year", "level", "index", "component"]
# Below province level, each province ranks its own units.
WITHIN_PROVINCE = ["province_code", "province_code_2025"]
WARNING_COLUMNS = [
    "check",
    "dataset",
    "province",
    "year",
    "level",
    "index",
    "component",
    "raw_file",
    "raw_row",
    "message",
]


def check_rankings(scores: pd.DataFrame) -> pd.DataFrame:
    """Warn where a better rank has a lower score, or a ranking has several sizes.

    Ties are respected: units sharing a rank may differ in score.

    Examples
    --------
    >>> rows = pd.DataFrame({"dataset": "d", "boundaries": "legacy", "province_code": "83", "province_code_2025": "86",
    ...     "province": "Bến Tre", "year": 2022, "level": "department", "index": "PAR",
    ...     "component": "total", "unit": ["A", "B", "C"], "score": [97.0, 98.0, 90.0],
    ...     "rank": [1, 2, 3], "n_units": [18, 18, 19], "raw_file": "f.csv", "raw_row": [2, 3, 4]})
    >>> check_rankings(rows)["check"].tolist()
    ['rank_order', 'ranking_size']
    """
    cols = [c for c in RANKING + WITHIN_PROVINCE if c in scores.columns]
    rows = np.flatnonzero(scores["rank"].notna().to_numpy(dtype=bool))
    if not len(rows):
        return pd.DataFrame(columns=WARNING_COLUMNS)
    # Rankings are numbered on codes: a province-level ranking is national, so its
    # rows share one code (-1) for the within-province columns.
    national = (scores["level"] == "province").to_numpy(dtype=bool, na_value=False)[rows]

    def keys():  # one column's codes at a time
        for col in cols:
            codes = distinct(scores[col])[0][rows] + 1  # 0: missing, a value of its own
            yield np.where(national, -1, codes) if col in WITHIN_PROVINCE else codes

    ranking = combine_codes(keys())[0]  # numbered in order of first appearance
    warnings = [_rank_order(scores, rows, ranking), _ranking_size(scores, rows, ranking)]
    out = (
        pd.concat([w for w in warnings if len(w)], ignore_index=True)
        if any(len(w) for w in warnings)
        else pd.DataFrame(columns=WARNING_COLUMNS)
    )
    return out[WARNING_COLUMNS]


def _rank_order(scores: pd.DataFrame, rows: np.ndarray, ranking: np.ndarray) -> pd.DataFrame:
    """One warning per ranking whose rank order contradicts its scores, with the first case.

    ``rows`` are the ranked rows of ``scores`` and ``ranking`` their ranking's number.
    The first case of a ranking is its best rank whose highest score beats the
    lowest score of a better rank; the message names the first row (in table
    order) with each of the two scores.
    """
    score = scores["score"].to_numpy(dtype=np.float64, na_value=np.nan)[rows]
    have = ~np.isnan(score)
    if not have.any():
        return pd.DataFrame(columns=WARNING_COLUMNS)
    rows, g, score = rows[have], ranking[have], score[have]
    rank = scores["rank"].to_numpy(dtype=np.int64, na_value=0)[rows]
    counts, at_rank, top, low = _first_contradictions(g, rank, score)
    if not counts.any():
        return pd.DataFrame(columns=WARNING_COLUMNS)
    worse = _first_of_each(g, (rank == at_rank[g]) & (score == top[g]))
    above = _first_of_each(g, (score == low[g]) & (rank < at_rank[g]))
    both = np.intersect1d(worse.index, above.index)  # every such ranking, in ranking order
    cols = ["unit", "rank", "score", "raw_file", "raw_row"]
    pair = scores.iloc[rows[worse[both].to_numpy()]].reset_index(drop=True)
    other = scores.iloc[rows[above[both].to_numpy()]][cols].reset_index(drop=True)
    # One message per ranking, built from plain lists: a million-row panel can have
    # tens of thousands of contradicting rankings.
    more = counts[both] - 1
    messages = [
        f"{unit} is ranked {int(rank)} with {score:g} but {unit_a} is ranked higher "
        f"({int(rank_a)}) with a lower score ({score_a:g}) ({file} row {row}, "
        f"{file_a} row {row_a})"
        + (f"; {m} more rank(s) of this ranking contradict the scores" if m else "")
        for unit, rank, score, file, row, unit_a, rank_a, score_a, file_a, row_a, m in zip(
            *(pair[c].tolist() for c in cols), *(other[c].tolist() for c in cols), more.tolist()
        )
    ]
    return _warnings("rank_order", pair, messages)


def _first_contradictions(
    g: np.ndarray, rank: np.ndarray, score: np.ndarray
) -> tuple[np.ndarray, np.ndarray, np.ndarray, np.ndarray]:
    """Per ranking: how many ranks contradict a better one, and the best of them.

    A rank contradicts when its highest score beats the lowest score of a better
    rank. Returns, indexed by ranking, the count of such ranks, the best such
    rank (-1 for none), its highest score and the lowest score above it.
    """
    size = int(g.max()) + 1
    # The lowest and highest score of each (ranking, rank), in order.
    order = np.lexsort((rank, g))
    gs, rs = g[order], rank[order]
    starts = np.flatnonzero(np.r_[True, (gs[1:] != gs[:-1]) | (rs[1:] != rs[:-1])])
    lo = np.minimum.reduceat(score[order], starts)
    hi = np.maximum.reduceat(score[order], starts)
    group, ranked = gs[starts], rs[starts]
    better = pd.Series(lo).groupby(group).cummin().groupby(group).shift().to_numpy()
    bad = np.flatnonzero(hi > better + 1e-9)
    counts = np.bincount(group[bad], minlength=size)
    first = bad[np.unique(group[bad], return_index=True)[1]]  # best bad rank of each
    at_rank, top, low = np.full(size, -1), np.full(size, np.nan), np.full(size, np.nan)
    at_rank[group[first]], top[group[first]] = ranked[first], hi[first]
    low[group[first]] = better[first]
    return counts, at_rank, top, low


def _first_of_each(groups: np.ndarray, where: np.ndarray) -> pd.Series:
    """The position of the first row of each group where ``where`` holds, by group."""
    rows = np.flatnonzero(where)
    found, first = np.unique(groups[rows], return_index=True)
    return pd.Series(rows[first], index=found)


def _ranking_size(scores: pd.DataFrame, rows: np.ndarray, ranking: np.ndarray) -> pd.DataFrame:
    """One warning per ranking whose rows state different numbers of units ranked."""
    n_units = scores["n_units"].to_numpy(dtype=np.float64, na_value=np.nan)[rows]
    have = ~np.isnan(n_units)
    rows, g, n = rows[have], ranking[have], n_units[have]
    if not len(g):
        return pd.DataFrame(columns=WARNING_COLUMNS)
    # A ranking has several sizes when its smallest and largest differ.
    low = np.full(int(g.max()) + 1, np.inf)
    high = np.full(len(low), -np.inf)
    np.minimum.at(low, g, n)
    np.maximum.at(high, g, n)
    several = np.flatnonzero(low < high)
    if not len(several):
        return pd.DataFrame(columns=WARNING_COLUMNS)
    mixed = np.isin(g, several)
    sizes = pd.DataFrame({"g": g[mixed], "n": n[mixed].astype(np.int64)}).drop_duplicates()
    listed = sizes.sort_values(["g", "n"]).groupby("g")["n"]
    first = _first_of_each(g, mixed)[several].to_numpy()
    firsts = scores.iloc[rows[first]].reset_index(drop=True)
    messages = [
        f"the ranking of {index} {year} ({level}, {province}) gives different numbers of "
        f"units ranked: {ns}"
        for index, year, level, province, ns in zip(
            *(firsts[c].tolist() for c in ("index", "year", "level", "province")),
            listed.agg(list).loc[several].tolist(),
        )
    ]
    return _warnings("ranking_size", firsts, messages)


def _warnings(check: str, rows: pd.DataFrame, messages: list[str]) -> pd.DataFrame:
    """The warnings of ``check`` for ``rows`` (one per message), in :data:`WARNING_COLUMNS`."""
    out = pd.DataFrame(
        {
            col: (rows[col].to_numpy() if col in rows.columns else None)
            for col in WARNING_COLUMNS
            if col not in ("check", "message")
        }
    )
    out.insert(0, "check", check)
    out["message"] = messages
    return out[WARNING_COLUMNS]
