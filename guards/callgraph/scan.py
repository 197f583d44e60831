"""Which files may call or refer to a name, decided from their text without parsing them.

A summary indexes a call by the last name of its target and a reference by its last name, and
both names are identifiers in the file's code, never in a comment or a plain string: a call's is
the last attribute before its `(` (`x.total(`), or the imported name of an alias it calls
(`from app import charge as pay; pay()` calls `app.charge`, and `charge as` is in the import).
The one reference spelled in a string is a name in `__all__`. So:

- `identifiers`: one pass per file, every identifier-like word of it, to find the few files that
  mention a name at all (a superset);
- `Text.calls(name)`: the name followed by `(` (spaces, newlines, backslashes between: inside
  brackets a call may span lines) or by ` as`, and not defined there (`def name(`, `class
  Name(`), in the file's code with comments and plain strings blanked (f-strings are kept: they
  hold code);
- `Text.refers(name)`: the name not followed by `(` on its line (that is a call or a definition),
  in the code, or in the whole text when the code mentions `__all__`.

Each is a superset of the files that hold such a call or reference, so a graph that summarises
only those answers as one that summarises every file. A file that does not parse is summarised
empty, so blanking it wrongly changes nothing. Python identifiers are NFKC-normalised, so a file
with non-ASCII bytes is searched in its normalised text.
"""

from __future__ import annotations

import re
import sys
import tokenize
import unicodedata
from io import BytesIO

_WORD = "[A-Za-z0-9_]"
# Every byte but an ASCII letter, digit or underscore becomes a space: `split` then gives the words.
_SEPARATED = bytes(byte if chr(byte).isascii() and (chr(byte).isalnum() or chr(byte) == "_") else 32 for byte in range(256))
# A comment, or a string from its opening quote (its prefix, at most two letters, stays in the
# code). A backslash escapes the next character (a newline too) in every kind of string, raw
# ones included, so one pattern per quote finds each end. Starting at `#` or a quote, the pattern
# lets `re` skip quickly over the code between.
_LEXEME = re.compile(
    rb"#[^\r\n]*"
    rb'|"""(?>[^"\\]+|\\.|"(?!""))*"""'
    rb"|'''(?>[^'\\]+|\\.|'(?!''))*'''"
    rb'|"(?>[^"\\\n]+|\\.)*"'
    rb"|'(?>[^'\\\n]+|\\.)*'",
    re.DOTALL,
)
_COOKIE = re.compile(rb"^[ \t\f]*#.*?coding[:=][ \t]*([-\w.]+)", re.MULTILINE)
# Encodings in which a quote, `#`, a backslash or a newline byte is always that character.
# (As Python's tokenizer names them: `utf-8-sig`, `latin-1-...` count too.)
_BYTEWISE = frozenset({"utf-8", "utf8", "ascii", "us-ascii", "latin-1", "latin1", "iso-8859-1", "iso8859-1", "iso-latin-1"})
_BYTEWISE_FAMILIES = ("utf-8-", "latin-1-", "iso-8859-1-", "iso-latin-1-")
# From Python 3.12 an f-string's fields may hold strings in its own quotes, which this lexer
# would end the f-string at: files with f-strings are then searched whole.
_NESTED_FSTRINGS = sys.version_info >= (3, 12)
_FSTRING = re.compile(rb"(?<![A-Za-z0-9_])(?:[fF][rR]?|[rR][fF])['\"]")


def _decoded(data: bytes) -> str:
    try:
        encoding, _ = tokenize.detect_encoding(BytesIO(data).readline)
        return data.decode(encoding, errors="replace")
    except (SyntaxError, LookupError):
        return data.decode("utf-8", errors="replace")


def _normalised(data: bytes) -> str:
    """The text with identifiers as Python reads them (NFKC)."""
    return unicodedata.normalize("NFKC", _decoded(data))


def identifiers(data: bytes) -> frozenset[bytes]:
    """Every identifier-like word of the file (and, when NFKC changes its text, of the normalised
    text): a superset of the identifiers Python reads in it, each possibly cut at a non-ASCII letter."""
    found = set(data.translate(_SEPARATED).split())
    if not data.isascii():
        text = _decoded(data)
        if not unicodedata.is_normalized("NFKC", text):
            found.update(word.encode() for word in re.findall(r"\w+", unicodedata.normalize("NFKC", text)))
    return frozenset(found)


def _bytewise(data: bytes) -> bool:
    """Whether the file's encoding (a coding cookie's, or UTF-8) can be lexed byte by byte; a
    cookie naming any other encoding (even one that could be) is not."""
    head = b"\n".join(data.split(b"\n", 2)[:2])
    cookie = _COOKIE.search(head)
    if cookie is None:
        return True
    name = cookie.group(1).decode("ascii").lower().replace("_", "-")
    return name in _BYTEWISE or name.startswith(_BYTEWISE_FAMILIES)


def _blank(match: re.Match[bytes]) -> bytes:
    """A comment or a plain string dropped; an f-string (an `f` among the two bytes before its
    quote, or a word ending so: more f-strings than there are) kept, as its fields are code.
    Nothing joins across a dropped lexeme: code can only meet a string at a bracket, a comma,
    an operator, a space or its prefix."""
    lexeme = match.group()
    start = match.start()
    before = match.string[max(start - 2, 0) : start]
    return lexeme if lexeme[:1] != b"#" and (b"f" in before or b"F" in before) else b""


def _blankable(data: bytes) -> bool:
    """Whether the lexer reads the file's strings right: its encoding is bytewise, and it holds
    no f-string that could nest its own quotes."""
    return _bytewise(data) and not (_NESTED_FSTRINGS and _FSTRING.search(data) is not None)


def _searchable(data: bytes) -> str:
    """`data` as searched: normalised when it is not ASCII."""
    return data.decode("ascii") if data.isascii() else _normalised(data)


class Text:
    """One file's text, and its code (comments and plain strings blanked), as searched."""

    def __init__(self, data: bytes) -> None:
        self.whole = _searchable(data)
        self.code = _searchable(_LEXEME.sub(_blank, data)) if _blankable(data) else self.whole
        self._exported = "__all__" in self.code

    def calls(self, pattern: re.Pattern[str]) -> bool:
        """Whether the code may call the name of `call_pattern`."""
        return pattern.search(self.code) is not None

    def refers(self, pattern: re.Pattern[str]) -> bool:
        """Whether the file may refer to the name of `reference_pattern`."""
        return pattern.search(self.whole if self._exported else self.code) is not None


def call_pattern(name: str) -> re.Pattern[str]:
    # `def name(` and `class Name(` define the name; in valid code no call is spelled so.
    return re.compile(rf"(?<!def )(?<!class )(?<!{_WORD}){re.escape(name)}(?:(?:\s|\\)*\(|(?:\s|\\)+as(?!{_WORD}))")


def reference_pattern(name: str) -> re.Pattern[str]:
    # `class Name:` defines the name (a `def` is always followed by its `(`).
    return re.compile(rf"(?<!class )(?<!{_WORD}){re.escape(name)}(?!{_WORD}|[ \t]*\()")
