"""The package shows its rooms: small modules, short functions, one name per idea. (The layers are
import-linter's contract in pyproject.toml, run by the test command.)"""

from __future__ import annotations

import ast
from collections import defaultdict
from pathlib import Path

from conftest import ROOT

PACKAGE = ROOT / "catalogo"
MAX_MODULE_LINES = 450
MAX_FUNCTION_LINES = 100


def _modules() -> dict[Path, ast.Module]:
    return {path: ast.parse(path.read_text(encoding="utf-8")) for path in sorted(PACKAGE.rglob("*.py"))}


def test_no_module_over_450_lines_and_no_function_over_100() -> None:
    long_modules, long_functions = [], []
    for path, tree in _modules().items():
        lines = len(path.read_text(encoding="utf-8").splitlines())
        if lines > MAX_MODULE_LINES:
            long_modules.append((path.relative_to(ROOT).as_posix(), lines))
        for node in ast.walk(tree):
            if isinstance(node, (ast.FunctionDef, ast.AsyncFunctionDef)):
                length = (node.end_lineno or node.lineno) - node.lineno + 1
                if length > MAX_FUNCTION_LINES:
                    long_functions.append((f"{path.relative_to(ROOT).as_posix()}:{node.lineno} {node.name}", length))
    assert long_modules == [] and long_functions == []


def test_one_public_name_per_idea() -> None:
    """No two modules define the same public class, function or constant (two 'Answers', two
    'practice_path', two 'fold' were three ideas under one name each)."""
    defined: dict[str, list[str]] = defaultdict(list)
    for path, tree in _modules().items():
        for node in tree.body:
            names = []
            if isinstance(node, (ast.FunctionDef, ast.ClassDef)):
                names = [node.name]
            elif isinstance(node, ast.Assign):
                names = [t.id for t in node.targets if isinstance(t, ast.Name)]
            defined.update(
                {n: [*defined[n], path.relative_to(ROOT).as_posix()] for n in names if not n.startswith("_")}
            )
    assert {name: where for name, where in defined.items() if len(where) > 1} == {}


def test_every_subpackage_says_what_it_holds() -> None:
    for folder in sorted(p for p in PACKAGE.iterdir() if (p / "__init__.py").is_file()):
        assert ast.get_docstring(ast.parse((folder / "__init__.py").read_text(encoding="utf-8"))), folder.name
