"""FB004 get-default."""

from __future__ import annotations

from collections.abc import Iterator

import libcst as cst
import libcst.matchers as m

from guards.findings import Category, Finding, RuleMeta, Severity
from guards.prefilter import calls_to
from guards.rules.base import Applies, Example, ScopeRule
from guards.rules.patterns import code_of
from guards.scope import ScopeDiff, ScopeView, StructuralKey, structural_key

_POSITIONAL = m.Arg(keyword=None, star="")
_GET_CALL = m.Call(func=m.Attribute(attr=m.Name("get")), args=[_POSITIONAL, m.ZeroOrOne(_POSITIONAL)])
_ONE_INDEX = m.Subscript(slice=[m.SubscriptElement(slice=m.Index())])


def _stored(view: ScopeView, subscript: cst.CSTNode) -> bool:
    """`d[k]` as an assignment or `del` target: a write, not a read that could fail."""
    parent = view.parent(subscript)
    return m.matches(parent, m.AssignTarget() | m.Del()) or (
        isinstance(parent, cst.AnnAssign) and parent.target is subscript
    )


def _read_subscripts(view: ScopeView) -> dict[tuple[StructuralKey, StructuralKey], cst.Subscript]:
    """Every `d[k]` the scope reads, by the structure of `d` and `k`."""
    found: dict[tuple[StructuralKey, StructuralKey], cst.Subscript] = {}
    for node in view.find(_ONE_INDEX):
        assert isinstance(node, cst.Subscript)
        if _stored(view, node):
            continue
        index = cst.ensure_type(node.slice[0].slice, cst.Index)
        found.setdefault((structural_key(node.value), structural_key(index.value)), node)
    return found


class GetDefault(ScopeRule):
    """## What it does
    Flags an added `d.get(k)` or `d.get(k, default)` where the scope used to read `d[k]` with
    the same `d` and `k` (compared by structure, not by spelling).

    ## Why is this bad?
    `d[k]` states that the key is always there; a `KeyError` means an invariant broke, and the
    traceback says where. `.get` turns that broken invariant into `None` or a made-up default
    that flows on and fails later, far from the cause — or never fails and silently does the
    wrong thing. Agents make this change to get past a `KeyError` instead of finding out why the
    key was missing.

    Not flagged: `.get` in new code or on a key the scope never subscripted (where absence is a
    normal case, e.g. optional HTTP headers), and `.get` calls the before-scope already had.

    ## Example
    ```python
    def user(config):
        return config.get("user", None)  # was: config["user"]
    ```

    ## Use instead
    ```python
    def user(config):
        return config["user"]  # or validate the config where it is loaded, into a typed object
    ```
    """

    # Only a scope that read `d[k]` before can trade it for `.get`: a new one has nothing to compare.
    applies = Applies(statuses=frozenset({"changed"}))
    ast_triggers = (calls_to("get"),)
    fires_on = "added"
    meta = RuleMeta(
        id="FB004",
        name="get-default",
        category=Category.FALLBACK,
        severity=Severity.ERROR,
        suggestion="Keep the direct `d[k]`: find out why the key is missing and fix it where the mapping is built, or make the data a typed object.",
    )
    VALID = (
        # New code where absence is normal: no `d[k]` before.
        Example("", "def agent(headers):\n    return headers.get('User-Agent', 'unknown')\n"),
        Example(
            "def f(config):\n    return config['user']\n",
            "def f(config):\n    return config['user'], config.get('nickname')\n",
        ),
        # A write, not a read, was there before.
        Example(
            "def f(d, k):\n    d[k] = 1\n",
            "def f(d, k):\n    d[k] = 1\n    return d.get(k, 0)\n",
        ),
        Example(
            "def f(config):\n    return config.get('user', None)\n",
            "def f(config):\n    user = config.get('user', None)\n    return user\n",
        ),
    )
    INVALID = (
        Example(
            "def f(config):\n    return config['user']\n",
            "def f(config):\n    return config.get('user', None)\n",
        ),
        Example(
            "def f(self, k):\n    return self.cache[k].value\n",
            "def f(self, k):\n    return self.cache.get(k).value\n",
        ),
        Example(
            "def f(row):\n    total = row['price'] * 2\n    return total\n",
            "def f(row):\n    total = row.get( 'price' , 0) * 2\n    return total\n",
        ),
    )

    def check(self, scope: ScopeDiff) -> Iterator[Finding]:
        read_before = _read_subscripts(scope.before)
        for call in scope.added(_GET_CALL):
            assert isinstance(call, cst.Call)
            mapping = cst.ensure_type(call.func, cst.Attribute).value
            key = call.args[0].value
            pair = (structural_key(mapping), structural_key(key))
            if pair not in read_before:
                continue  # absence may be normal: the scope never claimed the key was there
            subscript = read_before[pair]
            default = code_of(call.args[1].value) if len(call.args) == 2 else "None"
            yield scope.finding(
                self.meta,
                call,
                f"`.get({code_of(key)}, {default})` replaces `{code_of(subscript)}`: "
                f"a missing key now yields {default} instead of raising KeyError where the invariant broke",
            )
