"""The `ratchet` command line.

This is the CLI's error boundary: `GuardError` (and the loop's own errors) become one line on
stderr and exit code 2; a reject is exit code 1; accept is 0.
"""

from __future__ import annotations

import sys
import traceback
from enum import StrEnum
from pathlib import Path
from typing import Annotated

import typer

from guards import NO_TREE, Change, DirectoryTree, GitRepository, GitTree, GuardError, Report, RuleSet, SourceTree, directory_change, renderer
from guards.engine import check
from guards.sources.patch import patch_change_on_directory, patch_change_on_revision, read_patch
from orchestrator.cli_graph import register as register_graph_commands
from orchestrator.cli_hooks import register as register_hook_commands
from orchestrator.cli_loop import register as register_loop_commands
from orchestrator.project import cache_dir, read_config

app = typer.Typer(
    name="ratchet",
    help="A harness-level loop for coding agents, with a guard that rejects changes trading invariants for local defenses.",
    no_args_is_help=True,
    pretty_exceptions_enable=False,
    add_completion=False,
)
EXIT_ACCEPT, EXIT_REJECT, EXIT_USAGE, EXIT_INTERNAL = 0, 1, 2, 3


class OutputFormat(StrEnum):
    text = "text"
    json = "json"
    sarif = "sarif"
    markdown = "markdown"
    feedback = "feedback"


def fail(message: str) -> typer.Exit:
    """Print a one-line error and return the exit to raise: the CLI's only way out on bad input."""
    typer.echo(f"ratchet: error: {message}", err=True)
    return typer.Exit(EXIT_USAGE)


def _load_change(
    repo: Path, base: str | None, head: str | None, staged: bool, before: Path | None, after: Path | None, patch: Path | None
) -> tuple[Change, Path, SourceTree]:
    """The change the options describe, the directory whose `pyproject.toml` configures the check,
    and the after side's whole tree, for duplication: the work tree, the --head revision, the
    --after directory, or none for a patch. For --staged it is the work tree: the staged files
    themselves come from the index through the change, other files as they are on disk."""
    if after is not None:
        if before is None or patch is not None or head is not None or staged or base is not None:
            raise fail("--after goes with --before only")
        return directory_change(before, after), after, DirectoryTree(after)
    if patch is not None:
        if head is not None or staged:
            raise fail("--patch goes with --base REV or --before DIR, not --head or --staged")
        text = read_patch(patch)
        if before is not None:
            if base is not None:
                raise fail("--patch takes either --base or --before, not both")
            return patch_change_on_directory(before, text), before, NO_TREE
        repository = GitRepository.open(repo)
        return patch_change_on_revision(repository, base or "HEAD", text), repository.root, NO_TREE
    if before is not None:
        raise fail("--before needs --after DIR or --patch FILE")
    repository = GitRepository.open(repo)
    if head is not None:
        if staged:
            raise fail("--head and --staged exclude each other")
        return repository.revision_change(base or "HEAD", head), repository.root, GitTree(repository, head)
    work_tree = GitTree(repository, None)
    if staged:
        return repository.staged_change(base or "HEAD"), repository.root, work_tree
    # The change's untracked files come from the tree's listing: the work tree is scanned once.
    return repository.worktree_change_in(work_tree.listing, base or "HEAD"), repository.root, work_tree


def load_report(
    repo: Path, base: str | None, head: str | None, staged: bool, before: Path | None, after: Path | None, patch: Path | None
) -> Report:
    """The report `ratchet check` prints for these options; raises `GuardError` for bad input."""
    change, root, tree = _load_change(repo, base, head, staged, before, after, patch)
    # A patch has no tree around it: only the changed files are indexed, so nothing is cached.
    cache = None if patch is not None else cache_dir(root)
    return check(change, read_config(root), RuleSet.default(), tree, cache)


@app.command("check")
def check_command(
    repo: Annotated[Path, typer.Option(help="The git repository to check.")] = Path("."),
    base: Annotated[str | None, typer.Option(help="Base revision (default HEAD).")] = None,
    head: Annotated[str | None, typer.Option(help="Compare --base with this revision instead of the work tree.")] = None,
    staged: Annotated[bool, typer.Option(help="Check the index against --base: what a commit would record.")] = False,
    before: Annotated[Path | None, typer.Option(help="Directory tree before the change (with --after or --patch).")] = None,
    after: Annotated[Path | None, typer.Option(help="Directory tree after the change.")] = None,
    patch: Annotated[Path | None, typer.Option(help="A unified diff applied to --base (or to --before DIR).")] = None,
    format: Annotated[OutputFormat, typer.Option("--format", "-f", help="Output format.")] = OutputFormat.text,
) -> None:
    """Score a change for fallbacks, removed invariants and weakened tests. Exit 0 accept, 1 reject, 2 error."""
    try:
        report = load_report(repo, base, head, staged, before, after, patch)
    except GuardError as exc:  # CLI boundary: bad input is one line on stderr and exit 2.
        raise fail(str(exc)) from exc
    if report.is_empty and format is OutputFormat.text:
        typer.echo("nothing to check: the change touches no Python files")
        raise typer.Exit(EXIT_ACCEPT)
    sys.stdout.write(renderer(format.value)(report))
    raise typer.Exit(EXIT_ACCEPT if report.verdict == "accept" else EXIT_REJECT)


@app.command("demo")
def demo_command() -> None:
    """Run the guard on the bundled example (a fallback, a weakened test and an honest fix), then the loop on a bundled task."""
    # Imported here because the demo runs `check`'s own code path from this module.
    from orchestrator.demo import run_demo

    raise typer.Exit(run_demo())


def _project_rules() -> RuleSet:
    """Built-in, plugin and the current directory's `[[tool.ratchet.rules]]` rules."""
    try:
        return RuleSet.default().with_taste(read_config(Path(".")))
    except GuardError as exc:  # CLI boundary: a broken plugin or config is one line on stderr and exit 2.
        raise fail(str(exc)) from exc


@app.command("rules")
def rules_command() -> None:
    """List the rules: id, name, category, default severity; plugins and this project's taste rules included."""
    for rule in _project_rules().rules:
        meta = rule.meta
        typer.echo(f"{meta.id}  {meta.name:<28} {meta.category.value:<12} {meta.severity.value}")


@app.command("rule")
def rule_command(rule_id: Annotated[str, typer.Argument(metavar="ID", help="A rule id (FB001) or name.")]) -> None:
    """Print one rule's documentation."""
    try:
        rule = _project_rules().get(rule_id)
    except KeyError:
        raise fail(f"no rule {rule_id!r}; `ratchet rules` lists them") from None
    meta = rule.meta
    typer.echo(f"# {meta.id} {meta.name}\n\ncategory: {meta.category.value}, default severity: {meta.severity.value}\n")
    typer.echo(rule.documentation())


register_loop_commands(app, fail)
register_graph_commands(app, fail, cache_dir)
register_hook_commands(app, fail)


def main() -> None:
    try:
        app()
    except Exception:  # CLI boundary: a bug must not read as "reject" or "abandoned" (exit 1) to a script.
        traceback.print_exc()
        sys.stderr.write(f"ratchet: internal error (exit {EXIT_INTERNAL}); please report it with the traceback above\n")
        sys.exit(EXIT_INTERNAL)
