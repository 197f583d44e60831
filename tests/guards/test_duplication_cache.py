"""The duplication index's disk cache: one SQLite store per index format, written once per check,
and never trusted when damaged: a bad store is counted, made anew, and the check goes on. Damaged
entries: `test_duplication.test_corrupt_cache_entries_are_rebuilt`."""

from __future__ import annotations

import sqlite3
import subprocess
import sys
from collections.abc import Callable
from pathlib import Path

import pytest

from guards import Change, Config, FilePair
from guards.duplication import Indexer, Shingling
from guards.duplication.cache import DiskCache
from guards.sources.listing import blob_id
from tests.guards.test_duplication import ORIGINAL, OTHER, RENAMED, _check_index, tree_of

SHINGLING = Shingling.for_copies_of(Config().duplication_min_tokens)
CHANGE = Change.of([FilePair("app/yearly.py", None, RENAMED.encode())])


def _store(cache: Path) -> Path:
    return DiskCache.under(cache, SHINGLING.key).path


def _rows(store: Path) -> list[tuple[bytes, bytes]]:
    with sqlite3.connect(store) as connection:
        return connection.execute("SELECT key, value FROM entries ORDER BY key").fetchall()


def _three_checks(tmp_path: Path, damage: Callable[[Path], None]) -> list[tuple[object, object]]:
    """(entries rebuilt, files from the cache) of a cold check, one after `damage`, and one more."""
    tree = tree_of(tmp_path, {"app/reports.py": ORIGINAL, "app/yearly.py": RENAMED})
    cache = tmp_path / "cache"
    reports = [_check_index(CHANGE, tree, cache)]
    damage(_store(cache))
    reports += [_check_index(CHANGE, tree, cache) for _ in range(2)]
    assert reports[0].findings == reports[1].findings == reports[2].findings != ()
    # Only the store is left: no journal, no temporary file.
    assert [path.name for path in (cache / "duplication").iterdir()] == [_store(cache).name]
    return [(r.metrics["duplication"]["cache_entries_rebuilt"], r.metrics["duplication"]["files_from_cache"]) for r in reports]


def _foreign_database(store: Path) -> None:
    store.unlink()
    with sqlite3.connect(store) as connection:
        connection.execute("CREATE TABLE entries (key TEXT, value TEXT)")


@pytest.mark.parametrize(
    "damage",
    [
        pytest.param(lambda store: store.write_bytes(b"x" * 9000), id="junk"),
        pytest.param(lambda store: store.write_bytes(store.read_bytes()[: store.stat().st_size // 2]), id="truncated"),
        pytest.param(lambda store: store.write_bytes(b"\0" * 100 + store.read_bytes()[100:]), id="header"),
        pytest.param(lambda store: store.write_bytes(store.read_bytes()[:4096] + b"\xff" * 4096 + store.read_bytes()[8192:]), id="page"),
        pytest.param(_foreign_database, id="foreign-schema"),
    ],
)
def test_a_damaged_store_is_made_anew(tmp_path: Path, damage: Callable[[Path], None]) -> None:
    # The first lookup (the changed file's new side) finds the store damaged: that entry is
    # counted, the store is made anew, and the tree's file is tokenized again.
    assert _three_checks(tmp_path, damage) == [(0, 0), (1, 0), (0, 2)]


def test_an_emptied_store_is_an_empty_cache(tmp_path: Path) -> None:
    # SQLite creates a store as an empty file: a process cannot tell an emptied one from a new one.
    assert _three_checks(tmp_path, lambda store: store.write_bytes(b"")) == [(0, 0), (0, 0), (0, 2)]


def test_entries_are_written_once_when_the_indexer_closes(tmp_path: Path) -> None:
    texts = [ORIGINAL, RENAMED, OTHER, ORIGINAL]
    with Indexer.create(SHINGLING, tmp_path, 1_000_000) as indexer:
        entries = indexer.of_texts(texts)
        assert _rows(_store(tmp_path)) == []  # looked up, nothing written yet
    assert [key.hex() for key, _ in _rows(_store(tmp_path))] == sorted(blob_id(text.encode()) for text in set(texts))
    assert (indexer.stats.files_indexed, indexer.stats.files_from_cache) == (3, 1)
    with Indexer.create(SHINGLING, tmp_path, 1_000_000) as again:
        assert again.of_texts(texts) == entries
    assert (again.stats.files_indexed, again.stats.files_from_cache) == (0, 4)


def test_a_failed_check_writes_nothing(tmp_path: Path) -> None:
    with pytest.raises(KeyError), Indexer.create(SHINGLING, tmp_path, 1_000_000) as indexer:
        indexer.of_texts([ORIGINAL])
        raise KeyError("the check failed")
    assert _rows(_store(tmp_path)) == []


def test_without_a_cache_directory_nothing_is_written(tmp_path: Path) -> None:
    with Indexer.create(SHINGLING, None, 1_000_000) as indexer:
        (first,) = indexer.of_texts([ORIGINAL])
        assert indexer.of_texts([ORIGINAL]) == [first]
    assert (indexer.stats.files_indexed, indexer.stats.files_from_cache, list(tmp_path.iterdir())) == (1, 1, [])


def test_the_entry_folders_of_earlier_versions_are_removed(tmp_path: Path) -> None:
    legacy = tmp_path / "duplication" / "tokens-1-48-py311-little-k20-s31"
    (legacy / "ab").mkdir(parents=True)
    (legacy / "ab" / "cdef").write_bytes(b"an entry of the old layout")
    with Indexer.create(SHINGLING, tmp_path, 1_000_000) as indexer:
        indexer.of_texts([ORIGINAL])
    assert [path.name for path in (tmp_path / "duplication").iterdir()] == [_store(tmp_path).name]


WRITER = """
import sys
from pathlib import Path
from guards.duplication.cache import DiskCache
from guards.sources.listing import blob_id
from guards.duplication.index import build_entry
from tests.guards.test_duplication_cache import SHINGLING, texts_of

store = DiskCache.under(Path(sys.argv[1]), SHINGLING.key).open()
texts = texts_of(sys.argv[2])
for batch in range(0, len(texts), 50):
    written = texts[: batch + 50]
    store.store({blob_id(text.encode()): build_entry(text, SHINGLING) for text in written[batch:]})
    found = store.load(blob_id(text.encode()) for text in written)
    assert (len(found.entries), found.damaged) == (len(written), 0), (len(found.entries), found.damaged)
store.close()
print("ok")
"""


def texts_of(writer: str) -> list[str]:
    return [f"def {writer}_{i}(value):\n    return value * {i} + len({writer!r})\n" for i in range(200)]


def test_two_processes_writing_different_entries_at_once_both_survive(tmp_path: Path) -> None:
    runs = [subprocess.Popen([sys.executable, "-c", WRITER, str(tmp_path), writer], stdout=subprocess.PIPE, text=True) for writer in ("left", "right")]
    assert [run.communicate(timeout=60)[0] for run in runs] == ["ok\n"] * 2
    store = DiskCache.under(tmp_path, SHINGLING.key).open()
    found = store.load(blob_id(text.encode()) for text in texts_of("left") + texts_of("right"))
    store.close()
    assert (len(found.entries), found.damaged) == (400, 0)
