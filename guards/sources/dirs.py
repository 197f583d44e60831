"""Changes between two directory trees; no git needed."""

from __future__ import annotations

import os
from pathlib import Path

from guards.change import Change, FilePair, is_python_path
from guards.errors import InputError


def python_files(root: Path) -> dict[str, str]:
    """Repo-relative path → file path, for every Python file below `root` outside hidden
    directories and `__pycache__`; symlinked directories are not followed (as `os.walk`)."""
    if not root.is_dir():
        raise InputError(f"{root} is not a directory")
    found: dict[str, str] = {}
    pending = [("", os.fspath(root))]
    while pending:
        prefix, directory = pending.pop()
        with os.scandir(directory) as entries:
            for entry in entries:
                if _descended(entry):
                    pending.append((f"{prefix}{entry.name}/", entry.path))
                elif is_python_path(entry.name) and not entry.is_dir():
                    found[prefix + entry.name] = entry.path
    return found


def _descended(entry: os.DirEntry[str]) -> bool:
    """A directory of the tree: not hidden, not a cache, not a symlink."""
    return entry.is_dir() and not entry.is_symlink() and not entry.name.startswith(".") and entry.name != "__pycache__"


def _read(path: str) -> bytes:
    with open(path, "rb") as file:
        return file.read()


def directory_change(before: Path, after: Path) -> Change:
    before_files, after_files = python_files(before), python_files(after)
    pairs: list[FilePair] = []
    for path in sorted(before_files.keys() | after_files.keys()):
        old = _read(before_files[path]) if path in before_files else None
        new = _read(after_files[path]) if path in after_files else None
        if old != new:
            pairs.append(FilePair(path, old, new))
    return Change.of(pairs)
