"""DU001 against a whole tree: renamed copies found and attributed, moves and boilerplate left alone."""

from __future__ import annotations

import shutil
import sqlite3
import subprocess
import sys
from collections.abc import Callable
from pathlib import Path

import pytest

from guards import NO_TREE, Change, Config, DirectoryTree, FilePair, Finding, GitRepository, GitTree, Report, RuleSet, SourceTree, check, load_config
from guards.duplication.cache import DiskCache
from guards.duplication.windows import Shingling
from guards.errors import ConfigError
from orchestrator.cli import load_report
from tests.conftest import GitRepo, write_files

ORIGINAL = '''def monthly_report(orders, month):
    selected = [order for order in orders if order.month == month and not order.cancelled]
    totals = {}
    for order in selected:
        key = (order.customer, order.currency)
        totals[key] = totals.get(key, 0) + order.amount * (1 - order.discount)
    rows = sorted(totals.items(), key=lambda item: item[1], reverse=True)
    return [f"{customer}: {amount:.2f} {currency}" for (customer, currency), amount in rows[:10]]
'''
# The same body with every name and literal changed, and comments and layout of its own.
RENAMED = '''def yearly_summary(sales, year):
    # only what was really sold
    chosen = [s for s in sales if s.year == year and not s.refunded]
    sums = {}
    for s in chosen:
        group = (s.client, s.unit)
        sums[group] = sums.get(group, 7) + s.price * (
            3 - s.rebate
        )
    lines = sorted(sums.items(), key=lambda pair: pair[0], reverse=False)
    return [f"{client} = {price:.3f}" for (client, unit), price in lines[:20]]
'''
OTHER = "def ping():\n    return 'pong'\n"
SHORT = "def low(text):\n    return text.strip().lower()\n"
ATTRIBUTES = "class {name}:\n    def __init__(self, a, b, c, d, e, f, g):\n" + "".join(f"        self.{x} = {x}\n" for x in "abcdefg")
IMPORTS = "".join(f"from package.module_{i} import name_{i}, other_{i}\n" for i in range(12))


def du001(change: Change, tree: SourceTree = NO_TREE, cache_dir: Path | None = None, config: Config = Config()) -> list[Finding]:
    report = check(change, config, RuleSet.default(), tree, cache_dir)
    return [f for f in report.findings if f.rule == "DU001"]


def tree_of(tmp_path: Path, files: dict[str, str]) -> DirectoryTree:
    write_files(tmp_path / "after", files)
    return DirectoryTree(tmp_path / "after")


def test_renamed_copy_of_repository_code_names_the_original(tmp_path: Path) -> None:
    original = "import os\n\n\n" + OTHER + "\n\n" + ORIGINAL
    copy = "import sys\n\n\n" + RENAMED
    tree = tree_of(tmp_path, {"app/reports.py": original, "app/yearly.py": copy})
    found = du001(Change.of([FilePair("app/yearly.py", None, copy.encode())]), tree)
    assert [(f.path, f.line, f.scope, f.severity.value) for f in found] == [("app/yearly.py", 4, "yearly_summary", "warning")]
    assert "app/reports.py:8" in found[0].message


def test_without_the_tree_the_same_change_finds_nothing() -> None:
    copy = "import sys\n\n\n" + RENAMED
    assert du001(Change.of([FilePair("app/yearly.py", None, copy.encode())])) == []


@pytest.mark.parametrize(
    ("before", "after", "expected"),
    [
        pytest.param(ORIGINAL, ORIGINAL + "\n\n" + RENAMED, [(11, "app/service.py:1")], id="copy-next-to-existing"),
        pytest.param("", ORIGINAL + "\n\n" + RENAMED, [(11, "app/service.py:1")], id="both-places-added"),
        pytest.param("", RENAMED + "\n\n" + ORIGINAL, [(14, "app/service.py:1")], id="later-one-reported"),
        pytest.param(ORIGINAL + "\n\n" + OTHER, OTHER + "\n\n" + RENAMED, [], id="moved-and-renamed-in-file"),
        pytest.param(OTHER, OTHER + "\n\n" + SHORT + "\n\n" + SHORT.replace("low", "low2"), [], id="short-run"),
        pytest.param(OTHER, OTHER + "\n\n" + ATTRIBUTES.format(name="A") + "\n\n" + ATTRIBUTES.format(name="B"), [], id="attribute-table"),
        pytest.param(OTHER, IMPORTS + "\n\n" + OTHER + "\n\n" + IMPORTS.replace("package", "pkg"), [], id="import-blocks"),
    ],
)
def test_copies_within_one_changed_file(before: str, after: str, expected: list[tuple[int, str]]) -> None:
    found = du001(Change.of([FilePair("app/service.py", before.encode() or None, after.encode())]))
    assert [(f.line, f.message.split(" repeat ")[1].split(" ")[0]) for f in found] == expected


def test_function_moved_to_another_module_is_not_a_copy(tmp_path: Path) -> None:
    # A third, pre-existing copy elsewhere does not turn the move into a new copy either.
    old = OTHER + "\n\n" + ORIGINAL
    files = {"app/a.py": OTHER, "app/b.py": RENAMED, "app/c.py": ORIGINAL.replace("monthly", "legacy")}
    tree = tree_of(tmp_path, files)
    change = Change.of([FilePair("app/a.py", old.encode(), OTHER.encode()), FilePair("app/b.py", None, RENAMED.encode())])
    assert du001(change, tree) == []


# Entries of a settings table: inside brackets, the tokenizer ends no statement at their lines.
ENTRIES = """    'timeout': compute(source, 30, scale=factor),
    'retries': [attempt for attempt in plan if attempt.ready and not attempt.skipped],
    'backend': lookup(registry)[name].value * 2 + offset,
    'cache': {'size': limits.cache_size, 'ttl': limits.ttl or DEFAULT_TTL},
    'hosts': tuple(sorted(set(host.lower() for host in hosts))),
    'log': logging.getLogger(__name__).getChild('settings'),
    'paths': [Path(base) / part for part in ('data', 'logs', 'tmp')],
"""


def test_entries_moved_from_one_table_to_another_are_not_a_copy(tmp_path: Path) -> None:
    """A third copy elsewhere makes the run reach past the moved lines into the line kept above
    them; the old side's hunk holds that line, and its entries, cut out of their brackets, are
    compared without line breaks: the move is still a move."""
    kept = "SETTINGS = {\n    'kept': 0,\n}\n"
    old = kept.replace("    'kept'", ENTRIES + "    'kept'")
    new = "DEFAULTS = {\n" + ENTRIES.replace("'timeout'", "'deadline'") + "    'extra': 1,\n}\n"
    third = "OTHER = {\n" + ENTRIES + "}\n"
    tree = tree_of(tmp_path, {"app/a.py": kept, "app/b.py": new, "app/c.py": third})
    change = Change.of([FilePair("app/a.py", old.encode(), kept.encode()), FilePair("app/b.py", None, new.encode())])
    assert du001(change, tree) == []
    # Where the table keeps its entries, the same addition is a copy.
    tree = tree_of(tmp_path, {"app/a.py": old, "app/b.py": new, "app/c.py": third})
    assert [(f.path, f.line) for f in du001(Change.of([FilePair("app/b.py", None, new.encode())]), tree)] == [("app/b.py", 1)]


def test_a_move_after_a_docstring_is_still_a_move(tmp_path: Path) -> None:
    """The kept lines above the moved function close a docstring: the old hunk, tokenized alone,
    starts after them, where a statement starts, not inside a string."""
    helper = 'def helper():\n    """Say what helps.\n\n    At length.\n    """\n'
    documented = ORIGINAL.replace("):\n", '):\n    """The ten largest totals of the month."""\n', 1)
    old = helper + "\n\n" + documented
    tree = tree_of(tmp_path, {"app/a.py": helper, "app/b.py": documented, "app/c.py": documented.replace("monthly", "legacy")})
    change = Change.of([FilePair("app/a.py", old.encode(), helper.encode()), FilePair("app/b.py", None, documented.encode())])
    assert du001(change, tree) == []


def test_code_moved_out_of_a_deleted_module_is_not_a_copy(tmp_path: Path) -> None:
    tree = tree_of(tmp_path, {"app/b.py": RENAMED})
    change = Change.of([FilePair("app/a.py", (OTHER + "\n\n" + ORIGINAL).encode(), None), FilePair("app/b.py", None, RENAMED.encode())])
    assert du001(change, tree) == []


def test_code_moved_and_copied_once_more_is_one_copy(tmp_path: Path) -> None:
    """Removed from one place and added in two: one of the two is new."""
    twice = RENAMED + "\n\n" + RENAMED.replace("yearly_summary", "weekly_summary")
    tree = tree_of(tmp_path, {"app/a.py": OTHER, "app/b.py": twice})
    change = Change.of([FilePair("app/a.py", (OTHER + "\n\n" + ORIGINAL).encode(), OTHER.encode()), FilePair("app/b.py", None, twice.encode())])
    assert [(f.path, f.line) for f in du001(change, tree)] == [("app/b.py", 14)]


def test_copy_while_the_original_is_edited_is_still_a_copy(tmp_path: Path) -> None:
    edited = ORIGINAL.replace("[:10]", "[:25]")
    tree = tree_of(tmp_path, {"app/a.py": edited, "app/b.py": RENAMED})
    change = Change.of([FilePair("app/a.py", ORIGINAL.encode(), edited.encode()), FilePair("app/b.py", None, RENAMED.encode())])
    assert [(f.path, f.line) for f in du001(change, tree)] == [("app/b.py", 1)]


@pytest.mark.parametrize(("table", "found"), [({}, 1), ({"duplication-min-tokens": 500}, 0), ({"duplication-min-lines": 30}, 0)])
def test_thresholds_come_from_the_configuration(table: dict[str, int], found: int) -> None:
    change = Change.of([FilePair("app/service.py", None, (ORIGINAL + "\n\n" + RENAMED).encode())])
    assert len(du001(change, config=load_config(table))) == found


@pytest.mark.parametrize("table", [{"duplication-min-tokens": 5}, {"duplication-min-lines": 0}, {"duplication-min-lines": "6"}])
def test_bad_thresholds_are_configuration_errors(table: dict[str, object]) -> None:
    with pytest.raises(ConfigError, match="duplication-min"):
        load_config(table)


def _many_modules(count: int) -> dict[str, str]:
    return {f"pkg/mod_{i}.py": f"def f_{i}(x):\n    return x + {i}\n" for i in range(count)} | {"pkg/reports.py": ORIGINAL}


def _check_index(change: Change, tree: SourceTree, cache: Path) -> Report:
    """A check whose report is then dropped from the cache: a repeat must exercise the index cache,
    not be answered by the report cache (`guards.report_cache`, tested on its own)."""
    report = check(change, Config(), RuleSet.default(), tree, cache)
    shutil.rmtree(cache / "reports")
    return report


def _check_work_tree(repository: GitRepository, cache: Path) -> tuple[list[str], tuple[object, ...]]:
    report = _check_index(repository.worktree_change(), GitTree(repository, None), cache)
    stats = report.metrics["duplication"]
    return [f.message for f in report.findings if f.rule == "DU001"], (stats["files_read"], stats["files_indexed"], stats["files_from_cache"])


def test_second_check_reads_and_tokenizes_only_what_changed(git_repo: Callable[..., GitRepo], tmp_path: Path) -> None:
    repo = git_repo(_many_modules(30))
    repo.write({"pkg/yearly.py": RENAMED})
    repository = GitRepository.open(repo.root)
    first, cold = _check_work_tree(repository, tmp_path / "cache")
    assert len(first) == 1
    assert cold == (31, 32, 0)
    repo.write({"pkg/mod_3.py": "def f_3(x):\n    return x * 3\n"})
    second, warm = _check_work_tree(repository, tmp_path / "cache")
    # Git names every unchanged file's blob, so none is read; only the edited module's new text is
    # tokenized (the copy and the 30 other files come from the cache; of its old text only the
    # removed lines are tokenized, outside the index).
    assert warm == (0, 1, 31)
    assert second == first


def test_revision_tree_uses_git_blob_ids(git_repo: Callable[..., GitRepo], tmp_path: Path) -> None:
    repo = git_repo(_many_modules(5))
    base = repo.git("rev-parse", "HEAD").strip()
    repo.write({"pkg/yearly.py": RENAMED})
    head = repo.commit()
    repository = GitRepository.open(repo.root)
    runs = [_check_index(repository.revision_change(base, head), GitTree(repository, head), tmp_path / "c") for _ in range(2)]
    assert [r.metrics["duplication"]["files_from_cache"] for r in runs] == [0, 7]
    assert [[f.line for f in r.findings if f.rule == "DU001"] for r in runs] == [[1], [1]]


def _index_store(cache: Path) -> Path:
    return DiskCache.under(cache, Shingling.for_copies_of(Config().duplication_min_tokens).key).path


def _stored_rows(cache: Path) -> list[tuple[bytes, object]]:
    with sqlite3.connect(_index_store(cache)) as store:
        return store.execute("SELECT key, value FROM entries ORDER BY key").fetchall()


@pytest.mark.parametrize(
    "damage",
    [
        pytest.param(lambda rows: [b""] * len(rows), id="empty"),
        pytest.param(lambda rows: [b"RDUP2 garbage"] * len(rows), id="short"),
        pytest.param(lambda rows: [b"x" * 4000] * len(rows), id="junk"),
        pytest.param(lambda rows: [value[:-1] for _, value in rows], id="truncated"),
        pytest.param(lambda rows: ["text"] * len(rows), id="another-type"),
        pytest.param(lambda rows: [value for _, value in reversed(rows)], id="entry-of-another-key"),
    ],
)
def test_corrupt_cache_entries_are_rebuilt(tmp_path: Path, damage: Callable[[list[tuple[bytes, bytes]]], list[object]]) -> None:
    tree = tree_of(tmp_path, {"app/reports.py": ORIGINAL, "app/yearly.py": RENAMED})
    change = Change.of([FilePair("app/yearly.py", None, RENAMED.encode())])
    cache = tmp_path / "cache"
    first = _check_index(change, tree, cache)
    rows = _stored_rows(cache)
    assert len(rows) == 2
    with sqlite3.connect(_index_store(cache)) as store:
        store.executemany("UPDATE entries SET value = ? WHERE key = ?", [(value, key) for (key, _), value in zip(rows, damage(rows), strict=True)])
    assert _stored_rows(cache) != rows
    second = _check_index(change, tree, cache)
    third = _check_index(change, tree, cache)
    assert second.metrics["duplication"]["cache_entries_rebuilt"] == 2
    assert third.metrics["duplication"]["files_from_cache"] == 2
    assert _stored_rows(cache) == rows
    assert first.findings == second.findings == third.findings != ()


def test_cli_check_uses_the_work_tree_and_caches_under_dot_ratchet(git_repo: Callable[..., GitRepo]) -> None:
    repo = git_repo(_many_modules(3))
    repo.write({"pkg/yearly.py": RENAMED})
    report = load_report(repo.root, None, None, False, None, None, None)
    assert [(f.rule, f.path) for f in report.findings] == [("DU001", "pkg/yearly.py")]
    assert "pkg/reports.py:1" in report.findings[0].message
    assert (repo.root / ".ratchet/.gitignore").read_text() == "*\n"
    assert any((repo.root / ".ratchet/cache").rglob("*"))
    assert repo.git("status", "--porcelain", "--untracked-files=all") == "?? pkg/yearly.py\n"


def test_two_processes_filling_one_cache_at_once(tmp_path: Path) -> None:
    tree = tree_of(tmp_path, _many_modules(40))
    script = (
        "import sys; from pathlib import Path\n"
        "from guards import Change, Config, DirectoryTree, FilePair, RuleSet, check\n"
        f"change = Change.of([FilePair('pkg/yearly.py', None, {RENAMED!r}.encode())])\n"
        "report = check(change, Config(), RuleSet.default(), DirectoryTree(Path(sys.argv[1])), Path(sys.argv[2]))\n"
        "print(sorted(f.rule for f in report.findings))\n"
    )
    runs = [subprocess.Popen([sys.executable, "-c", script, str(tree.root), str(tmp_path / "cache")], stdout=subprocess.PIPE, text=True) for _ in range(2)]
    assert [run.communicate(timeout=60)[0] for run in runs] == ["['DU001']\n"] * 2
    shutil.rmtree(tmp_path / "cache" / "reports")
    warm = _check_index(Change.of([FilePair("pkg/yearly.py", None, RENAMED.encode())]), tree, tmp_path / "cache")
    assert (warm.metrics["duplication"]["files_from_cache"], warm.metrics["duplication"]["cache_entries_rebuilt"]) == (42, 0)
    # One store and nothing else: no journal or temporary file left behind.
    assert [path.name for path in (tmp_path / "cache" / "duplication").iterdir()] == [_index_store(tmp_path).name]


# The accuracy test compares categories; this pins where the duplication cases are reported.
CORPUS_DU001 = {
    "091_report_copied_with_renamed_names": [("app/reports.py", 14)],
    "092_report_moved_to_its_own_module": [],
    "093_parser_duplicated_across_new_modules": [("app/importers/suppliers.py", 5)],
    "094_similar_small_helpers": [],
}


@pytest.mark.parametrize(("name", "expected"), CORPUS_DU001.items(), ids=list(CORPUS_DU001))
def test_corpus_duplication_cases(name: str, expected: list[tuple[str, int]]) -> None:
    from tests.guards.test_accuracy import CORPUS, load_case

    found = du001(load_case(CORPUS / f"{name}.toml").change())
    assert [(f.path, f.line) for f in found] == expected, [f.message for f in found]
