"""The built-in rules, one per module in this package, found by `builtin_rules`.

Adding a rule is adding a module: a concrete `ScopeRule`, `FileRule` or `CompositeRule` subclass
with a `RuleMeta`. `ratchet rules` lists them ordered by id.
"""

from __future__ import annotations

import importlib
import inspect
import pkgutil
from functools import cache

from guards.rules.base import CompositeRule, Example, FileDiff, FileRule, Rule, ScopeRule

_NOT_RULES = frozenset({"base", "patterns"})


@cache
def builtin_rules() -> tuple[type[Rule], ...]:
    found: list[type[Rule]] = []
    for module_info in pkgutil.iter_modules(__path__):
        if module_info.name in _NOT_RULES:
            continue
        module = importlib.import_module(f"{__name__}.{module_info.name}")
        rules = [
            value
            for value in vars(module).values()
            if inspect.isclass(value) and issubclass(value, Rule) and value.__module__ == module.__name__ and not inspect.isabstract(value)
        ]
        assert len(rules) == 1, f"{module.__name__} must define exactly one rule, found {len(rules)}"
        found.extend(rules)
    return tuple(sorted(found, key=lambda rule: rule.meta.id))


__all__ = ["CompositeRule", "Example", "FileDiff", "FileRule", "Rule", "ScopeRule", "builtin_rules"]
