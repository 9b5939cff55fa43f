"""The averages a unit's score is set against: published means, or the units in the data.

Below province level a unit is set against the units of its own province; at
province level against the published national average where there is one, else
the mean of the provinces in the data. :func:`reference_summary` computes that
reference for :func:`parlib.analysis.trend.compute_trend`, :func:`reference_rows`
returns the rows behind it, and :func:`describe_by_year` the distribution of
all units' scores in each year.
"""

from __future__ import annotations

import numpy as np
import pandas as pd

from parlib.analysis.select import Names, Years, dedupe_scores, select_prepared

__all__ = ["count_provinces", "describe_by_year", "reference_rows", "reference_summary"]


def describe_by_year(
    scores: pd.DataFrame,
    *,
    index: str,
    component: str = "total",
    level: str = "province",
    unit_type: Names = None,
    years: Years = None,
) -> pd.DataFrame:
    """Return the distribution of all units' scores in each year.

    Returns
    -------
    DataFrame
        One row per year: ``year, n, mean, sd, min, q25, median, q75, max``
        (``sd`` with ddof=1; NaN when n < 2).

    Examples
    --------
    >>> scores = pd.DataFrame({"index": "PAR", "component": "total", "level": "province",
    ...     "unit": ["A", "B", "C"], "year": 2021, "score": [80.0, 90.0, 85.0]})
    >>> describe_by_year(scores, index="PAR")[["year", "n", "mean", "median"]]
       year  n  mean  median
    0  2021  3  85.0    85.0
    """
    data = dedupe_scores(
        select_prepared(
            scores, index=index, component=component, level=level, unit_type=unit_type, years=years
        )
    )
    return _describe(data)


def reference_rows(
    scores: pd.DataFrame,
    *,
    index: str,
    component: str = "total",
    level: str = "province",
    provinces: Names = None,
    unit_type: Names = None,
    aggregates: pd.DataFrame | None = None,
) -> pd.DataFrame:
    """Return the rows behind the reference of :func:`compute_trend`, one per unit and year.

    Below province level: every unit of the chosen units' provinces. At province
    level: the published national averages (``unit`` "Toàn quốc", ``statistic``
    "mean") for the years that have one, and the provinces' own rows for the
    other years.

    Examples
    --------
    >>> scores = pd.DataFrame({"index": "PAR", "component": "total", "level": "department",
    ...     "province": ["Bến Tre", "Bến Tre", "Tây Ninh"], "province_code": ["83", "83", "72"],
    ...     "unit": ["Sở Y tế", "Sở Nội vụ", "Sở Y tế"], "year": 2022, "score": [90.0, 80, 70]})
    >>> reference_rows(scores, index="PAR", level="department", provinces="Bến Tre")["unit"].tolist()
    ['Sở Y tế', 'Sở Nội vụ']
    """
    if level != "province":  # the chosen units' provinces are the whole reference
        group = dedupe_scores(
            select_prepared(
                scores,
                index=index,
                component=component,
                level=level,
                provinces=provinces,
                unit_type=unit_type,
            )
        )
        codes = group["province_code"].dropna().unique()
        group = group.dropna(subset=["score"]).drop(columns="_key")
        means = _published_means(aggregates, index=index, component=component, level=level)
        means = means.loc[means["province_code"].isin(codes).to_numpy(dtype=bool)]
        if means.empty:
            return group
        key = group["province_code"].astype("string") + "|" + group["year"].astype("string")
        published = means["province_code"] + "|" + means["year"].astype("string")
        group = group.loc[~key.isin(published).to_numpy(dtype=bool)]
        rows = means.assign(
            unit=means["province"], index=index, component=component, level=level, statistic="mean"
        )
        return pd.concat([group, rows], ignore_index=True) if len(group) else rows
    base = dedupe_scores(
        select_prepared(scores, index=index, component=component, level=level, unit_type=unit_type)
    )
    national = _published_means(aggregates, index=index, component=component)
    own = base.dropna(subset=["score"])
    own = own.loc[~own["year"].isin(national["year"]).to_numpy(dtype=bool)].drop(columns="_key")
    if national.empty:
        return own
    rows = pd.DataFrame(
        {
            "province": national["province"],
            "unit": national["province"],
            "year": national["year"].astype("Int64"),
            "index": index,
            "component": component,
            "level": "province",
            "score": national["score"],
            "source_id": national["source_id"],
            "statistic": "mean",
        }
    )
    return pd.concat([own, rows], ignore_index=True) if len(own) else rows


def count_provinces(boundaries: str = "legacy") -> int:
    """Return the number of provinces of an era: 63 before 1 July 2025, 34 after.

    Examples
    --------
    >>> count_provinces(), count_provinces("2025")
    (63, 34)
    """
    from parlib.reference import provinces

    return len(provinces(era="2025" if str(boundaries) == "2025" else "legacy"))


def _published_means(
    aggregates: pd.DataFrame | None, *, index: str, component: str, level: str = "province"
) -> pd.DataFrame:
    """Published averages of one index, component and level.

    At province level the national averages (rows without a province code);
    below it each province's average of its own units. Columns ``province_code,
    province, year, score, source_id``.
    """
    columns = ["province_code", "province", "year", "score", "source_id"]
    if aggregates is None or aggregates.empty:
        return pd.DataFrame(columns=columns).astype({"year": "Int64", "score": float})
    agg = aggregates
    code = (
        agg["province_code"].astype("string")
        if "province_code" in agg
        else pd.Series(pd.NA, index=agg.index, dtype="string")
    )
    comp = (
        agg["component"].astype("string").fillna("total")
        if "component" in agg
        else pd.Series("total", index=agg.index)
    )
    where = code.isna() if level == "province" else code.notna()
    hit = (
        (
            (agg["statistic"].astype("string") == "mean")
            & (agg["index"].astype("string") == index)
            & (agg["level"].astype("string") == level)
            & (comp == component)
            & where
        )
        .fillna(False)
        .to_numpy(dtype=bool)
    )
    rows = agg.loc[hit]
    out = pd.DataFrame(
        {
            "province_code": code[hit],
            "province": rows["province"].astype("string"),
            "year": pd.to_numeric(rows["year"]).astype("Int64"),
            "score": pd.to_numeric(rows["value"], errors="coerce").astype(float),
            "source_id": rows["source_id"].astype("string"),
        }
    )
    out = out.dropna(subset=["score"]).drop_duplicates(["province_code", "year"])
    return out.reset_index(drop=True)


def reference_summary(
    base: pd.DataFrame,
    chosen: pd.DataFrame,
    *,
    level: str,
    index: str,
    component: str,
    aggregates: pd.DataFrame | None,
) -> pd.DataFrame:
    """Return the reference of each year (or each province and year) that a trend is set against.

    The reference is computed from ``base``, the prepared rows of every unit of
    the ranking (``chosen``, the rows of the units shown, does not change it), by
    the rules described in :func:`parlib.analysis.trend.compute_trend`: a
    province's own units below province level, the published national average
    or else the dataset's mean at province level. Columns ``year`` (and
    ``province_code`` below province level), ``n, mean, sd, q25, q75,
    n_expected, reference, reference_source``.
    """
    if level != "province":
        data = base.dropna(subset=["score"])
        groups = data.groupby(["province_code", "year"], observed=True)["score"]
        out = pd.DataFrame(
            {
                "n": groups.count().astype("Int64"),
                "mean": groups.mean(),
                "sd": groups.std(ddof=1),
                "q25": groups.quantile(0.25),
                "q75": groups.quantile(0.75),
            }
        ).reset_index()
        out = _enough(out)
        out = out.assign(
            n_expected=pd.array([pd.NA] * len(out), "Int64"),
            reference="province",
            reference_source=pd.array([pd.NA] * len(out), "string"),
        )
        published = _published_means(aggregates, index=index, component=component, level=level)
        return _use_published(
            out, published, on=["province_code", "year"], kind="province_published", n=None
        )
    era = (
        "2025"
        if (
            "boundaries" in base
            and base["boundaries"].astype("string").eq("2025").fillna(False).any()
        )
        else "legacy"
    )
    expected = count_provinces(era)
    out = _enough(_describe(base).drop(columns=["min", "median", "max"]))
    out = out.assign(
        n_expected=pd.array([expected] * len(out), "Int64"),
        reference="dataset",
        reference_source=pd.array([pd.NA] * len(out), "string"),
    )
    partial = (out["n"].astype(float) < expected).to_numpy()
    out.loc[partial, ["q25", "q75"]] = np.nan  # the spread of a handful is no national band
    national = _published_means(aggregates, index=index, component=component)
    return _use_published(out, national, on=["year"], kind="national", n=expected)


def _enough(out: pd.DataFrame) -> pd.DataFrame:
    """No mean of a single unit (it is that unit), no spread of fewer than three."""
    out = out.copy()
    n = out["n"].astype(float).to_numpy()
    out.loc[n < 2, ["mean", "sd"]] = np.nan
    out.loc[n < 3, ["q25", "q75"]] = np.nan
    return out


def _use_published(
    out: pd.DataFrame, published: pd.DataFrame, *, on: list[str], kind: str, n: int | None
) -> pd.DataFrame:
    """Replace computed means by published ones where there are; no band beside them."""
    if len(published):
        if "province_code" in on:
            out = out.astype({"province_code": "string"})
        out = out.merge(published[[*on, "score", "source_id"]], on=on, how="outer")
        hit = out["score"].notna().to_numpy()
        out.loc[hit, "mean"] = out.loc[hit, "score"]
        out.loc[hit, ["sd", "q25", "q75"]] = np.nan
        if n is not None:
            out.loc[hit, "n"] = n
            out.loc[hit, "n_expected"] = n
        out.loc[hit, "reference"] = kind
        out.loc[hit, "reference_source"] = out.loc[hit, "source_id"]
        out = out.drop(columns=["score", "source_id"])
    return out.astype({"n": "Int64", "n_expected": "Int64", "reference_source": "string"})


def _describe(data: pd.DataFrame) -> pd.DataFrame:
    scores = data.dropna(subset=["score"]).groupby("year")["score"]
    out = pd.DataFrame(
        {
            "n": scores.count().astype("Int64"),
            "mean": scores.mean(),
            "sd": scores.std(ddof=1),
            "min": scores.min(),
            "q25": scores.quantile(0.25),
            "median": scores.median(),
            "q75": scores.quantile(0.75),
            "max": scores.max(),
        }
    )
    return out.rename_axis("year").reset_index()
