"""Feedback: the instruction an agent gets about its change."""

from __future__ import annotations

import pytest

from guards import Category
from guards.reports.feedback import REMEDY, render_feedback
from tests.guards.reports.cases import REPORTS


@pytest.mark.parametrize(
    ("case", "opening"),
    [
        ("reject", "Your change was rejected by the guard: 2 findings."),
        ("accept-warning", "The guard accepts this change, with 2 findings to consider."),
        ("clean", "The guard accepts this change."),
        ("empty", "The guard accepts this change."),
    ],
)
def test_feedback_opens_with_the_verdict(case: str, opening: str) -> None:
    assert render_feedback(REPORTS[case]).splitlines()[0] == opening


@pytest.mark.parametrize(
    "expected",
    [
        "1. app/service.py:5 (at module level), FB001 broad-except:",
        "2. app/service.py:12 (in load), FB001 broad-except:",
        "   Wrong: broad exception handler swallows every error without re-raising.",
        "   Instead: Catch only the specific exception you can handle here, or let it propagate",
        "- Do not catch, default or suppress to get past a failure: let the error propagate",
        "- app/blob.py: binary: contains NUL bytes",
    ],
)
def test_rejection_says_where_what_and_what_instead(expected: str) -> None:
    assert expected in render_feedback(REPORTS["reject"])


def test_every_category_has_a_remedy() -> None:
    assert set(REMEDY) == set(Category)


@pytest.mark.parametrize("case", sorted(REPORTS))
def test_feedback_is_plain_text(case: str) -> None:
    assert "\x1b" not in render_feedback(REPORTS[case])
