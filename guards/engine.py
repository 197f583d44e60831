"""`check`: a change in, a report out. Pure: no network, no global state, and no writes except
the index cache, in the directory the caller names.

Three passes. `ast` outlines every file and finds the scopes whose text changed, pairing scopes
moved or renamed across files; libcst parses only the segments those scopes sit in, when a rule
first looks; then the rules run and the configuration shapes their findings into a verdict.
"""

from __future__ import annotations

import ast
import dataclasses
import io
import time
from concurrent.futures import ProcessPoolExecutor
from contextlib import ExitStack
import tokenize
from collections import Counter
from collections.abc import Sequence
from dataclasses import dataclass
from functools import cached_property
from pathlib import Path

import libcst as cst

from guards.callgraph.index import CallGraphSource
from guards.change import Change, FilePair
from guards.config import Config
from guards.duplication import ChangedSource
from guards.duplication.run import run_duplication
from guards.findings import Finding
from guards.linemap import LineMap
from guards.metrics import SidePair, run_complexity
from guards.outline import MODULE_SCOPE, Outline, ScopeOutline
from guards.prefilter import ScopeFilter, trigger_types
from guards.registry import RuleSet, finding_selected, severity_override
from guards.report import FileStatus, Report, judge
from guards.rules.base import FileDiff, FileRule, ScopeRule
from guards.scope import ChangeFacts, ParsedSource, ScopeDiff, ScopeView, SegmentNode
from guards.tree import NO_TREE, SourceTree


# A change with this many files is checked in a pool of `_WORKERS` processes; a smaller one is not
# worth the pool's start-up and the pickling.
PARALLEL_FILES = 40
_WORKERS = 2


class SkippedFile(Exception):
    """A side of a file the guard does not analyse; becomes a notice at the per-file boundary."""


def read_source(data: bytes, max_bytes: int) -> str:
    """Decode Python source as the interpreter would (PEP 263 cookie, BOM), or say why not."""
    if len(data) > max_bytes:
        raise SkippedFile(f"larger than the limit of {max_bytes} bytes")
    if b"\0" in data:
        raise SkippedFile("binary: contains NUL bytes")
    try:
        encoding, _ = tokenize.detect_encoding(io.BytesIO(data).readline)
        return data.decode(encoding)
    except (SyntaxError, UnicodeDecodeError, LookupError) as exc:
        raise SkippedFile(f"not decodable as Python source ({exc})") from exc


def _line_counts(before: str, after: str) -> tuple[int, int]:
    old = Counter(line.strip() for line in before.splitlines() if line.strip())
    new = Counter(line.strip() for line in after.splitlines() if line.strip())
    return sum((new - old).values()), sum((old - new).values())


class _Side:
    """One side of one file: its outline and, on demand, its segments parsed with libcst.

    When the segments the check needs cover much of the file, the file is parsed once as a whole;
    otherwise each needed segment is parsed on its own behind the import prelude.
    """

    WHOLE_FILE_SHARE = 0.4

    def __init__(self, text: str) -> None:
        self.text = text
        self.outline = Outline.parse(text)
        self.needed: set[tuple[int, int]] = set()
        self._nodes: dict[int, SegmentNode] = {}

    @cached_property
    def _whole(self) -> ParsedSource | None:
        needed_lines = set()
        for first, last in self.needed:
            needed_lines.update(range(first, last + 1))
        if len(needed_lines) < self.WHOLE_FILE_SHARE * max(len(self.outline.lines), 1):
            return None
        return ParsedSource.whole(self.outline)

    def node(self, index: int) -> SegmentNode:
        """A top-level statement, from the whole-file parse or parsed on its own behind the prelude."""
        if index not in self._nodes:
            whole = self._whole
            if whole is None:
                source = ParsedSource.segment(self.outline, self.outline.segments[index])
                self._nodes[index] = SegmentNode(source, source.statements[0])
            else:
                self._nodes[index] = SegmentNode(whole, whole.statements[index])
        return self._nodes[index]

    def view(self, scope: ScopeOutline) -> ScopeView:
        def load() -> list[tuple[ParsedSource, cst.CSTNode]]:
            if self._whole is None:
                return [ParsedSource.scope(self.outline, scope)]
            node = self.node(scope.segment)
            return [(node.source, node.definitions[scope.qualname.partition(".")[2]])]

        return ScopeView(load)

    def module_view(self, segments: list[int]) -> ScopeView:
        return ScopeView(lambda: [(self.node(i).source, self.node(i).statement) for i in segments])


_ABSENT = ScopeView()


@dataclass(eq=False)
class _File:
    pair: FilePair
    before_text: str
    after_text: str
    before: _Side | None
    after: _Side | None
    syntax_error: SyntaxError | None
    before_syntax_error: SyntaxError | None
    is_test_file: bool

    @cached_property
    def line_map(self) -> LineMap:
        return LineMap(self.before_text.splitlines(), self.after_text.splitlines())

    def diff(self) -> FileDiff:
        return FileDiff(self.pair.path, self.before_text, self.after_text, self.is_test_file, self.syntax_error, self.line_map)

    def status(self) -> FileStatus:
        added, removed = _line_counts(self.before_text, self.after_text)
        return FileStatus(self.pair.path, "deleted" if self.pair.after is None else "analysed", added, removed)


@dataclass(frozen=True, slots=True)
class _Reading:
    """What preparing a file needs of the configuration (picklable, unlike `Config`)."""

    max_file_bytes: int
    test_paths: frozenset[str]


def _prepare(pair: FilePair, reading: _Reading) -> _File:
    """Raises `SkippedFile` for a side that cannot be read as Python source."""
    before_text = read_source(pair.before, reading.max_file_bytes) if pair.before is not None else ""
    after_text = read_source(pair.after, reading.max_file_bytes) if pair.after is not None else ""
    syntax_error = None
    after = None
    if pair.after is not None:
        try:
            after = _Side(after_text)
        except SyntaxError as exc:
            syntax_error = exc
    before = None
    before_syntax_error = None
    if pair.before is not None and syntax_error is None:
        try:
            before = _Side(before_text)
        except SyntaxError as exc:
            # An old side that never parsed: the new side is analysed as a new file, and the report says so.
            before_syntax_error = exc
    return _File(pair, before_text, after_text, before, after, syntax_error, before_syntax_error, pair.path in reading.test_paths)


@dataclass(frozen=True, slots=True)
class _HalfSpec:
    """Which scope a side of a pair is, for rebuilding it in another process: a scope by qualified
    name, or the module's top-level segments by index, in the file at `path`."""

    path: str
    qualname: str
    segments: tuple[int, ...]

    def half(self, side: _Side) -> _Half:
        if self.qualname == MODULE_SCOPE:
            return _module_half(side, self.path, list(self.segments))
        return _Half(side.view(side.outline.scopes[self.qualname]), side, (side.outline.scopes[self.qualname].node,), ((side.outline.scopes[self.qualname].first_line, side.outline.scopes[self.qualname].last_line),), self)


@dataclass(frozen=True, slots=True)
class _Half:
    """One side of a changed scope: its view, and what the prefilter and the parse planning need."""

    view: ScopeView
    side: _Side | None
    roots: tuple[ast.AST, ...]
    spans: tuple[tuple[int, int], ...]
    spec: _HalfSpec | None

    def reserve(self) -> None:
        """Count the scope's lines in its file's decision between a whole-file and a per-segment parse."""
        if self.side is not None:
            self.side.needed.update(self.spans)


_ABSENT_HALF = _Half(_ABSENT, None, (), (), None)


@dataclass(frozen=True, slots=True)
class _Loose:
    """A scope present on one side only, before cross-file pairing."""

    file: _File
    scope: ScopeOutline

    def half(self, side: _Side | None) -> _Half:
        assert side is not None
        spec = _HalfSpec(self.file.pair.path, self.scope.qualname, ())
        return _Half(side.view(self.scope), side, (self.scope.node,), ((self.scope.first_line, self.scope.last_line),), spec)


def _module_half(side: _Side, path: str, segments: list[int]) -> _Half:
    chosen = [side.outline.segments[i] for i in segments]
    roots = tuple(node for segment in chosen for node in segment.nodes)
    spec = _HalfSpec(path, MODULE_SCOPE, tuple(segments))
    return _Half(side.module_view(segments), side, roots, tuple((s.first_line, s.last_line) for s in chosen), spec)


@dataclass(frozen=True, slots=True)
class _Pair:
    file: _File
    qualname: str
    kind: str
    before_half: _Half
    after_half: _Half

    @property
    def before(self) -> ScopeView:
        return self.before_half.view

    @property
    def after(self) -> ScopeView:
        return self.after_half.view


def _module_pair(file: _File) -> list[_Pair]:
    """Top-level statements outside definitions, compared as a multiset: only the unmatched are parsed."""
    old = Counter(d for d, _ in file.before.outline.module_statements) if file.before else Counter()
    new = Counter(d for d, _ in file.after.outline.module_statements) if file.after else Counter()
    if old == new:
        return []
    gone = old - new
    came = new - old
    # A side that exists keeps a (possibly empty) view, so the scope reads as changed, not added or removed.
    path = file.pair.path
    before = _module_half(file.before, path, [i for d, i in file.before.outline.module_statements if gone[d]]) if file.before else _ABSENT_HALF
    after = _module_half(file.after, path, [i for d, i in file.after.outline.module_statements if came[d]]) if file.after else _ABSENT_HALF
    return [_Pair(file, MODULE_SCOPE, "module", before, after)]


def _pair_scopes(files: list[_File]) -> tuple[list[_Pair], frozenset[str]]:
    """Scopes matched by qualified name, then scopes moved or renamed across the change; also
    the names of functions the change really removes."""
    pairs: list[_Pair] = []
    removed: list[_Loose] = []
    added: list[_Loose] = []
    for file in files:
        if file.syntax_error is not None:
            continue
        old = file.before.outline.scopes if file.before else {}
        new = file.after.outline.scopes if file.after else {}
        for qualname in sorted(old.keys() | new.keys()):
            if qualname not in new:
                removed.append(_Loose(file, old[qualname]))
            elif qualname not in old:
                added.append(_Loose(file, new[qualname]))
            elif old[qualname].text_digest != new[qualname].text_digest:
                pairs.append(_Pair(file, qualname, new[qualname].kind, _Loose(file, old[qualname]).half(file.before), _Loose(file, new[qualname]).half(file.after)))
        pairs += _module_pair(file)
    intact = {(loose.scope.kind, loose.scope.body_digest()) for loose in removed}
    moved_intact = {(loose.scope.kind, loose.scope.body_digest()) for loose in added} & intact
    removed = [loose for loose in removed if (loose.scope.kind, loose.scope.body_digest()) not in moved_intact]
    added = [loose for loose in added if (loose.scope.kind, loose.scope.body_digest()) not in moved_intact]
    by_name = Counter((loose.scope.kind, loose.scope.name) for loose in removed)
    removed_by_name = {(loose.scope.kind, loose.scope.name): loose for loose in removed if by_name[(loose.scope.kind, loose.scope.name)] == 1}
    moved: set[int] = set()
    for loose in added:
        twin = removed_by_name.pop((loose.scope.kind, loose.scope.name), None)
        if twin is None:
            pairs.append(_Pair(loose.file, loose.scope.qualname, loose.scope.kind, _ABSENT_HALF, loose.half(loose.file.after)))
        else:
            moved.add(id(twin))
            pairs.append(_Pair(loose.file, loose.scope.qualname, loose.scope.kind, twin.half(twin.file.before), loose.half(loose.file.after)))
    gone = [loose for loose in removed if id(loose) not in moved]
    pairs += [_Pair(loose.file, loose.scope.qualname, loose.scope.kind, loose.half(loose.file.before), _ABSENT_HALF) for loose in gone]
    return pairs, frozenset(loose.scope.name for loose in gone if loose.scope.kind == "function")


def _called_by_changed_tests(files: list[_File]) -> frozenset[str]:
    """Names called (`f(...)`, `obj.f(...)`) by test functions that the change adds or edits."""
    names: set[str] = set()
    for file in files:
        if not file.is_test_file or file.after is None:
            continue
        old = file.before.outline.scopes if file.before else {}
        for qualname, scope in file.after.outline.scopes.items():
            if scope.kind != "function" or not scope.name.startswith("test"):
                continue
            if qualname in old and old[qualname].text_digest == scope.text_digest:
                continue
            for node in ast.walk(scope.node):
                if isinstance(node, ast.Call) and isinstance(node.func, ast.Name):
                    names.add(node.func.id)
                elif isinstance(node, ast.Call) and isinstance(node.func, ast.Attribute):
                    names.add(node.func.attr)
    return frozenset(names)


def _side_pair(file: _File) -> SidePair:
    return SidePair(
        file.pair.path,
        None if file.before is None else file.before.outline,
        None if file.after is None else file.after.outline,
    )


def _apply_config(findings: list[Finding], config: Config) -> tuple[Finding, ...]:
    kept = []
    for finding in findings:
        if finding_selected(config.ignored_here(finding.path), finding):
            continue
        override = severity_override(config, finding)
        kept.append(finding if override is None else dataclasses.replace(finding, severity=override))
    return tuple(sorted(kept, key=lambda f: (f.path, f.line, f.rule)))


@dataclass(frozen=True, slots=True)
class _Plan:
    """A changed scope and the scope rules the prefilter lets run on it, in the rule set's order."""

    pair: _Pair
    rules: tuple[ScopeRule, ...]

    @property
    def prefiltered(self) -> bool:
        """Whether the prefilter ruled out every rule that declares its triggers."""
        return all(rule.ast_triggers is None for rule in self.rules)


def _plan(pairs: list[_Pair], rules: Sequence[ScopeRule]) -> list[_Plan]:
    """Which rules to run on which scope; the scopes some declared rule may fire on are counted
    in their files' parse planning (a scope only undeclared rules look at is parsed per segment)."""
    triggers = trigger_types(rule.ast_triggers for rule in rules)
    plans = []
    for pair in pairs:
        scope_filter = ScopeFilter.of(pair.before_half.roots, pair.after_half.roots, triggers)
        plan = _Plan(pair, tuple(rule for rule in rules if scope_filter.may_fire(rule.ast_triggers)))
        if not plan.prefiltered:
            pair.before_half.reserve()
            pair.after_half.reserve()
        plans.append(plan)
    return plans


def _check_file(file: _File, plans: list[_Plan], facts: ChangeFacts, file_rules: Sequence[FileRule]) -> tuple[list[Finding], str | None]:
    """The file's findings, or why libcst refused it."""
    findings: list[Finding] = []
    diff = file.diff()
    try:
        for rule in file_rules:
            findings.extend(rule.check(diff))
        for plan in plans:
            pair = plan.pair
            scope = ScopeDiff(file.pair.path, pair.qualname, pair.kind, pair.before, pair.after, file.is_test_file, file.line_map, facts)
            for scope_rule in plan.rules:
                findings.extend(scope_rule.check(scope))
    except cst.ParserSyntaxError as exc:  # Per-file boundary: libcst refusing what `ast` accepted.
        return [], f"libcst cannot parse it: {exc.message}"
    return findings, None


@dataclass(frozen=True, slots=True)
class _PairSpec:
    """A planned pair, for rebuilding it in a worker: the scope rules to run are indices into the chunk's."""

    path: str
    qualname: str
    kind: str
    before: _HalfSpec | None
    after: _HalfSpec | None
    rules: tuple[int, ...]


@dataclass(frozen=True, slots=True)
class _Chunk:
    """A share of the files to check in a worker process; everything in it pickles (no libcst trees)."""

    files: tuple[FilePair, ...]  # the files to check, then those their moved scopes come from
    checked: tuple[str, ...]
    pairs: tuple[_PairSpec, ...]
    reading: _Reading
    scope_rules: tuple[ScopeRule, ...]
    file_rules: tuple[FileRule, ...]
    facts: ChangeFacts


def _check_chunk(chunk: _Chunk) -> list[tuple[list[Finding], str | None]]:
    """In a worker: the files are prepared again from their bytes, the pairs rebuilt, then checked as in `check`."""
    files = {pair.path: _prepare(pair, chunk.reading) for pair in chunk.files}

    def half(spec: _HalfSpec | None, before: bool) -> _Half:
        if spec is None:
            return _ABSENT_HALF
        side = files[spec.path].before if before else files[spec.path].after
        assert side is not None
        return spec.half(side)

    plans = [
        _Plan(_Pair(files[s.path], s.qualname, s.kind, half(s.before, True), half(s.after, False)), tuple(chunk.scope_rules[i] for i in s.rules))
        for s in chunk.pairs
    ]
    for plan in plans:
        if not plan.prefiltered:
            plan.pair.before_half.reserve()
            plan.pair.after_half.reserve()
    return [_check_file(files[path], [plan for plan in plans if plan.pair.file.pair.path == path], chunk.facts, chunk.file_rules) for path in chunk.checked]


def _chunks(files: list[_File], plans: list[_Plan], reading: _Reading, rules: RuleSet, facts: ChangeFacts) -> list[_Chunk]:
    """The files split in `_WORKERS` shares of about equal size, each checked in file order."""
    loads = [0] * _WORKERS
    shares: list[set[int]] = [set() for _ in range(_WORKERS)]
    for index in sorted(range(len(files)), key=lambda i: -len(files[i].before_text) - len(files[i].after_text)):
        lightest = loads.index(min(loads))
        shares[lightest].add(index)
        loads[lightest] += len(files[index].before_text) + len(files[index].after_text)
    scope_rules = tuple(rules.scope_rules)
    position = {id(rule): i for i, rule in enumerate(scope_rules)}
    by_path = {file.pair.path: file for file in files}
    chunks = []
    for share in shares:
        checked = [files[i] for i in sorted(share)]
        paths = {file.pair.path for file in checked}
        specs = [
            _PairSpec(plan.pair.file.pair.path, plan.pair.qualname, plan.pair.kind, plan.pair.before_half.spec, plan.pair.after_half.spec, tuple(position[id(r)] for r in plan.rules))
            for plan in plans
            if plan.pair.file.pair.path in paths
        ]
        needed = dict.fromkeys([*(f.pair.path for f in checked), *(h.path for s in specs for h in (s.before, s.after) if h is not None)])
        chunks.append(_Chunk(tuple(by_path[p].pair for p in needed), tuple(f.pair.path for f in checked), tuple(specs), reading, scope_rules, tuple(rules.file_rules), facts))
    return chunks


def _changed_source(file: _File) -> ChangedSource:
    return ChangedSource(
        file.pair.path,
        None if file.pair.before is None else file.before_text,
        None if file.pair.after is None else file.after_text,
        {} if file.after is None else file.after.outline.scopes,
    )


def check(change: Change, config: Config, rules: RuleSet, tree: SourceTree = NO_TREE, cache_dir: Path | None = None) -> Report:
    """Score `change` with the `rules` that `config` selects; `tree` is the after side's whole
    repository for duplication (by default only the change is known), `cache_dir` where its index
    is cached (by default nothing is written). Raises `ConfigError` for selectors
    that name no rule."""
    started = time.perf_counter()
    active = rules.configured(config)
    statuses: list[FileStatus] = []
    files: list[_File] = []
    reading = _Reading(config.max_file_bytes, frozenset(pair.path for pair in change.files if config.is_test_file(pair.path)))
    for pair in change.files:
        if config.is_excluded(pair.path):
            continue
        try:
            file = _prepare(pair, reading)
        except SkippedFile as exc:  # Per-file boundary: an unreadable file becomes a notice, not a crash.
            statuses.append(FileStatus(pair.path, "skipped", 0, 0, reason=str(exc)))
            continue
        files.append(file)
        statuses.append(file.status())
    pairs, removed_functions = _pair_scopes(files)
    facts = ChangeFacts(removed_functions, _called_by_changed_tests(files), CallGraphSource(change, tree, cache_dir))
    plans = _plan(pairs, active.scope_rules)
    parallel = len(files) >= PARALLEL_FILES
    with ExitStack() as stack:
        if parallel:
            # Built here once: the workers receive it with the facts instead of each building it.
            _ = facts.calls.graph
            pool = stack.enter_context(ProcessPoolExecutor(max_workers=_WORKERS))
            pending = [(chunk, pool.submit(_check_chunk, chunk)) for chunk in _chunks(files, plans, reading, active, facts)]
        else:
            pending = []
        # The repository-wide analyses stay here; with a pool, they run while the workers check the files.
        complexity_findings, complexity = run_complexity([_side_pair(f) for f in files if f.syntax_error is None], active.rules, config.complexity)
        duplication_findings, duplication = run_duplication([_changed_source(f) for f in files], tree, active.rules, config, cache_dir)
        results = {path: result for chunk, future in pending for path, result in zip(chunk.checked, future.result(), strict=True)}
    findings: list[Finding] = []
    for file in files:
        path = file.pair.path
        found, refused = results[path] if parallel else _check_file(file, [plan for plan in plans if plan.pair.file is file], facts, active.file_rules)
        findings.extend(found)
        if refused is not None:
            statuses = [s if s.path != path else FileStatus(s.path, "skipped", 0, 0, refused) for s in statuses]
    findings.extend(complexity_findings)
    findings.extend(duplication_findings)
    for composite in active.composite_rules:
        findings.extend(composite.check(list(findings)))
    metrics = {
        "files_changed": len(change.files),
        "files_analysed": sum(1 for s in statuses if s.state == "analysed"),
        "scopes_analysed": len(pairs),
        "scopes_prefiltered": sum(1 for plan in plans if plan.prefiltered),
        "added_lines": sum(s.added_lines for s in statuses),
        "removed_lines": sum(s.removed_lines for s in statuses),
        "old_side_unparsable": [f.pair.path for f in files if f.before_syntax_error is not None],
        "complexity": complexity,
        "duplication": duplication,
        "duration_ms": round((time.perf_counter() - started) * 1000, 1),
    }
    return judge(_apply_config(findings, config), tuple(sorted(statuses, key=lambda s: s.path)), metrics, config)
