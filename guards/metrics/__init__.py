"""Code metrics of a change, through a small typed adapter over radon.

`measure` turns radon's results into frozen values keyed by the outline's qualified names;
`complexity` compares the new and changed functions (and each file's maintainability index)
across a change; `limits` holds the configured thresholds; `rule` is the base of the
complexity rules (`guards/rules/complexity_*.py`), which the engine runs on the measurements.
"""

from guards.metrics.complexity import FileComplexity, FunctionChange, SidePair, complexity_metrics, measure_change
from guards.metrics.limits import ComplexityLimits, load_limits
from guards.metrics.measure import FunctionMetrics, function_metrics, maintainability
from guards.metrics.rule import ComplexityRule, run_complexity

__all__ = [
    "ComplexityLimits",
    "ComplexityRule",
    "FileComplexity",
    "FunctionChange",
    "FunctionMetrics",
    "SidePair",
    "complexity_metrics",
    "function_metrics",
    "load_limits",
    "maintainability",
    "measure_change",
    "run_complexity",
]
