"""A git tree listed once: which Python files it has, and which content ids git knows without
reading them. Every id, known or hashed, must be the blob id of the bytes `read` returns."""

from __future__ import annotations

import os
from collections.abc import Callable

import pytest

from guards import GitRepository, GitTree, InputError
from guards.duplication.keys import content_ids
from guards.sources.listing import blob_id
from tests.conftest import GitRepo

BASE = {
    "pkg/a.py": "A = 1\n",
    "pkg/b.py": "B = 1\n",
    "pkg/c.py": "C = 1\n",
    "notes.md": "# notes\n",
    ".gitignore": "*.gen.py\n",
}
CLEAN = ["pkg/a.py", "pkg/b.py", "pkg/c.py"]


def _modified(repo: GitRepo) -> None:
    repo.write({"pkg/a.py": "A = 2\n"})


def _deleted(repo: GitRepo) -> None:
    (repo.root / "pkg/b.py").unlink()


def _untracked_and_ignored(repo: GitRepo) -> None:
    repo.write({"pkg/new.py": "N = 1\n", "pkg/out.gen.py": "G = 1\n", "pkg/data.txt": "x\n"})


def _staged_only(repo: GitRepo) -> None:
    _modified(repo)
    repo.git("add", "pkg/a.py")


def _staged_then_edited(repo: GitRepo) -> None:
    _staged_only(repo)
    repo.write({"pkg/a.py": "A = 3\n"})


def _touched(repo: GitRepo) -> None:
    os.utime(repo.root / "pkg/c.py", (0, 0))


def _replaced_by_directory(repo: GitRepo) -> None:
    (repo.root / "pkg/b.py").unlink()
    repo.write({"pkg/b.py/inner.py": "I = 1\n"})


def _removed_from_index(repo: GitRepo) -> None:
    repo.git("rm", "-q", "--cached", "pkg/c.py")


def _intent_to_add(repo: GitRepo) -> None:
    repo.write({"pkg/new.py": "N = 1\n"})
    repo.git("add", "-N", "pkg/new.py")


def _symlinks(repo: GitRepo) -> None:
    (repo.root / "pkg/link.py").symlink_to("a.py")
    (repo.root / "pkg/dangling.py").symlink_to("nowhere.py")
    repo.commit("links")
    repo.write({"pkg/a.py": "A = 2\n"})


def _nothing(repo: GitRepo) -> None:
    pass


# (id, mutation, the tree's Python files, those whose content had to be read to know its id)
CASES = [
    ("clean", _nothing, CLEAN, []),
    ("modified is read from disk", _modified, CLEAN, ["pkg/a.py"]),
    ("deleted is not listed", _deleted, ["pkg/a.py", "pkg/c.py"], []),
    ("untracked listed, ignored not", _untracked_and_ignored, [*CLEAN, "pkg/new.py"], ["pkg/new.py"]),
    ("staged then edited is read", _staged_then_edited, CLEAN, ["pkg/a.py"]),
    ("staged only: the index knows it", _staged_only, CLEAN, []),
    ("touched but unchanged", _touched, CLEAN, None),
    ("a file become a directory", _replaced_by_directory, ["pkg/a.py", "pkg/b.py/inner.py", "pkg/c.py"], ["pkg/b.py/inner.py"]),
    ("removed from the index, still on disk", _removed_from_index, CLEAN, ["pkg/c.py"]),
    ("intent to add is read", _intent_to_add, [*CLEAN, "pkg/new.py"], ["pkg/new.py"]),
    ("symlinks read through, dangling left out", _symlinks, [*CLEAN, "pkg/link.py"], ["pkg/a.py", "pkg/link.py"]),
]


@pytest.mark.parametrize(("mutate", "paths", "read"), [pytest.param(m, p, r, id=i) for i, m, p, r in CASES])
def test_work_tree_listing(
    git_repo: Callable[..., GitRepo], mutate: Callable[[GitRepo], None], paths: list[str], read: list[str] | None
) -> None:
    repo = git_repo(BASE)
    mutate(repo)
    tree = GitTree(GitRepository.open(repo.root), None)
    ids, contents = content_ids(tree, tree.python_paths())
    assert tree.python_paths() == paths
    assert ids == {path: blob_id((repo.root / path).read_bytes()) for path in paths}
    # A touched file may be read (git compares its content only when asked) but its id is the same.
    if read is not None:
        assert sorted(contents) == read


@pytest.mark.parametrize("mutate", [pytest.param(m, id=i) for i, m, _, _ in CASES])
def test_the_change_from_the_trees_listing_is_the_worktree_change(git_repo: Callable[..., GitRepo], mutate: Callable[[GitRepo], None]) -> None:
    repo = git_repo(BASE)
    mutate(repo)
    repository = GitRepository.open(repo.root)
    assert repository.worktree_change_in(GitTree(repository, None).listing) == repository.worktree_change()


def test_revision_listing_knows_every_blob(git_repo: Callable[..., GitRepo]) -> None:
    repo = git_repo(BASE)
    (repo.root / "pkg/link.py").symlink_to("a.py")
    head = repo.commit("link")
    repo.write({"pkg/a.py": "A = 2\n", "pkg/new.py": "N = 1\n"})
    tree = GitTree(GitRepository.open(repo.root), head)
    ids, contents = content_ids(tree, tree.python_paths())
    assert (tree.python_paths(), contents) == ([*CLEAN, "pkg/link.py"], {})
    assert ids == {path: blob_id(data) for path, data in tree.read(tree.python_paths()).items()}
    assert tree.read(["pkg/a.py", "pkg/link.py"]) == {"pkg/a.py": b"A = 1\n", "pkg/link.py": b"a.py"}


def test_listing_a_missing_revision_fails(git_repo: Callable[..., GitRepo]) -> None:
    repo = git_repo(BASE)
    with pytest.raises(InputError, match="git ls-tree failed"):
        GitTree(GitRepository.open(repo.root), "no-such-branch")
