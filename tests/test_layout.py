"""The package layout stays readable: small modules, public imports only, no cycles.

These walk parlib's source with :mod:`ast` (nothing is imported), so a failure names
the file and line to change.
"""

from __future__ import annotations

import ast
from pathlib import Path

import pytest

PACKAGE = Path(__file__).resolve().parents[1] / "parlib"
MAX_LINES = 420  # "about 400": a module past this is doing more than one job


def _modules() -> dict[str, Path]:
    found = {}
    for path in sorted(PACKAGE.rglob("*.py")):
        parts = path.relative_to(PACKAGE.parent).with_suffix("").parts
        name = ".".join(parts[:-1] if parts[-1] == "__init__" else parts)
        found[name] = path
    return found


MODULES = _modules()


def _top_level_imports(path: Path) -> list[tuple[int, str, list[str]]]:
    """Return (line, module, names) for each import run when the module loads."""
    tree = ast.parse(path.read_text(encoding="utf-8"))
    out = []
    for node in tree.body:  # function-level and TYPE_CHECKING imports do not load at import
        if isinstance(node, ast.ImportFrom) and node.level == 0 and node.module:
            out.append((node.lineno, node.module, [a.name for a in node.names]))
        elif isinstance(node, ast.Import):
            out += [(node.lineno, a.name, []) for a in node.names]
    return out


def _all_imports(path: Path) -> list[tuple[int, str, list[str]]]:
    out = []
    for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
        if isinstance(node, ast.ImportFrom) and node.module:
            out.append((node.lineno, node.module, [a.name for a in node.names]))
    return out


@pytest.mark.parametrize("name", sorted(MODULES))
def test_no_module_is_over_about_400_lines(name):
    lines = len(MODULES[name].read_text(encoding="utf-8").splitlines())
    assert lines <= MAX_LINES, (
        f"{MODULES[name].relative_to(PACKAGE.parent)} has {lines} lines (limit {MAX_LINES}): "
        "split it by job into modules of its subpackage"
    )


def test_modules_import_each_others_public_names_only():
    private = []
    for _name, path in MODULES.items():
        for line, module, names in _all_imports(path):
            if not module.startswith("parlib"):
                continue
            if any(part.startswith("_") for part in module.split(".")):
                private.append(f"{path.relative_to(PACKAGE.parent)}:{line} imports {module}")
            private += [
                f"{path.relative_to(PACKAGE.parent)}:{line} imports {module}.{n}"
                for n in names
                if n.startswith("_") and n != "__version__"
            ]
    assert private == []


def test_there_is_no_import_cycle():
    graph: dict[str, set[str]] = {name: set() for name in MODULES}
    for name, path in MODULES.items():
        for _line, module, names in _top_level_imports(path):
            if not module.startswith("parlib"):
                continue
            for target in [f"{module}.{n}" for n in names] + [module]:
                if target in MODULES and target != name:
                    graph[name].add(target)
                    break
    cycles, state = [], {}

    def visit(node: str, stack: list[str]) -> None:
        state[node] = "open"
        for nxt in sorted(graph[node]):
            if state.get(nxt) == "open":
                cycles.append(" -> ".join([*stack[stack.index(nxt) :], nxt]))
            elif nxt not in state:
                visit(nxt, [*stack, nxt])
        state[node] = "done"

    for node in sorted(graph):
        if node not in state:
            visit(node, [node])
    assert cycles == []


def test_the_public_api_stub_names_only_what_exists():
    import parlib

    stub = ast.parse((PACKAGE / "__init__.pyi").read_text(encoding="utf-8"))
    listed = [a.name for n in stub.body if isinstance(n, ast.ImportFrom) for a in n.names]
    assert sorted(listed) == sorted(parlib.__all__)
    assert [n for n in listed if not hasattr(parlib, n)] == []
