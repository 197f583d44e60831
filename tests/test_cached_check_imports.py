"""A check answered from the report cache imports none of the analysis' libraries.

`ratchet check` runs for every hook, pre-commit and CI step; when the report is cached its cost is
reading the change and the interpreter's imports, so libcst (a quarter of a second), radon,
networkx and the loop's libraries must stay out of that path. Real processes: only a fresh
interpreter shows what an import pulls in.
"""

from __future__ import annotations

import json
import subprocess
import sys
from collections.abc import Callable
from pathlib import Path

import pytest

from tests.conftest import GitRepo

HEAVY = ("libcst", "radon", "networkx", "langgraph", "anthropic")
# Prints the heavy top-level packages imported by the time the process ends, whatever the exit code.
PROBE = f"""
import sys
HEAVY = {HEAVY!r}
try:
    exec(sys.argv[1])
finally:
    sys.stderr.write("\\nheavy=" + ",".join(sorted({{m.split(".")[0] for m in sys.modules}} & set(HEAVY))) + "\\n")
"""
CHECK = "from orchestrator.cli import app; app(['check', '--format', 'json'])"


def _probe(code: str, cwd: Path) -> tuple[subprocess.CompletedProcess[str], list[str]]:
    done = subprocess.run([sys.executable, "-c", PROBE, code], cwd=cwd, capture_output=True, text=True, timeout=60, check=False)
    heavy = done.stderr.rsplit("heavy=", 1)[1].strip()
    return done, heavy.split(",") if heavy else []


@pytest.mark.parametrize(
    "module",
    ["guards", "guards.config", "guards.change", "guards.sources.git", "guards.registry", "guards.report_cache", "guards.reports", "orchestrator.cli"],
)
def test_light_modules_import_no_heavy_library(module: str, tmp_path: Path) -> None:
    _, heavy = _probe(f"import {module}", tmp_path)
    assert heavy == []


def test_a_cached_check_imports_no_heavy_library(git_repo: Callable[..., GitRepo]) -> None:
    repo = git_repo({"app/io.py": "def load(path):\n    return open(path).read()\n", "app/other.py": "def other():\n    return 1\n"})
    repo.write({"app/io.py": "def load(path):\n    try:\n        return open(path).read()\n    except Exception:\n        return ''\n"})
    runs = [_probe(CHECK, repo.root) for _ in range(2)]
    reports = [json.loads(done.stdout) for done, _ in runs]
    assert [done.returncode for done, _ in runs] == [1, 1]
    assert ["cached" in report["metrics"] for report in reports] == [False, True]
    assert reports[1]["findings"] == reports[0]["findings"]
    # The first run computed the report, so the probe does see the analysis' imports.
    assert {"libcst", "radon"} <= set(runs[0][1])
    assert runs[1][1] == []
