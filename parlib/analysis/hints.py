"""Hints for a filter that matched nothing: the closest names, and what the data holds.

:func:`suggest_names` finds the closest spellings (without case or diacritics),
:func:`did_you_mean` turns them into the end of a message, and
:func:`describe_available` says what the data does hold for a province, an
index and a level. :mod:`parlib.analysis.resolve` and the statistics put them in
their SelectionError messages.
"""

from __future__ import annotations

import difflib
from collections.abc import Iterable

import pandas as pd

from parlib import reference as ref
from parlib.text import match_key, match_keys

__all__ = ["describe_available", "did_you_mean", "suggest_names"]


def suggest_names(name: object, choices: Iterable[str], *, n: int = 3) -> list[str]:
    """Return up to ``n`` of ``choices`` closest to ``name``, compared without case or diacritics.

    Examples
    --------
    >>> suggest_names("Ben Tree", ["Bến Tre", "Bến Cát", "Trà Vinh", "Hà Nội"], n=2)
    ['Bến Tre', 'Bến Cát']
    """
    key = match_key(name) or ""
    by_key: dict[str, str] = {}
    for choice in choices:
        by_key.setdefault(match_key(choice) or "", str(choice))
    close = difflib.get_close_matches(key, [k for k in by_key if k], n=n, cutoff=0.6)
    return [by_key[k] for k in close]


def did_you_mean(close: list[str]) -> str:
    """Return " Did you mean 'a', 'b' or 'c'?" for a non-empty list, else "".

    Examples
    --------
    >>> did_you_mean(["PAR", "PAPI"])
    " Did you mean 'PAR' or 'PAPI'?"
    """
    if not close:
        return ""
    quoted = [repr(c) for c in close]
    text = quoted[0] if len(quoted) == 1 else ", ".join(quoted[:-1]) + " or " + quoted[-1]
    return f" Did you mean {text}?"


def describe_available(
    scores: pd.DataFrame,
    *,
    provinces: list[str] | None = None,
    index: str | None = None,
    level: str | None = None,
) -> str:
    """Say in one or two sentences what the data holds for some provinces, an index and a level.

    For each named province: per index and level, the years and the number of
    units. For ``index`` and ``level``: the provinces that have rows.

    Examples
    --------
    >>> scores = pd.DataFrame({"index": "PAR", "level": ["province", "department", "department"],
    ...     "province": "Bến Tre", "unit": ["Bến Tre", "Sở A", "Sở B"],
    ...     "year": [2022, 2022, 2023]})
    >>> describe_available(scores, provinces=["Bến Tre"])
    'Bến Tre has: PAR province 2022 (1 unit); PAR department 2022–2023 (2 units).'
    >>> describe_available(scores, index="PAR", level="department")
    'PAR at level department is published for: Bến Tre 2022–2023.'
    """
    if scores is None or scores.empty or "province" not in scores:
        return ""
    parts = []
    province_keys = match_keys(scores["province"].astype("string"))
    for name in provinces or []:
        rows = scores.loc[(province_keys == match_key(name)).to_numpy(bool)]
        if index is not None:
            rows = rows.loc[(rows["index"].astype("string") == index).to_numpy(bool)]
        if rows.empty:
            what = f" for {index}" if index else ""
            parts.append(f"{name} has no rows{what} in this dataset.")
            continue
        groups = []
        order = {lvl: i for i, lvl in enumerate(ref.LEVELS)}
        pairs = sorted(
            rows.groupby(["index", "level"], observed=True),
            key=lambda item: (str(item[0][0]), order.get(item[0][1], 9)),
        )
        for (idx, lvl), g in pairs:
            n = g["unit"].nunique()
            groups.append(f"{idx} {lvl} {_span(g['year'])} ({n} unit{'s' if n != 1 else ''})")
        parts.append(f"{name} has: " + "; ".join(groups) + ".")
    if index is not None and level is not None:
        rows = scores.loc[
            (
                (scores["index"].astype("string") == index)
                & (scores["level"].astype("string") == level)
            ).to_numpy(bool)
        ]
        if rows.empty:
            parts.append(f"No province has {index} rows at level {level}.")
        else:
            by = rows.groupby("province", observed=True, sort=True)["year"]
            listed = [f"{p} {_span(y)}" for p, y in by]
            more = f" and {len(listed) - 10} more" if len(listed) > 10 else ""
            parts.append(
                f"{index} at level {level} is published for: " + ", ".join(listed[:10]) + more + "."
            )
    return " ".join(parts)


def _span(years: pd.Series) -> str:
    values = sorted({int(y) for y in years.dropna()})
    if not values:
        return "(no year)"
    return str(values[0]) if len(values) == 1 else f"{values[0]}–{values[-1]}"
