"""Where a change comes from: real git repositories, directory trees and patches."""

from __future__ import annotations

import json
import shutil
from collections.abc import Callable
from pathlib import Path

import pytest
from typer.testing import Result

from guards import Change, GitRepository, directory_change, patch_change_on_directory, patch_change_on_revision
from tests.conftest import GitRepo, write_files

Shape = dict[str, tuple[str | None, str | None, str | None]]

# Long enough for git's rename detection to pair the file with its old name after an edit.
LEDGER = "".join(f"def entry_{i}(book):\n    return book[{i}]\n\n\n" for i in range(8))
BASE = {
    "pkg/__init__.py": "",
    "pkg/ledger.py": LEDGER,
    "pkg/sub/util.py": "def double(x):\n    return 2 * x\n",
    "README.md": "# demo\n",
    ".gitignore": "build/\n*.gen.py\n",
}


def shape(change: Change) -> Shape:
    """path → (before text, after text, old path), the whole of what a change says."""
    return {
        pair.path: (
            None if pair.before is None else pair.before.decode(),
            None if pair.after is None else pair.after.decode(),
            pair.old_path,
        )
        for pair in change.files
    }


def _modify(repo: GitRepo) -> None:
    repo.write({"pkg/sub/util.py": "def double(x):\n    return x + x\n"})


def _untracked(repo: GitRepo) -> None:
    repo.write({"pkg/fresh.py": "VALUE = 1\n"})


def _ignored(repo: GitRepo) -> None:
    repo.write({"build/out.py": "X = 1\n", "pkg/schema.gen.py": "Y = 2\n"})


def _delete(repo: GitRepo) -> None:
    (repo.root / "pkg/sub/util.py").unlink()


def _rename(repo: GitRepo) -> None:
    repo.git("mv", "pkg/ledger.py", "pkg/book.py")
    repo.write({"pkg/book.py": LEDGER + "def total(book):\n    return sum(book)\n"})


def _not_python(repo: GitRepo) -> None:
    repo.write({"README.md": "# changed\n", "pkg/data.json": "{}\n", "pkg/stubs.pyi": "x: int\n", "setup.cfg": "[x]\n"})


def _awkward_names(repo: GitRepo) -> None:
    repo.write({"pkg/my module.py": "A = 1\n", "pkg/ünïcode.py": "B = 1\n", 'pkg/q"uote.py': "C = 1\n"})


def _staged_and_unstaged(repo: GitRepo) -> None:
    repo.write({"pkg/sub/util.py": "def double(x):\n    return x + x\n"})
    repo.git("add", "pkg/sub/util.py")
    repo.write({"pkg/__init__.py": "VERSION = 2\n"})


WORKTREE_CASES = [
    ("modified", _modify, {"pkg/sub/util.py": (BASE["pkg/sub/util.py"], "def double(x):\n    return x + x\n", None)}),
    ("untracked file included", _untracked, {"pkg/fresh.py": (None, "VALUE = 1\n", None)}),
    ("ignored files excluded", _ignored, {}),
    ("deleted", _delete, {"pkg/sub/util.py": (BASE["pkg/sub/util.py"], None, None)}),
    ("renamed keeps old path", _rename, {"pkg/book.py": (LEDGER, LEDGER + "def total(book):\n    return sum(book)\n", "pkg/ledger.py")}),
    ("non-Python files ignored", _not_python, {}),
    (
        "names with spaces, quotes, non-ASCII",
        _awkward_names,
        {"pkg/my module.py": (None, "A = 1\n", None), "pkg/ünïcode.py": (None, "B = 1\n", None), 'pkg/q"uote.py': (None, "C = 1\n", None)},
    ),
    (
        "staged and unstaged both count",
        _staged_and_unstaged,
        {
            "pkg/__init__.py": ("", "VERSION = 2\n", None),
            "pkg/sub/util.py": (BASE["pkg/sub/util.py"], "def double(x):\n    return x + x\n", None),
        },
    ),
]


@pytest.mark.parametrize(("mutate", "expected"), [pytest.param(m, e, id=i) for i, m, e in WORKTREE_CASES])
def test_worktree_against_head(git_repo: Callable[..., GitRepo], mutate: Callable[[GitRepo], None], expected: Shape) -> None:
    repo = git_repo(BASE)
    mutate(repo)
    assert shape(GitRepository.open(repo.root).worktree_change()) == expected


def test_worktree_against_an_older_base(git_repo: Callable[..., GitRepo]) -> None:
    repo = git_repo(BASE)
    first = repo.git("rev-parse", "HEAD").strip()
    repo.write({"pkg/later.py": "A = 1\n"})
    repo.commit()
    repo.write({"pkg/later.py": "A = 2\n"})
    opened = GitRepository.open(repo.root)
    assert shape(opened.worktree_change(first)) == {"pkg/later.py": (None, "A = 2\n", None)}
    assert shape(opened.worktree_change()) == {"pkg/later.py": ("A = 1\n", "A = 2\n", None)}


def test_opening_a_subdirectory_finds_the_root(git_repo: Callable[..., GitRepo]) -> None:
    repo = git_repo(BASE)
    _modify(repo)
    opened = GitRepository.open(repo.root / "pkg" / "sub")
    assert opened.root == repo.root.resolve()
    assert list(shape(opened.worktree_change())) == ["pkg/sub/util.py"]


def test_revision_range_ignores_the_worktree(git_repo: Callable[..., GitRepo]) -> None:
    repo = git_repo(BASE)
    base = repo.git("rev-parse", "HEAD").strip()
    _rename(repo)
    _modify(repo)
    head = repo.commit()
    repo.write({"pkg/dirty.py": "DIRTY = 1\n", "pkg/sub/util.py": "DIRTY = 2\n"})
    assert shape(GitRepository.open(repo.root).revision_change(base, head)) == {
        "pkg/book.py": (LEDGER, LEDGER + "def total(book):\n    return sum(book)\n", "pkg/ledger.py"),
        "pkg/sub/util.py": (BASE["pkg/sub/util.py"], "def double(x):\n    return x + x\n", None),
    }


def test_staged_reads_the_index_not_the_worktree(git_repo: Callable[..., GitRepo]) -> None:
    repo = git_repo(BASE)
    _staged_and_unstaged(repo)
    repo.write({"pkg/sub/util.py": "def double(x):\n    return x * 2  # unstaged edit\n", "pkg/fresh.py": "A = 1\n"})
    assert shape(GitRepository.open(repo.root).staged_change()) == {
        "pkg/sub/util.py": (BASE["pkg/sub/util.py"], "def double(x):\n    return x + x\n", None),
    }


def test_directories_without_git(tmp_path: Path) -> None:
    write_files(tmp_path / "before", {"a.py": "A = 1\n", "same.py": "S = 1\n", "gone.py": "G = 1\n", ".hidden/x.py": "H = 1\n"})
    write_files(tmp_path / "after", {"a.py": "A = 2\n", "same.py": "S = 1\n", "new/b.py": "B = 1\n", ".hidden/x.py": "H = 2\n", "notes.txt": "n\n"})
    assert shape(directory_change(tmp_path / "before", tmp_path / "after")) == {
        "a.py": ("A = 1\n", "A = 2\n", None),
        "gone.py": ("G = 1\n", None, None),
        "new/b.py": (None, "B = 1\n", None),
    }


def test_directory_listing_skips_caches_and_does_not_follow_symlinked_directories(tmp_path: Path) -> None:
    write_files(tmp_path / "before", {"pkg/a.py": "A = 1\n"})
    write_files(tmp_path / "after", {"pkg/a.py": "A = 2\n", "pkg/__pycache__/a.py": "C = 1\n", "outside/x.py": "X = 1\n"})
    (tmp_path / "after" / "pkg" / "linked").symlink_to(tmp_path / "after" / "outside", target_is_directory=True)
    (tmp_path / "after" / "pkg" / "alias.py").symlink_to(tmp_path / "after" / "pkg" / "a.py")
    assert sorted(shape(directory_change(tmp_path / "before", tmp_path / "after"))) == ["outside/x.py", "pkg/a.py", "pkg/alias.py"]


def _git_patch(repo: GitRepo) -> str:
    """The work tree's change as `git diff` writes it; the work tree is then put back to HEAD."""
    repo.git("add", "-A")
    patch = repo.git("diff", "--cached", "--no-renames", "HEAD")
    repo.git("reset", "-q", "--hard", "HEAD")
    return patch


PATCHED = {
    "pkg/fresh.py": (None, "VALUE = 1\n", None),
    "pkg/sub/util.py": (BASE["pkg/sub/util.py"], "def double(x):\n    return x + x\n", None),
    "pkg/__init__.py": ("", None, None),
}


def _patch_everything(repo: GitRepo) -> str:
    _modify(repo)
    _untracked(repo)
    _not_python(repo)
    (repo.root / "pkg/__init__.py").unlink()
    return _git_patch(repo)


def test_patch_against_a_revision_leaves_the_repository_alone(git_repo: Callable[..., GitRepo]) -> None:
    repo = git_repo(BASE)
    patch = _patch_everything(repo)
    assert shape(patch_change_on_revision(GitRepository.open(repo.root), "HEAD", patch)) == PATCHED
    assert repo.git("status", "--porcelain") == ""


def test_patch_against_a_directory(git_repo: Callable[..., GitRepo], tmp_path: Path) -> None:
    repo = git_repo(BASE)
    patch = _patch_everything(repo)
    base = tmp_path / "plain"
    shutil.copytree(repo.root, base, ignore=shutil.ignore_patterns(".git"))
    assert shape(patch_change_on_directory(base, patch)) == PATCHED
    assert (base / "pkg/sub/util.py").read_text() == BASE["pkg/sub/util.py"]


def test_patch_with_quoted_names_and_a_rename(git_repo: Callable[..., GitRepo]) -> None:
    repo = git_repo(BASE)
    _awkward_names(repo)
    repo.commit()
    repo.write({"pkg/my module.py": "A = 2\n", "pkg/ünïcode.py": "B = 2\n", "pkg/nëw file.py": "N = 1\n"})
    _rename(repo)
    repo.git("add", "-A")
    expected = shape(GitRepository.open(repo.root).staged_change())
    patch = repo.git("diff", "--cached", "-M", "HEAD")
    repo.git("reset", "-q", "--hard", "HEAD")
    assert '"b/pkg/n\\303\\253w file.py"' in patch
    # The rename lines pair the renamed file with its old path, as git's own diff does.
    assert expected["pkg/book.py"][2] == "pkg/ledger.py"
    assert shape(patch_change_on_revision(GitRepository.open(repo.root), "HEAD", patch)) == expected


def test_patch_renaming_a_file_unedited_changes_nothing(tmp_path: Path) -> None:
    write_files(tmp_path / "base", {"pkg/ledger.py": LEDGER, "pkg/other.py": "X = 1\n"})
    patch = "diff --git a/pkg/ledger.py b/pkg/book.py\nsimilarity index 100%\nrename from pkg/ledger.py\nrename to pkg/book.py\n"
    assert shape(patch_change_on_directory(tmp_path / "base", patch)) == {}


def test_patch_that_only_adds_files(git_repo: Callable[..., GitRepo]) -> None:
    repo = git_repo(BASE)
    _untracked(repo)
    patch = _git_patch(repo)
    assert shape(patch_change_on_revision(GitRepository.open(repo.root), "HEAD", patch)) == {"pkg/fresh.py": (None, "VALUE = 1\n", None)}


# Each way of naming a change on the command line, and the paths the JSON report lists for it.
def _cli_cases(repo: GitRepo, tmp_path: Path) -> dict[str, tuple[list[str], Path, list[str]]]:
    base = repo.git("rev-parse", "HEAD").strip()
    _modify(repo)
    head = repo.commit()
    _untracked(repo)
    repo.write({"pkg/__init__.py": "STAGED = 1\n"})
    repo.git("add", "pkg/__init__.py")
    patch = tmp_path / "change.patch"
    patch.write_text(repo.git("diff", "HEAD", "--", "pkg/__init__.py"))
    before = tmp_path / "before"
    write_files(before, {"pkg/__init__.py": "", "only_before.py": "X = 1\n"})
    return {
        "worktree vs HEAD": ([], repo.root, ["pkg/__init__.py", "pkg/fresh.py"]),
        "worktree vs --base": (["--base", base], repo.root, ["pkg/__init__.py", "pkg/fresh.py", "pkg/sub/util.py"]),
        "from a subdirectory": ([], repo.root / "pkg" / "sub", ["pkg/__init__.py", "pkg/fresh.py"]),
        "--base A --head B": (["--base", base, "--head", head], repo.root, ["pkg/sub/util.py"]),
        "--staged": (["--staged"], repo.root, ["pkg/__init__.py"]),
        "--before --after": (["--before", str(before), "--after", str(repo.root)], tmp_path, ["only_before.py", "pkg/__init__.py", "pkg/fresh.py", "pkg/ledger.py", "pkg/sub/util.py"]),
        "--patch on HEAD": (["--patch", str(patch), "--repo", str(repo.root)], tmp_path, ["pkg/__init__.py"]),
        "--patch on --before": (["--patch", str(patch), "--before", str(before)], tmp_path, ["pkg/__init__.py"]),
    }


CLI_CASES = ["worktree vs HEAD", "worktree vs --base", "from a subdirectory", "--base A --head B", "--staged", "--before --after", "--patch on HEAD", "--patch on --before"]


@pytest.mark.parametrize("case", CLI_CASES)
def test_check_command_reads_the_named_change(git_repo: Callable[..., GitRepo], cli: Callable[..., Result], tmp_path: Path, case: str) -> None:
    repo = git_repo(BASE)
    args, cwd, paths = _cli_cases(repo, tmp_path)[case]
    result = cli("check", "--format", "json", *args, cwd=cwd)
    assert result.exit_code == 0, result.stderr
    assert [f["path"] for f in json.loads(result.stdout)["files"]] == paths


def test_a_committed_file_now_untracked_is_a_modification(git_repo: Callable[..., GitRepo]) -> None:
    repo = git_repo(BASE)
    repo.git("rm", "-q", "--cached", "pkg/sub/util.py")
    repo.write({"pkg/sub/util.py": "def double(x):\n    return x + x\n"})
    change = GitRepository.open(repo.root).worktree_change("HEAD")
    assert shape(change) == {
        "pkg/sub/util.py": ("def double(x):\n    return 2 * x\n", "def double(x):\n    return x + x\n", None)
    }
