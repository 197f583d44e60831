"""Whole reports cached on disk, keyed by everything a check reads.

A check is a pure function of the change (every file's path and bytes on both sides), the after
tree around it (every Python file's content id: duplication and the call graph look there), the
configuration, the rules (which classes, from which source) and the guard's own code. The key is
a digest of all of it, so a hit is exactly the report the check would compute: the same change
checked again (a hook after the agent's stop, then pre-commit, then CI) costs reading and hashing.
Any difference, one byte of one file, is a miss and a full check.

The rules enter the key as the rule set's sources (`RuleSet.sources`), not as loaded rules: the
built-in ones follow from the guard's sources, a plugin is its entry point and its module's file
(found without running it). So a hit imports no rule, nor the libcst, radon and networkx behind
them: `guards.engine` imports the analysis only on a miss.

The newest `KEEP` reports are kept under `reports/` in the cache directory, as JSON. A file that
does not load (it is only ever written whole, by `os.replace`) is deleted and counts as a miss.
"""

from __future__ import annotations

import dataclasses
import functools
import hashlib
import importlib.util
import inspect
import os
import json
from importlib.metadata import EntryPoint
from types import MappingProxyType
from typing import Any
from pathlib import Path

from guards.change import Change
from guards.config import Config
from guards.duplication.keys import content_ids
from guards.errors import ConfigError
from guards.registry import Builtin, RuleSet
from guards.findings import Category, Finding, Severity
from guards.report import FileStatus, Report
from guards.tree import SourceTree

KEEP = 32
_FORMAT = b"ratchet-report-v1"
_PACKAGE = Path(__file__).parent


@functools.cache
def _guard_digest() -> bytes:
    """The guard's own sources, read once per process."""
    digest = hashlib.blake2b(digest_size=16)
    for file in sorted(_PACKAGE.rglob("*.py")):
        digest.update(str(file).encode() + b"\0" + file.read_bytes())
    return digest.digest()


def _plugin_module(entry_point: EntryPoint) -> set[Path]:
    """The file of the plugin's module, found without running it; raises `ConfigError` when there is none to load."""
    try:
        spec = importlib.util.find_spec(entry_point.module)
    except ImportError as exc:
        raise ConfigError(f"plugin {entry_point.name} = {entry_point.value!r} cannot be loaded: {exc}") from exc
    if spec is None:
        raise ConfigError(f"plugin {entry_point.name} = {entry_point.value!r} cannot be loaded: no module {entry_point.module}")
    return {Path(str(spec.origin))} if spec.has_location else set()


def _rules(rules: RuleSet) -> tuple[list[str], set[Path]]:
    """What names each of the rule set's sources, and the files they come from besides the guard's
    own, read without importing a rule: the built-in rules follow from the guard's sources."""
    names: list[str] = []
    files: set[Path] = set()
    for source in rules.sources:
        if isinstance(source, Builtin):
            names.append(source.value)
        elif isinstance(source, EntryPoint):
            names.append(f"plugin {source.name} = {source.value}")
            files |= _plugin_module(source)
        else:
            names.append(source.meta.id)
            files.add(Path(inspect.getfile(type(source))))
    return names, files


def _code(files: set[Path]) -> bytes:
    """The guard's own sources and the rule modules outside it, which are read on every check: a
    plugin may be edited while a long-lived process (the loop) keeps checking."""
    digest = hashlib.blake2b(_guard_digest(), digest_size=16)
    for file in sorted(file for file in files if not file.is_relative_to(_PACKAGE)):
        digest.update(str(file).encode() + b"\0" + file.read_bytes())
    return digest.digest()


def _framed(part: str | bytes | None) -> bytes:
    """One part of a file pair, tagged and length-prefixed so that no two pairs frame alike."""
    if part is None:
        return b"n"
    data = part.encode() if isinstance(part, str) else hashlib.blake2b(part, digest_size=16).digest()
    tag = b"s" if isinstance(part, str) else b"b"
    return tag + len(data).to_bytes(8, "big") + data


def report_key(change: Change, config: Config, rules: RuleSet, tree: SourceTree) -> str:
    names, files = _rules(rules)
    digest = hashlib.blake2b(_FORMAT, digest_size=20)
    digest.update(_code(files))
    digest.update(repr(config).encode())
    digest.update(repr(names).encode())
    for pair in change.files:
        for part in (pair.path, pair.old_path, pair.before, pair.after):
            digest.update(_framed(part))
    ids, _ = content_ids(tree, sorted(tree.python_paths()))
    digest.update(repr(sorted(ids.items())).encode())
    return digest.hexdigest()


def _entry(cache_dir: Path, key: str) -> Path:
    return cache_dir / "reports" / f"{key}.json"


def _finding_row(finding: Finding) -> list[object]:
    return [getattr(finding, field.name) for field in dataclasses.fields(Finding)]


def _to_data(report: Report) -> dict[str, Any]:
    return {
        "verdict": report.verdict,
        "score": report.score,
        "budget": report.budget,
        "findings": [_finding_row(finding) for finding in report.findings],
        "files": [dataclasses.astuple(status) for status in report.files],
        "metrics": dict(report.metrics),
    }


def _from_data(data: dict[str, Any]) -> Report:
    findings = []
    for rule, name, category, severity, *rest in data["findings"]:
        findings.append(Finding(rule, name, Category(category), Severity(severity), *rest))
    files = tuple(FileStatus(*row) for row in data["files"])
    metrics = MappingProxyType({**data["metrics"], "cached": True})
    return Report(data["verdict"], data["score"], data["budget"], tuple(findings), files, metrics)


def load(cache_dir: Path, key: str) -> Report | None:
    """The cached report, or `None` on a miss."""
    entry = _entry(cache_dir, key)
    if not entry.is_file():
        return None
    try:
        return _from_data(json.loads(entry.read_bytes()))
    except (ValueError, TypeError, KeyError):
        entry.unlink(missing_ok=True)
        return None


def store(cache_dir: Path, key: str, report: Report) -> None:
    entry = _entry(cache_dir, key)
    entry.parent.mkdir(parents=True, exist_ok=True)
    partial = entry.with_name(f"{entry.name}.{os.getpid()}.tmp")
    partial.write_text(json.dumps(_to_data(report), separators=(",", ":")))
    os.replace(partial, entry)
    older = sorted(entry.parent.glob("*.json"), key=lambda path: path.stat().st_mtime, reverse=True)[KEEP:]
    for stale in older:
        stale.unlink(missing_ok=True)
