"""Recognise what each column of a raw table holds, then melt the table to long form.

The header vocabulary is data: ``parlib/reference/headers.csv`` lists each
``alias`` with its ``role`` and, where the alias names an index ("SIPAS",
"Chỉ số CCHC") or a scale ("Tỷ lệ"), that ``index`` or ``scale``. Headers are
compared through :func:`parlib.text.match_key`, so case, spacing, punctuation
and diacritics do not matter.

A header may combine words: "Xếp hạng SIPAS" is the rank of the SIPAS index,
"Điểm 2021" the score for 2021, and a two-line header "Năm 2021 | Xếp hạng"
the rank for 2021. A trailing bracket gives the scale or maximum:
"Điểm (%)", "Cải cách TTHC (9 điểm)", "(tối đa 9)".
"""

from __future__ import annotations

import csv
import difflib
import re
import unicodedata
import warnings
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, replace
from functools import cache
from pathlib import Path
from typing import TYPE_CHECKING, NamedTuple

import numpy as np
import pandas as pd

from parlib.errors import HeaderError
from parlib.reference import component_spellings
from parlib.text import categorical as to_categorical
from parlib.text import clean_text, distinct, match_key, mostly_words, objects

if TYPE_CHECKING:
    from parlib.ingest.read import RawTable

__all__ = ["AGGREGATE_COLUMNS", "LONG_RAW_COLUMNS", "HeaderRole", "classify_header",
           "melt_aggregates", "melt_table", "recognize_columns", "unrecognized_columns"]

LONG_RAW_COLUMNS = ("raw_row", "raw_column", "unit", "province", "year", "level", "index",
                    "component", "score", "score_scale", "points", "max_points", "rank", "n_units",
                    "note",
                    "derivation", "source", "unit_type")
AGGREGATE_COLUMNS = ("raw_row", "province", "year", "level", "index", "component", "statistic",
                     "value", "lower", "upper", "unit", "note", "source")
ComponentLookup = Mapping[str, Sequence[tuple[str, str]]]

_MEASURES = frozenset({"score", "rank", "max_points", "points"})
_TAKES_HINTS = frozenset({"score", "rank", "max_points", "grade", "index"})
_CLASHING = frozenset({"score", "rank", "max_points", "grade"})
_CONNECTORS = frozenset({"va", "and", "hoac", "or"})
_MAX_TOKENS = 12
_YEAR_KEY = re.compile(r"(?:(?:nam|year) )?((?:19|20)\d\d)")
_NUMBERING = re.compile(r"^\d{1,2}(?: \d{1,2})? (?=[^\d ])")  # the "1.1:" of "1.1: Civic Knowledge"
_BRACKET = re.compile(r"^(.*?)\s*[(\[]([^()\[\]]*)[)\]]\s*$")
_MAXIMUM = re.compile(r"(?:(toi da|max|maximum|thang diem|tren)\s*:?\s*)?(/)?\s*"
                      r"(\d+(?:[.,]\d+)?)\s*(diem|d|points?|pts)?\.?")
_NOTE_START = re.compile(r"^(ghi chu|chu thich|luu y|nguon|note|notes|source)\b")


@dataclass(frozen=True)
class HeaderRole:
    """What one column holds, with the hints its header gives.

    ``index``, ``component`` and ``year`` say which figure a score, rank or
    maximum column holds ("Xếp hạng SIPAS", "D1", "Năm 2021"); ``scale``
    ("percent" or "points") and ``max_points`` come from a bracket.
    """

    role: str
    index: str | None = None
    component: str | None = None
    year: int | None = None
    scale: str | None = None
    max_points: float | None = None

    @property
    def hints(self) -> tuple[str | None, str | None, int | None]:
        """Return ``(index, component, year)``, the keys that pair a rank with its score."""
        return (self.index, self.component, self.year)


@dataclass(frozen=True)
class _Clash:
    problem: str
    fix: str


_TWO_ROLES_FIX = ("give each figure its own column with its own header, for example 'Điểm' and "
                  "'Xếp hạng' (see data/raw/README.md, 'Recognised headers')")


@cache
def _vocabulary() -> dict[str, HeaderRole]:
    path = Path(__file__).parents[1] / "reference" / "headers.csv"
    with path.open(encoding="utf-8", newline="") as handle:
        rows = list(csv.DictReader(handle))
    vocab: dict[str, HeaderRole] = {}
    for row in rows:
        role = HeaderRole(row["role"], index=row["index"] or None, scale=row["scale"] or None)
        key = match_key(row["alias"])
        if key is None or vocab.get(key, role) != role:
            msg = f"{path}: alias {row['alias']!r} is blank or listed with two roles."
            raise ValueError(msg)
        vocab[key] = role
    return vocab


def _index_code(name: str | None) -> str | None:
    if name is None:
        return None
    known = _vocabulary().get(match_key(name) or "")
    return known.index if known is not None and known.index else name.strip().upper()


def _plain(text: str) -> str:
    text = (clean_text(text) or "").replace("Đ", "d").replace("đ", "d")
    text = "".join(ch for ch in unicodedata.normalize("NFD", text) if not unicodedata.combining(ch))
    return text.casefold().strip()


def _bracket_unit(inner: str) -> dict | None:
    """Return the scale, maximum or year a bracket gives, or None if it gives none."""
    text = _plain(inner)
    if re.fullmatch(r"(ty le\s*)?%|phan tram|percent", text):
        return {"scale": "percent"}
    if text in ("diem", "d", "points", "point", "pts"):
        return {"scale": "points"}
    if year := re.fullmatch(r"(?:nam\s+)?((?:19|20)\d\d)", text):
        return {"year": int(year[1])}
    found = _MAXIMUM.fullmatch(text)
    if found and (found[1] or found[2] or found[4]):
        return {"scale": "points", "max_points": float(found[3].replace(",", "."))}
    return None


def _lookup(key: str, ctx: tuple) -> tuple[HeaderRole, bool] | _Clash | None:
    """Return (role, names-a-role-itself) for one alias, year or component name."""
    components, index, _ = ctx
    if (known := _vocabulary().get(key)) is not None:
        return known, known.index is None
    if year := _YEAR_KEY.fullmatch(key):
        return HeaderRole("score", year=int(year[1])), False
    pairs = sorted(set(components.get(key) or components.get(_NUMBERING.sub("", key)) or ()))
    if not pairs:
        return None
    if index is not None:
        pairs = [p for p in pairs if _index_code(p[0]) == index] or pairs
    if len({k for _, k in pairs}) > 1:
        return _Clash(f"the component name matches components of several indices {pairs}",
                      "set index: in dataset.yaml for this file")
    indices = {_index_code(i) for i, _ in pairs}
    return HeaderRole("score", index=indices.pop() if len(indices) == 1 else None,
                      component=pairs[0][1]), False


def _merge(a: tuple[HeaderRole, bool], b: tuple[HeaderRole, bool]):
    """Combine two words of one header ("Xếp hạng" + "SIPAS"); a _Clash if they conflict."""
    if a[0].role not in _TAKES_HINTS or b[0].role not in _TAKES_HINTS:
        return None
    claimed = {"score" if r.role == "index" else r.role for r, named in (a, b) if named}
    if len(claimed) > 1:
        if claimed <= _CLASHING:
            return _Clash(f"the header matches two roles ({' and '.join(sorted(claimed))})",
                          _TWO_ROLES_FIX)
        return None
    fields = {}
    for name in ("index", "component", "year", "scale", "max_points"):
        one, two = getattr(a[0], name), getattr(b[0], name)
        if one is not None and two is not None and one != two:
            return _Clash(f"the header names two values of {name} ({one} and {two})",
                          f"give each {name} its own column")
        fields[name] = one if one is not None else two
    return HeaderRole(claimed.pop() if claimed else "score", **fields), a[1] or b[1]


def _resolve(tokens: tuple[str, ...], ctx: tuple):
    memo = ctx[2]
    if tokens in memo:
        return memo[tokens]
    memo[tokens] = None
    found = _lookup(" ".join(tokens), ctx)
    if found is None and 2 <= len(tokens) <= _MAX_TOKENS:
        clash = None
        for i in range(1, len(tokens)):
            rights = [tokens[i:]]
            if tokens[i] in _CONNECTORS and i + 1 < len(tokens):
                rights.append(tokens[i + 1:])
            for right in rights:
                a, b = _resolve(tokens[:i], ctx), _resolve(right, ctx)
                if a is None or b is None:
                    continue
                merged = next((x for x in (a, b) if isinstance(x, _Clash)), None) or _merge(a, b)
                if isinstance(merged, _Clash):
                    clash = clash or merged
                elif merged is not None:
                    found = merged
                    break
            if found is not None:
                break
        found = found if found is not None else clash
    memo[tokens] = found
    return found


def _classify_part(text: str, ctx: tuple):
    base, extras, asides = text, {}, []
    while (m := _BRACKET.match(base)) and m[1]:
        unit = _bracket_unit(m[2])
        if unit is None:
            asides.append(m[2])
        else:
            extras = unit | extras
        base = m[1]
    key = match_key(base)
    found = _resolve(tuple(key.split()), ctx) if key else None
    if found is None and asides and (key := match_key(text)):
        found, asides = _resolve(tuple(key.split()), ctx), []
    if found is None or isinstance(found, _Clash):
        return found
    role, named = found
    for aside in asides:  # "Điểm (SIPAS)": a bracket may name the index, year or component
        hint = _resolve(tuple((match_key(aside) or "-").split()), ctx)
        merged = _merge((role, named), hint) if isinstance(hint, tuple) and not hint[1] else None
        if isinstance(merged, tuple):
            role, named = merged
    if extras and role.role in _TAKES_HINTS:
        role = replace(role, role="score" if role.role == "index" else role.role,
                       scale=extras.get("scale", role.scale),
                       max_points=extras.get("max_points", role.max_points),
                       year=role.year if role.year is not None else extras.get("year"))
    return role, named


def _combine(found: list[HeaderRole | None]) -> HeaderRole | None:
    """Combine the lines of a two-line header ("Năm 2021 | Xếp hạng")."""
    known = [r for r in found if r is not None]
    if not known or (found[-1] is None and all(r.role in ("component", "index", "year")
                                               for r in known)):
        return None
    specific = [r.role for r in known if r.role in ("rank", "max_points", "grade")]
    role = specific[-1] if specific else (
        "score" if any(r.role == "score" for r in known) else known[-1].role)
    if role not in _MEASURES | {"grade"}:
        return HeaderRole(role)
    fields = {name: next((getattr(r, name) for r in reversed(known)
                          if getattr(r, name) is not None), None)
              for name in ("index", "component", "year", "scale", "max_points")}
    return HeaderRole(role, **fields)


def classify_header(label: str, *, component_lookup: ComponentLookup | None = None,
                    index: str | None = None) -> HeaderRole | None:
    """Return the role of one column header, or None if the header is not recognised.

    Parameters
    ----------
    label
        The header text; the lines of a two-line header are joined by " | ".
    component_lookup
        Match key of a component's name, alias or code -> list of (index, key).
    index
        The file's index, used when a component name belongs to several indices.

    Returns
    -------
    HeaderRole or None

    Raises
    ------
    HeaderError
        If the header matches two roles ("Điểm/Xếp hạng"); the caller adds the file.

    Examples
    --------
    >>> classify_header("Tên cơ quan, đơn vị").role
    'unit'
    >>> classify_header("Năm 2021 | Xếp hạng")
    HeaderRole(role='rank', index=None, component=None, year=2021, scale=None, max_points=None)
    >>> classify_header("Xếp hạng SIPAS").index
    'SIPAS'
    >>> lookup = {"cai cach tthc": [("PAR", "procedures")]}
    >>> role = classify_header("Cải cách TTHC (9 điểm)", component_lookup=lookup)
    >>> role.role, role.index, role.component, role.scale, role.max_points
    ('score', 'PAR', 'procedures', 'points', 9.0)
    >>> classify_header("Điểm/Xếp hạng")  # doctest: +ELLIPSIS
    Traceback (most recent call last):
    ...
    parlib.errors.HeaderError: column 'Điểm/Xếp hạng': the header matches two roles (rank and ...
    """
    text = clean_text(label)
    if text is None:
        return None
    ctx = (component_lookup or {}, _index_code(index), {})
    results = [_classify_part(part.strip(), ctx) for part in text.split(" | ") if part.strip()]
    for result in results:
        if isinstance(result, _Clash):
            raise HeaderError(result.problem, column=text, fix=result.fix)
    roles = [r[0] if r else None for r in results]
    return roles[0] if len(roles) == 1 else _combine(roles)


def recognize_columns(table: RawTable, *, component_lookup: ComponentLookup | None = None,
                      index: str | None = None, kind: str = "scores",
                      warn: bool = True) -> list[HeaderRole | None]:
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
        msg = (f"The value for `kind` must be one of ['scores', 'aggregates'], but {kind!r} was "
               "passed.")
        raise ValueError(msg)
    where = {"file": table.display_path, "row": table.header_row}
    roles: list[HeaderRole | None] = []
    for label in table.columns:
        try:
            roles.append(classify_header(label, component_lookup=component_lookup, index=index))
        except HeaderError as err:
            raise HeaderError(err.problem, column=label, fix=err.fix, **where) from None
    for role in ("rank", "max_points"):
        bare = [j for j, r in enumerate(roles) if r and r.role == role and r.hints == (None,) * 3]
        for j in bare if len(bare) > 1 else []:
            left = next((r for r in reversed(roles[:j]) if r and r.role == "score"), None)
            if left is not None:
                roles[j] = replace(roles[j], index=left.index, component=left.component,
                                   year=left.year)
    roles = _points_beside_percent(roles)
    if kind == "scores":
        roles = _lone_text_column_is_the_unit(table, roles)
    seen: dict[tuple, str] = {}
    for label, r in zip(table.columns, roles):
        if r is None or r.role == "ignore":
            continue
        if (r.role, _key(r)) in seen:
            what = r.role + "".join(f", {n} {v}" for n, v in zip(("index", "component", "year"),
                                                                 r.hints) if v is not None)
            raise HeaderError(
                f"two columns hold the same figure ({what}): {seen[r.role, _key(r)]!r} and "
                f"{label!r}",
                column=label, fix="rename one of them so each names its own year, index or "
                "component (for example 'Điểm 2021' and 'Điểm 2022'), or remove the extra column",
                **where)
        seen[r.role, _key(r)] = label
    present = {r.role for r in roles if r}
    needed = [["unit", "province"]] if kind == "scores" else [["statistic"], ["value", "score"]]
    for options in needed:
        if not present & set(options):
            raise HeaderError(
                f"no column is recognised as {' or '.join(options)}; the headers are "
                f"{list(table.columns)}", fix="rename the column as listed in data/raw/README.md "
                "('Recognised headers'), or set header_row: in dataset.yaml", **where)
    if warn:
        for record in unrecognized_columns(table, roles, component_lookup=component_lookup):
            warnings.warn(record["message"], stacklevel=2)
    return roles


def unrecognized_columns(table: RawTable, roles: Sequence[HeaderRole | None], *,
                         component_lookup: ComponentLookup | None = None) -> list[dict]:
    """Return one warning record per column left out because its header is not recognised.

    Each record has ``check`` ("unrecognised_column"), ``raw_file``, ``raw_row`` (the
    header row) and a ``message`` naming the file, the column, the first values under it
    and the fix, with a "did you mean" where a known header is close ("2O22" -> "2022").

    Examples
    --------
    >>> import numpy as np
    >>> from parlib.ingest.read import RawTable
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
        message = (f"{table.display_path}, row {table.header_row}, column {label!r}: the header "
                   f"is not recognised, so its {len(cells)} value(s)"
                   f"{f' (e.g. {shown})' if cells else ''} are left out"
                   f"{f'; did you mean {guess!r}?' if guess else ''}"
                   " Fix: rename the header as listed in data/raw/README.md ('Recognised "
                   "headers'), or add the name to parlib/reference/ if it is a component")
        out.append({"check": "unrecognised_column", "raw_file": table.display_path,
                    "raw_row": table.header_row, "column": label,
                    "value": "; ".join(str(c) for c in cells[:3]) or None,
                    "message": message})
    return out


_LOOKALIKE = str.maketrans({"o": "0", "O": "0", "l": "1", "I": "1", "i": "1"})


def _did_you_mean(label: str, lookup: ComponentLookup) -> str | None:
    """Return a recognised header close to ``label`` ("2O22" -> "2022"), or None."""
    key = match_key(label) or ""
    digits = key.translate(_LOOKALIKE).replace(" ", "")
    if re.fullmatch(r"(?:19|20)\d\d", digits) or re.fullmatch(
            r"(?:nam|year)(?:19|20)\d\d", digits):
        return digits[-4:]
    known = _spelled() | {k: k for k in lookup if k not in _spelled()}
    close = difflib.get_close_matches(key, list(known), n=1, cutoff=0.8)
    return known[close[0]] if close else None


@cache
def _spelled() -> dict[str, str]:
    """Match key -> a spelling to show: header aliases and component names as written."""
    path = Path(__file__).parents[1] / "reference" / "headers.csv"
    with path.open(encoding="utf-8", newline="") as handle:
        out = {match_key(row["alias"]): row["alias"] for row in csv.DictReader(handle)}
    for name in component_spellings():
        out.setdefault(match_key(name), name)
    return out


def _lone_text_column_is_the_unit(table: RawTable, roles: list[HeaderRole | None]
                                  ) -> list[HeaderRole | None]:
    """Return ``roles`` with the only unrecognised column made the unit, if it holds text.

    A table of figure columns whose one other column holds names under a header parlib
    does not know ("Sở, ban, ngành được đánh giá", a blank header) names its units there.
    """
    present = {r.role for r in roles if r}
    unknown = [j for j, r in enumerate(roles) if r is None]
    if present & {"unit", "province"} or "score" not in present and "rank" not in present \
            or len(unknown) != 1:
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
    percent = {_key(r) for r in roles if r and r.role == "score" and r.scale == "percent"}
    for j, r in enumerate(roles):
        if r and r.role == "score" and r.scale != "percent" and _key(r) in percent:
            out[j] = replace(r, role="points", scale="points")
    return out


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
        return np.append(self.values, None)[self.codes]


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
    joined = [sep.join([*base.values[a - 1:a], *extra.values[b - 1:b]]) if a or b else ""
              for a, b in zip(*np.divmod(pairs, width))]
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

    def put(self, dest: np.ndarray | slice, text: _Text | None,
            rows: np.ndarray | None = None) -> None:
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
            return (pd.Categorical.from_codes(np.full(self._size_rows, -1, dtype=np.int8),
                                              categories=pd.Index([], dtype=object))
                    if categorical else np.full(self._size_rows, None, dtype=object))
        values = np.concatenate([np.empty(0, dtype=object), *self._values])
        if categorical:
            return to_categorical(self.codes, values)
        return np.append(values, None)[self.codes]


def _row_scale(text: object) -> object:
    if str(text).strip() == "%" or match_key(text) in ("phan tram", "percent", "ty le"):
        return "percent"
    return "points" if match_key(text) in ("diem", "d", "points", "point") else text


def _key(role: HeaderRole) -> tuple[str | None, str | None, int | None]:
    """Return the hints that identify a figure; the "total" component is no component."""
    return role.index, None if role.component == "total" else role.component, role.year


def _measures(columns: Sequence[str], roles: Sequence[HeaderRole | None]) -> list[dict]:
    """Group score, rank and maximum columns into measures, one per figure per row.

    A rank or maximum column goes with the score columns its hints fit; among those,
    with the one that has the fewest hints it lacks ("Xếp hạng" goes with "Tổng điểm",
    not with "D1"). A maximum without one closest score column goes with all that fit.
    """
    measures = [{"label": columns[j], "head": r, "score": j, "rank": None, "max": [],
                 "points": None} for j, r in enumerate(roles) if r and r.role == "score"]
    with_score = list(measures)
    for j, r in enumerate(roles):
        if r and r.role == "points":
            twin = next(m for m in with_score if _key(m["head"]) == _key(r))
            twin["points"] = j
        if not r or r.role not in ("rank", "max_points"):
            continue
        pairs = [(m, list(zip(_key(r), _key(m["head"])))) for m in with_score]
        fits = [(m, sum(h is None and mh is not None for h, mh in hm)) for m, hm in pairs
                if all(h is None or h == mh for h, mh in hm)]
        closest = [m for m, extra in fits if extra == min(e for _, e in fits)]
        if r.role == "max_points":
            for m in closest if len(closest) == 1 else [m for m, _ in fits]:
                m["max"].append(j)
            continue
        free = [m for m in closest if m["rank"] is None]
        if len(free) == 1:
            free[0]["rank"] = j
        elif not fits:
            measures.append({"label": columns[j], "head": r, "score": None, "rank": j, "max": [],
                             "points": None})
        else:
            raise HeaderError(
                f"the rank column could belong to any of the score columns "
                f"{[m['label'] for m in closest]}", column=columns[j],
                fix="name its year, index or component in the header, e.g. 'Xếp hạng 2021' or "
                "'Xếp hạng SIPAS'")
    return measures


def melt_table(table: RawTable, roles: Sequence[HeaderRole | None], *,
               index: str | None = None) -> pd.DataFrame:
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
    >>> from parlib.ingest.read import RawTable
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
    categorical = not all(dtype == object for dtype in frame.dtypes)
    nothing = np.ones(n, dtype=bool)
    coded: dict[int, _Text] = {}

    def col(j: int | None) -> _Text | None:
        if j is None:
            return None
        if j not in coded:  # columns no role reads stay as they are
            coded[j] = _coded(frame.iloc[:, j])
        return coded[j]

    def null(j: int | None) -> np.ndarray:
        return nothing if j is None else col(j).null()

    first: dict[str, int] = {}
    for j, r in enumerate(roles):
        if r is not None:
            first.setdefault(r.role, j)
    at = {name: first.get(name) for name in LONG_RAW_COLUMNS[2:]}
    ids = {name: col(j) for name, j in at.items()}
    for j, r in enumerate(roles):
        if r is not None and r.role == "grade":  # a grade ("Xuất sắc") is kept as note text
            ids["note"] = _append(ids["note"], _prefixed(table.columns[j] + ": ", col(j)), "; ")
    row_scale = _map_values(col(first["scale"]), _row_scale) if "scale" in first else None
    scale_null = row_scale.null() if row_scale is not None else nothing
    try:
        measures = _measures(table.columns, roles)
    except HeaderError as err:
        raise HeaderError(err.problem, file=table.display_path, row=table.header_row,
                          column=err.column, fix=err.fix) from None
    empty = np.logical_and.reduce([null(j) for m in measures
                                   for j in [m["score"], m["rank"], m["points"], *m["max"]]]
                                  + [nothing])
    idless = null(at["unit"]) & null(at["province"])
    notes = empty & idless if measures else nothing.copy()
    for name in ("unit", "province"):
        looks = np.flatnonzero(empty & ~null(at[name]) & ~notes)
        if len(looks):
            present, where = np.unique(ids[name].codes[looks], return_inverse=True)
            flags = np.array([bool(_NOTE_START.match(match_key(v) or "") or str(v).lstrip(
                "( ").startswith("*")) for v in ids[name].values[present]], dtype=bool)
            notes[looks[flags[where]]] = True
    keep = np.flatnonzero(~notes)
    counts = np.where(notes, 1, len(measures))
    starts = np.cumsum(counts) - counts
    size = int(counts.sum())
    out = {name: _Gather(size) for name in LONG_RAW_COLUMNS[1:]}
    raw_row = np.empty(size, dtype=np.int64)
    note_pos = np.flatnonzero(notes)
    if len(note_pos):
        dest = starts[note_pos]
        for name, values in ids.items():
            out[name].put(dest, values, note_pos)
        raw_row[dest] = rows[note_pos]
        text = None
        for j in range(frame.shape[1]):  # a row's text, for the few note rows only
            text = _append(text, _coded(frame.iloc[note_pos, j]), " | ")
        note_null = nothing if ids["note"] is None else ids["note"].null()
        fill = idless[note_pos] & note_null[note_pos]
        out["note"].put(dest[fill], text.take(np.flatnonzero(fill)))
    whole = len(keep) == n
    for s, m in enumerate(measures):
        # Every row out once per measure: measure s of row i is long row i * len + s.
        dest = slice(s, size, len(measures)) if whole else starts[keep] + s
        head = m["head"]
        at_max = m["max"][0] if m["max"] else None
        values = dict(ids, score=col(m["score"]), rank=col(m["rank"]), max_points=col(at_max),
                      points=col(m["points"]), score_scale=row_scale)
        maximum = None if head.max_points is None else _number_text(head.max_points)
        defaults = {"year": (head.year, null(at["year"])),
                    "component": (head.component, null(at["component"])),
                    "index": (head.index, null(at["index"])),
                    "score_scale": (head.scale if m["score"] is not None else None, scale_null),
                    "max_points": (maximum, null(at_max))}
        for name, (default, missing) in defaults.items():
            values[name] = _fill(values[name], default, missing)
        if index is not None:
            values["index"] = _fill(values["index"], index, nothing if values["index"] is None
                                    else values["index"].null())
        raw_row[dest] = rows if whole else rows[keep]
        out["raw_column"].put(dest, _Text(np.zeros(n, dtype=np.intp),
                                          np.array([m["label"]], dtype=object)),
                              None if whole else keep)
        for name, column in values.items():
            out[name].put(dest, column, None if whole else keep)
    result = pd.DataFrame({name: out[name].column(categorical=categorical)
                           for name in LONG_RAW_COLUMNS[1:]},
                          dtype=None if categorical else object, copy=False)
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
    out = {name: objects(table.frame.iloc[:, first[name]]) if name in first
           else np.full(n, None, dtype=object) for name in AGGREGATE_COLUMNS[1:]}
    result = pd.DataFrame(out, dtype=object)
    result.insert(0, "raw_row", np.asarray(table.rows, dtype=np.int64))
    return result
