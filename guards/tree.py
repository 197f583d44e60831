"""The repository around a change: every Python file on the after side, for analyses that look
beyond the changed files (duplication against the whole repository, the call graph).

A tree is a value the caller chooses with the change: the work tree, a revision, a directory, or
`NO_TREE` when only the change itself is known (a patch collection, a unit test).
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import Protocol


class SourceTree(Protocol):
    """Read-only access to the Python files of the after side, by repo-relative path."""

    def python_paths(self) -> list[str]: ...

    def read(self, paths: list[str]) -> Mapping[str, bytes]: ...


@dataclass(frozen=True, slots=True)
class NoTree:
    """Only the change is known: repository-wide analyses see the changed files alone."""

    def python_paths(self) -> list[str]:
        return []

    def read(self, paths: list[str]) -> Mapping[str, bytes]:
        assert not paths, "NoTree has no files to read"
        return {}


NO_TREE = NoTree()


@dataclass(frozen=True, slots=True)
class DirectoryTree:
    """The Python files below `root`, listed once when the tree is made (a check asks for the
    list several times: the report cache's key, duplication, the call graph)."""

    root: Path
    paths: tuple[str, ...] = field(init=False, repr=False, compare=False)

    def __post_init__(self) -> None:
        from guards.sources.dirs import python_files

        object.__setattr__(self, "paths", tuple(sorted(python_files(self.root))))

    def python_paths(self) -> list[str]:
        return list(self.paths)

    def read(self, paths: list[str]) -> Mapping[str, bytes]:
        return {path: (self.root / path).read_bytes() for path in paths}

