"""The rule set a check runs: the built-in rules, the installed plugins (entry point group
`ratchet.rules`) and the project's declared taste rules, narrowed by `[tool.ratchet]` selectors.

A rule set is its sources in order: rule objects, `Builtin.RULES` (every module of `guards.rules`)
and plugin entry points. The rule modules are imported on the first use of `rules`, so that the
report cache can key on the sources (`guards.report_cache`) and answer a repeated check without
importing the rules and libcst behind them.
"""

from __future__ import annotations

import enum
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from functools import cached_property
from importlib.metadata import EntryPoint
from typing import TYPE_CHECKING

from guards.config import Config
from guards.errors import ConfigError
from guards.findings import Category, Finding, RuleMeta, Severity
from guards.taste.plugins import installed_plugins, load_plugin

if TYPE_CHECKING:
    from guards.rules.base import CompositeRule, FileRule, Rule, ScopeRule


class Builtin(enum.Enum):
    """Every rule of `guards.rules`: which rules those are follows from the guard's own sources."""

    RULES = "guards.rules"


def _selects(selector: str, meta: RuleMeta) -> bool:
    return selector in ("ALL", meta.id, meta.name, meta.category.value)


@dataclass(frozen=True)
class RuleSet:
    """Raises `ValueError` when two of the rule objects in `sources` share an id or a name; a
    clash with a loaded rule, or a broken plugin, is a `ConfigError` on the first use of `rules`."""

    sources: tuple[Rule | Builtin | EntryPoint, ...]

    def __post_init__(self) -> None:
        given = [source.meta for source in self.sources if not isinstance(source, Builtin | EntryPoint)]
        ids = [meta.id for meta in given]
        names = [meta.name for meta in given]
        if len(set(ids)) != len(ids) or len(set(names)) != len(names):
            raise ValueError("rule ids and names must be unique")

    @cached_property
    def rules(self) -> tuple[Rule, ...]:
        """The rules in order, their modules imported now if they were not yet."""
        rules: list[Rule] = []
        for source in self.sources:
            if isinstance(source, Builtin):
                from guards.rules import builtin_rules  # Imported on first use: see the module's docstring.

                loaded = [(rule(), f"built-in rule {rule.__module__}") for rule in builtin_rules()]
            elif isinstance(source, EntryPoint):
                loaded = [(load_plugin(source)(), f"plugin {source.name} = {source.value!r}")]
            else:
                loaded = [(source, f"rule {type(source).__qualname__}")]
            for rule, where in loaded:
                _claim(rules, rule.meta, where)
                rules.append(rule)
        return tuple(rules)

    @classmethod
    def builtin(cls) -> RuleSet:
        return cls((Builtin.RULES,))

    @classmethod
    def default(cls) -> RuleSet:
        """The built-in rules and the installed plugins; a broken plugin raises `ConfigError` when
        the rules are first used."""
        return cls((Builtin.RULES, *installed_plugins()))

    def with_plugins(self, entry_points: Iterable[EntryPoint]) -> RuleSet:
        """These rules and one rule per entry point (see `guards.taste.plugins`), loaded now:
        raises `ConfigError` for a broken plugin."""
        return RuleSet(RuleSet((*self.sources, *entry_points)).rules)

    def with_taste(self, config: Config) -> RuleSet:
        """These rules and the project's declared rules (`config.rules`), after them."""
        from guards.taste.rule import TasteRule  # Imported on first use: see the module's docstring.

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
        from guards.rules.base import ScopeRule

        return [rule for rule in self.rules if isinstance(rule, ScopeRule)]

    @property
    def file_rules(self) -> Sequence[FileRule]:
        from guards.rules.base import FileRule

        return [rule for rule in self.rules if isinstance(rule, FileRule)]

    @property
    def composite_rules(self) -> Sequence[CompositeRule]:
        from guards.rules.base import CompositeRule

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
