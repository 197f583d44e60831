"""The change model: a change is a set of file pairs `(path, before, after)`.

`None` stands on the side where the file does not exist, as in the design. Paths are
repository-relative with forward slashes; only Python sources are ever put into a change.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import PurePosixPath


def is_python_path(path: str) -> bool:
    return path.endswith(".py")


def normalise_path(path: str) -> str:
    """Repo-relative, forward slashes, no leading `./`; rejects paths that leave the root."""
    posix = PurePosixPath(path.replace("\\", "/"))
    if posix.is_absolute() or ".." in posix.parts:
        raise ValueError(f"path {path!r} is not inside the repository")
    return posix.as_posix()


@dataclass(frozen=True, slots=True)
class FilePair:
    """One Python file before and after the change; `old_path` is set for renames."""

    path: str
    before: bytes | None
    after: bytes | None
    old_path: str | None = None

    def __post_init__(self) -> None:
        if self.before is None and self.after is None:
            raise ValueError(f"{self.path}: a file pair needs at least one side")
        if self.path != normalise_path(self.path):
            raise ValueError(f"{self.path!r} is not a normalised repo-relative path")
        if self.before == self.after:
            raise ValueError(f"{self.path}: both sides are equal, so it is not part of a change")


@dataclass(frozen=True, slots=True)
class Change:
    """All Python files a change touches, sorted by path."""

    files: tuple[FilePair, ...]

    def __post_init__(self) -> None:
        paths = [pair.path for pair in self.files]
        if paths != sorted(set(paths)):
            raise ValueError("file pairs must be unique and sorted by path")

    @classmethod
    def of(cls, pairs: list[FilePair]) -> Change:
        return cls(tuple(sorted(pairs, key=lambda pair: pair.path)))

    @property
    def is_empty(self) -> bool:
        return not self.files
