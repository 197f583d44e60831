"""Qualified names from import lines (`guards.names`), checked against libcst's `QualifiedNameProvider`
where the two must agree, and on what it documents."""

from __future__ import annotations

import ast

import libcst as cst
import libcst.matchers as m
import pytest
from libcst.metadata import MetadataWrapper, QualifiedNameProvider

from guards.names import NameScope, imported_names

# (source, the dotted expression to resolve, its qualified names)
CASES = [
    ("import pytest\n\ndef f():\n    pytest.raises\n", "pytest.raises", {"pytest.raises"}),
    ("import pytest as pt\n\ndef f():\n    pt.mark.skip\n", "pt.mark.skip", {"pytest.mark.skip"}),
    ("from pytest import raises\n\ndef f():\n    raises\n", "raises", {"pytest.raises"}),
    ("from pytest import raises as r\n\ndef f():\n    r\n", "r", {"pytest.raises"}),
    ("import os.path\n\ndef f():\n    os.path.join\n", "os.path.join", {"os.path.join"}),
    ("import os.path as osp\n\ndef f():\n    osp.join\n", "osp.join", {"os.path.join"}),
    ("from . import errors\n\ndef f():\n    errors.Bad\n", "errors.Bad", {".errors.Bad"}),
    ("from .errors import Bad\n\ndef f():\n    Bad\n", "Bad", {".errors.Bad"}),
    ("def f():\n    Exception\n", "Exception", {"builtins.Exception"}),
    ("def f():\n    import contextlib\n    contextlib.suppress\n", "contextlib.suppress", {"contextlib.suppress"}),
    ("def f():\n    Missing\n", "Missing", set()),
]


def _resolve(source: str, dotted: str) -> set[str]:
    tree = ast.parse(source)
    imports = imported_names(s for s in tree.body if isinstance(s, ast.Import | ast.ImportFrom))
    statement = next(s for s in tree.body if isinstance(s, ast.FunctionDef))
    module = cst.parse_module(source)
    node = _node(module, dotted)
    return NameScope.of(imports, (statement,)).qualified_names(node)


def _node(module: cst.Module, dotted: str) -> cst.CSTNode:
    """The last expression statement's value: the name or attribute chain under test."""
    found = [n for n in m.findall(module, m.Expr()) if module.code_for_node(cst.ensure_type(n, cst.Expr).value) == dotted]
    return cst.ensure_type(found[-1], cst.Expr).value


@pytest.mark.parametrize(("source", "dotted", "expected"), CASES)
def test_names_resolve_through_imports(source: str, dotted: str, expected: set[str]) -> None:
    assert _resolve(source, dotted) == expected


@pytest.mark.parametrize(("source", "dotted", "expected"), CASES)
def test_names_agree_with_libcst(source: str, dotted: str, expected: set[str]) -> None:
    wrapper = MetadataWrapper(cst.parse_module(source))
    node = _node(wrapper.module, dotted)
    assert {name.name for name in _LibcstNames(wrapper).get_metadata(QualifiedNameProvider, node)} == _resolve(source, dotted)


class _LibcstNames(cst.MetadataDependent):
    """Reads qualified names through `get_metadata`, which unwraps libcst's lazy values."""

    METADATA_DEPENDENCIES = (QualifiedNameProvider,)

    def __init__(self, wrapper: MetadataWrapper) -> None:
        super().__init__()
        self.metadata = {QualifiedNameProvider: wrapper.resolve(QualifiedNameProvider)}


@pytest.mark.parametrize(
    "source",
    [
        # A parameter, an assignment, a handler's name and a nested definition shadow a builtin.
        "def f(Exception):\n    Exception\n",
        "def f():\n    Exception = ValueError\n    Exception\n",
        "def f():\n    try:\n        g()\n    except E as Exception:\n        Exception\n",
        "def f():\n    def Exception():\n        pass\n    Exception\n",
    ],
)
def test_a_name_bound_in_the_statement_is_local(source: str) -> None:
    assert _resolve(source, "Exception") == {"Exception"}


def test_a_local_binding_wins_over_a_file_import() -> None:
    assert _resolve("import pytest\n\ndef f(pytest):\n    pytest.raises\n", "pytest.raises") == {"pytest.raises"}
    assert _resolve("import pytest as pt\n\ndef f(pt):\n    pt.raises\n", "pt.raises") == {"pt.raises"}


def test_only_names_and_attribute_chains_resolve() -> None:
    scope = NameScope.of({}, ())
    assert scope.qualified_names(cst.parse_expression("f().x")) == set()
    assert scope.qualified_names(cst.parse_expression("'a'.join")) == set()
