"""Every rule's VALID and INVALID examples, collected from the rule classes and run through the engine."""

from __future__ import annotations

import pytest

from guards import Config, RuleSet, check
from guards.rules.base import Example, Rule

RULES = RuleSet.default().rules


def _cases(kind: str) -> list[object]:
    return [
        pytest.param(rule, example, id=f"{rule.meta.id}-{rule.meta.name}-{kind}-{index}")
        for rule in RULES
        for index, example in enumerate(getattr(rule, kind))
    ]


@pytest.mark.parametrize(("rule", "example"), _cases("INVALID"))
def test_invalid_example_is_flagged(rule: Rule, example: Example) -> None:
    report = check(example.change(), Config(), RuleSet.default())
    assert rule.meta.id in {f.rule for f in report.findings}, [f"{f.rule} {f.message}" for f in report.findings]


@pytest.mark.parametrize(("rule", "example"), _cases("VALID"))
def test_valid_example_is_not_flagged(rule: Rule, example: Example) -> None:
    report = check(example.change(), Config(), RuleSet.default())
    assert rule.meta.id not in {f.rule for f in report.findings}, [f"{f.rule}:{f.line} {f.message}" for f in report.findings]


@pytest.mark.parametrize("rule", RULES, ids=lambda rule: rule.meta.id)
def test_rule_is_documented_in_ruff_form(rule: Rule) -> None:
    doc = rule.documentation()
    for heading in ("## What it does", "## Why is this bad?", "## Example", "## Use instead"):
        assert heading in doc, f"{rule.meta.id} lacks {heading}"
    assert rule.INVALID, f"{rule.meta.id} has no invalid example"
    assert rule.VALID, f"{rule.meta.id} has no valid example"
