"""`python -m benchmarks.perf` (or `make bench`): measure, print the table, write it to `--output`."""

from __future__ import annotations

import argparse
import os
import sys
from pathlib import Path

from benchmarks.perf.corpus import ONE_FILE, ONE_FILE_EDIT, django_corpus, one_file_repository
from benchmarks.perf.suite import Settings, measure, peer_bin
from benchmarks.perf.table import render

RESULTS = Path(__file__).resolve().parents[1] / "results" / "django-5.1-5.2.md"


def main(argv: list[str]) -> None:
    parser = argparse.ArgumentParser(prog="python -m benchmarks.perf", description=__doc__)
    parser.add_argument("--cache", type=Path, default=Path.home() / ".cache" / "ratchet-bench", help="downloads, trees and the peers' venv")
    parser.add_argument("--runs", type=int, default=5, help="runs per command (the median is reported)")
    parser.add_argument("--pylint-runs", type=int, default=5, help="runs of pylint, which is slow")
    parser.add_argument("--output", type=Path, default=RESULTS)
    args = parser.parse_args(argv)
    # Measured as installed: Python writes bytecode caches (kept under the benchmark's cache, out of
    # the source trees), so no run pays for compiling the tools' modules again.
    if "PYTHONDONTWRITEBYTECODE" in os.environ:
        del os.environ["PYTHONDONTWRITEBYTECODE"]
    os.environ["PYTHONPYCACHEPREFIX"] = str(args.cache / "pycache")
    corpus = django_corpus(args.cache)
    repository = one_file_repository(corpus.after, args.cache / "one-file-sdist", ONE_FILE, ONE_FILE_EDIT)
    ratchet = Path(sys.executable).parent / "ratchet"
    assert ratchet.exists(), f"run the benchmark with the project's venv: no {ratchet}"
    settings = Settings(args.runs, args.pylint_runs, peer_bin(args.cache), ratchet)
    table = render(measure(corpus, repository, settings))
    args.output.parent.mkdir(parents=True, exist_ok=True)
    args.output.write_text(table, encoding="utf-8")
    sys.stdout.write(table)


if __name__ == "__main__":
    main(sys.argv[1:])
