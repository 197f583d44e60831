"""`[tool.ratchet]`: the checked repository's settings, validated once into a frozen `Config`.

Reading the file is the caller's business (the CLI); this module only validates the table.
"""

from __future__ import annotations

import fnmatch
import re
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from types import MappingProxyType
from typing import Any

from guards.errors import ConfigError
from guards.findings import Severity
from guards.metrics.limits import ComplexityLimits, load_limits
from guards.taste import TasteSpec, taste_specs

DEFAULT_TEST_PATTERNS = ("test_*.py", "*_test.py", "tests/**", "**/tests/**", "conftest.py", "**/conftest.py")


def path_matches(path: str, pattern: str) -> bool:
    """Glob on a repo-relative path: `*` stays within a segment, `**` crosses them, and a
    pattern without `/` matches the file name anywhere."""
    if "/" not in pattern:
        return fnmatch.fnmatchcase(path.rsplit("/", 1)[-1], pattern)
    return _glob_regex(pattern).fullmatch(path) is not None


def _glob_regex(pattern: str) -> re.Pattern[str]:
    parts = []
    for token in re.split(r"(\*\*/?|\*|\?)", pattern):
        if token in ("**", "**/"):
            parts.append(".*")
        elif token == "*":
            parts.append("[^/]*")
        elif token == "?":
            parts.append("[^/]")
        else:
            parts.append(re.escape(token))
    return re.compile("".join(parts))


@dataclass(frozen=True, slots=True)
class Config:
    """How the guard judges a change.

    select / ignore: rule ids (`FB001`), names (`broad-except`), categories (`fallback`) or `ALL`.
    severity: a rule id or name → the severity its findings get instead of the default.
    exclude: globs of paths that are not checked at all.
    per_path_ignores: glob → selectors of rules whose findings are dropped for matching paths.
    budget: weighted findings per 100 added lines above which the change is rejected
            (changes under 100 added lines count as 100).
    weights: points per finding by severity, for that score.
    test_patterns: globs that make a file a test file (pytest conventions by default).
    max_file_bytes: files larger than this are skipped with a notice.
    rules: the project's own taste rules, `[[tool.ratchet.rules]]` (see `guards.taste.spec`).
    complexity: thresholds of the complexity rules (a sub-table, see `ComplexityLimits`).
    duplication_min_tokens / duplication_min_lines: the shortest added run of normalised tokens,
            and the fewest lines it spans, that counts as a copy (DU001).
    """

    select: tuple[str, ...] = ("ALL",)
    ignore: tuple[str, ...] = ()
    severity: Mapping[str, Severity] = field(default_factory=lambda: MappingProxyType({}))
    exclude: tuple[str, ...] = ()
    per_path_ignores: Mapping[str, tuple[str, ...]] = field(default_factory=lambda: MappingProxyType({}))
    budget: float = 3.0
    weights: Mapping[Severity, float] = field(
        default_factory=lambda: MappingProxyType({Severity.ERROR: 5.0, Severity.WARNING: 1.0, Severity.INFO: 0.0})
    )
    test_patterns: tuple[str, ...] = DEFAULT_TEST_PATTERNS
    max_file_bytes: int = 1_000_000
    rules: tuple[TasteSpec, ...] = ()
    complexity: ComplexityLimits = field(default_factory=ComplexityLimits)
    duplication_min_tokens: int = 60
    duplication_min_lines: int = 6

    def __post_init__(self) -> None:
        if self.duplication_min_tokens < 20 or self.duplication_min_lines < 1:
            raise ConfigError(
                f"duplication-min-tokens must be at least 20 and duplication-min-lines at least 1, "
                f"got {self.duplication_min_tokens} and {self.duplication_min_lines}"
            )
        if self.budget < 0:
            raise ConfigError(f"budget must not be negative, got {self.budget}")
        if self.max_file_bytes <= 0:
            raise ConfigError(f"max-file-bytes must be positive, got {self.max_file_bytes}")

    def is_excluded(self, path: str) -> bool:
        return any(path_matches(path, pattern) for pattern in self.exclude)

    def is_test_file(self, path: str) -> bool:
        return any(path_matches(path, pattern) for pattern in self.test_patterns)

    def ignored_here(self, path: str) -> tuple[str, ...]:
        return tuple(s for glob, selectors in self.per_path_ignores.items() if path_matches(path, glob) for s in selectors)


def _strings(key: str, value: Any) -> tuple[str, ...]:
    if not isinstance(value, list) or not all(isinstance(item, str) for item in value):
        raise ConfigError(f"[tool.ratchet] {key} must be a list of strings")
    return tuple(value)


def _number(key: str, value: Any) -> float:
    if isinstance(value, bool) or not isinstance(value, int | float):
        raise ConfigError(f"[tool.ratchet] {key} must be a number")
    return float(value)


def _integer(key: str, value: Any) -> int:
    if isinstance(value, bool) or not isinstance(value, int):
        raise ConfigError(f"[tool.ratchet] {key} must be an integer")
    return value


def _severity(key: str, value: Any) -> Severity:
    if value not in {s.value for s in Severity}:
        raise ConfigError(f"[tool.ratchet] {key} must be one of error, warning, info; got {value!r}")
    return Severity(value)


def _table(key: str, value: Any) -> Mapping[str, Any]:
    if not isinstance(value, dict):
        raise ConfigError(f"[tool.ratchet] {key} must be a table")
    return value


def _severities(key: str, value: Any) -> Mapping[str, Severity]:
    return MappingProxyType({rule: _severity(f"{key}.{rule}", level) for rule, level in _table(key, value).items()})


def _globs_to_selectors(key: str, value: Any) -> Mapping[str, tuple[str, ...]]:
    return MappingProxyType({glob: _strings(f"{key}.{glob}", selectors) for glob, selectors in _table(key, value).items()})


def _weights(key: str, value: Any) -> Mapping[Severity, float]:
    weights = dict(Config().weights)
    for name, points in _table(key, value).items():
        weights[_severity(f"{key}.{name}", name)] = _number(f"{key}.{name}", points)
    return MappingProxyType(weights)


# Each key of `[tool.ratchet]`: the `Config` field it sets and how its value is validated.
_KEYS: dict[str, tuple[str, Callable[[str, Any], Any]]] = {
    "select": ("select", _strings),
    "ignore": ("ignore", _strings),
    "exclude": ("exclude", _strings),
    "test-patterns": ("test_patterns", _strings),
    "severity": ("severity", _severities),
    "per-path-ignores": ("per_path_ignores", _globs_to_selectors),
    "budget": ("budget", _number),
    "weights": ("weights", _weights),
    "max-file-bytes": ("max_file_bytes", lambda key, value: int(_number(key, value))),
    "rules": ("rules", lambda key, value: taste_specs(value)),
    "complexity": ("complexity", lambda key, value: load_limits(_table(key, value))),
    "duplication-min-tokens": ("duplication_min_tokens", _integer),
    "duplication-min-lines": ("duplication_min_lines", _integer),
}


def load_config(table: Mapping[str, Any]) -> Config:
    """Validate a `[tool.ratchet]` table; an unknown key is an error that names it."""
    unknown = sorted(set(table) - _KEYS.keys())
    if unknown:
        raise ConfigError(f"unknown key in [tool.ratchet]: {unknown[0]!r} (known: {', '.join(sorted(_KEYS))})")
    return Config(**{_KEYS[key][0]: _KEYS[key][1](key, value) for key, value in table.items()})
