"""Markdown for a pull-request review comment: verdict and score, a table, what to do, skipped files."""

from __future__ import annotations

from collections import defaultdict

from guards.findings import Finding
from guards.report import Report
from guards.reports.summary import (
    NOTHING_TO_CHECK,
    category_counts,
    files_in_state,
    files_phrase,
    place,
    plural,
    score_phrase,
    verdict_word,
)

_ICON = {"accept": "✅", "reject": "❌"}


def _cell(text: str) -> str:
    """Table cells are one line, and a `|` would end the cell early."""
    return " ".join(text.split()).replace("|", "\\|")


def _row(finding: Finding) -> str:
    return (
        f"| `{place(finding)}` | {finding.rule} `{finding.name}` | {finding.severity.value} | {_cell(finding.message)} |"
    )


def _suggestions(findings: tuple[Finding, ...]) -> list[str]:
    """One bullet per distinct advice, with every place it applies to: rules repeat their advice."""
    places: defaultdict[tuple[str, str], list[str]] = defaultdict(list)
    for finding in findings:
        places[(finding.rule, finding.suggestion)].append(f"`{place(finding)}`")
    return [f"- **{rule}** ({', '.join(where)}): {_cell(advice)}" for (rule, advice), where in places.items()]


def _findings_phrase(report: Report) -> str:
    if not report.findings:
        return "No findings"
    counts = ", ".join(f"{category.value} {count}" for category, count in category_counts(report))
    return f"{plural(len(report.findings), 'finding')} ({counts})"


def render_markdown(report: Report) -> str:
    heading = f"### {_ICON[report.verdict]} Ratchet: {verdict_word(report)} — {score_phrase(report)}"
    if report.is_empty:
        return f"{heading}\n\n{NOTHING_TO_CHECK[0].upper()}{NOTHING_TO_CHECK[1:]}.\n"
    lines = [heading, "", f"{_findings_phrase(report)} · {files_phrase(report)}"]
    if report.findings:
        lines += ["", "| Where | Rule | Severity | Message |", "|---|---|---|---|"]
        lines += [_row(finding) for finding in report.findings]
        lines += ["", "**What to do instead**", ""]
        lines += _suggestions(report.findings)
    skipped = files_in_state(report, "skipped")
    if skipped:
        lines += ["", "**Not analysed**", ""]
        lines += [f"- `{status.path}`: {_cell(status.reason)}" for status in skipped]
    return "\n".join(lines) + "\n"
