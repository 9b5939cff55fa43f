"""Parse the cells of published score tables: scores, ranks and years.

Every parser takes a :class:`pandas.Series` of raw cells (text, numbers read from
XLSX, None/NaN) and returns new data indexed like the input. Each distinct value
is parsed once and the results are broadcast back, so a million cells with a few
thousand distinct values take well under a second. Bad values never raise: they
get a short reason, naming the value, in the ``error`` column.

Text is read as Unicode NFC with spacing collapsed (non-breaking spaces
included) and case ignored, so "90,9 ĐIỂM" in decomposed form reads as points.

Number rules:

- A comma or a point may be the decimal mark: ``98,56`` and ``98.56`` are 98.56.
- When both appear, the last one is the decimal mark and the other must group
  exactly three digits: ``1.234,5`` and ``1,234.5`` are 1234.5, ``1.23,5`` is an
  error.
- A single separator is always the decimal mark, even before exactly three
  digits: ``91.651`` is 91.651, not 91651. Scores, percents and points in these
  tables are below 1000, so the thousands reading never makes sense.
- One separator used twice (``98,56,1``, ``1.234.5``) is an error.
- ``+``, ``-`` and the minus signs ``−``/``–`` are read; validation rejects
  negative scores later. Exponents (``1e3``), ``inf`` and ``nan`` are errors.
- Excel error values (``#N/A``, ``#DIV/0!``) and formulas saved without their
  result (``=C3+D3``) are errors, not missing markers: a formula failed there.
"""

from __future__ import annotations

import math
import re
import unicodedata
from collections.abc import Callable

import numpy as np
import pandas as pd

from parlib.text import categorical as to_categorical
from parlib.text import match_key

__all__ = ["detect_decimal_styles", "parse_numbers", "parse_ranks", "parse_score",
           "parse_scores", "parse_years"]

_NUM = r"[+-]?[0-9]+(?:[.,][0-9]+)*"  # ASCII digits only: float() reads "٣" too
_SPACE = re.compile(r"\s+")
_INVISIBLE = str.maketrans({"\u200b": None, "\ufeff": None, "\u00ad": None})
_MINUS = str.maketrans({"\u2212": "-", "\u2013": "-"})
_STYLES = {",": "comma", ".": "point"}
_GROUPED = {sep: re.compile(rf"[0-9]{{1,3}}(?:\{sep}[0-9]{{3}})+") for sep in ",."}
# Missing markers, compared through match_key (case, diacritics and punctuation ignored).
_DIGIT = re.compile(r"[0-9]")
_DASHES = re.compile(r"[-\u2012\u2013\u2014\u2015\u2212]+")
_MARKERS = frozenset({"x", "na", "n a", "kdg", "khong danh gia", "chua danh gia",
                      "khong xep hang", "kxh", "kcdl", "khong co du lieu", "no data"})
# Excel error values: a formula that failed, not a marker for a missing figure ("#N/A").
_EXCEL_ERROR = re.compile(
    r"#(?:n/a|div/0!|value!|ref!|name\?|num!|null!|spill!|calc!|getting_data)")
_COMBO = re.compile(r"(.+?) ?(?:= ?(.+)|\((.+)\))")
_TERM = re.compile(rf"(?P<num>{_NUM})(?: ?/ ?(?P<max>{_NUM}))?(?: ?(?P<unit>%|điểm|diem|đ))?")
_NOT_WHOLE = "is not a rank: a rank must be a positive whole number"
_ORDINALS = {"nhất": 1, "nhì": 2, "ba": 3}
_RANK = re.compile(
    r"(?:(?P<tie1>đồng hạng) (?:thứ )?|(?:(?:xếp|đứng) )?(?:hạng|thứ) )?"
    r"(?P<rank>[+-]?[0-9]{1,9}(?:[.,][0-9]+)?|nhất|nhì|ba)(?P<tie2> ?=)?"
    r"(?: ?/ ?(?P<n>[0-9]{1,9})(?: [^\W\d_]+(?:,? [^\W\d_]+)*)?)?"
    r"(?P<tie3> ?\(đồng hạng\))?"
)
_YEAR = re.compile(r"(?:năm ?|year ?)?(?P<year>[0-9]{1,9}(?:[.,]0+)?)(?: ?\([^()]*\))?")
_YEAR_RANGE = re.compile(r"(?:năm ?|year ?)?[0-9]{4} ?[-/] ?[0-9]{2,4}(?: ?\([^()]*\))?")

_NAN = float("nan")
_NO_STYLE: frozenset[str] = frozenset()
_SCORE_NA = (_NAN, _NAN, _NAN, _NAN, None, None, _NO_STYLE)
_SCORE_COLUMNS = ("number", "percent", "points", "max_points", "marker", "error")


class _Bad(Exception):
    """A value that cannot be read; the message completes "'<value>' ..."."""


def parse_scores(values: pd.Series, *, categorical: bool = False) -> pd.DataFrame:
    """Read score cells as a number, a percent, points over a maximum, or a missing marker.

    Parameters
    ----------
    values
        Raw cells: text as published, numbers read from XLSX, None or NaN. Not modified.
    categorical
        Return ``marker`` and ``error`` as Categoricals (each text held once), as the
        cleaning pipeline does for large tables.

    Returns
    -------
    pandas.DataFrame
        Indexed like ``values``, with float columns ``number`` (no unit), ``percent``
        (``%``), ``points`` (``điểm``, ``đ`` or ``x/max``) and ``max_points``, and object
        columns ``marker`` (the missing marker as written, e.g. ``"KĐG"``) and ``error``
        (why the value cannot be read). Blank cells are missing with no marker.

    Examples
    --------
    >>> out = parse_scores(pd.Series(["98,56", "81,33%", "40,62/80", "68,32 điểm (81,33%)",
    ...                               "KĐG", "abc"]))
    >>> out[["number", "percent", "points", "max_points"]]
       number  percent  points  max_points
    0   98.56      NaN     NaN         NaN
    1     NaN    81.33     NaN         NaN
    2     NaN      NaN   40.62        80.0
    3     NaN    81.33   68.32         NaN
    4     NaN      NaN     NaN         NaN
    5     NaN      NaN     NaN         NaN
    >>> out["marker"].tolist(), out["error"].tolist()[-1]
    ([None, None, None, None, 'KĐG', None], "'abc' is not a number")
    """
    values, codes, columns = _per_distinct(values, _score, _SCORE_NA)
    data = {name: _objects(col, codes, categorical) if name in ("marker", "error")
            else _floats(col, codes)
            for name, col in zip(_SCORE_COLUMNS, columns[:6], strict=True)}
    return _frame(data, values.index)


def parse_score(value: object) -> dict[str, object]:
    """Read one score cell; a single-value :func:`parse_scores` for docs and tests.

    Parameters
    ----------
    value
        One raw cell.

    Returns
    -------
    dict
        The :func:`parse_scores` columns as keys, with None where the column is empty.

    Examples
    --------
    >>> {k: v for k, v in parse_score("81,33% (68,32 điểm)").items() if v is not None}
    {'percent': 81.33, 'points': 68.32}
    >>> parse_score("1.234.5")["error"]
    "'1.234.5' mixes separators ambiguously"
    """
    parsed = _score(value)[:6]
    return {k: None if isinstance(v, float) and math.isnan(v) else v
            for k, v in zip(_SCORE_COLUMNS, parsed, strict=True)}


def parse_numbers(values: pd.Series) -> pd.Series:
    """Return each cell's number, else its percent, else its points, else NaN.

    Parameters
    ----------
    values
        Raw cells, as for :func:`parse_scores`.

    Returns
    -------
    pandas.Series
        Float64, indexed and named like ``values``; markers and errors are NaN.

    Examples
    --------
    >>> parse_numbers(pd.Series(["98,56", "81,33 %", "90,9đ", "-", 7])).tolist()
    [98.56, 81.33, 90.9, nan, 7.0]
    """
    values, codes, columns = _per_distinct(values, _score, _SCORE_NA)
    number, percent, points = (np.asarray(col, dtype=np.float64) for col in columns[:3])
    # Each distinct cell's number is found once; the rows then pick theirs.
    first = np.where(np.isnan(number), np.where(np.isnan(percent), points, percent), number)
    return pd.Series(first[codes], index=values.index, name=getattr(values, "name", None))


def detect_decimal_styles(values: pd.Series) -> set[str]:
    """Return the decimal marks ("comma", "point") used by the readable text cells.

    Parameters
    ----------
    values
        Raw cells, as for :func:`parse_scores`.

    Returns
    -------
    set of str
        Empty, ``{"comma"}``, ``{"point"}`` or both, which means the column mixes styles.
        Cells without a decimal mark, numbers from XLSX and unreadable cells are ignored.

    Examples
    --------
    >>> sorted(detect_decimal_styles(pd.Series(["98,56", "97.1", "100", "1.234,5"])))
    ['comma', 'point']
    """
    _, uniques = pd.factorize(_as_series(values), use_na_sentinel=True)
    return set().union(*(_score(v)[6] for v in uniques if isinstance(v, str)))


def parse_ranks(values: pd.Series, *, categorical: bool = False) -> pd.DataFrame:
    """Read rank cells such as "01/18", "Hạng 1", "xếp thứ 3/17", "3=" or "Nhì".

    Ranks above the number of units (19/18) are left to validation; a rank that is
    not a positive whole number (0, -1, 2.5) is an error, and so is "1/0".

    Parameters
    ----------
    values
        Raw cells: text as published, numbers read from XLSX, None or NaN. Not modified.
    categorical
        Return ``marker`` and ``error`` as Categoricals.

    Returns
    -------
    pandas.DataFrame
        Indexed like ``values``, with ``rank`` and ``n_units`` (Int64), ``tied``
        (boolean: "3=", "đồng hạng 3", "3 (đồng hạng)"), ``marker`` and ``error`` (object).

    Examples
    --------
    >>> out = parse_ranks(pd.Series(["01/18", "Hạng 2", "3= ", "xếp thứ 3/17 sở", "0"]))
    >>> out[["rank", "n_units", "tied"]].astype(object).values.tolist()
    [[1, 18, False], [2, <NA>, False], [3, <NA>, True], [3, 17, False], [<NA>, <NA>, <NA>]]
    >>> out["error"].iloc[-1]
    "'0' is not a rank: a rank must be a positive whole number"
    """
    values, codes, (rank, n_units, tied, marker, error) = _per_distinct(
        values, _rank, (None, None, None, None, None))
    data = {"rank": _masked(rank, codes), "n_units": _masked(n_units, codes),
            "tied": _masked(tied, codes, pd.arrays.BooleanArray, bool),
            "marker": _objects(marker, codes, categorical),
            "error": _objects(error, codes, categorical)}
    return _frame(data, values.index)


def parse_years(values: pd.Series, *, categorical: bool = False) -> pd.DataFrame:
    """Read year cells such as "2021", 2021.0, "Năm 2021" or "2021 (%)".

    Parameters
    ----------
    values
        Raw cells: text as published, numbers read from XLSX, None or NaN. Not modified.
    categorical
        Return ``error`` as a Categorical.

    Returns
    -------
    pandas.DataFrame
        Indexed like ``values``, with ``year`` (Int64) and ``error`` (object). Two-digit
        years, ranges such as "2021-2022" and missing markers such as "-" are errors.

    Examples
    --------
    >>> out = parse_years(pd.Series(["Năm 2021", 2022.0, "21", "2021-2022"]))
    >>> out["year"].tolist()
    [2021, 2022, <NA>, <NA>]
    >>> out["error"].tolist()[2:]
    ["'21' is not a four-digit year", "'2021-2022' is a range of years, not one year"]
    """
    values, codes, (year, error) = _per_distinct(values, _year, (None, None))
    return _frame({"year": _masked(year, codes), "error": _objects(error, codes, categorical)},
                  values.index)


# -- one distinct value --------------------------------------------------------------------


def _prepare(value: object) -> tuple[str | None, float | None]:
    """Return ``(text, None)`` for a text cell, ``(None, number)`` for a numeric cell."""
    if value is None or value is pd.NA or value is pd.NaT:
        return None, None
    if isinstance(value, (int, float, np.integer, np.floating)) and not isinstance(
            value, (bool, np.bool_)):
        try:
            number = float(value)
        except OverflowError:
            number = math.inf
        return None, (None if math.isnan(number) else number)
    text = unicodedata.normalize("NFC", str(value)).translate(_INVISIBLE)
    return _SPACE.sub(" ", text).strip() or None, None


def _show(value: object) -> str:
    """Return the repr of a bad value for an error message, cut to 60 characters."""
    text = repr(value)
    return text if len(text) <= 60 else text[:58] + "…" + text[-1]


def _is_marker(text: str) -> bool:
    if _DIGIT.search(text):  # markers are words or dashes: a digit rules one out
        return False
    return bool(_DASHES.fullmatch(text)) or match_key(text) in _MARKERS


def _unreadable(text: str) -> str | None:
    """Say why a cell holds no value at all: an Excel error, or a formula never computed."""
    if _EXCEL_ERROR.fullmatch(text.casefold()):
        return f"{_show(text)} is an Excel error: the formula that computed it failed"
    if text.startswith("="):
        return (f"{_show(text)} is a formula whose result was not saved in the file (open it "
                "in Excel or LibreOffice and save it)")
    return None


def _number(token: str) -> tuple[float, str | None]:
    """Return the value and decimal style of a token matching ``_NUM``."""
    body = token.lstrip("+-")
    seps = [ch for ch in body if ch in ",."]
    mark = seps[-1] if seps else None
    if mark is not None:
        head, frac = body.rsplit(mark, 1)
        if mark in head:
            groups = body.split(mark)
            if len(set(seps)) == 1 and len(groups[0]) <= 3 and all(
                    len(g) == 3 for g in groups[1:-1]):
                raise _Bad("mixes separators ambiguously")
            raise _Bad("has more than one decimal mark")
        thousands = "," if mark == "." else "."
        if thousands in head:
            if not _GROUPED[thousands].fullmatch(head):
                raise _Bad("mixes separators ambiguously")
            head = head.replace(thousands, "")
        body = f"{head}.{frac}"
    number = float(body)
    if not math.isfinite(number):
        raise _Bad("is too large to be a number")
    return (-number if token.startswith("-") else number), _STYLES.get(mark)


def _term(part: str) -> tuple[str, float, float, set]:
    """Read "98,56", "81,33%", "90,9 điểm" or "40,62/80" as (kind, value, max, styles)."""
    m = _TERM.fullmatch(part)
    if m is None or (m["max"] and m["unit"] == "%"):
        raise _Bad("is not a number")
    value, style = _number(m["num"])
    maximum, max_style = _number(m["max"]) if m["max"] else (_NAN, None)
    kind = "percent" if m["unit"] == "%" else "points" if m["unit"] or m["max"] else "number"
    return kind, value, maximum, {style, max_style} - {None}


def _score(value: object) -> tuple:
    """Return (number, percent, points, max_points, marker, error, styles) of one cell."""
    text, number = _prepare(value)
    if number is not None:
        if math.isfinite(number):
            return (number, *_SCORE_NA[1:])
        return (*_SCORE_NA[:5], f"{_show(value)} is not a finite number", _NO_STYLE)
    if text is None:
        return _SCORE_NA
    if (why := _unreadable(text)) is not None:
        return (*_SCORE_NA[:5], why, _NO_STYLE)
    if _is_marker(text):
        return (*_SCORE_NA[:4], text, None, _NO_STYLE)
    try:
        terms = _terms(text.casefold().translate(_MINUS))
    except _Bad as bad:
        return (*_SCORE_NA[:5], f"{_show(text)} {bad}", _NO_STYLE)
    out = dict.fromkeys(_SCORE_COLUMNS[:4], _NAN)
    for kind, number, maximum, _ in terms:
        out[kind] = number
        if not math.isnan(maximum):
            out["max_points"] = maximum
    return (*out.values(), None, None, frozenset().union(*(t[3] for t in terms)))


def _terms(key: str) -> list[tuple[str, float, float, set]]:
    """Split "68,32 điểm = 81,33%" or "68,32 (81,33%)" into terms; a lone term stays."""
    combo = _COMBO.fullmatch(key)
    terms = [_term(p) for p in ((combo[1], combo[2] or combo[3]) if combo else (key,))]
    if len(terms) == 1:
        return terms
    if [kind for kind, *_ in terms].count("percent") != 1:
        raise _Bad("has two values that are not points and a percent")
    # Beside a percent, a bare number is points: "68,32 (81,33%)".
    return [(k if k == "percent" else "points", *rest) for k, *rest in terms]


def _whole(token: str) -> int | None:
    """Return the positive whole number written as "3", "03", "+3" or "3.0", else None."""
    head, _, frac = token.replace(",", ".").partition(".")
    if head.startswith("-") or frac.strip("0"):
        return None
    return int(head) or None


def _rank(value: object) -> tuple:
    """Return (rank, n_units, tied, marker, error) of one cell."""
    text, number = _prepare(value)
    if text is None:  # missing, or a number read from XLSX
        if number is None:
            return None, None, None, None, None
        if number.is_integer() and 1 <= number < 1e9:
            return int(number), None, False, None, None
        return None, None, None, None, f"{_show(value)} {_NOT_WHOLE}"
    if (why := _unreadable(text)) is not None:
        return None, None, None, None, why
    if _is_marker(text):
        return None, None, None, text, None
    m = _RANK.fullmatch(text.casefold().translate(_MINUS))
    if m is None:
        return None, None, None, None, f"{_show(text)} is not a rank"
    rank = _ORDINALS.get(m["rank"]) or _whole(m["rank"])
    if rank is None:
        return None, None, None, None, f"{_show(text)} {_NOT_WHOLE}"
    n_units = int(m["n"]) if m["n"] else None
    if n_units == 0:
        return None, None, None, None, f"{_show(text)} ranks among 0 units"
    return rank, n_units, bool(m["tie1"] or m["tie2"] or m["tie3"]), None, None


def _year(value: object) -> tuple[int | None, str | None]:
    """Return (year, error) of one cell."""
    text, number = _prepare(value)
    if number is not None:
        if number.is_integer() and 1000 <= number <= 9999:
            return int(number), None
        return None, f"{_show(value)} is not a four-digit year"
    if text is None:
        return None, None
    key = text.casefold().translate(_MINUS)
    if _YEAR_RANGE.fullmatch(key):
        return None, f"{_show(text)} is a range of years, not one year"
    m = _YEAR.fullmatch(key)
    year = _whole(m["year"]) if m else None
    if year is None or not 1000 <= year <= 9999:
        return None, f"{_show(text)} is not a four-digit year"
    return year, None


# -- broadcasting --------------------------------------------------------------------------


def _per_distinct(values: pd.Series, parse: Callable, na_row: tuple):
    """Parse each distinct value once; return (values, codes, result columns).

    The result columns end with ``na_row``, so code -1 (missing) selects it.
    """
    values = _as_series(values)
    codes, uniques = pd.factorize(values, use_na_sentinel=True)
    suspects = [i for i, v in enumerate(uniques) if _maybe_bool(v)]
    if suspects and values.dtype == object:
        # factorize equates True with 1 and False with 0: recode those rows, booleans as text.
        at = np.flatnonzero(np.isin(codes, suspects))
        keys = [str(v) if isinstance(v, (bool, np.bool_)) else v for v in values.to_numpy()[at]]
        more_codes, more = pd.factorize(np.asarray(keys, dtype=object))
        codes[at] = more_codes + len(uniques)
        uniques = [*uniques, *more]
    rows = _parse_each(uniques, parse)
    rows.append(na_row)
    return values, codes, list(zip(*rows, strict=True))


_MEMO_SIZE = 1 << 16
_memo: dict[Callable, dict] = {}


def _parse_each(uniques, parse: Callable) -> list[tuple]:
    """``[parse(v) for v in uniques]``, remembering up to ``_MEMO_SIZE`` answers per parser.

    The parsers are pure, so a cell text seen before (in an earlier block of a
    large table, or an earlier file) is not read again. Keys hold the type: 1, 1.0
    and True are different cells.
    """
    memo = _memo.setdefault(parse, {})
    if len(memo) + len(uniques) > _MEMO_SIZE:
        memo.clear()
    rows = []
    for value in uniques:
        key = (type(value), value)
        row = memo.get(key)
        if row is None:
            row = memo[key] = parse(value)
        rows.append(row)
    return rows


def _maybe_bool(value: object) -> bool:
    return isinstance(value, (bool, np.bool_)) or (
        isinstance(value, (int, float, np.number)) and value in (0, 1))


def _as_series(values: object) -> pd.Series:
    return values if isinstance(values, pd.Series) else pd.Series(values, dtype=object)


def _frame(data: dict, index: pd.Index) -> pd.DataFrame:
    frame = pd.DataFrame(data)  # columns share a RangeIndex, so nothing is aligned
    frame.index = index
    return frame


def _floats(column: tuple, codes: np.ndarray) -> np.ndarray:
    return np.asarray(column, dtype=np.float64)[codes]


def _objects(column: tuple, codes: np.ndarray, categorical: bool = False
             ) -> pd.Series | pd.Categorical:
    if categorical:  # code -1 picks the last entry of ``column``, which is None
        return to_categorical(codes, column)
    return pd.Series(np.asarray(column, dtype=object)[codes], dtype=object, copy=False)


def _masked(column: tuple, codes: np.ndarray, array=pd.arrays.IntegerArray, dtype=np.int64):
    """Return a nullable Int64 (or boolean) array; None in ``column`` is NA."""
    mask = np.fromiter((v is None for v in column), dtype=bool, count=len(column))
    data = np.fromiter((v or 0 for v in column), dtype=dtype, count=len(column))
    return array(data[codes], mask[codes])
