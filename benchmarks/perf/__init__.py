"""The guard's speed against its peers on a real change: Django 5.1.0 → 5.2.0 (see `__main__`).

Not a timed test: a benchmark whose Markdown table is committed under `benchmarks/results/`.
Every measured command runs as a child process, so wall time and peak memory are the child's own.
"""
