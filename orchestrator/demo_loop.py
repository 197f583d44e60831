"""The loop half of `ratchet demo`: the bundled task driven through the real loop by the replay worker.

`examples/inventory/loop` holds the task and two recorded attempts at it. The first fixes the
off-by-one but makes an unknown SKU "need a reorder" by catching every exception; its tests pass,
the guard rejects it, the loop rolls it back and continues the session with the guard's feedback.
The second asks the inventory whether it knows the SKU instead; it is accepted. The demo runs this
in a throwaway repository made from `examples/inventory/base`, with the SQLite checkpointer in that
repository's `.ratchet/`, and prints the timeline `ratchet show` prints.
"""

from __future__ import annotations

import shlex
import sys
import tempfile
import time
from pathlib import Path

import typer

from guards import GitRepository
from graphs.protocols import Budget, Route
from graphs.state import LoopState
from orchestrator.demo import EXAMPLE, base_repository
from orchestrator.runs import RunRecord, timeline

LOOP_EXAMPLE = EXAMPLE / "loop"
TASK_ID = "inventory-demo"
EXPECTED_DECISIONS = (Route.CONTINUE, Route.ACCEPT)
EXPECTED_FIRST_FINDING = "FB001"
EXPLANATION = (
    "The demo ran `ratchet run --worker replay:examples/inventory/loop/attempts` on a copy of examples/inventory/base: "
    "the first attempt's tests pass but its `except Exception` fallback is rejected and rolled back; the worker "
    "continues with the guard's feedback, and its second attempt is accepted on branch ratchet/inventory-demo."
)


def demo_record(repository: GitRepository) -> RunRecord:
    """The run `ratchet run` would record for the demo; the tests run with this interpreter's pytest."""
    return RunRecord(
        task_id=TASK_ID,
        instruction=(LOOP_EXAMPLE / "task.txt").read_text(encoding="utf-8").strip(),
        # The example needs no pytest plugins, and loading whatever this environment has installed can take seconds.
        test_command=f"PYTEST_DISABLE_PLUGIN_AUTOLOAD=1 {shlex.quote(sys.executable)} -m pytest -q -p no:cacheprovider",
        base=repository.resolve("HEAD"),
        workers=(f"replay:{LOOP_EXAMPLE / 'attempts'}",),
        model="claude-sonnet-4-5",
        judge="rules",
        orchestrator="policy",
        prices={},
        max_output_tokens=8192,
        temperature=None,
        api_retries=4,
        budget=Budget(max_iterations=3),
        test_timeout_s=120.0,
        started_at=time.time(),
    )


def went_as_expected(state: LoopState) -> bool:
    """The demo's claim: rejected for the fallback first (tests passing), accepted second."""
    iterations = state["iterations"]
    decisions = tuple(it.decision for it in iterations)
    if decisions != EXPECTED_DECISIONS or state["status"] != "accepted":
        return False
    first = iterations[0]
    return first.tests_passed and first.guard_verdict == "reject" and EXPECTED_FIRST_FINDING in {note.rule for note in first.findings}


def run_loop_demo() -> int:
    """Run the loop on the example and print its timeline; 0 when it went as the demo claims."""
    # Imported here: LangGraph is only needed once the demo gets to the loop.
    from orchestrator.loop import load_state, start

    with tempfile.TemporaryDirectory(prefix="ratchet-loop-demo-") as scratch:
        repository = GitRepository.open(base_repository(Path(scratch) / "inventory"))
        start(repository, demo_record(repository))
        state = load_state(repository, TASK_ID)
        typer.echo(timeline(state))
    typer.echo(EXPLANATION)
    return 0 if went_as_expected(state) else 1
