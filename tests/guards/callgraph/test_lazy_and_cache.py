"""The call graph summarised on demand answers as the graph of every file does, and its cache."""

from __future__ import annotations

import io
import marshal
import multiprocessing
from pathlib import Path

import pytest

from guards.callgraph.graph import CallGraph
from guards.callgraph.index import CACHE_NAME, TreeSummaries, summaries
from guards.callgraph.model import FileSummary
from guards.callgraph.store import SummaryCache
from guards.tree import NO_TREE

FILES = {
    "app/__init__.py": b"from app.models import Invoice\n",
    "app/models.py": b"class Invoice:\n    def __init__(self, lines: list[int]) -> None:\n        self.lines = lines\n\n    def total(self) -> int:\n        return sum(self.lines)\n",
    "app/billing.py": b"from app import Invoice\n\n\ndef charge(invoice):\n    return invoice.total()\n\n\ndef close(order):\n    return charge(Invoice(order.lines))\n",
    "app/hooks.py": b"from app.billing import close\n\nHOOKS = [close]\n",
    "app/unrelated.py": b"def other():\n    return 1\n",
    "src/app/models.py": b"class Invoice:\n    pass\n",  # the same module name: the later file wins
}
QUALNAMES = ["app.billing.charge", "app.billing.close", "app.models.Invoice.total", "app.models.Invoice.__init__", "app.unrelated.other"]


def _lazy(cache: Path | None = None) -> CallGraph:
    return CallGraph((), TreeSummaries(list(FILES), NO_TREE, FILES, cache))


def _answers(graph: CallGraph, qualname: str) -> tuple[object, ...]:
    known = graph.has_function(qualname)
    if not known:
        return (known,)
    return (
        [(s.path, s.line, s.caller, s.callee) for s in graph.callers(qualname)],
        [(s.path, s.line, s.callee) for s in graph.callees(qualname)],
        graph.callers_all_known(qualname),
        graph.lookup(qualname),
    )


@pytest.mark.parametrize("qualname", QUALNAMES)
def test_lazy_graph_answers_as_the_whole_graph(qualname: str) -> None:
    assert _answers(_lazy(), qualname) == _answers(CallGraph(summaries(FILES, None)), qualname)


def test_lazy_graph_summarises_only_what_a_question_needs() -> None:
    graph = _lazy()
    graph.callers("app.billing.charge")
    assert sorted(graph.files) == ["app/__init__.py", "app/billing.py"]  # the file that names it, and the modules resolution reaches


FINDERS = {
    "app/finders.py": b"class Finder:\n    def find(self, path):\n        return path\n",
    **{f"app/user_{i}.py": f"def use_{i}(finder, path):\n    return finder.find(path)\n".encode() for i in range(3)},
    "app/owner.py": b"from app.finders import Finder\n\n\ndef owner(path):\n    finder = Finder()\n    return finder.find(path)\n",
}


def test_a_method_called_on_an_unknown_receiver_is_found_without_summarising_every_caller() -> None:
    lazy = CallGraph((), TreeSummaries(list(FINDERS), NO_TREE, FINDERS, None))
    assert lazy.calls_on_unknown_receivers("app.finders.Finder.find")
    assert sum(path.startswith("app/user_") for path in lazy.files) == 1
    assert lazy.callers_all_known("app.finders.Finder.find") is False
    eager = CallGraph(summaries(FINDERS, None))
    assert eager.calls_on_unknown_receivers("app.finders.Finder.find")
    assert [site.path for site in lazy.callers("app.finders.Finder.find")] == [site.path for site in eager.callers("app.finders.Finder.find")] == ["app/owner.py"]


def test_a_method_called_only_on_known_receivers_reads_every_caller() -> None:
    known = {path: data for path, data in FINDERS.items() if not path.startswith("app/user_")}
    lazy = CallGraph((), TreeSummaries(list(known), NO_TREE, known, None))
    assert not lazy.calls_on_unknown_receivers("app.finders.Finder.find")
    assert not lazy.calls_on_unknown_receivers("app.owner.owner")  # a function, not a method
    assert "app/owner.py" in lazy.files


@pytest.mark.parametrize(
    "damage",
    [
        b"not marshal at all",
        marshal.dumps(("ratchet-callgraph", 1)) + marshal.dumps({}),
        b"\x00" + marshal.dumps(("ratchet-callgraph", 2)),
        marshal.dumps(("ratchet-callgraph", 2)) + marshal.dumps([1, 2]),
    ],
)
def test_a_damaged_cache_is_deleted_and_rebuilt(tmp_path: Path, damage: bytes) -> None:
    expected = _answers(_lazy(), "app.billing.charge")
    (tmp_path / CACHE_NAME).write_bytes(damage)
    assert _answers(_lazy(tmp_path), "app.billing.charge") == expected
    assert marshal.loads((tmp_path / CACHE_NAME).read_bytes()) == ("ratchet-callgraph", 2)


def test_a_record_cut_short_at_the_end_is_an_append_in_flight(tmp_path: Path) -> None:
    """Another process's record not yet all written: the complete records are used, the log kept."""
    _answers(_lazy(tmp_path), "app.billing.charge")
    complete = (tmp_path / CACHE_NAME).read_bytes()
    (tmp_path / CACHE_NAME).write_bytes(complete + marshal.dumps({"k" * 32: ["x"] * 1000})[:-100])
    graph = _lazy(tmp_path)
    graph.callers("app.billing.charge")
    assert (tmp_path / CACHE_NAME).read_bytes().startswith(complete)
    assert sorted(graph.files) == ["app/__init__.py", "app/billing.py"]


def test_a_damaged_entry_is_rebuilt(tmp_path: Path) -> None:
    expected = _answers(_lazy(), "app.billing.charge")
    _answers(_lazy(tmp_path), "app.billing.charge")
    blob = (tmp_path / CACHE_NAME).read_bytes()
    header = marshal.dumps(("ratchet-callgraph", 2))
    entries = marshal.loads(blob[len(header) :])
    (tmp_path / CACHE_NAME).write_bytes(header + marshal.dumps({key: ["wrong"] for key in entries}))
    assert _answers(_lazy(tmp_path), "app.billing.charge") == expected


def test_a_warm_cache_is_reused_without_rewriting(tmp_path: Path) -> None:
    first = [_answers(_lazy(tmp_path), q) for q in QUALNAMES]
    written = (tmp_path / CACHE_NAME).read_bytes()
    assert [_answers(_lazy(tmp_path), q) for q in QUALNAMES] == first
    assert (tmp_path / CACHE_NAME).read_bytes() == written


def _append_records(cache_dir: Path, writer: int) -> None:
    """Five records of a hundred large summaries each, as a check's worker appends them (all the
    writers' records together stay below the count at which a log is compacted)."""
    cache = SummaryCache(cache_dir)
    for record in range(5):
        fresh = {f"{writer}-{record}-{n}": FileSummary.empty(f"pkg/m{n}.py", "x" * 2000) for n in range(100)}
        cache.add(fresh, set)


def _read_log(path: Path, count: int) -> list[object]:
    """The log's `count` records, which must be all it holds."""
    stream = io.BytesIO(path.read_bytes())
    records = [marshal.load(stream) for _ in range(count)]
    assert stream.read() == b""
    return records


def test_processes_appending_at_once_leave_whole_records(tmp_path: Path) -> None:
    SummaryCache(tmp_path).add({"first": FileSummary.empty("a.py", "a")}, lambda: {"first"})
    context = multiprocessing.get_context("fork")
    writers = [context.Process(target=_append_records, args=(tmp_path, writer)) for writer in range(4)]
    for process in writers:
        process.start()
    for process in writers:
        process.join()
    assert [process.exitcode for process in writers] == [0, 0, 0, 0]
    records = _read_log(tmp_path / CACHE_NAME, 22)
    assert records[0] == ("ratchet-callgraph", 2)
    assert sorted(len(record) for record in records[1:]) == [1] + [100] * 20
    keys = SummaryCache(tmp_path).summaries({key: key for record in records[1:] for key in record})
    assert len(keys) == 2001
