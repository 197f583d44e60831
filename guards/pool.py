"""Checking a large change in forked worker processes, each owning a share of the files.

Each worker is a pool of one process, forked with the check's decoded files in memory
(`initializer`/`initargs` are not pickled by a forked pool), so that the second round of a share
(`guards.share`) runs in the process that holds its outlines from the first. The shares are cut
by size: outlining and checking cost about in proportion to the text.
"""

from __future__ import annotations

import gc
import multiprocessing
from collections.abc import Callable, Iterator, Sequence
from concurrent.futures import ProcessPoolExecutor
from contextlib import ExitStack, contextmanager
from dataclasses import dataclass

from guards.cpus import worker_count
from guards.share import Checked, Decided, Inputs, Outlined, Share

# A change with this many files is checked in worker processes (one per usable CPU, see
# `guards.cpus`); a smaller one is not worth the forks.
PARALLEL_FILES = 40

_inherited: list[Inputs] = []
_owned: list[Share] = []


def _inherit(inputs: Inputs) -> None:
    """In each worker, at its start: keep what the fork handed over; the collector stays off, as
    in the parent's check."""
    gc.disable()
    _inherited.append(inputs)


def _summarise(indices: list[int]) -> Outlined:
    (inputs,) = _inherited
    share = Share(inputs, indices)
    _owned.append(share)
    return share.summarise()


def _check(decided: Decided) -> Checked:
    (share,) = _owned
    return share.check(decided)


def shares(size: Sequence[int], count: int) -> list[list[int]]:
    """The indices of files of these sizes in `count` shares of about equal size (largest first,
    each to the lightest share), each share in the change's order."""
    loads = [0] * count
    cut: list[list[int]] = [[] for _ in range(count)]
    for index in sorted(range(len(size)), key=lambda i: -size[i]):
        lightest = loads.index(min(loads))
        cut[lightest].append(index)
        loads[lightest] += size[index]
    return [sorted(share) for share in cut if share]


@dataclass(frozen=True, slots=True)
class InProcess:
    """A small change: one share, in the check's own process."""

    share: Share
    shares: tuple[list[int], ...]

    def summarise(self) -> list[Outlined]:
        return [self.share.summarise()]

    def check(self, decided: Sequence[Decided]) -> Callable[[], list[Checked]]:
        (only,) = decided
        checked = self.share.check(only)
        return lambda: [checked]


@dataclass(frozen=True, slots=True)
class Workers:
    """One forked process per share, in share order."""

    pools: tuple[ProcessPoolExecutor, ...]
    shares: tuple[list[int], ...]

    def summarise(self) -> list[Outlined]:
        futures = [pool.submit(_summarise, share) for pool, share in zip(self.pools, self.shares, strict=True)]
        return [future.result() for future in futures]

    def check(self, decided: Sequence[Decided]) -> Callable[[], list[Checked]]:
        """Starts the second round; the returned function waits for it."""
        futures = [pool.submit(_check, each) for pool, each in zip(self.pools, decided, strict=True)]
        return lambda: [future.result() for future in futures]


@contextmanager
def share_out(inputs: Inputs) -> Iterator[InProcess | Workers]:
    """The shares of the check's files, in forked workers when the change is large. Forking is
    what makes the workers cheap: the platforms the guard runs on (Linux, macOS) have it."""
    workers = worker_count()
    if len(inputs.files) < PARALLEL_FILES or workers == 1:
        every = list(range(len(inputs.files)))
        yield InProcess(Share(inputs, every), (every,))
        return
    cut = shares([len(file.before_text) + len(file.after_text) for file in inputs.files], workers)
    context = multiprocessing.get_context("fork")
    with ExitStack() as stack:
        pools = [stack.enter_context(ProcessPoolExecutor(1, mp_context=context, initializer=_inherit, initargs=(inputs,))) for _ in cut]
        yield Workers(tuple(pools), tuple(cut))
