"""The words and numbers on parlib's plots: titles, axis labels, numbers in the reader's language.

>>> format_number(82.5, 1, "vi"), format_number(-1.25, 2, "en", sign=True)
('82,5', '-1.25')
>>> format_span([2021, 2019, 2023]), format_span([5, 5])
('2019–2023', '5')
"""

from __future__ import annotations

from collections.abc import Iterable

import pandas as pd

from parlib.viz.labels import label

__all__ = ["format_number", "format_span", "index_title", "place_suffix", "score_label"]


def place_suffix(frame: pd.DataFrame, level: str, lang: str) -> str:
    """Return " — Bến Tre (sở, ban, ngành)" when the units are one province's, else "".

    A title suffix naming the one province whose units ``frame`` holds below
    province level, with the level in ``lang``; empty at province level or when
    the units come from several provinces.
    """
    provinces = frame["province"].dropna().unique()
    if level == "province" or len(provinces) != 1:
        return ""
    return f" — {provinces[0]} ({label(f'level_{level}', lang).lower()})"


def score_label(scores: pd.DataFrame, index: str, component: str, lang: str) -> str:
    """Return the score axis label of ``index`` and ``component`` in ``lang``.

    PAR Index and SIPAS scores are percentages; another index's label gives its
    scale ("score out of 10") when ``scores`` has one ``scale_max`` for it, else
    it is just "score".
    """
    if index in ("PAR", "SIPAS"):
        return label("score_percent", lang)
    if "scale_max" in scores.columns:
        rows = (scores["index"] == index) & (scores["component"] == component)
        scale = pd.to_numeric(scores.loc[rows, "scale_max"], errors="coerce").dropna().unique()
        if len(scale) == 1:
            return label("score_out_of", lang, scale_max=format_number(scale[0], 0, lang))
    return label("score", lang)


def index_title(index: str, component: str, lang: str) -> str:
    """Return the name of ``index`` (with its ``component`` unless "total") for a title.

    Names come from :func:`parlib.viz.labels.label` in ``lang``.
    """
    if component == "total":
        return label(index, lang)
    return label(
        "trend_title", lang, index=label(index, lang), component=label(f"{index}:{component}", lang)
    )


def format_number(value: float, digits: int, lang: str, *, sign: bool = False) -> str:
    """Return ``value`` with ``digits`` decimals, a decimal comma in "vi", a point in "en".

    With ``sign``, a positive value is written with its "+".
    """
    text = f"{value:{'+' if sign else ''}.{digits}f}"
    return text.replace(".", ",") if lang == "vi" else text


def format_span(values: Iterable[float]) -> str:
    """Return the range of whole numbers (years or counts) as "2019–2023", or "2021" for one.

    An empty ``values`` gives "0" (no rows counted).
    """
    ordered = sorted(int(v) for v in values)
    if not ordered:
        return "0"
    return str(ordered[0]) if ordered[0] == ordered[-1] else f"{ordered[0]}–{ordered[-1]}"
