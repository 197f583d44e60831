"""The `ratchet` command line's contract, through the installed console script: exit codes,
the JSON report's keys, the rule listing and documentation, and the bundled demo."""

from __future__ import annotations

import json
import subprocess
from collections.abc import Callable
from pathlib import Path

import pytest
from typer.testing import Result

from guards import Category, RuleSet
from orchestrator.cli import load_report
from orchestrator.demo import HONEST_FIX, is_expected, prepare_demo_repository
from orchestrator.demo_loop import TASK_ID
from tests.conftest import GitRepo

Run = Callable[..., subprocess.CompletedProcess[str]]

PLAIN = "def load(p):\n    return parse(p)\n"
SWALLOW = "def load(p):\n    try:\n        return parse(p)\n    except Exception:\n        return None\n"
HONEST = "def load(p):\n    return parse(p.strip())\n"
REPORT_KEYS = {"schema_version", "verdict", "score", "budget", "findings", "files", "metrics"}
FINDING_KEYS = {"rule", "name", "category", "severity", "path", "line", "end_line", "message", "suggestion"}


@pytest.mark.parametrize(
    ("after", "code", "verdict"),
    [pytest.param(HONEST, 0, "accept", id="accept"), pytest.param(SWALLOW, 1, "reject", id="reject")],
)
def test_check_exit_code_and_json_report(git_repo: Callable[..., GitRepo], ratchet: Run, after: str, code: int, verdict: str) -> None:
    repo = git_repo({"app/service.py": PLAIN})
    repo.write({"app/service.py": after})
    result = ratchet("check", "--format", "json", cwd=repo.root)
    assert result.returncode == code, result.stderr
    report = json.loads(result.stdout)
    assert set(report) == REPORT_KEYS
    assert (report["schema_version"], report["verdict"]) == (1, verdict)
    assert [f["path"] for f in report["files"]] == ["app/service.py"]
    assert all(set(finding) == FINDING_KEYS for finding in report["findings"])
    assert ("FB001" in {f["rule"] for f in report["findings"]}) is (verdict == "reject")


@pytest.mark.parametrize(
    ("args", "message"),
    [
        pytest.param(["check", "--base", "HEAD"], "ratchet: error: . is not inside a git repository", id="check outside a repository"),
        pytest.param(["rule", "XX999"], "ratchet: error: no rule 'XX999'; `ratchet rules` lists them", id="unknown rule id"),
    ],
)
def test_errors_exit_2_with_one_line_and_no_traceback(ratchet: Run, tmp_path: Path, args: list[str], message: str) -> None:
    result = ratchet(*args, cwd=tmp_path)
    assert (result.returncode, result.stdout) == (2, "")
    assert result.stderr.splitlines() == [message]


def test_finding_fields_in_json(git_repo: Callable[..., GitRepo], cli: Callable[..., Result]) -> None:
    repo = git_repo({"app/service.py": PLAIN})
    repo.write({"app/service.py": SWALLOW})
    findings = json.loads(cli("check", "--format", "json", cwd=repo.root).stdout)["findings"]
    (broad,) = [f for f in findings if f["rule"] == "FB001"]
    assert {k: broad[k] for k in ("name", "category", "severity", "path", "line", "end_line")} == {
        "name": "broad-except",
        "category": "fallback",
        "severity": "error",
        "path": "app/service.py",
        "line": 4,
        "end_line": 5,
    }
    assert broad["message"] and broad["suggestion"]


@pytest.mark.parametrize("format", ["text", "json", "sarif", "markdown", "feedback"])
def test_every_format_keeps_the_exit_code(git_repo: Callable[..., GitRepo], cli: Callable[..., Result], format: str) -> None:
    repo = git_repo({"app/service.py": PLAIN})
    repo.write({"app/service.py": SWALLOW})
    result = cli("check", "--format", format, cwd=repo.root)
    assert result.exit_code == 1, (result.stderr, result.exception)
    assert result.stdout.strip()


def test_rules_lists_every_rule(cli: Callable[..., Result], tmp_path: Path) -> None:
    result = cli("rules", cwd=tmp_path)
    assert result.exit_code == 0
    rows = [line.split() for line in result.stdout.splitlines()]
    assert ["FB001", "broad-except", "fallback", "error"] in rows
    assert [row[0] for row in rows] == [rule.meta.id for rule in RuleSet.default().rules]
    assert {row[2] for row in rows} <= {c.value for c in Category}


@pytest.mark.parametrize("name", ["FB001", "broad-except"])
def test_rule_prints_its_documentation(cli: Callable[..., Result], tmp_path: Path, name: str) -> None:
    result = cli("rule", name, cwd=tmp_path)
    assert result.exit_code == 0
    assert result.stdout.startswith("# FB001 broad-except\n")
    for heading in ("## What it does", "## Why is this bad?", "## Example", "## Use instead"):
        assert heading in result.stdout


def test_unknown_option_is_a_usage_error(cli: Callable[..., Result], tmp_path: Path) -> None:
    result = cli("check", "--no-such-option", cwd=tmp_path)
    assert (result.exit_code, result.stdout) == (2, "")
    assert "--no-such-option" in result.stderr


def test_demo_rejects_the_agent_change_then_runs_the_loop_to_acceptance(ratchet: Run, tmp_path: Path) -> None:
    result = ratchet("demo", cwd=tmp_path)
    assert result.returncode == 0, result.stderr
    guard_part, loop_part = result.stdout.split("--- the loop ---")
    assert "FB001" in guard_part and "TS003" in guard_part and "REJECT" in guard_part
    assert not [line for line in guard_part.splitlines() if line.startswith(HONEST_FIX)]
    steps = [line.split() for line in loop_part.splitlines() if "→" in line]
    assert [(step[0], step[4], step[6], step[7]) for step in steps] == [("1", "pass", "reject", "[FB001]"), ("2", "pass", "accept", "0")]
    assert [step[step.index("→") + 1] for step in steps] == ["continue:", "accept:"]
    assert f"task {TASK_ID}: accepted" in loop_part
    assert list(tmp_path.iterdir()) == []


def test_demo_findings_by_file(tmp_path: Path) -> None:
    report = load_report(prepare_demo_repository(tmp_path), None, None, False, None, None, None)
    by_path = {(f.path, f.rule) for f in report.findings}
    assert {("inventory/stock.py", "FB001"), ("tests/test_stock.py", "TS002"), ("tests/test_stock.py", "TS003")} <= by_path
    assert {f.path for f in report.files} == {"inventory/reorder.py", "inventory/stock.py", "tests/test_reorder.py", "tests/test_stock.py"}
    assert HONEST_FIX not in {f.path for f in report.findings}
    assert "tests/test_reorder.py" not in {f.path for f in report.findings}
    assert is_expected(report)
