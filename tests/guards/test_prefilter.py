"""The `ast` prefilter never hides a finding, and does spare scopes where nothing of interest changed;
the process pool of a large change reports what checking its files one by one reports."""

from __future__ import annotations

import ast

import pytest

from guards import Change, Config, FilePair, RuleSet, check
from guards.pool import PARALLEL_FILES
from guards.prefilter import ScopeFilter, calls_to, fingerprint
from guards.rules.base import Example, Rule, ScopeRule

RULES = RuleSet.default().rules


def _unfiltered(rule: Rule) -> Rule:
    """The same rule, declaring no triggers: the engine runs it on every changed scope."""
    if not isinstance(rule, ScopeRule):
        return rule
    return type(type(rule).__name__, (type(rule),), {"ast_triggers": None})()


UNFILTERED = RuleSet(tuple(_unfiltered(rule) for rule in RULES))


def _findings(example: Example, rules: RuleSet) -> list[tuple[str, str, int, str]]:
    return sorted((f.rule, f.path, f.line, f.message) for f in check(example.change(), Config(), rules).findings)


def _reversed(example: Example) -> Example:
    """The example undone: what it added is removed, so a rule that fires on additions (`fires_on`)
    must find nothing in it where the prefilter spares it."""
    return Example(example.after, example.before, path=example.path)


def _examples() -> list[object]:
    return [
        pytest.param(shown, id=f"{rule.meta.id}-{kind}-{index}{suffix}")
        for rule in RULES
        if isinstance(rule, ScopeRule) and rule.ast_triggers is not None
        for kind in ("INVALID", "VALID")
        for index, example in enumerate(getattr(rule, kind))
        for shown, suffix in ((example, ""), (_reversed(example), "-reversed"))
    ]


@pytest.mark.parametrize("example", _examples())
def test_prefilter_changes_no_finding_of_any_example(example: Example) -> None:
    assert _findings(example, RuleSet.default()) == _findings(example, UNFILTERED)


SPARED = [
    # Arithmetic changed: no handler, raise, assert, if, call of interest, or signature moved.
    ("def f(x):\n    y = x + 1\n    return y\n", "def f(x):\n    y = x + 2\n    return y\n"),
    # An attribute read changed.
    ("def f(x):\n    return x.a\n", "def f(x):\n    return x.b\n"),
    # An `if` that neither exits quietly, nor validates, nor tests for a missing value.
    ("def f(x):\n    if x > 1:\n        x = 2\n    return x\n", "def f(x):\n    if x > 3:\n        x = 2\n    return x\n"),
    # A missing-value test on an attribute only: no parameter of the function is guarded.
    (
        "def f(self):\n    return self._cache\n",
        "def f(self):\n    if self._cache is None:\n        self._cache = {}\n    return self._cache\n",
    ),
    # The handler sits in a nested function, a scope of its own that did not change.
    (
        "def f(x):\n    def g():\n        try:\n            return 1\n        except OSError:\n            return 2\n    return x\n",
        "def f(x):\n    def g():\n        try:\n            return 1\n        except OSError:\n            return 2\n    return x + 1\n",
    ),
]
CHECKED = [
    ("def f(x):\n    return g(x)\n", "def f(x):\n    try:\n        return g(x)\n    except OSError:\n        return None\n"),
    ("def f(x):\n    assert x\n    return x\n", "def f(x):\n    return x\n"),
    ("def f(x):\n    return x\n", "def f(x=None):\n    return x\n"),
    ("def f(x):\n    return x.a\n", "def f(x):\n    return getattr(x, 'a', None)\n"),
    ("def f(x):\n    return x\n", "def f(x):\n    if len(x) == 0:\n        x = [1]\n    return x\n"),
]


@pytest.mark.parametrize(("before", "after", "spared"), [(b, a, 1) for b, a in SPARED] + [(b, a, 0) for b, a in CHECKED])
def test_prefilter_spares_only_scopes_where_no_trigger_changed(before: str, after: str, spared: int) -> None:
    change = Change.of([FilePair("app/service.py", before.encode(), after.encode())])
    report = check(change, Config(), RuleSet.default())
    assert report.metrics["scopes_analysed"] == 1
    assert report.metrics["scopes_prefiltered"] == spared


@pytest.mark.parametrize(
    ("before", "after", "triggers", "may_fire"),
    [
        ("x = d.get(k)\n", "x = d.get(k, 0)\n", (calls_to("get"),), True),
        ("x = d.get(k)\n", "x = d.pop(k, 0)\n", (calls_to("get"),), True),
        ("x = f(k)\n", "x = f(k, 0)\n", (calls_to("get"),), False),
        ("x = f(k)\n", "x = (f(k))  # same\n", (ast.Call,), False),
        ("x = f(k)\n", "x = f(k)\nx = f(k)\n", (ast.Call,), True),
    ],
)
def test_fingerprints_compare_trigger_nodes_as_multisets(before: str, after: str, triggers: tuple[type[ast.AST], ...], may_fire: bool) -> None:
    kinds = frozenset(triggers)
    scope_filter = ScopeFilter(fingerprint(ast.parse(before).body, kinds), fingerprint(ast.parse(after).body, kinds))
    assert scope_filter.may_fire(triggers) is may_fire
    assert scope_filter.may_fire(None) is True


@pytest.mark.parametrize(
    ("before", "after", "fires"),
    [
        # One call added, none removed.
        ("x = f(k)\n", "x = f(k)\ny = g(k)\n", {"added", "changed"}),
        # One removed, none added: a rule that reports additions has nothing to look at.
        ("x = f(k)\ny = g(k)\n", "x = f(k)\n", {"removed", "changed"}),
        # One replaced by another.
        ("x = f(k)\n", "x = g(k)\n", {"added", "removed", "replaced", "changed"}),
        # Moved within the scope: nothing gained or lost.
        ("x = f(k)\ny = g(k)\n", "y = g(k)\nx = f(k)\n", set()),
    ],
)
def test_a_rule_runs_only_where_its_trigger_nodes_changed_the_way_it_reports(before: str, after: str, fires: set[str]) -> None:
    kinds = frozenset({ast.Call})
    scope_filter = ScopeFilter(fingerprint(ast.parse(before).body, kinds), fingerprint(ast.parse(after).body, kinds))
    assert {way for way in ("added", "removed", "replaced", "changed") if scope_filter.may_fire((ast.Call,), way)} == fires


def _file(index: int) -> FilePair:
    before = f"def load_{index}(path):\n    return read(path)\n"
    after = f"def load_{index}(path):\n    try:\n        return read(path)\n    except Exception:\n        return None\n"
    return FilePair(f"app/module_{index}.py", before.encode(), after.encode())


def test_a_change_checked_in_the_pool_reports_what_its_files_report_alone() -> None:
    files = [_file(index) for index in range(PARALLEL_FILES + 5)]
    together = check(Change.of(files), Config(), RuleSet.default())
    alone = [finding for file in files for finding in check(Change.of([file]), Config(), RuleSet.default()).findings]
    assert len(together.findings) >= len(files)
    assert [(f.rule, f.path, f.line, f.message) for f in together.findings] == sorted(
        ((f.rule, f.path, f.line, f.message) for f in alone), key=lambda key: (key[1], key[2], key[0])
    )
