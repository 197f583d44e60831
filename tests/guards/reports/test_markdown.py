"""The Markdown report: a pull-request review comment."""

from __future__ import annotations

from dataclasses import replace

import pytest

from guards.reports.markdown import render_markdown
from tests.guards.reports.cases import REPORTS


@pytest.mark.parametrize(
    ("case", "expected"),
    [
        ("reject", "### ❌ Ratchet: REJECT — score 10 / budget 3"),
        ("reject", "| `app/service.py:12` | FB001 `broad-except` | error | broad exception handler swallows"),
        ("reject", "- **FB001** (`app/service.py:5`, `app/service.py:12`): Catch only the specific exception"),
        ("reject", "- `app/blob.py`: binary: contains NUL bytes"),
        ("accept-warning", "### ✅ Ratchet: ACCEPT — score 2 / budget 10"),
        ("clean", "No findings · 1 file analysed"),
        ("empty", "Nothing to check"),
    ],
)
def test_markdown_says(case: str, expected: str) -> None:
    assert expected in render_markdown(REPORTS[case])


def test_table_has_one_row_per_finding() -> None:
    report = REPORTS["reject"]
    rows = [line for line in render_markdown(report).splitlines() if line.startswith("| `")]
    assert len(rows) == len(report.findings)


def test_a_pipe_or_newline_in_a_message_stays_inside_its_cell() -> None:
    report = REPORTS["reject"]
    odd = replace(report, findings=(replace(report.findings[0], message="a | b\nc"),))
    row = next(line for line in render_markdown(odd).splitlines() if line.startswith("| `"))
    assert row.endswith("| a \\| b c |")
