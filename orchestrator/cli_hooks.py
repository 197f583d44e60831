"""`ratchet hook claude-code …`: the hook commands Claude Code runs, and their installer.

The hook commands are an error boundary of their own. Claude Code reads exit code 2 as "block"
(and feeds stderr to the agent), so a hook that fails must never exit 2: a hook input that is
not what Claude Code documents, a git or configuration error, or a file that cannot be written
becomes one line on stderr and exit code 1, which Claude Code reports without blocking. The
agent's stop or tool call goes ahead; the user sees the message (in verbose mode / the debug
log). Anything unexpected propagates as a traceback, and Python's exit code 1 is non-blocking too.
"""

from __future__ import annotations

import json
import sys
from collections.abc import Callable
from pathlib import Path
from typing import TYPE_CHECKING, Annotated

import typer

from guards import GuardError

if TYPE_CHECKING:
    from orchestrator.hooks.claude_code import HookResponse

# The hooks' parts are imported inside the commands that use them: registering the commands is
# on every `ratchet` start-up (`ratchet check` included), running them is not.

EXIT_HOOK_ERROR = 1


def _answer(decide: Callable[[str], HookResponse]) -> None:
    from orchestrator.hooks.payload import HookInputError

    try:
        response = decide(sys.stdin.read())
    except (HookInputError, GuardError, OSError) as exc:  # Hook boundary: report, never block (see module doc).
        typer.echo(f"ratchet hook: {exc}", err=True)
        raise typer.Exit(EXIT_HOOK_ERROR) from exc
    if response.fields:
        sys.stdout.write(json.dumps(dict(response.fields)) + "\n")


def register(app: typer.Typer, fail: Callable[[str], typer.Exit]) -> None:
    """Adds `ratchet hook claude-code …` to the `ratchet` app; `fail` is the CLI's one-line error exit."""
    hook_app = typer.Typer(help="Ratchet as a hook of coding agents.", no_args_is_help=True)
    claude = typer.Typer(help="Claude Code hooks: gate stops and edits with the guard.", no_args_is_help=True)
    hook_app.add_typer(claude, name="claude-code")
    app.add_typer(hook_app, name="hook")

    @claude.command("session-start")
    def session_start_command() -> None:
        """SessionStart hook: record the work tree as the session's baseline."""
        from orchestrator.hooks.claude_code import session_start
        from orchestrator.hooks.payload import SessionInput

        _answer(lambda text: session_start(SessionInput.parse(text)))

    @claude.command("stop")
    def stop_command(
        max_blocks: Annotated[int, typer.Option(min=0, help="Consecutive blocks before the hook lets Claude stop.")] = 3,
    ) -> None:
        """Stop / SubagentStop hook: block the stop while the guard rejects the session's change."""
        from orchestrator.hooks.claude_code import stop
        from orchestrator.hooks.payload import StopInput

        _answer(lambda text: stop(StopInput.parse(text), max_blocks))

    @claude.command("pre-tool-use")
    def pre_tool_use_command() -> None:
        """PreToolUse hook (Edit, MultiEdit, Write): deny an edit the guard rejects."""
        from orchestrator.hooks.claude_code import pre_tool_use
        from orchestrator.hooks.payload import ToolInput

        _answer(lambda text: pre_tool_use(ToolInput.parse(text)))

    @claude.command("install")
    def install_command(
        project: Annotated[
            bool, typer.Option("--project/--user", help="The project's .claude/settings.json, or ~/.claude/settings.json.")
        ] = True,
        project_dir: Annotated[Path, typer.Option(help="The project whose settings --project writes.")] = Path("."),
        command: Annotated[str, typer.Option(help="How Claude Code runs ratchet, e.g. `uv run ratchet`.")] = "ratchet",
        max_blocks: Annotated[int, typer.Option(min=0, help="The stop hook's --max-blocks.")] = 3,
    ) -> None:
        """Add the SessionStart, Stop, SubagentStop and PreToolUse hooks to a settings.json."""
        from orchestrator.hooks.settings import SettingsError, install, read_settings, settings_path, write_settings

        path = settings_path(not project, project_dir)
        try:
            write_settings(path, install(read_settings(path), command, max_blocks))
        except SettingsError as exc:  # CLI boundary: a broken settings file is the user's to fix.
            raise fail(str(exc)) from exc
        typer.echo(f"ratchet hooks installed in {path}")

    @claude.command("uninstall")
    def uninstall_command(
        project: Annotated[bool, typer.Option("--project/--user", help="Which settings.json, as for install.")] = True,
        project_dir: Annotated[Path, typer.Option(help="The project whose settings --project edits.")] = Path("."),
    ) -> None:
        """Remove exactly the hooks `install` added."""
        from orchestrator.hooks.settings import SettingsError, read_settings, settings_path, uninstall, write_settings

        path = settings_path(not project, project_dir)
        try:
            settings = read_settings(path)
        except SettingsError as exc:  # CLI boundary, as for install.
            raise fail(str(exc)) from exc
        if path.is_file():
            write_settings(path, uninstall(settings))
        typer.echo(f"ratchet hooks removed from {path}")
