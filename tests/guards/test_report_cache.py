"""The report cache: a repeated check is answered from disk; anything a check reads, changed, is a miss."""

from __future__ import annotations

import sys
from collections.abc import Callable
from importlib.metadata import EntryPoint
from pathlib import Path

import pytest

from guards import Change, Config, ConfigError, DirectoryTree, FilePair, Report, RuleSet, check, load_config
from guards import report_cache
from guards.registry import Builtin
from guards.taste import GROUP
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


PLUGIN = "from tests.guards.plugin_fixture import NoPrint\n"


def _plugin_rules(tmp_path: Path, monkeypatch: pytest.MonkeyPatch, module: str, name: str = "acme") -> RuleSet:
    """The built-in rules and a plugin in its own module file, `module`.py on `sys.path`."""
    write_files(tmp_path / "plugins", {f"{module}.py": PLUGIN})
    monkeypatch.syspath_prepend(str(tmp_path / "plugins"))
    return RuleSet((Builtin.RULES, EntryPoint(name=name, value=f"{module}:NoPrint", group=GROUP)))


def _same(tmp_path: Path, rules: RuleSet) -> RuleSet:
    return rules


def _plugin_edited(tmp_path: Path, rules: RuleSet) -> RuleSet:
    (tmp_path / "plugins" / "acme_key.py").write_text(PLUGIN + "# edited\n", encoding="utf-8")
    return rules


def _plugin_renamed(tmp_path: Path, rules: RuleSet) -> RuleSet:
    return RuleSet((Builtin.RULES, EntryPoint(name="other", value="acme_key:NoPrint", group=GROUP)))


def _plugin_removed(tmp_path: Path, rules: RuleSet) -> RuleSet:
    return RuleSet.builtin()


@pytest.mark.parametrize(
    ("vary", "hit"),
    [(_same, True), (_plugin_edited, False), (_plugin_renamed, False), (_plugin_removed, False)],
    ids=["same", "module-edited", "entry-point-renamed", "plugin-removed"],
)
def test_the_key_names_each_plugin_without_importing_it(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, vary: Callable[[Path, RuleSet], RuleSet], hit: bool
) -> None:
    change, tree, _ = _setup(tmp_path)
    rules = _plugin_rules(tmp_path, monkeypatch, "acme_key")
    key = report_cache.report_key(change, Config(), rules, tree)
    again = report_cache.report_key(change, Config(), vary(tmp_path, rules), tree)
    assert (again == key) is hit
    assert "acme_key" not in sys.modules


def test_a_plugin_rule_is_loaded_on_a_miss_and_its_report_cached(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    change = Change.of([FilePair("app/run.py", b"def run(x):\n    return x\n", b"def run(x):\n    print(x)\n    return x\n")])
    rules = _plugin_rules(tmp_path, monkeypatch, "acme_run")
    cache = tmp_path / "cache"
    first, second = (check(change, Config(), rules, DirectoryTree(tmp_path / "plugins"), cache) for _ in range(2))
    assert [f.rule for f in first.findings] == ["PL001"]
    assert ("cached" in first.metrics, second.metrics["cached"]) == (False, True)
    assert second.findings == first.findings


def test_a_plugin_without_a_module_is_a_config_error(tmp_path: Path) -> None:
    change, tree, cache = _setup(tmp_path)
    rules = RuleSet((Builtin.RULES, EntryPoint(name="acme", value="acme_missing:NoPrint", group=GROUP)))
    with pytest.raises(ConfigError, match="plugin acme = 'acme_missing:NoPrint' cannot be loaded"):
        check(change, Config(), rules, tree, cache)
