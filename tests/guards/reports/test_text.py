"""The text report: what a person reads in a terminal or a CI log."""

from __future__ import annotations

from dataclasses import replace

import pytest

from guards.reports import renderer
from guards.reports.text import WIDTH, render_text
from tests.guards.reports.cases import REPORTS


@pytest.mark.parametrize(
    ("case", "expected"),
    [
        ("reject", "app/service.py:12  FB001 broad-except  error\n    broad exception handler swallows every error"),
        ("reject", "    → Catch only the specific exception you can handle here"),
        ("reject", "skipped: app/blob.py — binary: contains NUL bytes"),
        ("reject", "REJECT  score 10 / budget 3  ·  fallback 2  ·  2 files analysed, 1 deleted, 1 skipped"),
        ("accept-warning", "app/service.py:5  FB001 broad-except  warning"),
        ("accept-warning", "ACCEPT  score 2 / budget 10  ·  fallback 2  ·  1 file analysed"),
        ("clean", "ACCEPT  score 0 / budget 3  ·  no findings  ·  1 file analysed"),
        ("empty", "nothing to check"),
    ],
)
def test_text_says(case: str, expected: str) -> None:
    assert expected in renderer("text")(REPORTS[case])


@pytest.mark.parametrize("case", sorted(REPORTS))
def test_text_is_plain_and_fits_the_width(case: str) -> None:
    text = render_text(REPORTS[case])
    assert "\x1b" not in text
    assert all(len(line) <= WIDTH and line == line.rstrip() for line in text.splitlines())


def test_colour_is_added_only_on_request() -> None:
    coloured = render_text(REPORTS["reject"], colour=True)
    assert "\x1b[" in coloured
    assert "FB001" in coloured


def test_message_brackets_are_not_read_as_rich_markup() -> None:
    report = REPORTS["reject"]
    finding = report.findings[0]
    odd = replace(report, findings=(replace(finding, message="returns [bold]None[/bold] on error"),))
    assert "returns [bold]None[/bold] on error" in render_text(odd)
