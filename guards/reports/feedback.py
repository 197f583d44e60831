"""Placeholder until the feedback renderer lands."""

from guards.report import Report
from guards.reports.json_report import render_json


def render_feedback(report: Report) -> str:
    return render_json(report)
