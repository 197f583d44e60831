"""`TasteRule`: a `ScopeRule` configured from a `TasteSpec` rather than written as a class.

Kept out of the package's `__init__`: `guards.config` imports the package to validate specs, and
this module needs `guards.config.path_matches`.
"""

from __future__ import annotations

from collections.abc import Iterator

from guards.config import path_matches
from guards.findings import Finding
from guards.rules.base import ScopeRule
from guards.scope import ScopeDiff
from guards.taste.spec import TasteSpec


class TasteRule(ScopeRule):
    """A rule the project declares in `[[tool.ratchet.rules]]`: code the change adds that matches
    the rule's pattern, in the paths the rule applies to, is a finding with the rule's message."""

    VALID = ()
    INVALID = ()

    def __init__(self, spec: TasteSpec) -> None:
        self.spec = spec
        # Built-in rules carry `meta` on the class; a declared rule carries it per instance.
        self.meta = spec.meta

    def applies_to(self, path: str) -> bool:
        included = not self.spec.paths or any(path_matches(path, glob) for glob in self.spec.paths)
        return included and not any(path_matches(path, glob) for glob in self.spec.exclude)

    def check(self, scope: ScopeDiff) -> Iterator[Finding]:
        if self.applies_to(scope.path):
            for node in scope.added(self.spec.pattern.matcher):
                binding = self.spec.pattern.bind(node)
                if binding.consistent:
                    yield scope.finding(self.meta, node, self.spec.message.format_map(binding.code))

    def documentation(self) -> str:  # An instance's documentation: it comes from the project's config.
        lines = [
            "## What it does",
            "A project rule declared in `[[tool.ratchet.rules]]` of the checked repository's pyproject.toml.",
            "Flags added code that matches the pattern:",
            "```python",
            self.spec.pattern.source.strip(),
            "```",
            "",
            f"message: {self.spec.message}",
            f"paths: {', '.join(self.spec.paths) or 'all'}",
        ]
        if self.spec.exclude:
            lines.append(f"exclude: {', '.join(self.spec.exclude)}")
        lines += ["", "## Use instead", self.meta.suggestion]
        return "\n".join(lines)
