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
from collections.abc import Callable, Sequence
from pathlib import Path

from guards.analysis import Decoded, Reading, decode
from guards.callgraph.index import CallGraphSource
from guards.change import Change
from guards.config import Config
from guards.decoding import SkippedFile
from guards.duplication import ChangedSource
from guards.duplication.run import run_duplication
from guards.findings import Finding
from guards.metrics.rule import complexity_rules, run_complexity
from guards.pool import share_out
from guards.registry import RuleSet, finding_selected, severity_override
from guards.report import FileStatus, Report, judge
from guards.rules.base import CompositeRule
from guards.share import Checked, FileResult, Inputs, Outlined, decide
from guards.tree import SourceTree

__all__ = ["analyse"]

# A whole-change analysis's findings and its metrics for the report.
Analysed = tuple[list[Finding], dict[str, object]]


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


def _run(inputs: Inputs, duplication: Callable[[list[Outlined]], Analysed]) -> tuple[list[Outlined], list[Checked], Analysed]:
    """The shares' two rounds, with `duplication` run here meanwhile."""
    with share_out(inputs) as shares:
        outlined = shares.summarise()
        waiting = shares.check(decide(outlined, shares.shares))
        copies = duplication(outlined)
        return outlined, waiting(), copies


def analyse(change: Change, config: Config, rules: RuleSet, tree: SourceTree, cache_dir: Path | None) -> Report:
    """The report on `change`, computed (see `guards.engine.check`, which caches it)."""
    started = time.perf_counter()
    active = rules.configured(config)
    files, statuses = _decode(change, config, Reading.of(change, config))
    measured_by = complexity_rules(active.rules)
    inputs = Inputs(files, CallGraphSource(change, tree, cache_dir), active.scope_rules, active.file_rules, bool(measured_by))
    outlined, checked, duplication = _run(inputs, lambda outlined: run_duplication(_changed_sources(files, outlined), tree, active.rules, config, cache_dir))
    per_file = _per_file(files, checked)
    complexity = run_complexity([file for share in checked for file in share.measured], measured_by, config.complexity)
    found = _findings([findings for findings, _ in per_file.values()] + [complexity[0], duplication[0]], active.composite_rules)
    checked_statuses = _statuses(statuses, per_file)
    metrics = {
        "files_changed": len(change.files),
        **_counts(checked_statuses, checked),
        "old_side_unparsable": _unparsable_before(files, outlined),
        "complexity": complexity[1],
        "duplication": duplication[1],
        "duration_ms": round((time.perf_counter() - started) * 1000, 1),
    }
    return judge(_apply_config(found, config), checked_statuses, metrics, config)


def _per_file(files: list[Decoded], checked: list[Checked]) -> dict[str, FileResult]:
    """Each file's findings (or why libcst refused it), in the change's order."""
    results = {index: result for share in checked for index, result in share.per_file.items()}
    return {file.pair.path: results[index] for index, file in enumerate(files)}


def _unparsable_before(files: list[Decoded], outlined: list[Outlined]) -> list[str]:
    return [files[index].pair.path for index in sorted(index for share in outlined for index in share.unparsable_before)]


def _findings(found: list[list[Finding]], composite_rules: Sequence[CompositeRule]) -> list[Finding]:
    """Every finding, those of the composite rules (which judge the others) last."""
    every = [finding for part in found for finding in part]
    for composite in composite_rules:
        every.extend(composite.check(list(every)))
    return every


def _statuses(read: list[FileStatus], per_file: dict[str, FileResult]) -> tuple[FileStatus, ...]:
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
