"""The per-file part of a check: read a file's sides, outline them, pair the changed scopes, decide
with the `ast` prefilter which scope rules to run on each, and run them.

`ast` outlines every file and finds the scopes whose text changed, pairing scopes moved or renamed
across files; libcst parses only the segments those scopes sit in, when a rule first looks.
"""

from __future__ import annotations

import ast
import functools
from collections import Counter
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from functools import cached_property

import libcst as cst

from guards.change import Change, FilePair
from guards.config import Config
from guards.decoding import read_source
from guards.findings import Finding
from guards.linemap import LineMap
from guards.names import imported_names
from guards.outline import MODULE_SCOPE, Outline, ScopeKind, ScopeOutline
from guards.prefilter import ScopeFilter, trigger_types
from guards.report import FileStatus
from guards.rules.base import SCOPE_STATUSES, FileDiff, FileRule, ScopeRule
from guards.scope import ChangeFacts, ParsedSource, ScopeDiff, ScopeStatus, ScopeView, SegmentNode


def _line_counts(before: str, after: str) -> tuple[int, int]:
    old = Counter(line.strip() for line in before.splitlines() if line.strip())
    new = Counter(line.strip() for line in after.splitlines() if line.strip())
    return sum((new - old).values()), sum((old - new).values())


class Side:
    """One side of one file: its outline and, on demand, its segments parsed with libcst.

    When the segments the check needs cover much of the file, the file is parsed once as a whole;
    otherwise each needed segment is parsed on its own.
    """

    # Without the import lines in front (qualified names come from `guards.names`), segments parse
    # no more text than they hold: the whole file is worth parsing only when most of it is needed.
    WHOLE_FILE_SHARE = 0.7

    def __init__(self, outline: Outline) -> None:
        self.text = outline.source
        self.outline = outline
        self.needed: set[tuple[int, int]] = set()
        self._nodes: dict[int, SegmentNode] = {}

    @cached_property
    def imports(self) -> dict[str, str]:
        """What the file's import lines bind (the lines `ParsedSource.segment` parses behind a segment)."""
        lines = [segment.nodes for segment in self.outline.segments if all(isinstance(s, ast.Import | ast.ImportFrom) for s in segment.nodes)]
        return imported_names(node for nodes in lines for node in nodes)

    @cached_property
    def _whole(self) -> ParsedSource | None:
        needed_lines = set()
        for first, last in self.needed:
            needed_lines.update(range(first, last + 1))
        if len(needed_lines) < self.WHOLE_FILE_SHARE * max(len(self.outline.lines), 1):
            return None
        return ParsedSource.whole(self.outline, self.imports)

    def node(self, index: int) -> SegmentNode:
        """A top-level statement, from the whole-file parse or parsed on its own."""
        if index not in self._nodes:
            whole = self._whole
            if whole is None:
                source = ParsedSource.segment(self.outline, self.outline.segments[index], self.imports)
                self._nodes[index] = SegmentNode(source, source.statements[0])
            else:
                self._nodes[index] = SegmentNode(whole, whole.statements[index])
        return self._nodes[index]

    def view(self, scope: ScopeOutline) -> ScopeView:
        def load() -> list[tuple[ParsedSource, cst.CSTNode]]:
            if self._whole is None:
                return [ParsedSource.scope(self.outline, scope, self.imports)]
            node = self.node(scope.segment)
            return [(node.source, node.definitions[scope.qualname.partition(".")[2]])]

        return ScopeView(load)

    def module_view(self, segments: list[int]) -> ScopeView:
        return ScopeView(lambda: [(self.node(i).source, self.node(i).statement) for i in segments])

    def release(self) -> None:
        """Drop the libcst parses. A file is checked once: kept, a large change's parses would all
        stay alive to the end of the check (a parse needed again is simply made again)."""
        self._nodes.clear()
        if "_whole" in vars(self):
            del self._whole


@dataclass(frozen=True, slots=True)
class Reading:
    """What decoding a file needs of the configuration (picklable, unlike `Config`)."""

    max_file_bytes: int
    test_paths: frozenset[str]

    @classmethod
    def of(cls, change: Change, config: Config) -> Reading:
        return cls(config.max_file_bytes, frozenset(pair.path for pair in change.files if config.is_test_file(pair.path)))


@dataclass(frozen=True, slots=True)
class Decoded:
    """A changed file's sides decoded as Python source ("" for a side that does not exist): what
    the check reads before any parse, and what the processes that outline the file inherit."""

    pair: FilePair
    before_text: str
    after_text: str
    is_test_file: bool

    def status(self) -> FileStatus:
        added, removed = _line_counts(self.before_text, self.after_text)
        return FileStatus(self.pair.path, "deleted" if self.pair.after is None else "analysed", added, removed)


def decode(pair: FilePair, reading: Reading) -> Decoded:
    """Raises `SkippedFile` for a side that cannot be read as Python source."""
    before_text = read_source(pair.before, reading.max_file_bytes) if pair.before is not None else ""
    after_text = read_source(pair.after, reading.max_file_bytes) if pair.after is not None else ""
    return Decoded(pair, before_text, after_text, pair.path in reading.test_paths)


@dataclass(eq=False)
class SourceFile:
    """A decoded file outlined: each side that exists and parses with `ast`."""

    decoded: Decoded
    before: Side | None
    after: Side | None
    syntax_error: SyntaxError | None
    before_syntax_error: SyntaxError | None

    @property
    def pair(self) -> FilePair:
        return self.decoded.pair

    @property
    def before_text(self) -> str:
        return self.decoded.before_text

    @property
    def after_text(self) -> str:
        return self.decoded.after_text

    @property
    def is_test_file(self) -> bool:
        return self.decoded.is_test_file

    @cached_property
    def line_map(self) -> LineMap:
        return LineMap(self.before_text.splitlines(), self.after_text.splitlines())

    def diff(self) -> FileDiff:
        return FileDiff(self.pair.path, self.before_text, self.after_text, self.is_test_file, self.syntax_error, self.line_map)


def outline(decoded: Decoded) -> SourceFile:
    """Both sides outlined; a new side that does not parse is recorded, not raised (the file
    rules report it), and so is an old side that never parsed."""
    syntax_error = None
    after = None
    if decoded.pair.after is not None:
        try:
            after = Side(Outline.parse(decoded.after_text))
        except SyntaxError as exc:
            syntax_error = exc
    before = None
    before_syntax_error = None
    if decoded.pair.before is not None and syntax_error is None:
        try:
            # Beside the new side, the old one parses only what the change touched.
            before = Side(Outline.parse(decoded.before_text) if after is None else Outline.parse_beside(decoded.before_text, after.outline))
        except SyntaxError as exc:
            # An old side that never parsed: the new side is analysed as a new file, and the report says so.
            before_syntax_error = exc
    return SourceFile(decoded, before, after, syntax_error, before_syntax_error)


@dataclass(frozen=True, slots=True)
class Half:
    """One side of a changed scope: how to view it (a view made for each check, so that its
    parses go with it), and what the prefilter and the parse planning need."""

    make_view: Callable[[], ScopeView]
    side: Side | None
    roots: tuple[ast.AST, ...]
    spans: tuple[tuple[int, int], ...]

    def reserve(self) -> None:
        """Count the scope's lines in its file's decision between a whole-file and a per-segment parse."""
        if self.side is not None:
            self.side.needed.update(self.spans)


ABSENT_HALF = Half(ScopeView, None, (), ())


def scope_half(side: Side, scope: ScopeOutline) -> Half:
    return Half(functools.partial(side.view, scope), side, (scope.node,), ((scope.first_line, scope.last_line),))


def module_half(side: Side, segments: list[int]) -> Half:
    chosen = [side.outline.segments[i] for i in segments]
    roots = tuple(node for segment in chosen for node in segment.nodes)
    return Half(functools.partial(side.module_view, segments), side, roots, tuple((s.first_line, s.last_line) for s in chosen))


@dataclass(frozen=True, slots=True)
class ScopePair:
    file: SourceFile
    qualname: str
    kind: ScopeKind
    before_half: Half
    after_half: Half

    @property
    def status(self) -> ScopeStatus:
        if self.before_half.side is None:
            return "added"
        return "removed" if self.after_half.side is None else "changed"

    @property
    def sides(self) -> tuple[Side, ...]:
        return tuple(half.side for half in (self.before_half, self.after_half) if half.side is not None)


def _module_pair(file: SourceFile) -> list[ScopePair]:
    """Top-level statements outside definitions, compared as a multiset: only the unmatched are parsed."""
    old = Counter(d for d, _ in file.before.outline.module_statements) if file.before else Counter()
    new = Counter(d for d, _ in file.after.outline.module_statements) if file.after else Counter()
    if old == new:
        return []
    gone = old - new
    came = new - old
    # A side that exists keeps a (possibly empty) view, so the scope reads as changed, not added or removed.
    before = module_half(file.before, [i for d, i in file.before.outline.module_statements if gone[d]]) if file.before else ABSENT_HALF
    after = module_half(file.after, [i for d, i in file.after.outline.module_statements if came[d]]) if file.after else ABSENT_HALF
    return [ScopePair(file, MODULE_SCOPE, "module", before, after)]


def _edited(file: SourceFile, before: ScopeOutline, after: ScopeOutline) -> ScopePair:
    assert file.before is not None and file.after is not None, "a scope on both sides"
    return ScopePair(file, after.qualname, after.kind, scope_half(file.before, before), scope_half(file.after, after))


def pair_by_name(file: SourceFile) -> tuple[list[ScopePair], list[ScopeOutline], list[ScopeOutline]]:
    """One file's scopes matched by qualified name: the changed pairs, and the scopes found on one
    side only (removed, added), which `guards.moves` pairs across the change."""
    old = file.before.outline.scopes if file.before else {}
    new = file.after.outline.scopes if file.after else {}
    both = sorted(old.keys() & new.keys())
    pairs = [_edited(file, old[qualname], new[qualname]) for qualname in both if old[qualname].text_digest != new[qualname].text_digest]
    removed = [old[qualname] for qualname in sorted(old.keys() - new.keys())]
    added = [new[qualname] for qualname in sorted(new.keys() - old.keys())]
    return pairs + _module_pair(file), removed, added


@dataclass(frozen=True, slots=True)
class Plan:
    """A changed scope and the scope rules the prefilter lets run on it, in the rule set's order."""

    pair: ScopePair
    rules: tuple[ScopeRule, ...]

    @property
    def prefiltered(self) -> bool:
        """Whether the prefilter ruled out every rule that declares its triggers."""
        return all(rule.triggers_for(self.pair.status) is None for rule in self.rules)


def plan_rules(pairs: list[ScopePair], rules: Sequence[ScopeRule]) -> list[Plan]:
    """Which rules to run on which scope; the scopes some declared rule may fire on are counted
    in their files' parse planning (a scope only undeclared rules look at is parsed per segment)."""
    triggers = trigger_types(rule.triggers_for(status) for rule in rules for status in SCOPE_STATUSES)
    plans = []
    for pair in pairs:
        applicable = [rule for rule in rules if rule.applies.admits(pair.file.is_test_file, pair.kind, pair.status)]
        scope_filter = ScopeFilter.of(pair.before_half.roots, pair.after_half.roots, triggers)
        plan = Plan(pair, tuple(rule for rule in applicable if scope_filter.may_fire(rule.triggers_for(pair.status), rule.fires_on)))
        if not plan.prefiltered:
            pair.before_half.reserve()
            pair.after_half.reserve()
        plans.append(plan)
    return plans


def _line_map(file: SourceFile, pair: ScopePair) -> LineMap:
    """Where the scope's old lines stand in the new file, matched between the lines the scope
    spans on each side: cheaper than matching whole files, and right for a scope that came from
    another file. A scope with nothing left after the change is placed by the whole file's map."""
    before, after = pair.before_half, pair.after_half
    if before.side is None or after.side is None or not before.spans or not after.spans:
        return file.line_map
    old_first, old_last = min(first for first, _ in before.spans), max(last for _, last in before.spans)
    new_first, new_last = min(first for first, _ in after.spans), max(last for _, last in after.spans)
    return LineMap(before.side.outline.lines[old_first - 1 : old_last], after.side.outline.lines[new_first - 1 : new_last], old_first, new_first)


def check_file(file: SourceFile, plans: list[Plan], facts: ChangeFacts, file_rules: Sequence[FileRule]) -> tuple[list[Finding], str | None]:
    """The file's findings, or why libcst refused it."""
    findings: list[Finding] = []
    diff = file.diff()
    try:
        for rule in file_rules:
            findings.extend(rule.check(diff))
        for plan in plans:
            pair = plan.pair
            before, after = pair.before_half.make_view(), pair.after_half.make_view()
            scope = ScopeDiff(file.pair.path, pair.qualname, pair.kind, before, after, file.is_test_file, _line_map(file, pair), facts)
            for scope_rule in plan.rules:
                findings.extend(scope_rule.check(scope))
    except cst.ParserSyntaxError as exc:  # Per-file boundary: libcst refusing what `ast` accepted.
        return [], f"libcst cannot parse it: {exc.message}"
    finally:
        for side in {side for plan in plans for side in plan.pair.sides}:
            side.release()
    return findings, None
