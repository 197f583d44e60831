"""IV004 frozen-removed."""

from __future__ import annotations

from collections.abc import Iterator

import libcst.matchers as m

from guards.findings import Category, Finding, RuleMeta, Severity
from guards.prefilter import FrozenMark
from guards.rules.base import Applies, Example, ScopeRule
from guards.rules.patterns import code_of
from guards.scope import ScopeDiff

# `frozen=True` as a decorator or class keyword (dataclass, attrs, pydantic `ConfigDict`,
# `class M(BaseModel, frozen=True)`) and as a pydantic `model_config` dict entry.
_FROZEN = m.Arg(keyword=m.Name("frozen"), value=m.Name("True")) | m.DictElement(
    key=m.SimpleString(value=m.MatchRegex(r"^['\"]frozen['\"]$")), value=m.Name("True")
)
# `@final`, `@typing.final`; attrs' `@frozen`, `@attrs.frozen`.
_DECORATOR = m.Decorator(decorator=m.Name("final") | m.Attribute(attr=m.Name("final")) | m.Name("frozen") | m.Attribute(attr=m.Name("frozen")))


class FrozenRemoved(ScopeRule):
    """## What it does
    Flags a changed class that loses its immutability or finality: a `frozen=True` (dataclass,
    attrs, pydantic `ConfigDict`/`model_config`, class keyword) removed or set to `False`, or a
    `@final`/`@typing.final`/`@attrs.frozen` decorator removed (on a class or a method).

    ## Why is this bad?
    A frozen value object can be shared, hashed and reasoned about: nobody changes it behind your
    back. Unfreezing it to make one assignment work spreads mutation to every holder of the
    object, and bugs from aliasing appear far away. `@final` likewise promises that no subclass
    changes the behaviour; removing it to allow one override breaks that promise for everyone.

    Not flagged: classes deleted or added, `frozen=True` kept while other options change
    (`slots=True` added), and a frozen class that gets a new method.

    ## Example
    ```python
    @dataclass
    class Money:  # was @dataclass(frozen=True)
        amount: int
        currency: str
    ```

    ## Use instead
    ```python
    @dataclass(frozen=True)
    class Money:
        amount: int
        currency: str

    price = dataclasses.replace(price, amount=price.amount + 1)  # a new value, not a mutation
    ```
    """

    applies = Applies(statuses=frozenset({"changed"}))
    ast_triggers = (FrozenMark,)
    fires_on = "removed"
    meta = RuleMeta(
        id="IV004",
        name="frozen-removed",
        category=Category.INVARIANT,
        severity=Severity.ERROR,
        suggestion="Keep the class frozen (or final) and build a new value with dataclasses.replace / model_copy instead of mutating it.",
    )
    VALID = (
        Example("@dataclass(frozen=True)\nclass P:\n    x: int\n", "@dataclass(frozen=True, slots=True)\nclass P:\n    x: int\n"),
        Example(
            "from typing import final\n@final\nclass P:\n    x: int\n",
            "from typing import final\n@final\nclass P:\n    x: int\n\n    def double(self):\n        return 2 * self.x\n",
        ),
        Example("", "@dataclass\nclass P:\n    x: int\n"),
        # Freezing is the good direction.
        Example("@dataclass\nclass P:\n    x: int\n", "@dataclass(frozen=True)\nclass P:\n    x: int\n"),
    )
    INVALID = (
        Example("@dataclass(frozen=True)\nclass P:\n    x: int\n", "@dataclass\nclass P:\n    x: int\n"),
        Example(
            "class M(BaseModel):\n    model_config = ConfigDict(frozen=True)\n    x: int\n",
            "class M(BaseModel):\n    model_config = ConfigDict(frozen=False)\n    x: int\n",
        ),
        Example("import typing\n@typing.final\nclass P:\n    x: int\n", "import typing\nclass P:\n    x: int\n"),
        Example("@attrs.define(frozen=True)\nclass P:\n    x: int\n", "@attrs.define(frozen=False, slots=True)\nclass P:\n    x: int\n"),
        Example("class M(BaseModel):\n    model_config = {'frozen': True}\n", "class M(BaseModel):\n    model_config = {}\n"),
    )

    def check(self, scope: ScopeDiff) -> Iterator[Finding]:
        if scope.kind == "class":
            for node in scope.removed(_FROZEN):
                yield scope.finding(self.meta, node, f"`{code_of(node).rstrip(',')}` removed or turned off: instances become mutable")
        if scope.kind in ("class", "function"):
            for node in scope.removed(_DECORATOR):
                yield scope.finding(self.meta, node, f"decorator `{code_of(node)}` removed")
