"""The call graph and its rules on real multi-file git repositories."""

from __future__ import annotations

import marshal
import shutil
from collections.abc import Callable
from pathlib import Path

import pytest

from guards import Config, GitRepository, RuleSet, check
from guards.callgraph.graph import CallGraph
from guards.callgraph.index import CACHE_NAME, summaries
from guards.sources.git import GitTree
from tests.conftest import GitRepo

BASE = {
    "app/__init__.py": "",
    "app/models.py": (
        "class Invoice:\n"
        "    def __init__(self, lines: list[int]) -> None:\n"
        "        self.lines = lines\n"
        "\n"
        "    def total(self) -> int:\n"
        "        return self._sum()\n"
        "\n"
        "    def _sum(self) -> int:\n"
        "        return sum(self.lines)\n"
    ),
    "app/billing.py": (
        "from app.models import Invoice\n"
        "\n"
        "\n"
        "def _charge(invoice):\n"
        "    return invoice.total()\n"
        "\n"
        "\n"
        "def close(order):\n"
        "    return _charge(Invoice(order.lines))\n"
        "\n"
        "\n"
        "def preview(lines: list[int]):\n"
        "    invoice = Invoice(lines)\n"
        "    return _charge(invoice)\n"
    ),
    "app/cli.py": "import app.billing as billing\n\n\ndef main():\n    return billing.preview([1, 2])\n",
}
GUARDED = BASE["app/billing.py"].replace("def _charge(invoice):\n", "def _charge(invoice):\n    if invoice is None:\n        return 0\n")


def _graph(repo: GitRepo) -> CallGraph:
    tree = GitTree(GitRepository.open(repo.root), None)
    return CallGraph(summaries(dict(tree.read(tree.python_paths())), None))


def _rules(repo: GitRepo, cache: Path | None = None) -> list[tuple[str, str]]:
    repository = GitRepository.open(repo.root)
    report = check(repository.worktree_change("HEAD"), Config(), RuleSet.default(), GitTree(repository, None), cache)
    return [(f.rule, f.message) for f in report.findings]


@pytest.mark.parametrize(
    ("callee", "callers"),
    [
        ("app.billing._charge", [("app/billing.py", 9, "app.billing.close"), ("app/billing.py", 14, "app.billing.preview")]),
        ("app.billing.preview", [("app/cli.py", 5, "app.cli.main")]),  # `import app.billing as billing`
        ("app.models.Invoice.__init__", [("app/billing.py", 9, "app.billing.close"), ("app/billing.py", 13, "app.billing.preview")]),
        ("app.models.Invoice._sum", [("app/models.py", 6, "app.models.Invoice.total")]),  # via self
    ],
)
def test_callers_resolve_imports_methods_and_constructors(git_repo: Callable[..., GitRepo], callee: str, callers: list[tuple[str, int, str]]) -> None:
    graph = _graph(git_repo(BASE))
    assert [(site.path, site.line, site.caller) for site in graph.callers(callee)] == callers
    assert set(graph.graph.predecessors(callee)) == {caller for _, _, caller in callers}


def test_redundant_guard_names_the_call_sites(git_repo: Callable[..., GitRepo]) -> None:
    repo = git_repo(BASE)
    repo.write({"app/billing.py": GUARDED})
    gd003 = [message for rule, message in _rules(repo) if rule == "GD003"]
    assert gd003 == ["added guard `if invoice is None:` on `invoice` is redundant: no call site can make it true (app/billing.py:11, app/billing.py:16)"]


@pytest.mark.parametrize(
    "extra",
    [
        {"app/batch.py": "from app.billing import _charge\n\n\ndef empty():\n    return _charge(None)\n"},  # a caller passes None
        {"app/batch.py": "from app.billing import _charge\n\n\ndef run(found):\n    return _charge(found.get('x'))\n"},  # unknown value
        {"app/hooks.py": "from app.billing import _charge\n\nHOOKS = [_charge]\n"},  # used as a value
    ],
)
def test_guard_that_some_caller_needs_is_not_redundant(git_repo: Callable[..., GitRepo], extra: dict[str, str]) -> None:
    repo = git_repo({**BASE, **extra})
    repo.write({"app/billing.py": GUARDED})
    assert "GD003" not in {rule for rule, _ in _rules(repo)}


def test_removed_raise_names_the_callers_that_catch_it(git_repo: Callable[..., GitRepo]) -> None:
    repo = git_repo(
        {
            "app/errors.py": "class BillingError(Exception):\n    pass\n\n\nclass EmptyInvoice(BillingError):\n    pass\n",
            "app/check.py": "from app.errors import EmptyInvoice\n\n\ndef validate(lines):\n    if not lines:\n        raise EmptyInvoice(lines)\n    return lines\n",
            "app/api.py": "from app import errors\nfrom app.check import validate\n\n\ndef submit(lines):\n    try:\n        return validate(lines)\n    except errors.BillingError:\n        return None\n",
        }
    )
    repo.write({"app/check.py": "from app.errors import EmptyInvoice\n\n\ndef validate(lines):\n    return lines\n"})
    assert ("IV005", "removed `raise EmptyInvoice` that callers catch: app/api.py:7") in _rules(repo)


def test_optional_return_used_unchecked_names_the_callers(git_repo: Callable[..., GitRepo]) -> None:
    repo = git_repo(
        {
            "app/users.py": "def find(users: dict, name: str) -> str:\n    return users[name]\n",
            "app/greet.py": "from app.users import find\n\n\ndef greet(users):\n    return find(users, 'ann').upper()\n\n\ndef safe(users):\n    user = find(users, 'bob')\n    return '' if user is None else user.upper()\n",
        }
    )
    repo.write({"app/users.py": "def find(users: dict, name: str) -> str | None:\n    return users.get(name)\n"})
    assert [m for rule, m in _rules(repo) if rule == "IV006"] == ["return type widened to `str | None` but callers use the result unchecked: app/greet.py:5"]


def test_graph_calls_prints_callers_and_callees(git_repo: Callable[..., GitRepo], cli: Callable[..., object]) -> None:
    repo = git_repo(BASE)
    result = cli("graph-calls", "app/billing.py::preview", cwd=repo.root)
    assert result.exit_code == 0, result.output
    assert result.output.splitlines() == [
        "app.billing.preview  app/billing.py:12",
        "callers (1):",
        "  app/cli.py:5  app.cli.main(0: literal)",
        "callees (2):",
        "  app/billing.py:13  app.models.Invoice.__init__(0: typed)",
        "  app/billing.py:14  app.billing._charge(0: call)",
    ]
    unknown = cli("graph-calls", "app/billing.py::nope", cwd=repo.root)
    assert unknown.exit_code == 2


def test_cache_is_reused_and_a_corrupt_one_rebuilt(git_repo: Callable[..., GitRepo], tmp_path: Path) -> None:
    repo = git_repo(BASE)
    repo.write({"app/billing.py": GUARDED})
    cache = tmp_path / "cache"
    first = _rules(repo, cache)
    assert first
    written = (cache / CACHE_NAME).read_bytes()
    # Each repeat drops the report cache, which would otherwise answer it: this is about the summaries.
    shutil.rmtree(cache / "reports")
    assert _rules(repo, cache) == first
    assert (cache / CACHE_NAME).read_bytes() == written  # everything came from the cache: nothing appended
    (cache / CACHE_NAME).write_bytes(b"not a cache")
    shutil.rmtree(cache / "reports")
    assert _rules(repo, cache) == first
    assert marshal.loads((cache / CACHE_NAME).read_bytes()) == ("ratchet-callgraph", 2)
