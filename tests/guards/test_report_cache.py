"""The report cache: a repeated check is answered from disk; anything a check reads, changed, is a miss."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

import pytest

from guards import Change, Config, DirectoryTree, FilePair, Report, RuleSet, check, load_config
from guards import report_cache
from tests.conftest import write_files

BEFORE = "def load(path):\n    return open(path).read()\n"
AFTER = "def load(path):\n    try:\n        return open(path).read()\n    except Exception:\n        return ''\n"
NEIGHBOUR = "def other():\n    return 1\n"


def _setup(tmp_path: Path) -> tuple[Change, DirectoryTree, Path]:
    write_files(tmp_path / "tree", {"app/io.py": AFTER, "app/other.py": NEIGHBOUR})
    change = Change.of([FilePair("app/io.py", BEFORE.encode(), AFTER.encode())])
    return change, DirectoryTree(tmp_path / "tree"), tmp_path / "cache"


def _essence(report: Report) -> tuple[object, ...]:
    return report.verdict, report.score, report.findings, report.files


def test_a_repeated_check_is_answered_from_the_cache(tmp_path: Path) -> None:
    change, tree, cache = _setup(tmp_path)
    first = check(change, Config(), RuleSet.default(), tree, cache)
    second = check(change, Config(), RuleSet.default(), tree, cache)
    assert "cached" not in first.metrics
    assert second.metrics["cached"] is True
    assert _essence(second) == _essence(first)
    assert second.findings
    assert {key: value for key, value in second.metrics.items() if key not in ("cached", "duration_ms")} == {
        key: value for key, value in first.metrics.items() if key != "duration_ms"
    }


Variation = Callable[[Change, DirectoryTree, Path], tuple[Change, DirectoryTree, Config]]


def _edited_file(change: Change, tree: DirectoryTree, cache: Path) -> tuple[Change, DirectoryTree, Config]:
    edited = AFTER.replace("''", "None")
    write_files(tree.root, {"app/io.py": edited})
    return Change.of([FilePair("app/io.py", BEFORE.encode(), edited.encode())]), tree, Config()


def _edited_neighbour(change: Change, tree: DirectoryTree, cache: Path) -> tuple[Change, DirectoryTree, Config]:
    write_files(tree.root, {"app/other.py": NEIGHBOUR.replace("1", "2")})
    return change, tree, Config()


def _other_config(change: Change, tree: DirectoryTree, cache: Path) -> tuple[Change, DirectoryTree, Config]:
    return change, tree, load_config({"budget": 50})


@pytest.mark.parametrize("vary", [_edited_file, _edited_neighbour, _other_config], ids=["changed-file", "tree-file", "config"])
def test_anything_the_check_reads_changed_is_a_miss(tmp_path: Path, vary: Variation) -> None:
    change, tree, cache = _setup(tmp_path)
    check(change, Config(), RuleSet.default(), tree, cache)
    change, tree, config = vary(change, tree, cache)
    again = check(change, config, RuleSet.default(), tree, cache)
    assert "cached" not in again.metrics
    assert len(list((cache / "reports").glob("*.json"))) == 2


@pytest.mark.parametrize("damage", [b"", b"{not json", b'{"verdict": "accept"}', b'{"verdict": "x", "score": 0, "budget": 3, "findings": [["FB001"]], "files": [], "metrics": {}}'])
def test_a_damaged_entry_is_deleted_and_recomputed(tmp_path: Path, damage: bytes) -> None:
    change, tree, cache = _setup(tmp_path)
    first = check(change, Config(), RuleSet.default(), tree, cache)
    (entry,) = (cache / "reports").glob("*.json")
    entry.write_bytes(damage)
    again = check(change, Config(), RuleSet.default(), tree, cache)
    assert "cached" not in again.metrics
    assert _essence(again) == _essence(first)
    assert check(change, Config(), RuleSet.default(), tree, cache).metrics["cached"] is True


def test_only_the_newest_reports_are_kept(tmp_path: Path) -> None:
    change, tree, cache = _setup(tmp_path)
    for budget in range(report_cache.KEEP + 3):
        check(change, load_config({"budget": budget}), RuleSet.default(), tree, cache)
    assert len(list((cache / "reports").glob("*.json"))) == report_cache.KEEP
    # The newest is still there; the oldest was dropped.
    assert check(change, load_config({"budget": report_cache.KEEP + 2}), RuleSet.default(), tree, cache).metrics["cached"] is True
    assert "cached" not in check(change, load_config({"budget": 0}), RuleSet.default(), tree, cache).metrics


def test_without_a_cache_directory_nothing_is_cached(tmp_path: Path) -> None:
    change, tree, _ = _setup(tmp_path)
    runs = [check(change, Config(), RuleSet.default(), tree) for _ in range(2)]
    assert ["cached" in run.metrics for run in runs] == [False, False]
