"""FB003 contextlib-suppress."""

from __future__ import annotations

from collections.abc import Iterator

import libcst as cst
import libcst.matchers as m

from guards.findings import Category, Finding, RuleMeta, Severity
from guards.prefilter import calls_to
from guards.rules.base import Example, ScopeRule
from guards.rules.patterns import code_of, resolves_to
from guards.scope import ScopeDiff


# Only calls spelled `suppress(...)` or `something.suppress(...)` are resolved: that is cheap to test.
_SUPPRESS_SPELLING = m.Call(func=m.Name("suppress") | m.Attribute(attr=m.Name("suppress")))


class ContextlibSuppress(ScopeRule):
    """## What it does
    Flags an added call of `contextlib.suppress(...)`, however it is imported
    (`from contextlib import suppress`, `import contextlib as c; c.suppress`): usually
    `with suppress(SomeError):`, also `stack.enter_context(suppress(...))`.

    ## Why is this bad?
    `suppress` is an `except SomeError: pass` without the word `except`: every statement in the
    block may stop halfway and the code after it runs as if nothing happened. It hides the same
    failures a swallowing handler hides and is easier to overlook in review.

    Not flagged: a `suppress` the before-scope already had (a changed block body does not make
    it new), and functions of other modules that happen to be called `suppress`. Only calls
    spelled `suppress` are resolved: `from contextlib import suppress as quiet` is not followed.

    ## Example
    ```python
    from contextlib import suppress

    def clean(path):
        with suppress(FileNotFoundError):
            path.unlink()
    ```

    ## Use instead
    ```python
    def clean(path):
        path.unlink(missing_ok=True)  # says exactly which absence is fine, and nothing more
    ```
    """

    ast_triggers = (calls_to("suppress"),)
    fires_on = "added"
    meta = RuleMeta(
        id="FB003",
        name="contextlib-suppress",
        category=Category.FALLBACK,
        severity=Severity.ERROR,
        suggestion="Remove the suppress: make the state it tolerates impossible, or use an API that states the expected case (e.g. `unlink(missing_ok=True)`).",
    )
    VALID = (
        Example("def f(p):\n    p.unlink()\n", "def f(p):\n    p.unlink(missing_ok=True)\n"),
        # A function of our own that is merely called `suppress`.
        Example(
            "from app.alerts import suppress\ndef f(alert):\n    send(alert)\n",
            "from app.alerts import suppress\ndef f(alert):\n    suppress(alert)\n",
        ),
        # The suppress was already there; only the block changed.
        Example(
            "import contextlib\ndef f(p):\n    with contextlib.suppress(OSError):\n        p.unlink()\n",
            "import contextlib\ndef f(p):\n    with contextlib.suppress(OSError):\n        p.unlink()\n        p.parent.rmdir()\n",
        ),
    )
    INVALID = (
        Example(
            "from contextlib import suppress\ndef f(p):\n    p.unlink()\n",
            "from contextlib import suppress\ndef f(p):\n    with suppress(FileNotFoundError):\n        p.unlink()\n",
        ),
        Example(
            "import contextlib as c\ndef f(d, k):\n    del d[k]\n",
            "import contextlib as c\ndef f(d, k):\n    with c.suppress(KeyError, IndexError):\n        del d[k]\n",
        ),
        Example(
            "import contextlib\ndef f(stack, p):\n    stack.enter_context(open(p))\n",
            "import contextlib\ndef f(stack, p):\n    stack.enter_context(contextlib.suppress(OSError))\n    stack.enter_context(open(p))\n",
        ),
    )

    def check(self, scope: ScopeDiff) -> Iterator[Finding]:
        for call in scope.added(_SUPPRESS_SPELLING):
            assert isinstance(call, cst.Call)
            if not resolves_to(scope.after, call.func, "contextlib.suppress"):
                continue
            caught = ", ".join(code_of(arg.value) for arg in call.args) or "nothing"
            yield scope.finding(
                self.meta, call, f"`{code_of(call)}` silently discards {caught} raised anywhere in the block"
            )
