"""`[tool.ratchet] complexity = { ... }`: the thresholds of the complexity rules, validated."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, fields
from typing import Any

from guards.errors import ConfigError


@dataclass(frozen=True, slots=True)
class ComplexityLimits:
    """max_cc_new: a new function above this cyclomatic complexity is reported.
    max_cc_growth / cc_floor: a changed function whose complexity grew by more than
        max_cc_growth and ends above cc_floor is reported.
    max_nesting: a new function, or a changed one that crosses it, nesting blocks deeper is reported.
    max_length: the same for length in lines (reported as info: long is not complex).
    max_mi_drop / mi_watch / mi_floor: a file whose maintainability index drops by more than
        max_mi_drop points to below mi_watch, or falls below mi_floor, is reported. Small files
        start near 100 and fall fast with any real code, so a drop that ends above mi_watch is
        not worth a warning.
    """

    max_cc_new: int = 10
    max_cc_growth: int = 3
    cc_floor: int = 5
    max_nesting: int = 4
    max_length: int = 80
    max_mi_drop: float = 10.0
    mi_watch: float = 40.0
    mi_floor: float = 10.0

    def __post_init__(self) -> None:
        for name in ("max_cc_new", "max_cc_growth", "cc_floor", "max_nesting", "max_length"):
            value = getattr(self, name)
            if isinstance(value, bool) or not isinstance(value, int) or value < 0:
                raise ConfigError(f"[tool.ratchet] complexity.{_key(name)} must be a non-negative integer, got {value!r}")
        for name in ("max_mi_drop", "mi_watch", "mi_floor"):
            value = getattr(self, name)
            if isinstance(value, bool) or not isinstance(value, int | float) or not 0 <= value <= 100:
                raise ConfigError(f"[tool.ratchet] complexity.{_key(name)} must be a number from 0 to 100, got {value!r}")


def _key(field_name: str) -> str:
    return field_name.replace("_", "-")


def load_limits(table: Mapping[str, Any]) -> ComplexityLimits:
    """Validate the `complexity` sub-table; an unknown key is an error that names it."""
    known = {_key(f.name): f.name for f in fields(ComplexityLimits)}
    unknown = sorted(set(table) - set(known))
    if unknown:
        raise ConfigError(f"unknown key in [tool.ratchet] complexity: {unknown[0]!r} (known: {', '.join(sorted(known))})")
    return ComplexityLimits(**{known[key]: value for key, value in table.items()})
