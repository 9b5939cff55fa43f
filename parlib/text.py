"""Unicode text helpers: NFC normalisation and comparison keys.

Stored text keeps its diacritics ("Đà Nẵng" stays "Đà Nẵng"); comparisons go
through :func:`match_key`, which ignores case, spacing, punctuation, tone-mark
placement ("Hoà"/"Hòa") and diacritics.
"""

from __future__ import annotations

import re
import unicodedata

import numpy as np
import pandas as pd

__all__ = [
    "clean_text",
    "match_key",
    "match_keys",
    "normalize_text",
    "printable",
    "protect_formula",
    "unprotect_formula",
]

_SPACE = re.compile(r"\s+")
_NON_ALNUM = re.compile(r"[^0-9a-z]+")
# Dashes and quotes that published tables mix freely.
_PUNCT = str.maketrans(
    {
        "\u2013": "-",
        "\u2014": "-",
        "\u2212": "-",
        "\u00a0": " ",
        "\u2018": "'",
        "\u2019": "'",
        "\u201c": '"',
        "\u201d": '"',
        "\u200b": "",
        "\ufeff": "",
    }
)

# What a terminal acts on instead of showing: C0 controls but tab and newline, DEL, C1
# controls (0x9b starts a sequence like ESC [), and the bidirectional overrides that
# reorder what a line appears to say.
_CONTROL = re.compile("[\x00-\x08\x0b-\x1f\x7f-\x9f\u200e\u200f\u202a-\u202e\u2066-\u2069]")


def printable(text: object, *, lines: bool = False) -> str:
    r"""Return ``text`` with the characters a terminal would act on removed.

    Escape (so no colour, cursor move or screen erase), carriage return,
    backspace, the other control characters and bidirectional overrides are
    dropped; the rest of an escape sequence stays as plain text. A newline
    becomes a space unless ``lines`` keeps it, so a message stays one line.

    Examples
    --------
    >>> printable("Sở Y tế\x1b[2J\rforged")
    'Sở Y tế[2Jforged'
    >>> printable("a\nb"), printable("a\nb", lines=True)
    ('a b', 'a\nb')
    """
    out = _CONTROL.sub("", str(text))
    return out if lines else out.replace("\n", " ")


# A cell a spreadsheet would run as a formula: it begins with = + - @, a tab or a carriage
# return, maybe after apostrophes (so that protecting is undone exactly).
_FORMULA = re.compile("'*[=+\\-@\t\r]")
_FORMULA_START = frozenset("'=+-@\t\r")


def protect_formula(text: str) -> str:
    r"""Return ``text`` as a spreadsheet shows it as text, never runs it: ``'`` before a formula.

    The standard defence against formula injection in CSV files (OWASP): a cell
    beginning with ``=``, ``+``, ``-``, ``@``, tab or carriage return gets a leading
    apostrophe, which Excel and LibreOffice hide and read as "this is text". Text
    that already begins with apostrophes before such a character gets one more, so
    :func:`unprotect_formula` gives back exactly the text.

    Examples
    --------
    >>> protect_formula("=cmd|' /C calc'!A0"), protect_formula("Sở Y tế")
    ("'=cmd|' /C calc'!A0", 'Sở Y tế')
    >>> protect_formula("-5"), protect_formula("'=1")
    ("'-5", "''=1")
    """
    if text[:1] not in _FORMULA_START:  # most text: one look at its first character
        return text
    return "'" + text if _FORMULA.match(text) else text


def unprotect_formula(text: str) -> str:
    """Undo :func:`protect_formula`.

    Examples
    --------
    >>> all(unprotect_formula(protect_formula(t)) == t for t in ["=1", "'=1", "'a", "-", "a"])
    True
    """
    return text[1:] if text[:1] == "'" and _FORMULA.match(text, 1) else text


def clean_text(value: object) -> str | None:
    """Return ``value`` as NFC text with spacing collapsed, or None when blank.

    Examples
    --------
    >>> clean_text("  So\u0302\u0309 Công   Thương ")
    'Sổ Công Thương'
    >>> clean_text("   ") is None
    True
    """
    if value is None or (not isinstance(value, str) and pd.isna(value)):
        return None
    text = unicodedata.normalize("NFC", str(value)).translate(_PUNCT)
    text = _SPACE.sub(" ", text).strip()
    return text or None


def match_key(value: object) -> str | None:
    """Return the comparison key of ``value``: no case, diacritics or punctuation.

    "Đ" folds to "d", so "Đắk Lắk", "Đắc Lắc", "dak lak" and "DAK-LAK" share
    one key. Use the key only to compare; store the original text.

    Examples
    --------
    >>> match_key("Hoà Bình") == match_key("Hòa Bình") == match_key("HOA BINH")
    True
    >>> match_key("TP. Hồ Chí Minh")
    'tp ho chi minh'
    """
    text = clean_text(value)
    if text is None:
        return None
    text = text.replace("Đ", "D").replace("đ", "d")
    text = unicodedata.normalize("NFD", text)
    text = "".join(ch for ch in text if not unicodedata.combining(ch))
    text = _NON_ALNUM.sub(" ", text.casefold()).strip()
    return text or None


def match_keys(values: pd.Series) -> pd.Series:
    """Return :func:`match_key` of every value, computing each distinct value once.

    Examples
    --------
    >>> match_keys(pd.Series(["Hà Nội", "HA NOI", None])).tolist()
    ['ha noi', 'ha noi', None]
    """
    return _map_unique(values, match_key)


def normalize_text(values: pd.Series) -> pd.Series:
    """Return :func:`clean_text` of every value, computing each distinct value once.

    Examples
    --------
    >>> normalize_text(pd.Series(["  Bến   Tre", ""])).tolist()
    ['Bến Tre', None]
    """
    return _map_unique(values, clean_text)


def _map_unique(values: pd.Series, func) -> pd.Series:
    codes, uniques = pd.factorize(values, use_na_sentinel=True)
    mapped = [func(v) for v in uniques]
    lookup = pd.array([*mapped, None], dtype=object)
    return pd.Series(lookup[codes], index=values.index, dtype=object, name=values.name)


# -- columns of repeated text: work once per distinct value -------------------------------


def distinct(values: pd.Series | pd.Categorical | np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """Return ``(codes, uniques)``: ``values`` is ``uniques[codes]``, code -1 where missing.

    A Categorical gives its codes as they are; any other column is hashed once.
    ``uniques`` is an object array without missing values.

    Examples
    --------
    >>> codes, uniques = distinct(pd.Series(["Huế", None, "Huế"]))
    >>> codes.tolist(), uniques.tolist()
    ([0, -1, 0], ['Huế'])
    """
    dtype = getattr(values, "dtype", None)
    if isinstance(dtype, pd.CategoricalDtype) and not isinstance(values, np.ndarray):
        cat = values.array if isinstance(values, pd.Series) else values
        return np.asarray(cat.codes, dtype=np.intp), cat.categories.to_numpy(dtype=object)
    codes, uniques = pd.factorize(values, use_na_sentinel=True)
    return codes, np.asarray(uniques, dtype=object)


def categorical(codes: np.ndarray, values: object) -> pd.Categorical:
    """Return the Categorical whose cells are ``values[codes]``.

    ``values`` may repeat and may hold None or NaN; those cells, and code -1, are missing.
    Categories keep the order in which ``values`` first names them.

    Examples
    --------
    >>> categorical(np.array([0, 1, 2, -1]), ["a", None, "a"]).tolist()
    ['a', nan, 'a', nan]
    """
    recode, uniques = pd.factorize(np.asarray(values, dtype=object), use_na_sentinel=True)
    # The cells' codes are made in the type the Categorical keeps (int8 for up to 126
    # categories): no wide temporary, no conversion, and no check, as they are valid.
    kind = next(t for t in (np.int8, np.int16, np.int32) if len(uniques) < np.iinfo(t).max)
    cells = np.append(recode, -1).astype(kind)[codes]  # code -1 picks the appended -1
    return pd.Categorical.from_codes(
        cells, categories=pd.Index(uniques, dtype=object), validate=False
    )


def objects(values: pd.Series | pd.Categorical | np.ndarray) -> np.ndarray:
    """Return ``values`` as an object array; a Categorical's missing cells become None.

    Examples
    --------
    >>> objects(pd.Categorical(["a", None])).tolist()
    ['a', None]
    """
    if isinstance(getattr(values, "dtype", None), pd.CategoricalDtype):
        codes, uniques = distinct(values)
        return np.append(uniques, np.array([None], dtype=object))[codes]
    return np.asarray(values, dtype=object)


_FIGURE_TEXT = re.compile(r"[\d\s.,%()/-]+")


def mostly_words(cells) -> bool:
    """Return True if most non-blank cells hold words rather than figures ("98,5", "01/18").

    Examples
    --------
    >>> mostly_words(["Sở Nội vụ", "Sở Tư pháp", None]), mostly_words(["98,5", "1/18"])
    (True, False)
    """
    filled = [str(c) for c in cells if c is not None and str(c).strip()]
    words = [c for c in filled if not _FIGURE_TEXT.fullmatch(c)]
    return bool(filled) and len(words) * 2 > len(filled)
