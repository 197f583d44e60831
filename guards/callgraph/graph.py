"""The call graph of a repository: file summaries resolved against each other into a networkx
`DiGraph` whose nodes are qualified names (functions, methods, and the classes and modules that
make calls) and whose edges carry their call sites.

Resolution follows imports and re-exports (`from app import Invoice` where `app/__init__.py`
imports it from `app.billing`), `self.method` through the class's bases, constructors to
`__init__`, and methods on receivers whose class the caller's file shows (`x = Invoice(); x.total()`,
`def f(x: Invoice): x.total()`). A method called on a receiver of unknown type is counted by name
only: such a method's callers are not all known.
"""

from __future__ import annotations

import builtins
from collections.abc import Iterable
from dataclasses import dataclass
from functools import cached_property
from typing import TYPE_CHECKING

from guards.callgraph.loading import NO_SOURCE, LoadedSummaries, SummarySource
from guards.callgraph.model import Call, FileSummary, FunctionInfo, Param, Shape
from guards.callgraph.summary import module_name

if TYPE_CHECKING:
    import networkx as nx

_MAX_HOPS = 8  # re-export chains longer than this are not followed (and cycles end)
_BUILTIN_NAMES = vars(builtins)


@dataclass(frozen=True, slots=True)
class CallSite:
    """One call of `callee` by `caller` at `path:line`."""

    path: str
    line: int
    caller: str
    callee: str
    call: Call

    @property
    def location(self) -> str:
        return f"{self.path}:{self.line}"


def _builtin_type(name: str) -> type | None:
    value = _BUILTIN_NAMES[name] if name in _BUILTIN_NAMES else None
    return value if isinstance(value, type) else None


class CallGraph:
    """Summaries indexed by the last component of what they call, resolved on demand: the rules
    ask about a few functions, so only the calls that can reach them are resolved. The complete
    networkx graph (`graph`) is resolved once, when first asked for.

    The graph holds the `summaries` it is given, and summarises the files of `source` only as its
    questions need them (see `guards.callgraph.loading`): the files that call a function whose
    callers are asked for, that refer to one asked whether it is exposed, and the modules that
    resolving a name reaches. The answers are those of a graph given every file's summary.
    """

    def __init__(self, summaries: Iterable[FileSummary], source: SummarySource = NO_SOURCE) -> None:
        self._loaded = LoadedSummaries(summaries, source)
        # The loaded indices, shared (they only grow, in place).
        self.files = self._loaded.files
        self.modules = self._loaded.modules
        self.functions = self._loaded.functions
        self.classes = self._loaded.classes
        self._aliases: dict[str, dict[str, str]] = {}

    def _need_defining(self, dotted: str) -> None:
        self._loaded.need_defining(dotted)

    def has_function(self, qualname: str) -> bool:
        self._need_defining(qualname)
        return qualname in self.functions

    def function(self, qualname: str) -> FunctionInfo:
        self._need_defining(qualname)
        return self.functions[qualname][1]

    def _module_aliases(self, module: str) -> dict[str, str]:
        """The module's imports; asked only once `_need_defining` has loaded its files."""
        if module not in self._aliases:
            self._aliases[module] = dict(self.modules[module].aliases)
        return self._aliases[module]

    # --- resolution ---

    def lookup(self, dotted: str, hops: int = 0) -> str | None:
        """The function or class a qualified name denotes, following re-exports and inheritance."""
        self._need_defining(dotted)
        if dotted in self.functions or dotted in self.classes:
            return dotted
        if hops > _MAX_HOPS:
            return None
        parts = dotted.split(".")
        for cut in range(len(parts) - 1, 0, -1):
            prefix, name, rest = ".".join(parts[:cut]), parts[cut], parts[cut + 1 :]
            if prefix in self.classes:
                return self.method(prefix, name, hops + 1) if not rest else None
            if prefix in self.modules:
                aliases = self._module_aliases(prefix)
                if name in aliases and aliases[name] != dotted:
                    return self.lookup(".".join([aliases[name], *rest]), hops + 1)
                return None
        return None

    def method(self, klass: str, name: str, hops: int = 0) -> str | None:
        """`klass.name`, or the method of that name inherited from the first base that has it."""
        candidate = f"{klass}.{name}"
        self._need_defining(candidate)
        if candidate in self.functions:
            return candidate
        if hops > _MAX_HOPS or klass not in self.classes:
            return None
        for base in self.base_classes(klass):
            found = self.method(base, name, hops + 1)
            if found is not None:
                return found
        return None

    def base_classes(self, klass: str) -> list[str]:
        """The direct bases defined in the repository, by qualified name."""
        bases = []
        for ref in self.classes[klass][1]:
            resolved = self.lookup(ref[2:]) if ref.startswith("g:") else None
            if resolved is not None and resolved in self.classes:
                bases.append(resolved)
        return bases

    def resolve(self, ref: str) -> str | None:
        if ref.startswith("g:"):
            return self.lookup(ref[2:])
        if ref.startswith("s:"):
            klass, _, name = ref[2:].rpartition(".")
            return self.method(klass, name)
        return None

    # --- call sites ---

    def _site(self, summary: FileSummary, call: Call) -> CallSite | None:
        callee = self.resolve(call.target)
        if callee is None:
            return None
        if callee in self.classes:
            constructor = self.method(callee, "__init__")
            callee = constructor if constructor is not None else callee
            call = Call(call.caller, call.line, call.target, True, call.args, call.caught, call.unchecked)
        return CallSite(summary.path, call.line, call.caller, callee, call)

    def calls_on_unknown_receivers(self, qualname: str) -> bool:
        """Whether the function is a method also called on a receiver whose class the graph cannot
        tell: then some of its callers are unknown. Files are summarised up to the first such call."""
        if self.function(qualname).implicit == "none":
            return False
        return any(
            call.target.startswith("a:") or (call.bound and call.target.startswith("g:") and self._site(summary, call) is None)
            for summary, call in self._loaded.calls_named(qualname.rpartition(".")[2])
        )

    def exposed(self, qualname: str) -> bool:
        """Whether the function's callers may be outside what the graph sees: it is used as a value
        (a callback), listed in `__all__`, or re-exported by a package's `__init__`."""
        name = qualname.rpartition(".")[2]
        self._loaded.need_referring(name)
        return any(self.resolve(ref) == qualname for ref in self._loaded.references_by_name.get(name, []))

    @cached_property
    def graph(self) -> nx.DiGraph:
        """Every resolved call as an edge `caller -> callee` with its `sites`; nodes carry `path`,
        `line` and `kind` (function, class, module)."""
        # Imported here: networkx takes longer to import than most checks take to run.
        import networkx as nx

        self._loaded.need_all()
        graph = nx.DiGraph()
        for qualname, (summary, function) in self.functions.items():
            graph.add_node(qualname, path=summary.path, line=function.line, kind="function")
        for qualname, (summary, _, line) in self.classes.items():
            graph.add_node(qualname, path=summary.path, line=line, kind="class")
        sites: dict[tuple[str, str], list[CallSite]] = {}
        for summary in self.files.values():
            for call in summary.calls:
                site = self._site(summary, call)
                if site is not None:
                    sites.setdefault((site.caller, site.callee), []).append(site)
        for caller in {caller for caller, _ in sites} - graph.nodes:
            graph.add_node(caller, path=self.modules[caller].path if caller in self.modules else "", line=0, kind="module")
        graph.add_edges_from((caller, callee, {"sites": found}) for (caller, callee), found in sites.items())
        return graph

    # --- queries ---

    def qualname(self, path: str, scope: str) -> str:
        """The graph's name for scope `Invoice.total` of file `app/billing.py`."""
        return f"{module_name(path)}.{scope}"

    def callers(self, qualname: str) -> list[CallSite]:
        name = qualname.rpartition(".")[2]
        if name == "__init__":
            name = qualname.rpartition(".")[0].rpartition(".")[2]
        self._loaded.need_calling(name)
        found = [site for summary, call in self._loaded.calls_by_name.get(name, []) if (site := self._site(summary, call)) is not None and site.callee == qualname]
        return sorted(found, key=lambda site: (site.path, site.line))

    def callees(self, qualname: str) -> list[CallSite]:
        self._need_defining(qualname)
        found = [site for summary, call in self._loaded.calls_by_caller.get(qualname, []) if (site := self._site(summary, call)) is not None]
        return sorted(found, key=lambda site: (site.path, site.line))

    def called_by_the_language(self, qualname: str) -> bool:
        """A special method (`__call__`, `__eq__`, `__init__`…): its callers are operators and
        protocols the graph does not see."""
        return self.function(qualname).implicit != "none" and qualname.rpartition(".")[2].startswith("__")

    def callers_all_known(self, qualname: str) -> bool:
        """Whether every call of the function is in the graph: not a special method, not exposed,
        and for a method, no call of its name on a receiver of unknown type."""
        # Cheapest first: `exposed` reads every file that names the function.
        return not (self.called_by_the_language(qualname) or self.calls_on_unknown_receivers(qualname) or self.exposed(qualname))

    def argument(self, site: CallSite, name: str) -> Shape:
        """What `site` passes for the callee's parameter `name` (its default when it passes nothing)."""
        function = self.function(site.callee)
        supplied = function.implicit == "cls" or (function.implicit == "self" and site.call.bound)
        params = function.params[1:] if supplied else function.params
        arguments = site.call.arguments()
        keywords = {key: shape for key, shape in arguments if not key.isdigit()}
        positional = [shape for key, shape in arguments if key.isdigit()]
        for index, param in enumerate(params):
            if param.name == name:
                return _passed(param, index, keywords, positional)
        return Shape("unknown")

    # --- what shapes prove ---

    def constructed_class(self, shape: Shape) -> str:
        """The class a `call` shape constructs (qualified, or a builtin's name), "" when it calls a function."""
        if shape.kind != "call":
            return ""
        if shape.ref.startswith("b:"):
            kind = _builtin_type(shape.ref[2:])
            return shape.ref[2:] if kind is not None and kind is not type(None) else ""
        resolved = self.resolve(shape.ref)
        if resolved is None:
            # Outside what the graph sees (a library, a file not in the tree): a CapWords name is a class by convention.
            name = shape.ref.rpartition(".")[2].rpartition(":")[2]
            return shape.ref[2:] if name[:1].isupper() and not name.isupper() else ""
        return resolved if resolved in self.classes else ""

    def cannot_be_none(self, shape: Shape) -> bool:
        if shape.kind == "call":
            return self.constructed_class(shape) != ""
        return shape.kind in ("falsy", "literal", "container", "typed", "checked", "self")

    def is_truthy(self, shape: Shape) -> bool:
        if shape.kind != "call":
            return shape.kind == "literal"
        made = self.constructed_class(shape)
        self._need_defining(made)
        return made in self.classes

    def exception_ancestors(self, name: str) -> set[str]:
        """`name` and its bases: qualified names for the repository's classes, plain names for builtins."""
        found = {name}
        pending = [name]
        while pending:
            current = pending.pop()
            self._need_defining(current)
            builtin = _builtin_type(current)
            if current in self.classes:
                for ref in self.classes[current][1]:
                    base = self.lookup(ref[2:]) if ref.startswith("g:") else (ref[2:] if ref.startswith("b:") else None)
                    if base is not None and base not in found:
                        found.add(base)
                        pending.append(base)
            elif builtin is not None:
                found.update(klass.__name__ for klass in builtin.__mro__)
        return found


def describe_sites(sites: list[CallSite], limit: int = 3) -> str:
    """`app/a.py:3, app/b.py:9 and 4 more`: the call sites a finding names."""
    shown = ", ".join(site.location for site in sites[:limit])
    return f"{shown} and {len(sites) - limit} more" if len(sites) > limit else shown


def _passed(param: Param, index: int, keywords: dict[str, Shape], positional: list[Shape]) -> Shape:
    """The shape passed for `param`, the `index`th parameter after any implicit one."""
    if param.name in keywords:
        return keywords[param.name]
    if param.kind == "positional" and index < len(positional):
        return positional[index]
    if "*" in keywords or "**" in keywords or param.default is None:
        return Shape("unknown")
    return param.default
