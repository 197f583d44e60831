"""`python -m benchmarks.mi_speed`: the complexity metrics over the changed files of the Django
5.1 -> 5.2 sdist diff, on the outlines a check builds: the maintainability index of every side
that parses, and `function_metrics` of the functions a check measures (each new or changed
function after, and its namesake before; as `guards.metrics.complexity` picks them, except that a
moved function's origin is not looked for).

Prints the median CPU time of `--runs` of each, with the cyclic GC disabled as in `check`, the split of
the index into its two passes, and with `--radon` the largest difference between our index and
radon's `mi_visit(source, multi=True)` (about 25 s).
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
from guards.decoding import read_source
from guards.metrics import function_metrics, maintainability
from guards.metrics.measure import FunctionNode
from guards.metrics.mi_lines import raw_counts
from guards.metrics.mi_tree import tree_counts
from guards.outline import Outline, ScopeOutline

SOURCES = Path.home() / ".cache/ratchet-bench/src"
MAX_BYTES = 10**7


def _outline(data: bytes | None, unparsable: list[str], path: str) -> Outline | None:
    """The side's outline; a side that does not parse is listed, as a check reports it."""
    if data is None:
        return None
    source = read_source(data, MAX_BYTES)
    try:
        return Outline.parse(source)
    except SyntaxError:
        unparsable.append(path)
        return None


def side_pairs(before: Path, after: Path) -> tuple[list[tuple[Outline | None, Outline | None]], list[str]]:
    """The changed `.py` files' outlines, before and after, and the sides that do not parse."""
    unparsable: list[str] = []
    pairs = [(_outline(pair.before, unparsable, pair.path), _outline(pair.after, unparsable, pair.path)) for pair in directory_change(before, after).files]
    return pairs, unparsable


def _functions(outline: Outline | None) -> dict[str, ScopeOutline]:
    return {} if outline is None else {name: scope for name, scope in outline.scopes.items() if scope.kind == "function"}


def measured_functions(pairs: list[tuple[Outline | None, Outline | None]]) -> list[FunctionNode]:
    """Each function after whose own text is new, and its namesake before."""
    nodes: list[FunctionNode] = []
    for before, after in pairs:
        old, new = _functions(before), _functions(after)
        for name, scope in new.items():
            if name not in old:
                nodes.append(scope.node)
            elif (old[name].text_digest, old[name].last_line) != (scope.text_digest, old[name].first_line + scope.last_line - scope.first_line):
                nodes += [scope.node, old[name].node]
    return nodes


def _median(runs: int, work: Callable[[], object]) -> float:
    times = []
    for _ in range(runs):
        start = time.process_time()
        work()
        times.append(time.process_time() - start)
    return statistics.median(times)


def _arguments() -> argparse.Namespace:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--before", type=Path, default=SOURCES / "Django-5.1")
    parser.add_argument("--after", type=Path, default=SOURCES / "Django-5.2")
    parser.add_argument("--runs", type=int, default=3)
    parser.add_argument("--radon", action="store_true")
    return parser.parse_args()


def _largest_difference_from_radon(sides: list[tuple[str, ast.Module]]) -> float:
    ours = [maintainability(source, tree) for source, tree in sides]
    radons = [mi_visit(source, multi=True) for source, _ in sides]
    return max(abs(a - round(b, 2)) for a, b in zip(ours, radons, strict=True))


def main() -> None:
    args = _arguments()
    gc.disable()  # As in `check`: with it on, parsing hundreds of files keeps the GC busy for a minute.
    pairs, unparsable = side_pairs(args.before, args.after)
    sides = [(side.source, side.tree) for pair in pairs for side in pair if side is not None]
    nodes = measured_functions(pairs)
    print(f"{len(sides)} sides that parse ({len(unparsable)} do not), {len(nodes)} functions; CPU s, medians of {args.runs}, gc off")
    print(f"maintainability:  {_median(args.runs, lambda: [maintainability(s, t) for s, t in sides]):6.3f}")
    print(f"  raw_counts:     {_median(args.runs, lambda: [raw_counts(s) for s, _ in sides]):6.3f}")
    print(f"  tree_counts:    {_median(args.runs, lambda: [tree_counts(t) for _, t in sides]):6.3f}")
    print(f"function_metrics: {_median(args.runs, lambda: [function_metrics(n) for n in nodes]):6.3f}")
    if args.radon:
        print(f"largest difference from radon mi: {_largest_difference_from_radon(sides):.4f} points")

if __name__ == "__main__":
    main()
