"""`[tool.ratchet]`: the checked repository's settings, validated once into a frozen `Config`.

Reading the file is the caller's business (the CLI); this module only validates the table.
"""

from __future__ import annotations

import fnmatch
import re
from collections.abc import Mapping
from dataclasses import dataclass, field
from types import MappingProxyType
from typing import Any

from guards.errors import ConfigError
from guards.findings import Severity

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

    def __post_init__(self) -> None:
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


def _severity(key: str, value: Any) -> Severity:
    if value not in {s.value for s in Severity}:
        raise ConfigError(f"[tool.ratchet] {key} must be one of error, warning, info; got {value!r}")
    return Severity(value)


def _table(key: str, value: Any) -> Mapping[str, Any]:
    if not isinstance(value, dict):
        raise ConfigError(f"[tool.ratchet] {key} must be a table")
    return value


def load_config(table: Mapping[str, Any]) -> Config:
    """Validate a `[tool.ratchet]` table; an unknown key is an error that names it."""
    known = {
        "select", "ignore", "severity", "exclude", "per-path-ignores",
        "budget", "weights", "test-patterns", "max-file-bytes",
    }  # fmt: skip
    unknown = sorted(set(table) - known)
    if unknown:
        raise ConfigError(f"unknown key in [tool.ratchet]: {unknown[0]!r} (known: {', '.join(sorted(known))})")
    settings: dict[str, Any] = {}
    if "select" in table:
        settings["select"] = _strings("select", table["select"])
    if "ignore" in table:
        settings["ignore"] = _strings("ignore", table["ignore"])
    if "exclude" in table:
        settings["exclude"] = _strings("exclude", table["exclude"])
    if "test-patterns" in table:
        settings["test_patterns"] = _strings("test-patterns", table["test-patterns"])
    if "severity" in table:
        settings["severity"] = MappingProxyType(
            {rule: _severity(f"severity.{rule}", value) for rule, value in _table("severity", table["severity"]).items()}
        )
    if "per-path-ignores" in table:
        settings["per_path_ignores"] = MappingProxyType(
            {glob: _strings(f"per-path-ignores.{glob}", value) for glob, value in _table("per-path-ignores", table["per-path-ignores"]).items()}
        )
    if "budget" in table:
        settings["budget"] = _number("budget", table["budget"])
    if "max-file-bytes" in table:
        settings["max_file_bytes"] = int(_number("max-file-bytes", table["max-file-bytes"]))
    if "weights" in table:
        weights = dict(Config().weights)
        for name, value in _table("weights", table["weights"]).items():
            weights[_severity(f"weights.{name}", name)] = _number(f"weights.{name}", value)
        settings["weights"] = MappingProxyType(weights)
    return Config(**settings)
