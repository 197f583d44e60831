"""Checking a large change in a pool of forked processes.

The workers are forked once the files are read, outlined and planned: they inherit all of it in
memory (`initializer`/`initargs` are not pickled by a forked pool), so nothing is parsed twice and
only findings travel back. One worker starts on the complexity metrics (radon), the costliest
whole-change analysis; the files are shared out in more chunks than workers, so that the other
worker takes more of them.
"""

from __future__ import annotations

import gc
import multiprocessing
from collections.abc import Sequence
from concurrent.futures import Future, ProcessPoolExecutor
from dataclasses import dataclass

from guards.analysis import Plan, SourceFile, check_file
from guards.findings import Finding
from guards.metrics import SidePair, run_complexity
from guards.metrics.limits import ComplexityLimits
from guards.rules.base import FileRule, Rule
from guards.scope import ChangeFacts

# A change with this many files is checked in a pool of `WORKERS` processes; a smaller one is not
# worth the forks.
PARALLEL_FILES = 40
WORKERS = 2
_CHUNKS = 3 * WORKERS

FileResult = tuple[list[Finding], str | None]


@dataclass(frozen=True, slots=True)
class Work:
    """Everything the workers inherit from the parent at the fork."""

    files: Sequence[SourceFile]
    plans: Sequence[Plan]
    facts: ChangeFacts
    file_rules: Sequence[FileRule]
    rules: tuple[Rule, ...]
    limits: ComplexityLimits
    side_pairs: Sequence[SidePair]


_inherited: list[Work] = []


def _inherit(work: Work) -> None:
    """In each worker, at its start: keep what the fork handed over; the collector stays off, as
    in the parent's check."""
    gc.disable()
    _inherited.append(work)


def _check_files(indices: list[int]) -> list[FileResult]:
    (work,) = _inherited
    files = [work.files[i] for i in indices]
    return [check_file(file, [plan for plan in work.plans if plan.pair.file is file], work.facts, work.file_rules) for file in files]


def _measure() -> tuple[list[Finding], dict[str, object]]:
    (work,) = _inherited
    return run_complexity(work.side_pairs, work.rules, work.limits)


def _shares(files: Sequence[SourceFile]) -> list[list[int]]:
    """The files' indices in `_CHUNKS` shares of about equal size (largest first, each to the
    lightest share), each share in the change's order."""
    size = [len(file.before_text) + len(file.after_text) for file in files]
    loads = [0] * _CHUNKS
    shares: list[list[int]] = [[] for _ in range(_CHUNKS)]
    for index in sorted(range(len(files)), key=lambda i: -size[i]):
        lightest = loads.index(min(loads))
        shares[lightest].append(index)
        loads[lightest] += size[index]
    return [sorted(share) for share in shares if share]


@dataclass(frozen=True, slots=True)
class Pending:
    """The pool's results as they come in."""

    files: list[tuple[list[int], Future[list[FileResult]]]]
    complexity: Future[tuple[list[Finding], dict[str, object]]]

    def per_file(self, work: Work) -> dict[str, FileResult]:
        return {work.files[i].pair.path: result for indices, future in self.files for i, result in zip(indices, future.result(), strict=True)}


def forked_pool(work: Work) -> ProcessPoolExecutor:
    """A pool whose workers inherit `work`. Forking is what makes them cheap: the platforms the
    guard runs on (Linux, macOS) have it."""
    return ProcessPoolExecutor(max_workers=WORKERS, mp_context=multiprocessing.get_context("fork"), initializer=_inherit, initargs=(work,))


def submit(pool: ProcessPoolExecutor, work: Work) -> Pending:
    complexity = pool.submit(_measure)
    return Pending([(share, pool.submit(_check_files, share)) for share in _shares(work.files)], complexity)
