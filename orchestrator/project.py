"""Reading a checked project's settings: the one place `[tool.ratchet]` is read from disk."""

from __future__ import annotations

import tomllib
from pathlib import Path

from guards import Config, ConfigError, load_config


def read_config(root: Path) -> Config:
    """`[tool.ratchet]` of `root/pyproject.toml`; defaults when the file or the table is absent."""
    pyproject = root / "pyproject.toml"
    if not pyproject.is_file():
        return Config()
    try:
        document = tomllib.loads(pyproject.read_text(encoding="utf-8"))
    except (tomllib.TOMLDecodeError, UnicodeDecodeError) as exc:
        raise ConfigError(f"{pyproject}: {exc}") from exc
    tool = document["tool"] if "tool" in document else {}
    table = tool["ratchet"] if isinstance(tool, dict) and "ratchet" in tool else {}
    if not isinstance(table, dict):
        raise ConfigError(f"{pyproject}: [tool.ratchet] must be a table")
    return load_config(table)


def cache_dir(root: Path) -> Path:
    """`.ratchet/cache` under `root`; a `.ratchet` without a `.gitignore` gets one of `*`, so
    the cache never shows in `git status`."""
    state = root / ".ratchet"
    state.mkdir(exist_ok=True)
    ignore = state / ".gitignore"
    if not ignore.exists():
        ignore.write_text("*\n", encoding="utf-8")
    return state / "cache"
