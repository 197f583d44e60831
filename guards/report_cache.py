"""Whole reports cached on disk, keyed by everything a check reads.

A check is a pure function of the change (every file's path and bytes on both sides), the after
tree around it (every Python file's content id: duplication and the call graph look there), the
configuration, the rules (which classes, from which source) and the guard's own code. The key is
a digest of all of it, so a hit is exactly the report the check would compute: the same change
checked again (a hook after the agent's stop, then pre-commit, then CI) costs reading and hashing.
Any difference, one byte of one file, is a miss and a full check.

The newest `KEEP` reports are kept under `reports/` in the cache directory, as JSON. A file that
does not load (it is only ever written whole, by `os.replace`) is deleted and counts as a miss.
"""

from __future__ import annotations

import dataclasses
import functools
import hashlib
import inspect
import os
import json
from types import MappingProxyType
from typing import Any
from pathlib import Path

from guards.change import Change
from guards.config import Config
from guards.duplication.keys import content_ids
from guards.registry import RuleSet
from guards.findings import Category, Finding, Severity
from guards.report import FileStatus, Report
from guards.tree import SourceTree

KEEP = 32
_FORMAT = b"ratchet-report-v1"


@functools.cache
def _code_digest(files: tuple[Path, ...]) -> bytes:
    digest = hashlib.blake2b(digest_size=16)
    for file in files:
        digest.update(str(file).encode() + b"\0" + file.read_bytes())
    return digest.digest()


def _code(rules: RuleSet) -> bytes:
    """The guard's own sources and every rule's module (plugins included)."""
    package = Path(__file__).parent
    modules = {Path(inspect.getfile(type(rule))) for rule in rules.rules}
    return _code_digest(tuple(sorted({*package.rglob("*.py"), *modules})))


def _framed(part: str | bytes | None) -> bytes:
    """One part of a file pair, tagged and length-prefixed so that no two pairs frame alike."""
    if part is None:
        return b"n"
    data = part.encode() if isinstance(part, str) else hashlib.blake2b(part, digest_size=16).digest()
    tag = b"s" if isinstance(part, str) else b"b"
    return tag + len(data).to_bytes(8, "big") + data


def report_key(change: Change, config: Config, rules: RuleSet, tree: SourceTree) -> str:
    digest = hashlib.blake2b(_FORMAT, digest_size=20)
    digest.update(_code(rules))
    digest.update(repr(config).encode())
    digest.update(repr(sorted(rule.meta.id for rule in rules.rules)).encode())
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
