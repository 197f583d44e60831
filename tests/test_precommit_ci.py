"""The CI gate of docs/ci.md, run as the workflow runs it: a pull-request branch checked against
`origin/<base>` in a clone, SARIF for code scanning and Markdown for the review comment."""

from __future__ import annotations

import json
import subprocess
from collections.abc import Callable
from pathlib import Path

import pytest
from jsonschema.validators import validator_for

from guards import RuleSet
from tests.conftest import RATCHET, GitRepo

SCHEMA = Path(__file__).parent / "guards" / "reports" / "sarif-schema-2.1.0.json"
DOC = Path(__file__).resolve().parents[1] / "docs" / "ci.md"
CLEAN = 'def load(data):\n    return data["key"]\n'
FALLBACK = 'def load(data):\n    value = 1\n    return data.get("key", None)\n'


@pytest.fixture
def pull_request(git_repo: Callable[..., GitRepo], tmp_path: Path) -> GitRepo:
    """A clone whose branch `feature` adds a fallback on top of `origin/main`."""
    origin = git_repo({"pkg/app.py": CLEAN}, name="origin")
    subprocess.run(["git", "clone", "-q", str(origin.root), str(tmp_path / "checkout")], check=True)
    clone = GitRepo(tmp_path / "checkout")
    clone.git("checkout", "-q", "-b", "feature")
    clone.write({"pkg/app.py": FALLBACK})
    clone.commit("feature")
    return clone


def _ratchet(repo: GitRepo, *args: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run([str(RATCHET), *args], cwd=repo.root, capture_output=True, text=True, timeout=60, check=False)


def test_sarif_carries_rule_ids_help_and_diff_locations(pull_request: GitRepo) -> None:
    result = _ratchet(pull_request, "check", "--base", "origin/main", "--format", "sarif")
    assert result.returncode == 1, result.stderr
    log = json.loads(result.stdout)
    schema = json.loads(SCHEMA.read_text(encoding="utf-8"))
    validator = validator_for(schema)
    validator(schema, format_checker=validator.FORMAT_CHECKER).validate(log)
    run = log["runs"][0]
    (finding,) = run["results"]
    assert finding["ruleId"] == "FB004"
    rule = run["tool"]["driver"]["rules"][finding["ruleIndex"]]
    assert rule["id"] == "FB004"
    assert rule["help"]["markdown"] == RuleSet.default().get("FB004").documentation()
    assert "## Why is this bad?" in rule["help"]["markdown"]
    location = finding["locations"][0]["physicalLocation"]
    assert location["artifactLocation"] == {"uri": "pkg/app.py", "uriBaseId": "%SRCROOT%"}
    assert location["region"]["startLine"] == 3
    assert finding["partialFingerprints"]


def test_markdown_comment_names_the_finding(pull_request: GitRepo) -> None:
    result = _ratchet(pull_request, "check", "--base", "origin/main", "--format", "markdown")
    assert result.returncode == 1, result.stderr
    assert "FB004" in result.stdout
    assert "pkg/app.py" in result.stdout


def test_workflow_in_the_docs_runs_these_commands() -> None:
    text = DOC.read_text(encoding="utf-8")
    for line in (
        "ratchet check --base origin/${{ github.base_ref }} --format sarif > ratchet.sarif",
        "uses: github/codeql-action/upload-sarif@v4",
        "sarif_file: ratchet.sarif",
        "security-events: write",
        "--format markdown",
        "fetch-depth: 0",
    ):
        assert line in text, line
