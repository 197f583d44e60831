"""Changes given as a unified diff, applied with `git apply` to a copy of the files it touches.

The base is a git revision or a directory; neither is modified.
"""

from __future__ import annotations

import os
import re
import subprocess
import tempfile
from collections.abc import Callable
from pathlib import Path

from guards.change import Change, FilePair, is_python_path, normalise_path
from guards.errors import PatchError
from guards.sources.git import GitRepository

# Git writes a path C-quoted when it has unusual characters: `"a/\303\274.py"`.
_QUOTED = r'"(?:[^"\\]|\\.)*"'
_GIT_HEADER = re.compile(rf"^diff --git ({_QUOTED}|a/.+?) ({_QUOTED}|b/.+)$")
_OLD_FILE = re.compile(rf"^--- ({_QUOTED}|.+?)(?:\t.*)?$")
_NEW_FILE = re.compile(rf"^\+\+\+ ({_QUOTED}|.+?)(?:\t.*)?$")
_DEV_NULL = "/dev/null"


def _path(token: str, prefix: str) -> str:
    """A path as a patch writes it, unquoted and without its `a/` or `b/` prefix."""
    if token.startswith('"'):
        try:
            # The escapes stand for the bytes of the UTF-8 name.
            token = token[1:-1].encode().decode("unicode_escape").encode("latin-1").decode()
        except UnicodeError as exc:
            raise PatchError(f"the patch names a path git cannot have written: {token}") from exc
    return token.removeprefix(prefix)


def touched_paths(patch: str) -> tuple[set[str], set[str]]:
    """The paths a patch reads (old side) and writes (new side), `/dev/null` left out."""
    old_paths: set[str] = set()
    new_paths: set[str] = set()
    section = ("", "")  # the paths of the current `diff --git` header
    for line in patch.splitlines():
        if header := _GIT_HEADER.match(line):
            section = (_path(header[1], "a/"), _path(header[2], "b/"))
            old_paths.add(section[0])
            new_paths.add(section[1])
        elif line.startswith("new file mode "):
            # A git header names the path on both sides even when one side is absent.
            old_paths.discard(section[0])
        elif line.startswith("deleted file mode "):
            new_paths.discard(section[1])
        elif line.startswith("rename from ") or line.startswith("copy from "):
            old_paths.add(_path(line.split(" ", 2)[2], ""))
        elif line.startswith("rename to ") or line.startswith("copy to "):
            new_paths.add(_path(line.split(" ", 2)[2], ""))
        elif old := _OLD_FILE.match(line):
            old_paths.add(_path(old[1], "a/"))
        elif new := _NEW_FILE.match(line):
            new_paths.add(_path(new[1], "b/"))
    if not old_paths and not new_paths:
        raise PatchError("the patch names no files: is it a unified diff?")
    old_paths.discard(_DEV_NULL)
    new_paths.discard(_DEV_NULL)
    try:
        return {normalise_path(p) for p in old_paths}, {normalise_path(p) for p in new_paths}
    except ValueError as exc:
        raise PatchError(f"the patch names a path outside the base: {exc}") from exc


def renames(patch: str) -> dict[str, str]:
    """The new path of each file the patch renames (git's `rename from`/`rename to` lines, which
    come in pairs), with its old path."""
    froms = [normalise_path(_path(line.split(" ", 2)[2], "")) for line in patch.splitlines() if line.startswith("rename from ")]
    tos = [normalise_path(_path(line.split(" ", 2)[2], "")) for line in patch.splitlines() if line.startswith("rename to ")]
    return dict(zip(tos, froms, strict=True))


def read_patch(path: Path) -> str:
    try:
        return path.read_text(encoding="utf-8")
    except (OSError, UnicodeDecodeError) as exc:
        raise PatchError(f"cannot read patch {path}: {exc}") from exc


def _apply(patch: str, base_file: Callable[[str], bytes | None]) -> Change:
    old_paths, new_paths = touched_paths(patch)
    with tempfile.TemporaryDirectory(prefix="ratchet-patch-") as scratch:
        root = Path(scratch)
        befores: dict[str, bytes] = {}
        for path in sorted(old_paths):
            content = base_file(path)
            if content is None:
                raise PatchError(f"the patch changes {path}, which the base does not have")
            befores[path] = content
            (root / path).parent.mkdir(parents=True, exist_ok=True)
            (root / path).write_bytes(content)
        result = subprocess.run(
            ["git", "apply", "--whitespace=nowarn", "--unsafe-paths", "-"],
            cwd=root,
            input=patch.encode(),
            capture_output=True,
            check=False,
            # Outside a repository `git apply` acts like `patch`; the ceiling stops it finding one above.
            env={**os.environ, "GIT_CEILING_DIRECTORIES": str(root.parent)},
        )
        if result.returncode != 0:
            reason = result.stderr.decode(errors="replace").strip().splitlines()
            raise PatchError(f"the patch does not apply: {reason[0] if reason else 'git apply failed'}")
        afters = {path: (root / path).read_bytes() for path in sorted(old_paths | new_paths) if is_python_path(path) and (root / path).is_file()}
    return _paired(sorted(path for path in old_paths | new_paths if is_python_path(path)), befores, afters, renames(patch))


def _paired(paths: list[str], befores: dict[str, bytes], afters: dict[str, bytes], renamed: dict[str, str]) -> Change:
    """The Python files' pairs; a Python file renamed to a Python file is one file that moved,
    as git's own diff pairs it (and, unedited, no change at all)."""
    moved = {new: old for new, old in renamed.items() if new in paths and old in paths and old not in afters}
    # A path absent from `befores` or `afters` is a file the patch adds or deletes.
    sides = [(path, befores.get(moved.get(path, path)), afters.get(path), moved.get(path)) for path in paths if path not in moved.values()]
    return Change.of([FilePair(path, before, after, old_path=old) for path, before, after, old in sides if before != after])


def patch_change_on_revision(repository: GitRepository, revision: str, patch: str) -> Change:
    commit = repository.resolve(revision)
    old_paths, _ = touched_paths(patch)
    # Without paths, ls-tree would list the whole tree: a patch that only adds files reads nothing.
    listing = repository.git("ls-tree", "-r", "--name-only", "-z", commit, "--", *sorted(old_paths)) if old_paths else b""
    existing = set(listing.decode().split("\0")) - {""}
    blobs = dict(zip(sorted(existing), repository.read_blobs([f"{commit}:{p}" for p in sorted(existing)]), strict=True))
    return _apply(patch, lambda path: blobs[path] if path in blobs else None)


def patch_change_on_directory(base: Path, patch: str) -> Change:
    if not base.is_dir():
        raise PatchError(f"{base} is not a directory")
    return _apply(patch, lambda path: (base / path).read_bytes() if (base / path).is_file() else None)
