"""The loop's commands: `ratchet run`, `resume`, `show`, `status`, `graph`.

Errors of the loop's parts (the guard's `GuardError`, unknown worker specs, missing runs, a
recording that does not apply, a bad price file or budget) become one line on stderr and exit code
2 in `_boundary`, the CLI being their boundary; accepted is exit 0, abandoned 1. A model that
fails during a run (the API down after the SDK's retries, a malformed forced reply) stops it with
exit 2 too, in `_interrupted`: the run is checkpointed and `ratchet resume` continues it.
"""

from __future__ import annotations

import json
import time
import uuid
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from enum import StrEnum
from pathlib import Path
from typing import TYPE_CHECKING, Annotated

import typer

from guards import GitRepository, GuardError

if TYPE_CHECKING:
    from graphs.protocols import Budget
    from graphs.state import LoopState
    from orchestrator.pricing import Price

# The loop's parts (graphs, runs, prices, LangGraph, the model SDK) are imported inside the
# functions that use them: `ratchet check` runs in pre-commit hooks and must not pay for them.

EXIT_ACCEPTED, EXIT_ABANDONED, EXIT_USAGE = 0, 1, 2


class JudgeKind(StrEnum):
    rules = "rules"
    model = "model"
    both = "both"


class OrchestratorKind(StrEnum):
    policy = "policy"
    model = "model"


class ResultFormat(StrEnum):
    text = "text"
    json = "json"


@contextmanager
def _boundary(fail: Callable[[str], typer.Exit]) -> Iterator[None]:
    from orchestrator.loop import RunNotResumable, UnknownWorkerSpec
    from orchestrator.pricing import InvalidPriceTable, UnknownModelPrice
    from orchestrator.runs import RunInProgress, RunNotFound
    from orchestrator.workers.agent_process import ExternalWorkerError
    from orchestrator.workers.replay_worker import ReplayError
    from orchestrator.workspace import InvalidTaskId

    loop_errors = (GuardError, UnknownWorkerSpec, RunNotFound, RunNotResumable, RunInProgress, InvalidTaskId, ReplayError, FileExistsError, ExternalWorkerError)
    loop_errors += (InvalidPriceTable, UnknownModelPrice)
    try:
        yield
    except loop_errors as exc:  # CLI boundary: the loop's input errors are one line and exit 2.
        raise fail(str(exc)) from exc


@contextmanager
def _interrupted(fail: Callable[[str], typer.Exit], task_id: str) -> Iterator[None]:
    from graphs.protocols import RouteNotAllowed
    from orchestrator.model_client import ModelReplyInvalid, ModelUnavailable, NoModelCredentials

    try:
        yield
    except NoModelCredentials as exc:  # CLI boundary: found while wiring the run, before anything ran.
        raise fail(str(exc)) from exc
    except (ModelUnavailable, ModelReplyInvalid, RouteNotAllowed) as exc:  # CLI boundary: a failed model stops the run, resumably.
        raise fail(f"{exc}; the run is checkpointed, `ratchet resume {task_id}` continues it") from exc


def _read_prices(path: Path | None) -> dict[str, Price]:
    """The `--prices` file's entries; none without the option."""
    from orchestrator.pricing import InvalidPriceTable, parse_prices

    if path is None:
        return {}
    try:
        text = path.read_text(encoding="utf-8")
    except (OSError, UnicodeDecodeError) as exc:
        raise InvalidPriceTable(f"cannot read the price file {path}: {exc}") from exc
    return parse_prices(text, str(path))


def _budget(fail: Callable[[str], typer.Exit], iterations: int, tokens: int, cost: float, seconds: float, restarts: int) -> Budget:
    from graphs.protocols import Budget

    try:
        return Budget(iterations, tokens, cost, seconds, restarts)
    except ValueError as exc:  # CLI boundary: a budget option out of range is one line and exit 2.
        raise fail(str(exc)) from exc


def _report(state: LoopState, format: ResultFormat) -> None:
    from orchestrator.runs import result_json, timeline

    branch = f"ratchet/{state['task'].task_id}"
    if format is ResultFormat.json:
        typer.echo(json.dumps(result_json(state, branch), indent=2))
    else:
        typer.echo(timeline(state))
        if state["status"] == "accepted":
            typer.echo(f"accepted on branch {branch}")
    raise typer.Exit(EXIT_ACCEPTED if state["status"] == "accepted" else EXIT_ABANDONED)


def register(app: typer.Typer, fail: Callable[[str], typer.Exit]) -> None:
    """Adds the loop's commands to the `ratchet` app; `fail` is the CLI's one-line error exit."""

    @app.command("run")
    def run_command(
        task: Annotated[str, typer.Option(help="What the worker should do.")],
        test: Annotated[str, typer.Option(help="The command that must pass, run in the worktree.")],
        repo: Annotated[Path, typer.Option(help="The git repository to work on.")] = Path("."),
        task_id: Annotated[str, typer.Option(help="Names the run, its branch and worktree (default: generated).")] = "",
        base: Annotated[str, typer.Option(help="The revision to start from.")] = "HEAD",
        max_iterations: Annotated[int, typer.Option(help="Iteration budget.")] = 10,
        max_tokens_budget: Annotated[int, typer.Option(help="Token budget: input plus output tokens of every model call.")] = 2_000_000,
        max_cost: Annotated[float, typer.Option(help="Cost budget in USD, priced with the price table.")] = 20.0,
        max_wall_seconds: Annotated[float, typer.Option(help="Wall-time budget in seconds.")] = 3600.0,
        restarts: Annotated[int, typer.Option(help="Fresh sessions per worker before reassigning.")] = 2,
        test_timeout: Annotated[float, typer.Option(help="Seconds the test command may take.")] = 600.0,
        model: Annotated[str, typer.Option(help="Model for the default worker, the model judge and the model orchestrator.")] = "claude-sonnet-4-5",
        judge: Annotated[JudgeKind, typer.Option(help="rules, model, or both.")] = JudgeKind.rules,
        orchestrator: Annotated[OrchestratorKind, typer.Option(help="policy (deterministic), or model (chooses among the routes the policy allows).")] = OrchestratorKind.policy,
        prices: Annotated[Path | None, typer.Option(help='TOML price table extending the defaults: "model-prefix" = { input = 3.0, output = 15.0 } (USD per million tokens).')] = None,
        model_max_tokens: Annotated[int, typer.Option(min=1, help="max_tokens of each model call.")] = 8192,
        temperature: Annotated[float | None, typer.Option(min=0.0, max=1.0, help="Sampling temperature (default: not sent).")] = None,
        api_retries: Annotated[int, typer.Option(min=0, help="The SDK's retries of a failed call (429, 5xx, 529, connection errors).")] = 4,
        worker: Annotated[list[str] | None, typer.Option(help="anthropic:MODEL, replay:DIR, claude-code[:MODEL], codex[:MODEL], aider[:MODEL] or cmd:COMMAND; repeat for a roster.")] = None,
        format: Annotated[ResultFormat, typer.Option("--format", "-f")] = ResultFormat.text,
    ) -> None:
        """Drive a task to an accepted branch, or abandon it when the budget is spent. Exit 0 accepted, 1 abandoned, 2 error."""
        specs = tuple(worker) if worker else (f"anthropic:{model}",)
        with _boundary(fail):
            from orchestrator.loop import start
            from orchestrator.runs import RunRecord
            from orchestrator.workspace import check_task_id

            repository = GitRepository.open(repo)
            record = RunRecord(
                task_id=check_task_id(task_id) if task_id else f"task-{uuid.uuid4().hex[:8]}",
                instruction=task,
                test_command=test,
                base=repository.resolve(base),
                workers=specs,
                model=model,
                judge=judge.value,
                orchestrator=orchestrator.value,
                prices=_read_prices(prices),
                max_output_tokens=model_max_tokens,
                temperature=temperature,
                api_retries=api_retries,
                budget=_budget(fail, max_iterations, max_tokens_budget, max_cost, max_wall_seconds, restarts),
                test_timeout_s=test_timeout,
                started_at=time.time(),
            )
            with _interrupted(fail, record.task_id):
                state = start(repository, record)
        _report(state, format)

    @app.command("resume")
    def resume_command(
        task_id: Annotated[str, typer.Argument(metavar="TASK_ID")],
        repo: Annotated[Path, typer.Option(help="The git repository of the run.")] = Path("."),
        format: Annotated[ResultFormat, typer.Option("--format", "-f")] = ResultFormat.text,
    ) -> None:
        """Continue a run that was interrupted, from its last checkpoint."""
        with _boundary(fail):
            from orchestrator.loop import resume

            with _interrupted(fail, task_id):
                _, state = resume(GitRepository.open(repo), task_id)
        _report(state, format)

    @app.command("show")
    def show_command(
        task_id: Annotated[str, typer.Argument(metavar="TASK_ID")],
        repo: Annotated[Path, typer.Option(help="The git repository of the run.")] = Path("."),
        format: Annotated[ResultFormat, typer.Option("--format", "-f")] = ResultFormat.text,
    ) -> None:
        """The timeline of a run's iterations, with verdicts and decisions."""
        with _boundary(fail):
            from orchestrator.loop import load_state
            from orchestrator.runs import result_json, timeline

            state = load_state(GitRepository.open(repo), task_id)
        if format is ResultFormat.json:
            typer.echo(json.dumps(result_json(state, f"ratchet/{task_id}"), indent=2))
        else:
            typer.echo(timeline(state))

    @app.command("status")
    def status_command(repo: Annotated[Path, typer.Option(help="The git repository.")] = Path(".")) -> None:
        """List the runs of a repository and their states."""
        with _boundary(fail):
            from orchestrator.loop import load_state
            from orchestrator.runs import RunDir, run_status, runs_root

            repository = GitRepository.open(repo)
            root = runs_root(repository.root)
            task_ids = sorted(path.name for path in root.iterdir()) if root.is_dir() else []
            for task_id in task_ids:
                run = RunDir.open(repository.root, task_id)
                state = load_state(repository, task_id)
                status, iterations = run_status(state, run.is_live())
                typer.echo(f"{task_id}  {status:<9}  {iterations} iterations  {run.record().instruction.splitlines()[0]}")

    @app.command("graph")
    def graph_command() -> None:
        """Print the loop's state machine as Mermaid."""
        from graphs.loop import build_graph

        typer.echo(build_graph().get_graph().draw_mermaid())
