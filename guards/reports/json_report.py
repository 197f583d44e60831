"""The JSON report (schema in the README, `schema_version` bumped on any incompatible change)."""

from __future__ import annotations

import json
from typing import Any

from guards.findings import Finding
from guards.report import SCHEMA_VERSION, Report


def finding_dict(finding: Finding) -> dict[str, Any]:
    return {
        "rule": finding.rule,
        "name": finding.name,
        "category": finding.category.value,
        "severity": finding.severity.value,
        "path": finding.path,
        "line": finding.line,
        "end_line": finding.end_line,
        "message": finding.message,
        "suggestion": finding.suggestion,
    }


def report_dict(report: Report) -> dict[str, Any]:
    return {
        "schema_version": SCHEMA_VERSION,
        "verdict": report.verdict,
        "score": report.score,
        "budget": report.budget,
        "findings": [finding_dict(f) for f in report.findings],
        "files": [
            {"path": f.path, "state": f.state, "added_lines": f.added_lines, "removed_lines": f.removed_lines, "reason": f.reason}
            for f in report.files
        ],
        "metrics": dict(report.metrics),
    }


def render_json(report: Report) -> str:
    return json.dumps(report_dict(report), indent=2) + "\n"
