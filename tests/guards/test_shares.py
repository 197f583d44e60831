"""A large change is checked by worker processes that each own a share of the files: what one
worker's files need of another's (a function moved between them, a failure) crosses over."""

from __future__ import annotations

import subprocess
import sys
from collections.abc import Iterator
from pathlib import Path

import pytest

from guards import Change, Config, FilePair, Report, RuleSet, check
from guards.findings import Category, Finding, RuleMeta, Severity
from guards.pool import PARALLEL_FILES, shares
from guards.rules.base import FileDiff, FileRule

PADDING = "".join(f"SETTING_{index} = {index}\n" for index in range(400))
LOAD = "def load(path):\n    with open(path) as handle:\n        return handle.read()\n"
FETCH = "def fetch(url):\n    return request(url).body\n"
FETCH_DEFENSIVE = "def fetch(url):\n    try:\n        return request(url).body\n    except Exception:\n        return None\n"


def _filler(index: int) -> FilePair:
    return FilePair(f"app/filler_{index:02}.py", f"def f{index}():\n    return {index}\n".encode(), f"def f{index}():\n    return {index + 1}\n".encode())


def _moves(fetch_after: str) -> list[FilePair]:
    """`load` and `fetch` move from the largest file to the second largest: the first two files
    the shares take, so never in the same share."""
    origin = FilePair("app/origin.py", (PADDING + PADDING + LOAD + FETCH).encode(), (PADDING + PADDING).encode())
    target = FilePair("app/target.py", PADDING.encode(), (PADDING + LOAD + fetch_after).encode())
    return [origin, target]


def _large(pairs: list[FilePair]) -> Change:
    return Change.of(pairs + [_filler(index) for index in range(PARALLEL_FILES)])


def test_the_two_largest_files_go_to_different_shares() -> None:
    sizes = [5, 900, 30, 700, 20]
    cut = shares(sizes, 2)
    assert sorted(index for share in cut for index in share) == list(range(len(sizes)))
    assert [1 in share for share in cut] != [3 in share for share in cut]
    assert all(share == sorted(share) for share in cut)


def test_sizes_are_balanced_largest_first() -> None:
    assert shares([10, 10, 10, 30], 2) == [[3], [0, 1, 2]]


def _check_moves(fetch_after: str, large: bool) -> Report:
    pairs = _moves(fetch_after)
    return check(_large(pairs) if large else Change.of(pairs), Config(), RuleSet.default())


@pytest.mark.parametrize("large", [False, True], ids=["in-process", "workers"])
def test_a_function_moved_intact_between_files_is_not_new_code(large: bool) -> None:
    report = _check_moves(FETCH, large)
    assert [f for f in report.findings if f.path == "app/target.py"] == []
    assert "load" not in report.metrics["complexity"]["app/target.py"]["functions"]


@pytest.mark.parametrize("large", [False, True], ids=["in-process", "workers"])
def test_a_function_moved_and_edited_is_compared_with_where_it_came_from(large: bool) -> None:
    report = _check_moves(FETCH_DEFENSIVE, large)
    at_target = [f for f in report.findings if f.path == "app/target.py"]
    assert {f.category for f in at_target} == {Category.FALLBACK}
    assert all(f.scope == "fetch" for f in at_target)
    fetch = report.metrics["complexity"]["app/target.py"]["functions"]["fetch"]
    # Measured against the origin in the other file (and share): not judged as a new function.
    assert fetch["cc"] == {"before": 1, "after": 2}


class _Broken(Exception):
    pass


class Exploding(FileRule):
    """Fails on one file: a bug in a rule.

    Used only to show that a worker's failure reaches the caller."""

    meta = RuleMeta(id="ZZ901", name="exploding", category=Category.GUARD, severity=Severity.WARNING, suggestion="Fix the rule.")
    VALID = ()
    INVALID = ()

    def check(self, file: FileDiff) -> Iterator[Finding]:
        if file.path == "app/filler_07.py":
            raise _Broken(f"cannot check {file.path}")
        yield from ()


@pytest.mark.parametrize("large", [False, True], ids=["in-process", "workers"])
def test_a_rule_failing_in_a_worker_fails_the_check_with_its_own_error(large: bool) -> None:
    change = _large([]) if large else Change.of([_filler(7)])
    with pytest.raises(_Broken, match="cannot check app/filler_07.py"):
        check(change, Config(), RuleSet((Exploding(),)))


SAVE = "def _write(path, text):\n    with open(path, 'w') as handle:\n        handle.write(text)\n"
SEND = "def _write(sock, data):\n    for chunk in split(data):\n        if chunk:\n            sock.sendall(chunk)\n"


@pytest.mark.parametrize("large", [False, True], ids=["in-process", "workers"])
def test_an_unrelated_function_of_the_same_name_elsewhere_is_new_not_moved(large: bool) -> None:
    """A private helper removed from one file and another of its name added to another: two
    functions, not one moved, so the new one is judged as new."""
    origin = FilePair("app/origin.py", (PADDING + PADDING + SAVE).encode(), (PADDING + PADDING).encode())
    target = FilePair("app/target.py", PADDING.encode(), (PADDING + SEND).encode())
    report = check(_large([origin, target]) if large else Change.of([origin, target]), Config(), RuleSet.default())
    assert report.metrics["complexity"]["app/target.py"]["functions"]["_write"]["cc"] == {"before": None, "after": 3}


@pytest.mark.parametrize("large", [False, True], ids=["in-process", "workers"])
def test_a_function_moved_and_partly_rewritten_is_still_compared_with_its_origin(large: bool) -> None:
    rewritten = "def _write(path, text):\n    with open(path, 'w') as handle:\n        if text:\n            handle.write(text)\n"
    origin = FilePair("app/origin.py", (PADDING + PADDING + SAVE).encode(), (PADDING + PADDING).encode())
    target = FilePair("app/target.py", PADDING.encode(), (PADDING + rewritten).encode())
    report = check(_large([origin, target]) if large else Change.of([origin, target]), Config(), RuleSet.default())
    assert report.metrics["complexity"]["app/target.py"]["functions"]["_write"]["cc"] == {"before": 1, "after": 2}


@pytest.mark.skipif(sys.platform != "linux", reason="CPU affinity is a Linux interface")
def test_one_usable_cpu_checks_a_large_change_in_process() -> None:
    """A process limited to one CPU (a container's or `taskset`'s affinity) forks no workers, and
    reports what the workers report."""
    script = (
        "import os, sys\n"
        "os.sched_setaffinity(0, {min(os.sched_getaffinity(0))})\n"
        "forks = []\n"
        "os.register_at_fork(before=lambda: forks.append(1))\n"
        "sys.path[:0] = sys.argv[1:]\n"
        "import test_shares as t\n"
        "from guards import Config, RuleSet, check\n"
        "from guards.cpus import worker_count\n"
        "report = check(t._large(t._moves(t.FETCH_DEFENSIVE)), Config(), RuleSet.default())\n"
        "print(worker_count(), len(forks), sorted((f.rule, f.path, f.line) for f in report.findings))\n"
    )
    here = Path(__file__).parent
    alone = subprocess.run([sys.executable, "-c", script, str(here)], capture_output=True, text=True, check=True).stdout.split(" ", 2)
    together = check(_large(_moves(FETCH_DEFENSIVE)), Config(), RuleSet.default())
    assert alone[:2] == ["1", "0"]
    assert alone[2].strip() == str(sorted((f.rule, f.path, f.line) for f in together.findings))
