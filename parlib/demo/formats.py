"""Shared pieces of parlib's synthetic demo layouts: names, cells, ranks, entries.

:mod:`parlib.demo.panel` makes the figures; the province, department, district and
aggregate layouts (:mod:`parlib.demo.province_tables`, :mod:`parlib.demo.department_tables`,
:mod:`parlib.demo.district_tables`, :mod:`parlib.demo.aggregate_tables`) lay them out
with the headers, cells, ranks (``05/63``) and ``dataset.yaml`` entries defined here.
The text and bytes are written by :mod:`parlib.demo.writers`.
"""

from __future__ import annotations

from collections.abc import Sequence

import pandas as pd

from parlib.demo.writers import fmt_number

SOURCE_ID = "parlib-demo"
ABSENT = "<absent>"  # marker of a row left out of its table
SYNTHETIC_NOTE = (
    "Ghi chú: dữ liệu tổng hợp giả lập (synthetic) do parlib sinh ra, không phải số liệu thật."
)
PAR_NAMES = {
    "direction": "Công tác chỉ đạo, điều hành cải cách hành chính",
    "institutions": "Xây dựng và tổ chức thực hiện văn bản quy phạm pháp luật",
    "procedures": "Cải cách thủ tục hành chính",
    "apparatus": "Cải cách tổ chức bộ máy hành chính nhà nước",
    "civil_service": "Cải cách chế độ công vụ",
    "public_finance": "Cải cách tài chính công",
    "e_government": "Xây dựng và phát triển Chính quyền điện tử, Chính quyền số",
    "impact": (
        "Tác động của cải cách hành chính đến người dân, tổ chức và phát triển kinh tế - xã hội"
    ),
}
PAR_SHORT = (
    "Công tác chỉ đạo, điều hành CCHC",
    "Xây dựng và tổ chức thực hiện văn bản QPPL",
    "Cải cách TTHC",
    "Cải cách tổ chức bộ máy",
    "Cải cách chế độ công vụ",
    "Cải cách tài chính công",
    "Xây dựng và phát triển chính quyền điện tử",
)
SIPAS_NAMES = {
    "access": "Tiếp cận dịch vụ hành chính công",
    "procedures": "Thủ tục hành chính",
    "civil_servants": "Sự phục vụ của công chức",
    "results": "Kết quả cung ứng dịch vụ hành chính công",
    "feedback": "Tiếp nhận, giải quyết góp ý, phản ánh, kiến nghị",
}
PAPI_KEYS = tuple(f"D{i}" for i in range(1, 9))
PAR_KEYS = tuple(PAR_NAMES)
DEPT_KEYS = PAR_KEYS[:7]

Output = tuple[str, bytes, list[dict]]


def wide_by_year(
    data: pd.DataFrame,
    column: str,
    styles: Sequence[str],
    *,
    key: str,
    unit: str,
    marker: str = "marker",
) -> tuple[list[str], list[list]]:
    """Return the header and rows of a table with one column per year, headers in turn styled.

    Parameters
    ----------
    data
        Figures with ``year``, ``name``, ``key``, ``column`` and ``marker`` columns.
    column
        The column whose values fill the year columns.
    styles
        Header formats for the year columns, used in turn.
    key, unit
        The column identifying a row, and the header of the name column.
    marker
        The column of missing markers written instead of a value.

    Returns
    -------
    tuple of (list of str, list of list)
        The header and the rows.
    """
    text = [marker_of(r, marker) or fmt_number(getattr(r, column)) for r in data.itertuples()]
    wide = data.assign(text=text).pivot(index=key, columns="year", values="text").fillna("")
    order = pd.unique(data[key])
    names = dict(zip(data[key], data["name"]))
    header = ["STT", unit, *(styles[i % len(styles)].format(y) for i, y in enumerate(wide.columns))]
    return header, [[i, names[k], *wide.loc[k]] for i, k in enumerate(order, 1)]


def file_entry(path: str, **defaults: object) -> dict:
    """Return the ``dataset.yaml`` entry of one demo file.

    Parameters
    ----------
    path
        File name inside the demo folder.
    **defaults
        Further keys of the entry (index, level, notes, ...).

    Returns
    -------
    dict
        ``path`` and ``source`` first, then ``defaults``.
    """
    return {"path": path, "source": SOURCE_ID, **defaults}


def present_rows(frame: pd.DataFrame) -> pd.DataFrame:
    """Return the rows not left out of their table (marker other than ``ABSENT``).

    Parameters
    ----------
    frame
        Figures with a ``marker`` column.

    Returns
    -------
    pandas.DataFrame
        The rows to write.
    """
    return frame.loc[frame["marker"].ne(ABSENT)]


def rank_rows(
    frame: pd.DataFrame,
    column: str,
    marker: str = "marker",
    *,
    by: Sequence[str] = ("year",),
    padded: bool = False,
) -> pd.Series:
    """Return each row's rank within its ranking; ties share the best rank, markers get none.

    Parameters
    ----------
    frame
        Figures to rank.
    column, marker
        The ranked column and its missing markers.
    by
        The columns that define one ranking.
    padded
        Write ranks as ``05/63`` (rank over the number ranked).

    Returns
    -------
    pandas.Series
        Ranks (NaN or ``""`` for unranked rows), on ``frame``'s index.
    """
    valid = frame[marker].isna()
    groups = [frame[k] for k in by]
    rank = frame[column].where(valid).groupby(groups).rank(method="min", ascending=False)
    if not padded:
        return rank
    count = valid.groupby(groups).transform("sum")
    return pd.Series(
        [f"{int(r):02d}/{int(c)}" if r == r else "" for r, c in zip(rank, count)], index=frame.index
    )


def ranked_rows(frame: pd.DataFrame, *, by: Sequence[str] = ("year",), padded: bool = False):
    """Yield (row number within its ranking, rank of the total, row) for each row.

    Parameters
    ----------
    frame
        Figures with ``total`` and ``marker``.
    by, padded
        As in :func:`rank_rows`.

    Returns
    -------
    iterator of tuple
        Row number, rank and the ``itertuples`` row.
    """
    ranks = rank_rows(frame, "total", by=by, padded=padded)
    stt = frame.groupby(list(by), sort=False).cumcount() + 1
    for r in frame.itertuples():
        yield int(stt[r.Index]), ranks[r.Index], r


def row_cells(
    row,
    keys,
    marker: str = "marker",
    *,
    decimals: int = 2,
    comma: bool = False,
    as_float: bool = False,
) -> list:
    """Return the row's values as published, or its missing marker in every cell.

    Parameters
    ----------
    row
        A row from ``DataFrame.itertuples``.
    keys
        The columns to write.
    marker
        The column of the row's missing marker.
    decimals, comma
        Decimals and decimal comma of the written numbers.
    as_float
        Return rounded floats instead of text (for XLSX cells).

    Returns
    -------
    list
        One cell per key.
    """
    text = marker_of(row, marker)
    if text is not None:
        return [text] * len(keys)
    values = [float(getattr(row, k)) for k in keys]
    if as_float:
        return [round(v, decimals) for v in values]
    return [fmt_number(v, decimals, comma=comma) for v in values]


def marker_of(row, column: str) -> str | None:
    """Return the row's missing marker in ``column``, or None if it has a value.

    Parameters
    ----------
    row
        A row from ``DataFrame.itertuples``.
    column
        Name of the marker column.

    Returns
    -------
    str or None
        The marker text (``KĐG``, ``-``, ...) or None.
    """
    value = getattr(row, column)
    return value if isinstance(value, str) else None


def int_or_blank(value: float) -> int | str:
    """Return a rank as an int, or an empty cell for a missing rank.

    Parameters
    ----------
    value
        A rank, NaN when the row is not ranked.

    Returns
    -------
    int or str
        The rank, or ``""``.
    """
    return "" if value != value else int(value)
