"""Feedback: the short instruction an agent receives when the guard judges its change.

Plain text, no colour: it goes into a model's context. Each finding says where, what is wrong
and what to do instead; one line per category present then names the remedy in general, so the
agent fixes the cause instead of moving the defense somewhere the rule does not look.
"""

from __future__ import annotations

from guards.findings import Category, Finding
from guards.report import Report
from guards.reports.summary import NOTHING_TO_CHECK, category_counts, files_in_state, place, plural, scope_phrase, sentence

REMEDY = {
    Category.FALLBACK: "Do not catch, default or suppress to get past a failure: let the error propagate to the "
    "boundary that reports it, and fix the cause where it arises.",
    Category.GUARD: "Do not check for a state that should not exist: make it unrepresentable (validate where the "
    "value is made, use a type without None) so callers cannot produce it.",
    Category.INVARIANT: "Restore the assertion, raise or validation you removed; if it fails, fix the code that "
    "breaks it, not the check.",
    Category.TEST: "Restore the test's assertions, expectations and coverage; make the code pass the test, not "
    "the test pass the code.",
    Category.SUPPRESSION: "Remove the suppression comment and fix what the checker reports.",
    Category.DUPLICATION: "Reuse the existing code instead of repeating it.",
    Category.COMPLEXITY: "Simplify: split the function or remove the branches the change added.",
    Category.PARSE: "Make the file parse again.",
    Category.TRADE: "Do not trade an invariant for a local defense: restore the invariant and remove the defense.",
}


def _opening(report: Report) -> str:
    if report.verdict == "reject":
        return f"Your change was rejected by the guard: {plural(len(report.findings), 'finding')}."
    if report.findings:
        return f"The guard accepts this change, with {plural(len(report.findings), 'finding')} to consider."
    return "The guard accepts this change."


def _finding(number: int, finding: Finding) -> list[str]:
    return [
        f"{number}. {place(finding)} ({scope_phrase(finding)}), {finding.rule} {finding.name}:",
        f"   Wrong: {sentence(finding.message)}",
        f"   Instead: {sentence(finding.suggestion)}",
    ]


def render_feedback(report: Report) -> str:
    lines = [_opening(report)]
    if report.is_empty:
        lines.append(f"There was {NOTHING_TO_CHECK}.")
    for number, finding in enumerate(report.findings, start=1):
        lines += ["", *_finding(number, finding)]
    if report.findings:
        lines += ["", "In general:"]
        lines += [f"- {REMEDY[category]}" for category, _ in category_counts(report)]
    skipped = files_in_state(report, "skipped")
    if skipped:
        lines += ["", "The guard could not read these files, so it did not check them:"]
        lines += [f"- {status.path}: {status.reason}" for status in skipped]
    return "\n".join(lines) + "\n"
