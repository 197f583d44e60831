"""Placeholder until the sarif renderer lands."""

from guards.report import Report
from guards.reports.json_report import render_json


def render_sarif(report: Report) -> str:
    return render_json(report)
