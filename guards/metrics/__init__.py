"""Code metrics of a change, through a small typed adapter over radon.

`measure` turns radon's results into frozen values keyed by the outline's qualified names;
`complexity` compares the new and changed functions (and each file's maintainability index)
across a change; `limits` holds the configured thresholds; `rule` is the base of the
complexity rules (`guards/rules/complexity_*.py`), which the engine runs on the measurements.

The names are imported on first use (`guards.lazy`): `guards.config` reads only `limits`, and
must not import radon and the rules.
"""

from guards import lazy

__getattr__ = lazy.exports(
    __name__,
    {
        "guards.metrics.complexity": ("Arrival", "FileComplexity", "FunctionChange", "SidePair", "complexity_metrics", "measure_file"),
        "guards.metrics.limits": ("ComplexityLimits", "load_limits"),
        "guards.metrics.measure": ("FunctionMetrics", "function_metrics", "maintainability"),
        "guards.metrics.rule": ("ComplexityRule", "complexity_rules", "run_complexity"),
    },
)

__all__ = [
    "Arrival",
    "ComplexityLimits",
    "ComplexityRule",
    "FileComplexity",
    "FunctionChange",
    "FunctionMetrics",
    "SidePair",
    "complexity_metrics",
    "complexity_rules",
    "function_metrics",
    "load_limits",
    "maintainability",
    "measure_file",
    "run_complexity",
]
