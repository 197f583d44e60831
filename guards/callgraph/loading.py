"""The summaries a `CallGraph` holds, indexed, and loaded from a `SummarySource` only as the graph's
questions need them.

The answers must be those of a graph given every file's summary, so each question first loads
every file that could change it: a file outside `source.calling(name)` makes no call whose
target ends in `name`, a file outside `source.referring(name)` holds no reference ending in
`name`, and a qualified name can only be defined by a module one of its prefixes names. A file
loaded for one question adds its other definitions too; that is harmless, because a question
about a definition loads its module first. Where two files define the same name, the later one
(in the given order, then `source.paths()`) wins, whatever the order they were loaded in.
"""

from __future__ import annotations

from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from typing import Protocol

from guards.callgraph.model import Call, FileSummary, FunctionInfo
from guards.callgraph.summary import module_name


class SummarySource(Protocol):
    """Files summarised on demand (`guards.callgraph.index.TreeSummaries`)."""

    def paths(self) -> list[str]: ...

    def calling(self, name: str) -> list[str]:
        """A superset of the files with a call whose target's last name is `name`."""
        ...

    def referring(self, name: str) -> list[str]:
        """A superset of the files with a reference (see `references`) whose last name is `name`."""
        ...

    def load(self, paths: list[str]) -> list[FileSummary]: ...


@dataclass(frozen=True, slots=True)
class _NoSource:
    """Every file was given to the graph up front."""

    def paths(self) -> list[str]:
        return []

    def calling(self, name: str) -> list[str]:
        return []

    def referring(self, name: str) -> list[str]:
        return []

    def load(self, paths: list[str]) -> list[FileSummary]:
        assert not paths, "the graph was given every summary"
        return []


NO_SOURCE = _NoSource()


def last_name(ref: str) -> str:
    return ref.rpartition(".")[2].rpartition(":")[2]


def references(summary: FileSummary) -> list[str]:
    """What `summary` names without calling it: references, `__all__`, and a package's re-exports."""
    refs = [*summary.references, *(f"g:{summary.module}.{name}" for name in summary.exported)]
    if summary.path.endswith("__init__.py"):
        refs += [f"g:{target}" for _, target in summary.aliases]
    return refs


class LoadedSummaries:
    """The summaries loaded so far, indexed by what the graph looks up."""

    def __init__(self, summaries: Iterable[FileSummary], source: SummarySource) -> None:
        self._source = source
        self.files: dict[str, FileSummary] = {}
        self.modules: dict[str, FileSummary] = {}
        self.functions: dict[str, tuple[FileSummary, FunctionInfo]] = {}
        self.classes: dict[str, tuple[FileSummary, tuple[str, ...], int]] = {}
        self.calls_by_name: dict[str, list[tuple[FileSummary, Call]]] = {}
        self.calls_by_caller: dict[str, list[tuple[FileSummary, Call]]] = {}
        self.references_by_name: dict[str, list[str]] = {}
        given = list(summaries)
        self._rank = {path: rank for rank, path in enumerate([*(s.path for s in given), *source.paths()])}
        self._module_paths: dict[str, list[str]] = {}
        for path in source.paths():
            self._module_paths.setdefault(module_name(path), []).append(path)
        self._calling: set[str] = set()
        self._referring: set[str] = set()
        for summary in given:
            self._index(summary)

    def _later(self, summary: FileSummary, holder: FileSummary) -> bool:
        """When two files define a name, the later one wins (a file is as late as itself)."""
        return self._rank[holder.path] <= self._rank[summary.path]

    def _index(self, summary: FileSummary) -> None:
        self.files[summary.path] = summary
        if self._later(summary, self.modules.setdefault(summary.module, summary)):
            self.modules[summary.module] = summary
        for function in summary.functions:
            if self._later(summary, self.functions.setdefault(function.qualname, (summary, function))[0]):
                self.functions[function.qualname] = (summary, function)
        for klass in summary.classes:
            if self._later(summary, self.classes.setdefault(klass.qualname, (summary, klass.bases, klass.line))[0]):
                self.classes[klass.qualname] = (summary, klass.bases, klass.line)
        for call in summary.calls:
            self.calls_by_name.setdefault(last_name(call.target), []).append((summary, call))
            self.calls_by_caller.setdefault(call.caller, []).append((summary, call))
        for ref in references(summary):
            self.references_by_name.setdefault(last_name(ref), []).append(ref)

    def need(self, paths: list[str]) -> None:
        for summary in self._source.load([path for path in paths if path not in self.files]):
            self._index(summary)

    def need_all(self) -> None:
        self.need(self._source.paths())

    def need_defining(self, dotted: str) -> None:
        """The files of every module that could define `dotted` (each of its prefixes)."""
        parts = dotted.split(".")
        prefixes = (".".join(parts[:cut]) for cut in range(1, len(parts) + 1))
        self.need([path for prefix in prefixes if prefix in self._module_paths for path in self._module_paths[prefix]])

    def need_calling(self, name: str) -> None:
        """Every file that may call something named `name`."""
        if name not in self._calling:
            self._calling.add(name)
            self.need(self._source.calling(name))

    def calls_named(self, name: str) -> Iterator[tuple[FileSummary, Call]]:
        """Every call whose target's last name is `name`: those of the files loaded so far, then
        those of the other files that may make one, each summarised only when the reader gets to
        it (a reader looking for one such call usually stops at the first file)."""
        read = set()
        for summary, call in list(self.calls_by_name.get(name, [])):
            read.add(summary.path)
            yield summary, call
        for path in self._source.calling(name):
            if path not in read:
                self.need([path])
                summary = self.files[path]
                yield from ((summary, call) for call in summary.calls if last_name(call.target) == name)

    def need_referring(self, name: str) -> None:
        """Every file that may name `name` without calling it."""
        if name not in self._referring:
            self._referring.add(name)
            self.need(self._source.referring(name))
