"""What every rendering of a report says the same way: places, counts, the one-line verdict."""

from __future__ import annotations

from collections import Counter

from guards.findings import Category, Finding
from guards.outline import MODULE_SCOPE
from guards.report import FileStatus, Report

NOTHING_TO_CHECK = "nothing to check: the change touches no Python files"


def plural(count: int, noun: str) -> str:
    return f"{count} {noun}" if count == 1 else f"{count} {noun}s"


def place(finding: Finding) -> str:
    return f"{finding.path}:{finding.line}"


def scope_phrase(finding: Finding) -> str:
    """Where in the file, in words: `in load`, `at module level`."""
    return "at module level" if finding.scope == MODULE_SCOPE else f"in {finding.scope}"


def category_counts(report: Report) -> list[tuple[Category, int]]:
    """Findings per category, most frequent first, ties by name (stable output for golden files)."""
    counts = Counter(f.category for f in report.findings)
    return sorted(counts.items(), key=lambda item: (-item[1], item[0].value))


def files_in_state(report: Report, state: str) -> tuple[FileStatus, ...]:
    return tuple(f for f in report.files if f.state == state)


def verdict_word(report: Report) -> str:
    return report.verdict.upper()


def score_phrase(report: Report) -> str:
    return f"score {report.score:g} / budget {report.budget:g}"


def files_phrase(report: Report) -> str:
    analysed = len(files_in_state(report, "analysed"))
    extras = [f"{len(group)} {state}" for state in ("deleted", "skipped") if (group := files_in_state(report, state))]
    return ", ".join([f"{plural(analysed, 'file')} analysed", *extras])


def sentence(text: str) -> str:
    """`text` ending in a full stop, so that a message and a suggestion read as two sentences."""
    return text if text.endswith((".", "!", "?")) else f"{text}."
