"""A git tree's Python files listed once: which exist, the blob id of each whose content git
already knows, and (work tree only) which are untracked.

The work tree costs one `git ls-files` process whose untracked scan (the costly part on a large
tree) serves both the change (`GitRepository.worktree_change_in`) and the tree around it
(`GitTree`); a revision costs one `git ls-tree`. The listing is a value made once: whoever holds
it sees the same files.
"""

from __future__ import annotations

import hashlib
from collections.abc import Mapping
from dataclasses import dataclass
from types import MappingProxyType
from typing import TYPE_CHECKING

from guards.change import is_python_path

if TYPE_CHECKING:
    from guards.sources.git import GitRepository

# Modes of a regular file in the index; a symlink (120000) names its target in its blob, and a
# submodule (160000) is a commit, so neither blob id is the content `read` returns.
_REGULAR_MODES = frozenset({"100644", "100755"})
# `git ls-files -t` tags: H cached, S skip-worktree, M unmerged, C modified, R removed, ? untracked.
# A modified or removed file is listed twice: cached (H), then with its change (C, R).
_WORKTREE_LISTING = ["ls-files", "-z", "-t", "-s", "--cached", "--others", "--exclude-standard", "--modified", "--deleted"]


@dataclass(frozen=True, slots=True)
class TreeListing:
    """`paths`: the tree's Python files, sorted. `blob_ids`: path → blob id for those whose content
    git can tell without reading them. `untracked`: the work tree's untracked, not ignored,
    Python paths (none for a revision), as git lists them."""

    paths: tuple[str, ...]
    blob_ids: Mapping[str, str]
    untracked: frozenset[str]

    def __post_init__(self) -> None:
        assert list(self.paths) == sorted(set(self.paths)), "paths are sorted and distinct"
        assert self.blob_ids.keys() <= set(self.paths), "a known blob id belongs to a listed path"

    @classmethod
    def of_revision(cls, repository: GitRepository, revision: str) -> TreeListing:
        ids: dict[str, str] = {}
        for record in _records(repository.git("ls-tree", "-r", "-z", "--full-tree", revision)):
            meta, _, path = record.partition("\t")
            _mode, kind, object_id = meta.split()
            if kind == "blob" and is_python_path(path):
                ids[path] = object_id
        return cls(tuple(sorted(ids)), MappingProxyType(ids), frozenset())

    @classmethod
    def of_worktree(cls, repository: GitRepository) -> TreeListing:
        """Clean tracked files are known from the index; a file git reports as modified, or that
        is not a plain staged file (unmerged, skip-worktree, symlink, submodule), and every
        untracked one is listed if it is a file on disk, and its content is read when asked."""
        staged, unknown, untracked = _worktree_records(_records(repository.git(*_WORKTREE_LISTING)))
        known = {path: object_id for path, object_id in staged.items() if path not in unknown}
        on_disk = {path for path in unknown | untracked if (repository.root / path).is_file()}
        return cls(tuple(sorted(known.keys() | on_disk)), MappingProxyType(known), frozenset(untracked))


def _worktree_records(records: list[str]) -> tuple[dict[str, str], set[str], set[str]]:
    """The Python paths of `git ls-files -t -s` records: blob id of each plain staged file, the
    tracked paths whose content the index does not tell, and the untracked paths."""
    staged: dict[str, str] = {}
    unknown: set[str] = set()
    untracked: set[str] = set()
    for record in records:
        tag, _, rest = record.partition(" ")
        if tag == "?":
            if is_python_path(rest):
                untracked.add(rest)
            continue
        meta, _, path = rest.partition("\t")
        mode, object_id, stage = meta.split()
        if is_python_path(path) and tag == "H" and stage == "0" and mode in _REGULAR_MODES:
            staged[path] = object_id
        elif is_python_path(path):
            unknown.add(path)
    return staged, unknown, untracked


def blob_id(data: bytes) -> str:
    """Git's object id of a blob with these bytes (SHA-1 object format): a file read from disk
    gets the id git would list for it."""
    return hashlib.sha1(b"blob %d\0" % len(data) + data, usedforsecurity=False).hexdigest()


def _records(output: bytes) -> list[str]:
    """NUL-terminated records (`-z`): the text after the last NUL is empty."""
    return output.decode().split("\0")[:-1]
