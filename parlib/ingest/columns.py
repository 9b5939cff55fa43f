"""Recognise the columns of a whole raw table and check that they make a table.

Each header is classified by :func:`~parlib.ingest.headers.classify_header`; here
the roles are checked together: rank or maximum columns take the hints of the score
column beside them, a points column beside a percent column is its points, a lone
text column is the unit, and two columns holding the same figure are an error.
"""

from __future__ import annotations

import difflib
import re
import warnings
from collections.abc import Sequence
from dataclasses import replace

from parlib.errors import HeaderError
from parlib.ingest.headers import (
    ComponentLookup,
    HeaderRole,
    classify_header,
    figure_key,
    header_spellings,
)
from parlib.ingest.table import RawTable
from parlib.text import match_key, mostly_words, objects

__all__ = ["recognize_columns", "unrecognized_columns"]


def recognize_columns(
    table: RawTable,
    *,
    component_lookup: ComponentLookup | None = None,
    index: str | None = None,
    kind: str = "scores",
    warn: bool = True,
) -> list[HeaderRole | None]:
    """Return the role of every column of ``table`` and check that they make a table.

    Unrecognised columns are left out of the long form and reported with a warning
    (``warn=False``: not warned; :func:`unrecognized_columns` lists them as records,
    as the cleaning report does).
    Rank or maximum columns that repeat next to each of several score columns
    ("SIPAS | Xếp hạng | PAR INDEX | Xếp hạng") take the hints of the score column on their left.

    Raises
    ------
    HeaderError
        If a header matches two roles, two columns hold the same figure, or no
        column names the unit or province (``kind="scores"``) or the statistic
        and value (``kind="aggregates"``).
    """
    if kind not in ("scores", "aggregates"):
        msg = (
            f"The value for `kind` must be one of ['scores', 'aggregates'], but {kind!r} was "
            "passed."
        )
        raise ValueError(msg)
    shown, at = table.display_path, table.header_row
    roles: list[HeaderRole | None] = []
    for label in table.columns:
        try:
            roles.append(classify_header(label, component_lookup=component_lookup, index=index))
        except HeaderError as err:
            raise HeaderError(err.problem, file=shown, row=at, column=label, fix=err.fix) from None
    for role in ("rank", "max_points"):
        bare = [j for j, r in enumerate(roles) if r and r.role == role and r.hints == (None,) * 3]
        for j in bare if len(bare) > 1 else []:
            left = next((r for r in reversed(roles[:j]) if r and r.role == "score"), None)
            bare_role = roles[j]
            if left is not None and bare_role is not None:
                roles[j] = replace(
                    bare_role, index=left.index, component=left.component, year=left.year
                )
    roles = _points_beside_percent(roles)
    if kind == "scores":
        roles = _lone_text_column_is_the_unit(table, roles)
    seen: dict[tuple, str] = {}
    for label, r in zip(table.columns, roles):
        if r is None or r.role == "ignore":
            continue
        if (r.role, figure_key(r)) in seen:
            what = r.role + "".join(
                f", {n} {v}"
                for n, v in zip(("index", "component", "year"), r.hints)
                if v is not None
            )
            raise HeaderError(
                f"two columns hold the same figure ({what}): {seen[r.role, figure_key(r)]!r} and "
                f"{label!r}",
                column=label,
                fix="rename one of them so each names its own year, index or "
                "component (for example 'Điểm 2021' and 'Điểm 2022'), or remove the extra column",
                file=shown,
                row=at,
            )
        seen[r.role, figure_key(r)] = label
    present = {r.role for r in roles if r}
    needed = [["unit", "province"]] if kind == "scores" else [["statistic"], ["value", "score"]]
    for options in needed:
        if not present & set(options):
            raise HeaderError(
                f"no column is recognised as {' or '.join(options)}; the headers are "
                f"{list(table.columns)}",
                fix="rename the column as listed in data/raw/README.md "
                "('Recognised headers'), or set header_row: in dataset.yaml",
                file=shown,
                row=at,
            )
    if warn:
        for record in unrecognized_columns(table, roles, component_lookup=component_lookup):
            warnings.warn(record["message"], stacklevel=2)
    return roles


def unrecognized_columns(
    table: RawTable,
    roles: Sequence[HeaderRole | None],
    *,
    component_lookup: ComponentLookup | None = None,
) -> list[dict]:
    """Return one warning record per column left out because its header is not recognised.

    Each record has ``check`` ("unrecognised_column"), ``raw_file``, ``raw_row`` (the
    header row) and a ``message`` naming the file, the column, the first values under it
    and the fix, with a "did you mean" where a known header is close ("2O22" -> "2022").

    Examples
    --------
    >>> import numpy as np
    >>> import pandas as pd
    >>> from parlib.ingest.table import RawTable
    >>> frame = pd.DataFrame({"Đơn vị": ["Sở A"], "2O22": ["91"]}, dtype=object)
    >>> table = RawTable(frame=frame, rows=np.array([2]), columns=list(frame.columns),
    ...                  header_row=1, path="t.csv", display_path="t.csv")
    >>> roles = [classify_header(c) for c in table.columns]
    >>> unrecognized_columns(table, roles)[0]["message"]  # doctest: +ELLIPSIS
    "t.csv, row 1, column '2O22': the header is not recognised, so its 1 value(s) (e.g. '91') are left out; did you mean '2022'? Fix: ..."
    """
    out = []
    for j, (label, role) in enumerate(zip(table.columns, roles)):
        if role is not None:
            continue
        cells = [c for c in objects(table.frame.iloc[:, j]) if c is not None and str(c).strip()]
        if not cells and label.startswith("(column "):
            continue  # a blank column without a header holds nothing to lose
        guess = _did_you_mean(label, component_lookup or {})
        shown = ", ".join(repr(str(c)) for c in cells[:3])
        message = (
            f"{table.display_path}, row {table.header_row}, column {label!r}: the header "
            f"is not recognised, so its {len(cells)} value(s)"
            f"{f' (e.g. {shown})' if cells else ''} are left out"
            f"{f'; did you mean {guess!r}?' if guess else ''}"
            " Fix: rename the header as listed in data/raw/README.md ('Recognised "
            "headers'), or add the name to parlib/reference/ if it is a component"
        )
        out.append(
            {
                "check": "unrecognised_column",
                "raw_file": table.display_path,
                "raw_row": table.header_row,
                "column": label,
                "value": "; ".join(str(c) for c in cells[:3]) or None,
                "message": message,
            }
        )
    return out


_LOOKALIKE = str.maketrans({"o": "0", "O": "0", "l": "1", "I": "1", "i": "1"})


def _did_you_mean(label: str, lookup: ComponentLookup) -> str | None:
    """Return a recognised header close to ``label`` ("2O22" -> "2022"), or None."""
    key = match_key(label) or ""
    digits = key.translate(_LOOKALIKE).replace(" ", "")
    if re.fullmatch(r"(?:19|20)\d\d", digits) or re.fullmatch(r"(?:nam|year)(?:19|20)\d\d", digits):
        return digits[-4:]
    known = header_spellings() | {k: k for k in lookup if k not in header_spellings()}
    close = difflib.get_close_matches(key, list(known), n=1, cutoff=0.8)
    return known[close[0]] if close else None


def _lone_text_column_is_the_unit(
    table: RawTable, roles: list[HeaderRole | None]
) -> list[HeaderRole | None]:
    """Return ``roles`` with the only unrecognised column made the unit, if it holds text.

    A table of figure columns whose one other column holds names under a header parlib
    does not know ("Sở, ban, ngành được đánh giá", a blank header) names its units there.
    """
    present = {r.role for r in roles if r}
    unknown = [j for j, r in enumerate(roles) if r is None]
    if (
        present & {"unit", "province"}
        or ("score" not in present and "rank" not in present)
        or len(unknown) != 1
    ):
        return roles
    if not mostly_words(objects(table.frame.iloc[:, unknown[0]])):
        return roles
    out = list(roles)
    out[unknown[0]] = HeaderRole("unit")
    return out


def _points_beside_percent(roles: list[HeaderRole | None]) -> list[HeaderRole | None]:
    """Return ``roles`` with each points column beside a percent column made a points column.

    "Điểm đạt được" (or "Tổng điểm", "Điểm") next to "Chỉ số (%)" (or "Tỷ lệ (%)",
    "Kết quả (%)") for the same figure: the percent is the score, the other one its points.
    """
    out = list(roles)
    percent = {figure_key(r) for r in roles if r and r.role == "score" and r.scale == "percent"}
    for j, r in enumerate(roles):
        if r and r.role == "score" and r.scale != "percent" and figure_key(r) in percent:
            out[j] = replace(r, role="points", scale="points")
    return out
