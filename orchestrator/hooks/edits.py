"""A file-editing tool call applied in memory, the way Claude Code's Edit, MultiEdit and Write apply it.

Edits work on bytes (the strings encoded as UTF-8), so a file in any ASCII-compatible encoding is
edited exactly as the tool would. An edit the tool itself would refuse — `old_string` absent, or
present more than once without `replace_all` — raises `EditDoesNotApply`: Claude Code reports that
failure to the agent, and the hook has no change to judge.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path


class EditDoesNotApply(ValueError):
    """The proposed edit does not apply to the file as it is; the tool call will fail on its own."""


@dataclass(frozen=True, slots=True)
class Replacement:
    """One `old_string` → `new_string` of an Edit or a MultiEdit."""

    old: str
    new: str
    replace_all: bool

    def apply(self, text: bytes) -> bytes:
        old, new = self.old.encode(), self.new.encode()
        count = text.count(old)
        if count == 0:
            raise EditDoesNotApply("old_string is not in the file")
        if count > 1 and not self.replace_all:
            raise EditDoesNotApply(f"old_string occurs {count} times and replace_all is not set")
        return text.replace(old, new, -1 if self.replace_all else 1)


@dataclass(frozen=True, slots=True)
class Replacements:
    """Edit (one replacement) or MultiEdit (several, applied in order, all or none). An empty first
    `old_string` on a file that does not exist creates it, as the Edit tool does."""

    path: Path
    replacements: tuple[Replacement, ...]

    def __post_init__(self) -> None:
        if not self.replacements:
            raise ValueError("an edit needs at least one replacement")

    def after(self, before: bytes | None) -> bytes:
        first, *rest = self.replacements
        if before is None:
            if first.old:
                raise EditDoesNotApply("the file does not exist")
            text = first.new.encode()
        else:
            text = first.apply(before)
        for replacement in rest:
            text = replacement.apply(text)
        return text


@dataclass(frozen=True, slots=True)
class WholeFile:
    """Write: the file's whole new content."""

    path: Path
    content: str

    def after(self, before: bytes | None) -> bytes:
        return self.content.encode()


FileEdit = Replacements | WholeFile
