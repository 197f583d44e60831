"""SP001 suppression-comment."""

from __future__ import annotations

import io
import re
import tokenize
from collections import Counter
from collections.abc import Iterator
from dataclasses import dataclass

from guards.findings import Category, Finding, RuleMeta, Severity
from guards.outline import MODULE_SCOPE
from guards.rules.base import Example, FileDiff, FileRule

# A marker right after a hash sign: `type: ignore[code]`, `noqa`, `noqa: E501,F401`, `pragma: no cover`.
_MARKER = re.compile(
    r"#\s*(?P<marker>type:\s*ignore(?:\[[^\]]*\])?|noqa(?::\s*[A-Z]+[0-9]+(?:[\s,]+[A-Z]+[0-9]+)*)?|pragma:?\s*no\s*cover)",
    re.IGNORECASE,
)


@dataclass(frozen=True, slots=True)
class Suppression:
    """One marker on one line: what it says and the code it sits on, layout ignored."""

    line: int
    marker: str
    code: str

    @property
    def key(self) -> tuple[str, str]:
        return self.marker.lower(), self.code


def _normalised(text: str) -> str:
    return " ".join(text.split())


def candidates(text: str) -> list[Suppression]:
    """Markers found by pattern alone, on lines that contain `#`; some may sit inside strings."""
    found = []
    for number, line in enumerate(text.splitlines(), start=1):
        if "#" not in line:
            continue
        for match in _MARKER.finditer(line):
            code = line[: line.index("#")]
            found.append(Suppression(number, _normalised(match["marker"]), _normalised(code)))
    return found


def comments(text: str) -> dict[int, str]:
    """The real comments by line. Text that does not tokenize to its end (PR001 reports it)
    yields the comments before the error, which are real all the same."""
    found: dict[int, str] = {}
    try:
        for token in tokenize.generate_tokens(io.StringIO(text).readline):
            if token.type == tokenize.COMMENT:
                found[token.start[0]] = token.string
    except (tokenize.TokenError, SyntaxError):
        return found
    return found


def added_suppressions(before: str, after: str) -> list[Suppression]:
    """After-side markers in real comments with no twin (same marker on the same code) before.

    Tokenizing is slow, so it only confirms the few candidates that the pattern finds added.
    """
    remaining = Counter(s.key for s in candidates(before))
    unmatched = []
    for suppression in candidates(after):
        if remaining[suppression.key] > 0:
            remaining[suppression.key] -= 1
        else:
            unmatched.append(suppression)
    if not unmatched:
        return []
    real = comments(after)
    return [
        s
        for s in unmatched
        if s.line in real and any(_normalised(match["marker"]) == s.marker for match in _MARKER.finditer(real[s.line]))
    ]


class SuppressionComment(FileRule):
    """## What it does
    Flags an added `# type: ignore[...]`, `# noqa[: CODE]` or `# pragma: no cover` comment: a
    marker that was not on the same code before the change.

    ## Why is this bad?
    A suppression comment silences the tool that found a problem instead of solving the problem.
    The type error, the lint or the untested branch is still there; now nobody will be told
    about it again. Agents reach for these when a checker blocks them, which is exactly when the
    checker was right.

    Not flagged: markers the file already had on the same code (the comparison is per marker
    and per line of code, so moving code does not re-report), markers removed, and marker text
    inside strings or docstrings.

    ## Example
    ```python
    port = int(settings["port"])  # type: ignore[arg-type]
    ```

    ## Use instead
    ```python
    port = int(settings.port)  # a typed settings object: nothing to ignore
    ```
    """

    meta = RuleMeta(
        id="SP001",
        name="suppression-comment",
        category=Category.SUPPRESSION,
        severity=Severity.WARNING,
        suggestion="Fix what the checker reports (types, lint, missing test) instead of silencing it.",
    )
    VALID = (
        # Unchanged suppression, the code around it moved.
        Example("import os  # noqa: F401\n", "import sys\nimport os  # noqa: F401\n"),
        # Marker text inside a string is not a comment.
        Example("HELP = ''\n", "HELP = 'silence with # noqa or # type: ignore'\nDOC = '''\n# pragma: no cover\n'''\n"),
        # A suppression removed.
        Example("x = f()  # type: ignore[no-untyped-call]\n", "x = f()\n"),
        # An ordinary comment that mentions the word.
        Example("x = 1\n", "x = 1  # we never use noqa here\n"),
    )
    INVALID = (
        Example("x: int = f()\n", "x: int = f()  # type: ignore[assignment]\n"),
        Example("import os\n", "import os  # noqa: F401\n"),
        Example(
            "def f(x):\n    if x:\n        return 1\n    return 2\n",
            "def f(x):\n    if x:  # pragma: no cover\n        return 1\n    return 2\n",
        ),
        # The same marker on a different line of code is a new suppression.
        Example("a = g()  # noqa: E501\n", "a = g()  # noqa: E501\nb = h()  # NOQA\n"),
    )

    def check(self, file: FileDiff) -> Iterator[Finding]:
        for suppression in added_suppressions(file.before, file.after):
            yield self.meta.finding(file.path, suppression.line, suppression.line, f"added `# {suppression.marker}`", MODULE_SCOPE)
