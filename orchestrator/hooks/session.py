"""What the hooks remember per Claude Code session, and snapshots of the work tree as commits.

A session's baseline is the state of the work tree when it started, as a commit: `HEAD` when the
tree was clean, otherwise a snapshot commit whose parent is `HEAD`. Snapshots are made through a
temporary copy of the index (`git add -A` into it, `write-tree`, `commit-tree`), so the user's
index, work tree and refs are never touched. Judging the change between two snapshots (at start
and at stop) leaves out whatever was dirty before the session, and includes what the session
committed.

State lives in `.ratchet/hooks/` of the work tree, one small file per fact and session, with a
`.gitignore` of `*` so the directory never shows up in `git status` or in a snapshot.

A snapshot commit is reachable from no ref, so `git gc` may prune it once it is older than
`gc.pruneExpire` (two weeks by default); the stop hook of a session older than that reports the
missing baseline as an error, without blocking.
"""

from __future__ import annotations

import os
import shutil
import subprocess
import tempfile
from dataclasses import dataclass
from pathlib import Path

from guards import GitRepository, InputError

HOOKS_DIR = Path(".ratchet") / "hooks"
# Snapshot commits carry their own identity, so they work in repositories without one configured.
_IDENTITY = ("-c", "user.name=Ratchet", "-c", "user.email=ratchet@localhost")
_NOT_RATCHET = ":(exclude,top).ratchet"


def _git_with_index(repository: GitRepository, index: Path, *args: str) -> str:
    """`git` on a private index file; git's failures become `InputError`, as in `guards.sources.git`."""
    env = {**os.environ, "GIT_INDEX_FILE": str(index)}
    result = subprocess.run(["git", *args], cwd=repository.root, env=env, capture_output=True, check=False)
    if result.returncode != 0:
        message = result.stderr.decode(errors="replace").strip().splitlines()
        raise InputError(f"git {args[0]} failed: {message[-1] if message else result.returncode}")
    return result.stdout.decode().strip()


def snapshot(repository: GitRepository) -> str:
    """The work tree as a commit (untracked files included, ignored ones not): `HEAD` itself when
    nothing differs from it."""
    head = repository.resolve("HEAD")
    index = Path(repository.git("rev-parse", "--path-format=absolute", "--git-path", "index").decode().strip())
    with tempfile.TemporaryDirectory(prefix="ratchet-index-") as scratch:
        private = Path(scratch) / "index"
        # Copying keeps git's stat cache, so only files changed since the last `git status` are hashed.
        if index.is_file():
            shutil.copyfile(index, private)
        _git_with_index(repository, private, "add", "--all", "--", ".", _NOT_RATCHET)
        tree = _git_with_index(repository, private, "write-tree")
    if tree == repository.git("rev-parse", f"{head}^{{tree}}").decode().strip():
        return head
    message = "ratchet: work tree snapshot"
    return repository.git(*_IDENTITY, "commit-tree", tree, "-p", head, "-m", message).decode().strip()


@dataclass(frozen=True, slots=True)
class SessionStore:
    """The hooks' per-session files in one repository."""

    repository: GitRepository

    @property
    def directory(self) -> Path:
        return self.repository.root / HOOKS_DIR

    def _file(self, session_id: str, fact: str) -> Path:
        return self.directory / f"{session_id}.{fact}"

    def _write(self, session_id: str, fact: str, text: str) -> None:
        self.directory.mkdir(parents=True, exist_ok=True)
        ignore = self.directory / ".gitignore"
        if not ignore.is_file():
            ignore.write_text("*\n", encoding="utf-8")
        self._file(session_id, fact).write_text(text + "\n", encoding="utf-8")

    def has_baseline(self, session_id: str) -> bool:
        return self._file(session_id, "baseline").is_file()

    def record_baseline(self, session_id: str, commit: str) -> None:
        self._write(session_id, "baseline", commit)

    def baseline(self, session_id: str) -> str:
        """The commit the session started from; `HEAD` when the session started before the hook
        was installed. Raises `UnknownRevision` when the recorded snapshot was pruned."""
        if self.has_baseline(session_id):
            return self.repository.resolve(self._file(session_id, "baseline").read_text(encoding="utf-8").strip())
        return self.repository.resolve("HEAD")

    def blocks(self, session_id: str) -> int:
        """Consecutive stops this hook blocked in the session."""
        file = self._file(session_id, "blocks")
        return int(file.read_text(encoding="utf-8")) if file.is_file() else 0

    def set_blocks(self, session_id: str, count: int) -> None:
        assert count >= 0, count
        self._write(session_id, "blocks", str(count))
