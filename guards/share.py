"""The files one process owns through a check: outlined and paired by name, summarised for the
pairing across files (`guards.moves`), then checked and measured.

A check runs in two rounds. In the first, each share outlines its files with `ast` and reports
the scopes found on one side only; the check pairs those across the whole change and tells each
share which moves its files hold (`Decided`). In the second, each share plans and runs the rules
on its files and measures their complexity. A large change is cut into one share per worker
process (`guards.pool`), which keeps its outlines from one round to the next: only summaries and
findings cross a process boundary. A small change is one share in the check's own process.
"""

from __future__ import annotations

import ast
from collections import Counter
from collections.abc import Iterable, Sequence
from dataclasses import dataclass

from guards.analysis import ABSENT_HALF, Decoded, Half, ScopePair, Side, SourceFile, check_file, outline, pair_by_name, plan_rules, scope_half
from guards.callgraph.index import CallGraphSource
from guards.findings import Finding
from guards.metrics.complexity import Arrival, FileComplexity, SidePair, measure_file
from guards.moves import LooseScope, Move, pair_moves
from guards.outline import Outline, ScopeOutline
from guards.rules.base import FileRule, ScopeRule
from guards.scope import ChangeFacts, assert_lines

FileResult = tuple[list[Finding], str | None]


@dataclass(frozen=True, slots=True)
class Inputs:
    """What every share starts from: the check's decoded files (by index) and its rules. A forked
    worker inherits it in memory."""

    files: Sequence[Decoded]
    calls: CallGraphSource
    scope_rules: Sequence[ScopeRule]
    file_rules: Sequence[FileRule]
    # Whether a complexity rule is selected: nothing is measured otherwise.
    measure: bool


@dataclass(frozen=True, slots=True)
class Outlined:
    """What a share reports after the first round; file indices are the check's."""

    removed: tuple[LooseScope, ...]
    added: tuple[LooseScope, ...]
    # Names called by the test functions the change adds or edits, and the assert lines it adds (see `ChangeFacts`).
    called_by_changed_tests: frozenset[str]
    added_asserts: frozenset[str]
    # Each new side's scopes, qualified name → first and last line: duplication names where a copy sits.
    after_scopes: dict[int, dict[str, tuple[int, int]]]
    unparsable_before: tuple[int, ...]


@dataclass(frozen=True, slots=True)
class Decided:
    """What the check tells a share for the second round."""

    moves: tuple[Move, ...]
    removed_definitions: frozenset[str]
    called_by_changed_tests: frozenset[str]
    added_asserts: frozenset[str]


def _in_file_order(scopes: Iterable[Iterable[LooseScope]]) -> list[LooseScope]:
    # Which removed scope a new one is paired with may depend on the order: the change's, as in one process.
    return sorted((loose for share in scopes for loose in share), key=lambda loose: loose.file)


def decide(outlined: list[Outlined], shares: tuple[list[int], ...]) -> list[Decided]:
    """The loose scopes of every share paired across the change, and each share's part of it."""
    removed, added = _in_file_order(share.removed for share in outlined), _in_file_order(share.added for share in outlined)
    moves, removed_functions = pair_moves(removed, added)
    called = frozenset().union(*(share.called_by_changed_tests for share in outlined))
    asserts = frozenset().union(*(share.added_asserts for share in outlined))
    owned = [frozenset(share) for share in shares]
    return [Decided(tuple(move for move in moves if move.file in files), removed_functions, called, asserts) for files in owned]


@dataclass(frozen=True, slots=True)
class Checked:
    """A share's findings (or why libcst refused a file) by file index, and its measurements."""

    per_file: dict[int, FileResult]
    measured: tuple[FileComplexity, ...]
    scopes_analysed: int
    scopes_prefiltered: int


def _called_names(node: ast.AST) -> set[str]:
    """Names called in `node`: `f(...)` gives `f`, `obj.f(...)` gives `f`."""
    calls = [n.func for n in ast.walk(node) if isinstance(n, ast.Call)]
    return {f.id for f in calls if isinstance(f, ast.Name)} | {f.attr for f in calls if isinstance(f, ast.Attribute)}


def _changed_tests(file: SourceFile) -> list[ScopeOutline]:
    """The functions of a test file that the change adds or edits: tests, and what sets them up
    (`setUp`, fixtures, helpers), which may now make the calls a deleted test made."""
    assert file.after is not None
    old = file.before.outline.scopes if file.before else {}
    return [
        scope
        for qualname, scope in file.after.outline.scopes.items()
        if scope.kind == "function"
        and not (qualname in old and old[qualname].text_digest == scope.text_digest)
    ]  # fmt: skip


def _called_by_changed_tests(files: Iterable[SourceFile]) -> frozenset[str]:
    tested = [file for file in files if file.is_test_file and file.after is not None]
    return frozenset(name for file in tested for scope in _changed_tests(file) for name in _called_names(scope.node))


def _asserts(half: Half) -> Counter[str]:
    if half.side is None:
        return Counter()
    lines = half.side.outline.lines
    return assert_lines(line for first, last in half.spans for line in lines[first - 1 : last])


def _added_asserts(file: SourceFile, pairs: list[ScopePair], added: list[ScopeOutline]) -> Counter[str]:
    """The assert lines each changed or added scope of `file` gains: counted scope by scope, so
    that an assert moved from one function to another is added, and one kept in place is not."""
    gained: Counter[str] = Counter()
    for pair in pairs:
        gained += _asserts(pair.after_half) - _asserts(pair.before_half)
    for scope in added:
        assert file.after is not None, "an added scope is on the new side"
        gained += _asserts(scope_half(file.after, scope))
    return gained


def _found_on(side: Side | None) -> Side:
    """The side of a file a scope was found on, which is therefore there."""
    assert side is not None, "a scope found on a side of the file is on an existing side"
    return side


def _spans(outline: Outline) -> dict[str, tuple[int, int]]:
    return {qualname: (scope.first_line, scope.last_line) for qualname, scope in outline.scopes.items()}


def _side_pair(file: SourceFile) -> SidePair:
    return SidePair(file.pair.path, None if file.before is None else file.before.outline, None if file.after is None else file.after.outline)


class Share:
    """Some of a check's files, outlined, between the two rounds."""

    def __init__(self, inputs: Inputs, indices: Sequence[int]) -> None:
        self._inputs = inputs
        self._files = {index: outline(inputs.files[index]) for index in indices}
        self._pairs: dict[int, list[ScopePair]] = {index: [] for index in indices}
        # Old sides of other shares' files that a scope here moved from, outlined when asked.
        self._foreign: dict[int, Side] = {}

    def summarise(self) -> Outlined:
        """The first round: every file's scopes paired by name, and what the check pairs across files."""
        removed: list[LooseScope] = []
        added: list[LooseScope] = []
        added_asserts: Counter[str] = Counter()
        for index, file in self._parsed():
            pairs, gone, came = pair_by_name(file)
            self._pairs[index] = pairs
            removed += [LooseScope.of(index, scope, _found_on(file.before).outline.lines) for scope in gone]
            added += [LooseScope.of(index, scope, _found_on(file.after).outline.lines) for scope in came]
            added_asserts += _added_asserts(file, pairs, came)
        return Outlined(
            tuple(removed),
            tuple(added),
            _called_by_changed_tests(self._files.values()),
            frozenset(added_asserts),
            {index: _spans(file.after.outline) for index, file in self._files.items() if file.after is not None},
            tuple(index for index, file in self._files.items() if file.before_syntax_error is not None),
        )

    def check(self, decided: Decided) -> Checked:
        """The second round: the rules on every file, with the moves the check paired, and the
        complexity measurements."""
        for move in decided.moves:
            self._pairs[move.file].append(self._move_pair(move))
        facts = ChangeFacts(decided.removed_definitions, decided.called_by_changed_tests, decided.added_asserts, self._inputs.calls)
        # All plans first: a file's parse (whole or per segment) depends on every scope it holds.
        plans = {index: plan_rules(pairs, self._inputs.scope_rules) for index, pairs in self._pairs.items()}
        per_file = {index: check_file(file, plans[index], facts, self._inputs.file_rules) for index, file in self._files.items()}
        planned = [plan for file_plans in plans.values() for plan in file_plans]
        measured = self._measure(decided.moves) if self._inputs.measure else ()
        return Checked(per_file, measured, len(planned), sum(1 for plan in planned if plan.prefiltered))

    def _measure(self, moves: Sequence[Move]) -> tuple[FileComplexity, ...]:
        """The complexity of the files that exist after the change, with the functions that arrived in them."""
        arrivals: dict[int, list[Arrival]] = {index: [] for index in self._files}
        for move in moves:
            if move.after is not None and move.after.kind == "function":
                arrivals[move.file].append((self._after_scope(move.after), None if move.before is None else self._before_scope(move.before)))
        return tuple(measure_file(_side_pair(file), arrivals[index]) for index, file in self._parsed() if file.after is not None)

    def _parsed(self) -> list[tuple[int, SourceFile]]:
        """The files whose new side parsed (or that the change deletes): their scopes can be compared."""
        return [(index, file) for index, file in self._files.items() if file.syntax_error is None]

    def _move_pair(self, move: Move) -> ScopePair:
        if move.after is None:
            assert move.before is not None
            file = self._files[move.before.file]
            return ScopePair(file, move.before.qualname, move.before.kind, self._half(self._old_side(move.before.file), move.before), ABSENT_HALF)
        file = self._files[move.after.file]
        assert file.after is not None, "an added scope is on the new side"
        before = ABSENT_HALF if move.before is None else self._half(self._old_side(move.before.file), move.before)
        return ScopePair(file, move.after.qualname, move.after.kind, before, self._half(file.after, move.after))

    @staticmethod
    def _half(side: Side, loose: LooseScope) -> Half:
        return scope_half(side, side.outline.scopes[loose.qualname])

    def _after_scope(self, loose: LooseScope) -> ScopeOutline:
        side = self._files[loose.file].after
        assert side is not None, "an added scope is on the new side"
        return side.outline.scopes[loose.qualname]

    def _before_scope(self, loose: LooseScope) -> ScopeOutline:
        return self._old_side(loose.file).outline.scopes[loose.qualname]

    def _old_side(self, index: int) -> Side:
        """The old side of a file of this share, or of another share's (outlined here once)."""
        if index in self._files:
            side = self._files[index].before
            assert side is not None, "a removed scope is on the old side"
            return side
        if index not in self._foreign:
            self._foreign[index] = Side(Outline.parse(self._inputs.files[index].before_text))
        return self._foreign[index]
