"""CX003 deep-nesting."""

from __future__ import annotations

from collections.abc import Iterator

from guards.metrics import ComplexityLimits, FunctionChange
from guards.metrics.rule import FunctionRule, complexity_meta
from guards.metrics.examples import chain, nested
from guards.rules.base import Example


class DeepNesting(FunctionRule):
    """## What it does
    Reports a function whose statements sit more than `complexity.max-nesting` (default 4)
    blocks deep (`if`, `for`, `while`, `try`, `with`, `match`), when the function is new, or
    the change takes it past the limit, or deeper than it already was.

    ## Why is this bad?
    Each level is one more condition the reader must hold to know when a line runs. Deep
    nesting is how handling "one more case" inside a loop inside a `try` grows unnoticed.

    Not flagged: an `elif` chain (it stays at its `if`'s depth), nested functions (measured on
    their own), and a function that was already too deep and did not get deeper.

    ## Example
    ```python
    def sync(accounts):
        for account in accounts:
            if account.active:
                for invoice in account.invoices:
                    if invoice.due:
                        for line in invoice.lines:
                            ...
    ```

    ## Use instead
    ```python
    def sync(accounts):
        for invoice in due_invoices(accounts):
            sync_invoice(invoice)
    ```
    """

    meta = complexity_meta("CX003", "deep-nesting", "Return early, or extract the inner blocks into functions with names.")
    VALID = (
        Example("", nested("walk", 4)),
        Example("", chain("route", 9)),
        Example(nested("walk", 6), nested("walk", 6).replace("yield row0", "yield row1")),
        Example(nested("walk", 7), nested("walk", 5)),
        Example("", "def outer(rows):\n    for row in rows:\n" + nested("inner", 4, "        ") + "        yield from inner(row)\n"),
    )
    INVALID = (
        Example("", nested("walk", 5)),
        Example(nested("walk", 3), nested("walk", 5)),
        Example(nested("walk", 6), nested("walk", 7)),
        Example("class Tree:\n    pass\n", "class Tree:\n" + nested("walk", 6, "    ")),
    )

    def judge(self, function: FunctionChange, limits: ComplexityLimits) -> Iterator[str]:
        depth = function.after.nesting
        before = None if function.before is None else function.before.nesting
        if depth > limits.max_nesting and (before is None or depth > before):
            was = "" if before is None else f" (was {before})"
            yield f"`{function.qualname}` nests blocks {depth} deep{was}; limit {limits.max_nesting}"
