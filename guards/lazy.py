"""Package attributes imported on first use (PEP 562).

A package's `__init__` re-exports its public names, but importing one light module of the
package (`guards.config`, `guards.sources.git`, `guards.metrics.limits`) runs that `__init__`
first: with eager re-exports, reading a configuration would import libcst, radon and networkx.
`exports` gives the package a module `__getattr__` that imports a name's module when the name
is first read, so `from guards import check` and `guards.RuleSet` keep working.
"""

from __future__ import annotations

import importlib
import sys
from collections.abc import Callable, Mapping


def exports(package: str, modules: Mapping[str, tuple[str, ...]]) -> Callable[[str], object]:
    """The `__getattr__` of `package`, which re-exports `modules` (module name → its names)."""
    where = {name: module for module, names in modules.items() for name in names}

    def __getattr__(name: str) -> object:
        if name not in where:
            raise AttributeError(f"module {package!r} has no attribute {name!r}")
        value = getattr(importlib.import_module(where[name]), name)
        # Bound on the package, so the next read is a plain attribute lookup.
        setattr(sys.modules[package], name, value)
        return value

    return __getattr__
