"""FB007 import-fallback."""

from __future__ import annotations

import ast
from collections.abc import Iterator

import libcst as cst
import libcst.matchers as m

from guards.findings import Category, Finding, RuleMeta, Severity
from guards.rules.base import Example, ScopeRule
from guards.rules.patterns import IMPORT_STATEMENT, code_of, is_import_fallback, raises_inside, statements
from guards.scope import ScopeDiff, ScopeView, StructuralKey, structural_key


def _fallbacks(view: ScopeView) -> Iterator[tuple[cst.Try, cst.ExceptHandler]]:
    """Each `try` that imports, with a handler of ImportError that does not raise."""
    for handler in view.find(m.ExceptHandler()):
        assert isinstance(handler, cst.ExceptHandler)
        if is_import_fallback(view, handler) and not raises_inside(handler.body):
            yield cst.ensure_type(view.parent(handler), cst.Try), handler


def _guarded_imports(view: ScopeView) -> set[StructuralKey]:
    return {
        structural_key(s) for attempt, _ in _fallbacks(view) for s in statements(attempt.body) if m.matches(s, IMPORT_STATEMENT)
    }


class ImportFallback(ScopeRule):
    """## What it does
    Flags an added `try: import x` with an `except ImportError:` (or `ModuleNotFoundError`)
    handler that does not raise — at module level and inside functions.

    ## Why is this bad?
    A missing dependency is an installation error, and the import is the one place where it can
    be reported clearly. A fallback (`x = None`, a flag, a stub) moves the failure to the first
    use, as an `AttributeError` on `None` or a feature that silently does nothing, and makes the
    module behave differently per machine.

    A handler that imports another module instead (`ujson` → `json`) is flagged too: the program
    now runs on whichever is installed, and nobody learns that the declared one is missing. A
    real version difference is stated as one: `if sys.version_info >= (3, 11): import tomllib`.

    Not flagged: a handler that raises (e.g. `raise MissingDependency("pip install x") from
    exc`), imports chosen by `sys.version_info` or `sys.platform`, and an import that was
    already behind such a fallback before the change.

    ## Example
    ```python
    try:
        import yaml
    except ImportError:
        yaml = None
    ```

    ## Use instead
    ```python
    import yaml  # declared in the project's dependencies
    ```
    """

    ast_triggers = (ast.Try, ast.TryStar)
    fires_on = "added"
    meta = RuleMeta(
        id="FB007",
        name="import-fallback",
        category=Category.FALLBACK,
        severity=Severity.ERROR,
        suggestion="Import the module unconditionally and declare it as a dependency (or an extra that raises a clear error naming it).",
    )
    VALID = (
        Example(
            "import yaml\n",
            "try:\n    import yaml\nexcept ImportError as exc:\n    raise MissingDependency('pip install pyyaml') from exc\n",
        ),
        # A version difference stated as one.
        Example(
            "import tomli as tomllib\n",
            "import sys\nif sys.version_info >= (3, 11):\n    import tomllib\nelse:\n    import tomli as tomllib\n",
        ),
        # The fallback was already there; only a line around it changed.
        Example(
            "try:\n    import yaml\nexcept ImportError:\n    yaml = None\n",
            "try:\n    import yaml\nexcept ImportError:\n    yaml = None\n    HAS_YAML = False\n",
        ),
        # A try around a call, not an import.
        Example("def f(p):\n    return load(p)\n", "def f(p):\n    try:\n        return load(p)\n    except ImportError as exc:\n        raise PluginError(p) from exc\n"),
    )
    INVALID = (
        Example("import ujson as json\n", "try:\n    import ujson as json\nexcept ImportError:\n    import json\n"),
        Example("import yaml\n", "try:\n    import yaml\nexcept ImportError:\n    yaml = None\n"),
        Example(
            "def render(text):\n    import markdown\n    return markdown.markdown(text)\n",
            "def render(text):\n    try:\n        from markdown import markdown\n    except ModuleNotFoundError:\n        return text\n    return markdown(text)\n",
        ),
        Example(
            "import orjson as json\n",
            "try:\n    import orjson as json\nexcept (ImportError, AttributeError):\n    import logging\n    logging.warning('orjson missing')\n    json = None\n",
        ),
    )

    def check(self, scope: ScopeDiff) -> Iterator[Finding]:
        guarded_before = _guarded_imports(scope.before)
        for attempt, handler in _fallbacks(scope.after):
            imports = [s for s in statements(attempt.body) if m.matches(s, IMPORT_STATEMENT)]
            if all(structural_key(s) in guarded_before for s in imports):
                continue
            fallback = "; ".join(code_of(s) for s in statements(handler.body))
            yield scope.finding(
                self.meta,
                handler,
                f"`{code_of(imports[0])}` falls back to `{fallback}` when the module is missing: "
                "the missing dependency now fails later, at first use, far from its cause",
            )
