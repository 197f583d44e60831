"""Declared taste rules through the config and the engine, rule plugins, and both through the CLI."""

from __future__ import annotations

import json
import subprocess
from collections.abc import Callable
from importlib.metadata import EntryPoint
from pathlib import Path
from typing import Any

import pytest

from guards import Change, ConfigError, FilePair, Report, RuleSet, check, load_config
from guards.taste import GROUP, load_plugin, plugin_entry_points
from tests.conftest import GitRepo
from tests.guards.plugin_fixture import NoPrint

NO_HASATTR = {
    "id": "TX001",
    "name": "no-hasattr",
    "pattern": "hasattr($OBJ, $NAME)",
    "message": "hasattr probing of {OBJ}: make the type say what it has",
    "category": "guard",
    "severity": "error",
}
BEFORE = "def size(o):\n    return hasattr(o, 'n')\n"
AFTER = "def size(o):\n    return hasattr(o, 'n') and hasattr(o.items, '__len__')\n"


def _run(rule: dict[str, Any], files: dict[str, tuple[str, str]], **table: Any) -> Report:
    change = Change.of([FilePair(path, before.encode() or None, after.encode() or None) for path, (before, after) in files.items()])
    return check(change, load_config({"rules": [rule], **table}), RuleSet.default())


def _flagged(report: Report, rule: str = "TX001") -> list[tuple[str, int, str]]:
    return [(f.path, f.line, f.message) for f in report.findings if f.rule == rule]


def test_only_added_code_is_flagged_with_the_interpolated_message() -> None:
    report = _run(NO_HASATTR, {"app/size.py": (BEFORE, AFTER)})
    assert _flagged(report) == [("app/size.py", 2, "hasattr probing of o.items: make the type say what it has")]
    assert report.verdict == "reject"


@pytest.mark.parametrize(
    ("globs", "expected"),
    [
        pytest.param({}, ["lib/a.py", "src/a.py", "src/legacy/a.py"], id="default: every path"),
        pytest.param({"paths": ["src/**"]}, ["src/a.py", "src/legacy/a.py"], id="paths"),
        pytest.param({"paths": ["src/**"], "exclude": ["src/legacy/**"]}, ["src/a.py"], id="exclude wins"),
        pytest.param({"paths": ["a.py"]}, ["lib/a.py", "src/a.py", "src/legacy/a.py"], id="file name anywhere"),
        pytest.param({"paths": ["src/*.py"]}, ["src/a.py"], id="* stays in a segment"),
    ],
)
def test_path_globs(globs: dict[str, list[str]], expected: list[str]) -> None:
    files = {path: (BEFORE, AFTER) for path in ("lib/a.py", "src/a.py", "src/legacy/a.py")}
    assert sorted(path for path, _, _ in _flagged(_run({**NO_HASATTR, **globs}, files))) == expected


@pytest.mark.parametrize(
    ("table", "expected"),
    [
        pytest.param({}, ["error"], id="declared severity"),
        pytest.param({"ignore": ["TX001"]}, [], id="ignored by id"),
        pytest.param({"ignore": ["no-hasattr"]}, [], id="ignored by name"),
        pytest.param({"select": ["fallback"]}, [], id="not selected: other category"),
        pytest.param({"select": ["guard"]}, ["error"], id="selected by category"),
        pytest.param({"severity": {"no-hasattr": "info"}}, ["info"], id="severity override"),
        pytest.param({"per-path-ignores": {"app/**": ["TX001"]}}, [], id="per-path ignore"),
    ],
)
def test_selection_severity_and_ignores_apply(table: dict[str, Any], expected: list[str]) -> None:
    report = _run(NO_HASATTR, {"app/size.py": (BEFORE, AFTER)}, **table)
    assert [f.severity.value for f in report.findings if f.rule == "TX001"] == expected


@pytest.mark.parametrize(
    ("change", "message"),
    [
        pytest.param({"pattern": "hasattr($OBJ,"}, r"TX001: invalid pattern 'hasattr\(\$OBJ,': not one Python expression", id="pattern does not parse"),
        pytest.param({"pattern": "$X"}, "TX001: invalid pattern '\\$X': a pattern must be more", id="pattern only a metavariable"),
        pytest.param({"languages": ["python"]}, "TX001: unknown key 'languages'", id="unknown key"),
        pytest.param({"id": "TX1"}, "TX1: rule id 'TX1' is not two capitals", id="bad id"),
        pytest.param({"name": "No Hasattr"}, "not kebab-case", id="bad name"),
        pytest.param({"category": "style"}, "category must be one of fallback, guard", id="unknown category"),
        pytest.param({"category": "trade"}, "category must be one of", id="the guard's own category"),
        pytest.param({"severity": "fatal"}, "severity must be one of", id="bad severity"),
        pytest.param({"paths": "src/**"}, "paths must be a list of path globs", id="paths not a list"),
        pytest.param({"message": "probing {ATTR}"}, r"message field \{ATTR\} is not a metavariable", id="message names no metavariable"),
        pytest.param({"message": ""}, "message must be a non-empty string", id="empty message"),
        pytest.param({"id": "FB001"}, "FB001: rule FB001 no-hasattr clashes with rule FB001 broad-except", id="clash with a built-in id"),
        pytest.param({"name": "broad-except"}, "clashes with rule FB001 broad-except", id="clash with a built-in name"),
    ],
)
def test_invalid_rule_is_a_config_error(change: dict[str, Any], message: str) -> None:
    with pytest.raises(ConfigError, match=message):
        _run({**NO_HASATTR, **change}, {"app/size.py": (BEFORE, AFTER)})


@pytest.mark.parametrize(
    ("rules", "message"),
    [
        pytest.param({"id": "TX001"}, "missing key 'name'", id="missing key"),
        pytest.param([NO_HASATTR, NO_HASATTR], "rule id 'TX001' is declared twice", id="declared twice"),
        pytest.param("TX001", "rules must be a list of tables", id="not a list"),
    ],
)
def test_invalid_rules_table(rules: Any, message: str) -> None:
    with pytest.raises(ConfigError, match=message):
        load_config({"rules": rules if isinstance(rules, list | str) else [rules]})


def _entry_point(value: str, name: str = "acme") -> EntryPoint:
    return EntryPoint(name=name, value=value, group=GROUP)


def test_plugin_rule_runs_in_a_check() -> None:
    rules = RuleSet.builtin().with_plugins([_entry_point("tests.guards.plugin_fixture:NoPrint")])
    change = Change.of([FilePair("app/run.py", b"def run(x):\n    return x\n", b"def run(x):\n    print(x)\n    return x\n")])
    report = check(change, load_config({}), rules)
    assert [(f.rule, f.line) for f in report.findings] == [("PL001", 2)]
    assert isinstance(rules.get("no-print"), NoPrint)


@pytest.mark.parametrize(
    ("value", "message"),
    [
        pytest.param("tests.guards.plugin_fixture.missing:Rule", "cannot be loaded: No module named", id="import error"),
        pytest.param("tests.guards.plugin_fixture:Gone", "cannot be loaded", id="missing attribute"),
        pytest.param("tests.guards.plugin_fixture:NotARule", "is not a concrete Rule subclass", id="not a rule"),
        pytest.param("tests.guards.plugin_fixture:not_a_class", "is not a concrete Rule subclass", id="not a class"),
        pytest.param("tests.guards.plugin_fixture:WithoutMeta", "WithoutMeta has no meta", id="no meta"),
        pytest.param("tests.guards.plugin_fixture:ClashingId", "clashes with rule FB001 broad-except", id="id clash"),
    ],
)
def test_broken_plugin_names_the_entry_point(value: str, message: str) -> None:
    with pytest.raises(ConfigError, match=f"plugin acme = '{value}'.*{message}"):
        RuleSet.builtin().with_plugins([_entry_point(value)])


def test_plugin_loads_the_class_it_names() -> None:
    assert load_plugin(_entry_point("tests.guards.plugin_fixture:NoPrint")) is NoPrint


def test_the_entry_point_group_is_read(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """An installed distribution's entry point, as pip writes it into a .dist-info directory."""
    dist_info = tmp_path / "acme_rules-1.0.dist-info"
    dist_info.mkdir()
    (dist_info / "METADATA").write_text("Metadata-Version: 2.1\nName: acme-rules\nVersion: 1.0\n", encoding="utf-8")
    (dist_info / "entry_points.txt").write_text(f"[{GROUP}]\nno-print = tests.guards.plugin_fixture:NoPrint\n", encoding="utf-8")
    monkeypatch.syspath_prepend(str(tmp_path))
    found = plugin_entry_points()
    assert [(e.name, e.value) for e in found] == [("no-print", "tests.guards.plugin_fixture:NoPrint")]
    assert RuleSet.builtin().with_plugins(found).get("PL001").meta.name == "no-print"


PYPROJECT = """\
[tool.ratchet]
select = ["TX001", "TX002"]

[[tool.ratchet.rules]]
id = "TX001"
name = "no-hasattr"
pattern = "hasattr($OBJ, $NAME)"
message = "hasattr probing of {OBJ}: make the type say what it has"
severity = "error"
category = "guard"
paths = ["src/**"]
exclude = ["src/legacy/**"]

[[tool.ratchet.rules]]
id = "TX002"
name = "no-print"
pattern = "print($...ARGS)"
message = "print({ARGS}) in library code"
category = "guard"
"""


def test_end_to_end_through_the_cli(git_repo: Callable[..., GitRepo], ratchet: Callable[..., subprocess.CompletedProcess[str]]) -> None:
    repo = git_repo({"pyproject.toml": PYPROJECT, "src/size.py": BEFORE, "src/legacy/old.py": BEFORE})
    repo.write({"src/size.py": AFTER + "\n\ndef show(x):\n    print('size', x)\n", "src/legacy/old.py": AFTER})
    result = ratchet("check", "--format", "json", cwd=repo.root)
    assert result.returncode == 1, result.stderr
    findings = [(f["rule"], f["path"], f["line"], f["message"]) for f in json.loads(result.stdout)["findings"]]
    assert findings == [
        ("TX001", "src/size.py", 2, "hasattr probing of o.items: make the type say what it has"),
        ("TX002", "src/size.py", 6, "print('size', x) in library code"),
    ]
    listed = ratchet("rules", cwd=repo.root)
    assert "TX001  no-hasattr" in listed.stdout and "TX002  no-print" in listed.stdout
    shown = ratchet("rule", "TX001", cwd=repo.root)
    assert "hasattr($OBJ, $NAME)" in shown.stdout and "hasattr probing of {OBJ}" in shown.stdout


def test_invalid_pattern_through_the_cli(git_repo: Callable[..., GitRepo], ratchet: Callable[..., subprocess.CompletedProcess[str]]) -> None:
    repo = git_repo({"pyproject.toml": PYPROJECT.replace("hasattr($OBJ, $NAME)", "hasattr($OBJ,"), "src/size.py": BEFORE})
    for args in (["check"], ["rules"]):
        result = ratchet(*args, cwd=repo.root)
        assert (result.returncode, result.stdout) == (2, "")
        assert "TX001: invalid pattern 'hasattr($OBJ,'" in result.stderr
