"""The rule set a check runs: the built-in rules, the installed plugins (entry point group
`ratchet.rules`) and the project's declared taste rules, narrowed by `[tool.ratchet]` selectors."""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from importlib.metadata import EntryPoint

from guards.config import Config
from guards.errors import ConfigError
from guards.findings import Category, Finding, RuleMeta, Severity
from guards.rules.base import CompositeRule, FileRule, Rule, ScopeRule
from guards.taste import installed_plugins, load_plugin
from guards.taste.rule import TasteRule


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
    def builtin(cls) -> RuleSet:
        from guards.rules import builtin_rules

        return cls(tuple(rule() for rule in builtin_rules()))

    @classmethod
    def default(cls) -> RuleSet:
        """The built-in rules and the installed plugins; raises `ConfigError` for a broken plugin."""
        return cls.builtin().with_plugins(installed_plugins())

    def with_plugins(self, entry_points: Iterable[EntryPoint]) -> RuleSet:
        """These rules and one rule per entry point (see `guards.taste.plugins`)."""
        rules = list(self.rules)
        for entry_point in entry_points:
            rule = load_plugin(entry_point)()
            _claim(rules, rule.meta, f"plugin {entry_point.name} = {entry_point.value!r}")
            rules.append(rule)
        return RuleSet(tuple(rules))

    def with_taste(self, config: Config) -> RuleSet:
        """These rules and the project's declared rules (`config.rules`), after them."""
        rules = list(self.rules)
        for spec in config.rules:
            _claim(rules, spec.meta, f"[[tool.ratchet.rules]] {spec.meta.id}")
            rules.append(TasteRule(spec))
        return RuleSet(tuple(rules))

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
        """The rules `config` selects, its taste rules included; raises `ConfigError` for a selector
        that names nothing or a taste rule whose id or name is taken."""
        every = self.with_taste(config)
        every._validate(config.select, "select")
        every._validate(config.ignore, "ignore")
        every._validate(config.severity.keys(), "severity")
        for glob, selectors in config.per_path_ignores.items():
            every._validate(selectors, f"per-path-ignores.{glob}")
        return RuleSet(
            tuple(
                rule
                for rule in every.rules
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


def _claim(rules: list[Rule], meta: RuleMeta, where: str) -> None:
    """Raises `ConfigError` when `meta`'s id or name is already taken by one of `rules`."""
    for rule in rules:
        if meta.id == rule.meta.id or meta.name == rule.meta.name:
            raise ConfigError(f"{where}: rule {meta.id} {meta.name} clashes with rule {rule.meta.id} {rule.meta.name}")


def finding_selected(selectors: Iterable[str], finding: Finding) -> bool:
    return any(s in ("ALL", finding.rule, finding.name, finding.category.value) for s in selectors)


def severity_override(config: Config, finding: Finding) -> Severity | None:
    """The configured severity for the finding's rule (by id, then by name), if any."""
    for key in (finding.rule, finding.name):
        if key in config.severity:
            return config.severity[key]
    return None
