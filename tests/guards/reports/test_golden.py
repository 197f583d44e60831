"""Text, Markdown and feedback renderings pinned by golden files.

After an intended change of a rendering, regenerate with
`RATCHET_UPDATE_GOLDEN=1 .venv/bin/pytest tests/guards/reports/test_golden.py` and review the diff.
"""

from __future__ import annotations

import os
from pathlib import Path

import pytest

from guards.reports import Format, renderer
from tests.guards.reports.cases import REPORTS

GOLDEN = Path(__file__).parent / "golden"
SUFFIX: dict[Format, str] = {"text": "txt", "markdown": "md", "feedback": "feedback.txt"}


@pytest.mark.parametrize("case", sorted(REPORTS))
@pytest.mark.parametrize("format", sorted(SUFFIX))
def test_rendering_matches_golden_file(case: str, format: Format) -> None:
    rendered = renderer(format)(REPORTS[case])
    golden = GOLDEN / f"{case}.{SUFFIX[format]}"
    if os.environ.get("RATCHET_UPDATE_GOLDEN") == "1":
        golden.write_text(rendered, encoding="utf-8")
    assert rendered == golden.read_text(encoding="utf-8")
