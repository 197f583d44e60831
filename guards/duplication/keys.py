"""Content ids of a tree's files without reading them, where git already knows them.

A git tree's listing (`guards.sources.listing`) carries them: a revision's blobs from
`git ls-tree`, a work tree's clean tracked files from the index, with modified and untracked
files read and hashed. Any other tree is read in full: hashing is the only way to know its content.
`blob_id` comes from the git listing, not the duplication cache: a cached check (`report_cache`)
imports neither the cache's sqlite3 nor the tokenizer.
"""

from __future__ import annotations

from collections.abc import Mapping
from types import MappingProxyType

from guards.sources.git import GitTree
from guards.sources.listing import blob_id
from guards.tree import SourceTree

_NONE_KNOWN: Mapping[str, str] = MappingProxyType({})


def known_ids(tree: SourceTree) -> Mapping[str, str]:
    """Path → blob id for the files whose content id git can tell without reading them."""
    return tree.listing.blob_ids if isinstance(tree, GitTree) else _NONE_KNOWN


def content_ids(tree: SourceTree, paths: list[str]) -> tuple[dict[str, str], dict[str, bytes]]:
    """The content id of every path, and the bytes of those that had to be read to get it."""
    known = known_ids(tree)
    ids = {path: known[path] for path in paths if path in known}
    read = dict(tree.read([path for path in paths if path not in ids]))
    ids.update((path, blob_id(data)) for path, data in read.items())
    return ids, read
