"""Bad input has a defined outcome: a skipped-file notice, a parse finding, or exit 2 with one line."""

from __future__ import annotations

import subprocess
from collections.abc import Callable
from pathlib import Path

import pytest
from typer.testing import Result

from guards import Change, Config, FilePair, RuleSet, check
from tests.conftest import GitRepo

SWALLOW = b"def load(p):\n    try:\n        return parse(p)\n    except Exception:\n        return None\n"


def _one_file(before: bytes | None, after: bytes | None, config: Config = Config()) -> tuple[str, str, set[str]]:
    report = check(Change.of([FilePair("app/mod.py", before, after)]), config, RuleSet.default())
    (status,) = report.files
    return status.state, status.reason, {f.rule for f in report.findings}


@pytest.mark.parametrize(
    ("before", "after", "reason"),
    [
        pytest.param(None, "x = 'caf\xe9'\n".encode("latin-1"), "not decodable", id="latin-1 without a coding cookie"),
        pytest.param(b"x = 1\n", b"x = '\xff\xfe'\n", "not decodable", id="invalid UTF-8 on the new side"),
        pytest.param(b"x = '\xff'\n", b"x = 1\n", "not decodable", id="invalid UTF-8 on the old side"),
        pytest.param(None, b"# -*- coding: nope -*-\nx = 1\n", "not decodable", id="unknown coding cookie"),
        pytest.param(None, b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR", "binary", id="binary"),
        pytest.param(None, b"x = 1\n" * 20, "larger than the limit of 64 bytes", id="over max-file-bytes"),
    ],
)
def test_unreadable_file_is_skipped_with_a_notice(before: bytes | None, after: bytes, reason: str) -> None:
    state, notice, rules = _one_file(before, after, Config(max_file_bytes=64))
    assert state == "skipped"
    assert reason in notice
    assert rules == set()


@pytest.mark.parametrize(
    "after",
    [
        pytest.param("# -*- coding: latin-1 -*-\nx = 'caf\xe9'\n".encode("latin-1"), id="latin-1 with a coding cookie"),
        pytest.param(b"\xef\xbb\xbfx = 'caf\xc3\xa9'\n", id="UTF-8 with a BOM"),
    ],
)
def test_declared_encodings_are_analysed(after: bytes) -> None:
    assert _one_file(None, after)[0] == "analysed"


@pytest.mark.parametrize(
    ("before", "after"),
    [
        pytest.param(SWALLOW, b"def load(p):\n    return parse(p\n", id="changed file"),
        pytest.param(None, b"def broken(:\n", id="new file"),
        pytest.param(b"x = 1\n", b"x = = 2\n", id="module statement"),
    ],
)
def test_syntax_error_on_the_new_side_is_a_parse_finding(before: bytes | None, after: bytes) -> None:
    state, _, rules = _one_file(before, after)
    assert state == "analysed"
    assert "PR001" in rules


def test_syntax_error_only_on_the_old_side_analyses_the_new_side_as_new() -> None:
    state, _, rules = _one_file(b"def load(p:\n", SWALLOW)
    assert state == "analysed"
    assert "FB001" in rules
    assert "PR001" not in rules


def test_empty_change_is_nothing_to_check(git_repo: Callable[..., GitRepo], cli: Callable[..., Result]) -> None:
    repo = git_repo({"app/mod.py": "x = 1\n", "notes.md": "a\n"})
    repo.write({"notes.md": "b\n"})
    result = cli("check", cwd=repo.root)
    assert (result.exit_code, result.stdout.strip()) == (0, "nothing to check: the change touches no Python files")


def test_skipped_files_reach_the_report_from_a_repository(git_repo: Callable[..., GitRepo], cli: Callable[..., Result]) -> None:
    repo = git_repo({"pyproject.toml": "[tool.ratchet]\nmax-file-bytes = 100\n", "app/ok.py": "x = 1\n"})
    repo.write({"app/blob.py": b"\x00\x01\x02", "app/big.py": "x = 1\n" * 50, "app/ok.py": "x = 2\n"})
    result = cli("check", "--format", "json", cwd=repo.root)
    assert result.exit_code == 0, result.stderr
    assert '"state": "skipped"' in result.stdout
    assert result.stdout.count('"state": "skipped"') == 2


def _bad_repo_cases(repo: GitRepo, tmp_path: Path) -> dict[str, tuple[list[str], Path, str]]:
    """Each bad input: the arguments, where to run, and a phrase the one-line error must contain."""
    not_a_repo = tmp_path / "plain"
    not_a_repo.mkdir()
    (tmp_path / "bad.patch").write_text("diff --git a/app/mod.py b/app/mod.py\n--- a/app/mod.py\n+++ b/app/mod.py\n@@ -1 +1 @@\n-y = 9\n+y = 10\n")
    (tmp_path / "latin.patch").write_bytes(b"--- a/app/mod.py\n+++ b/app/mod.py\n@@ -1 +1 @@\n-x = 1\n+x = '\xe9'\n")
    (tmp_path / "escape.patch").write_text("--- a/../outside.py\n+++ b/../outside.py\n@@ -1 +1 @@\n-x = 1\n+x = 2\n")
    (tmp_path / "prose.patch").write_text("this is not a diff\n")
    return {
        "not a repository": ([], not_a_repo, "not inside a git repository"),
        "--repo not a directory": (["--repo", str(tmp_path / "missing")], tmp_path, "is not a directory"),
        "unknown revision": (["--base", "no-such-rev"], repo.root, "'no-such-rev'"),
        "unknown --head": (["--head", "no-such-rev"], repo.root, "'no-such-rev'"),
        "patch does not apply": (["--patch", str(tmp_path / "bad.patch")], repo.root, "does not apply"),
        "patch file missing": (["--patch", str(tmp_path / "absent.patch")], repo.root, "cannot read patch"),
        "patch not UTF-8": (["--patch", str(tmp_path / "latin.patch")], repo.root, "cannot read patch"),
        "patch leaves the base": (["--patch", str(tmp_path / "escape.patch")], repo.root, "outside"),
        "patch is not a diff": (["--patch", str(tmp_path / "prose.patch")], repo.root, "names no files"),
        "--before missing": (["--before", str(tmp_path / "missing"), "--after", str(repo.root)], tmp_path, "is not a directory"),
        "--after alone": (["--after", str(repo.root)], repo.root, "--after goes with --before"),
        "--head with --staged": (["--head", "HEAD", "--staged"], repo.root, "exclude each other"),
    }


BAD_CASES = [
    "not a repository",
    "--repo not a directory",
    "unknown revision",
    "unknown --head",
    "patch does not apply",
    "patch file missing",
    "patch not UTF-8",
    "patch leaves the base",
    "patch is not a diff",
    "--before missing",
    "--after alone",
    "--head with --staged",
]


@pytest.mark.parametrize("case", BAD_CASES)
def test_bad_input_exits_2_with_one_line(git_repo: Callable[..., GitRepo], cli: Callable[..., Result], tmp_path: Path, case: str) -> None:
    repo = git_repo({"app/mod.py": "x = 1\n"})
    args, cwd, phrase = _bad_repo_cases(repo, tmp_path)[case]
    result = cli("check", *args, cwd=cwd)
    assert result.exit_code == 2, (result.stdout, result.exception)
    assert result.stdout == ""
    (line,) = result.stderr.splitlines()
    assert line.startswith("ratchet: error: ")
    assert phrase in line


@pytest.mark.parametrize(
    ("pyproject", "phrase"),
    [
        pytest.param("[tool.ratchet]\nselcet = ['FB001']\n", "'selcet'", id="unknown key"),
        pytest.param("[tool.ratchet]\nselect = ['FB999']\n", "'FB999' names no rule", id="select names no rule"),
        pytest.param("[tool.ratchet]\nignore = ['no-such-rule']\n", "'no-such-rule' names no rule", id="ignore names no rule"),
        pytest.param("[tool.ratchet.per-path-ignores]\n'tests/**' = ['XX001']\n", "'XX001' names no rule", id="per-path ignore names no rule"),
        pytest.param("[tool.ratchet.severity]\nFB001 = 'fatal'\n", "severity.FB001", id="unknown severity"),
        pytest.param("[tool.ratchet]\nbudget = -1\n", "budget", id="negative budget"),
        pytest.param("[tool.ratchet]\nbudget = 'high'\n", "budget must be a number", id="budget not a number"),
        pytest.param("[tool.ratchet]\nselect = 'FB001'\n", "select must be a list of strings", id="select not a list"),
        pytest.param("[tool.ratchet\n", "pyproject.toml", id="invalid TOML"),
    ],
)
def test_bad_configuration_exits_2_naming_the_problem(
    git_repo: Callable[..., GitRepo], cli: Callable[..., Result], pyproject: str, phrase: str
) -> None:
    repo = git_repo({"app/mod.py": "x = 1\n"})
    repo.write({"pyproject.toml": pyproject, "app/mod.py": "x = 2\n"})
    result = cli("check", cwd=repo.root)
    assert result.exit_code == 2, (result.stdout, result.exception)
    (line,) = result.stderr.splitlines()
    assert phrase in line


def test_repository_without_commits_exits_2(tmp_path: Path, cli: Callable[..., Result]) -> None:
    subprocess.run(["git", "init", "-q"], cwd=tmp_path, check=True)
    result = cli("check", cwd=tmp_path)
    assert result.exit_code == 2
    assert "'HEAD' does not name a commit" in result.stderr
