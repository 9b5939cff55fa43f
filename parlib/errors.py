"""The exceptions parlib raises.

Every error says where the problem is (file, row, column), what the bad
value was and how to fix it, in one paragraph a researcher can act on.
Each is a :class:`ParlibError`; those about a bad argument are also the
built-in exception Python code expects (:class:`ParameterError` and
:class:`SelectionError` are ``ValueError``, :class:`ArgumentTypeError` is
``TypeError``, :class:`ColumnError` and :class:`UnknownNameError` are ``KeyError``).

Examples
--------
>>> err = RawFileError("the score is not a number", file="data/raw/bt/2021.csv",
...                    row=7, column="Điểm", value="abc", fix="write it as 98,56 or 98.56")
>>> print(err)
data/raw/bt/2021.csv, row 7, column 'Điểm': the score is not a number (value 'abc'). Fix: write it as 98,56 or 98.56.
"""

from __future__ import annotations

from typing import Any

__all__ = [
    "ArgumentTypeError",
    "ColumnError",
    "ConfigError",
    "HeaderError",
    "LockError",
    "OutputError",
    "ParameterError",
    "ParlibError",
    "RawFileError",
    "ReportError",
    "SelectionError",
    "UnknownNameError",
]

_UNSET: Any = object()


class ParlibError(Exception):
    """Base class of every error parlib raises on purpose.

    Parameters
    ----------
    problem
        What is wrong, as a short clause ("the score is not a number").
    file, row, column, value
        Where the problem is and the offending value; each is optional.
    fix
        What the user should do about it.
    """

    def __init__(
        self,
        problem: str,
        *,
        file: Any = None,
        row: int | None = None,
        column: str | None = None,
        value: Any = _UNSET,
        fix: str | None = None,
    ) -> None:
        self.problem = problem
        self.file = None if file is None else str(file)
        self.row = row
        self.column = column
        self.value = None if value is _UNSET else value
        self.has_value = value is not _UNSET
        self.fix = fix
        super().__init__(self._format())

    def _format(self) -> str:
        where = []
        if self.file is not None:
            where.append(self.file)
        if self.row is not None:
            where.append(f"row {self.row}")
        if self.column is not None:
            where.append(f"column {self.column!r}")
        text = self.problem
        if self.has_value:
            text += f" (value {self.value!r})"
        if where:
            text = ", ".join(where) + ": " + text
        if self.fix:
            fix = self.fix.rstrip(".")
            text += f". Fix: {fix}."
        elif not text.endswith("."):
            text += "."
        return text

    def to_dict(self) -> dict[str, Any]:
        """Return the error's parts as a JSON-ready dict."""
        return {
            "error": type(self).__name__,
            "file": self.file,
            "row": self.row,
            "column": self.column,
            "value": None if self.value is None else str(self.value),
            "problem": self.problem,
            "fix": self.fix,
            "message": str(self),
        }


class ConfigError(ParlibError):
    """A ``dataset.yaml`` or ``reports.yaml`` is missing, malformed or inconsistent."""


class RawFileError(ParlibError):
    """A raw file cannot be read as a score table at all."""


class HeaderError(RawFileError):
    """The header row cannot be found, or a header is ambiguous."""


class UnknownNameError(ParlibError, KeyError):
    """A name matches nothing in the reference data."""

    def __str__(self) -> str:  # KeyError would add quotes around the message
        return self.args[0] if self.args else ""


class ColumnError(ParlibError, KeyError):
    """A table lacks a column the function needs."""

    def __str__(self) -> str:  # KeyError would add quotes around the message
        return self.args[0] if self.args else ""


class SelectionError(ParlibError, ValueError):
    """A filter (index, level, component, province, unit type, year) matches no row.

    Its message is the sentence given: what was asked, what exists, and the
    closest names.
    """

    def __init__(self, message: str) -> None:
        super().__init__(message)

    def _format(self) -> str:
        return self.problem


class ReportError(ParlibError):
    """A report could not be built."""


class ParameterError(ParlibError, ValueError):
    """A parameter has a bad value: a function's argument, or a report notebook's parameter."""


class ArgumentTypeError(ParlibError, TypeError):
    """A function was passed an argument of the wrong type."""


class LockError(ParlibError):
    """Another parlib run holds the lock on the same output folder."""


class OutputError(ParlibError):
    """parlib refuses to write, replace or delete a folder (raw data, or not parlib's own)."""
