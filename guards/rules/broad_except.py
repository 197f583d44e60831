"""FB001 broad-except."""

from __future__ import annotations

import ast
from collections.abc import Iterator

import libcst as cst
import libcst.matchers as m

from guards.findings import Category, Finding, RuleMeta, Severity
from guards.rules.base import Example, ScopeRule
from guards.rules.patterns import exits_inside, is_broad, raises_inside
from guards.scope import ScopeDiff


class BroadExcept(ScopeRule):
    """## What it does
    Flags an added `except:`, `except Exception:` or `except BaseException:` whose handler does
    not raise.

    ## Why is this bad?
    A broad handler catches every bug along with the failure it was written for: a typo, a
    `KeyError` from a broken invariant, a `KeyboardInterrupt`. The program carries on in a state
    nobody designed, and the next failure appears far from its cause. Agents add these to make
    one failing test pass; the loop then hides every later regression too.

    Not flagged: a broad handler that raises (translation with `raise ... from exc`, cleanup and
    re-raise) or ends the process (`sys.exit`: a program's outermost boundary turning a crash into
    an exit status), and handlers the change did not add.

    ## Example
    ```python
    def load(path):
        try:
            return parse(path.read_text())
        except Exception:
            return None
    ```

    ## Use instead
    ```python
    def load(path):
        return parse(path.read_text())  # let the error reach the boundary that can handle it
    ```
    """

    ast_triggers = (ast.ExceptHandler,)
    fires_on = "added"
    meta = RuleMeta(
        id="FB001",
        name="broad-except",
        category=Category.FALLBACK,
        severity=Severity.ERROR,
        suggestion="Catch only the specific exception you can handle here, or let it propagate to the boundary that reports it.",
    )
    VALID = (
        Example("def f(p):\n    return parse(p)\n", "def f(p):\n    try:\n        return parse(p)\n    except Exception as exc:\n        raise LoadError(p) from exc\n"),
        Example("def f(p):\n    return parse(p)\n", "def f(p):\n    try:\n        return parse(p)\n    except ValueError:\n        raise\n"),
        Example(
            "def f(p):\n    try:\n        return parse(p)\n    except Exception:\n        return None\n",
            "def f(p):\n    try:\n        return parse(p)\n    except Exception:  # unchanged, only reformatted\n\n        return None\n",
        ),
        Example(
            "def main():\n    app()\n",
            "import sys\nimport traceback\ndef main():\n    try:\n        app()\n    except Exception:\n        traceback.print_exc()\n        sys.exit(3)\n",
        ),
    )
    INVALID = (
        Example("def f(p):\n    return parse(p)\n", "def f(p):\n    try:\n        return parse(p)\n    except Exception:\n        return None\n"),
        Example("def f(p):\n    return parse(p)\n", "def f(p):\n    try:\n        return parse(p)\n    except:\n        pass\n"),
        Example("import builtins\ndef f(p):\n    return parse(p)\n", "import builtins\ndef f(p):\n    try:\n        return parse(p)\n    except (ValueError, builtins.BaseException):\n        log(p)\n"),
    )

    def check(self, scope: ScopeDiff) -> Iterator[Finding]:
        for handler in scope.added(m.ExceptHandler()):
            assert isinstance(handler, cst.ExceptHandler)
            if is_broad(scope.after, handler) and not raises_inside(handler.body) and not exits_inside(handler.body):
                yield scope.finding(self.meta, handler, "broad exception handler swallows every error without re-raising")
