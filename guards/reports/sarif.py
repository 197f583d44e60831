"""SARIF 2.1.0 for code scanning (GitHub, IDE viewers).

One run. The driver lists every built-in rule with its documentation, so a viewer can explain
a result without the tool; a finding whose rule is not built in (a configured taste rule) gets a
descriptor made from the finding itself. Paths are repo-relative under `%SRCROOT%`. Skipped
files become tool notifications, not results: they say what the guard could not read.
"""

from __future__ import annotations

import hashlib
import json
import re
from collections import Counter
from importlib.metadata import version
from typing import Any
from urllib.parse import quote

from guards.findings import Finding, RuleMeta, Severity
from guards.registry import RuleSet
from guards.report import FileStatus, Report
from guards.reports.summary import files_in_state, sentence

SCHEMA_URI = "https://docs.oasis-open.org/sarif/sarif/v2.1.0/errata01/os/schemas/sarif-schema-2.1.0.json"
# The project has no published home yet; the distribution's index page is where it will live.
INFORMATION_URI = "https://pypi.org/project/ratchet/"
SRCROOT = "%SRCROOT%"
FINGERPRINT_KEY = "ratchetFinding/v1"
LEVEL = {Severity.ERROR: "error", Severity.WARNING: "warning", Severity.INFO: "note"}
_HEADING = re.compile(r"^## (.+)$", re.MULTILINE)


def _sections(documentation: str) -> dict[str, str]:
    """The docstring's `## Heading` sections by heading (Ruff's form, checked by the rule tests)."""
    parts = _HEADING.split(documentation)
    return {heading.strip(): body.strip() for heading, body in zip(parts[1::2], parts[2::2], strict=True)}


def _one_line(text: str) -> str:
    return " ".join(text.split())


def _descriptor(meta: RuleMeta, documentation: str) -> dict[str, Any]:
    sections = _sections(documentation)
    what = _one_line(sections["What it does"])
    why = sections["Why is this bad?"].split("\n\n")[0]
    return {
        "id": meta.id,
        "name": meta.name,
        "shortDescription": {"text": what},
        "fullDescription": {"text": f"{what} {_one_line(why)}"},
        "help": {"text": documentation, "markdown": documentation},
        "defaultConfiguration": {"level": LEVEL[meta.severity]},
        "properties": {"category": meta.category.value, "tags": [meta.category.value]},
    }


def _finding_descriptor(finding: Finding) -> dict[str, Any]:
    """For a rule outside the built-in set: all that is known is what the finding carries."""
    return {
        "id": finding.rule,
        "name": finding.name,
        "shortDescription": {"text": finding.message},
        "help": {"text": finding.suggestion, "markdown": finding.suggestion},
        "defaultConfiguration": {"level": LEVEL[finding.severity]},
        "properties": {"category": finding.category.value, "tags": [finding.category.value]},
    }


def _artifact(path: str) -> dict[str, str]:
    return {"uri": quote(path, safe="/"), "uriBaseId": SRCROOT}


def _fingerprint(finding: Finding, occurrence: int) -> str:
    """Line-independent, so a result keeps its identity when code above it moves; the
    occurrence number tells apart equal findings in one scope."""
    key = "\0".join((finding.rule, finding.path, finding.scope, finding.message))
    return f"{hashlib.sha256(key.encode()).hexdigest()[:32]}:{occurrence}"


def _results(findings: tuple[Finding, ...], index: dict[str, int]) -> list[dict[str, Any]]:
    seen: Counter[tuple[str, str, str, str]] = Counter()
    results = []
    for finding in findings:
        identity = (finding.rule, finding.path, finding.scope, finding.message)
        seen[identity] += 1
        occurrence = seen[identity]
        results.append(
            {
                "ruleId": finding.rule,
                "ruleIndex": index[finding.rule],
                "level": LEVEL[finding.severity],
                "message": {"text": f"{sentence(finding.message)} {finding.suggestion}"},
                "locations": [
                    {
                        "physicalLocation": {
                            "artifactLocation": _artifact(finding.path),
                            "region": {"startLine": finding.line, "endLine": finding.end_line},
                        },
                        "logicalLocations": [{"fullyQualifiedName": finding.scope}],
                    }
                ],
                "partialFingerprints": {FINGERPRINT_KEY: _fingerprint(finding, occurrence)},
                "properties": {"category": finding.category.value, "scope": finding.scope},
            }
        )
    return results


def _notification(status: FileStatus) -> dict[str, Any]:
    return {
        "level": "warning",
        "message": {"text": f"skipped: {status.reason}"},
        "locations": [{"physicalLocation": {"artifactLocation": _artifact(status.path)}}],
    }


def sarif_log(report: Report) -> dict[str, Any]:
    rules = [_descriptor(rule.meta, rule.documentation()) for rule in RuleSet.default().rules]
    known = {rule["id"] for rule in rules}
    for finding in report.findings:
        if finding.rule not in known:
            known.add(finding.rule)
            rules.append(_finding_descriptor(finding))
    index = {rule["id"]: position for position, rule in enumerate(rules)}
    return {
        "$schema": SCHEMA_URI,
        "version": "2.1.0",
        "runs": [
            {
                "tool": {
                    "driver": {
                        "name": "ratchet",
                        "version": version("ratchet"),
                        "informationUri": INFORMATION_URI,
                        "rules": rules,
                    }
                },
                "invocations": [
                    {
                        "executionSuccessful": True,
                        "toolExecutionNotifications": [_notification(s) for s in files_in_state(report, "skipped")],
                    }
                ],
                "results": _results(report.findings, index),
                "properties": {"verdict": report.verdict, "score": report.score, "budget": report.budget},
            }
        ],
    }


def render_sarif(report: Report) -> str:
    return json.dumps(sarif_log(report), indent=2, ensure_ascii=False) + "\n"
