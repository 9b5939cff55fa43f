"""The parameters of a notebook, and the values ``reports.yaml`` gives them, checked.

:func:`notebook_parameters` reads the literal defaults of a notebook's cell tagged
``parameters``; :func:`check_report_parameters` refuses a name the notebook does
not define, coerces each value to its default's type as papermill run by hand
does (:func:`parlib.reports.parameters.coerce_parameter`), and checks the values
with a fixed set of choices and the province names.
"""

from __future__ import annotations

import ast
import difflib
from pathlib import Path
from typing import Any

from parlib.errors import ConfigError, ParameterError
from parlib.reports.parameters import coerce_parameter

__all__ = ["check_report_parameters", "notebook_parameters"]

_CHOICES = {"lang": ("vi", "en"), "boundaries": ("legacy", "2025")}

_NOT_LITERAL: Any = type("NotLiteral", (), {"__repr__": lambda self: "<not a literal>"})()


def notebook_parameters(path: Path) -> dict[str, Any]:
    """Return the parameters of a notebook's ``parameters`` cell with their default values.

    A default that is not a Python literal is returned as ``_NOT_LITERAL`` (any value fits it).

    Raises
    ------
    ConfigError
        When the notebook cannot be read or has no cell tagged ``parameters``.
    """
    import papermill

    try:
        found = papermill.inspect_notebook(str(path))
    except Exception as exc:  # papermill raises plain Exceptions for unreadable files
        raise ConfigError(
            f"the notebook cannot be read: {exc}",
            file=path,
            fix="check that it is a valid .ipynb file with a kernelspec in its metadata",
        ) from None
    if not found:
        raise ConfigError(
            "the notebook has no cell tagged 'parameters'",
            file=path,
            fix="tag the cell of literal defaults with 'parameters'",
        )
    out: dict[str, Any] = {}
    for name, info in found.items():
        try:
            out[name] = ast.literal_eval(info["default"])
        except (ValueError, SyntaxError):
            out[name] = _NOT_LITERAL
    return out


def check_report_parameters(
    params: dict[str, Any], known: dict[str, Any], nb_path: Path, shown: str, where: str
) -> None:
    """Check each parameter of a report against its notebook, coercing values in place.

    ``known`` is the notebook's :func:`notebook_parameters`; values are coerced as
    papermill runs by hand do (:func:`parlib.reports.parameters.coerce_parameter`).
    A :class:`~parlib.errors.ParameterError` names ``shown`` (the reports file), the
    key at ``where``, the value and the fix.
    """
    for name, value in list(params.items()):
        if name not in known:
            close = difflib.get_close_matches(name, list(known), n=1)
            hint = f"did you mean {close[0]!r}? " if close else ""
            raise ParameterError(
                f"unknown parameter {name!r} for notebook {nb_path.name}",
                file=shown,
                column=f"{where}.{name}",
                value=value,
                fix=f"{hint}the notebook's parameters are {sorted(known)}",
            )
        default = known[name]
        if default is not _NOT_LITERAL:
            try:
                value = params[name] = coerce_parameter(name, value, default)
            except ParameterError as exc:
                raise ParameterError(
                    exc.problem,
                    file=shown,
                    column=f"{where}.{name}",
                    value=value,
                    fix=f"write e.g. {name}: {default!r}",
                ) from None
        if not _same_kind(value, default):
            raise ParameterError(
                f"parameter {name!r} of notebook {nb_path.name} must be "
                f"{type(default).__name__} like its default {default!r}",
                file=shown,
                column=f"{where}.{name}",
                value=value,
                fix=f"write a {type(default).__name__} value",
            )
        if name in _CHOICES and value not in _CHOICES[name]:
            raise ParameterError(
                f"parameter {name!r} must be one of {list(_CHOICES[name])}",
                file=shown,
                column=f"{where}.{name}",
                value=value,
                fix=f"use one of {list(_CHOICES[name])}",
            )
        if name == "provinces":
            _check_provinces(value, shown, f"{where}.{name}")


def _check_provinces(value: Any, shown: str, where: str) -> None:
    """Refuse a province name that no spelling, alias or code of either era matches."""
    from parlib.analysis.resolve import did_you_mean, find_province, suggest_provinces

    for name in [value] if isinstance(value, str) else list(value or []):
        if find_province(name) is None:
            close = suggest_provinces(name)
            raise ParameterError(
                "no province has this name",
                file=shown,
                column=where,
                value=name,
                fix=f"{did_you_mean(close).strip() or 'check it'} "
                "Names, English names, names without diacritics, aliases of "
                "parlib/reference/province_aliases.csv and GSO codes all work",
            )


def _same_kind(value: Any, default: Any) -> bool:
    """Tell whether ``value`` has the type of the notebook's literal ``default``."""
    if default is None or default is _NOT_LITERAL:
        return True
    if isinstance(default, bool):
        return isinstance(value, bool)
    if isinstance(default, int):
        return isinstance(value, int) and not isinstance(value, bool)
    if isinstance(default, float):
        return isinstance(value, (int, float)) and not isinstance(value, bool)
    if isinstance(default, (list, tuple)):
        return isinstance(value, list)
    if isinstance(default, dict):
        return isinstance(value, dict)
    if isinstance(default, str):
        return isinstance(value, str) or value is None
    return True
