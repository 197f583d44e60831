"""Checking a large change in a pool of processes: the files are shared out in chunks that pickle
(file bytes, pair descriptions, rules, facts; never libcst trees), each worker prepares its files
again and checks them as `check` would; the complexity metrics are measured in a worker too.
"""

from __future__ import annotations

from dataclasses import dataclass

from guards.analysis import ABSENT_HALF, Half, HalfSpec, Plan, Reading, ScopePair, SourceFile, check_file, prepare
from guards.change import FilePair
from guards.findings import Finding
from guards.metrics import SidePair, run_complexity
from guards.metrics.limits import ComplexityLimits
from guards.outline import Outline
from guards.registry import RuleSet
from guards.rules.base import FileRule, Rule, ScopeRule
from guards.scope import ChangeFacts

# A change with this many files is checked in a pool of `WORKERS` processes; a smaller one is not
# worth the pool's start-up and the pickling.
PARALLEL_FILES = 40
WORKERS = 2
# More shares than workers: the worker that measures complexity takes the last ones when it is done.
_CHUNKS = 3 * WORKERS


@dataclass(frozen=True, slots=True)
class _PairSpec:
    """A planned pair, for rebuilding it in a worker: the scope rules to run are indices into the chunk's."""

    path: str
    qualname: str
    kind: str
    before: HalfSpec | None
    after: HalfSpec | None
    rules: tuple[int, ...]


@dataclass(frozen=True, slots=True)
class _Chunk:
    """A share of the files to check in a worker process; everything in it pickles (no libcst trees)."""

    files: tuple[FilePair, ...]  # the files to check, then those their moved scopes come from
    checked: tuple[str, ...]
    pairs: tuple[_PairSpec, ...]
    reading: Reading
    scope_rules: tuple[ScopeRule, ...]
    file_rules: tuple[FileRule, ...]
    facts: ChangeFacts


def check_chunk(chunk: _Chunk) -> list[tuple[list[Finding], str | None]]:
    """In a worker: the files are prepared again from their bytes, the pairs rebuilt, then checked as in `check`."""
    files = {pair.path: prepare(pair, chunk.reading) for pair in chunk.files}

    def half(spec: HalfSpec | None, before: bool) -> Half:
        if spec is None:
            return ABSENT_HALF
        side = files[spec.path].before if before else files[spec.path].after
        assert side is not None
        return spec.half(side)

    plans = [
        Plan(ScopePair(files[s.path], s.qualname, s.kind, half(s.before, True), half(s.after, False)), tuple(chunk.scope_rules[i] for i in s.rules))
        for s in chunk.pairs
    ]
    for plan in plans:
        if not plan.prefiltered:
            plan.pair.before_half.reserve()
            plan.pair.after_half.reserve()
    return [check_file(files[path], [plan for plan in plans if plan.pair.file.pair.path == path], chunk.facts, chunk.file_rules) for path in chunk.checked]


def _shares(files: list[SourceFile]) -> list[list[SourceFile]]:
    """The files in `_CHUNKS` shares of about equal size (largest first, each to the lightest share),
    each share in the change's order."""
    size = {file.pair.path: len(file.before_text) + len(file.after_text) for file in files}
    loads = [0] * _CHUNKS
    shares: list[set[str]] = [set() for _ in range(_CHUNKS)]
    for file in sorted(files, key=lambda f: -size[f.pair.path]):
        lightest = loads.index(min(loads))
        shares[lightest].add(file.pair.path)
        loads[lightest] += size[file.pair.path]
    return [[file for file in files if file.pair.path in share] for share in shares]


def _spec(plan: Plan, position: dict[int, int]) -> _PairSpec:
    pair = plan.pair
    return _PairSpec(pair.file.pair.path, pair.qualname, pair.kind, pair.before_half.spec, pair.after_half.spec, tuple(position[id(r)] for r in plan.rules))


def _needed(paths: list[str], specs: list[_PairSpec]) -> list[str]:
    """The chunk's files, then those its moved scopes come from."""
    halves = [half for spec in specs for half in (spec.before, spec.after) if half is not None]
    return list(dict.fromkeys([*paths, *(half.path for half in halves)]))


def chunks(files: list[SourceFile], plans: list[Plan], reading: Reading, rules: RuleSet, facts: ChangeFacts) -> list[_Chunk]:
    """The work of the pool, in `_CHUNKS` chunks: more chunks than workers, so that the worker that
    measures complexity takes the last ones when it is done."""
    scope_rules = tuple(rules.scope_rules)
    position = {id(rule): i for i, rule in enumerate(scope_rules)}
    by_path = {file.pair.path: file for file in files}
    found = []
    for share in _shares(files):
        paths = [file.pair.path for file in share]
        specs = [_spec(plan, position) for plan in plans if plan.pair.file.pair.path in set(paths)]
        found.append(_Chunk(tuple(by_path[path].pair for path in _needed(paths, specs)), tuple(paths), tuple(specs), reading, scope_rules, tuple(rules.file_rules), facts))
    return found


@dataclass(frozen=True, slots=True)
class Measured:
    """A file for the complexity metrics: the texts of its sides that parsed (picklable, unlike outlines)."""

    path: str
    before: str | None
    after: str | None

    @classmethod
    def of(cls, file: SourceFile) -> Measured:
        return cls(file.pair.path, None if file.before is None else file.before.text, None if file.after is None else file.after.text)

    def side_pair(self) -> SidePair:
        return SidePair(self.path, None if self.before is None else Outline.parse(self.before), None if self.after is None else Outline.parse(self.after))


def measure_complexity(files: list[Measured], rules: tuple[Rule, ...], limits: ComplexityLimits) -> tuple[list[Finding], dict[str, object]]:
    return run_complexity([file.side_pair() for file in files], rules, limits)
