"""PR001 parse-error."""

from __future__ import annotations

from collections.abc import Iterator

from guards.findings import Category, Finding, RuleMeta, Severity
from guards.outline import MODULE_SCOPE
from guards.rules.base import Example, FileDiff, FileRule


class ParseError(FileRule):
    """## What it does
    Reports a Python file that does not parse after the change, at the line the parser names,
    with the parser's message.

    ## Why is this bad?
    Code that does not parse cannot run, be imported or be tested, and the guard cannot see what
    the change did inside it: every other rule is blind for that file. A loop that leaves a file
    half-edited must not be accepted.

    Not flagged: a file that did not parse before and parses now (a fix), a deleted file, and
    files that the guard skips for other reasons (too large, binary, undecodable).

    ## Example
    ```python
    def load(path):
        return parse(path.read_text()
    ```

    ## Use instead
    ```python
    def load(path):
        return parse(path.read_text())
    ```
    """

    meta = RuleMeta(
        id="PR001",
        name="parse-error",
        category=Category.PARSE,
        severity=Severity.ERROR,
        suggestion="Make the file parse again; run `python -m py_compile` on it before finishing.",
    )
    VALID = (
        Example("def f(:\n    pass\n", "def f():\n    pass\n"),
        Example("def f():\n    pass\n", ""),
        Example("def f():\n    pass\n", "def f():\n    return 'def f(:'\n"),
    )
    INVALID = (
        Example("def f(p):\n    return parse(p)\n", "def f(p):\n    return parse(p\n"),
        Example("x = 1\n", "x = 1\n  y = 2\n"),
        Example("", "def f()\n    pass\n"),
    )

    def check(self, file: FileDiff) -> Iterator[Finding]:
        if file.syntax_error is not None:
            yield self._finding(file.path, file.syntax_error)

    def _finding(self, path: str, error: SyntaxError) -> Finding:
        # `SyntaxError.lineno` is typed `int | None` and can be 0 at the very start of a file;
        # a finding needs a real line, and the first one is where such an error is.
        line = error.lineno if error.lineno is not None and error.lineno > 0 else 1
        return self.meta.finding(path, line, line, f"does not parse: {error.msg}", MODULE_SCOPE)
