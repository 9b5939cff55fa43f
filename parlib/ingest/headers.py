"""Recognise what one column header names: its role and the hints it gives.

The header vocabulary is data: ``parlib/reference/headers.csv`` lists each
``alias`` with its ``role`` and, where the alias names an index ("SIPAS",
"Chỉ số CCHC") or a scale ("Tỷ lệ"), that ``index`` or ``scale``. Headers are
compared through :func:`parlib.text.match_key`, so case, spacing, punctuation
and diacritics do not matter.

A header may combine words: "Xếp hạng SIPAS" is the rank of the SIPAS index,
"Điểm 2021" the score for 2021, and a two-line header "Năm 2021 | Xếp hạng"
the rank for 2021. A trailing bracket gives the scale or maximum:
"Điểm (%)", "Cải cách TTHC (9 điểm)", "(tối đa 9)".

The columns of a whole table are checked in :mod:`~parlib.ingest.columns`; the
table is melted to long form in :mod:`~parlib.ingest.melt`.
"""

from __future__ import annotations

import csv
import re
import unicodedata
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, replace
from functools import cache
from pathlib import Path
from typing import TypedDict

from parlib.errors import HeaderError
from parlib.reference import component_spellings
from parlib.text import clean_text, match_key

__all__ = ["ComponentLookup", "HeaderRole", "classify_header", "figure_key", "header_spellings"]

ComponentLookup = Mapping[str, Sequence[tuple[str, str]]]

_MEASURES = frozenset({"score", "rank", "max_points", "points"})
_TAKES_HINTS = frozenset({"score", "rank", "max_points", "grade", "index"})
_CLASHING = frozenset({"score", "rank", "max_points", "grade"})
_CONNECTORS = frozenset({"va", "and", "hoac", "or"})
_MAX_TOKENS = 12
_YEAR_KEY = re.compile(r"(?:(?:nam|year) )?((?:19|20)\d\d)")
_NUMBERING = re.compile(r"^\d{1,2}(?: \d{1,2})? (?=[^\d ])")  # the "1.1:" of "1.1: Civic Knowledge"
_BRACKET = re.compile(r"^(.*?)\s*[(\[]([^()\[\]]*)[)\]]\s*$")
_MAXIMUM = re.compile(
    r"(?:(toi da|max|maximum|thang diem|tren)\s*:?\s*)?(/)?\s*"
    r"(\d+(?:[.,]\d+)?)\s*(diem|d|points?|pts)?\.?"
)


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


class _Unit(TypedDict, total=False):
    """What a bracket gives: a scale, a maximum or a year."""

    scale: str
    max_points: float
    year: int


_Found = tuple[HeaderRole, bool]  # a role, and whether the words name the role themselves
_Result = _Found | _Clash | None
_Context = tuple[ComponentLookup, str | None, dict[tuple[str, ...], _Result]]

_TWO_ROLES_FIX = (
    "give each figure its own column with its own header, for example 'Điểm' and "
    "'Xếp hạng' (see data/raw/README.md, 'Recognised headers')"
)


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


def _bracket_unit(inner: str) -> _Unit | None:
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


def _lookup(key: str, ctx: _Context) -> _Result:
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
        return _Clash(
            f"the component name matches components of several indices {pairs}",
            "set index: in dataset.yaml for this file",
        )
    indices = {_index_code(i) for i, _ in pairs}
    return HeaderRole(
        "score", index=indices.pop() if len(indices) == 1 else None, component=pairs[0][1]
    ), False


def _merge(a: _Found, b: _Found) -> _Result:
    """Combine two words of one header ("Xếp hạng" + "SIPAS"); a _Clash if they conflict."""
    if a[0].role not in _TAKES_HINTS or b[0].role not in _TAKES_HINTS:
        return None
    claimed = {"score" if r.role == "index" else r.role for r, named in (a, b) if named}
    if len(claimed) > 1:
        if claimed <= _CLASHING:
            return _Clash(
                f"the header matches two roles ({' and '.join(sorted(claimed))})", _TWO_ROLES_FIX
            )
        return None
    fields = {}
    for name in ("index", "component", "year", "scale", "max_points"):
        one, two = getattr(a[0], name), getattr(b[0], name)
        if one is not None and two is not None and one != two:
            return _Clash(
                f"the header names two values of {name} ({one} and {two})",
                f"give each {name} its own column",
            )
        fields[name] = one if one is not None else two
    return HeaderRole(claimed.pop() if claimed else "score", **fields), a[1] or b[1]


def _resolve(tokens: tuple[str, ...], ctx: _Context) -> _Result:
    memo = ctx[2]
    if tokens in memo:
        return memo[tokens]
    memo[tokens] = None
    found = _lookup(" ".join(tokens), ctx)
    if found is None and 2 <= len(tokens) <= _MAX_TOKENS:
        clash: _Clash | None = None
        for i in range(1, len(tokens)):
            rights = [tokens[i:]]
            if tokens[i] in _CONNECTORS and i + 1 < len(tokens):
                rights.append(tokens[i + 1 :])
            for right in rights:
                a, b = _resolve(tokens[:i], ctx), _resolve(right, ctx)
                if a is None or b is None:
                    continue
                if isinstance(a, _Clash) or isinstance(b, _Clash):
                    merged: _Result = a if isinstance(a, _Clash) else b
                else:
                    merged = _merge(a, b)
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


def _classify_part(text: str, ctx: _Context) -> _Result:
    extras: _Unit = {}
    base, asides = text, []
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
        role = replace(
            role,
            role="score" if role.role == "index" else role.role,
            scale=extras.get("scale", role.scale),
            max_points=extras.get("max_points", role.max_points),
            year=role.year if role.year is not None else extras.get("year"),
        )
    return role, named


def _combine(found: list[HeaderRole | None]) -> HeaderRole | None:
    """Combine the lines of a two-line header ("Năm 2021 | Xếp hạng")."""
    known = [r for r in found if r is not None]
    if not known or (
        found[-1] is None and all(r.role in ("component", "index", "year") for r in known)
    ):
        return None
    specific = [r.role for r in known if r.role in ("rank", "max_points", "grade")]
    role = (
        specific[-1]
        if specific
        else ("score" if any(r.role == "score" for r in known) else known[-1].role)
    )
    if role not in _MEASURES | {"grade"}:
        return HeaderRole(role)
    fields = {
        name: next(
            (getattr(r, name) for r in reversed(known) if getattr(r, name) is not None), None
        )
        for name in ("index", "component", "year", "scale", "max_points")
    }
    return HeaderRole(role, **fields)


def classify_header(
    label: str, *, component_lookup: ComponentLookup | None = None, index: str | None = None
) -> HeaderRole | None:
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
    ctx: _Context = (component_lookup or {}, _index_code(index), {})
    results = [_classify_part(part.strip(), ctx) for part in text.split(" | ") if part.strip()]
    for result in results:
        if isinstance(result, _Clash):
            raise HeaderError(result.problem, column=text, fix=result.fix)
    roles = [r[0] if isinstance(r, tuple) else None for r in results]
    return roles[0] if len(roles) == 1 else _combine(roles)


def figure_key(role: HeaderRole) -> tuple[str | None, str | None, int | None]:
    """Return the hints that identify a figure; the "total" component is no component.

    Two columns with the same role and figure key hold the same figure; a rank or
    maximum column goes with the score column whose key it fits.
    """
    return role.index, None if role.component == "total" else role.component, role.year


@cache
def header_spellings() -> dict[str, str]:
    """Return match key -> a spelling to show: header aliases and component names as written.

    The known headers a "did you mean" suggestion is drawn from
    (:func:`parlib.ingest.columns.unrecognized_columns`).
    """
    path = Path(__file__).parents[1] / "reference" / "headers.csv"
    out: dict[str, str] = {}
    with path.open(encoding="utf-8", newline="") as handle:
        for row in csv.DictReader(handle):
            if (key := match_key(row["alias"])) is not None:
                out[key] = row["alias"]
    for name in component_spellings():
        if (key := match_key(name)) is not None:
            out.setdefault(key, name)
    return out
