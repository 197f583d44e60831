"""The built-in rules, one per module. The order here is the order `ratchet rules` lists them."""

from guards.rules.base import CompositeRule, Example, FileDiff, FileRule, Rule, ScopeRule
from guards.rules.broad_except import BroadExcept

BUILTIN_RULES: tuple[type[Rule], ...] = (BroadExcept,)

__all__ = ["BUILTIN_RULES", "CompositeRule", "Example", "FileDiff", "FileRule", "Rule", "ScopeRule"]
