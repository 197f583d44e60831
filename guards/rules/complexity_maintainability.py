"""CX005 maintainability-drop."""

from __future__ import annotations

from collections.abc import Iterator

from guards.findings import Finding
from guards.metrics import ComplexityLimits, ComplexityRule, FileComplexity
from guards.metrics.rule import complexity_meta
from guards.metrics.examples import chain, flat
from guards.rules.base import Example

_SMALL = "def total(lines):\n    return sum(line.amount for line in lines)\n"
_BUSY = _SMALL + chain("parse", 10) + chain("render", 10)  # index 43


class MaintainabilityDrop(ComplexityRule):
    """## What it does
    Reports an existing file whose maintainability index (radon's `mi`, 0 to 100, from
    Halstead volume, complexity, logical lines and comments) drops by more than
    `complexity.max-mi-drop` points (default 10) to below `complexity.mi-watch` (default 40),
    or falls below `complexity.mi-floor` (default 10, radon's rank C).

    ## Why is this bad?
    The index summarises a file's size and tangle in one number; a large drop in one change
    means the file became markedly harder to work with, even when no single function crosses
    a limit.

    Not flagged: new files (their functions are judged one by one), deleted files, a small
    file that grows into a real module (the index starts near 100 and falls fast at first, so
    a drop that ends above `mi-watch` is not reported), and a file that already was below the
    floor and did not drop much further.

    ## Example
    ```python
    # billing.py grows from two small functions to a module of special cases
    ```

    ## Use instead
    ```python
    # the special cases live in a table, or in a module of their own with its own tests
    ```
    """

    meta = complexity_meta("CX005", "maintainability-drop", "Move the new logic into its own module or function, or simplify it.")
    VALID = (
        Example("", chain("route", 40)),
        Example(_SMALL, _SMALL + chain("route", 3)),
        Example(_SMALL, _SMALL + chain("route", 20)),
        Example(_SMALL + chain("route", 40), _SMALL),
        Example(_SMALL, _SMALL + flat("load_settings", 60)),
        Example(_BUSY, _BUSY + chain("route", 10)),
    )
    INVALID = (
        Example(_SMALL, _SMALL + chain("route", 40)),
        Example(_BUSY, _BUSY + chain("route", 15) + chain("dispatch", 15)),
    )

    def check(self, file: FileComplexity, limits: ComplexityLimits) -> Iterator[Finding]:
        before, after = file.mi_before, file.mi_after
        if before is None:
            return
        if before - after > limits.max_mi_drop and after < limits.mi_watch:
            yield self.at_file(file, f"maintainability index dropped from {before:.0f} to {after:.0f} (allowed drop {limits.max_mi_drop:g})")
        elif after < limits.mi_floor <= before:
            yield self.at_file(file, f"maintainability index fell to {after:.0f}, below {limits.mi_floor:g}")
