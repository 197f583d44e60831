"""Content ids of a tree's files without reading them, where git already knows them.

A revision's blobs are listed by `git ls-tree`; a work tree's clean tracked files by
`git ls-files -s`, with the files `git diff` reports as modified (and untracked ones) read and
hashed. Any other tree is read in full: hashing is the only way to know its content.
"""

from __future__ import annotations

from collections.abc import Mapping

from guards.duplication.cache import blob_id
from guards.sources.git import GitTree
from guards.tree import SourceTree


def _ls_tree(tree: GitTree) -> dict[str, str]:
    ids: dict[str, str] = {}
    for record in tree.repository.git("ls-tree", "-r", "-z", "--full-tree", str(tree.revision)).split(b"\0"):
        if record:
            meta, _, path = record.partition(b"\t")
            _mode, kind, object_id = meta.split()
            if kind == b"blob":
                ids[path.decode()] = object_id.decode()
    return ids


def _ls_files(tree: GitTree) -> dict[str, str]:
    ids: dict[str, str] = {}
    for record in tree.repository.git("ls-files", "-s", "-z").split(b"\0"):
        if record:
            meta, _, path = record.partition(b"\t")
            _mode, object_id, stage = meta.split()
            if stage == b"0":  # a conflicted path has stages 1-3 and is read from disk instead
                ids[path.decode()] = object_id.decode()
    modified = set(tree.repository.git("diff", "--name-only", "-z").decode().split("\0"))
    return {path: object_id for path, object_id in ids.items() if path not in modified}


def known_ids(tree: SourceTree) -> Mapping[str, str]:
    """Path → blob id for the files whose content id git can tell without reading them."""
    if isinstance(tree, GitTree):
        return _ls_tree(tree) if tree.revision is not None else _ls_files(tree)
    return {}


def content_ids(tree: SourceTree, paths: list[str]) -> tuple[dict[str, str], dict[str, bytes]]:
    """The content id of every path, and the bytes of those that had to be read to get it."""
    known = known_ids(tree)
    ids = {path: known[path] for path in paths if path in known}
    read = dict(tree.read([path for path in paths if path not in ids]))
    ids.update((path, blob_id(data)) for path, data in read.items())
    return ids, read
