"""This project's own larger files, and edits of them that a change makes: what the tests of an
old side read beside its new side run on."""

from __future__ import annotations

import ast
from pathlib import Path

SOURCES = sorted(path for package in ("guards", "orchestrator") for path in (Path(__file__).parents[2] / package).rglob("*.py") if path.stat().st_size > 2000)


def edits(source: str) -> list[str]:
    """The file with its first top-level definition removed, with a line of its last one changed,
    with two definitions swapped, and with a decorator added."""
    tree = ast.parse(source)
    lines = source.split("\n")
    definitions = [node for node in tree.body if isinstance(node, ast.FunctionDef | ast.ClassDef)]
    first, last = definitions[0], definitions[-1]
    start = first.decorator_list[0].lineno if first.decorator_list else first.lineno
    assert first.end_lineno is not None and last.end_lineno is not None
    removed = lines[: start - 1] + lines[first.end_lineno :]
    changed = list(lines)
    changed[last.end_lineno - 1] += "  # edited"
    swapped = lines[: start - 1] + lines[last.lineno - 1 : last.end_lineno] + lines[first.end_lineno : last.lineno - 1] + lines[start - 1 : first.end_lineno] + lines[last.end_lineno :]
    decorated = lines[: start - 1] + ["@staticmethod"] + lines[start - 1 :]
    return ["\n".join(edit) for edit in (removed, changed, swapped, decorated)]
