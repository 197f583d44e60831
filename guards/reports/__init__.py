"""Renderings of a report: text for people, JSON for machines, SARIF, Markdown, agent feedback."""

from __future__ import annotations

from collections.abc import Callable
from typing import Literal

from guards.report import Report
from guards.reports.json_report import render_json

Format = Literal["text", "json", "sarif", "markdown", "feedback"]


def renderer(format: Format) -> Callable[[Report], str]:
    from guards.reports.feedback import render_feedback
    from guards.reports.markdown import render_markdown
    from guards.reports.sarif import render_sarif
    from guards.reports.text import render_text

    return {
        "text": render_text,
        "json": render_json,
        "sarif": render_sarif,
        "markdown": render_markdown,
        "feedback": render_feedback,
    }[format]


__all__ = ["Format", "render_json", "renderer"]
