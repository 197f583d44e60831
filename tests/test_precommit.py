"""`.pre-commit-hooks.yaml`: the manifest pre-commit reads, and its entry run on real staged changes.

pre-commit runs `entry` with the hook's environment's `bin` on PATH, from the repository root,
without file names (`pass_filenames: false`); that is exactly the process run here.
"""

from __future__ import annotations

import shlex
import subprocess
from collections.abc import Callable
from pathlib import Path

import pytest
import yaml

from tests.conftest import RATCHET, GitRepo

MANIFEST = Path(__file__).resolve().parents[1] / ".pre-commit-hooks.yaml"
CLEAN = 'def load(data):\n    return data["key"]\n'
FALLBACK = 'def load(data):\n    return data.get("key", None)\n'


def _hook() -> dict[str, object]:
    (hook,) = yaml.safe_load(MANIFEST.read_text(encoding="utf-8"))
    return hook


def test_manifest_declares_ratchet_check() -> None:
    hook = _hook()
    assert {key: hook[key] for key in ("id", "entry", "language", "pass_filenames", "types")} == {
        "id": "ratchet-check",
        "entry": "ratchet check --staged",
        "language": "python",
        "pass_filenames": False,
        "types": ["python"],
    }
    assert set(hook) <= {"id", "name", "description", "entry", "language", "pass_filenames", "types", "require_serial"}


@pytest.mark.parametrize(
    ("staged", "unstaged", "exit_code", "shown"),
    [
        ({"app.py": FALLBACK}, {}, 1, "FB004"),
        ({"app.py": CLEAN.replace("key", "name")}, {"app.py": FALLBACK}, 0, "ACCEPT"),
        ({"README.md": "docs\n"}, {"app.py": FALLBACK}, 0, "nothing to check"),
        ({"new.py": "def f(x):\n    try:\n        return x()\n    except Exception:\n        pass\n"}, {}, 1, "FB001"),
    ],
    ids=["staged-fallback", "fallback-not-staged", "no-python-staged", "new-file-staged"],
)
def test_entry_gates_the_staged_change(
    git_repo: Callable[..., GitRepo], staged: dict[str, str], unstaged: dict[str, str], exit_code: int, shown: str
) -> None:
    repo = git_repo({"app.py": CLEAN})
    repo.write(staged)
    repo.git("add", *staged)
    repo.write(unstaged)
    command = shlex.split(str(_hook()["entry"]))
    assert command[0] == "ratchet"
    result = subprocess.run([str(RATCHET), *command[1:]], cwd=repo.root, capture_output=True, text=True, timeout=60, check=False)
    assert result.returncode == exit_code, result.stderr
    assert shown in result.stdout
