"""CX004 long-function."""

from __future__ import annotations

from collections.abc import Iterator

from guards.findings import Severity
from guards.metrics import ComplexityLimits, FunctionChange
from guards.metrics.rule import FunctionRule, complexity_meta
from guards.metrics.examples import flat, padded
from guards.rules.base import Example


class LongFunction(FunctionRule):
    """## What it does
    Reports, as information, a new function longer than `complexity.max-length` lines
    (default 80, from `def` to its last line) that also branches (cyclomatic complexity above
    `complexity.cc-floor`, default 5), or a changed one that the change takes past the length.

    ## Why is this bad?
    A long function does many things, and the reader has to find where one ends. But length
    alone is a weak signal: a long, flat function (a table of settings, a list of routes) is
    often the clearest way to write it. So this rule only informs and does not count towards
    the score; complexity and nesting are judged by their own rules.

    Not flagged: a long but flat function, a function at or under the limit, and one that
    was already over it.

    ## Example
    ```python
    def handle(request):
        # 120 lines: parse, validate, authorise, query, render
        ...
    ```

    ## Use instead
    ```python
    def handle(request):
        command = parse(request)
        authorise(request.user, command)
        return render(run(command))
    ```
    """

    meta = complexity_meta("CX004", "long-function", "If the function does several things, give each one a function of its own.", Severity.INFO)
    VALID = (
        Example("", flat("load_settings", 200)),
        Example("", padded("route", 8, 80)),
        Example(padded("route", 8, 60), padded("route", 8, 75)),
        Example(padded("route", 8, 100), padded("route", 8, 120)),
        Example(padded("route", 8, 120), padded("route", 8, 40)),
    )
    INVALID = (
        Example("", padded("route", 8, 81)),
        Example(padded("route", 8, 70), padded("route", 8, 95)),
        Example("class Router:\n    pass\n", "class Router:\n" + padded("route", 6, 90, "    ")),
    )

    def judge(self, function: FunctionChange, limits: ComplexityLimits) -> Iterator[str]:
        length = function.after.length
        crossed = function.before is None or function.before.length <= limits.max_length
        if length > limits.max_length and crossed and function.after.cc > limits.cc_floor:
            yield f"`{function.qualname}` is {length} lines long (limit {limits.max_length})"
