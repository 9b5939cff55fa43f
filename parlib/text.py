"""Unicode text helpers: NFC normalisation and comparison keys.

Stored text keeps its diacritics ("Đà Nẵng" stays "Đà Nẵng"); comparisons go
through :func:`match_key`, which ignores case, spacing, punctuation, tone-mark
placement ("Hoà"/"Hòa") and diacritics.
"""

from __future__ import annotations

import re
import unicodedata

import pandas as pd

__all__ = ["clean_text", "match_key", "match_keys", "normalize_text"]

_SPACE = re.compile(r"\s+")
_NON_ALNUM = re.compile(r"[^0-9a-z]+")
# Dashes and quotes that published tables mix freely.
_PUNCT = str.maketrans({"\u2013": "-", "\u2014": "-", "\u2212": "-", "\u00a0": " ",
                        "\u2018": "'", "\u2019": "'", "\u201c": '"', "\u201d": '"',
                        "\u200b": "", "\ufeff": ""})


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
    lookup = pd.array(mapped + [None], dtype=object)
    return pd.Series(lookup[codes], index=values.index, dtype=object, name=values.name)
