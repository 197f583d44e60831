"""The benchmark harness end to end on a tiny corpus: one run of each command, a real table."""

from __future__ import annotations

import sys
from pathlib import Path

import pytest

from benchmarks.perf.corpus import Corpus, one_file_repository
from benchmarks.perf.measure import CommandFailed, Sample, Timing, run_once
from benchmarks.perf.suite import Settings, measure
from benchmarks.perf.table import render

BEFORE = {"app/core.py": "def total(xs):\n    return sum(xs)\n", "app/old.py": "X = 1\n"}
AFTER = {
    "app/core.py": "def total(xs):\n    try:\n        return sum(xs)\n    except TypeError:\n        return 0\n",
    "app/new.py": "def first(xs):\n    return xs[0]\n",
}


def _tree(root: Path, files: dict[str, str]) -> Path:
    for path, text in files.items():
        (root / path).parent.mkdir(parents=True, exist_ok=True)
        (root / path).write_text(text, encoding="utf-8")
    return root / "app"


@pytest.fixture(scope="module")
def table(tmp_path_factory: pytest.TempPathFactory) -> str:
    root = tmp_path_factory.mktemp("bench")
    corpus = Corpus.of(_tree(root / "before", BEFORE), _tree(root / "after", AFTER))
    repository = one_file_repository(corpus.after, root / "one-file", "new.py", "\n\ndef second(xs):\n    return xs[1]\n")
    bin_dir = Path(sys.executable).parent
    # The project's venv has radon but not pylint or ruff: those rows must say "not installed".
    settings = Settings(runs=1, pylint_runs=1, peer_bin=bin_dir, ratchet=bin_dir / "ratchet")
    return render(measure(corpus, repository, settings))


@pytest.mark.parametrize(
    "expected",
    [
        "2 changed Python files on the after side (1 deleted)",
        "| `ratchet check`, cold cache (whole diff) | 1 |",
        "| `ratchet check`, one-file change in the 5.2 tree, warm cache | 1 |",
        "| `radon cc -s` (after side of the changed files) | 1 |",
        "| `pylint --disable=all --enable=duplicate-code` (same files) | – | not installed |",
        "| cold cache ≤ 2× `radon cc` |",
        "Cold check ÷ `radon cc` within each round (both run minutes apart): median ",
        "files: analysed 2, deleted 1.",
        "fallback 1",
        "No file skipped.",
    ],
)
def test_table_reports(table: str, expected: str) -> None:
    assert expected in table


@pytest.mark.parametrize(("argv", "ok"), [([sys.executable, "-c", "raise SystemExit(3)"], frozenset({0})), ([sys.executable, "-c", "1/0"], frozenset({0}))])
def test_failed_command_raises(argv: list[str], ok: frozenset[int], tmp_path: Path) -> None:
    with pytest.raises(CommandFailed):
        run_once(argv, tmp_path, ok)


def test_ratios_are_taken_round_by_round() -> None:
    def timing(*seconds: float) -> Timing:
        return Timing(tuple(Sample(s, s, 10.0, 0, "") for s in seconds))

    assert timing(8.0, 12.0, 9.0).per_round(timing(4.0, 5.0, 4.5)) == [2.0, 2.4, 2.0]


def test_sample_measures_the_child(tmp_path: Path) -> None:
    # 50 MB held by the child shows in its own peak memory.
    sample = run_once([sys.executable, "-c", "x = bytearray(50_000_000); print('done')"], tmp_path, frozenset({0}))
    assert sample.stdout.strip() == "done"
    assert sample.max_rss_mb > 50
