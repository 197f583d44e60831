"""Judges that need no model: done when the tests pass and the guard accepts; and composition."""

from __future__ import annotations

from dataclasses import dataclass

from graphs.protocols import Evidence, Judge, JudgeVerdict, Usage


@dataclass(frozen=True, slots=True)
class RulesJudge:
    def judge(self, evidence: Evidence) -> JudgeVerdict:
        if not evidence.tests.passed:
            return JudgeVerdict(False, f"`{evidence.task.test_command}` fails (exit code {evidence.tests.exit_code})")
        if evidence.guard_verdict != "accept":
            return JudgeVerdict(False, "the guard rejects the change")
        return JudgeVerdict(True, "tests pass and the guard accepts")


@dataclass(frozen=True, slots=True)
class AllJudges:
    """Done only when every judge says so; the first that does not gives the reason. Judges after a
    "not done" are not asked, so a cheap rules judge in front saves the model judge's tokens."""

    judges: tuple[Judge, ...]

    def __post_init__(self) -> None:
        if not self.judges:
            raise ValueError("AllJudges needs at least one judge")

    def judge(self, evidence: Evidence) -> JudgeVerdict:
        reasons: list[str] = []
        usage = Usage()
        for judge in self.judges:
            verdict = judge.judge(evidence)
            usage = usage + verdict.usage
            if not verdict.done:
                return JudgeVerdict(False, verdict.reason, usage)
            reasons.append(verdict.reason)
        return JudgeVerdict(True, "; ".join(reasons), usage)
