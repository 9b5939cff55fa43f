"""Melt a raw table to the long raw form: one row per figure, values still text.

:func:`melt_table` turns a score table (one column per figure) into
:data:`LONG_RAW_COLUMNS`, keeping the raw row and column of every figure;
:func:`melt_aggregates` picks the columns of an aggregates table
(:data:`AGGREGATE_COLUMNS`). Text columns are moved as codes into their distinct
values, so melting a large table copies integers, not text.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from typing import NamedTuple, TypedDict

import numpy as np
import pandas as pd

from parlib.errors import HeaderError
from parlib.ingest.headers import HeaderRole, figure_key
from parlib.ingest.table import RawTable
from parlib.text import categorical as to_categorical
from parlib.text import distinct, match_key, objects

__all__ = ["AGGREGATE_COLUMNS", "LONG_RAW_COLUMNS", "melt_aggregates", "melt_table"]

LONG_RAW_COLUMNS = (
    "raw_row",
    "raw_column",
    "unit",
    "province",
    "year",
    "level",
    "index",
    "component",
    "score",
    "score_scale",
    "points",
    "max_points",
    "rank",
    "n_units",
    "note",
    "derivation",
    "source",
    "unit_type",
)
AGGREGATE_COLUMNS = (
    "raw_row",
    "province",
    "year",
    "level",
    "index",
    "component",
    "statistic",
    "value",
    "lower",
    "upper",
    "unit",
    "note",
    "source",
)
_NOTE_START = re.compile(r"^(ghi chu|chu thich|luu y|nguon|note|notes|source)\b")


class _Text(NamedTuple):
    """A text column as codes: cell i is ``values[codes[i]]``, missing where the code is -1.

    ``values`` is an object array of text (never None); melting moves codes, not text.
    """

    codes: np.ndarray
    values: np.ndarray

    def null(self) -> np.ndarray:
        return self.codes < 0

    def take(self, rows: np.ndarray) -> _Text:
        return _Text(self.codes[rows], self.values)

    def cells(self) -> np.ndarray:
        """Return the cells as an object array, None where missing."""
        return np.append(self.values, np.array([None], dtype=object))[self.codes]


def _coded(column: pd.Series) -> _Text:
    codes, values = distinct(column)
    return _Text(codes, values)


def _map_values(text: _Text, func) -> _Text:
    return _Text(text.codes, np.array([func(v) for v in text.values], dtype=object))


def _fill(text: _Text | None, default: object, missing: np.ndarray) -> _Text | None:
    """Return ``text`` with ``default`` (as text) where ``missing`` is True."""
    if default is None or not missing.any():
        return text
    codes = np.full(len(missing), -1, dtype=np.intp) if text is None else text.codes
    values = np.empty(0, dtype=object) if text is None else text.values
    return _Text(np.where(missing, len(values), codes), np.append(values, str(default)))


def _number_text(value: float) -> str:
    return str(int(value)) if float(value).is_integer() else repr(float(value))


def _append(base: _Text | None, extra: _Text, sep: str) -> _Text:
    """Join two text columns cell by cell, skipping blanks; each distinct pair is joined once."""
    if base is None:
        return extra
    width = len(extra.values) + 1
    codes, pairs = pd.factorize((base.codes + 1) * width + (extra.codes + 1))
    joined = [
        sep.join([*base.values[a - 1 : a], *extra.values[b - 1 : b]]) if a or b else ""
        for a, b in zip(*np.divmod(pairs, width))
    ]
    return _Text(np.where((pairs == 0)[codes], -1, codes), np.array(joined, dtype=object))


def _prefixed(prefix: str, text: _Text) -> _Text:
    return _map_values(text, lambda v: prefix + v)


class _Gather:
    """Build one long column: cells are scattered in as codes; text is joined at the end."""

    def __init__(self, size: int) -> None:
        self._size_rows = size
        self.codes: np.ndarray | None = None  # allocated on the first write
        self._values: list[np.ndarray] = []
        self._offsets: dict[int, int] = {}
        self._size = 0

    def put(
        self, dest: np.ndarray | slice, text: _Text | None, rows: np.ndarray | None = None
    ) -> None:
        """Write the cells ``rows`` of ``text`` (all when None) at ``dest``."""
        if text is None:
            return
        key = id(text.values)
        if key not in self._offsets:
            self._offsets[key] = self._size
            self._values.append(text.values)
            self._size += len(text.values)
        if self.codes is None:
            self.codes = np.full(self._size_rows, -1, dtype=np.int32)
        codes = text.codes if rows is None else text.codes[rows]
        offset = self._offsets[key]
        self.codes[dest] = codes if offset == 0 else np.where(codes < 0, -1, codes + offset)

    def column(self, *, categorical: bool) -> np.ndarray | pd.Categorical:
        if self.codes is None:
            return (
                pd.Categorical.from_codes(
                    np.full(self._size_rows, -1, dtype=np.int8),
                    categories=pd.Index([], dtype=object),
                )
                if categorical
                else np.full(self._size_rows, None, dtype=object)
            )
        values = np.concatenate([np.empty(0, dtype=object), *self._values])
        if categorical:
            return to_categorical(self.codes, values)
        return np.append(values, np.array([None], dtype=object))[self.codes]


def _row_scale(text: object) -> object:
    if str(text).strip() == "%" or match_key(text) in ("phan tram", "percent", "ty le"):
        return "percent"
    return "points" if match_key(text) in ("diem", "d", "points", "point") else text


class _Measure(TypedDict):
    """One figure of a row: the columns of its score, rank, points and maxima."""

    label: str
    head: HeaderRole
    score: int | None
    rank: int | None
    max: list[int]
    points: int | None


def _measures(columns: Sequence[str], roles: Sequence[HeaderRole | None]) -> list[_Measure]:
    """Group score, rank and maximum columns into measures, one per figure per row.

    A rank or maximum column goes with the score columns its hints fit; among those,
    with the one that has the fewest hints it lacks ("Xếp hạng" goes with "Tổng điểm",
    not with "D1"). A maximum without one closest score column goes with all that fit.
    """
    measures: list[_Measure] = [
        {"label": columns[j], "head": r, "score": j, "rank": None, "max": [], "points": None}
        for j, r in enumerate(roles)
        if r and r.role == "score"
    ]
    with_score = list(measures)
    for j, r in enumerate(roles):
        if r and r.role == "points":
            twin = next(m for m in with_score if figure_key(m["head"]) == figure_key(r))
            twin["points"] = j
        if not r or r.role not in ("rank", "max_points"):
            continue
        pairs = [(m, list(zip(figure_key(r), figure_key(m["head"])))) for m in with_score]
        fits = [
            (m, sum(h is None and mh is not None for h, mh in hm))
            for m, hm in pairs
            if all(h is None or h == mh for h, mh in hm)
        ]
        closest = [m for m, extra in fits if extra == min(e for _, e in fits)]
        if r.role == "max_points":
            for m in closest if len(closest) == 1 else [m for m, _ in fits]:
                m["max"].append(j)
            continue
        free = [m for m in closest if m["rank"] is None]
        if len(free) == 1:
            free[0]["rank"] = j
        elif not fits:
            measures.append(
                {
                    "label": columns[j],
                    "head": r,
                    "score": None,
                    "rank": j,
                    "max": [],
                    "points": None,
                }
            )
        else:
            raise HeaderError(
                f"the rank column could belong to any of the score columns "
                f"{[m['label'] for m in closest]}",
                column=columns[j],
                fix="name its year, index or component in the header, e.g. 'Xếp hạng 2021' or "
                "'Xếp hạng SIPAS'",
            )
    return measures


def melt_table(
    table: RawTable, roles: Sequence[HeaderRole | None], *, index: str | None = None
) -> pd.DataFrame:
    """Return the long raw frame of a score table: one row per figure, values still text.

    Every score column is a measure keyed by its (index, component, year) hints; a
    rank or maximum column with the same hints (or the only measure) goes with it.
    A header hint fills ``index``, ``component`` or ``year`` where the row has no
    value of its own (``index`` is the last default). Rows with no figure at all
    that have no unit and province, or whose unit or province starts like a note
    ("Ghi chú", "Nguồn", "*"), come out once with ``raw_column`` None; when they
    have no unit or province, ``note`` holds the row's text. Every other row comes
    out once per measure, blank figures included. Every input row appears.

    Examples
    --------
    >>> import numpy as np
    >>> from parlib.ingest.headers import classify_header
    >>> from parlib.ingest.table import RawTable
    >>> frame = pd.DataFrame({"Đơn vị": ["Sở A", "Sở B"], "2020": ["90", None],
    ...                       "2021": ["91,5", "88"]}, dtype=object)
    >>> table = RawTable(frame=frame, rows=np.array([2, 3]), columns=list(frame.columns),
    ...                  header_row=1, path="t.csv", display_path="t.csv")
    >>> long = melt_table(table, [classify_header(c) for c in table.columns])
    >>> long[["raw_row", "unit", "year", "score"]].values.tolist()  # doctest: +NORMALIZE_WHITESPACE
    [[2, 'Sở A', '2020', '90'], [2, 'Sở A', '2021', '91,5'],
     [3, 'Sở B', '2020', None], [3, 'Sở B', '2021', '88']]
    """
    frame = table.frame
    if len(roles) != frame.shape[1]:
        msg = f"roles has {len(roles)} entries but the table has {frame.shape[1]} columns."
        raise ValueError(msg)
    n, rows = len(frame), np.asarray(table.rows, dtype=np.int64)
    categorical = not all(dtype == np.dtype(object) for dtype in frame.dtypes)
    nothing = np.ones(n, dtype=bool)
    coded: dict[int, _Text] = {}

    def text_of(j: int) -> _Text:
        if j not in coded:  # columns no role reads stay as they are
            coded[j] = _coded(frame.iloc[:, j])
        return coded[j]

    def col(j: int | None) -> _Text | None:
        return None if j is None else text_of(j)

    def null(j: int | None) -> np.ndarray:
        return nothing if j is None else text_of(j).null()

    first: dict[str, int] = {}
    for j, r in enumerate(roles):
        if r is not None:
            first.setdefault(r.role, j)
    at = {name: first.get(name) for name in LONG_RAW_COLUMNS[2:]}
    ids = {name: col(j) for name, j in at.items()}
    for j, r in enumerate(roles):
        if r is not None and r.role == "grade":  # a grade ("Xuất sắc") is kept as note text
            ids["note"] = _append(ids["note"], _prefixed(table.columns[j] + ": ", text_of(j)), "; ")
    row_scale = _map_values(text_of(first["scale"]), _row_scale) if "scale" in first else None
    scale_null = row_scale.null() if row_scale is not None else nothing
    try:
        measures = _measures(table.columns, roles)
    except HeaderError as err:
        raise HeaderError(
            err.problem,
            file=table.display_path,
            row=table.header_row,
            column=err.column,
            fix=err.fix,
        ) from None
    empty = np.logical_and.reduce(
        [null(j) for m in measures for j in [m["score"], m["rank"], m["points"], *m["max"]]]
        + [nothing]
    )
    idless = null(at["unit"]) & null(at["province"])
    notes = empty & idless if measures else nothing.copy()
    for name in ("unit", "province"):
        looks = np.flatnonzero(empty & ~null(at[name]) & ~notes)
        ident = ids[name]
        if len(looks) and ident is not None:
            present, where = np.unique(ident.codes[looks], return_inverse=True)
            flags = np.array(
                [
                    bool(
                        _NOTE_START.match(match_key(v) or "") or str(v).lstrip("( ").startswith("*")
                    )
                    for v in ident.values[present]
                ],
                dtype=np.bool_,
            )
            notes[looks[flags[where]]] = True
    keep = np.flatnonzero(~notes)
    counts = np.where(notes, 1, len(measures))
    starts = np.cumsum(counts) - counts
    size = int(counts.sum())
    out = {name: _Gather(size) for name in LONG_RAW_COLUMNS[1:]}
    raw_row = np.empty(size, dtype=np.int64)
    note_pos = np.flatnonzero(notes)
    if len(note_pos):
        note_dest = starts[note_pos]
        for name, ident in ids.items():
            out[name].put(note_dest, ident, note_pos)
        raw_row[note_dest] = rows[note_pos]
        text: _Text | None = None
        for j in range(frame.shape[1]):  # a row's text, for the few note rows only
            text = _append(text, _coded(frame.iloc[note_pos, j]), " | ")
        assert text is not None  # a row has cells, so the table has a column
        note_null = nothing if ids["note"] is None else ids["note"].null()
        fill = idless[note_pos] & note_null[note_pos]
        out["note"].put(note_dest[fill], text.take(np.flatnonzero(fill)))
    whole = len(keep) == n
    for s, m in enumerate(measures):
        # Every row out once per measure: measure s of row i is long row i * len + s.
        dest = slice(s, size, len(measures)) if whole else starts[keep] + s
        head = m["head"]
        at_max = m["max"][0] if m["max"] else None
        values = dict(
            ids,
            score=col(m["score"]),
            rank=col(m["rank"]),
            max_points=col(at_max),
            points=col(m["points"]),
            score_scale=row_scale,
        )
        maximum = None if head.max_points is None else _number_text(head.max_points)
        defaults = {
            "year": (head.year, null(at["year"])),
            "component": (head.component, null(at["component"])),
            "index": (head.index, null(at["index"])),
            "score_scale": (head.scale if m["score"] is not None else None, scale_null),
            "max_points": (maximum, null(at_max)),
        }
        for name, (default, missing) in defaults.items():
            values[name] = _fill(values[name], default, missing)
        if index is not None:
            values["index"] = _fill(
                values["index"],
                index,
                nothing if values["index"] is None else values["index"].null(),
            )
        raw_row[dest] = rows if whole else rows[keep]
        out["raw_column"].put(
            dest,
            _Text(np.zeros(n, dtype=np.intp), np.array([m["label"]], dtype=object)),
            None if whole else keep,
        )
        for name, column in values.items():
            out[name].put(dest, column, None if whole else keep)
    result = pd.DataFrame(
        {name: out[name].column(categorical=categorical) for name in LONG_RAW_COLUMNS[1:]},
        dtype=None if categorical else object,
        copy=False,
    )
    result.insert(0, "raw_row", raw_row)
    return result


def melt_aggregates(table: RawTable, roles: Sequence[HeaderRole | None]) -> pd.DataFrame:
    """Return the aggregates table as text columns, one row per input row.

    The ``value`` column is the column recognised as value, or else the only score column.
    """
    first: dict[str, int] = {}
    for j, r in enumerate(roles):
        if r is not None:
            first.setdefault(r.role, j)
    if "value" not in first and "score" in first:
        first["value"] = first["score"]
    n = len(table.frame)
    out = {
        name: objects(table.frame.iloc[:, first[name]])
        if name in first
        else np.full(n, None, dtype=object)
        for name in AGGREGATE_COLUMNS[1:]
    }
    result = pd.DataFrame(out, dtype=object)
    result.insert(0, "raw_row", np.asarray(table.rows, dtype=np.int64))
    return result
