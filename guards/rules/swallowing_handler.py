"""FB002 swallowing-handler."""

from __future__ import annotations

import ast
from collections.abc import Iterator

import libcst as cst
import libcst.matchers as m

from guards.findings import Category, Finding, RuleMeta, Severity
from guards.rules.base import Example, ScopeRule
from guards.rules.patterns import code_of, is_broad, is_import_fallback, is_quiet, raises_inside, statements
from guards.scope import ScopeDiff


class SwallowingHandler(ScopeRule):
    """## What it does
    Flags an added `except SomeError:` handler whose body only gives up quietly: `pass`,
    `continue`, a log or `print` call, `return` of nothing or of a default (`None`, `[]`, `{}`,
    `""`, `0`, `False`…), or an assignment of such a default.

    ## Why is this bad?
    The error was raised because something the code relies on did not hold. A handler that turns
    it into `None` or an empty list lets the caller carry on with a value that only looks valid;
    the failure reappears later, somewhere else, without its cause. Agents add these handlers to
    make one failing run pass.

    Not flagged: broad handlers (FB001 reports those), ImportError fallbacks around imports
    (FB007), handlers that raise or re-raise, handlers that do real work (return a computed
    value, call a function other than a logger, return an exit code at a CLI boundary), and a
    narrower handler that replaces a broad one the same scope removed — that is an improvement.

    ## Example
    ```python
    def port(config):
        try:
            return int(config["port"])
        except KeyError:
            return None
    ```

    ## Use instead
    ```python
    def port(config: Config) -> int:
        return config.port  # validated when the config was loaded; a missing port fails there
    ```
    """

    ast_triggers = (ast.ExceptHandler,)
    fires_on = "added"
    meta = RuleMeta(
        id="FB002",
        name="swallowing-handler",
        category=Category.FALLBACK,
        severity=Severity.ERROR,
        suggestion="Let the error propagate, or handle it by doing the real work the failure calls for; do not turn it into a default value.",
    )
    VALID = (
        # A narrower handler replacing a broad one: an honest improvement.
        Example(
            "def f(p):\n    try:\n        return parse(p)\n    except Exception:\n        return None\n",
            "def f(p):\n    try:\n        return parse(p)\n    except ValueError:\n        return None\n",
        ),
        # A CLI boundary: the error becomes a message and an exit code, which is real work.
        Example(
            "import sys\ndef main():\n    run(load())\n",
            "import sys\ndef main():\n    try:\n        run(load())\n    except ConfigError as e:\n        print(e, file=sys.stderr)\n        return 2\n",
        ),
        Example(
            "def f(p):\n    return parse(p)\n",
            "def f(p):\n    try:\n        return parse(p)\n    except ValueError as exc:\n        raise LoadError(p) from exc\n",
        ),
        # Computed fallback value, not a default.
        Example(
            "def f(cache, k):\n    return cache[k]\n",
            "def f(cache, k):\n    try:\n        return cache[k]\n    except KeyError:\n        return compute(k)\n",
        ),
    )
    INVALID = (
        Example(
            "def f(config):\n    return int(config['port'])\n",
            "def f(config):\n    try:\n        return int(config['port'])\n    except KeyError:\n        return None\n",
        ),
        Example(
            "def f(items):\n    for item in items:\n        handle(item)\n",
            "def f(items):\n    for item in items:\n        try:\n            handle(item)\n        except (ValueError, TypeError) as exc:\n            logger.warning('skipping %s: %s', item, exc)\n            continue\n",
        ),
        Example(
            "def f(p):\n    rows = read(p)\n    return rows\n",
            "def f(p):\n    try:\n        rows = read(p)\n    except OSError:\n        rows = []\n    return rows\n",
        ),
    )

    def check(self, scope: ScopeDiff) -> Iterator[Finding]:
        # Cheap structural tests first: qualified names cost a metadata pass over the segment.
        quiet = [
            handler
            for handler in scope.added(m.ExceptHandler())
            if is_quiet(cst.ensure_type(handler, cst.ExceptHandler).body) and not raises_inside(handler)
        ]
        swallowing = [h for h in quiet if not is_broad(scope.after, h) and not is_import_fallback(scope.after, h)]
        if not swallowing or self._narrowed(scope):
            return
        for handler in swallowing:
            assert isinstance(handler, cst.ExceptHandler)
            caught = code_of(handler.type) if handler.type is not None else "BaseException"
            body = "; ".join(code_of(s) for s in statements(handler.body))
            yield scope.finding(
                self.meta, handler, f"`except {caught}:` swallows the error: its handler only does `{body}`"
            )

    @staticmethod
    def _narrowed(scope: ScopeDiff) -> bool:
        """The scope removed a broad handler: a narrower one in its place is an improvement."""
        return any(is_broad(scope.before, cst.ensure_type(h, cst.ExceptHandler)) for h in scope.removed(m.ExceptHandler()))
