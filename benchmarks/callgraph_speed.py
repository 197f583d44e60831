"""`python -m benchmarks.callgraph_speed`: the call graph's cost in a check of the Django 5.1 -> 5.2
sdist diff (whole trees), cold (empty cache directory) and warm (the cache of a previous run).

What is timed is the graph's share of the call-graph rules (GD003, IV005, IV006) run over the
scopes the prefilter lets them look at: their time with a new `CallGraphSource` minus their time
again with the same source, whose graph is then built (wall time, or processor time with
`--clock cpu`). Their findings are printed. Medians of `--runs`, with the cyclic GC disabled as in `check`
(`--gc` keeps it on).
"""

from __future__ import annotations

import argparse
import gc
import os
import statistics
import sys
import tempfile
import time
from collections.abc import Callable
from pathlib import Path

from guards import DirectoryTree, RuleSet, directory_change
from guards.analysis import Reading, decode
from guards.callgraph.index import CallGraphSource
from guards.change import Change
from guards.config import Config
from guards.findings import Finding
from guards.share import Decided, Inputs, Share, decide

_GRAPH_RULES = frozenset({"GD003", "IV005", "IV006"})


def _cpu() -> float:
    """Processor seconds of this process and of its finished children (the summarising pool's)."""
    times = os.times()
    return times.user + times.system + times.children_user + times.children_system


_CLOCKS: dict[str, Callable[[], float]] = {"wall": time.perf_counter, "cpu": _cpu}


def _outlined(change: Change, source: CallGraphSource) -> tuple[Share, Decided]:
    """Every file of the change outlined in one share with the three rules, and paired across
    files (moves too) as `check` pairs its shares."""
    config = Config()
    rules = [rule for rule in RuleSet.default().configured(config).scope_rules if rule.meta.id in _GRAPH_RULES]
    reading = Reading.of(change, config)
    files = [decode(pair, reading) for pair in change.files if not config.is_excluded(pair.path)]
    share = Share(Inputs(files, source, rules, (), False), range(len(files)))
    (decided,) = decide([share.summarise()], (list(range(len(files))),))
    return share, decided


def _run_rules(change: Change, source: CallGraphSource, clock: Callable[[], float]) -> tuple[float, list[Finding]]:
    """Seconds the three rules take over the change's scopes with `source`, and their findings;
    outlining and pairing are not timed."""
    share, decided = _outlined(change, source)
    started = clock()
    checked = share.check(decided)
    seconds = clock() - started
    return seconds, [finding for index in sorted(checked.per_file) for finding in checked.per_file[index][0]]


def _graph_seconds(change: Change, tree: DirectoryTree, cache: Path, clock: Callable[[], float]) -> tuple[float, list[Finding]]:
    """The rules' time with a new graph source minus their time again with the same (now built) one."""
    source = CallGraphSource(change, tree, cache)
    first, findings = _run_rules(change, source, clock)
    again, repeated = _run_rules(change, source, clock)
    assert findings == repeated
    return first - again, findings


def main(argv: list[str]) -> None:
    parser = argparse.ArgumentParser(prog="python -m benchmarks.callgraph_speed", description=__doc__)
    parser.add_argument("--src", type=Path, default=Path.home() / ".cache" / "ratchet-bench" / "src")
    parser.add_argument("--runs", type=int, default=3)
    parser.add_argument("--gc", action="store_true", help="keep the cyclic garbage collector on")
    parser.add_argument("--clock", choices=sorted(_CLOCKS), default="wall", help="cpu: processor time, children included (for a busy machine)")
    args = parser.parse_args(argv)
    clock = _CLOCKS[args.clock]
    change = directory_change(args.src / "Django-5.1", args.src / "Django-5.2")
    tree = DirectoryTree(args.src / "Django-5.2")
    print(f"{len(change.files)} changed files, {len(tree.python_paths())} in the tree")
    if not args.gc:
        gc.disable()
    cold, warm = [], []
    for _ in range(args.runs):
        with tempfile.TemporaryDirectory() as directory:
            cache = Path(directory)
            seconds, findings = _graph_seconds(change, tree, cache, clock)
            cold.append(seconds)
            seconds, again = _graph_seconds(change, tree, cache, clock)
            warm.append(seconds)
            assert findings == again
            gc.collect()
    for finding in findings:
        print(f"  {finding.rule} {finding.path}:{finding.line} {finding.message}")
    print(f"cold: median {statistics.median(cold):.2f} s  ({', '.join(f'{s:.2f}' for s in cold)})")
    print(f"warm: median {statistics.median(warm):.2f} s  ({', '.join(f'{s:.2f}' for s in warm)})")


if __name__ == "__main__":
    main(sys.argv[1:])
