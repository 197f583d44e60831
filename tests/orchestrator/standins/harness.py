"""The stand-in agents on PATH for a test: copied to tmp_path with this interpreter in their shebang
(so they start fast and need no `python3` on PATH), each call recorded in a log the test reads."""

from __future__ import annotations

import json
import os
import shutil
import sys
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pytest

STANDINS = Path(__file__).resolve().parent
EXECUTABLES = ("claude", "codex", "aider", "agent")


@dataclass(frozen=True, slots=True)
class Standins:
    bin: Path
    log: Path
    monkeypatch: pytest.MonkeyPatch

    def calls(self) -> list[dict[str, Any]]:
        return [json.loads(line) for line in self.log.read_text(encoding="utf-8").splitlines()] if self.log.exists() else []

    def edits(self, tool: str, files: dict[str, str]) -> None:
        """Every later call of `tool` writes `files` into its working directory."""
        spec = self.log.with_name(f"{tool}-files.json")
        spec.write_text(json.dumps(files), encoding="utf-8")
        self.monkeypatch.setenv(f"STANDIN_FILES_{tool.upper()}", str(spec))


@pytest.fixture
def standins(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Standins:
    bin_dir = tmp_path / "standin-bin"
    bin_dir.mkdir()
    shutil.copy(STANDINS / "_standin.py", bin_dir / "_standin.py")
    for name in EXECUTABLES:
        text = (STANDINS / name).read_text(encoding="utf-8")
        _, body = text.split("\n", 1)
        target = bin_dir / name
        target.write_text(f"#!{sys.executable}\n{body}", encoding="utf-8")
        target.chmod(0o755)
    monkeypatch.setenv("PATH", f"{bin_dir}{os.pathsep}{os.environ['PATH']}")
    log = tmp_path / "standin-calls.jsonl"
    monkeypatch.setenv("STANDIN_LOG", str(log))
    for variable in ("STANDIN_SLEEP", "STANDIN_OUTCOME", "RATCHET_WORKER_ENV", "RATCHET_WORKER_TIMEOUT"):
        monkeypatch.delenv(variable, raising=False)
    return Standins(bin_dir, log, monkeypatch)
