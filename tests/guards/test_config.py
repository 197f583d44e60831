"""`[tool.ratchet]` settings, validated by `load_config` and observed through the engine."""

from __future__ import annotations

from typing import Any

import pytest

from guards import Change, ConfigError, FilePair, Report, RuleSet, Severity, check, load_config
from guards.config import path_matches

PLAIN = "def load(p):\n    return parse(p)\n"
SWALLOW = "def load(p):\n    try:\n        return parse(p)\n    except Exception:\n        raise_later = p\n"
PASSING_TEST = "import pytest\n\n\ndef test_load():\n    assert load('x') == 3\n"
SKIPPED_TEST = "import pytest\n\n\n@pytest.mark.skip(reason='flaky')\ndef test_load():\n    assert load('x') == 3\n"


def _change(files: dict[str, tuple[str, str]]) -> Change:
    return Change.of([FilePair(path, before.encode(), after.encode()) for path, (before, after) in files.items()])


def _run(table: dict[str, Any], files: dict[str, tuple[str, str]]) -> Report:
    return check(_change(files), load_config(table), RuleSet.default())


def _flagged(report: Report) -> set[tuple[str, str]]:
    return {(f.rule, f.path) for f in report.findings}


TWO_FILES = {"app/service.py": (PLAIN, SWALLOW), "app/legacy/old.py": (PLAIN, SWALLOW)}


@pytest.mark.parametrize(
    ("table", "expected"),
    [
        pytest.param({}, {("FB001", "app/service.py"), ("FB001", "app/legacy/old.py")}, id="defaults"),
        pytest.param({"select": ["FB001"]}, {("FB001", "app/service.py"), ("FB001", "app/legacy/old.py")}, id="select by id"),
        pytest.param({"select": ["guard"]}, set(), id="select another category"),
        pytest.param({"ignore": ["FB001"]}, set(), id="ignore by id"),
        pytest.param({"ignore": ["broad-except"]}, set(), id="ignore by name"),
        pytest.param({"ignore": ["fallback"]}, set(), id="ignore by category"),
        pytest.param({"select": ["fallback"], "ignore": ["FB001"]}, set(), id="ignore wins over select"),
        pytest.param({"exclude": ["app/legacy/**"]}, {("FB001", "app/service.py")}, id="exclude"),
        pytest.param({"per-path-ignores": {"app/legacy/**": ["FB001"]}}, {("FB001", "app/service.py")}, id="per-path ignore by id"),
        pytest.param({"per-path-ignores": {"old.py": ["fallback"]}}, {("FB001", "app/service.py")}, id="per-path ignore by file name"),
        pytest.param({"per-path-ignores": {"app/*.py": ["ALL"]}}, {("FB001", "app/legacy/old.py")}, id="per-path * stays in a segment"),
    ],
)
def test_selection_and_ignores(table: dict[str, Any], expected: set[tuple[str, str]]) -> None:
    assert {(rule, path) for rule, path in _flagged(_run(table, TWO_FILES)) if rule == "FB001"} == expected


def test_exclude_drops_the_file_from_the_report() -> None:
    report = _run({"exclude": ["app/legacy/**"]}, TWO_FILES)
    assert [f.path for f in report.files] == ["app/service.py"]


@pytest.mark.parametrize(
    ("table", "severity", "verdict", "score"),
    [
        pytest.param({}, Severity.ERROR, "reject", 5.0, id="default error rejects"),
        pytest.param({"severity": {"FB001": "warning"}}, Severity.WARNING, "accept", 1.0, id="warning by id, under budget"),
        pytest.param({"severity": {"broad-except": "info"}}, Severity.INFO, "accept", 0.0, id="info by name scores nothing"),
        pytest.param({"severity": {"FB001": "warning"}, "budget": 0.5}, Severity.WARNING, "reject", 1.0, id="warning over budget"),
        pytest.param({"severity": {"FB001": "warning"}, "weights": {"warning": 4}}, Severity.WARNING, "reject", 4.0, id="weights"),
        pytest.param({"severity": {"FB001": "warning"}, "budget": 1}, Severity.WARNING, "accept", 1.0, id="score equal to budget"),
    ],
)
def test_severity_budget_and_weights(table: dict[str, Any], severity: Severity, verdict: str, score: float) -> None:
    report = _run({"select": ["FB001"], **table}, {"app/service.py": (PLAIN, SWALLOW)})
    assert {f.severity for f in report.findings if f.rule == "FB001"} == {severity}
    assert (report.verdict, report.score) == (verdict, score)


@pytest.mark.parametrize(
    ("table", "path", "flagged"),
    [
        pytest.param({}, "tests/test_load.py", True, id="default patterns: tests/"),
        pytest.param({}, "checks/verify_load.py", False, id="default patterns: not a test file"),
        pytest.param({"test-patterns": ["checks/**"]}, "checks/verify_load.py", True, id="custom pattern"),
        pytest.param({"test-patterns": ["checks/**"]}, "tests/test_load.py", False, id="custom patterns replace the defaults"),
    ],
)
def test_test_patterns_decide_what_is_a_test(table: dict[str, Any], path: str, flagged: bool) -> None:
    report = _run(table, {path: (PASSING_TEST, SKIPPED_TEST)})
    assert ("TS003" in {f.rule for f in report.findings}) is flagged


def test_max_file_bytes_skips_large_files() -> None:
    report = _run({"max-file-bytes": 40}, {"app/service.py": (PLAIN, SWALLOW), "app/small.py": ("x = 1\n", "x = 2\n")})
    assert {f.path: f.state for f in report.files} == {"app/service.py": "skipped", "app/small.py": "analysed"}


@pytest.mark.parametrize(
    ("table", "message"),
    [
        pytest.param({"selct": ["FB001"]}, "unknown key in [tool.ratchet]: 'selct'", id="unknown key"),
        pytest.param({"ignore": "FB001"}, "ignore must be a list of strings", id="string instead of list"),
        pytest.param({"exclude": [1]}, "exclude must be a list of strings", id="list of numbers"),
        pytest.param({"severity": ["FB001"]}, "severity must be a table", id="severity not a table"),
        pytest.param({"severity": {"FB001": "fatal"}}, "severity.FB001 must be one of error, warning, info", id="bad severity"),
        pytest.param({"weights": {"fatal": 2}}, "weights.fatal", id="bad weight name"),
        pytest.param({"weights": {"error": "high"}}, "weights.error must be a number", id="bad weight"),
        pytest.param({"budget": True}, "budget must be a number", id="boolean budget"),
        pytest.param({"budget": -0.1}, "budget must not be negative", id="negative budget"),
        pytest.param({"max-file-bytes": 0}, "max-file-bytes must be positive", id="zero max-file-bytes"),
        pytest.param({"per-path-ignores": {"tests/**": "FB001"}}, "per-path-ignores.tests/** must be a list", id="per-path not a list"),
    ],
)
def test_invalid_table_is_a_config_error(table: dict[str, Any], message: str) -> None:
    with pytest.raises(ConfigError) as raised:
        load_config(table)
    assert message in str(raised.value)


@pytest.mark.parametrize(
    ("table", "message"),
    [
        pytest.param({"select": ["FB999"]}, "select: 'FB999' names no rule", id="select"),
        pytest.param({"ignore": ["no-such-rule"]}, "ignore: 'no-such-rule' names no rule", id="ignore"),
        pytest.param({"severity": {"XX001": "info"}}, "severity: 'XX001' names no rule", id="severity"),
        pytest.param({"per-path-ignores": {"a/**": ["nope"]}}, "per-path-ignores.a/**: 'nope' names no rule", id="per-path-ignores"),
    ],
)
def test_selector_naming_no_rule_is_a_config_error(table: dict[str, Any], message: str) -> None:
    with pytest.raises(ConfigError) as raised:
        _run(table, TWO_FILES)
    assert message in str(raised.value)


@pytest.mark.parametrize(
    ("path", "pattern", "matches"),
    [
        ("tests/test_a.py", "tests/**", True),
        ("pkg/tests/deep/x.py", "**/tests/**", True),
        ("tests/x.py", "**/tests/**", True),
        ("pkg/test_a.py", "test_*.py", True),
        ("pkg/a_test.py", "test_*.py", False),
        ("app/x.py", "app/*.py", True),
        ("app/sub/x.py", "app/*.py", False),
        ("app/sub/x.py", "app/**/*.py", True),
        ("app/x.py", "app/?.py", True),
        ("app/xy.py", "app/?.py", False),
        ("a+b/x.py", "a+b/*.py", True),
    ],
)
def test_path_globs(path: str, pattern: str, matches: bool) -> None:
    assert path_matches(path, pattern) is matches
