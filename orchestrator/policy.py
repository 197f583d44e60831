"""The deterministic default orchestrator, and the gate that says which routes the harness permits.

`BudgetGate` is the harness's side: a model orchestrator may choose only among its routes.
`DefaultPolicy` is the rules' choice among them:

- tests pass, guard accepts, judge done       → accept
- budget spent (only accept/abandon left)     → abandon
- the same guard finding in two iterations in a row → restart with the lessons;
  restarts of this worker spent               → reassign to the next worker;
  no worker left                              → abandon
- otherwise (guard rejected, tests fail, judge not done) → continue with feedback
"""

from __future__ import annotations

from dataclasses import dataclass

from graphs.protocols import Budget, Decision, Progress, Route, Situation


@dataclass(frozen=True, slots=True)
class BudgetGate:
    budget: Budget

    def limits_reached(self, progress: Progress) -> tuple[str, ...]:
        usage = progress.usage
        limits = (
            (progress.iterations >= self.budget.max_iterations, f"iteration budget ({self.budget.max_iterations})"),
            (usage.input_tokens + usage.output_tokens >= self.budget.max_tokens, f"token budget ({self.budget.max_tokens})"),
            (usage.cost_usd >= self.budget.max_cost_usd, f"cost budget (${self.budget.max_cost_usd:g})"),
            (progress.elapsed_seconds >= self.budget.max_seconds, f"wall-time budget ({self.budget.max_seconds:g}s)"),
        )
        return tuple(name for reached, name in limits if reached)

    def allowed(self, progress: Progress) -> frozenset[Route]:
        # Acceptance is gated by evidence, never by choice: quality only moves one way.
        routes = {Route.ABANDON}
        if progress.tests_passed and progress.guard_accepted:
            routes.add(Route.ACCEPT)
        if self.limits_reached(progress):
            return frozenset(routes)
        routes.add(Route.CONTINUE)
        if progress.restarts < self.budget.restarts_per_worker:
            routes.add(Route.RESTART)
        if progress.worker_index + 1 < progress.roster_size:
            routes.add(Route.REASSIGN)
        return frozenset(routes)


def repeated_findings(history: tuple[tuple[str, ...], ...]) -> tuple[str, ...]:
    """Rule ids found in both of the last two iterations."""
    if len(history) < 2:
        return ()
    return tuple(sorted(set(history[-1]) & set(history[-2])))


@dataclass(frozen=True, slots=True)
class DefaultPolicy:
    def decide(self, situation: Situation) -> Decision:
        allowed = situation.allowed
        if situation.tests_passed and situation.guard_verdict == "accept" and situation.judge_done and Route.ACCEPT in allowed:
            return Decision(Route.ACCEPT, f"tests pass, guard accepts, judge: {situation.judge_reason}")
        if Route.CONTINUE not in allowed:
            spent = ", ".join(situation.limits_reached)
            return Decision(Route.ABANDON, f"{spent} spent after iteration {situation.iteration}")
        repeated = repeated_findings(situation.findings_history)
        if repeated:
            rules = ", ".join(repeated)
            if Route.RESTART in allowed:
                return Decision(Route.RESTART, f"{rules} found twice in a row: a fresh session with the lessons")
            if Route.REASSIGN in allowed:
                return Decision(Route.REASSIGN, f"{rules} found twice in a row and restarts spent: next worker")
            return Decision(Route.ABANDON, f"{rules} found twice in a row; no restarts or workers left")
        if situation.guard_verdict == "reject":
            return Decision(Route.CONTINUE, "guard rejected the iteration: continue with its feedback")
        if not situation.tests_passed:
            return Decision(Route.CONTINUE, "tests fail: continue with their output")
        return Decision(Route.CONTINUE, f"judge: not done: {situation.judge_reason}")
