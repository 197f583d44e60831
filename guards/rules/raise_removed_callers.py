"""IV005 caught-raise-removed."""

from __future__ import annotations

import ast
from collections import Counter
from collections.abc import Iterator

import libcst as cst
import libcst.matchers as m

from guards.callgraph.graph import CallGraph, CallSite, describe_sites
from guards.findings import Category, Finding, RuleMeta, Severity
from guards.rules.base import Applies, Example, ScopeRule
from guards.rules.patterns import raised_type
from guards.scope import ScopeDiff, ScopeView


def _canonical(graph: CallGraph, name: str) -> str:
    """A repository class by its defining name (re-exports followed); a builtin by its plain name."""
    found = graph.lookup(name)
    return name if found is None else found


def _qualified(view: ScopeView, node: cst.Raise, graph: CallGraph, module: str) -> str:
    """The raised class as the graph names it: `app.errors.ConfigError`, or `ValueError` for a builtin."""
    assert node.exc is not None
    exc = node.exc.func if isinstance(node.exc, cst.Call) else node.exc
    # A class defined elsewhere in the same file has no qualified name in a segment's parse: its spelling is tried too.
    for name in [*sorted(view.qualified_names(exc)), raised_type(node)]:
        if name.startswith("builtins."):
            return name.removeprefix("builtins.")
        for candidate in (name, f"{module}.{name}"):
            if graph.lookup(candidate) is not None:
                return _canonical(graph, candidate)
    return raised_type(node)


def _catching(graph: CallGraph, sites: list[CallSite], raised: str) -> list[CallSite]:
    ancestors = graph.exception_ancestors(raised)
    return [site for site in sites if any(_canonical(graph, caught) in ancestors for caught in site.call.caught)]


class CaughtRaiseRemoved(ScopeRule):
    """## What it does
    Flags a `raise` removed from a function when the call graph shows callers that catch that
    exception (a `try` around the call with `except` of the type or one of its bases). The
    finding names those callers.

    ## Why is this bad?
    Those callers were written for the error: they recover, retry, report or translate it. With
    the raise gone, their handler is dead code and the state it handled now flows on unnoticed.
    The removal changed a contract that other code depends on, which a local view of the
    function cannot show.

    Not flagged: a raise whose type the function still raises after the change, a function no
    caller wraps in a `try` for that type, and deleted functions.

    ## Example
    ```python
    def parse_port(text: str) -> int:
        port = int(text)
        if not 0 < port < 65536:
            return 0  # was: raise ValueError(text)
        return port

    def load(settings):
        try:
            return parse_port(settings["port"])
        except ValueError:
            return DEFAULT_PORT
    ```

    ## Use instead
    Keep the raise; the callers handle it.
    """

    applies = Applies(files="code", kinds=frozenset({"function"}), statuses=frozenset({"changed"}))
    ast_triggers = (ast.Raise,)
    fires_on = "removed"
    meta = RuleMeta(
        id="IV005",
        name="caught-raise-removed",
        category=Category.INVARIANT,
        severity=Severity.ERROR,
        suggestion="Keep the raise: callers catch it and rely on it. If the contract really changes, change those callers in the same change.",
    )
    _CALLER = "\n\ndef load(text):\n    try:\n        return parse(text)\n    except ValueError:\n        return 0\n"
    _RAISING = "class BadPort(ValueError):\n    pass\n\n\ndef parse(text):\n    port = int(text)\n    if port < 0:\n        raise BadPort(text)\n    return port\n"
    _QUIET = "class BadPort(ValueError):\n    pass\n\n\ndef parse(text):\n    port = int(text)\n    if port < 0:\n        return 0\n    return port\n"
    VALID = (
        # No caller catches it.
        Example(_RAISING + "\n\ndef load(text):\n    return parse(text)\n", _QUIET + "\n\ndef load(text):\n    return parse(text)\n"),
        # The caller catches something else.
        Example(_RAISING + _CALLER.replace("ValueError", "KeyError"), _QUIET + _CALLER.replace("ValueError", "KeyError")),
        # The type is still raised.
        Example(_RAISING + _CALLER, _RAISING.replace("if port < 0:", "if port <= 0:") + _CALLER),
    )
    INVALID = (
        # The caller catches a base of the raised type.
        Example(_RAISING + _CALLER, _QUIET + _CALLER),
        Example(
            "def find(key):\n    raise KeyError(key)\n\n\ndef get(key):\n    try:\n        return find(key)\n    except (KeyError, IndexError):\n        return None\n",
            "def find(key):\n    return None\n\n\ndef get(key):\n    try:\n        return find(key)\n    except (KeyError, IndexError):\n        return None\n",
        ),
    )

    def check(self, scope: ScopeDiff) -> Iterator[Finding]:
        removed = _removed_raises(scope)
        if not removed:
            return
        graph = scope.facts.calls.graph
        qualname = graph.qualname(scope.path, scope.qualname)
        sites = graph.callers(qualname)
        module = qualname[: -len(scope.qualname) - 1]
        for node in removed:
            raised = _qualified(scope.before, node, graph, module)
            catching = _catching(graph, sites, raised)
            if catching:
                yield scope.finding(self.meta, node, f"removed `raise {raised_type(node)}` that callers catch: {describe_sites(catching)}")


def _removed_raises(scope: ScopeDiff) -> list[cst.Raise]:
    """The removed `raise X` statements whose exception type the function no longer raises anywhere."""
    removed = [cst.ensure_type(node, cst.Raise) for node in scope.removed(m.Raise(exc=m.DoesNotMatch(None)))]
    still = Counter(raised_type(cst.ensure_type(node, cst.Raise)) for node in scope.after.find(m.Raise()))
    return [node for node in removed if still[raised_type(node)] == 0]
