"""The analysis behind `guards.engine.check`: a change in, a report out.

Three passes. `ast` outlines every file and finds the scopes whose text changed, pairing scopes
moved or renamed across files (`guards.analysis`); libcst parses only the segments those scopes
sit in, when a rule first looks; then the rules run and the configuration shapes their findings
into a verdict. A large change is checked in a pool of processes (`guards.pool`).
"""

from __future__ import annotations

import ast
import dataclasses
import time
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path

from guards.analysis import Plan, Reading, SkippedFile, SourceFile, check_file, pair_scopes, plan_rules, prepare, read_source
from guards.callgraph.index import CallGraphSource
from guards.change import Change
from guards.config import Config
from guards.duplication import ChangedSource
from guards.duplication.run import run_duplication
from guards.findings import Finding
from guards.metrics import SidePair, run_complexity
from guards.outline import ScopeOutline
from guards.pool import PARALLEL_FILES, Work, forked_pool, submit
from guards.registry import RuleSet, finding_selected, severity_override
from guards.rules.base import CompositeRule
from guards.report import FileStatus, Report, judge
from guards.scope import ChangeFacts
from guards.tree import NO_TREE, SourceTree

__all__ = ["analyse"]


def _called_names(node: ast.AST) -> set[str]:
    """Names called in `node`: `f(...)` gives `f`, `obj.f(...)` gives `f`."""
    calls = [n.func for n in ast.walk(node) if isinstance(n, ast.Call)]
    return {f.id for f in calls if isinstance(f, ast.Name)} | {f.attr for f in calls if isinstance(f, ast.Attribute)}


def _changed_tests(file: SourceFile) -> list[ScopeOutline]:
    """The test functions of a test file that the change adds or edits."""
    assert file.after is not None
    old = file.before.outline.scopes if file.before else {}
    return [
        scope
        for qualname, scope in file.after.outline.scopes.items()
        if scope.kind == "function" and scope.name.startswith("test")
        and not (qualname in old and old[qualname].text_digest == scope.text_digest)
    ]  # fmt: skip


def _called_by_changed_tests(files: list[SourceFile]) -> frozenset[str]:
    """Names called by test functions that the change adds or edits."""
    tested = [file for file in files if file.is_test_file and file.after is not None]
    return frozenset(name for file in tested for scope in _changed_tests(file) for name in _called_names(scope.node))


def _side_pair(file: SourceFile) -> SidePair:
    return SidePair(file.pair.path, None if file.before is None else file.before.outline, None if file.after is None else file.after.outline)


def _apply_config(findings: list[Finding], config: Config) -> tuple[Finding, ...]:
    kept = []
    for finding in findings:
        if finding_selected(config.ignored_here(finding.path), finding):
            continue
        override = severity_override(config, finding)
        kept.append(finding if override is None else dataclasses.replace(finding, severity=override))
    return tuple(sorted(kept, key=lambda f: (f.path, f.line, f.rule)))


@dataclass(frozen=True, slots=True)
class _Context:
    """What every analysis of one check shares."""

    rules: RuleSet
    config: Config
    reading: Reading
    facts: ChangeFacts
    tree: SourceTree
    cache_dir: Path | None


@dataclass(frozen=True, slots=True)
class _Analysis:
    """Each file's findings (or why libcst refused it), and the whole-change analyses' findings and metrics."""

    per_file: dict[str, tuple[list[Finding], str | None]]
    complexity: tuple[list[Finding], dict[str, object]]
    duplication: tuple[list[Finding], dict[str, object]]

    def findings(self, composite_rules: Sequence[CompositeRule]) -> list[Finding]:
        """Every finding, those of the composite rules (which judge the others) last."""
        found = [finding for per_file, _ in self.per_file.values() for finding in per_file]
        found += self.complexity[0] + self.duplication[0]
        for composite in composite_rules:
            found.extend(composite.check(list(found)))
        return found

    def statuses(self, read: list[FileStatus]) -> tuple[FileStatus, ...]:
        """The files' statuses, with those libcst refused marked skipped, in path order."""
        refused = {path: reason for path, (_, reason) in self.per_file.items() if reason is not None}
        marked = [FileStatus(s.path, "skipped", 0, 0, refused[s.path]) if s.path in refused else s for s in read]
        return tuple(sorted(marked, key=lambda s: s.path))


def _duplication(files: list[SourceFile], context: _Context) -> tuple[list[Finding], dict[str, object]]:
    return run_duplication([_changed_source(f) for f in files], context.tree, context.rules.rules, context.config, context.cache_dir)


def _analyse_here(files: list[SourceFile], plans: list[Plan], context: _Context) -> _Analysis:
    per_file = {file.pair.path: check_file(file, [plan for plan in plans if plan.pair.file is file], context.facts, context.rules.file_rules) for file in files}
    complexity = run_complexity([_side_pair(f) for f in files if f.syntax_error is None], context.rules.rules, context.config.complexity)
    return _Analysis(per_file, complexity, _duplication(files, context))


def _analyse_in_pool(files: list[SourceFile], plans: list[Plan], context: _Context) -> _Analysis:
    side_pairs = [_side_pair(f) for f in files if f.syntax_error is None]
    work = Work(files, plans, context.facts, context.rules.file_rules, context.rules.rules, context.config.complexity, side_pairs)
    with forked_pool(work) as pool:
        pending = submit(pool, work)
        # The duplication index is built here while the workers check the files.
        duplication = _duplication(files, context)
        return _Analysis(pending.per_file(work), pending.complexity.result(), duplication)


def _changed_source(file: SourceFile) -> ChangedSource:
    return ChangedSource(
        file.pair.path,
        None if file.pair.before is None else file.before_text,
        None if file.pair.after is None else file.after_text,
        {} if file.after is None else file.after.outline.scopes,
    )


def _read(change: Change, config: Config, reading: Reading) -> tuple[list[SourceFile], list[FileStatus]]:
    """The change's files that are not excluded, read and outlined, and every file's status."""
    files: list[SourceFile] = []
    statuses: list[FileStatus] = []
    for pair in change.files:
        if config.is_excluded(pair.path):
            continue
        try:
            file = prepare(pair, reading)
        except SkippedFile as exc:  # Per-file boundary: an unreadable file becomes a notice, not a crash.
            statuses.append(FileStatus(pair.path, "skipped", 0, 0, reason=str(exc)))
            continue
        files.append(file)
        statuses.append(file.status())
    return files, statuses


def analyse(change: Change, config: Config, rules: RuleSet, tree: SourceTree, cache_dir: Path | None) -> Report:
    """The report on `change`, computed (see `guards.engine.check`, which caches it)."""
    started = time.perf_counter()
    active = rules.configured(config)
    reading = Reading(config.max_file_bytes, frozenset(pair.path for pair in change.files if config.is_test_file(pair.path)))
    files, statuses = _read(change, config, reading)
    pairs, removed_functions = pair_scopes(files)
    facts = ChangeFacts(removed_functions, _called_by_changed_tests(files), CallGraphSource(change, tree, cache_dir))
    plans = plan_rules(pairs, active.scope_rules)
    context = _Context(active, config, reading, facts, tree, cache_dir)
    analysis = _analyse_in_pool(files, plans, context) if len(files) >= PARALLEL_FILES else _analyse_here(files, plans, context)
    checked = analysis.statuses(statuses)
    metrics = {
        "files_changed": len(change.files),
        **_counts(checked, plans, files),
        "complexity": analysis.complexity[1],
        "duplication": analysis.duplication[1],
        "duration_ms": round((time.perf_counter() - started) * 1000, 1),
    }
    return judge(_apply_config(analysis.findings(active.composite_rules), config), checked, metrics, config)


def _counts(checked: tuple[FileStatus, ...], plans: list[Plan], files: list[SourceFile]) -> dict[str, object]:
    return {
        "files_analysed": sum(1 for s in checked if s.state == "analysed"),
        "scopes_analysed": len(plans),
        "scopes_prefiltered": sum(1 for plan in plans if plan.prefiltered),
        "added_lines": sum(s.added_lines for s in checked),
        "removed_lines": sum(s.removed_lines for s in checked),
        "old_side_unparsable": [f.pair.path for f in files if f.before_syntax_error is not None],
    }
