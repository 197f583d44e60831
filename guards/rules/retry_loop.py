"""FB008 retry-loop."""

from __future__ import annotations

import ast
from collections.abc import Iterator

import libcst as cst
import libcst.matchers as m

from guards.findings import Category, Finding, RuleMeta, Severity
from guards.rules.base import Example, ScopeRule
from guards.rules.patterns import DEFAULT_VALUE, LOG_CALL, code_of, names_in, raises_inside, statements
from guards.scope import ScopeDiff, ScopeView

_SLEEP = m.Call(func=m.Name("sleep") | m.Attribute(attr=m.Name("sleep")))
# What a handler does when it means "try the same thing again": nothing, a log line, a pause, a counter.
_RETRY_STATEMENT = (
    m.Pass()
    | m.Continue()
    | m.Expr(value=m.Ellipsis() | LOG_CALL | _SLEEP | m.Await(expression=_SLEEP))
    | m.AugAssign()
    | m.Assign(value=DEFAULT_VALUE | m.Name())
)
_LOOP = m.For() | m.While()
# Statements that bind names: what changes from one iteration of a loop to the next.
_BINDING = m.Assign() | m.AugAssign() | m.AnnAssign() | m.NamedExpr() | m.For() | m.WithItem() | m.CompFor()


def _retries(handler: cst.ExceptHandler) -> bool:
    """The handler lets the loop go round again: it neither raises nor leaves the loop."""
    return not raises_inside(handler.body) and all(m.matches(s, _RETRY_STATEMENT) for s in statements(handler.body))


def _innermost_loop_is(view: ScopeView, node: cst.CSTNode, loop: cst.CSTNode) -> bool:
    loops = [ancestor for ancestor in view.ancestors(node) if isinstance(ancestor, cst.For | cst.While)]
    return bool(loops) and loops[0] is loop


def _bound_names(node: cst.CSTNode) -> set[str]:
    if isinstance(node, cst.Assign):
        return set().union(*(names_in(target.target) for target in node.targets))
    if isinstance(node, cst.AugAssign | cst.AnnAssign | cst.NamedExpr | cst.For | cst.CompFor):
        return names_in(node.target)
    item = cst.ensure_type(node, cst.WithItem)
    return names_in(item.asname.name) if item.asname is not None else set()


def _same_call_each_time(loop: cst.For | cst.While, attempt: cst.Try) -> bool:
    """The `try` reads nothing that changes from one iteration to the next.

    A loop whose target, or a name bound in its body outside the `try`, feeds the call handles
    one item after another; that is processing, not retrying.
    """
    inside_attempt = {id(node) for node in m.findall(attempt, _BINDING)}
    varying = set().union(*(_bound_names(n) for n in m.findall(loop.body, _BINDING) if id(n) not in inside_attempt))
    if isinstance(loop, cst.For):
        varying |= names_in(loop.target)
    return not (varying & names_in(attempt.body))


class RetryLoop(ScopeRule):
    """## What it does
    Flags an added `for`/`while` loop whose body calls something inside a `try` and whose
    handler only passes, continues, sleeps, logs or counts: the loop retries the same call.

    ## Why is this bad?
    Most failures an agent meets are deterministic: a wrong argument, a missing file, a bug. A
    retry loop runs them again a few times, slower, then carries on or fails with the last
    error and none of the context. Retrying is right only for failures known to be transient
    (a network timeout), in one place, with a bound and a final raise — usually a library's
    retry policy, not a hand-written loop in business code. Hence a warning, not an error.

    Not flagged: a handler that raises (e.g. on the last attempt), a handler that leaves the
    loop (`break`, `return`), a loop whose `try` reads the loop variable or a name the loop body
    binds outside the `try` (each iteration calls with a different item: that is processing, not
    retrying; FB002 judges a swallowing handler there), and a `try` the loop already had before
    the change.

    ## Example
    ```python
    def fetch(url):
        for _ in range(3):
            try:
                return http.get(url)
            except TimeoutError:
                time.sleep(1)
    ```

    ## Use instead
    ```python
    def fetch(url):
        return http.get(url, timeout=10)  # or the client's own bounded retry policy, configured once
    ```
    """

    ast_triggers = (ast.Try, ast.TryStar)
    fires_on = "added"
    meta = RuleMeta(
        id="FB008",
        name="retry-loop",
        category=Category.FALLBACK,
        severity=Severity.WARNING,
        suggestion="Fix the cause of the failure; if it is truly transient, use one bounded retry policy that raises when it gives up.",
    )
    VALID = (
        # Items processed one by one, not a retry of the same call.
        Example(
            "def f(paths):\n    for p in paths:\n        load(p)\n",
            "def f(paths):\n    for p in paths:\n        try:\n            load(p)\n        except FileNotFoundError:\n            report(p)\n",
        ),
        # A bounded retry that raises when it gives up.
        Example(
            "def f(url):\n    return get(url)\n",
            "def f(url):\n    for attempt in range(3):\n        try:\n            return get(url)\n        except TimeoutError:\n            if attempt == 2:\n                raise\n            time.sleep(1)\n",
        ),
        # The handler leaves the loop: reading until end of input.
        Example(
            "def f():\n    return [input()]\n",
            "def f():\n    lines = []\n    while True:\n        try:\n            lines.append(input())\n        except EOFError:\n            break\n    return lines\n",
        ),
        # Each iteration reads a new item, bound in the loop body: processing a queue.
        Example(
            "def f(q):\n    work(q.get())\n",
            "def f(q):\n    while True:\n        func, args = q.get()\n        try:\n            func(*args)\n        except TimeoutError:\n            logger.warning('slow')\n",
        ),
    )
    INVALID = (
        Example(
            "import time\ndef f(url):\n    return get(url)\n",
            "import time\ndef f(url):\n    for _ in range(3):\n        try:\n            return get(url)\n        except TimeoutError:\n            time.sleep(1)\n",
        ),
        Example(
            "def f(conn):\n    return conn.read()\n",
            "def f(conn):\n    while True:\n        try:\n            data = conn.read()\n            break\n        except OSError as exc:\n            logger.warning('read failed: %s', exc)\n            continue\n    return data\n",
        ),
        Example(
            "async def f(client):\n    return await client.send()\n",
            "async def f(client):\n    attempts = 0\n    while attempts < 5:\n        try:\n            return await client.send()\n        except ConnectionError:\n            attempts += 1\n            await asyncio.sleep(0.5)\n",
        ),
    )

    def check(self, scope: ScopeDiff) -> Iterator[Finding]:
        attempts = [cst.ensure_type(t, cst.Try) for t in scope.added(m.Try())]
        if not attempts:
            return  # no new `try`, nothing retried; spares comparing every loop of the scope
        for loop in scope.added(_LOOP):
            assert isinstance(loop, cst.For | cst.While)
            retried = [
                (attempt, handler)
                for attempt in attempts
                if _innermost_loop_is(scope.after, attempt, loop) and m.findall(attempt.body, m.Call()) and _same_call_each_time(loop, attempt)
                for handler in attempt.handlers
                if _retries(handler)
            ]
            if not retried:
                continue
            attempt, handler = retried[0]
            call = code_of(m.findall(attempt.body, m.Call())[0])
            caught = code_of(handler.type) if handler.type is not None else "any error"
            yield scope.finding(
                self.meta, loop, f"loop retries `{call}` after {caught}: a deterministic failure only repeats, slower"
            )
