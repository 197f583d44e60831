"""The guard's answer: a verdict, its score, the findings, what happened to each file, and metrics."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from types import MappingProxyType
from typing import Literal

from guards.config import Config
from guards.findings import Finding, Severity

Verdict = Literal["accept", "reject"]
FileState = Literal["analysed", "deleted", "skipped"]
SCHEMA_VERSION = 1


@dataclass(frozen=True, slots=True)
class FileStatus:
    """One file of the change; `reason` says why a skipped file was not analysed."""

    path: str
    state: FileState
    added_lines: int
    removed_lines: int
    reason: str = ""

    def __post_init__(self) -> None:
        if (self.state == "skipped") != bool(self.reason):
            raise ValueError(f"{self.path}: a skipped file needs a reason, and only a skipped file has one")


@dataclass(frozen=True, slots=True)
class Report:
    verdict: Verdict
    score: float
    budget: float
    findings: tuple[Finding, ...]
    files: tuple[FileStatus, ...]
    metrics: Mapping[str, object] = field(default_factory=lambda: MappingProxyType({}))

    @property
    def added_lines(self) -> int:
        return sum(f.added_lines for f in self.files)

    @property
    def is_empty(self) -> bool:
        return not self.files


def score(findings: tuple[Finding, ...], added_lines: int, config: Config) -> float:
    """Weighted findings per 100 added lines; a change under 100 added lines counts as 100."""
    points = sum(config.weights[f.severity] for f in findings)
    return round(points * 100 / max(added_lines, 100), 2)


def judge(
    findings: tuple[Finding, ...], files: tuple[FileStatus, ...], metrics: Mapping[str, object], config: Config
) -> Report:
    """Reject on any error, or when the score exceeds the budget."""
    value = score(findings, sum(f.added_lines for f in files), config)
    has_error = any(f.severity == Severity.ERROR for f in findings)
    verdict: Verdict = "reject" if has_error or value > config.budget else "accept"
    return Report(verdict, value, config.budget, findings, files, MappingProxyType(dict(metrics)))
