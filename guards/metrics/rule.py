"""`ComplexityRule`: a rule that judges one file's measured complexity (see `guards.metrics`).

A fourth kind next to scope, file and composite rules: the engine measures the changed files
once and hands every complexity rule the same `FileComplexity`, with the configured limits.
Most of them judge one function at a time: they derive from `FunctionRule` and only say what
is wrong with a function (`judge`); `complexity_meta` fills in what all of them share.
"""

from __future__ import annotations

from abc import abstractmethod
from collections.abc import Iterator, Sequence

from guards.findings import Category, Finding, RuleMeta, Severity
from guards.metrics.complexity import FileComplexity, FunctionChange, complexity_metrics
from guards.metrics.limits import ComplexityLimits
from guards.outline import MODULE_SCOPE
from guards.rules.base import Rule


class ComplexityRule(Rule):
    @abstractmethod
    def check(self, file: FileComplexity, limits: ComplexityLimits) -> Iterator[Finding]: ...

    def at_function(self, file: FileComplexity, function: FunctionChange, message: str) -> Finding:
        return self._finding(file.path, function.line, function.line, message, function.qualname)

    def at_file(self, file: FileComplexity, message: str) -> Finding:
        return self._finding(file.path, 1, 1, message, MODULE_SCOPE)

    def _finding(self, path: str, line: int, end_line: int, message: str, scope: str) -> Finding:
        return self.meta.finding(path, line, end_line, message, scope)


class FunctionRule(ComplexityRule):
    """A complexity rule that judges each measured function of a file on its own."""

    def check(self, file: FileComplexity, limits: ComplexityLimits) -> Iterator[Finding]:
        for function in file.functions:
            for message in self.judge(function, limits):
                yield self.at_function(file, function, message)

    @abstractmethod
    def judge(self, function: FunctionChange, limits: ComplexityLimits) -> Iterator[str]:
        """The message for `function` if it breaks the rule; at most one."""


def complexity_meta(id: str, name: str, suggestion: str, severity: Severity = Severity.WARNING) -> RuleMeta:
    """The `RuleMeta` of a complexity rule: warnings unless the rule only informs."""
    return RuleMeta(id=id, name=name, category=Category.COMPLEXITY, severity=severity, suggestion=suggestion)


def complexity_rules(rules: Sequence[Rule]) -> list[ComplexityRule]:
    """The complexity rules among `rules`: when there are none, nothing is measured."""
    return [rule for rule in rules if isinstance(rule, ComplexityRule)]


def run_complexity(
    measured: Sequence[FileComplexity], rules: Sequence[ComplexityRule], limits: ComplexityLimits
) -> tuple[list[Finding], dict[str, object]]:
    """The complexity `rules` on the files `measured`, and the metrics for the report (files in
    path order)."""
    if not rules:
        return [], {}
    files = sorted(measured, key=lambda file: file.path)
    findings = [finding for file in files for rule in rules for finding in rule.check(file, limits)]
    return findings, complexity_metrics(files)
