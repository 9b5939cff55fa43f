"""Vietnamese and English text for axis labels, titles and legends.

Fixed text lives in ``parlib/reference/labels.csv`` (``key,vi,en``). Component
and department-type names come from the reference tables
(``components.csv``, ``unit_types.csv``); a key found nowhere is returned as is.

>>> label("year", "vi"), label("year", "en")
('Năm', 'Year')
>>> label("and_more", "vi", n=4)
'và 4 nguồn khác'
"""

from __future__ import annotations

import csv
import io
from functools import lru_cache
from importlib import resources

from parlib.errors import ParameterError

__all__ = ["LANGS", "check_lang", "component_rank", "has_label", "label"]

LANGS = ("en", "vi")
_COLUMN = {"vi": "name_vi", "en": "name_en"}


def check_lang(lang: str) -> str:
    """Return ``lang`` if it is a supported language, else raise ParameterError (a ValueError).

    Examples
    --------
    >>> check_lang("fr")
    Traceback (most recent call last):
    ...
    parlib.errors.ParameterError: The value for `lang` must be one of ['en', 'vi'], but 'fr' was passed.
    """
    if lang not in LANGS:
        raise ParameterError(
            f"The value for `lang` must be one of {list(LANGS)}, but {lang!r} was passed."
        )
    return lang


def label(key: str, lang: str = "vi", **fields: object) -> str:
    """Return the text of ``key`` in ``lang``, with ``{fields}`` filled in.

    Parameters
    ----------
    key
        A key of ``labels.csv`` ("score", "PAR"), a component ("procedures", or
        "SIPAS:procedures" to pick the index), or a department type ("y_te").
    lang
        "vi" or "en".
    **fields
        Values for the placeholders of the text, e.g. ``n=4`` for "and_more".

    Returns
    -------
    str
        The translation, or ``key`` itself when no table knows it.

    Raises
    ------
    ValueError
        When ``lang`` is not supported.

    Examples
    --------
    >>> label("PAR", "en")
    'PAR Index'
    >>> label("PAR:total", "vi")
    'Chỉ số CCHC (PAR Index)'
    >>> label("no_such_key", "en")
    'no_such_key'
    """
    check_lang(lang)
    key = str(key)
    index, _, component = key.partition(":")
    if component:
        text = label(index, lang) if component == "total" else _component(index, component, lang)
    else:
        text = (
            _labels().get(key, {}).get(lang)
            or _component(None, key, lang)
            or _unit_types().get(key, {}).get(lang)
        )
    text = text or key
    return text.format(**fields) if fields else text


def has_label(key: str) -> bool:
    """Return whether ``labels.csv`` has a text of its own for ``key``.

    Examples
    --------
    >>> has_label("year"), has_label("procedures")
    (True, False)
    """
    return key in _labels()


def component_rank(index: str, key: str) -> tuple[float, str]:
    """Return a sort key putting ``key`` where ``components.csv`` orders it in ``index``.

    The total comes first; components the reference does not know come last,
    alphabetically.

    Examples
    --------
    >>> sorted(["e_government", "procedures", "total"], key=lambda k: component_rank("PAR", k))
    ['total', 'procedures', 'e_government']
    """
    if key == "total":
        return (0.0, key)
    for row in _components():
        if row.get("index") == index and row.get("key") == key:
            try:
                return (float(row.get("order") or 999), key)
            except ValueError:
                break
    return (999.0, key)


@lru_cache(maxsize=1)
def _labels() -> dict[str, dict[str, str]]:
    return {row["key"]: row for row in _read_csv("labels.csv")}


def _component(index: str | None, key: str, lang: str) -> str | None:
    for row in _components():
        if row.get("key") == key and (index is None or row.get("index") == index):
            return row.get(_COLUMN[lang]) or None
    return None


@lru_cache(maxsize=1)
def _components() -> tuple[dict[str, str], ...]:
    return _reference("components")


@lru_cache(maxsize=1)
def _unit_types() -> dict[str, dict[str, str]]:
    return {
        row["key"]: {"vi": row.get("name_vi", ""), "en": row.get("name_en", "")}
        for row in _reference("unit_types")
    }


def _reference(name: str) -> tuple[dict[str, str], ...]:
    """Rows of a reference table as text, through ``parlib.reference`` or else its CSV file."""
    try:
        from parlib import reference

        table = getattr(reference, name)()
        return tuple(table.astype(object).where(table.notna(), "").astype(str).to_dict("records"))
    except Exception:  # the loader is missing or failing: read the file
        return tuple(_read_csv(f"{name}.csv"))


def _read_csv(name: str) -> list[dict[str, str]]:
    try:
        path = resources.files("parlib").joinpath("reference", name)
        # newline="" as the csv module asks; Traversable.open does not take it, TextIOWrapper does
        with io.TextIOWrapper(path.open("rb"), encoding="utf-8", newline="") as handle:
            return list(csv.DictReader(handle))
    except (FileNotFoundError, OSError):
        return []
