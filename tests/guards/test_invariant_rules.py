"""Edge cases of the suppression, parse and trade rules beyond their documented examples."""

from __future__ import annotations

import pytest

from guards import Change, Config, FilePair, RuleSet, check
from guards.rules.suppression_comment import added_suppressions


@pytest.mark.parametrize(
    ("before", "after", "expected"),
    [
        ("x = 1\n", "x = 1  # type: ignore\n", [(1, "type: ignore")]),
        ("x = 1  # noqa\n", "x  =  1   # noqa\n", []),  # layout only
        ("x = 1  # noqa\n", "x = 2  # noqa\n", [(1, "noqa")]),  # new code under an old marker
        ("", "s = '''\n# noqa\n'''\nt = 1  # noqa: E501\n", [(4, "noqa: E501")]),
        ("", "x = 1  # type: ignore[misc]  # noqa\n", [(1, "type: ignore[misc]"), (1, "noqa")]),
        # A side that does not tokenize to its end: the comments before the error still count.
        ("", "a = 1  # pragma: no cover\nb = '''never closed\n# noqa\n", [(1, "pragma: no cover")]),
        ("", "if x:\n        y = 1\n    z = 2  # noqa\nw = 1  # noqa\n", []),
    ],
)
def test_added_suppressions(before: str, after: str, expected: list[tuple[int, str]]) -> None:
    assert [(s.line, s.marker) for s in added_suppressions(before, after)] == expected


def _findings(before: str, after: str, path: str = "app/service.py") -> list[tuple[str, int, str]]:
    change = Change.of([FilePair(path, before.encode() or None, after.encode() or None)])
    return [(f.rule, f.line, f.message) for f in check(change, Config(), RuleSet.default()).findings]


@pytest.mark.parametrize(
    ("after", "expected"),
    [
        ("def f(:\n", [("PR001", 1, "does not parse: invalid syntax")]),
        ("x = (\n", [("PR001", 1, "does not parse: '(' was never closed")]),
        ("\0", []),  # binary: skipped with a notice before any rule runs
    ],
)
def test_parse_error_is_one_finding(after: str, expected: list[tuple[str, int, str]]) -> None:
    assert [f for f in _findings("x = 1\n", after) if f[0] == "PR001"] == expected


def test_trade_names_both_findings_once_per_scope() -> None:
    before = "def load(p):\n    assert p\n    if not p.exists():\n        raise ValueError(p)\n    return parse(p)\n"
    after = "def load(p):\n    try:\n        return parse(p)\n    except Exception:\n        return None\n"
    trades = [f for f in _findings(before, after) if f[0] == "TR001"]
    assert len(trades) == 1, trades
    assert "(IV" in trades[0][2] and "broad-except (FB001)" in trades[0][2] and "`load`" in trades[0][2]


def test_removed_code_of_a_scope_moved_to_another_file_is_placed_in_its_new_place() -> None:
    before_a = "def helper():\n    return 1\n\n\ndef load(p):\n    assert p\n    return parse(p)\n"
    after_b = "import os\n\n\nX = os.sep\n\n\ndef load(p):\n    return parse(p)\n"
    change = Change.of([FilePair("app/a.py", before_a.encode(), b"def helper():\n    return 1\n"), FilePair("app/b.py", None, after_b.encode())])
    removed = [(f.path, f.line) for f in check(change, Config(), RuleSet.default()).findings if f.rule == "IV001"]
    # The assert stood just below `def load` in a.py; there is no line 6 of b.py to read from it.
    assert removed == [("app/b.py", 8)]


def test_removed_code_is_placed_by_the_lines_of_its_scope() -> None:
    body = "".join(f"def f{n}(x):\n    return x + {n}\n\n\n" for n in range(30))
    before = body + "def load(p):\n    assert p\n    return parse(p)\n"
    after = "import os\n\n\n" + body.replace("return x + 7", "return x + 70") + "def load(p):\n    return parse(p)\n"
    removed = [line for rule, line, _ in _findings(before, after) if rule == "IV001"]
    assert removed == [before.count("\n") - 2 + 3 + 1]
