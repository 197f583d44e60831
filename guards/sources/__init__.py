"""Where a change comes from: git revisions and work trees, directory trees, patches."""

from guards.sources.dirs import directory_change
from guards.sources.git import GitRepository
from guards.sources.patch import patch_change_on_directory, patch_change_on_revision

__all__ = [
    "GitRepository",
    "directory_change",
    "patch_change_on_directory",
    "patch_change_on_revision",
]
