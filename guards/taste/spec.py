"""`[[tool.ratchet.rules]]`: a team's own rules, validated into `TasteSpec`s when the config loads.

    [[tool.ratchet.rules]]
    id = "TX001"
    name = "no-hasattr"
    pattern = "hasattr($OBJ, $NAME)"
    message = "hasattr probing of {OBJ}: make the type say what it has"
    category = "guard"
    severity = "error"            # optional, default warning
    paths = ["src/**"]            # optional, default every path
    exclude = ["src/legacy/**"]   # optional
    suggestion = "..."            # optional
"""

from __future__ import annotations

import string
from collections.abc import Mapping
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

from guards.errors import ConfigError
from guards.findings import Category, RuleMeta, Severity

if TYPE_CHECKING:
    from guards.taste.pattern import Pattern

_REQUIRED = ("id", "name", "pattern", "message", "category")
_OPTIONAL = ("severity", "paths", "exclude", "suggestion")
# Parse errors and trades are the guard's own verdicts, not something a pattern can find.
_CATEGORIES = tuple(c.value for c in Category if c not in (Category.PARSE, Category.TRADE))
_SEVERITIES = tuple(s.value for s in Severity)


@dataclass(frozen=True, slots=True)
class TasteSpec:
    """One declared rule: its identity, its compiled pattern, its message template and where it applies.

    `paths` empty means every path; `exclude` wins over `paths`.
    """

    meta: RuleMeta
    pattern: Pattern
    message: str
    paths: tuple[str, ...]
    exclude: tuple[str, ...]

    def __post_init__(self) -> None:
        for _, field, spec, conversion in string.Formatter().parse(self.message):
            if field is not None and (field not in self.pattern.variables or spec or conversion):
                raise ConfigError(
                    f"[[tool.ratchet.rules]] {self.meta.id}: message field {{{field}}} is not a metavariable of the pattern "
                    f"(metavariables: {', '.join(sorted(self.pattern.variables)) or 'none'}; write {{{{ for a literal brace)"
                )


def taste_specs(value: Any) -> tuple[TasteSpec, ...]:
    """Validate `[[tool.ratchet.rules]]` (a list of tables); raises `ConfigError` naming the rule and the key."""
    if not isinstance(value, list) or not all(isinstance(item, dict) for item in value):
        raise ConfigError("[tool.ratchet] rules must be a list of tables ([[tool.ratchet.rules]])")
    specs = tuple(_spec(index, table) for index, table in enumerate(value, start=1))
    for attribute in ("id", "name"):
        seen = [getattr(spec.meta, attribute) for spec in specs]
        repeated = sorted({item for item in seen if seen.count(item) > 1})
        if repeated:
            raise ConfigError(f"[[tool.ratchet.rules]]: rule {attribute} {repeated[0]!r} is declared twice")
    return specs


def _spec(index: int, table: Mapping[str, Any]) -> TasteSpec:
    where = f"[[tool.ratchet.rules]] {table['id']}" if "id" in table and isinstance(table["id"], str) else f"[[tool.ratchet.rules]] #{index}"
    _check_keys(where, table)
    settings = {"severity": Severity.WARNING.value, "paths": [], "exclude": [], **table}
    _check_values(where, settings)
    for key in ("paths", "exclude"):
        if not (isinstance(settings[key], list) and all(isinstance(glob, str) for glob in settings[key])):
            raise ConfigError(f"{where}: {key} must be a list of path globs")
    # Imported here: patterns are libcst trees, and a configuration without taste rules needs no libcst.
    from guards.taste.pattern import PatternError, compile_pattern

    try:
        pattern = compile_pattern(settings["pattern"])
    except PatternError as exc:
        raise ConfigError(f"{where}: invalid pattern {settings['pattern']!r}: {exc}") from exc
    if "suggestion" not in settings:
        settings["suggestion"] = f"Write this without `{pattern.source.strip()}`, as the project's rule {settings['name']} asks."
    try:
        meta = RuleMeta(settings["id"], settings["name"], Category(settings["category"]), Severity(settings["severity"]), settings["suggestion"])
    except ValueError as exc:
        raise ConfigError(f"{where}: {exc}") from exc
    return TasteSpec(meta, pattern, settings["message"], tuple(settings["paths"]), tuple(settings["exclude"]))


def _check_keys(where: str, table: Mapping[str, Any]) -> None:
    unknown = sorted(set(table) - {*_REQUIRED, *_OPTIONAL})
    if unknown:
        raise ConfigError(f"{where}: unknown key {unknown[0]!r} (known: {', '.join(sorted({*_REQUIRED, *_OPTIONAL}))})")
    missing = [key for key in _REQUIRED if key not in table]
    if missing:
        raise ConfigError(f"{where}: missing key {missing[0]!r}")


def _check_values(where: str, settings: Mapping[str, Any]) -> None:
    for key in ("id", "name", "pattern", "message", "category", "severity", "suggestion"):
        if key in settings and not (isinstance(settings[key], str) and settings[key].strip()):
            raise ConfigError(f"{where}: {key} must be a non-empty string")
    for key, choices in (("category", _CATEGORIES), ("severity", _SEVERITIES)):
        if settings[key] not in choices:
            raise ConfigError(f"{where}: {key} must be one of {', '.join(choices)}; got {settings[key]!r}")
