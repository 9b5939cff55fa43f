"""The 2025 merger: legacy provinces' scores grouped into the 2025 province they form.

On 1 July 2025 the 63 provinces became 34; :func:`group_to_2025` combines the
figures of a 2025 province's former provinces so that years before and after
the merger can be compared.
"""

from __future__ import annotations

import warnings

import pandas as pd

from parlib.analysis.select import dedupe_scores, prepare_scores
from parlib.errors import ParameterError

__all__ = ["group_to_2025"]

_HOWS = ["mean", "median"]


def group_to_2025(scores: pd.DataFrame, *, how: str = "mean") -> tuple[pd.DataFrame, pd.DataFrame]:
    """Aggregate legacy provinces' province-level scores into the 2025 province they form.

    For each 2025 province, index, component and year, the members' scores are
    combined with ``how`` ("mean" or "median", unweighted); ``n_members`` counts
    the members with a score that year, ``members`` names them, and ``complete``
    says whether every member seen for that index and component has one. Rows
    of other levels, and rows already in 2025 boundaries (no legacy
    ``province_code``), pass through unchanged. A published 2025 figure wins
    over an aggregate of the same province, index, component and year (with a
    warning).

    Returns
    -------
    tuple of DataFrame
        ``(grouped, description)``: the rows with ``n_members``, ``members`` and
        ``complete`` added, and one row per 2025 province: ``province_code_2025,
        province_2025, members, n_members, how``.

    Examples
    --------
    >>> scores = pd.DataFrame({"index": "PAR", "component": "total", "level": "province",
    ...     "province_code": ["83", "84", "86"], "province": ["Bến Tre", "Trà Vinh", "Vĩnh Long"],
    ...     "province_code_2025": "86", "province_2025": "Vĩnh Long", "year": 2021,
    ...     "score": [85.0, 80.0, 90.0]}).assign(unit=lambda d: d["province"])
    >>> grouped, description = group_to_2025(scores)
    >>> grouped[["province", "score", "n_members", "members"]]
        province  score  n_members                       members
    0  Vĩnh Long   85.0          3  Bến Tre, Trà Vinh, Vĩnh Long
    """
    if how not in _HOWS:
        raise ParameterError(f"The value for `how` must be one of {_HOWS}, but {how!r} was passed.")
    data = prepare_scores(scores)
    legacy = (
        (data["level"] == "province")
        & data["province_code"].notna()
        & data["province_code_2025"].notna()
    )
    if "boundaries" in data:  # rows published in 2025 boundaries are already grouped
        legacy &= data["boundaries"].astype("string").ne("2025").fillna(True)
    legacy = legacy.to_numpy(dtype=bool)
    rest, keys = data.loc[~legacy], ["province_code_2025", "province_2025", "index", "component"]
    members = dedupe_scores(data.loc[legacy], by=["_key", "index", "component", "year"])
    members = members.sort_values(["province_code", "year"], kind="stable")
    expected = members.groupby(keys)["province"].nunique().rename("_expected")
    scored = members.dropna(subset=["score"])
    named = {
        "score": ("score", how),
        "n_members": ("province", "nunique"),
        "synthetic": ("synthetic", "any"),
        **({"scale_max": ("scale_max", "max")} if "scale_max" in data else {}),
    }
    by_year = scored.groupby([*keys, "year"], sort=True)
    grouped = by_year.agg(**named).reset_index()
    joined = ["province", *(c for c in ("dataset", "dataset_kind", "source_id") if c in data)]
    grouped = grouped.assign(
        **{
            "members" if c == "province" else c: _join_groups(
                scored[c], by_year.ngroup(), len(grouped)
            )
            for c in joined
        }
    )
    grouped = grouped.join(expected, on=keys)
    grouped["complete"] = grouped["n_members"] == grouped.pop("_expected")
    grouped = grouped.assign(
        province_code=pd.NA,
        province=grouped["province_2025"],
        **({"boundaries": "2025"} if "boundaries" in data else {}),
        unit=grouped["province_2025"],
        level="province",
        derived=True,
        derivation=how + " of " + grouped["members"],
    )
    published = rest.loc[rest["level"] == "province", [*keys, "year"]].drop_duplicates()
    clash = grouped.merge(published, on=[*keys, "year"], how="left", indicator=True)["_merge"]
    if (clash == "both").any():
        warnings.warn(
            f"{int((clash == 'both').sum())} aggregates of legacy provinces were "
            "dropped because a 2025 province already has a published figure for "
            "the same index, component and year.",
            stacklevel=2,
        )
        grouped = grouped.loc[(clash != "both").to_numpy()]
    columns = [*scores.columns, "n_members", "members", "complete"]
    grouped = grouped.reindex(columns=columns)
    for column in scores.columns:
        values = grouped[column]
        if pd.api.types.is_bool_dtype(scores[column].dtype):
            values = values.astype("boolean").fillna(False)
        try:
            grouped[column] = values.astype(scores[column].dtype)
        except (TypeError, ValueError):
            pass
    frames = [f for f in (rest.reindex(columns=columns), grouped) if len(f)]
    out = pd.concat(frames, ignore_index=True) if frames else grouped
    out = out.astype({"n_members": "Int64", "complete": "boolean"})
    by_province = members.groupby(["province_code_2025", "province_2025"], sort=True)
    description = by_province.agg(n_members=("province_code", "nunique")).reset_index()
    labels = members["province"] + " (" + members["province_code"].astype("string") + ")"
    description.insert(
        2,
        "members",
        pd.array(_join_groups(labels, by_province.ngroup(), len(description)), dtype="string"),
    )
    description = description.assign(how=how)
    return out, description


def _join_groups(values: pd.Series, groups: pd.Series, n_groups: int) -> list[str]:
    """Join each group's distinct non-missing values, in order of appearance, with ", ".

    ``groups`` numbers each row's group (``GroupBy.ngroup``; -1 for rows in no
    group). One pass over plain Python lists: a ``GroupBy.agg`` with a Python
    function builds a Series per group, which costs seconds on ten thousand groups.
    """
    seen: list[dict[str, None]] = [{} for _ in range(n_groups)]
    present = values.notna().to_numpy(dtype=bool)
    for group, value in zip(
        groups.to_numpy()[present].tolist(), values[present].astype(str).tolist()
    ):
        if group >= 0:
            seen[group][value] = None
    return [", ".join(names) for names in seen]
