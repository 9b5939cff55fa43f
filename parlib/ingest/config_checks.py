"""Check one entry of ``dataset.yaml``: its keys, a choice among allowed values, its text.

The helpers every reader of ``dataset.yaml`` shares (:mod:`parlib.ingest.config`,
:mod:`parlib.ingest.config_entries`, :mod:`parlib.ingest.config_files`). Every problem
raises :class:`~parlib.errors.ConfigError` naming the file, the key, the bad value
and the fix.
"""

from __future__ import annotations

import difflib
from collections.abc import Iterator
from typing import Any

from parlib.errors import ConfigError

__all__ = ["check_choice", "check_keys", "checked_entries", "optional_text", "required_text"]


def checked_entries(
    raw: Any,
    key: str,
    allowed: set[str],
    required: tuple[str, ...],
    shown: str,
    *,
    items: str,
    item: str,
    list_fix: str,
    item_fix: str,
) -> Iterator[tuple[str, dict]]:
    """Yield ``(where, entry)`` for each entry of the list under ``key``, its keys checked.

    ``raw`` must be a list of mappings ("'files' must be a list of table files", "a file
    entry must be a mapping" otherwise, with ``list_fix`` / ``item_fix``); each entry's
    keys go through :func:`check_keys`; ``where`` is its key path ("files[0].").
    """
    if not isinstance(raw, list):
        raise ConfigError(
            f"'{key}' must be a list of {items}", file=shown, column=key, value=raw, fix=list_fix
        )
    for i, entry in enumerate(raw):
        if not isinstance(entry, dict):
            raise ConfigError(
                f"a {item} must be a mapping",
                file=shown,
                column=f"{key}[{i}]",
                value=entry,
                fix=item_fix,
            )
        where = f"{key}[{i}]."
        check_keys(entry, allowed, required, shown, where=where)
        yield where, entry


def check_keys(
    entry: dict, allowed: set[str], required: tuple[str, ...], shown: str, *, where: str
) -> None:
    """Refuse a key of ``entry`` not in ``allowed``, and a ``required`` key missing or empty.

    ``where`` is the entry's key path ("files[0].", "" at the top) that the
    :class:`~parlib.errors.ConfigError` names; an unknown key gets a "did you mean".
    """
    for key in entry:
        if key not in allowed:
            close = difflib.get_close_matches(str(key), sorted(allowed), n=1)
            hint = (
                f"did you mean {close[0]!r}?"
                if close
                else (f"the known keys are {sorted(allowed)}")
            )
            raise ConfigError(
                f"unknown key '{where}{key}'",
                file=shown,
                column=f"{where}{key}",
                value=key,
                fix=f"{hint} (see data/raw/README.md)",
            )
    for key in required:
        if entry.get(key) in (None, "", []):
            raise ConfigError(
                f"required key '{where}{key}' is missing or empty",
                file=shown,
                column=f"{where}{key}",
                fix=f"add '{key}:' (see data/raw/README.md)",
            )


def check_choice(value: Any, allowed: tuple[str, ...], shown: str, key: str) -> str:
    """Return ``value`` trimmed and lowercased if it is one of ``allowed``, else raise.

    ``key`` is the key path the :class:`~parlib.errors.ConfigError` names.
    """
    text = str(value).strip().lower()
    if text not in allowed:
        raise ConfigError(
            f"'{key.rsplit('.', 1)[-1]}' must be one of {list(allowed)}",
            file=shown,
            column=key,
            value=value,
            fix=f"write one of {', '.join(allowed)}",
        )
    return text


def required_text(value: Any, shown: str, key: str) -> str:
    """Return ``value`` as clean text; raise if it is missing or blank.

    ``key`` is the key path the :class:`~parlib.errors.ConfigError` names.
    """
    text = optional_text(value)
    if text is None:
        raise ConfigError(
            f"{key!r} must not be empty",
            file=shown,
            column=key,
            value=value,
            fix=f"fill in '{key.rsplit('.', 1)[-1]}:'",
        )
    return text


def optional_text(value: Any) -> str | None:
    """Return ``value`` as clean text (NFC, spaces collapsed), or None if missing or blank."""
    if value is None:
        return None
    from parlib.text import clean_text

    return clean_text(str(value))
