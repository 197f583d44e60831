"""The analysis behind `guards.engine.check`: a change in, a report out.

The files are decoded here, then shared out (`guards.pool`: one share in this process, or one per
worker for a large change) and checked in two rounds (`guards.share`): `ast` outlines each file
and pairs its scopes by name; here the scopes found on one side only are paired across the change
(`guards.moves`); then each share runs the rules, libcst parsing only the segments the changed
scopes sit in when a rule first looks. Duplication against the whole tree runs here meanwhile.
The configuration shapes the findings into a verdict.
"""

from __future__ import annotations

import dataclasses
import time
from pathlib import Path

from guards.analysis import Decoded, Reading, SkippedFile, decode
from guards.callgraph.index import CallGraphSource
from guards.change import Change
from guards.config import Config
from guards.duplication import ChangedSource
from guards.duplication.run import run_duplication
from guards.findings import Finding
from guards.metrics.rule import complexity_rules, run_complexity
from guards.moves import pair_moves
from guards.pool import share_out
from guards.registry import RuleSet, finding_selected, severity_override
from guards.report import FileStatus, Report, judge
from guards.share import Checked, Decided, Inputs, Outlined
from guards.tree import SourceTree

__all__ = ["analyse"]


def _apply_config(findings: list[Finding], config: Config) -> tuple[Finding, ...]:
    kept = []
    for finding in findings:
        if finding_selected(config.ignored_here(finding.path), finding):
            continue
        override = severity_override(config, finding)
        kept.append(finding if override is None else dataclasses.replace(finding, severity=override))
    return tuple(sorted(kept, key=lambda f: (f.path, f.line, f.rule)))


def _decode(change: Change, config: Config, reading: Reading) -> tuple[list[Decoded], list[FileStatus]]:
    """The change's files that are not excluded, decoded, and every file's status."""
    files: list[Decoded] = []
    statuses: list[FileStatus] = []
    for pair in change.files:
        if config.is_excluded(pair.path):
            continue
        try:
            file = decode(pair, reading)
        except SkippedFile as exc:  # Per-file boundary: an unreadable file becomes a notice, not a crash.
            statuses.append(FileStatus(pair.path, "skipped", 0, 0, reason=str(exc)))
            continue
        files.append(file)
        statuses.append(file.status())
    return files, statuses


def _decide(outlined: list[Outlined], shares: tuple[list[int], ...]) -> list[Decided]:
    """The loose scopes of every share paired across the change, and each share's part of it."""
    removed = sorted((loose for share in outlined for loose in share.removed), key=lambda loose: loose.file)
    added = sorted((loose for share in outlined for loose in share.added), key=lambda loose: loose.file)
    moves, removed_functions = pair_moves(removed, added)
    called = frozenset(name for share in outlined for name in share.called_by_changed_tests)
    owner = {index: number for number, share in enumerate(shares) for index in share}
    return [Decided(tuple(move for move in moves if owner[move.file] == number), removed_functions, called) for number in range(len(shares))]


def _changed_sources(files: list[Decoded], outlined: list[Outlined]) -> list[ChangedSource]:
    scopes = {index: spans for share in outlined for index, spans in share.after_scopes.items()}
    return [
        ChangedSource(
            file.pair.path,
            None if file.pair.before is None else file.before_text,
            None if file.pair.after is None else file.after_text,
            scopes[index] if index in scopes else {},
        )
        for index, file in enumerate(files)
    ]


def analyse(change: Change, config: Config, rules: RuleSet, tree: SourceTree, cache_dir: Path | None) -> Report:
    """The report on `change`, computed (see `guards.engine.check`, which caches it)."""
    started = time.perf_counter()
    active = rules.configured(config)
    reading = Reading(config.max_file_bytes, frozenset(pair.path for pair in change.files if config.is_test_file(pair.path)))
    files, statuses = _decode(change, config, reading)
    measured_by = complexity_rules(active.rules)
    inputs = Inputs(files, CallGraphSource(change, tree, cache_dir), active.scope_rules, active.file_rules, bool(measured_by))
    with share_out(inputs) as shares:
        outlined = shares.summarise()
        waiting = shares.check(_decide(outlined, shares.shares))
        # Duplication runs here while the shares are checked.
        duplication = run_duplication(_changed_sources(files, outlined), tree, active.rules, config, cache_dir)
        checked = waiting()
    per_file = {files[index].pair.path: result for share in checked for index, result in share.per_file.items()}
    complexity = run_complexity([file for share in checked for file in share.measured], measured_by, config.complexity)
    found = [finding for file in files for finding in per_file[file.pair.path][0]] + complexity[0] + duplication[0]
    for composite in active.composite_rules:
        found.extend(composite.check(list(found)))
    checked_statuses = _statuses(statuses, per_file)
    unparsable = sorted(index for share in outlined for index in share.unparsable_before)
    metrics = {
        "files_changed": len(change.files),
        **_counts(checked_statuses, checked),
        "old_side_unparsable": [files[index].pair.path for index in unparsable],
        "complexity": complexity[1],
        "duplication": duplication[1],
        "duration_ms": round((time.perf_counter() - started) * 1000, 1),
    }
    return judge(_apply_config(found, config), checked_statuses, metrics, config)


def _statuses(read: list[FileStatus], per_file: dict[str, tuple[list[Finding], str | None]]) -> tuple[FileStatus, ...]:
    """The files' statuses, with those libcst refused marked skipped, in path order."""
    refused = {path: reason for path, (_, reason) in per_file.items() if reason is not None}
    marked = [FileStatus(s.path, "skipped", 0, 0, refused[s.path]) if s.path in refused else s for s in read]
    return tuple(sorted(marked, key=lambda s: s.path))


def _counts(checked: tuple[FileStatus, ...], shares: list[Checked]) -> dict[str, object]:
    return {
        "files_analysed": sum(1 for s in checked if s.state == "analysed"),
        "scopes_analysed": sum(share.scopes_analysed for share in shares),
        "scopes_prefiltered": sum(share.scopes_prefiltered for share in shares),
        "added_lines": sum(s.added_lines for s in checked),
        "removed_lines": sum(s.removed_lines for s in checked),
    }
