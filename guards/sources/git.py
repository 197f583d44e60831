"""Changes read from a git repository: a revision against the work tree, the index, or another revision.

Git's failures are translated into `guards.errors` here, once.
"""

from __future__ import annotations

import subprocess
from dataclasses import dataclass, field
from pathlib import Path

from guards.change import Change, FilePair, is_python_path
from guards.errors import InputError, NotARepository, UnknownRevision
from guards.sources.listing import TreeListing


@dataclass(frozen=True, slots=True)
class _Entry:
    """One line of `git diff --name-status`: a status letter and the paths on each side."""

    status: str
    old_path: str
    new_path: str


def _run_git(cwd: Path, args: list[str], stdin: bytes | None = None) -> subprocess.CompletedProcess[bytes]:
    return subprocess.run(["git", *args], cwd=cwd, input=stdin, capture_output=True, check=False)


@dataclass(frozen=True, slots=True)
class GitRepository:
    """A git work tree; made only through `open`, which proves the path is one."""

    root: Path

    @classmethod
    def open(cls, path: Path) -> GitRepository:
        if not path.is_dir():
            raise NotARepository(f"{path} is not a directory")
        result = _run_git(path, ["rev-parse", "--show-toplevel"])
        if result.returncode != 0:
            raise NotARepository(f"{path} is not inside a git repository")
        return cls(Path(result.stdout.decode().strip()))

    def git(self, *args: str, stdin: bytes | None = None) -> bytes:
        result = _run_git(self.root, list(args), stdin)
        if result.returncode != 0:
            message = result.stderr.decode(errors="replace").strip().splitlines()
            raise InputError(f"git {args[0]} failed: {message[-1] if message else result.returncode}")
        return result.stdout

    def resolve(self, revision: str) -> str:
        result = _run_git(self.root, ["rev-parse", "--verify", "--quiet", "--end-of-options", f"{revision}^{{commit}}"])
        if result.returncode != 0:
            raise UnknownRevision(f"revision {revision!r} does not name a commit in {self.root}")
        return result.stdout.decode().strip()

    def worktree_change(self, base: str = "HEAD") -> Change:
        """`base` against the work tree, untracked files that are not ignored included."""
        return self.worktree_change_in(TreeListing.of_worktree(self), base)

    def worktree_change_in(self, listing: TreeListing, base: str = "HEAD") -> Change:
        """`base` against the work tree `listing` lists (`GitTree.listing`): its untracked files
        are the change's added ones, so the tree and the change come from one scan."""
        commit = self.resolve(base)
        entries = self._diff_entries(["diff", "-M", "--name-status", "-z", commit, "--"])
        entries = _with_untracked(entries, set(listing.untracked))
        afters = {path: self._read_worktree(path) for path in _after_paths(entries)}
        return _pairs(entries, self._befores(commit, entries), afters)

    def revision_change(self, base: str, head: str) -> Change:
        """Between two commits; nothing of the work tree is read."""
        base_commit, head_commit = self.resolve(base), self.resolve(head)
        entries = self._diff_entries(["diff", "-M", "--name-status", "-z", base_commit, head_commit, "--"])
        return _pairs(entries, self._befores(base_commit, entries), self.blobs_at(head_commit, _after_paths(entries)))

    def staged_change(self, base: str = "HEAD") -> Change:
        """The index against `base`: what `git commit` would record."""
        commit = self.resolve(base)
        entries = self._diff_entries(["diff", "--cached", "-M", "--name-status", "-z", commit, "--"])
        return _pairs(entries, self._befores(commit, entries), self.blobs_at("", _after_paths(entries)))

    def read_blobs(self, specs: list[str]) -> list[bytes]:
        """Contents of `rev:path` specs through one `git cat-file --batch` process."""
        output = self.git("cat-file", "--batch", stdin="".join(f"{spec}\n" for spec in specs).encode())
        blobs: list[bytes] = []
        offset = 0
        for spec in specs:
            header_end = output.index(b"\n", offset)
            header = output[offset:header_end].split()
            if header[-1] == b"missing":
                raise InputError(f"git has no object for {spec}")
            size = int(header[2])
            blobs.append(output[header_end + 1 : header_end + 1 + size])
            offset = header_end + 1 + size + 1
        return blobs

    def _befores(self, commit: str, entries: list[_Entry]) -> dict[str, bytes]:
        return self.blobs_at(commit, [e.old_path for e in entries if e.status != "A" and is_python_path(e.old_path)])

    def blobs_at(self, revision: str, paths: list[str]) -> dict[str, bytes]:
        """`revision` "" reads the index."""
        return dict(zip(paths, self.read_blobs([f"{revision}:{path}" for path in paths]), strict=True))

    def _read_worktree(self, path: str) -> bytes | None:
        file = self.root / path
        return file.read_bytes() if file.is_file() else None

    def _diff_entries(self, args: list[str]) -> list[_Entry]:
        fields = self.git(*args).decode().split("\0")
        entries: list[_Entry] = []
        position = 0
        while position < len(fields) - 1:
            status = fields[position][0]
            width = 3 if status in "RC" else 2
            old, new = fields[position + 1], fields[position + width - 1]
            position += width
            if is_python_path(old) or is_python_path(new):
                entries.append(_Entry(status, old, new))
        return entries


def _with_untracked(entries: list[_Entry], untracked: set[str]) -> list[_Entry]:
    """Untracked files as additions. A file in the base that is untracked now (e.g. removed from the
    index) is listed as deleted by the diff; it is still in the work tree, so it is a modification."""
    revived = [_Entry("M", e.old_path, e.new_path) if e.status == "D" and e.old_path in untracked else e for e in entries]
    listed = {entry.new_path for entry in revived}
    return revived + [_Entry("A", path, path) for path in sorted(untracked - listed)]


def _after_paths(entries: list[_Entry]) -> list[str]:
    return [entry.new_path for entry in entries if entry.status != "D" and is_python_path(entry.new_path)]


def _pairs(entries: list[_Entry], befores: dict[str, bytes], afters: dict[str, bytes | None]) -> Change:
    pairs: list[FilePair] = []
    for entry in entries:
        before = befores[entry.old_path] if entry.old_path in befores and entry.status != "A" else None
        after = afters[entry.new_path] if entry.new_path in afters and entry.status != "D" else None
        if before == after:
            continue
        if entry.status != "R" or before is None or after is None:
            pairs.append(FilePair(entry.new_path if after is not None else entry.old_path, before, after))
        else:
            pairs.append(FilePair(entry.new_path, before, after, old_path=entry.old_path))
    return Change.of(pairs)


@dataclass(frozen=True, slots=True)
class GitTree:
    """The Python files of a revision (`revision` set) or of the work tree (tracked and untracked,
    ignored files left out), listed once when the tree is made."""

    repository: GitRepository
    revision: str | None
    listing: TreeListing = field(init=False, repr=False, compare=False)

    def __post_init__(self) -> None:
        if self.revision is None:
            listing = TreeListing.of_worktree(self.repository)
        else:
            listing = TreeListing.of_revision(self.repository, self.revision)
        object.__setattr__(self, "listing", listing)

    def python_paths(self) -> list[str]:
        return list(self.listing.paths)

    def read(self, paths: list[str]) -> dict[str, bytes]:
        if self.revision is None:
            return {path: (self.repository.root / path).read_bytes() for path in paths}
        return self.repository.blobs_at(self.revision, paths)
