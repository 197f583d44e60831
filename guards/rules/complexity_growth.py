"""CX002 complexity-growth."""

from __future__ import annotations

from collections.abc import Iterator

from guards.metrics import ComplexityLimits, FunctionChange
from guards.metrics.rule import FunctionRule, complexity_meta
from guards.metrics.examples import chain
from guards.rules.base import Example


class ComplexityGrowth(FunctionRule):
    """## What it does
    Reports a function the change edits whose cyclomatic complexity grew by more than
    `complexity.max-cc-growth` (default 3) and ends above `complexity.cc-floor` (default 5).

    ## Why is this bad?
    Branches added to an existing function to make one failing case pass are the typical
    way a clear function turns into a tangle: each step looks small, the sum is not.

    Not flagged: growth within the allowance, a small function that stays simple, a refactor
    that lowers complexity, and new functions (see `complex-new-function`).

    ## Example
    ```python
    def parse_amount(text):
        if text.startswith("$"):
            ...
        elif text.endswith("EUR") or text.endswith("€"):
            ...
        elif "," in text and "." in text:
            ...
        # four new special cases for the inputs of the failing tests
    ```

    ## Use instead
    ```python
    def parse_amount(text):
        return Money.parse(text)  # one parser with its own tested grammar
    ```
    """

    meta = complexity_meta("CX002", "complexity-growth", "Keep the function's branches near where they were: extract the new cases into a helper or a table.")
    VALID = (
        Example(chain("route", 5), chain("route", 8)),
        Example(chain("route", 1), chain("route", 5)),
        Example(chain("route", 14), chain("route", 6)),
        Example("", chain("route", 9)),
        Example(chain("route", 4), chain("route", 9).replace("def route", "def dispatch")),
    )
    INVALID = (
        Example(chain("route", 4), chain("route", 9)),
        Example(chain("route", 12), chain("route", 16)),
        Example("class Router:\n" + chain("route", 3, "    "), "class Router:\n" + chain("route", 8, "    ")),
    )

    def judge(self, function: FunctionChange, limits: ComplexityLimits) -> Iterator[str]:
        after = function.after.cc
        if function.before is not None and after - function.before.cc > limits.max_cc_growth and after > limits.cc_floor:
            yield f"cyclomatic complexity of `{function.qualname}` grew from {function.before.cc} to {after} (allowed growth {limits.max_cc_growth})"
