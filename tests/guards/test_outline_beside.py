"""An old side outlined beside the new one is the outline a whole parse makes: on this project's
own files edited in several ways, and where the guess of its statements is wrong."""

from __future__ import annotations

from pathlib import Path

import pytest

from guards.astform import structure
from guards.metrics.measure import maintainability
from guards.outline import Outline
from tests.guards.edited import SOURCES, edits



def _view(outline: Outline) -> tuple[object, ...]:
    """Everything a check reads of an outline: segments, scopes with their positions and digests,
    the module-level statements, the text, and the maintainability index of the tree."""
    segments = [(s.index, s.first_line, s.last_line, structure(s.nodes), s.statement_line) for s in outline.segments]
    scopes = {
        name: (s.name, s.kind, s.segment, s.first_line, s.last_line, s.text_digest, structure((s.node,)), s.def_line, s.body_line, s.body_digest())
        for name, s in outline.scopes.items()
    }
    return segments, scopes, outline.module_statements, outline.lines, maintainability(outline.source, outline.tree)


@pytest.mark.parametrize("path", SOURCES, ids=lambda path: path.name)
def test_an_old_side_beside_its_new_side_is_outlined_as_a_whole_parse_would(path: Path) -> None:
    new = path.read_text(encoding="utf-8")
    for old in edits(new):
        assert _view(Outline.parse_beside(old, Outline.parse(new))) == _view(Outline.parse(old))
        assert _view(Outline.parse_beside(new, Outline.parse(old))) == _view(Outline.parse(new))


NEW = "import os\n\n\ndef f():\n    return 1\n\n\n@wrap\ndef g(x):\n    if x:\n        return 2\n    else:\n        return 3\n"


def test_unchanged_segments_share_the_new_sides_nodes() -> None:
    new = Outline.parse(NEW)
    old = Outline.parse_beside(NEW.replace("return 1", "return 0") + "\n\nX = 4\n", new)
    assert old.scopes["g"].node is new.scopes["g"].node
    assert old.scopes["f"].node is not new.scopes["f"].node
    assert (old.scopes["g"].first_line, old.scopes["g"].def_line, old.scopes["g"].body_line) == (8, 9, 10)


@pytest.mark.parametrize(
    "old",
    [
        # The new side's function, word for word, inside a string: not a statement there.
        'X = """\ndef f():\n    return 1\n"""\n',
        "Y = (\ndef_f := 1,\n)\n\n\ndef f():\n    return 1\n",
        # An `else` at column 0 carries on the statement above it.
        "if A:\n    pass\nelse:\n    B = 1\n\n\ndef f():\n    return 1\n",
        # Moved under a decorator of its own, and shifted down.
        "\n\n\n@cached\ndef f():\n    return 1\n",
    ],
)
def test_a_wrong_guess_of_where_statements_start_changes_nothing(old: str) -> None:
    assert _view(Outline.parse_beside(old, Outline.parse(NEW))) == _view(Outline.parse(old))


def test_an_old_side_that_does_not_parse_still_raises() -> None:
    with pytest.raises(SyntaxError):
        Outline.parse_beside("def f():\n    return 1\n\n\ndef broken(:\n", Outline.parse(NEW))
