"""What the loop says to a worker: the task prompt of a fresh session, the feedback that continues
one, and the lesson a restart carries over. Plain text, built from the recorded outcomes."""

from __future__ import annotations

from graphs.protocols import JudgeVerdict, TaskSpec, TestRun
from graphs.state import GuardOutcome

_TEST_OUTPUT_TAIL = 4000


def task_prompt(task: TaskSpec, lessons: list[str]) -> str:
    parts = [
        task.instruction,
        f"The task is done when `{task.test_command}` passes and the change passes the guard "
        "(no added fallbacks, swallowed errors, removed invariants or weakened tests).",
    ]
    if lessons:
        parts.append("Earlier sessions on this task were stopped. Learn from them:\n" + "\n".join(f"- {lesson}" for lesson in lessons))
    return "\n\n".join(parts)


def feedback(guard: GuardOutcome, tests: TestRun, judge: JudgeVerdict, reason: str) -> str:
    """The message that continues a session: why the iteration was not accepted, most blocking first."""
    if guard.verdict == "reject":
        return (
            "The guard rejected your last change, and it has been rolled back. "
            "Fix the cause instead of defending against it.\n\n" + guard.feedback
        )
    if not tests.passed:
        output = tests.output[-_TEST_OUTPUT_TAIL:]
        timing = " (timed out)" if tests.timed_out else ""
        return f"Your change is kept, but the tests fail{timing} (exit code {tests.exit_code}):\n\n{output}"
    return f"Your change is kept and the tests pass, but the task is not done yet: {judge.reason}\n({reason})"


def lesson(iteration: int, guard: GuardOutcome, reason: str) -> str:
    if guard.findings:
        notes = "; ".join(f"{note.rule} at {note.path}:{note.line}: {note.message}" for note in guard.findings)
        return f"iteration {iteration} was stopped ({reason}); the guard found: {notes}"
    return f"iteration {iteration} was stopped: {reason}"
