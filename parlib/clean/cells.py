"""Read one cell of a published score table: a score, a rank or a year.

Each reader takes one raw cell (text, a number read from XLSX, None/NaN) and
returns a tuple of its parts; a bad value never raises but gets a short reason,
naming the value. :mod:`parlib.clean.values` calls these once per distinct value
of a column and spreads the answers over the rows.

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

import numpy as np
import pandas as pd

from parlib.text import match_key

__all__ = ["NO_SCORE", "SCORE_FIELDS", "parse_rank_cell", "parse_score_cell", "parse_year_cell"]

_NUM = r"[+-]?[0-9]+(?:[.,][0-9]+)*"  # ASCII digits only: float() reads "٣" too
_SPACE = re.compile(r"\s+")
_INVISIBLE = str.maketrans({"\u200b": None, "\ufeff": None, "\u00ad": None})
_MINUS = str.maketrans({"\u2212": "-", "\u2013": "-"})
_STYLES = {",": "comma", ".": "point"}
_GROUPED = {sep: re.compile(rf"[0-9]{{1,3}}(?:\{sep}[0-9]{{3}})+") for sep in ",."}
# Missing markers, compared through match_key (case, diacritics and punctuation ignored).
_DIGIT = re.compile(r"[0-9]")
_DASHES = re.compile(r"[-\u2012\u2013\u2014\u2015\u2212]+")
_MARKERS = frozenset(
    {
        "x",
        "na",
        "n a",
        "kdg",
        "khong danh gia",
        "chua danh gia",
        "khong xep hang",
        "kxh",
        "kcdl",
        "khong co du lieu",
        "no data",
    }
)
# Excel error values: a formula that failed, not a marker for a missing figure ("#N/A").
_EXCEL_ERROR = re.compile(
    r"#(?:n/a|div/0!|value!|ref!|name\?|num!|null!|spill!|calc!|getting_data)"
)
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
#: What :func:`parse_score_cell` returns for a blank cell.
NO_SCORE = (_NAN, _NAN, _NAN, _NAN, None, None, _NO_STYLE)
#: The names of the first six entries :func:`parse_score_cell` returns.
SCORE_FIELDS = ("number", "percent", "points", "max_points", "marker", "error")


class _Bad(Exception):
    """A value that cannot be read; the message completes "'<value>' ..."."""


def _prepare(value: object) -> tuple[str | None, float | None]:
    """Return ``(text, None)`` for a text cell, ``(None, number)`` for a numeric cell."""
    if value is None or value is pd.NA or value is pd.NaT:
        return None, None
    if isinstance(value, (int, float, np.integer, np.floating)) and not isinstance(
        value, (bool, np.bool_)
    ):
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
        return (
            f"{_show(text)} is a formula whose result was not saved in the file (open it "
            "in Excel or LibreOffice and save it)"
        )
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
            if (
                len(set(seps)) == 1
                and len(groups[0]) <= 3
                and all(len(g) == 3 for g in groups[1:-1])
            ):
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
    return (-number if token.startswith("-") else number), None if mark is None else _STYLES[mark]


def _term(part: str) -> tuple[str, float, float, set]:
    """Read "98,56", "81,33%", "90,9 điểm" or "40,62/80" as (kind, value, max, styles)."""
    m = _TERM.fullmatch(part)
    if m is None or (m["max"] and m["unit"] == "%"):
        raise _Bad("is not a number")
    value, style = _number(m["num"])
    maximum, max_style = _number(m["max"]) if m["max"] else (_NAN, None)
    kind = "percent" if m["unit"] == "%" else "points" if m["unit"] or m["max"] else "number"
    return kind, value, maximum, {style, max_style} - {None}


def parse_score_cell(value: object) -> tuple:
    """Return (number, percent, points, max_points, marker, error, styles) of one cell.

    Floats are NaN and ``marker``/``error`` None where the cell has no such part;
    ``styles`` is the frozenset of decimal marks ("comma", "point") its text used.
    """
    text, number = _prepare(value)
    if number is not None:
        if math.isfinite(number):
            return (number, *NO_SCORE[1:])
        return (*NO_SCORE[:5], f"{_show(value)} is not a finite number", _NO_STYLE)
    if text is None:
        return NO_SCORE
    if (why := _unreadable(text)) is not None:
        return (*NO_SCORE[:5], why, _NO_STYLE)
    if _is_marker(text):
        return (*NO_SCORE[:4], text, None, _NO_STYLE)
    try:
        terms = _terms(text.casefold().translate(_MINUS))
    except _Bad as bad:
        return (*NO_SCORE[:5], f"{_show(text)} {bad}", _NO_STYLE)
    out = dict.fromkeys(SCORE_FIELDS[:4], _NAN)
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
    return [(k if k == "percent" else "points", v, m, s) for k, v, m, s in terms]


def _whole(token: str) -> int | None:
    """Return the positive whole number written as "3", "03", "+3" or "3.0", else None."""
    head, _, frac = token.replace(",", ".").partition(".")
    if head.startswith("-") or frac.strip("0"):
        return None
    return int(head) or None


def parse_rank_cell(value: object) -> tuple:
    """Return (rank, n_units, tied, marker, error) of one cell.

    Entries the cell does not give are None; see :func:`parlib.clean.values.parse_ranks`
    for the forms read.
    """
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


def parse_year_cell(value: object) -> tuple[int | None, str | None]:
    """Return (year, error) of one cell.

    ``year`` is None when the cell is blank or cannot be read, and ``error`` says why
    in the second case; see :func:`parlib.clean.values.parse_years` for the forms read.
    """
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
