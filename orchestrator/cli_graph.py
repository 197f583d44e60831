"""`ratchet graph-calls PATH::FUNC`: the callers and callees the call-graph rules reason about."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path
from typing import TYPE_CHECKING, Annotated

import typer

from guards import GitRepository, GuardError
from guards.sources.git import GitTree

if TYPE_CHECKING:
    from guards.callgraph.graph import CallGraph, CallSite


def _shapes(site: CallSite) -> str:
    arguments = site.call.arguments()
    return ", ".join(f"{key}: {shape.kind}" for key, shape in arguments)


def _lines(title: str, sites: list[CallSite], other: Callable[[CallSite], str]) -> list[str]:
    lines = [f"{title} ({len(sites)}):"]
    for site in sites:
        caught = f"  catches {', '.join(site.call.caught)}" if site.call.caught else ""
        unchecked = "  result used unchecked" if site.call.unchecked else ""
        lines.append(f"  {site.location}  {other(site)}({_shapes(site)}){caught}{unchecked}")
    return lines


def graph_calls(graph: CallGraph, spec: str) -> str:
    """The text `graph-calls` prints; raises `KeyError` naming a function the graph does not know."""
    path, separator, scope = spec.partition("::")
    if not separator or not scope:
        raise KeyError(f"{spec!r} is not PATH::FUNC (e.g. app/billing.py::Invoice.total)")
    qualname = graph.qualname(path, scope)
    if qualname not in graph.functions:
        raise KeyError(f"no function {scope} in {path}")
    function = graph.functions[qualname][1]
    exposure = "" if graph.callers_all_known(qualname) else "  (callers may be outside the repository: exported, used as a value, or a method called on unknown receivers)"
    lines = [f"{qualname}  {path}:{function.line}{exposure}"]
    lines += _lines("callers", graph.callers(qualname), lambda site: site.caller)
    lines += _lines("callees", graph.callees(qualname), lambda site: site.callee)
    return "\n".join(lines) + "\n"


def register(app: typer.Typer, fail: Callable[[str], typer.Exit], cache_dir: Callable[[Path], Path]) -> None:
    @app.command("graph-calls")
    def graph_calls_command(
        function: Annotated[str, typer.Argument(metavar="PATH::FUNC", help="A function or method, e.g. app/billing.py::Invoice.total.")],
        repo: Annotated[Path, typer.Option(help="The git repository (its work tree is read).")] = Path("."),
    ) -> None:
        """Show a function's callers and callees with their call sites, as the call-graph rules see them."""
        try:
            repository = GitRepository.open(repo)
        except GuardError as exc:  # CLI boundary: bad input is one line on stderr and exit 2.
            raise fail(str(exc)) from exc
        # Imported here: every `ratchet` command loads this module, and the call graph needs libcst.
        from guards.callgraph.graph import CallGraph
        from guards.callgraph.index import summaries

        tree = GitTree(repository, None)
        graph = CallGraph(summaries(dict(tree.read(tree.python_paths())), cache_dir(repository.root)))
        try:
            typer.echo(graph_calls(graph, function), nl=False)
        except KeyError as exc:  # CLI boundary: an unknown function is a usage error.
            raise fail(str(exc.args[0])) from exc
