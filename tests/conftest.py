"""Shared fixtures: real git repositories in tmp_path, and the `ratchet` console script as a process."""

from __future__ import annotations

import subprocess
import sys
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from pathlib import Path

import pytest
from typer.testing import CliRunner, Result

from orchestrator.cli import app

# Fixed identity and dates make commits reproducible; no global or system config leaks in
# (a user's diff.renames or core.autocrlf would change what the guard reads).
GIT_ENV = {
    "GIT_AUTHOR_NAME": "Ratchet Test",
    "GIT_AUTHOR_EMAIL": "test@ratchet.invalid",
    "GIT_COMMITTER_NAME": "Ratchet Test",
    "GIT_COMMITTER_EMAIL": "test@ratchet.invalid",
    "GIT_AUTHOR_DATE": "2024-01-01T00:00:00+00:00",
    "GIT_COMMITTER_DATE": "2024-01-01T00:00:00+00:00",
    "GIT_CONFIG_GLOBAL": "/dev/null",
    "GIT_CONFIG_NOSYSTEM": "1",
}

RATCHET = Path(sys.executable).with_name("ratchet")

Files = Mapping[str, str | bytes]


def write_files(root: Path, files: Files) -> None:
    for path, content in files.items():
        target = root / path
        target.parent.mkdir(parents=True, exist_ok=True)
        if isinstance(content, bytes):
            target.write_bytes(content)
        else:
            target.write_text(content, encoding="utf-8")


@dataclass(frozen=True, slots=True)
class GitRepo:
    """A real repository in tmp_path; every commit is made with the fixed identity."""

    root: Path

    def git(self, *args: str) -> str:
        return subprocess.run(["git", *args], cwd=self.root, check=True, capture_output=True, text=True).stdout

    def write(self, files: Files) -> None:
        write_files(self.root, files)

    def commit(self, message: str = "change") -> str:
        self.git("add", "-A")
        self.git("commit", "-q", "--allow-empty", "-m", message)
        return self.git("rev-parse", "HEAD").strip()


@pytest.fixture
def git_repo(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Callable[..., GitRepo]:
    """`git_repo(files, name="repo")`: a repository whose first commit holds `files`."""
    for key, value in GIT_ENV.items():
        monkeypatch.setenv(key, value)

    def make(files: Files, name: str = "repo") -> GitRepo:
        root = tmp_path / name
        root.mkdir()
        subprocess.run(["git", "init", "-q", "-b", "main"], cwd=root, check=True)
        repo = GitRepo(root)
        repo.write(files)
        repo.commit("base")
        return repo

    return make


@pytest.fixture
def ratchet(monkeypatch: pytest.MonkeyPatch) -> Callable[..., subprocess.CompletedProcess[str]]:
    """`ratchet(*args, cwd=path)`: the installed console script, run as a process."""
    for key, value in GIT_ENV.items():
        monkeypatch.setenv(key, value)

    def run(*args: str, cwd: Path) -> subprocess.CompletedProcess[str]:
        return subprocess.run([str(RATCHET), *args], cwd=cwd, capture_output=True, text=True, timeout=60, check=False)

    return run


@pytest.fixture
def cli(monkeypatch: pytest.MonkeyPatch) -> Callable[..., Result]:
    """`cli(*args, cwd=path)`: the same Typer app in-process, faster than a process for routing tests."""
    for key, value in GIT_ENV.items():
        monkeypatch.setenv(key, value)

    def invoke(*args: str, cwd: Path) -> Result:
        monkeypatch.chdir(cwd)
        return CliRunner().invoke(app, list(args))

    return invoke
