"""The results as a Markdown report: timings, ratios, targets (from issue 3), robustness."""

from __future__ import annotations

import os
import platform
import statistics

from benchmarks.perf.measure import Timing
from benchmarks.perf.suite import RUFF_RULES, Results

MEMORY_LIMIT_MB = 1024.0
ONE_FILE_LIMIT_S = 0.5


def _row(label: str, timing: Timing, radon: Timing | None) -> str:
    ratio = f"{timing.median / radon.median:.2f}×" if radon is not None else "n/a"
    return f"| {label} | {timing.runs} | {timing.median:.2f} | {timing.cpu_median:.2f} | {ratio} | {timing.max_rss_mb:.0f} |"


def _target(label: str, measured: str, met: bool) -> str:
    return f"| {label} | {measured} | {'yes' if met else '**no**'} |"


def _targets(results: Results) -> list[str]:
    radon, pylint = results.peers["radon"], results.peers["pylint"]
    cold, warm = results.guard_cold, results.guard_warm
    rows = ["| Target | Measured | Met |", "|---|---|---|"]
    if pylint is not None:
        rows.append(_target("full guard ≥ 10× faster than pylint duplicate-code (cold)", f"{pylint.median / cold.median:.1f}×", pylint.median >= 10 * cold.median))
    else:
        rows.append("| full guard ≥ 10× faster than pylint duplicate-code | pylint not installed | n/a |")
    if radon is not None:
        rows.append(_target("cold cache ≤ 2× `radon cc`", f"{cold.median / radon.median:.2f}×", cold.median <= 2 * radon.median))
        rows.append(_target("warm cache ≤ 0.5× `radon cc`", f"{warm.median / radon.median:.2f}×", warm.median <= 0.5 * radon.median))
    peak = max(t.max_rss_mb for t in (cold, warm, results.guard_reanalysed, results.one_file_cold, results.one_file_warm))
    rows.append(_target("peak memory ≤ 1 GB", f"{peak:.0f} MB", peak <= MEMORY_LIMIT_MB))
    one = results.one_file_warm.median
    rows.append(_target("one-file change, warm cache, < 0.5 s", f"{one:.2f} s (cold {results.one_file_cold.median:.2f} s)", one < ONE_FILE_LIMIT_S))
    return rows


def _drift(results: Results) -> list[str]:
    """The cold check's ratio to `radon cc` in each round: how far the machine's drift moves it."""
    radon = results.peers["radon"]
    if radon is None:
        return []
    ratios = sorted(results.guard_cold.per_round(radon))
    return [
        "",
        f"Cold check ÷ `radon cc` within each round (both run minutes apart): median {statistics.median(ratios):.2f}×, "
        f"from {ratios[0]:.2f}× to {ratios[-1]:.2f}× over {len(ratios)} rounds.",
    ]


def render(results: Results) -> str:
    corpus, radon = results.corpus, results.peers["radon"]
    robust = results.robustness
    lines = [
        "# Guard speed: Django 5.1.0 → 5.2.0",
        "",
        f"{len(corpus.changed)} changed Python files on the after side ({len(corpus.deleted)} deleted); "
        f"{os.cpu_count()} CPUs, {platform.platform()}; "
        + ", ".join(f"{name} {version}" for name, version in results.versions.items())
        + f"; load average {results.load[0]:.1f} before, {results.load[1]:.1f} after. The commands run round by "
        "round (each once per round), so that a change in the machine's load shifts them alike. Wall and CPU (user + system) "
        "time of each command as a child process (with its worker processes); peak memory is the largest "
        "`ru_maxrss` among them (forked workers share most of their pages with the parent).",
        "",
        "| Command | Runs | Median wall s | Median CPU s | Wall vs `radon cc` | Peak MB |",
        "|---|---|---|---|---|---|",
        _row("`ratchet check`, cold cache (whole diff)", results.guard_cold, radon),
        _row("`ratchet check`, warm cache (whole diff; the report cache answers)", results.guard_warm, radon),
        _row("`ratchet check`, warm indexes, report recomputed (whole diff)", results.guard_reanalysed, radon),
    ]
    labels = {
        "radon": "`radon cc -s` (after side of the changed files)",
        "ruff": f"`ruff check --select {RUFF_RULES}` (same files)",
        "pylint": "`pylint --disable=all --enable=duplicate-code` (same files)",
    }
    for name, timing in results.peers.items():
        lines.append(_row(labels[name], timing, radon) if timing is not None else f"| {labels[name]} | – | not installed | | | |")
    lines += [
        _row("`ratchet check`, one-file change in the 5.2 tree, cold cache", results.one_file_cold, radon),
        _row("`ratchet check`, one-file change in the 5.2 tree, warm cache", results.one_file_warm, radon),
        *_drift(results),
        "",
        "## Targets (issue 3)",
        "",
        *_targets(results),
        "",
        "## Robustness (last cold run over the whole diff)",
        "",
        f"Verdict {robust.verdict}; files: " + ", ".join(f"{state} {n}" for state, n in sorted(robust.files.items())) + ".",
        "Findings by category: " + (", ".join(f"{c} {n}" for c, n in sorted(robust.categories.items())) or "none") + ".",
        "",
    ]
    lines += [f"- skipped `{path}`: {reason}" for path, reason in robust.skipped] or ["No file skipped."]
    return "\n".join(lines) + "\n"
