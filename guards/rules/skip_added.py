"""TS003 skip-added."""

from __future__ import annotations

from collections.abc import Iterator

import libcst as cst
import libcst.matchers as m

from guards.findings import Category, Finding, RuleMeta, Severity
from guards.prefilter import mentions
from guards.rules.base import Applies, Example, ScopeRule
from guards.rules.patterns import code_of
from guards.scope import ScopeDiff

_PATH = "tests/test_service.py"
_UNCONDITIONAL = frozenset(
    {
        "pytest.mark.skip",
        "pytest.mark.xfail",
        "pytest.skip",
        "pytest.xfail",
        "unittest.skip",
        "unittest.expectedFailure",
    }
)
_CONDITIONAL = frozenset({"pytest.mark.skipif", "unittest.skipIf", "unittest.skipUnless"})
# The last part of every name above, to look up qualified names only for likely candidates.
_SKIP_NAMES = ("skip", "skipif", "xfail", "skipIf", "skipUnless", "expectedFailure", "skipTest")
_LAST_PART = m.MatchRegex(f"^({'|'.join(_SKIP_NAMES)})$")
_CANDIDATE = m.Name(_LAST_PART) | m.Attribute(attr=m.Name(_LAST_PART))
_SKIP_TEST = m.Attribute(value=m.Name("self"), attr=m.Name("skipTest"))


class SkipAdded(ScopeRule):
    """## What it does
    Flags a skip or an expected failure added in a test file: `@pytest.mark.skip`, `skipif`,
    `xfail` (on a test, a test class, a `pytest.param`, or a module's `pytestmark`),
    `pytest.skip(...)`, `pytest.xfail(...)`, `@unittest.skip*`, `@unittest.expectedFailure`,
    `self.skipTest(...)`. Names are resolved through imports (`import pytest as pt`,
    `from pytest import mark`).

    ## Why is this bad?
    A skipped test is a deleted test that still shows up in the count. Skipping the test that
    fails is the quickest green run there is, and an `xfail` turns the bug it found into an
    expected outcome.

    Not flagged: a skip the scope already had (its reason reworded); in a new test or test class,
    a conditional skip (`skipif`, `skipUnless`), which is how platform-specific tests are
    written. An unconditional skip on a new test is a warning: it weakens nothing yet, but it
    adds a test that never runs. So is a conditional `pytestmark` at module level, where the
    guard cannot tell a new test module from an old one.

    ## Example
    ```python
    @pytest.mark.skip(reason="flaky")
    def test_retry_backoff():
        assert backoff(3) == 8
    ```

    ## Use instead
    Fix the code or the test so that it passes; if the test is wrong, correct or delete it in a
    change that says why.
    """

    applies = Applies(files="tests")
    ast_triggers = (mentions(*_SKIP_NAMES),)
    fires_on = "added"
    meta = RuleMeta(
        id="TS003",
        name="skip-added",
        category=Category.TEST,
        severity=Severity.ERROR,
        suggestion="Make the test pass instead of skipping it; fix the code under test or correct the test and say why.",
    )
    VALID = (
        Example(
            "import pytest\n\n@pytest.mark.skip(reason='slow')\ndef test_f():\n    assert f(1) == 2\n",
            "import pytest\n\n@pytest.mark.skip(reason='needs a GPU')\ndef test_f():\n    assert f(1) == 2\n",
            path=_PATH,
        ),
        Example(
            "",
            "import sys\nimport pytest\n\n@pytest.mark.skipif(sys.platform == 'win32', reason='posix only')\ndef test_f():\n    assert f(1) == 2\n",
            path=_PATH,
        ),
        Example("def test_f():\n    assert f(1)\n", "def test_f():\n    assert f(1) == 2\n", path=_PATH),
        Example("import pytest\n\ndef f():\n    return 1\n", "import pytest\n\n@pytest.mark.skip\ndef f():\n    return 1\n"),
    )
    INVALID = (
        Example(
            "import pytest\n\ndef test_f():\n    assert f(1) == 2\n",
            "import pytest\n\n@pytest.mark.skip(reason='flaky')\ndef test_f():\n    assert f(1) == 2\n",
            path=_PATH,
        ),
        Example(
            "import pytest as pt\n\ndef test_f():\n    assert f(1) == 2\n",
            "import pytest as pt\n\ndef test_f():\n    pt.xfail('known bug')\n    assert f(1) == 2\n",
            path=_PATH,
        ),
        Example(
            "import pytest\n\ndef test_f():\n    assert f(1) == 2\n",
            "import pytest\n\npytestmark = pytest.mark.skipif(True, reason='broken')\n\ndef test_f():\n    assert f(1) == 2\n",
            path=_PATH,
        ),
        Example(
            "from unittest import TestCase, skip\n\nclass TestF(TestCase):\n    def test_f(self):\n        self.assertEqual(f(1), 2)\n",
            "from unittest import TestCase, skip\n\n@skip('later')\nclass TestF(TestCase):\n    def test_f(self):\n        self.assertEqual(f(1), 2)\n",
            path=_PATH,
        ),
        Example("", "import pytest\n\n@pytest.mark.xfail\ndef test_f():\n    assert f(1) == 2\n", path=_PATH),
    )

    def check(self, scope: ScopeDiff) -> Iterator[Finding]:
        new_definition = scope.kind != "module" and scope.status == "added"
        for node in scope.added(_CANDIDATE):
            names = scope.after.qualified_names(node) | {code_of(node)}
            unconditional = bool(names & _UNCONDITIONAL) or m.matches(node, _SKIP_TEST)
            if not unconditional and not names & _CONDITIONAL:
                continue
            if new_definition and not unconditional:
                continue
            severity = Severity.WARNING if new_definition or (not unconditional and scope.kind == "module") else None
            yield scope.finding(self.meta, node, f"test skipped or marked as expected to fail: `{code_of(_call_of(scope, node))}`", severity)


def _call_of(scope: ScopeDiff, node: cst.CSTNode) -> cst.CSTNode:
    """The call around a skip name (`pytest.skip("x")`), for the message; the name alone otherwise."""
    parent = scope.after.parent(node)
    return parent if isinstance(parent, cst.Call) and parent.func is node else node
