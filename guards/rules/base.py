"""What a rule is. Three kinds, by what they look at:

- `ScopeRule`: one scope (a function, a class body, the module's top level) before and after;
- `FileRule`: one file's text before and after (comments, parse errors);
- `CompositeRule`: the findings of the other rules (e.g. the trade rule).

Each rule lives in its own module, carries a `RuleMeta`, a docstring in Ruff's form
(What it does / Why is this bad? / Example / Use instead) and `VALID`/`INVALID` examples that
the test suite collects and runs.
"""

from __future__ import annotations

import inspect
from abc import ABC, abstractmethod
from collections.abc import Iterator
from dataclasses import dataclass
from typing import ClassVar, Literal

from guards.change import Change, FilePair
from guards.findings import Finding, RuleMeta
from guards.linemap import LineMap
from guards.outline import ScopeKind
from guards.prefilter import Fires, Triggers
from guards.scope import ScopeDiff, ScopeStatus


@dataclass(frozen=True, slots=True)
class Example:
    """A change as a rule's documentation shows it: one file before and after."""

    before: str
    after: str
    path: str = "app/service.py"

    def change(self) -> Change:
        """The example as a change; an empty side is a file that does not exist on that side."""
        return Change.of([FilePair(self.path, self.before.encode() or None, self.after.encode() or None)])


@dataclass(frozen=True, slots=True)
class FileDiff:
    """One Python file's text on both sides, for rules that do not need its syntax tree."""

    path: str
    before: str
    after: str
    is_test_file: bool
    syntax_error: SyntaxError | None
    line_map: LineMap


class Rule(ABC):
    meta: ClassVar[RuleMeta]
    VALID: ClassVar[tuple[Example, ...]]
    INVALID: ClassVar[tuple[Example, ...]]

    @classmethod
    def documentation(cls) -> str:
        assert cls.__doc__, f"{cls.__name__} has no docstring"
        return inspect.cleandoc(cls.__doc__)


_KINDS: frozenset[ScopeKind] = frozenset({"module", "class", "function"})
SCOPE_STATUSES: frozenset[ScopeStatus] = frozenset({"added", "removed", "changed"})


@dataclass(frozen=True, slots=True)
class Applies:
    """Which changed scopes a scope rule looks at: in which files (test files, the others, or
    any), of which kinds, added, removed or changed. The engine runs a rule only on those, so
    that its `check` does not test for them and a scope no rule applies to is never parsed."""

    files: Literal["tests", "code", "any"] = "any"
    kinds: frozenset[ScopeKind] = _KINDS
    statuses: frozenset[ScopeStatus] = SCOPE_STATUSES

    def admits(self, is_test_file: bool, kind: ScopeKind, status: ScopeStatus) -> bool:
        in_files = self.files == "any" or (self.files == "tests") == is_test_file
        return in_files and kind in self.kinds and status in self.statuses


class ScopeRule(Rule):
    applies: ClassVar[Applies] = Applies()
    # The `ast` node types whose addition or removal can make the rule fire (see `guards.prefilter`);
    # `None`: the rule is run on every changed scope.
    ast_triggers: ClassVar[Triggers | None] = None
    # Which change of those nodes its findings need: most rules report only what a scope gains.
    fires_on: ClassVar[Fires] = "changed"

    def triggers_for(self, status: ScopeStatus) -> Triggers | None:
        """The triggers the prefilter tests on a scope of this status: `ast_triggers`, unless a
        rule can say less of an added scope, where every node is new."""
        return self.ast_triggers

    @abstractmethod
    def check(self, scope: ScopeDiff) -> Iterator[Finding]: ...


class FileRule(Rule):
    @abstractmethod
    def check(self, file: FileDiff) -> Iterator[Finding]: ...


class CompositeRule(Rule):
    @abstractmethod
    def check(self, findings: list[Finding]) -> Iterator[Finding]: ...

