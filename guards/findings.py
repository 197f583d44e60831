"""Value objects of a verdict: severities, categories, rule metadata and findings."""

from __future__ import annotations

import enum
import re
from dataclasses import dataclass


class Severity(enum.StrEnum):
    ERROR = "error"
    WARNING = "warning"
    INFO = "info"


class Category(enum.StrEnum):
    """The fixed set of things a change can do wrong (see the design's rule table)."""

    FALLBACK = "fallback"
    GUARD = "guard"
    INVARIANT = "invariant"
    TEST = "test"
    SUPPRESSION = "suppression"
    DUPLICATION = "duplication"
    COMPLEXITY = "complexity"
    PARSE = "parse"
    TRADE = "trade"


_RULE_ID = re.compile(r"[A-Z]{2}\d{3}")
_RULE_NAME = re.compile(r"[a-z]+(-[a-z]+)*")


@dataclass(frozen=True, slots=True)
class RuleMeta:
    """What identifies a rule: a stable id (`FB001`), a kebab-case name, a category, a severity."""

    id: str
    name: str
    category: Category
    severity: Severity
    suggestion: str

    def __post_init__(self) -> None:
        if not _RULE_ID.fullmatch(self.id):
            raise ValueError(f"rule id {self.id!r} is not two capitals and three digits")
        if not _RULE_NAME.fullmatch(self.name):
            raise ValueError(f"rule name {self.name!r} is not kebab-case")
        if not self.suggestion:
            raise ValueError(f"rule {self.id} has no suggestion")

    def finding(
        self, path: str, line: int, end_line: int, message: str, scope: str, severity: Severity | None = None
    ) -> Finding:
        """A finding of this rule; `severity` only where one finding weighs differently from the rule."""
        return Finding(
            rule=self.id,
            name=self.name,
            category=self.category,
            severity=self.severity if severity is None else severity,
            path=path,
            line=line,
            end_line=end_line,
            message=message,
            suggestion=self.suggestion,
            scope=scope,
        )


@dataclass(frozen=True, slots=True)
class Finding:
    """One thing a change did, located in the new file (1-based lines)."""

    rule: str
    name: str
    category: Category
    severity: Severity
    path: str
    line: int
    end_line: int
    message: str
    suggestion: str
    scope: str

    def __post_init__(self) -> None:
        if self.line < 1 or self.end_line < self.line:
            raise ValueError(f"bad span {self.line}-{self.end_line} for {self.rule} in {self.path}")
        if "\\" in self.path or self.path.startswith("/"):
            raise ValueError(f"finding path {self.path!r} is not repo-relative with forward slashes")
