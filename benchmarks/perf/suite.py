"""What is measured: the guard (cold and warm index cache), its peers on the same changed files,
and a one-file change in the large tree."""

from __future__ import annotations

import json
import os
import shutil
import subprocess
import sys
from collections import Counter
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

from benchmarks.perf.corpus import Corpus
from benchmarks.perf.measure import Command, Timing, interleaved, nothing, run_once

PEERS = ("radon", "ruff", "pylint")
RUFF_RULES = "BLE,S110,SIM105,TRY"
# `ratchet check` exits 1 on reject, which Django's diff is; pylint sets bit 8 for refactor messages.
GUARD_OK = frozenset({0, 1})
PYLINT_OK = frozenset({0, 8})


@dataclass(frozen=True, slots=True)
class Settings:
    runs: int
    pylint_runs: int
    peer_bin: Path
    ratchet: Path


@dataclass(frozen=True, slots=True)
class Robustness:
    """What the last cold guard run reported about the whole diff."""

    verdict: str
    files: Counter[str]
    skipped: tuple[tuple[str, str], ...]
    categories: Counter[str]

    @classmethod
    def of(cls, report_json: str) -> Robustness:
        report = json.loads(report_json)
        skipped = tuple((f["path"], f["reason"]) for f in report["files"] if f["state"] == "skipped")
        return cls(report["verdict"], Counter(f["state"] for f in report["files"]), skipped, Counter(f["category"] for f in report["findings"]))


@dataclass(frozen=True, slots=True)
class Results:
    corpus: Corpus
    peers: dict[str, Timing | None]
    guard_cold: Timing
    guard_warm: Timing
    # Warm indexes (duplication, call graph) but the report recomputed: what a re-check costs when
    # the change differs, e.g. in the next iteration of the loop.
    guard_reanalysed: Timing
    one_file_cold: Timing
    one_file_warm: Timing
    robustness: Robustness
    versions: dict[str, str]
    # The machine's 1-minute load average before and after: a busy machine inflates wall times.
    load: tuple[float, float]


def peer_bin(cache: Path) -> Path:
    """A venv under the cache with the peers (not project dependencies); created once. A peer pip
    cannot install is left out, and the report says so."""
    venv = cache / "peers"
    if not (venv / "bin" / "python").exists():
        subprocess.run([sys.executable, "-m", "venv", str(venv)], check=True)
    missing = [name for name in PEERS if not (venv / "bin" / name).exists()]
    for name in missing:
        subprocess.run([str(venv / "bin" / "python"), "-m", "pip", "install", "--quiet", name], check=False)
    return venv / "bin"


def _peer_argv(name: str, settings: Settings, files: list[str]) -> list[str]:
    tool = str(settings.peer_bin / name)
    argv = {
        "radon": [tool, "cc", "-s"],
        "ruff": [tool, "check", "--no-cache", "--exit-zero", "--select", RUFF_RULES],
        "pylint": [tool, "--disable=all", "--enable=duplicate-code", "--jobs=1", "--score=n"],
    }[name]
    return argv + files


def _clear(directory: Path) -> Callable[[], None]:
    """Before each run: remove one of the guard's directories (all its state, or its report cache)."""

    def clear() -> None:
        if directory.exists():
            shutil.rmtree(directory)

    return clear


def _peer_commands(corpus: Corpus, settings: Settings) -> dict[str, Command]:
    """The installed peers' commands on the after side of the changed files."""
    files = list(corpus.changed)
    commands = {}
    for name in PEERS:
        if (settings.peer_bin / name).exists():
            runs = settings.pylint_runs if name == "pylint" else settings.runs
            ok = PYLINT_OK if name == "pylint" else frozenset({0})
            commands[name] = Command(tuple(_peer_argv(name, settings, files)), corpus.after, ok, nothing, runs)
    return commands


def _versions(settings: Settings) -> dict[str, str]:
    versions = {"python": sys.version.split()[0]}
    for name in PEERS:
        if (settings.peer_bin / name).exists():
            sample = run_once([str(settings.peer_bin / name), "--version"], Path.cwd(), frozenset({0}))
            versions[name] = sample.stdout.split()[1] if name != "radon" else sample.stdout.strip()
    return versions


def measure(corpus: Corpus, repository: Path, settings: Settings) -> Results:
    """Every measurement, in one run of the harness. `repository` holds the one-file change."""
    load_before = os.getloadavg()[0]
    guard = (str(settings.ratchet), "check", "--before", str(corpus.before), "--after", str(corpus.after), "--format", "json")
    one_file = (str(settings.ratchet), "check", "--repo", str(repository), "--format", "json")
    runs = settings.runs
    # In each round the order matters: the warm runs follow the cold one that filled the caches.
    guard_commands = [
        Command(guard, corpus.after, GUARD_OK, _clear(corpus.after / ".ratchet"), runs),
        Command(guard, corpus.after, GUARD_OK, nothing, runs),
        Command(guard, corpus.after, GUARD_OK, _clear(corpus.after / ".ratchet" / "cache" / "reports"), runs),
        Command(one_file, repository, GUARD_OK, _clear(repository / ".ratchet"), runs),
        Command(one_file, repository, GUARD_OK, nothing, runs),
    ]
    peer_commands = _peer_commands(corpus, settings)
    timings = interleaved([*guard_commands, *peer_commands.values()])
    guard_cold, guard_warm, guard_reanalysed, one_file_cold, one_file_warm = timings[: len(guard_commands)]
    measured = dict(zip(peer_commands, timings[len(guard_commands) :], strict=True))
    peers: dict[str, Timing | None] = {name: measured[name] if name in measured else None for name in PEERS}
    robustness = Robustness.of(guard_cold.last.stdout)
    return Results(corpus, peers, guard_cold, guard_warm, guard_reanalysed, one_file_cold, one_file_warm, robustness, _versions(settings), (load_before, os.getloadavg()[0]))
