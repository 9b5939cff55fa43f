"""The sentences the report notebooks write about their results, in Vietnamese and English.

All of parlib's bilingual text is in one table, ``parlib/reference/labels.csv``
(``key,vi,en``), read by :func:`parlib.viz.labels.label`: axis labels, index and
component names, and these sentences. :func:`say` is ``label`` for a sentence that
must exist.

>>> say("pairs_too_few", "en", n=2)
'Only 2 pairs: at least 3 are needed for a correlation, so none is reported.'
"""

from __future__ import annotations

import html
import re

from parlib.viz.labels import check_lang, has_label, label

__all__ = ["escape_md", "say"]


def say(key: str, lang: str = "vi", **fields: object) -> str:
    """Return the sentence ``key`` in ``lang`` with ``{fields}`` filled in.

    Raises
    ------
    KeyError
        When ``labels.csv`` has no text for ``key``.
    ValueError
        When ``lang`` is not "vi" or "en".
    """
    check_lang(lang)
    if not has_label(key):
        raise KeyError(
            f"No report text {key!r}: add a row for it to parlib/reference/labels.csv (key,vi,en)."
        )
    return label(key, lang).format(**fields)


def escape_md(value: object) -> str:
    r"""Escape data text (a unit's name) for Markdown: no HTML, no emphasis or links.

    Names come from published tables, so ``<``, ``&`` and Markdown's marks in them
    are shown as written rather than read as markup.

    Examples
    --------
    >>> escape_md("Sở *Tư pháp* <b>")
    'Sở \\*Tư pháp\\* &lt;b&gt;'
    """
    text = html.escape(str(value), quote=False)
    return re.sub(r"([\\`*_{}\[\]#|!])", r"\\\1", text)
