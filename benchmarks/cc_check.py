"""`python -m benchmarks.cc_check`: `guards.metrics.cyclomatic` against radon's `cc_visit_ast` on
every function (methods and closures included) of every `.py` file under the given trees
(default: the Django 5.1 and 5.2 sdists). Prints the count compared and each difference; exits
with status 1 if there is one. Files that do not parse are counted and left out.
"""

from __future__ import annotations

import argparse
import ast
import gc
import sys
from pathlib import Path

from radon.complexity import cc_visit_ast

from guards.metrics.cyclomatic import cyclomatic_complexity

SOURCES = Path.home() / ".cache/ratchet-bench/src"


def _parsed(path: Path, unparsable: list[Path]) -> ast.Module:
    try:
        return ast.parse(path.read_bytes())
    except SyntaxError:
        unparsable.append(path)
        return ast.Module([], [])


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("trees", type=Path, nargs="*", default=[SOURCES / "Django-5.1", SOURCES / "Django-5.2"])
    args = parser.parse_args()
    gc.disable()  # Parsing thousands of files with it on keeps the GC busy for minutes.
    compared, differences, unparsable = 0, [], []
    for path in sorted(p for tree in args.trees for p in tree.rglob("*.py")):
        for node in ast.walk(_parsed(path, unparsable)):
            if isinstance(node, ast.FunctionDef | ast.AsyncFunctionDef):
                compared += 1
                ours, (block,) = cyclomatic_complexity(node), cc_visit_ast(node)
                if ours != block.complexity:
                    differences.append(f"{path}:{node.lineno} {node.name}: ours {ours}, radon {block.complexity}")
    print(f"{compared} functions compared, {len(unparsable)} files do not parse, {len(differences)} differences")
    print("\n".join(differences))
    sys.exit(1 if differences else 0)


if __name__ == "__main__":
    main()
