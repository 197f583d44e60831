"""The rule set a check runs: the built-in rules, narrowed by `[tool.ratchet]` selectors."""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass

from guards.config import Config
from guards.errors import ConfigError
from guards.findings import Category, Finding, RuleMeta, Severity
from guards.rules.base import CompositeRule, FileRule, Rule, ScopeRule


def _selects(selector: str, meta: RuleMeta) -> bool:
    return selector in ("ALL", meta.id, meta.name, meta.category.value)


@dataclass(frozen=True, slots=True)
class RuleSet:
    rules: tuple[Rule, ...]

    def __post_init__(self) -> None:
        ids = [rule.meta.id for rule in self.rules]
        names = [rule.meta.name for rule in self.rules]
        if len(set(ids)) != len(ids) or len(set(names)) != len(names):
            raise ValueError("rule ids and names must be unique")

    @classmethod
    def default(cls) -> RuleSet:
        from guards.rules import builtin_rules

        return cls(tuple(rule() for rule in builtin_rules()))

    def get(self, id_or_name: str) -> Rule:
        """Raises `KeyError` naming what was asked for."""
        for rule in self.rules:
            if id_or_name in (rule.meta.id, rule.meta.name):
                return rule
        raise KeyError(id_or_name)

    def _validate(self, selectors: Iterable[str], where: str) -> None:
        categories = {c.value for c in Category}
        for selector in selectors:
            if selector != "ALL" and selector not in categories and not any(_selects(selector, r.meta) for r in self.rules):
                raise ConfigError(f"[tool.ratchet] {where}: {selector!r} names no rule, rule name or category")

    def configured(self, config: Config) -> RuleSet:
        """The rules `config` selects; raises `ConfigError` for a selector that names nothing."""
        self._validate(config.select, "select")
        self._validate(config.ignore, "ignore")
        self._validate(config.severity.keys(), "severity")
        for glob, selectors in config.per_path_ignores.items():
            self._validate(selectors, f"per-path-ignores.{glob}")
        return RuleSet(
            tuple(
                rule
                for rule in self.rules
                if any(_selects(s, rule.meta) for s in config.select) and not any(_selects(s, rule.meta) for s in config.ignore)
            )
        )

    @property
    def scope_rules(self) -> Sequence[ScopeRule]:
        return [rule for rule in self.rules if isinstance(rule, ScopeRule)]

    @property
    def file_rules(self) -> Sequence[FileRule]:
        return [rule for rule in self.rules if isinstance(rule, FileRule)]

    @property
    def composite_rules(self) -> Sequence[CompositeRule]:
        return [rule for rule in self.rules if isinstance(rule, CompositeRule)]


def finding_selected(selectors: Iterable[str], finding: Finding) -> bool:
    return any(s in ("ALL", finding.rule, finding.name, finding.category.value) for s in selectors)


def severity_override(config: Config, finding: Finding) -> Severity | None:
    """The configured severity for the finding's rule (by id, then by name), if any."""
    for key in (finding.rule, finding.name):
        if key in config.severity:
            return config.severity[key]
    return None
