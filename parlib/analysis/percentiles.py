"""Percentiles from ranks: a unit's place among the units it was ranked with.

A rank of 3 means little without the number of units ranked; the percentile
makes a department ranked among 18 comparable with one ranked among 25.
"""

from __future__ import annotations

import numpy as np
import pandas as pd

from parlib.analysis.select import UNIT_COLUMNS, Names, dedupe_scores, pick_rows, select_prepared

__all__ = ["compute_percentiles"]


def compute_percentiles(
    scores: pd.DataFrame,
    *,
    index: str,
    component: str = "total",
    level: str = "department",
    year: int | None = None,
    unit_type: Names = None,
) -> pd.DataFrame:
    """Turn each unit's rank among ``n_units`` into a percentile comparable across provinces.

    ``percentile = (n_units - rank) / (n_units - 1) * 100``: 100 is the best unit
    of its ranking, 0 the last; NaN when only one unit was ranked. A ranking is
    one province's units at one level (all provinces together at province
    level). Where a rank is missing but the score is present, the rank is taken
    from the scores of the same ranking (ties share the lowest rank);
    ``rank_source`` ("published" or "score") and ``rank_kind`` ("published" or
    "computed") say which. A published rank keeps the n it was published with
    (never the largest rank seen); a computed rank's ``n_units`` is the number
    of units with a figure, and it gets a percentile only when no n was
    published for its ranking (a rank among the few units shown places no unit
    among the n ranked).

    Returns
    -------
    DataFrame
        ``province_code, province, province_code_2025, province_2025, unit,
        unit_type, year, score, rank, n_units, rank_source, percentile,
        synthetic``, best percentile first.

    Examples
    --------
    >>> scores = pd.DataFrame({"index": "PAR", "component": "total", "level": "department",
    ...     "province": ["Bến Tre"] * 3 + ["Trà Vinh"] * 2, "year": 2021,
    ...     "unit": ["Sở Tài chính", "Sở Nội vụ", "Sở Y tế", "Sở Tài chính", "Sở Nội vụ"],
    ...     "score": [91.0, 88.0, 85.0, 80.0, 90.0]})
    >>> compute_percentiles(scores, index="PAR", unit_type=None)[
    ...     ["province", "unit", "rank", "n_units", "percentile"]]
       province          unit  rank  n_units  percentile
    0   Bến Tre  Sở Tài chính     1        3       100.0
    1  Trà Vinh     Sở Nội vụ     1        2       100.0
    2   Bến Tre     Sở Nội vụ     2        3        50.0
    3   Bến Tre       Sở Y tế     3        3         0.0
    4  Trà Vinh  Sở Tài chính     2        2         0.0
    """
    data = dedupe_scores(select_prepared(scores, index=index, component=component, level=level))
    scored = sorted(int(v) for v in data.loc[data["score"].notna(), "year"].unique())
    year = (scored[-1] if scored else int(data["year"].max())) if year is None else year
    data = pick_rows(data, "year", year).copy()
    group = (
        data["_key"].str.rpartition("|")[0]
        if level != "province"
        else pd.Series("all", index=data.index)
    )
    by_score = data.groupby(group)["score"].rank(ascending=False, method="min")
    n_scored = data["score"].notna().groupby(group).transform("sum")
    published = pd.to_numeric(data["rank"], errors="coerce").notna()
    data["rank_source"] = np.where(
        published, "published", np.where(data["score"].notna(), "score", pd.NA)
    )
    data["rank_kind"] = np.where(
        published, "published", np.where(data["score"].notna(), "computed", pd.NA)
    )
    data["rank"] = pd.to_numeric(data["rank"], errors="coerce").fillna(by_score).astype("Int64")
    n_units = pd.to_numeric(data["n_units"], errors="coerce").astype(float)
    known_n = n_units.where(published).groupby(group).transform("max")
    # A computed rank is among the units with a figure: its n is their number. Where the
    # ranking's n was published, a rank among fewer units places no unit in it.
    computed = ~published.to_numpy() & data["score"].notna().to_numpy()
    data["n_units"] = n_units.where(published, np.where(computed, n_scored, np.nan)).astype("Int64")
    n = data["n_units"].astype(float)
    usable = published.to_numpy() | (computed & known_n.isna().to_numpy())
    data["percentile"] = ((n - data["rank"].astype(float)) / (n - 1) * 100).where((n > 1) & usable)
    if unit_type is not None:
        data = pick_rows(data, "unit_type", unit_type)
    data = data.sort_values(
        ["percentile", "score", "province", "unit"],
        ascending=[False, False, True, True],
        kind="stable",
    )
    keep = [
        *UNIT_COLUMNS,
        "year",
        "score",
        "rank",
        "n_units",
        "rank_source",
        "rank_kind",
        "percentile",
        "synthetic",
        *(
            c
            for c in (
                "source_id",
                "members",
                "derivation",
                "corrected",
                "published_value",
                "correction_source",
            )
            if c in data
        ),
    ]
    return data[keep].reset_index(drop=True)
