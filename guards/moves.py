"""Scopes found on one side of a file only, paired across the whole change.

Each process that outlines a share of the files (`guards.share`) summarises the scopes its files
add or remove as `LooseScope`s; the check pairs them here, once, for every file: a scope moved or
renamed with its body intact is no change at all, one moved under the same unique name is
compared with where it came from when it kept at least half the lines of the smaller body (two
unrelated private helpers may share a name), and the rest are really added or removed.
"""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass

from guards.outline import ScopeKind, ScopeOutline

# A scope moved under the same name is compared with its origin when this share of the smaller
# body's lines is on both sides; otherwise the two are unrelated, one added and one removed.
RESEMBLANCE = 0.5


@dataclass(frozen=True, slots=True)
class LooseScope:
    """A scope on one side of the file with index `file` (in the check's file order) only."""

    file: int
    qualname: str
    kind: ScopeKind
    name: str
    body_digest: str
    # The body's lines, stripped, blank ones left out.
    body_lines: tuple[str, ...]

    @classmethod
    def of(cls, file: int, scope: ScopeOutline, lines: list[str]) -> LooseScope:
        body = lines[scope.body_line - 1 : scope.last_line]
        return cls(file, scope.qualname, scope.kind, scope.name, scope.body_digest(), tuple(line.strip() for line in body if line.strip()))

    def resembles(self, other: LooseScope) -> bool:
        """Whether at least `RESEMBLANCE` of the smaller body's lines are in the other body."""
        shared = sum((Counter(self.body_lines) & Counter(other.body_lines)).values())
        return shared >= RESEMBLANCE * min(len(self.body_lines), len(other.body_lines))

    @property
    def body_key(self) -> tuple[str, str]:
        """Equal for a scope moved or renamed with its body intact."""
        return self.kind, self.body_digest

    @property
    def name_key(self) -> tuple[str, str]:
        return self.kind, self.name


@dataclass(frozen=True, slots=True)
class Move:
    """A loose scope after pairing: `after` added (compared with `before` when it came from
    there), or `before` alone, really removed."""

    before: LooseScope | None
    after: LooseScope | None

    def __post_init__(self) -> None:
        assert self.before is not None or self.after is not None, "a move has a side"

    @property
    def file(self) -> int:
        """The file the move is checked in: where the scope is now, or where it was removed."""
        side = self.after if self.after is not None else self.before
        assert side is not None
        return side.file


def _without_intact_moves(removed: list[LooseScope], added: list[LooseScope]) -> tuple[list[LooseScope], list[LooseScope]]:
    """Both lists without the scopes whose body is on both sides: moved or renamed intact."""
    intact = {loose.body_key for loose in added} & {loose.body_key for loose in removed}
    return [loose for loose in removed if loose.body_key not in intact], [loose for loose in added if loose.body_key not in intact]


def pair_moves(removed: list[LooseScope], added: list[LooseScope]) -> tuple[list[Move], frozenset[str]]:
    """The loose scopes paired (those moved intact dropped: nothing to analyse), in the order of
    `added` then of `removed`; and the names of the functions the change really removes."""
    removed, added = _without_intact_moves(removed, added)
    by_name = Counter(loose.name_key for loose in removed)
    unpaired = {loose.name_key: loose for loose in removed if by_name[loose.name_key] == 1}
    moves = [Move(_origin(loose, unpaired), loose) for loose in added]
    gone = _left(removed, by_name, unpaired)
    moves += [Move(loose, None) for loose in gone]
    return moves, frozenset(loose.name for loose in gone if loose.kind == "function")


def _origin(added: LooseScope, unpaired: dict[tuple[str, str], LooseScope]) -> LooseScope | None:
    """The removed scope `added` came from, taken out of `unpaired`: the one of its name, if it resembles it."""
    if added.name_key in unpaired and unpaired[added.name_key].resembles(added):
        return unpaired.pop(added.name_key)
    return None


def _left(removed: list[LooseScope], by_name: Counter[tuple[str, str]], unpaired: dict[tuple[str, str], LooseScope]) -> list[LooseScope]:
    """What pairing left: removed scopes whose name was not unique, or that no added scope took."""
    return [loose for loose in removed if by_name[loose.name_key] > 1 or loose.name_key in unpaired]
