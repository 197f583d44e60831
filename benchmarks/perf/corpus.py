"""The corpus: Django's published source distributions, downloaded once with pip and extracted.

The trees compared are the whole sdists (the `django` package, its tests, docs and scripts), as
issue 3 measures them: about 465 changed Python files in a tree of about 2,800.

Everything lives under one cache directory (by default `~/.cache/ratchet-bench`, outside the
repository): the sdists, their extracted trees, the peers' venv and the one-file git repository.
"""

from __future__ import annotations

import shutil
import subprocess
import sys
import tarfile
from dataclasses import dataclass
from pathlib import Path

from guards.sources.dirs import directory_change

BEFORE_VERSION, AFTER_VERSION = "5.1.0", "5.2.0"
# The file the one-file change edits, and what it appends: a function with a swallowed error,
# so the check has something to find.
ONE_FILE = "django/utils/text.py"
ONE_FILE_EDIT = '''

def _bench_first_word(value):
    try:
        return value.split()[0]
    except IndexError:
        return ""
'''


@dataclass(frozen=True, slots=True)
class Corpus:
    """Two package trees (the `django/` directories) and the after-side paths of the changed files."""

    before: Path
    after: Path
    changed: tuple[str, ...]
    deleted: tuple[str, ...]

    @classmethod
    def of(cls, before: Path, after: Path) -> Corpus:
        change = directory_change(before, after)
        changed = tuple(f.path for f in change.files if f.after is not None)
        deleted = tuple(f.path for f in change.files if f.after is None)
        return cls(before, after, changed, deleted)


def _sdist(cache: Path, version: str) -> Path:
    """The extracted sdist of Django `version`; downloads and extracts it on first use."""
    sdists = cache / "sdist"
    short = version.removesuffix(".0")
    extracted = cache / "src" / f"Django-{short}"
    if extracted.is_dir():
        return extracted
    sdists.mkdir(parents=True, exist_ok=True)
    archive = sdists / f"Django-{short}.tar.gz"
    if not archive.exists():
        subprocess.run(
            [sys.executable, "-m", "pip", "download", "--quiet", "--no-deps", "--no-binary", ":all:", f"django=={version}", "-d", str(sdists)],
            check=True,
        )
    with tarfile.open(archive) as tar:
        tar.extractall(cache / "src", filter="data")
    assert extracted.is_dir(), f"{archive} did not extract to {extracted}"
    return extracted


def django_corpus(cache: Path) -> Corpus:
    return Corpus.of(_sdist(cache, BEFORE_VERSION), _sdist(cache, AFTER_VERSION))


def one_file_repository(after: Path, repository: Path, edited: str, edit: str) -> Path:
    """A git repository holding a copy of `after` (committed), with `edit` appended to `edited`
    (relative to `after`) in the work tree: `ratchet check` there sees a one-file change in a
    large tree. Built once."""
    if not (repository / ".git").is_dir():
        if repository.exists():  # A copy interrupted before its commit: start over.
            shutil.rmtree(repository)
        shutil.copytree(after, repository / after.name, ignore=shutil.ignore_patterns(".ratchet"))
        git = ["git", "-C", str(repository), "-c", "user.name=bench", "-c", "user.email=bench@example.invalid"]
        subprocess.run([*git, "init", "--quiet"], check=True)
        subprocess.run([*git, "add", "--all"], check=True)
        subprocess.run([*git, "commit", "--quiet", "--message", "the after tree"], check=True)
    target = repository / after.name / edited
    original = (after / edited).read_text(encoding="utf-8")
    target.write_text(original + edit, encoding="utf-8")
    return repository
