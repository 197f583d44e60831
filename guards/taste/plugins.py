"""Rules as plugins: `Rule` subclasses that other distributions register in the entry point group
`ratchet.rules`, e.g. in their pyproject.toml:

    [project.entry-points."ratchet.rules"]
    no-print = "acme_rules.no_print:NoPrint"

A plugin that cannot be imported, is not a concrete `Rule` subclass or has no valid `RuleMeta` is a
`ConfigError` naming the entry point.
"""

from __future__ import annotations

import inspect
from functools import cache
from importlib.metadata import EntryPoint, entry_points
from typing import TYPE_CHECKING

from guards.errors import ConfigError
from guards.findings import RuleMeta

if TYPE_CHECKING:
    from guards.rules.base import Rule

GROUP = "ratchet.rules"


def plugin_entry_points() -> tuple[EntryPoint, ...]:
    """The group's entry points in the distributions on `sys.path`, in name order."""
    return tuple(sorted(entry_points(group=GROUP), key=lambda entry_point: entry_point.name))


@cache
def installed_plugins() -> tuple[EntryPoint, ...]:
    """`plugin_entry_points`, read once per process: `RuleSet.default()` runs for every check."""
    return plugin_entry_points()


def load_plugin(entry_point: EntryPoint) -> type[Rule]:
    # Imported here: listing the installed plugins (for the report cache's key) needs no rules.
    from guards.rules.base import Rule

    where = f"plugin {entry_point.name} = {entry_point.value!r} (entry point group {GROUP})"
    try:
        loaded = entry_point.load()
    except (ImportError, AttributeError) as exc:
        raise ConfigError(f"{where} cannot be loaded: {exc}") from exc
    if not inspect.isclass(loaded) or not issubclass(loaded, Rule) or inspect.isabstract(loaded):
        raise ConfigError(f"{where} is not a concrete Rule subclass (ScopeRule, FileRule or CompositeRule): {loaded!r}")
    try:
        meta = loaded.meta
    except AttributeError as exc:
        raise ConfigError(f"{where}: {loaded.__name__} has no meta (a RuleMeta)") from exc
    if not isinstance(meta, RuleMeta):
        raise ConfigError(f"{where}: {loaded.__name__}.meta must be a RuleMeta, not {type(meta).__name__}")
    return loaded
