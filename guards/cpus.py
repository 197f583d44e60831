"""How many processes a check runs its parallel work in."""

from __future__ import annotations

import os
import sys

# Each worker holds the syntax trees of its share of the files; past this many, memory grows
# faster than the check speeds up.
MAX_WORKERS = 8


def usable_cpus() -> int:
    """The CPUs this process may run on: its affinity on Linux (a container's or `taskset`'s
    limit), the machine's count elsewhere; `os.cpu_count` is `None` when it cannot tell."""
    if sys.platform == "linux":
        return len(os.sched_getaffinity(0))
    count = os.cpu_count()
    return 1 if count is None else count


def worker_count() -> int:
    """Parallel processes for a large check: one per usable CPU, up to `MAX_WORKERS`."""
    return min(usable_cpus(), MAX_WORKERS)
