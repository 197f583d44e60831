"""CX001 complex-new-function."""

from __future__ import annotations

from collections.abc import Iterator

from guards.metrics import ComplexityLimits, FunctionChange
from guards.metrics.rule import FunctionRule, complexity_meta
from guards.metrics.examples import chain, flat
from guards.rules.base import Example


class ComplexNewFunction(FunctionRule):
    """## What it does
    Reports a function the change adds whose cyclomatic complexity (radon's: one plus each
    `if`, `elif`, loop, `except`, boolean operator, comprehension `if` and `case`) is above
    `complexity.max-cc-new` (default 10).

    ## Why is this bad?
    Every branch is a path a reader must follow and a test must cover. An agent that makes a
    failing case pass by adding one more special case at a time produces exactly such functions,
    and they only grow afterwards.

    Not flagged: a function moved or renamed intact (in the same or another file of the change),
    and a long function with few branches: length is reported on its own, as information.

    ## Example
    ```python
    def shipping_cost(order):
        if order.country == "FR":
            ...
        elif order.country == "DE" and order.express:
            ...
        # ... ten more special cases
    ```

    ## Use instead
    ```python
    RATES = {"FR": Rate(...), "DE": Rate(...)}

    def shipping_cost(order):
        return RATES[order.country].cost(order)
    ```
    """

    meta = complexity_meta("CX001", "complex-new-function", "Split the function, or replace the chain of special cases with data (a table) or polymorphism.")
    VALID = (
        # in the docstring's order: moved or renamed intact, long but flat, then at the limit
        Example(chain("route", 14), chain("dispatch", 14)),
        Example(chain("route", 14), "import os\n\n\n" + chain("route", 14)),
        Example("", flat("load_settings", 120)),
        Example("", chain("route", 10)),
        Example("class Router:\n    pass\n", "class Router:\n" + chain("route", 6, "    ") + "\n" + chain("fallback", 6, "    ")),
    )
    INVALID = (
        Example("", chain("route", 11)),
        Example("import os\n", "import os\n\n\n" + chain("route", 14)),
        Example("class Router:\n    pass\n", "class Router:\n" + chain("route", 12, "    ")),
        Example("def outer():\n    return 1\n", "def outer():\n" + chain("inner", 12, "    ") + "    return inner\n"),
    )

    def judge(self, function: FunctionChange, limits: ComplexityLimits) -> Iterator[str]:
        if function.before is None and function.after.cc > limits.max_cc_new:
            yield f"new function `{function.qualname}` has cyclomatic complexity {function.after.cc} (limit {limits.max_cc_new})"
