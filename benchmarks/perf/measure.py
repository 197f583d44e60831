"""Run a command as a child process and record its wall time and peak memory."""

from __future__ import annotations

import os
import statistics
import subprocess
import tempfile
import time
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from pathlib import Path


class CommandFailed(Exception):
    """A measured command exited with a status that means it did not do its job."""


@dataclass(frozen=True, slots=True)
class Sample:
    seconds: float
    cpu_seconds: float
    max_rss_mb: float
    returncode: int
    stdout: str


@dataclass(frozen=True, slots=True)
class Timing:
    """Several runs of one command: median wall and CPU time, and the highest peak memory."""

    samples: tuple[Sample, ...]

    def __post_init__(self) -> None:
        assert self.samples, "a timing needs at least one run"

    @property
    def median(self) -> float:
        return statistics.median(s.seconds for s in self.samples)

    @property
    def cpu_median(self) -> float:
        """User + system CPU time: less disturbed than wall time when the machine is busy."""
        return statistics.median(s.cpu_seconds for s in self.samples)

    @property
    def max_rss_mb(self) -> float:
        return max(s.max_rss_mb for s in self.samples)

    @property
    def runs(self) -> int:
        return len(self.samples)

    @property
    def last(self) -> Sample:
        return self.samples[-1]

    def per_round(self, other: Timing) -> list[float]:
        """Wall time over `other`'s, round by round (the rounds both ran): each ratio is taken
        within minutes, as the machine was then."""
        return [mine.seconds / theirs.seconds for mine, theirs in zip(self.samples, other.samples)]


def run_once(argv: Sequence[str], cwd: Path, ok: frozenset[int]) -> Sample:
    """Run `argv`; raises `CommandFailed` when its exit status is not in `ok`.

    `os.wait4` gives this child's own resource usage (`ru_maxrss`, KiB on Linux), unlike
    `RUSAGE_CHILDREN`, which is the maximum over every child the harness ever waited for.
    """
    # Output goes to a file, not a pipe: a pipe could fill up while we block in `wait4`.
    with open(os.devnull, "rb") as stdin, tempfile.TemporaryFile() as out:
        started = time.perf_counter()
        process = subprocess.Popen(list(argv), cwd=cwd, stdin=stdin, stdout=out, stderr=subprocess.STDOUT)
        _, status, usage = os.wait4(process.pid, 0)
        seconds = time.perf_counter() - started
        process.returncode = os.waitstatus_to_exitcode(status)
        out.seek(0)
        text = out.read().decode("utf-8", "replace")
    if process.returncode not in ok:
        raise CommandFailed(f"{' '.join(argv[:3])}… exited {process.returncode}:\n{text[-2000:]}")
    return Sample(seconds, usage.ru_utime + usage.ru_stime, usage.ru_maxrss / 1024, process.returncode, text)


@dataclass(frozen=True, slots=True)
class Command:
    """A command to time: run `before_each` (e.g. to clear a cache) ahead of every run."""

    argv: tuple[str, ...]
    cwd: Path
    ok: frozenset[int]
    before_each: Callable[[], None]
    runs: int


def interleaved(commands: Sequence[Command]) -> list[Timing]:
    """Every command's runs, taken round by round (each command once per round, in order) rather
    than all runs of one command and then the next: a machine that gets busier or quieter during
    the measurement then shifts every command alike, and the ratios between them hold."""
    samples: list[list[Sample]] = [[] for _ in commands]
    for round_ in range(max(command.runs for command in commands)):
        for command, taken in zip(commands, samples, strict=True):
            if round_ < command.runs:
                command.before_each()
                taken.append(run_once(command.argv, command.cwd, command.ok))
    return [Timing(tuple(taken)) for taken in samples]


def nothing() -> None:
    """`before_each` for runs that need no preparation."""

