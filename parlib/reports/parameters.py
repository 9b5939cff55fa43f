"""Parameters as people type them: coerced to their notebook's types, unknown names refused.

papermill run by hand passes ``-p NAME VALUE`` as an integer, a float or text,
so ``-p provinces '["Bến Tre", "Trà Vinh"]'`` arrives as one string and
``-p boundaries 2025`` as an integer. :func:`coerce_parameter` turns such a
value into the type of the notebook's default: a list from JSON or Python list
text or from comma-separated text, text from a number, a number from text.

Inside a notebook, :func:`check_injected` (called by
:func:`parlib.reports.start_report`, the notebook's first parlib call) compares
the names of the cell papermill injected with those of the cell tagged
``parameters``, refuses a name the notebook does not define, and writes the
coerced values back into the notebook's namespace, before any analysis runs.
:func:`show_errors_briefly` makes every parlib error in a notebook show as one
short paragraph instead of a traceback.

Examples
--------
>>> coerce_parameter("provinces", '["Bến Tre", "Trà Vinh"]', [])
['Bến Tre', 'Trà Vinh']
>>> coerce_parameter("provinces", "Bến Tre, Trà Vinh", [])
['Bến Tre', 'Trà Vinh']
>>> coerce_parameter("years", "2019,2020", []), coerce_parameter("years", 2023, [])
([2019, 2020], [2023])
>>> coerce_parameter("boundaries", 2025, "legacy"), coerce_parameter("year", "2023", 0)
('2025', 2023)
"""

from __future__ import annotations

import ast
import difflib
import json
import warnings
from typing import Any

from parlib.errors import ParameterError, ParlibError

__all__ = [
    "INJECTED_MARK",
    "check_injected",
    "check_parameters",
    "coerce_parameter",
    "parameters_of",
    "show_errors_briefly",
]

#: The first line of the cell papermill injects (its ``comment="Parameters"``).
INJECTED_MARK = "# Parameters"

# Item types of list parameters whose default is the empty list, so says nothing itself.
_ITEM_TYPES: dict[str, type] = {"years": int}
_TRUE, _FALSE = {"true", "yes", "1", "on"}, {"false", "no", "0", "off"}


def coerce_parameter(name: str, value: Any, default: Any) -> Any:
    """Return ``value`` in the type of the notebook's ``default``, as a person meant it.

    Parameters
    ----------
    name
        The parameter's name (for messages, and the item type of ``years``).
    value
        What papermill, ``-y``/``-f`` YAML or ``reports.yaml`` gave.
    default
        The literal default of the notebook's ``parameters`` cell; ``None``
        (or a non-literal) leaves ``value`` as it is.

    Returns
    -------
    object
        A list for a list default (from a list, JSON or Python list text,
        comma-separated text or one value), text for a text default given a
        number, an integer or float for a number default given as text, a bool
        from ``true``/``false``; anything else unchanged.

    Raises
    ------
    ParameterError
        When text cannot be read as the number, list item or bool it must be.

    Examples
    --------
    >>> coerce_parameter("years", "[2021, 2022]", [])
    [2021, 2022]
    >>> coerce_parameter("provinces", "", []), coerce_parameter("provinces", "79", [])
    ([], ['79'])
    >>> coerce_parameter("year", "last", 0)
    Traceback (most recent call last):
    ...
    parlib.errors.ParameterError: parameter 'year' must be a whole number like its default 0 (value 'last'). Fix: pass it as e.g. -p year 0.
    """
    if isinstance(default, bool):
        return _to_bool(name, value, default)
    if isinstance(default, int):
        return _to_number(name, value, default, int)
    if isinstance(default, float):
        return _to_number(name, value, default, float)
    if isinstance(default, str):
        if isinstance(value, (int, float)) and not isinstance(value, bool):
            return str(value)
        return value
    if isinstance(default, (list, tuple)):
        items = _to_list(value)
        if items is None:
            return value
        kind = type(default[0]) if len(default) else _ITEM_TYPES.get(name)
        if kind in (int, float):
            return [_to_number(name, item, kind(), kind, item=True) for item in items]
        if kind is str or not len(default):
            return [
                str(item) if isinstance(item, (int, float)) and not isinstance(item, bool) else item
                for item in items
            ]
        return items
    return value


def _to_list(value: Any) -> list | None:
    if isinstance(value, (list, tuple)):
        return list(value)
    if value is None:
        return []
    if isinstance(value, (int, float)) and not isinstance(value, bool):
        return [value]
    if not isinstance(value, str):
        return None
    text = value.strip()
    if not text:
        return []
    if text[0] in "[(":
        for read in (json.loads, ast.literal_eval):
            try:
                parsed = read(text)
            except (ValueError, SyntaxError, TypeError, MemoryError, RecursionError):
                continue
            if isinstance(parsed, (list, tuple)):
                return list(parsed)
        text = text.strip("[]()")
    return [
        part.strip().strip("'\"").strip()
        for part in text.split(",")
        if part.strip().strip("'\"").strip()
    ]


def _to_number(name: str, value: Any, default: Any, kind: type, *, item: bool = False) -> Any:
    if isinstance(value, bool):
        pass
    elif isinstance(value, int) and kind is int:
        return value
    elif isinstance(value, (int, float)) and kind is float:
        return float(value)
    elif isinstance(value, float) and kind is int and value.is_integer():
        return int(value)
    elif isinstance(value, str):
        try:
            number = float(value.strip().replace(",", "."))
        except ValueError:
            pass
        else:
            if kind is float:
                return number
            if number.is_integer():
                return int(number)
    what = "whole number" if kind is int else "number"
    shown = (
        f"a list of {what}s like [2019, 2020]" if item else f"a {what} like its default {default!r}"
    )
    example = "'[2019, 2020]'" if item else str(default)
    raise ParameterError(
        f"parameter {name!r} must be {shown}",
        value=value,
        fix=f"pass it as e.g. -p {name} {example}",
    )


def _to_bool(name: str, value: Any, default: bool) -> Any:
    if isinstance(value, bool):
        return value
    key = str(value).strip().lower()
    if key in _TRUE:
        return True
    if key in _FALSE:
        return False
    raise ParameterError(
        f"parameter {name!r} must be true or false",
        value=value,
        fix=f"pass it as e.g. -p {name} {str(default).lower()}",
    )


def parameters_of(source: str) -> dict[str, Any] | None:
    """Return the names a cell of literal assignments defines, with their values.

    A value that is not a literal is returned as None (any value fits it).
    Returns None when the cell holds anything but assignments to names.

    Examples
    --------
    >>> parameters_of('index = "PAR"  # PAR, SIPAS\\nyears = []')
    {'index': 'PAR', 'years': []}
    >>> parameters_of("import parlib") is None, parameters_of("x = compute()")
    (True, {'x': None})
    """
    try:
        tree = ast.parse(source)
    except SyntaxError:
        return None
    out: dict[str, Any] = {}
    for node in tree.body:
        if isinstance(node, ast.Assign):
            targets, expr = node.targets, node.value
        elif isinstance(node, ast.AnnAssign) and node.value is not None:
            targets, expr = [node.target], node.value
        else:
            return None
        names = [t.id for t in targets if isinstance(t, ast.Name)]
        if not names or len(names) != len(targets):
            return None
        try:
            value = ast.literal_eval(expr)
        except (ValueError, SyntaxError, TypeError, MemoryError, RecursionError):
            value = None  # a default that is not a literal: any value fits it
        for name in names:
            out[name] = value
    return out or None


def check_injected(shell: Any = None) -> dict[str, Any]:
    """Check and coerce the parameters papermill injected into the running notebook.

    The injected cell (its first line ``# Parameters``) is compared with the
    cell executed just before it: papermill puts it right after the cell tagged
    ``parameters``. Each injected value is coerced to the type of its
    default (:func:`coerce_parameter`) and written back into the notebook's
    namespace.

    Parameters
    ----------
    shell
        The IPython shell; default the running one. Outside IPython, or when
        no parameters were injected, nothing is checked.

    Returns
    -------
    dict
        The injected parameters, coerced; empty when none were injected.

    Raises
    ------
    ParameterError
        When a name was injected that the parameters cell does not define, or
        a value cannot be read as its parameter's type.
    """
    shell = shell if shell is not None else _shell()
    if shell is None:
        return {}
    inputs = [str(s) for s in shell.user_ns.get("In", []) if s]
    marks = [i for i, s in enumerate(inputs) if s.lstrip().startswith(INJECTED_MARK)]
    if not marks:
        return {}
    injected = parameters_of(inputs[marks[-1]]) or {}
    before = [s for s in inputs[: marks[-1]] if not s.lstrip().startswith(INJECTED_MARK)]
    defaults = parameters_of(before[-1]) if before else None
    if defaults is None:
        raise ParameterError(
            "parameters were injected but the notebook has no cell of defaults before them",
            value=sorted(injected),
            fix="tag the notebook's cell of literal defaults 'parameters'",
        )
    unknown = [name for name in injected if name not in defaults]
    if unknown:
        name = unknown[0]
        close = difflib.get_close_matches(name, list(defaults), n=3)
        hint = f"did you mean {' or '.join(repr(c) for c in close)}? " if close else ""
        raise ParameterError(
            f"unknown parameter {name!r}: the notebook does not define it",
            value=shell.user_ns.get(name),
            fix=f"{hint}the notebook's parameters are {sorted(defaults)}",
        )
    out = {}
    for name in injected:
        value = coerce_parameter(name, shell.user_ns.get(name), defaults[name])
        shell.user_ns[name] = value
        out[name] = value
    return out


def check_parameters() -> dict[str, Any]:
    """Check the parameters papermill injected and show parlib errors briefly; for notebooks.

    A notebook's first parlib call: :func:`show_errors_briefly`, then
    :func:`check_injected`. (:func:`parlib.reports.start_report` does both.)

    Returns
    -------
    dict
        The injected parameters, coerced; empty outside papermill.
    """
    show_errors_briefly()
    return check_injected()


def show_errors_briefly(shell: Any = None) -> bool:
    """Make the notebook show parlib errors as one short paragraph, not a traceback.

    Registers an IPython custom exception handler for
    :class:`~parlib.errors.ParlibError`: the cell still fails (papermill stops
    and exits non-zero), and its output is ``ParameterError: <message>``.
    Name notes (a legacy province name under 2025 boundaries) show as one
    ``Note:`` line.

    Returns
    -------
    bool
        True when a handler was registered (inside IPython), else False.
    """
    shell = shell if shell is not None else _shell()
    if shell is None or not hasattr(shell, "set_custom_exc"):
        return False
    shell.set_custom_exc((ParlibError,), _brief)
    if not getattr(warnings.formatwarning, "_parlib", False):
        warnings.formatwarning = _brief_warning(warnings.formatwarning)
    return True


def _brief_warning(plain: Any) -> Any:
    """Format parlib's notes (:class:`parlib.analysis.resolve.NameNote`) as one line, no source line."""
    from parlib.analysis.resolve import NameNote

    def formatwarning(message, category, filename, lineno, line=None):
        if isinstance(category, type) and issubclass(category, NameNote):
            return f"Note: {message}\n"
        return plain(message, category, filename, lineno, line)

    formatwarning._parlib = True  # type: ignore[attr-defined]
    return formatwarning


def _brief(
    shell: Any, etype: type, value: BaseException, tb: Any, tb_offset: int | None = None
) -> list[str]:
    stb = [f"{etype.__name__}: {value}"]
    shell._showtraceback(etype, value, stb)  # IPython's hook: send the error to the notebook
    return stb


def _shell() -> Any:
    try:
        from IPython import get_ipython
    except ImportError:  # pragma: no cover - IPython comes with ipykernel
        return None
    return get_ipython()
