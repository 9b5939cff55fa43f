"""Read a CSV file's bytes as UTF-8: check UTF-8 without decoding, else decode cp1258.

A file declared or found to be in another encoding is decoded; what is wrong with it
(UTF-16, a wrong declaration, bytes no encoding accepts) is named with the line.
"""

from __future__ import annotations

import codecs
import re

import numpy as np
import pyarrow as pa

from parlib.errors import RawFileError
from parlib.text import clean_text

__all__ = ["as_utf8"]


def as_utf8(data: bytes, shown: str, declared: str | None) -> tuple[bytes, str, list[str]]:
    """Return the file's text as UTF-8 bytes, the encoding it was read in and notes.

    UTF-8 is checked by pyarrow without decoding the file; other text is decoded
    (and what is wrong with it named) by :func:`_decode`.
    """
    try:
        utf8 = declared is None or codecs.lookup(declared).name in ("utf-8", "utf-8-sig")
    except LookupError:
        utf8 = False
    if utf8 and _is_utf8(data):
        return data, "utf-8-sig" if data.startswith(codecs.BOM_UTF8) else "utf-8", []
    text, enc, notes = _decode(data, shown, declared)
    return text.encode("utf-8"), enc, notes


def _is_utf8(data: bytes) -> bool:
    """Whether ``data`` is valid UTF-8, checked by pyarrow without decoding it."""
    offsets = pa.py_buffer(np.array([0, len(data)], dtype=np.int64))
    try:
        pa.LargeStringArray.from_buffers(1, offsets, pa.py_buffer(data)).validate(full=True)
    except pa.ArrowInvalid:
        return False
    return True


def _decode(data: bytes, shown: str, declared: str | None) -> tuple[str, str, list[str]]:
    codec = None
    if declared:
        try:
            codec = codecs.lookup(declared).name
        except LookupError:
            raise RawFileError(
                f"unknown encoding {declared!r}",
                file=shown,
                fix="set encoding: to utf-8, utf-8-sig or cp1258",
            ) from None
    if data.startswith((codecs.BOM_UTF16_LE, codecs.BOM_UTF16_BE)) and not (codec or "").startswith(
        "utf-16"
    ):
        raise RawFileError(
            "the file is UTF-16 text",
            file=shown,
            fix="save it from Excel as 'CSV UTF-8 (comma delimited)'",
        )
    bom = data.startswith(codecs.BOM_UTF8)

    def line_of(pos: int) -> int:
        return data.count(b"\n", 0, pos) + 1

    if codec in (None, "utf-8", "utf-8-sig"):
        try:
            return data.decode("utf-8-sig"), "utf-8-sig" if bom else "utf-8", []
        except UnicodeDecodeError as err:
            if codec is not None:
                line = clean_text(_line(data, err.start).decode("cp1258", "replace"))
                raise RawFileError(
                    "the file is declared UTF-8 but is not UTF-8 text",
                    file=shown,
                    row=line_of(err.start),
                    value=line,
                    fix="set encoding: cp1258 in "
                    "dataset.yaml (a Windows-1258 file), or save the file as CSV UTF-8",
                ) from None
    first = re.search(rb"[\x80-\xff]", data)
    if codec == "cp1258" and first is not None:
        try:
            data.decode("utf-8")
        except UnicodeDecodeError:
            pass
        else:
            raw_line = _line(data, first.start())
            raise RawFileError(
                f"the file is declared cp1258 but is UTF-8 text: {raw_line.decode('utf-8')[:40]!r} "
                f"would be read as mojibake",
                file=shown,
                row=line_of(first.start()),
                value=raw_line.decode("cp1258", "replace")[:40],
                fix="remove encoding: cp1258 from dataset.yaml, or set encoding: utf-8",
            )
    try:
        text = data.decode(codec or "cp1258")
    except UnicodeDecodeError as err:
        name = codec or "Windows-1258 (cp1258)"
        raise RawFileError(
            f"the file is neither UTF-8 nor {name} text",
            file=shown,
            row=line_of(err.start),
            fix="save the file as CSV UTF-8, or set encoding: in dataset.yaml",
        ) from None
    notes = [] if codec else ["the file is not UTF-8; it was read as Windows-1258 (cp1258)"]
    return text, codec or "cp1258", notes


def _line(data: bytes, pos: int) -> bytes:
    start = data.rfind(b"\n", 0, pos) + 1
    end = data.find(b"\n", pos)
    return data[start : end if end >= 0 else len(data)].rstrip(b"\r")
