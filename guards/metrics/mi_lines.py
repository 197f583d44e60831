"""radon's line counts for the maintainability index, without radon's tokenizing.

`radon.raw.analyze` tokenizes a file line by line and re-tokenizes a growing buffer for every
multi-line statement: close to quadratic, and once most of the time a whole check took. Here one
regex pass masks strings and comments, so that logical lines, colons and semicolons can be read
off plain text, as radon reads them off tokens. What radon counts, quirks included:
- Logical lines: per `;`-separated part of a logical line, 0 if empty, 1 without a colon or when
  the last colon ends the line, else 2 (radon's `_logical`; a part before a `;` counts 1 when
  exactly one token follows its last colon). A string statement counts 1.
- Source lines: non-blank lines, except comment-only lines and the lines of string statements.
- Comments: `#` comments (not a `#` inside a string or f-string, a 3.11 string token); `multi`:
  the lines of multi-line string statements, which radon's index counts as comments.
radon splits lines with `str.splitlines`, which also breaks at form feeds and other rare
separators; these count lines as the tokenizer does, so a file with such a character inside a
string can differ by a line.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

# Strings (without their prefix, which stays in the masked text) and comments, as the 3.11
# tokenizer reads them: an f-string is one token, so a `#` or `:` inside it is not code.
_STRING_OR_COMMENT = re.compile(
    r"""'''[^'\\]*(?:(?:\\[\s\S]|'(?!''))[^'\\]*)*'''|"""
    r'"""[^"\\]*(?:(?:\\[\s\S]|"(?!""))[^"\\]*)*"""|'
    r"""'[^'\\\r\n]*(?:\\(?:\r\n|[\s\S])[^'\\\r\n]*)*'|"[^"\\\r\n]*(?:\\(?:\r\n|[\s\S])[^"\\\r\n]*)*"|\#[^\r\n]*"""
)
_LINE_BREAK = re.compile(r"\r\n|\r|\n")
_STRING, _COMMENT = "\x00", "\x01"  # Neither can occur in code outside strings and comments.
_PREFIXES = "rRbBuUfF"
# A line whose brackets close on it (up to three deep) and that does not end in a backslash: a
# whole logical line, unless it sits inside a multi-line one. Possessive, so it cannot backtrack.
_PLAIN = r"[^()\[\]{}\\]*+"
_NESTED = _PLAIN
for _ in range(3):
    _NESTED = rf"{_PLAIN}(?:[(\[{{]{_NESTED}[)\]}}]{_PLAIN})*+"
_ONE_LINE = re.compile(_NESTED)
_ONE_TOKEN = re.compile(r"\s*(?:\w+|\x00|[^\w\s])\s*")


def _mask(match: re.Match[str]) -> str:
    """A comment becomes one marker; a string one marker, and its line breaks continuation lines,
    so that the lines of a multi-line string join the logical line it starts on."""
    text = match.group()
    if text[0] == "#":
        return _COMMENT
    breaks = len(_LINE_BREAK.findall(text))
    return _STRING + "\\\n" * breaks


def _last_colon(part: str) -> int:
    colon = part.rfind(":")
    while colon >= 0 and part[colon + 1 : colon + 2] == "=":
        colon = part.rfind(":", 0, colon)
    return colon


def _logical(code: str) -> int:
    """radon's logical lines of one logical line, its strings and comments masked."""
    parts = code.replace(_COMMENT, "").split(";")
    total = 0
    for index, part in enumerate(parts):
        part = part.strip()
        if not part:
            continue
        colon = _last_colon(part)
        if colon < 0:
            total += 1
        elif index == len(parts) - 1:
            total += 1 if colon == len(part) - 1 else 2
        else:
            total += 1 if _ONE_TOKEN.fullmatch(part, colon + 1) else 2
    return total


@dataclass(frozen=True, slots=True)
class RawCounts:
    """radon's `raw.analyze` figures that the index uses: logical and source lines, comments and
    the lines of multi-line string statements (docstrings)."""

    lloc: int
    sloc: int
    comments: int
    multi: int

    def __post_init__(self) -> None:
        if min(self.lloc, self.sloc, self.comments, self.multi) < 0:
            raise ValueError(f"negative line counts {self}")

    # Each figure is a sum over lines, and a logical line never crosses the start of a top-level
    # statement: the counts of a file are those of its pieces cut there, added up.
    def __add__(self, other: RawCounts) -> RawCounts:
        return RawCounts(self.lloc + other.lloc, self.sloc + other.sloc, self.comments + other.comments, self.multi + other.multi)

    def __sub__(self, other: RawCounts) -> RawCounts:
        return RawCounts(self.lloc - other.lloc, self.sloc - other.sloc, self.comments - other.comments, self.multi - other.multi)


def _depth(text: str) -> int:
    return text.count("(") + text.count("[") + text.count("{") - text.count(")") - text.count("]") - text.count("}")


class _Tally:
    """Running counts over the logical lines of one file, as radon's `analyze` keeps them."""

    __slots__ = ("lloc", "comment_only", "string_lines", "multi")

    def __init__(self) -> None:
        self.lloc = self.comment_only = self.string_lines = self.multi = 0

    def line(self, text: str) -> None:
        """A logical line on one physical line (masked)."""
        stripped = text.strip()
        if not stripped:
            return
        if stripped[-1] == _STRING and stripped.lstrip(_PREFIXES) == _STRING:
            self.string_lines += 1  # A one-line docstring: neither code nor a comment.
            self.lloc += 1
            return
        if stripped[-1] == _COMMENT:
            stripped = stripped[:-1].rstrip()
            if not stripped:
                self.comment_only += 1
                return
        colon = stripped.rfind(":")
        if colon < 0 and ";" not in stripped:
            self.lloc += 1
        elif colon == len(stripped) - 1 and ";" not in stripped:
            self.lloc += 1
        else:
            self.lloc += _logical(stripped)

    def lines(self, code: list[str], source: list[str]) -> None:
        """A logical line over several physical lines: `code` masked, `source` as written."""
        joined = " ".join(code).replace("\\", " ").strip()
        self.lloc += _logical(joined)
        if joined.lstrip(_PREFIXES) == _STRING:
            self.multi += sum(1 for line in source if line and not line.isspace())


def _split(text: str) -> list[str]:
    """The lines of `text`, split as `_LINE_BREAK` splits them (`str.split` when it can: faster)."""
    return _LINE_BREAK.split(text) if "\r" in text else text.split("\n")


def _last_line(code: list[str], first: int) -> int:
    """The index of the line that ends the logical line starting at `first` (masked), or
    `len(code)` when nothing ends it."""
    depth = 0
    for index in range(first, len(code)):
        text = code[index]
        if text == "\\":
            continue  # A line inside a multi-line string: no brackets, and continued.
        depth += _depth(text)
        if depth <= 0 and text[-1:] != "\\":
            return index
    return len(code)


def raw_counts(source: str) -> RawCounts:
    lines = _split(source)
    masked = _STRING_OR_COMMENT.sub(_mask, source)
    code = _split(masked)
    assert len(code) == len(lines), "masking keeps every line"
    tally = _Tally()
    last = -1
    for index, text in enumerate(code):
        if index <= last:
            continue  # Already counted with the logical line it continues.
        if _ONE_LINE.fullmatch(text):
            tally.line(text)  # The common case: a logical line on one line.
            continue
        last = _last_line(code, index)
        if last == index:
            tally.line(text)
        elif last < len(code):
            tally.lines(code[index : last + 1], lines[index : last + 1])
    blank = lines.count("") + sum(map(str.isspace, lines))
    sloc = len(lines) - blank - tally.comment_only - tally.string_lines - tally.multi
    return RawCounts(tally.lloc, sloc, masked.count(_COMMENT), tally.multi)
