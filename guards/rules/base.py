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
from typing import ClassVar

from guards.change import Change, FilePair
from guards.findings import Finding, RuleMeta
from guards.linemap import LineMap
from guards.prefilter import Triggers
from guards.scope import ScopeDiff


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


class ScopeRule(Rule):
    # The `ast` node types whose addition or removal can make the rule fire (see `guards.prefilter`);
    # `None`: the rule is run on every changed scope.
    ast_triggers: ClassVar[Triggers | None] = None

    @abstractmethod
    def check(self, scope: ScopeDiff) -> Iterator[Finding]: ...


class FileRule(Rule):
    @abstractmethod
    def check(self, file: FileDiff) -> Iterator[Finding]: ...


class CompositeRule(Rule):
    @abstractmethod
    def check(self, findings: list[Finding]) -> Iterator[Finding]: ...

