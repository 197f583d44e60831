"""Placeholder until the text renderer lands."""

from guards.report import Report
from guards.reports.json_report import render_json


def render_text(report: Report) -> str:
    return render_json(report)
