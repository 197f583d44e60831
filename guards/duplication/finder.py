"""Copies the change adds: runs of added tokens that repeat code elsewhere in the after tree.

For every changed file, the tokens on lines the change adds are cut into windows; a window whose
hash is a sampled window of some file of the tree (the changed files' new sides included) is a seed,
and each seed is extended token by token, in both directions, to the longest run the two places
share. A run is a copy when it is long enough (`min_tokens`, `min_lines`), is not a repetitive
table (`self.a = a` ten times), and the change adds it in more places than it removes it: moving
code, whose old place the change removes, is not a copy. Of two copies the change adds at once,
the later one (by path and line) is reported.

Places are counted in the change's hunks only (its changed lines with a few kept lines around
them, as in a unified diff): elsewhere, the lines a change keeps hold a run as often before as
after. The old side's hunks are tokenized on their own (about 2 % of the old sides on Django's
diff, where tokenizing the old sides whole was a tenth of a cold check), so both sides are
compared without their `NEWLINE` tokens: a hunk cut out of a bracketed expression reads its line
breaks as ends of statements.
"""

from __future__ import annotations

import bisect
import difflib
import re
from array import array
from collections.abc import Iterator, Mapping
from dataclasses import dataclass
from itertools import groupby

from guards.duplication.cache import FileIndex
from guards.duplication.index import Indexer
from guards.duplication.tokens import NEWLINE, normalise
from guards.duplication.windows import Shingling, window_hashes
from guards.outline import MODULE_SCOPE
from guards.tree import SourceTree

# The tokenizer's line breaks (`str.splitlines` also breaks at form feeds and others).
LINE_BREAK = re.compile(r"\r\n|\r|\n")
# Kept lines around each change that the move test reads on both sides (see `_ChangedText`).
CONTEXT_LINES = 3
# At most this many places per seed are extended: a window found in hundreds of files is an idiom.
MAX_PLACES_PER_SEED = 64
# A run whose distinct token trigrams are fewer than this share of its length repeats one short
# pattern (a data table, attribute assignments): normalised, every such table looks alike.
MIN_TRIGRAM_VARIETY = 0.35


@dataclass(frozen=True, slots=True)
class ChangedSource:
    """One changed file as the engine decoded it; `None` for a side where the file is absent."""

    path: str
    before: str | None
    after: str | None
    # The new side's scopes: qualified name → first and last line, to name where a copy sits.
    scopes: Mapping[str, tuple[int, int]]


@dataclass(frozen=True, slots=True)
class Copy:
    """Added lines `line..end_line` of `path` repeat `original_path` from `original_line`."""

    path: str
    line: int
    end_line: int
    scope: str
    original_path: str
    original_line: int
    original_end_line: int
    tokens: int


@dataclass(frozen=True, slots=True)
class _Run:
    path: str
    start: int
    end: int
    original: str
    original_start: int

    @property
    def length(self) -> int:
        return self.end - self.start


@dataclass(frozen=True, slots=True)
class _Hunk:
    """A group of nearby changes with up to `CONTEXT_LINES` kept lines around it, as a unified
    diff's hunk: 0-based line ranges on each side, and how many kept lines open it."""

    old: range
    new: range
    lead: int


@dataclass(frozen=True, slots=True)
class _LineChanges:
    """What a change does to one file's lines: the after side's added (inserted or rewritten)
    lines, 1-based, and its hunks over the before side's lines."""

    added: set[int]
    before_lines: list[str]
    hunks: list[_Hunk]

    @classmethod
    def of(cls, source: ChangedSource) -> _LineChanges:
        after_lines = [] if source.after is None else LINE_BREAK.split(source.after)
        before_lines = [] if source.before is None else LINE_BREAK.split(source.before)
        matcher = difflib.SequenceMatcher(None, before_lines, after_lines)
        hunks = [
            _Hunk(range(group[0][1], group[-1][2]), range(group[0][3], group[-1][4]), group[0][2] - group[0][1] if group[0][0] == "equal" else 0)
            for group in matcher.get_grouped_opcodes(CONTEXT_LINES)
        ]
        added = {line + 1 for tag, _, _, j1, j2 in matcher.get_opcodes() if tag in ("insert", "replace") for line in range(j1, j2)}
        return cls(added, before_lines, hunks)


def _added_segments(added: set[int], entry: FileIndex) -> list[tuple[int, int]]:
    """Maximal ranges of token indices that stand on the `added` lines."""
    segments: list[tuple[int, int]] = []
    index = 0
    for is_added, group in groupby(entry.tokens.lines, key=added.__contains__):
        size = sum(1 for _ in group)
        if is_added:
            segments.append((index, index + size))
        index += size
    return segments


def _occurrences(needle: bytes, haystacks: list[bytes]) -> int:
    """Aligned occurrences of a token run (2-byte ids) in token streams."""
    count = 0
    for haystack in haystacks:
        position = haystack.find(needle)
        while position >= 0:
            count += position % 2 == 0
            position = haystack.find(needle, position + 1)
    return count


def _varied(ids: array[int]) -> bool:
    trigrams = set(zip(ids, ids[1:], ids[2:]))
    return len(trigrams) >= MIN_TRIGRAM_VARIETY * max(len(ids) - 2, 1)


def _index_news(changed: list[ChangedSource], indexer: Indexer) -> dict[str, FileIndex]:
    """The changed files' new sides by path."""
    afters = {source.path: source.after for source in changed if source.after is not None}
    return dict(zip(afters, indexer.of_texts(list(afters.values())), strict=True))


def _places(wanted: set[int], files: dict[str, FileIndex]) -> Iterator[tuple[str, int, int]]:
    """(path, hash, position) of the sampled windows whose hash is wanted; a set intersection
    first, so files without any are passed over at C speed."""
    for path, entry in files.items():
        common = wanted.intersection(entry.fingerprint_hashes)
        if common:
            for value, position in zip(entry.fingerprint_hashes, entry.fingerprint_positions):
                if value in common:
                    yield path, value, position


def _statements(ids: array[int]) -> bytes:
    """Token ids without `NEWLINE`, as bytes to search (see the module's docstring)."""
    return array("H", [token for token in ids if token != NEWLINE]).tobytes()


def _statement_starts(entry: FileIndex) -> set[int]:
    """The lines (1-based) where a logical line of the file starts."""
    ids, lines = entry.tokens.ids, entry.tokens.lines
    return {lines[index + 1] for index in range(len(ids) - 1) if ids[index] == NEWLINE} | set(lines[:1])


def _tokens_on(entry: FileIndex, first: int, last: int) -> array[int]:
    """The token ids of `entry` that stand on lines `first..last`."""
    lines = entry.tokens.lines
    return entry.tokens.ids[bisect.bisect_left(lines, first) : bisect.bisect_right(lines, last)]


@dataclass(frozen=True, slots=True)
class _ChangedText:
    """The change's hunks (see `_LineChanges`) on each side, as searched for the places of a run:
    the kept lines in a hunk are on both sides, so only what the change adds and removes can
    tip the count, and a run that reaches a few lines past a moved block is still found."""

    after: list[bytes]
    before: list[bytes]

    @classmethod
    def of(cls, news: dict[str, FileIndex], changes: dict[str, _LineChanges]) -> _ChangedText:
        after: list[bytes] = []
        before: list[bytes] = []
        for path, change in changes.items():
            starts = _statement_starts(news[path]) if path in news else set()
            for hunk in change.hunks:
                # The old hunk is tokenized alone: it opens on a kept line where a statement starts
                # (not inside a docstring or brackets), or on the first changed line.
                skip = next((kept for kept in range(hunk.lead) if hunk.new.start + kept + 1 in starts), hunk.lead)
                before.append(_statements(normalise("\n".join(change.before_lines[hunk.old.start + skip : hunk.old.stop])).ids))
                if path in news:
                    after.append(_statements(_tokens_on(news[path], hunk.new.start + skip + 1, hunk.new.stop)))
        return cls(after, before)

    def adds_more_than_it_removes(self, run: array[int]) -> bool:
        needle = _statements(run)
        return _occurrences(needle, self.after) > _occurrences(needle, self.before)


def _new_copies(runs: list[_Run], news: dict[str, FileIndex], changed: _ChangedText) -> list[_Run]:
    """The longest runs that do not overlap in their file and that the change adds in more places
    than it removes (otherwise they moved)."""
    chosen: list[_Run] = []
    for run in sorted(runs, key=lambda r: (-r.length, r.path, r.start)):
        overlaps = any(c.path == run.path and c.start < run.end and run.start < c.end for c in chosen)
        if not overlaps and changed.adds_more_than_it_removes(news[run.path].tokens.ids[run.start : run.end]):
            chosen.append(run)
    return chosen


def _scope_at(scopes: Mapping[str, tuple[int, int]], line: int) -> str:
    around = [(first, qualname) for qualname, (first, last) in scopes.items() if first <= line <= last]
    return max(around)[1] if around else MODULE_SCOPE


@dataclass(frozen=True, slots=True)
class CopyFinder:
    shingling: Shingling
    min_tokens: int
    min_lines: int

    def find(self, changed: list[ChangedSource], tree: SourceTree, paths: list[str], indexer: Indexer) -> list[Copy]:
        """Copies added by `changed`, against the files `paths` of `tree` (the changed ones are
        taken from the change)."""
        news = _index_news(changed, indexer)
        files = {**indexer.of_tree(tree, [path for path in paths if path not in news]), **news}
        lines = {source.path: _LineChanges.of(source) for source in changed}
        segments = {path: _added_segments(lines[path].added, news[path]) for path in news}
        runs = self._runs(self._seeds(news, segments), files, segments)
        chosen = _new_copies(runs, news, _ChangedText.of(news, lines))
        scopes = {source.path: source.scopes for source in changed}
        return sorted((self._copy(run, files, scopes[run.path]) for run in chosen), key=lambda c: (c.path, c.line))

    def _seeds(self, news: dict[str, FileIndex], segments: dict[str, list[tuple[int, int]]]) -> dict[int, list[tuple[str, int]]]:
        """Every window of the added runs long enough to hold a copy: hash → (path, start)."""
        seeds: dict[int, list[tuple[str, int]]] = {}
        for path, ranges in segments.items():
            ids = news[path].tokens.ids
            for start, end in (r for r in ranges if r[1] - r[0] >= self.min_tokens):
                for offset, value in enumerate(window_hashes(ids[start:end], self.shingling.k)):
                    seeds.setdefault(value, []).append((path, start + offset))
        return seeds

    def _runs(self, seeds: dict[int, list[tuple[str, int]]], files: dict[str, FileIndex], segments: dict[str, list[tuple[int, int]]]) -> list[_Run]:
        """Every seed extended to the longest run its two places share, once per diagonal."""
        covered: dict[tuple[str, str, int], list[tuple[int, int]]] = {}
        runs: list[_Run] = []
        for original, value, position in _places(set(seeds), files):
            for path, index in seeds[value][:MAX_PLACES_PER_SEED]:
                key = (path, original, position - index)
                if key in covered and any(a <= index < b for a, b in covered[key]):
                    continue
                run = self._extend(path, index, original, position, files, segments[path])
                covered.setdefault(key, []).append((run.start, run.end))
                if self._is_copy(run, files, segments):
                    runs.append(run)
        return runs

    def _extend(self, path: str, index: int, original: str, position: int, files: dict[str, FileIndex], segments: list[tuple[int, int]]) -> _Run:
        ids, other = files[path].tokens.ids, files[original].tokens.ids
        low, high = next((a, b) for a, b in segments if a <= index < b)
        back = 0
        while index - back > low and position - back > 0 and ids[index - back - 1] == other[position - back - 1]:
            back += 1
        ahead = 0
        while index + ahead < high and position + ahead < len(other) and ids[index + ahead] == other[position + ahead]:
            ahead += 1
        return _Run(path, index - back, index + ahead, original, position - back)

    def _is_copy(self, run: _Run, files: dict[str, FileIndex], segments: dict[str, list[tuple[int, int]]]) -> bool:
        lines = files[run.path].tokens.lines
        if run.length < self.min_tokens or lines[run.end - 1] - lines[run.start] + 1 < self.min_lines:
            return False
        if run.path == run.original and abs(run.original_start - run.start) < run.length:
            return False  # overlaps itself: a periodic sequence, not a second place
        if not _varied(files[run.path].tokens.ids[run.start : run.end]):
            return False
        original_end = run.original_start + run.length
        original_added = run.original in segments and any(a <= run.original_start and original_end <= b for a, b in segments[run.original])
        # Two added copies of one text: the earlier is the original, only the later is reported.
        return not original_added or (run.original, run.original_start) < (run.path, run.start)

    @staticmethod
    def _copy(run: _Run, files: dict[str, FileIndex], scopes: Mapping[str, tuple[int, int]]) -> Copy:
        lines, original_lines = files[run.path].tokens.lines, files[run.original].tokens.lines
        line = lines[run.start]
        return Copy(
            run.path, line, lines[run.end - 1], _scope_at(scopes, line),
            run.original, original_lines[run.original_start], original_lines[run.original_start + run.length - 1], run.length,
        )  # fmt: skip
