"""DU001 duplicated-code."""

from __future__ import annotations

from collections.abc import Iterator, Sequence

from guards.duplication.finder import Copy
from guards.duplication.rule import CopyRule
from guards.findings import Category, Finding, RuleMeta, Severity
from guards.rules.base import Example

_ORIGINAL = '''def monthly_report(orders, month):
    selected = [order for order in orders if order.month == month and not order.cancelled]
    totals = {}
    for order in selected:
        key = (order.customer, order.currency)
        totals[key] = totals.get(key, 0) + order.amount * (1 - order.discount)
    rows = sorted(totals.items(), key=lambda item: item[1], reverse=True)
    return [f"{customer}: {amount:.2f} {currency}" for (customer, currency), amount in rows[:10]]
'''
_RENAMED_COPY = '''

def yearly_report(sales, year):
    chosen = [sale for sale in sales if sale.year == year and not sale.refunded]
    sums = {}
    for sale in chosen:
        group = (sale.client, sale.unit)
        sums[group] = sums.get(group, 1) + sale.price * (2 - sale.rebate)
    lines = sorted(sums.items(), key=lambda pair: pair[0], reverse=False)
    return [f"{client} = {price:.3f} {unit}" for (client, unit), price in lines[:20]]
'''
_ATTRIBUTES = "class {name}:\n    def __init__(self, a, b, c, d, e, f, g):\n" + "".join(f"        self.{x} = {x}\n" for x in "abcdefg")
_MODULE = "import os\n\n\n"


class DuplicatedCode(CopyRule):
    """## What it does
    Flags added code that repeats code found elsewhere in the repository, or elsewhere in the
    same change: a run of at least `duplication-min-tokens` tokens (60) over at least
    `duplication-min-lines` lines (6) that is the same once names, literals, comments and
    layout are normalised. The finding sits at the added copy and names the original
    (`path:line`).

    ## Why is this bad?
    A copy doubles what must be kept in step: the next fix lands in one place and not the
    other. Agents copy a working function next to the failing one and tweak it, instead of
    reusing or generalising what exists; renaming variables does not make it less of a copy.

    Not flagged: moved code (the change removes the original, so the number of places holding
    the text stays the same), copies that were already there, import blocks, runs shorter than
    the thresholds, and repetitive tables such as a run of `self.x = x` assignments.
    Severity is `warning`: a copy is sometimes the honest first step, so it weighs on the score
    rather than rejecting the change outright; raise it with `[tool.ratchet] severity`.

    ## Example
    ```python
    def monthly_report(orders, month): ...        # exists
    def yearly_report(sales, year): ...           # added: the same body, names and numbers changed
    ```

    ## Use instead
    ```python
    def report(items, keep, limit):               # one function, called with what differs
        ...
    ```
    """

    meta = RuleMeta(
        id="DU001",
        name="duplicated-code",
        category=Category.DUPLICATION,
        severity=Severity.WARNING,
        suggestion="Reuse the existing code (call it, or extract the shared part into a function both places call) instead of copying it.",
    )
    VALID = (
        # Moved within the file: the old place is removed by the same change.
        Example(_MODULE + _ORIGINAL + "\n\nVERSION = 1\n", _MODULE + "VERSION = 1\n\n\n" + _ORIGINAL),
        # Moved to a new module (the example's file is created, its twin deleted elsewhere is not visible): one place only.
        Example("", _MODULE + _ORIGINAL, path="app/reports.py"),
        # The original edited in place: still one place.
        Example(_MODULE + _ORIGINAL, _MODULE + _ORIGINAL.replace("[:10]", "[:25]")),
        # Repetitive boilerplate: two constructors assigning attributes.
        Example(_MODULE, _MODULE + _ATTRIBUTES.format(name="A") + "\n\n" + _ATTRIBUTES.format(name="B")),
        # A short repeated snippet stays under the thresholds.
        Example(_MODULE, _MODULE + "def a(x):\n    return x.strip().lower()\n\n\ndef b(y):\n    return y.strip().lower()\n"),
    )
    INVALID = (
        # A renamed copy with other literals, added next to the original.
        Example(_MODULE + _ORIGINAL, _MODULE + _ORIGINAL + _RENAMED_COPY),
        # Both places added by the change: the second is reported.
        Example(_MODULE, _MODULE + _ORIGINAL + _RENAMED_COPY),
    )

    def check(self, copies: Sequence[Copy]) -> Iterator[Finding]:
        for copy in copies:
            yield self.meta.finding(
                copy.path,
                copy.line,
                copy.end_line,
                f"lines {copy.line}-{copy.end_line} repeat {copy.original_path}:{copy.original_line} "
                f"({copy.tokens} tokens, names and literals aside)",
                copy.scope,
            )
