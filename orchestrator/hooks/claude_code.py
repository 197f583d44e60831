"""Claude Code's SessionStart, Stop/SubagentStop and PreToolUse hooks: what each decides.

Each function takes the parsed hook input and returns the `HookResponse` to print. The protocol
(from the Claude Code hooks reference): exit code 0 and JSON on stdout; an empty response lets
the stop or the tool call happen; a Stop hook blocks with `{"decision": "block", "reason": ...}`
and Claude goes on with the reason as its instruction; a PreToolUse hook denies with
`hookSpecificOutput.permissionDecision = "deny"` and the reason is shown to Claude.

Outside a git repository, and for changes without Python files, the hooks have nothing to judge
and let everything happen.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from pathlib import Path
from types import MappingProxyType

from guards import Change, FilePair, GitRepository, GitTree, NotARepository, Report, RuleSet, check, renderer
from guards.change import is_python_path
from orchestrator.hooks.edits import EditDoesNotApply
from orchestrator.hooks.payload import SessionInput, StopInput, ToolInput
from orchestrator.hooks.session import SessionStore, snapshot
from orchestrator.project import cache_dir, read_config


@dataclass(frozen=True, slots=True)
class HookResponse:
    """The JSON object a hook prints; empty means "go ahead" and prints nothing."""

    fields: Mapping[str, object] = field(default_factory=lambda: MappingProxyType({}))


PROCEED = HookResponse()


def _open(path: Path) -> GitRepository | NotARepository:
    """The repository around `path`, or the reason there is none (the hooks then stand aside)."""
    try:
        return GitRepository.open(path)
    except NotARepository as exc:
        return exc


def _judge(repository: GitRepository, change: Change) -> Report:
    """The guard's verdict, with the work tree around the change for the repository-wide rules."""
    return check(change, read_config(repository.root), RuleSet.default(), GitTree(repository, None), cache_dir(repository.root))


def session_start(payload: SessionInput) -> HookResponse:
    """Record the work tree as the session's baseline, once: a resumed or compacted session keeps
    the baseline it started with. Prints nothing, since SessionStart output becomes context."""
    repository = _open(payload.cwd)
    if isinstance(repository, NotARepository):
        return PROCEED
    store = SessionStore(repository)
    if not store.has_baseline(payload.session_id):
        store.record_baseline(payload.session_id, snapshot(repository))
    return PROCEED


def _gave_up(blocks: int, baseline: str) -> HookResponse:
    message = (
        f"ratchet: the guard still rejects this session's change after {blocks} consecutive blocks, so it stops "
        f"blocking and lets Claude stop. See the findings with `ratchet check --base {baseline[:12]}`."
    )
    return HookResponse(MappingProxyType({"systemMessage": message}))


def stop(payload: StopInput, max_blocks: int) -> HookResponse:
    """Judge the session's change (baseline → work tree now); block the stop on a reject, at most
    `max_blocks` times in a row. A stop that Claude did not reach through a stop hook's block
    (`stop_hook_active` false) starts a new count: the user has had the last word in between."""
    assert max_blocks >= 0, max_blocks
    repository = _open(payload.cwd)
    if isinstance(repository, NotARepository):
        return PROCEED
    store = SessionStore(repository)
    baseline = store.baseline(payload.session_id)
    change = repository.revision_change(baseline, snapshot(repository))
    report = _judge(repository, change)
    if report.verdict == "accept":
        store.set_blocks(payload.session_id, 0)
        return PROCEED
    blocks = store.blocks(payload.session_id) if payload.stop_hook_active else 0
    if blocks >= max_blocks:
        store.set_blocks(payload.session_id, 0)
        return _gave_up(blocks, baseline)
    store.set_blocks(payload.session_id, blocks + 1)
    footer = f"(ratchet stop hook: block {blocks + 1} of at most {max_blocks} in a row)"
    return HookResponse(MappingProxyType({"decision": "block", "reason": f"{renderer('feedback')(report)}\n{footer}"}))


def _deny(reason: str) -> HookResponse:
    output = {"hookEventName": "PreToolUse", "permissionDecision": "deny", "permissionDecisionReason": reason}
    return HookResponse(MappingProxyType({"hookSpecificOutput": output}))


def _nearest_directory(path: Path) -> Path:
    """The file's directory, or its closest existing ancestor when Write creates directories."""
    for candidate in path.parents:
        if candidate.is_dir():
            return candidate
    raise AssertionError(f"{path} is absolute, so the root directory exists")


def pre_tool_use(payload: ToolInput) -> HookResponse:
    """Judge the one-file change an Edit, MultiEdit or Write would make; deny it on a reject.
    Other tools, non-Python files, files outside a repository and edits that do not apply (the
    tool fails on its own) go ahead."""
    if not payload.edits_a_file:
        return PROCEED
    edit = payload.file_edit()
    if not is_python_path(edit.path.name):
        return PROCEED
    repository = _open(_nearest_directory(edit.path))
    if isinstance(repository, NotARepository):
        return PROCEED
    before = edit.path.read_bytes() if edit.path.is_file() else None
    try:
        after = edit.after(before)
    except EditDoesNotApply:
        return PROCEED
    if after == before:
        return PROCEED
    relative = edit.path.resolve().relative_to(repository.root.resolve()).as_posix()
    report = _judge(repository, Change.of([FilePair(relative, before, after)]))
    if report.verdict == "accept":
        return PROCEED
    header = f"ratchet: this {payload.tool_name} of {relative} was not applied."
    return _deny(f"{header}\n{renderer('feedback')(report)}")
