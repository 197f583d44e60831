"""`ratchet run` end to end with the built-in worker: the real anthropic SDK over HTTP against the
scripted Messages API server, real tool calls on the worktree, real pytest, the real guard.

Runs in-process (typer's runner) with ANTHROPIC_BASE_URL pointing at the server, as a user would
point it at a local model server.
"""

from __future__ import annotations

import json
import sys
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from typing import Any

import pytest
from typer.testing import Result

from orchestrator.messages_server import Failure, ScriptedMessagesServer, Step
from tests.conftest import GitRepo
from tests.orchestrator.scripted_agents import END, Coder, calls, edit, last_text, roles, tool_results, world

MODEL = "scripted-model"
CORE = "app/core.py"
BASE = {
    "app/__init__.py": "",
    CORE: "def average(xs: list[float]) -> float:\n    return sum(xs) / len(xs)\n",
    "tests/__init__.py": "",
    "tests/test_core.py": (
        "import pytest\n\nfrom app.core import average\n\n\n"
        "def test_average() -> None:\n    assert average([1.0, 2.0, 3.0]) == 2.0\n\n\n"
        "def test_average_of_nothing_is_an_error() -> None:\n"
        "    with pytest.raises(ValueError, match=\"no values\"):\n        average([])\n"
    ),
}
TASK = "average([]) must raise ValueError('no values') instead of ZeroDivisionError."
# Without the plugins installed in this environment pytest starts in a fraction of the time.
TEST = f"PYTEST_DISABLE_PLUGIN_AUTOLOAD=1 {sys.executable} -m pytest -q -p no:cacheprovider"
BODY = "    return sum(xs) / len(xs)\n"
HONEST = edit(CORE, BODY, "    if not xs:\n        raise ValueError(\"no values\")\n" + BODY)
FALLBACK = edit(CORE, BODY, "    try:\n        return sum(xs) / len(xs)\n    except Exception:\n        return 0.0\n")
SKIP = edit("tests/test_core.py", "def test_average_of_nothing", "@pytest.mark.skip(reason=\"flaky\")\ndef test_average_of_nothing")
HARMLESS = edit(CORE, "def average(xs: list[float]) -> float:\n", "def average(xs: list[float]) -> float:\n    \"\"\"The mean of `xs`.\"\"\"\n")
GUARD_FEEDBACK_OPENING = "The guard rejected your last change, and it has been rolled back."

Cli = Callable[..., Result]


@dataclass(frozen=True)
class Outcome:
    code: int
    output: dict[str, Any]
    server: ScriptedMessagesServer
    repo: GitRepo

    @property
    def decisions(self) -> list[str]:
        return [iteration["decision"] for iteration in self.output["iterations"]]

    def requests(self, role: str) -> list[dict[str, Any]]:
        return [request for request in self.server.requests if roles(request) == role]


RunLoop = Callable[..., Outcome]


@pytest.fixture
def run_loop(cli: Cli, git_repo: Callable[..., GitRepo], monkeypatch: pytest.MonkeyPatch) -> RunLoop:
    """`run_loop(script, *options)`: `ratchet run --format json` on a fresh repository, every model
    call answered by a scripted server that ANTHROPIC_BASE_URL points at."""
    repo = git_repo(BASE)
    prices = repo.root.parent / "prices.toml"
    prices.write_text(f'"{MODEL}" = {{ input = 1.0, output = 2.0 }}\n')
    monkeypatch.setenv("ANTHROPIC_API_KEY", "test-key")
    args = ["run", "--task", TASK, "--test", TEST, "--worker", f"anthropic:{MODEL}", "--model", MODEL, "--prices", str(prices)]

    def run(script: Sequence[Step], *options: str) -> Outcome:
        with ScriptedMessagesServer(script) as server:
            monkeypatch.setenv("ANTHROPIC_BASE_URL", server.base_url)
            result = cli(*args, "--task-id", "s1", "--format", "json", *options, cwd=repo.root)
        assert result.exit_code in (0, 1), result.output
        return Outcome(result.exit_code, json.loads(result.stdout), server, repo)

    return run


def conversation_roles(request: dict[str, Any]) -> list[str]:
    return [turn["role"] for turn in request["messages"]]


def rules_found(iteration: dict[str, Any]) -> set[str]:
    return {finding["rule"] for finding in iteration["guard"]["findings"]}


def tool_errors(requests: list[dict[str, Any]]) -> list[bool]:
    return [result["is_error"] for request in requests for result in tool_results(request)]


@pytest.mark.parametrize(
    ("first", "rule", "tests_passed", "marker"),
    [
        pytest.param(FALLBACK, "FB001", False, "except Exception", id="fallback"),
        pytest.param(SKIP, "TS003", True, "pytest.mark.skip", id="skipped-test"),
    ],
)
def test_a_rejected_shortcut_gets_the_guards_feedback_and_the_fix_is_accepted(
    run_loop: RunLoop, first: dict[str, Any], rule: str, tests_passed: bool, marker: str
) -> None:
    outcome = run_loop([world(Coder(on_task=first, on_feedback=HONEST))] * 4)
    assert (outcome.code, outcome.output["status"], outcome.output["branch"]) == (0, "accepted", "ratchet/s1")
    assert outcome.decisions == ["continue", "accept"]
    rejected, accepted = outcome.output["iterations"]
    outcomes = [(it["guard"]["verdict"], it["tests_passed"], rule in rules_found(it)) for it in (rejected, accepted)]
    assert outcomes == [("reject", tests_passed, True), ("accept", True, False)]
    # The feedback continues the same conversation: task, edit, tool result, summary, then feedback.
    continued = outcome.server.requests[2]
    assert conversation_roles(continued) == ["user", "assistant", "user", "assistant", "user"]
    assert (last_text(continued).startswith(GUARD_FEEDBACK_OPENING), rule in last_text(continued)) == (True, True)
    assert tool_errors(outcome.server.requests) == [False, False]
    # Only the fix reached the branch; the rejected shortcut was rolled back.
    branch = outcome.repo.git("log", "-p", "ratchet/s1")
    assert (HONEST["new_str"] in outcome.repo.git("show", f"ratchet/s1:{CORE}"), marker in branch) == (True, False)
    assert (outcome.output["usage"]["input_tokens"], accepted["tokens"]["output_tokens"]) == (400, 40)


def test_a_model_that_keeps_adding_fallbacks_is_abandoned_at_the_budget(run_loop: RunLoop) -> None:
    outcome = run_loop([world(Coder(on_task=FALLBACK, on_feedback=FALLBACK))] * 6, "--max-iterations", "3")
    assert (outcome.code, outcome.output["status"], outcome.output["branch"]) == (1, "abandoned", None)
    assert outcome.decisions == ["continue", "restart", "abandon"]
    assert [iteration["session"] for iteration in outcome.output["iterations"]] == [1, 1, 2]
    assert {iteration["guard"]["verdict"] for iteration in outcome.output["iterations"]} == {"reject"}
    assert "iteration budget (3)" in outcome.output["iterations"][-1]["reason"]
    # The restart is a fresh conversation whose task prompt carries the lesson.
    fresh = outcome.requests("worker")[4]
    assert conversation_roles(fresh) == ["user"]
    assert "Earlier sessions" in last_text(fresh) and "FB001" in last_text(fresh)
    assert outcome.repo.git("log", "--format=%s", "ratchet/s1").splitlines() == ["base"]


def test_overloaded_and_rate_limited_answers_are_retried_within_the_run(run_loop: RunLoop) -> None:
    outcome = run_loop([Failure(529), Failure(429), calls(HONEST), Failure(429), Failure(529), END])
    assert (outcome.code, outcome.decisions) == (0, ["accept"])
    assert (len(outcome.server.requests), outcome.server.remaining) == (6, 0)
    assert outcome.output["iterations"][0]["tokens"] == {"input_tokens": 200, "output_tokens": 40, "cost_usd": pytest.approx(280e-6)}


def test_a_malformed_tool_call_gets_an_error_result_and_the_model_recovers(run_loop: RunLoop) -> None:
    malformed = {"command": "str_replace", "path": CORE, "old_str": BODY}
    outcome = run_loop([calls(malformed, edit("../escape.py", "x", "y")), calls(HONEST), END])
    assert (outcome.code, outcome.decisions) == (0, ["accept"])
    missing, escaped = tool_results(outcome.server.requests[1])
    assert missing["is_error"] and "missing required field 'new_str'" in missing["content"]
    assert escaped["is_error"] and "outside the workspace" in escaped["content"]
    assert tool_errors(outcome.server.requests[2:]) == [False]


@pytest.mark.parametrize(
    ("judge", "judge_calls", "reason"),
    [
        ("rules", 0, "judge: tests pass and the guard accepts"),
        ("model", 2, "judge: scripted judge: done"),
        ("both", 1, "judge: tests pass and the guard accepts; scripted judge: done"),
    ],
)
def test_judges_compose_end_to_end(run_loop: RunLoop, judge: str, judge_calls: int, reason: str) -> None:
    outcome = run_loop([world(Coder(on_task=FALLBACK, on_feedback=HONEST))] * (4 + judge_calls), "--judge", judge)
    assert (outcome.code, outcome.decisions) == (0, ["continue", "accept"])
    assert outcome.output["iterations"][-1]["reason"].endswith(reason)
    assert outcome.output["usage"]["input_tokens"] == 100 * (4 + judge_calls)
    # A model judge sees each iteration's diff; `both` asks it only about the one the rules pass.
    prompts = [request["messages"][0]["content"] for request in outcome.requests("verdict")]
    assert ["+    if not xs:" in prompt for prompt in prompts] == [False, True][2 - judge_calls :]


def test_the_model_orchestrator_chooses_among_the_allowed_routes(run_loop: RunLoop) -> None:
    outcome = run_loop([world(Coder(on_task=FALLBACK, on_feedback=HONEST))] * 6, "--orchestrator", "model")
    assert (outcome.code, outcome.decisions) == (0, ["restart", "accept"])
    iterations = outcome.output["iterations"]
    assert [(it["session"], it["reason"]) for it in iterations] == [
        (1, "scripted orchestrator chose restart"),
        (2, "scripted orchestrator chose accept"),
    ]
    offered = [request["tools"][0]["input_schema"]["properties"]["route"]["enum"] for request in outcome.requests("route")]
    assert offered == [["abandon", "continue", "restart"], ["abandon", "accept", "continue", "restart"]]


@pytest.mark.parametrize(
    ("option", "value", "limit"),
    [
        ("--max-tokens-budget", "200", "token budget (200)"),
        ("--max-cost", "0.0002", "cost budget ($0.0002)"),
        ("--max-wall-seconds", "0.001", "wall-time budget (0.001s)"),
    ],
)
def test_budgets_abandon_the_task(run_loop: RunLoop, option: str, value: str, limit: str) -> None:
    outcome = run_loop([world(Coder(on_task=HARMLESS, on_feedback=HARMLESS))] * 2, option, value)
    assert (outcome.code, outcome.output["status"], outcome.decisions) == (1, "abandoned", ["abandon"])
    assert limit in outcome.output["iterations"][0]["reason"]
    assert outcome.output["iterations"][0]["guard"]["verdict"] == "accept"


@pytest.mark.parametrize(("retries", "requests"), [((), 5), (("--api-retries", "0"), 1)], ids=["default-retries", "no-retries"])
def test_a_model_that_stays_down_stops_the_run_resumably(
    cli: Cli, git_repo: Callable[..., GitRepo], monkeypatch: pytest.MonkeyPatch, retries: tuple[str, ...], requests: int
) -> None:
    repo = git_repo(BASE)
    prices = repo.root.parent / "prices.toml"
    prices.write_text(f'"{MODEL}" = {{ input = 1.0, output = 2.0 }}\n')
    args = ["--task", TASK, "--test", TEST, "--worker", f"anthropic:{MODEL}", "--prices", str(prices), "--task-id", "s1"]
    monkeypatch.delenv("ANTHROPIC_API_KEY", raising=False)
    unauthorised = cli("run", *args, cwd=repo.root)
    assert unauthorised.exit_code == 2 and "set ANTHROPIC_API_KEY" in unauthorised.stderr and "resume" not in unauthorised.stderr
    monkeypatch.setenv("ANTHROPIC_API_KEY", "test-key")
    with ScriptedMessagesServer([Failure(529)] * requests) as server:
        monkeypatch.setenv("ANTHROPIC_BASE_URL", server.base_url)
        failed = cli("run", *args, *retries, cwd=repo.root)
    assert failed.exit_code == 2 and "overloaded_error" in failed.stderr and "`ratchet resume s1` continues it" in failed.stderr
    assert len(server.requests) == requests
    with ScriptedMessagesServer([calls(HONEST), END]) as server:
        monkeypatch.setenv("ANTHROPIC_BASE_URL", server.base_url)
        resumed = cli("resume", "s1", "--format", "json", cwd=repo.root)
    assert resumed.exit_code == 0, resumed.output
    assert [iteration["decision"] for iteration in json.loads(resumed.stdout)["iterations"]] == ["accept"]


def test_model_call_settings_reach_every_request(run_loop: RunLoop) -> None:
    settings = ("--model-max-tokens", "321", "--temperature", "0.5", "--judge", "model", "--orchestrator", "model")
    outcome = run_loop([world(Coder(on_task=HONEST, on_feedback=HONEST))] * 4, *settings)
    assert (outcome.code, outcome.decisions) == (0, ["accept"])
    assert sorted(roles(request) for request in outcome.server.requests) == ["route", "verdict", "worker", "worker"]
    assert {(request["model"], request["max_tokens"], request["temperature"]) for request in outcome.server.requests} == {(MODEL, 321, 0.5)}
