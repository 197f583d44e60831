"""Taste rules: the rules a team declares in `[[tool.ratchet.rules]]` as code patterns with
metavariables, and rules installed as plugins through the `ratchet.rules` entry point group.

    spec = taste_specs([{"id": "TX001", "name": "no-hasattr", "pattern": "hasattr($OBJ, $NAME)",
                         "message": "hasattr probing of {OBJ}", "category": "guard"}])[0]
    TasteRule(spec)   # from guards.taste.rule; the registry adds these to every configured rule set

`guards.taste.rule.TasteRule` is not re-exported here: `guards.config` imports this package, and
the rule needs `guards.config`.
"""

from guards import lazy

# Imported on first use: `guards.config` reads `spec`, and a configuration without taste rules
# must not import libcst (which `pattern` needs) nor the rules (which `plugins` checks against).
__getattr__ = lazy.exports(
    __name__,
    {
        "guards.taste.pattern": ("Binding", "Pattern", "PatternError", "compile_pattern"),
        "guards.taste.plugins": ("GROUP", "installed_plugins", "load_plugin", "plugin_entry_points"),
        "guards.taste.spec": ("TasteSpec", "taste_specs"),
    },
)

__all__ = [
    "GROUP",
    "Binding",
    "Pattern",
    "PatternError",
    "TasteSpec",
    "compile_pattern",
    "installed_plugins",
    "load_plugin",
    "plugin_entry_points",
    "taste_specs",
]
