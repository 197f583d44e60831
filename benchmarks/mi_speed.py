"""`python -m benchmarks.mi_speed`: the per-file maintainability index over both sides of every
changed file of the Django 5.1 -> 5.2 sdist diff, radon's `mi_visit(source, multi=True)` against
`guards.metrics.maintainability(source, tree)` on the tree the outline already holds.

Prints the median of `--runs` for each, with the cyclic GC disabled as in `check` (and the new
one again with it on), the split of the new time into its two passes, and the largest difference
between the two indices. `--skip-radon` leaves out radon's runs (about 25 s each).
"""

from __future__ import annotations

import argparse
import ast
import gc
import statistics
import time
from collections.abc import Callable
from pathlib import Path

from radon.metrics import mi_visit

from guards import directory_change
from guards.analysis import read_source
from guards.metrics import maintainability
from guards.metrics.mi_lines import raw_counts
from guards.metrics.mi_tree import tree_counts

SOURCES = Path.home() / ".cache/ratchet-bench/src"
MAX_BYTES = 10**7


def _sides(before: Path, after: Path) -> list[tuple[str, ast.Module]]:
    sides = []
    for pair in directory_change(before, after).files:
        for data in (pair.before, pair.after):
            if data is not None:
                source = read_source(data, MAX_BYTES)
                sides.append((source, ast.parse(source)))
    return sides


def _median(runs: int, collect: bool, work: Callable[[], object]) -> float:
    times = []
    for _ in range(runs):
        gc.collect()
        if not collect:
            gc.disable()
        start = time.perf_counter()
        work()
        times.append(time.perf_counter() - start)
        gc.enable()
    return statistics.median(times)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--before", type=Path, default=SOURCES / "Django-5.1")
    parser.add_argument("--after", type=Path, default=SOURCES / "Django-5.2")
    parser.add_argument("--runs", type=int, default=3)
    parser.add_argument("--skip-radon", action="store_true")
    args = parser.parse_args()
    sides = _sides(args.before, args.after)
    print(f"{len(sides)} file sides, {sum(source.count(chr(10)) for source, _ in sides)} lines; medians of {args.runs}")
    ours = [maintainability(source, tree) for source, tree in sides]
    print(f"new  (gc off): {_median(args.runs, False, lambda: [maintainability(s, t) for s, t in sides]):6.2f} s")
    print(f"new  (gc on):  {_median(args.runs, True, lambda: [maintainability(s, t) for s, t in sides]):6.2f} s")
    print(f"  lines pass:  {_median(args.runs, False, lambda: [raw_counts(s) for s, _ in sides]):6.2f} s")
    print(f"  tree walk:   {_median(args.runs, False, lambda: [tree_counts(t) for _, t in sides]):6.2f} s")
    if not args.skip_radon:
        print(f"radon (gc off): {_median(args.runs, False, lambda: [mi_visit(s, multi=True) for s, _ in sides]):6.2f} s")
        radons = [mi_visit(source, multi=True) for source, _ in sides]
        print(f"largest difference: {max(abs(a - round(b, 2)) for a, b in zip(ours, radons, strict=True)):.4f} points")


if __name__ == "__main__":
    main()
