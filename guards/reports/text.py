"""The text report, for people: one block per finding, skipped files, one summary line.

Rendered with rich into a string. Colour only when the caller asks for it (the CLI does when
stdout is a terminal); the default is plain text, which is also what golden files pin.
"""

from __future__ import annotations

import io

from rich.console import Console
from rich.padding import Padding
from rich.text import Text

from guards.findings import Finding, Severity
from guards.report import Report
from guards.reports.summary import (
    NOTHING_TO_CHECK,
    category_counts,
    files_in_state,
    files_phrase,
    place,
    score_phrase,
    verdict_word,
)

WIDTH = 100
_SEVERITY_STYLE = {Severity.ERROR: "bold red", Severity.WARNING: "yellow", Severity.INFO: "blue"}
_VERDICT_STYLE = {"accept": "bold green", "reject": "bold red"}


def _finding(finding: Finding) -> Text:
    head = Text()
    head.append(place(finding), style="bold")
    head.append("  ")
    head.append(finding.rule, style="cyan")
    head.append(f" {finding.name}  ")
    head.append(finding.severity.value, style=_SEVERITY_STYLE[finding.severity])
    return head


def _details(finding: Finding) -> Padding:
    body = Text(finding.message)
    body.append("\n")
    body.append(f"→ {finding.suggestion}", style="green")
    return Padding(body, (0, 0, 0, 4), expand=False)


def _summary(report: Report) -> Text:
    line = Text()
    line.append(verdict_word(report), style=_VERDICT_STYLE[report.verdict])
    line.append(f"  {score_phrase(report)}  ·  ")
    counts = category_counts(report)
    line.append(", ".join(f"{category.value} {count}" for category, count in counts) if counts else "no findings")
    line.append(f"  ·  {files_phrase(report)}")
    return line


def render_text(report: Report, *, colour: bool = False) -> str:
    """The report as text; `colour` adds ANSI styles for a terminal."""
    buffer = io.StringIO()
    console = Console(
        file=buffer,
        width=WIDTH,
        force_terminal=colour,
        color_system="standard" if colour else None,
        highlight=False,
        emoji=False,
        markup=False,
    )
    if report.is_empty:
        console.print(NOTHING_TO_CHECK)
        return buffer.getvalue()
    for finding in report.findings:
        console.print(_finding(finding))
        console.print(_details(finding))
        console.print()
    skipped = files_in_state(report, "skipped")
    for status in skipped:
        console.print(Text(f"skipped: {status.path} — {status.reason}", style="dim"))
    if skipped:
        console.print()
    console.print(_summary(report))
    # Padding fills wrapped lines to a common width; trailing blanks only make diffs noisy.
    return "".join(f"{line.rstrip()}\n" for line in buffer.getvalue().splitlines())


__all__ = ["render_text"]
