"""Which files the lazy call graph summarises for a name: a superset of those that call it or
refer to it (checked against real summaries), and no more than the code shows."""

from __future__ import annotations

from pathlib import Path

import pytest

import guards.callgraph
import guards.rules
from guards.callgraph.graph import CallGraph
from guards.callgraph.index import TreeSummaries, summaries
from guards.callgraph.loading import last_name, references
from guards.callgraph.scan import Text, call_pattern, identifiers, reference_pattern
from guards.callgraph.summary import summarise
from guards.tree import NO_TREE

# (source, name, may call it, may refer to it)
CASES = [
    (b"total()\n", "total", True, False),
    (b"x.total (1)\n", "total", True, False),
    (b"f(x.total\n  (1))\n", "total", True, True),  # a call across lines in brackets
    (b"f(x.total  # why\n  (1))\n", "total", True, True),
    (b"x.total \\\n  (1)\n", "total", True, True),
    (b"from app import total as t\nt()\n", "total", True, True),
    (b"import app.total as t\n", "total", True, True),
    (b"HOOKS = [total]\n", "total", False, True),
    (b"y = x.total\n", "total", False, True),
    (b"# total() is called elsewhere\n", "total", False, False),
    (b'"""Call total() first."""\n', "total", False, False),
    (b"x = 'total(' + r\"total\" + b'''total'''\n", "total", False, False),
    (b"x = f'{total(1)}'\n", "total", True, False),  # an f-string's fields are code
    (b"x = rf\"{y.total}\"\n", "total", False, True),
    (b"s = 'a # b'\ntotal()\n", "total", True, False),  # no comment inside a string
    (b"s = \"it's\"\ny = total\n", "total", False, True),
    (b"__all__ = ['total']\n", "total", False, True),  # the one reference spelled in a string
    (b"totally()\nsubtotal = 1\n", "total", False, False),
    (b"def total(x):\n    return x\n", "total", False, False),  # a definition is no call
    (b"async def total(x):\n    return x\n", "total", False, False),
    (b"class Total(Base):\n    pass\n", "Total", False, False),
    (b"class Total:\n    pass\n", "Total", False, False),
    (b"class Total:\n    pass\n\nDEFAULT = Total\n", "Total", False, True),
    (b"def total(x):\n    return total(x - 1)\n", "total", True, False),  # but it may call itself
    (b"# -*- coding: latin-1 -*-\ns = '\xe9 total()'\n", "total", False, False),
    (b"s = '\xc3\xa9'\n\xef\xbd\x94otal()\n", "total", True, False),  # fullwidth t: NFKC reads `total`
    (b"# -*- coding: shift_jis -*-\ns = 'total()'\n", "total", True, False),  # not lexed bytewise: searched whole
]


@pytest.mark.parametrize(("source", "name", "calls", "refers"), CASES)
def test_which_files_may_call_or_refer_to_a_name(source: bytes, name: str, calls: bool, refers: bool) -> None:
    text = Text(source)
    mentioned = name.encode() in identifiers(source)
    assert (mentioned and text.calls(call_pattern(name)), mentioned and text.refers(reference_pattern(name))) == (calls, refers)


def _sources() -> list[Path]:
    packages = [Path(guards.callgraph.__file__).parent, Path(guards.rules.__file__).parent]
    return sorted(path for package in packages for path in package.glob("*.py") if path.name != "__init__.py")


@pytest.mark.parametrize("path", _sources(), ids=lambda path: f"{path.parent.name}/{path.name}")
def test_every_call_and_reference_of_a_real_file_is_found(path: Path) -> None:
    data = path.read_bytes()
    summary = summarise(path.name, data)
    text, words = Text(data), identifiers(data)
    called = {last_name(call.target) for call in summary.calls}
    referred = {last_name(ref) for ref in references(summary)}
    assert called | referred
    assert {name for name in called if name.encode() in words and text.calls(call_pattern(name))} == called
    assert {name for name in referred if name.encode() in words and text.refers(reference_pattern(name))} == referred


FILES = {
    "app/billing.py": b"def charge(invoice):\n    return invoice.total()\n",
    "app/shop.py": b"from app.billing import charge\n\n\ndef buy(x):\n    return charge(x)\n",
    "app/notes.py": b'"""We charge() late."""\n\n\ndef later():\n    return 1  # then charge(it)\n',
    "app/other.py": b"def other(bill):\n    return bill.charge\n",
}


def test_a_file_that_names_a_function_only_in_comments_and_strings_is_not_summarised() -> None:
    lazy = CallGraph((), TreeSummaries(list(FILES), NO_TREE, FILES, None))
    eager = CallGraph(summaries(FILES, None))
    assert [s.location for s in lazy.callers("app.billing.charge")] == [s.location for s in eager.callers("app.billing.charge")] == ["app/shop.py:5"]
    assert lazy.callers_all_known("app.billing.charge") == eager.callers_all_known("app.billing.charge")
    assert sorted(lazy.files) == ["app/billing.py", "app/other.py", "app/shop.py"]
