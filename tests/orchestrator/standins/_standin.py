"""What the stand-in agents share: they record each call and edit the worktree as told.

Environment (set by the tests; none of these names looks like a secret, so the sandbox passes them):
- STANDIN_LOG: a JSONL file; each call appends its tool, argv, stdin, cwd and the credential
  variable names it could see.
- STANDIN_FILES_<TOOL>: a JSON file {relative path: content} written into the working directory.
- STANDIN_SLEEP: seconds to wait after the first output (for time-outs).
- STANDIN_OUTCOME: a tool-specific outcome ("success" when absent).
"""

from __future__ import annotations

import json
import os
import sys
import time
from pathlib import Path


def record(tool: str) -> str:
    """Records the call, writes the files, and returns the outcome to play."""
    stdin = "" if sys.stdin.isatty() else sys.stdin.read()
    entry = {
        "tool": tool,
        "argv": sys.argv[1:],
        "stdin": stdin,
        "cwd": os.getcwd(),
        "credentials": sorted(name for name in os.environ if name.endswith("_API_KEY")),
    }
    with open(os.environ["STANDIN_LOG"], "a", encoding="utf-8") as log:
        log.write(json.dumps(entry) + "\n")
    files_variable = f"STANDIN_FILES_{tool.upper()}"
    if files_variable in os.environ:
        files = json.loads(Path(os.environ[files_variable]).read_text(encoding="utf-8"))
        for path, content in files.items():
            target = Path(path)
            target.parent.mkdir(parents=True, exist_ok=True)
            target.write_text(content, encoding="utf-8")
    return os.environ["STANDIN_OUTCOME"] if "STANDIN_OUTCOME" in os.environ else "success"


def pause() -> None:
    if "STANDIN_SLEEP" in os.environ:
        time.sleep(float(os.environ["STANDIN_SLEEP"]))


def option(name: str) -> str:
    """The value after `name` in argv ("" when absent)."""
    argv = sys.argv[1:]
    return argv[argv.index(name) + 1] if name in argv else ""


def emit(line: str) -> None:
    sys.stdout.write(line + "\n")
    sys.stdout.flush()
