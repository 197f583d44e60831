"""TR001 trade."""

from __future__ import annotations

from collections.abc import Iterator

from guards.findings import Category, Finding, RuleMeta, Severity
from guards.rules.base import CompositeRule, Example

_DEFENCES = frozenset({Category.FALLBACK, Category.GUARD})


def _more(findings: list[Finding]) -> str:
    return f" (+{len(findings) - 1} more)" if len(findings) > 1 else ""


class Trade(CompositeRule):
    """## What it does
    Reports a scope (function, class body or module top level) where the change both removed an
    invariant (a finding of category `invariant`: assert, raise, validation, frozen) and added a
    local defense (a finding of category `fallback` or `guard`): one finding naming both.

    ## Why is this bad?
    This is the pattern the guard exists for: a failure was observed, and instead of fixing its
    cause the change deleted the check that reported it and added a defense that hides it. Each
    half is bad on its own; together they show that a contract was traded for a local patch, and
    the change is always rejected.

    Not flagged: an invariant removed in one scope and a defense added in another (each is still
    reported by its own rule), and either half alone.

    ## Example
    ```python
    def load(path):
        try:
            return parse(path.read_text())  # `if not path.exists(): raise ConfigError(path)` was here
        except Exception:
            return None
    ```

    ## Use instead
    ```python
    def load(path):
        if not path.exists():
            raise ConfigError(path)
        return parse(path.read_text())
    ```
    """

    meta = RuleMeta(
        id="TR001",
        name="trade",
        category=Category.TRADE,
        severity=Severity.ERROR,
        suggestion="Restore the invariant and remove the defense; fix the cause of the failure where it arises.",
    )
    VALID = (
        # The invariant and the defense are in different functions.
        Example(
            "def check(x):\n    assert x > 0\n    return x\n\ndef load(p):\n    return parse(p)\n",
            "def check(x):\n    return x\n\ndef load(p):\n    try:\n        return parse(p)\n    except Exception:\n        return None\n",
        ),
        # A narrower except that translates, and the validation kept.
        Example(
            "def load(p):\n    if not p:\n        raise ValueError(p)\n    return parse(p)\n",
            "def load(p):\n    if not p:\n        raise ValueError(p)\n    try:\n        return parse(p)\n    except OSError as exc:\n        raise LoadError(p) from exc\n",
        ),
        # A validation removed alone is IV003's finding, not a trade.
        Example("def f(a):\n    if a < 0:\n        raise ValueError(a)\n    return a\n", "def f(a):\n    return a\n"),
    )
    INVALID = (
        Example(
            "def load(p):\n    data = read(p)\n    if not data:\n        raise ValueError(p)\n    return parse(data)\n",
            "def load(p):\n    try:\n        return parse(read(p))\n    except Exception:\n        return None\n",
        ),
        Example(
            "def f(x):\n    if x is None:\n        raise ValueError('x is required')\n    return x.run()\n",
            "def f(x):\n    if x is None:\n        return None\n    return x.run()\n",
        ),
        Example(
            "def f(x: Job):\n    assert x.ready\n    return x.run()\n",
            "def f(x: Job | None):\n    return x.run()\n",
        ),
    )

    def check(self, findings: list[Finding]) -> Iterator[Finding]:
        invariants: dict[tuple[str, str], list[Finding]] = {}
        defences: dict[tuple[str, str], list[Finding]] = {}
        for finding in findings:
            if finding.category == Category.INVARIANT:
                invariants.setdefault((finding.path, finding.scope), []).append(finding)
            elif finding.category in _DEFENCES:
                defences.setdefault((finding.path, finding.scope), []).append(finding)
        for (path, scope), removed in sorted(invariants.items()):
            if (path, scope) not in defences:
                continue
            added = defences[(path, scope)]
            invariant, defence = removed[0], added[0]
            yield self.meta.finding(
                path,
                defence.line,
                defence.end_line,
                (
                    f"{invariant.message} ({invariant.rule}){_more(removed)} and added {defence.name} ({defence.rule}){_more(added)}"
                    f" in `{scope}`: an invariant traded for a local defense"
                ),
                scope,
            )
