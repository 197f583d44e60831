"""`ratchet demo`: the guard run on the bundled example, in a throwaway git repository, then the
loop (`orchestrator.demo_loop`) on a task about the same package.

`examples/inventory/base` is a small stock-keeping package; `after` is the same tree after an
agent-style change that keeps the tests green the wrong way: a lookup wrapped in
`try/except Exception: return None`, and the tests that noticed skipped or loosened. The same
change also makes one honest fix (an off-by-one in `inventory/reorder.py`), which the guard must
leave alone.
"""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
import tempfile
from pathlib import Path

import typer

from guards import Report, renderer
from orchestrator.cli import load_report

EXAMPLE = Path(__file__).parent / "examples" / "inventory"
HONEST_FIX = "inventory/reorder.py"
EXPLANATION = (
    "The demo committed examples/inventory/base, applied an agent's change whose tests still pass, and ran "
    "`ratchet check`: the added fallback and the weakened tests are rejected, the honest off-by-one fix in "
    f"{HONEST_FIX} is not flagged."
)
# A fixed identity and no user or system configuration: the scratch commit works on any machine.
_GIT_ENV = {
    "GIT_AUTHOR_NAME": "Ratchet Demo",
    "GIT_AUTHOR_EMAIL": "demo@ratchet.invalid",
    "GIT_COMMITTER_NAME": "Ratchet Demo",
    "GIT_COMMITTER_EMAIL": "demo@ratchet.invalid",
    "GIT_CONFIG_GLOBAL": os.devnull,
    "GIT_CONFIG_NOSYSTEM": "1",
}
_BUILD_LITTER = shutil.ignore_patterns("__pycache__", "*.pyc", ".pytest_cache")


def _git(repo: Path, *args: str) -> None:
    subprocess.run(["git", *args], cwd=repo, env={**os.environ, **_GIT_ENV}, check=True, capture_output=True)


def base_repository(repo: Path) -> Path:
    """A new repository at `repo` whose only commit is the example's base."""
    shutil.copytree(EXAMPLE / "base", repo, ignore=_BUILD_LITTER)
    _git(repo, "init", "-q", "-b", "main")
    _git(repo, "add", "-A")
    _git(repo, "commit", "-q", "-m", "inventory: base")
    return repo


def prepare_demo_repository(root: Path) -> Path:
    """A repository under `root` whose HEAD is the example's base and whose work tree is `after`."""
    repo = base_repository(root / "inventory")
    # Replace the whole work tree, so that a file the change deletes is gone too.
    for entry in repo.iterdir():
        if entry.is_dir() and entry.name != ".git":
            shutil.rmtree(entry)
        elif entry.is_file():
            entry.unlink()
    shutil.copytree(EXAMPLE / "after", repo, ignore=_BUILD_LITTER, dirs_exist_ok=True)
    return repo


def is_expected(report: Report) -> bool:
    """The demo's claim: the change is rejected, and not because of the honest fix."""
    return report.verdict == "reject" and all(finding.path != HONEST_FIX for finding in report.findings)


def run_guard_demo() -> int:
    """Print what `ratchet check` says about the example; 0 when it says what the demo claims."""
    with tempfile.TemporaryDirectory(prefix="ratchet-demo-") as scratch:
        repo = prepare_demo_repository(Path(scratch))
        report = load_report(repo, None, None, False, None, None, None)
        sys.stdout.write(renderer("text")(report))
    typer.echo(EXPLANATION)
    return 0 if is_expected(report) else 1


def run_demo() -> int:
    """`ratchet demo`: the guard part, then the loop part; 0 only when both went as claimed."""
    # Imported here: `demo_loop` builds on this module, and brings LangGraph with it.
    from orchestrator.demo_loop import run_loop_demo

    guard = run_guard_demo()
    typer.echo("\n--- the loop ---\n")
    loop = run_loop_demo()
    return 0 if guard == 0 and loop == 0 else 1
