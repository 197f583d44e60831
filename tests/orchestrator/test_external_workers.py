"""External agents as workers, driven against stand-in executables that speak each tool's real
output format (Claude Code's JSON result, Codex's JSONL events, aider's plain text) and edit files:
the argv each worker builds, how a session is continued, usage parsing, time-outs and failures."""

from __future__ import annotations

import os
import time
import uuid
from collections.abc import Callable
from pathlib import Path

import pytest

from graphs.protocols import Attempt, AttemptRequest, Session, TaskSpec, Usage, Worker
from orchestrator.workers.agent_process import AgentFailed, AgentLimits, InvalidWorkerSetting, MissingExecutable
from orchestrator.workers.specs import build_external_worker, limits_from
from tests.conftest import GitRepo
from tests.orchestrator.standins.harness import Standins, standins

__all__ = ["standins"]

TASK = TaskSpec("t1", "simplify total", "true")
PROMPT = "Simplify total(); it's in app/core.py"
FEEDBACK = "FB001: broad except added in app/core.py; remove it"
BASE = {"app/__init__.py": "", "app/core.py": "def total(xs):\n    return sum(x for x in xs)\n"}
FIXED = {"app/core.py": "def total(xs):\n    return sum(xs)\n"}


def worker(spec: str, **environ: str) -> Worker:
    kind, _, argument = spec.partition(":")
    return build_external_worker(kind, argument, f"{kind}-1", {**os.environ, **environ})


def attempt(agent: Worker, workspace: Path, message: str, session: Session | None = None) -> Attempt:
    return agent.attempt(AttemptRequest(TASK, workspace, session if session else Session(agent.name, 1), message))


CLAUDE_FLAGS = ["--output-format", "json", "--permission-mode", "acceptEdits", "--max-turns", "40", "--max-budget-usd", "5"]
CODEX_FLAGS = ["exec", "--json", "--sandbox", "workspace-write"]
AIDER_FLAGS = ["--yes-always", "--no-auto-commits", "--no-gitignore", "--no-check-update", "--chat-history-file"]


def tool_of(spec: str) -> str:
    """The stand-in executable a spec runs."""
    kind = spec.split(":")[0]
    return {"claude-code": "claude", "codex": "codex", "aider": "aider", "cmd": "agent"}[kind]


@pytest.mark.parametrize(
    ("spec", "fresh", "flags", "stdin", "usage"),
    [
        ("claude-code:claude-opus-4-1", ["-p", PROMPT, *CLAUDE_FLAGS, "--model", "claude-opus-4-1", "--session-id"], [], "", Usage(1200, 450, 0.0421)),
        ("claude-code", ["-p", PROMPT, *CLAUDE_FLAGS, "--session-id"], [], "", Usage(1200, 450, 0.0421)),
        ("codex:gpt-5-codex", [*CODEX_FLAGS, "--model", "gpt-5-codex", PROMPT], [], "", Usage(24763, 122)),
        ("codex", [*CODEX_FLAGS, PROMPT], [], "", Usage(24763, 122)),
        ("aider:sonnet", ["--message", PROMPT, *AIDER_FLAGS], ["--model", "sonnet"], "", Usage()),
        ("cmd:agent --task {prompt} --quiet", ["--task", PROMPT, "--quiet"], [], PROMPT, Usage()),
    ],
)
def test_a_fresh_attempt_runs_the_agent_in_the_worktree(
    standins: Standins, git_repo: Callable[..., GitRepo], spec: str, fresh: list[str], flags: list[str], stdin: str, usage: Usage
) -> None:
    repo = git_repo(BASE)
    standins.edits(tool_of(spec), FIXED)
    result = attempt(worker(spec), repo.root, PROMPT)
    [call] = standins.calls()
    assert call["argv"][: len(fresh)] == fresh
    assert set(flags) <= set(call["argv"]) and "--restore-chat-history" not in call["argv"]
    assert (Path(call["cwd"]), call["stdin"]) == (repo.root, stdin)
    assert result.usage == usage
    assert result.summary
    # Only the agent's edit is left in the worktree: no history, cache or .gitignore of the agent's own.
    assert repo.git("status", "--porcelain") == " M app/core.py\n"
    assert (repo.root / "app/core.py").read_text() == FIXED["app/core.py"]


def test_claude_code_sessions_get_an_id_ratchet_chose(standins: Standins, git_repo: Callable[..., GitRepo]) -> None:
    result = attempt(worker("claude-code"), git_repo(BASE).root, PROMPT)
    chosen = standins.calls()[0]["argv"][-1]
    assert result.session.state == {"session_id": chosen}
    assert str(uuid.UUID(chosen)) == chosen


@pytest.mark.parametrize(
    ("spec", "continued", "state"),
    [
        ("claude-code", lambda sid: (["-p", FEEDBACK], ["--resume", sid]), lambda sid: {"session_id": f"{sid}+1"}),
        ("codex", lambda tid: (["exec", "--json"], ["resume", tid, FEEDBACK]), lambda tid: {"task_prompt": PROMPT, "thread_id": tid}),
        ("cmd:agent {prompt}", lambda _: ([], [f"{PROMPT}\n\nFeedback on your previous attempt:\n{FEEDBACK}"]), lambda _: {"task_prompt": PROMPT}),
    ],
)
def test_continuing_resumes_the_agents_session_with_the_feedback(
    standins: Standins,
    git_repo: Callable[..., GitRepo],
    spec: str,
    continued: Callable[[str], tuple[list[str], list[str]]],
    state: Callable[[str], dict[str, str]],
) -> None:
    repo = git_repo(BASE)
    agent = worker(spec)
    first = attempt(agent, repo.root, PROMPT)
    session_key = next(iter(key for key in ("session_id", "thread_id", "task_prompt") if key in first.session.state))
    second = attempt(agent, repo.root, FEEDBACK, first.session)
    argv = standins.calls()[1]["argv"]
    identifier = first.session.state[session_key]
    head, tail = continued(identifier)
    assert argv[: len(head)] == head
    assert argv[-len(tail) :] == tail
    assert second.session.state == state(identifier)
    # Restarting is a fresh session: a new one is started, nothing is resumed.
    attempt(agent, repo.root, PROMPT, Session(agent.name, 2))
    assert "--resume" not in standins.calls()[2]["argv"] and "resume" not in standins.calls()[2]["argv"]


def test_aider_keeps_its_chat_history_outside_the_tree_and_restores_it(standins: Standins, git_repo: Callable[..., GitRepo]) -> None:
    repo = git_repo(BASE)
    agent = worker("aider")
    first = attempt(agent, repo.root, PROMPT)
    second = attempt(agent, repo.root, FEEDBACK, first.session)
    history = Path(first.session.state["history"])
    assert second.session.state == first.session.state
    assert not history.is_relative_to(repo.root) or ".git" in history.parts
    assert history.read_text() == f"#### {PROMPT}\n#### {FEEDBACK}\n"
    assert "--restore-chat-history" in standins.calls()[1]["argv"]
    assert "Restored 1 earlier messages" in second.summary
    assert "Tokens: 2.1k sent" in second.summary
    assert not (repo.root / ".aider.tags.cache.v4").exists()


def played(monkeypatch: pytest.MonkeyPatch, repo: GitRepo, spec: str, outcome: str) -> Attempt:
    monkeypatch.setenv("STANDIN_OUTCOME", outcome)
    return attempt(worker(spec), repo.root, PROMPT)


@pytest.mark.parametrize(
    ("spec", "outcome", "summary_start"),
    [
        ("claude-code", "max_turns", "[claude-code stopped: error_max_turns]"),
        ("claude-code", "success", "Changed app/core.py"),
        ("codex", "success", "Simplified total()"),
    ],
)
def test_the_summary_says_how_the_agent_stopped(
    standins: Standins, git_repo: Callable[..., GitRepo], monkeypatch: pytest.MonkeyPatch, spec: str, outcome: str, summary_start: str
) -> None:
    result = played(monkeypatch, git_repo(BASE), spec, outcome)
    assert result.summary.startswith(summary_start)
    assert result.usage.input_tokens > 0


@pytest.mark.parametrize(
    ("spec", "outcome", "message"),
    [("claude-code", "crash", "Invalid API key"), ("codex", "failed", "stream disconnected before completion")],
)
def test_an_agent_that_ends_without_a_result_is_an_error(
    standins: Standins, git_repo: Callable[..., GitRepo], monkeypatch: pytest.MonkeyPatch, spec: str, outcome: str, message: str
) -> None:
    with pytest.raises(AgentFailed, match=message):
        played(monkeypatch, git_repo(BASE), spec, outcome)


@pytest.mark.parametrize(
    ("spec", "kept"),
    [("claude-code", "session_id"), ("codex", "thread_id"), ("aider", "history"), ("cmd:agent {prompt}", "task_prompt")],
)
def test_a_timed_out_attempt_ends_and_can_be_continued(
    standins: Standins, git_repo: Callable[..., GitRepo], monkeypatch: pytest.MonkeyPatch, spec: str, kept: str
) -> None:
    repo = git_repo(BASE)
    standins.edits(tool_of(spec), FIXED)
    monkeypatch.setenv("STANDIN_SLEEP", "30")
    agent = worker(spec, RATCHET_WORKER_TIMEOUT="0.5")
    started = time.monotonic()
    result = attempt(agent, repo.root, PROMPT)
    assert time.monotonic() - started < 10
    assert "[timed out after 0.5s; the agent was killed]" in result.summary
    assert kept in result.session.state
    # What the agent did before it was killed stays for the loop to judge.
    assert (repo.root / "app/core.py").read_text() == FIXED["app/core.py"]


@pytest.mark.parametrize(("spec", "executable"), [("claude-code", "claude"), ("codex", "codex"), ("aider:gpt-4o", "aider")])
def test_a_missing_executable_is_named(tmp_path: Path, monkeypatch: pytest.MonkeyPatch, spec: str, executable: str) -> None:
    monkeypatch.setenv("PATH", str(tmp_path))
    with pytest.raises(MissingExecutable, match=f"{spec.split(':')[0]}-1 worker: executable '{executable}' not found on PATH"):
        worker(spec)


def test_a_command_that_is_not_found_is_named(standins: Standins, git_repo: Callable[..., GitRepo]) -> None:
    with pytest.raises(MissingExecutable, match="no-such-agent"):
        attempt(worker("cmd:no-such-agent {prompt}"), git_repo(BASE).root, PROMPT)


@pytest.mark.parametrize(
    ("passed", "seen"),
    [("", []), ("ANTHROPIC_API_KEY", ["ANTHROPIC_API_KEY"]), ("ANTHROPIC_API_KEY, OPENAI_API_KEY", ["ANTHROPIC_API_KEY", "OPENAI_API_KEY"])],
)
def test_credentials_reach_the_agent_only_when_named(
    standins: Standins, git_repo: Callable[..., GitRepo], monkeypatch: pytest.MonkeyPatch, passed: str, seen: list[str]
) -> None:
    monkeypatch.setenv("ANTHROPIC_API_KEY", "sk-ant-test")
    monkeypatch.setenv("OPENAI_API_KEY", "sk-test")
    attempt(worker("claude-code", RATCHET_WORKER_ENV=passed), git_repo(BASE).root, PROMPT)
    assert standins.calls()[0]["credentials"] == seen


@pytest.mark.parametrize(
    ("environ", "limits"),
    [
        ({}, AgentLimits()),
        ({"RATCHET_WORKER_TIMEOUT": "90", "RATCHET_WORKER_ENV": "ANTHROPIC_API_KEY,"}, AgentLimits(90.0, pass_env=("ANTHROPIC_API_KEY",))),
    ],
)
def test_limits_come_from_the_environment(environ: dict[str, str], limits: AgentLimits) -> None:
    assert limits_from(environ) == limits


@pytest.mark.parametrize(
    "environ",
    [{"RATCHET_WORKER_TIMEOUT": "soon"}, {"RATCHET_WORKER_TIMEOUT": "0"}, {"RATCHET_WORKER_ENV": "NOT-A-NAME"}],
)
def test_malformed_limits_are_an_error(environ: dict[str, str]) -> None:
    with pytest.raises(InvalidWorkerSetting):
        limits_from(environ)
