"""Changes between two directory trees; no git needed."""

from __future__ import annotations

import os
from pathlib import Path

from guards.change import Change, FilePair, is_python_path
from guards.errors import InputError


def python_files(root: Path) -> dict[str, Path]:
    """Repo-relative path → file, for every Python file below `root` outside hidden directories."""
    if not root.is_dir():
        raise InputError(f"{root} is not a directory")
    found: dict[str, Path] = {}
    for directory, subdirectories, files in os.walk(root):
        subdirectories[:] = sorted(d for d in subdirectories if not d.startswith(".") and d != "__pycache__")
        for name in files:
            if is_python_path(name):
                file = Path(directory, name)
                found[file.relative_to(root).as_posix()] = file
    return found


def directory_change(before: Path, after: Path) -> Change:
    before_files, after_files = python_files(before), python_files(after)
    pairs: list[FilePair] = []
    for path in sorted(before_files.keys() | after_files.keys()):
        old = before_files[path].read_bytes() if path in before_files else None
        new = after_files[path].read_bytes() if path in after_files else None
        if old != new:
            pairs.append(FilePair(path, old, new))
    return Change.of(pairs)
