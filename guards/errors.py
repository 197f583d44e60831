"""The guard's exceptions, all raised for input the guard cannot work with.

    GuardError
    ├── InputError          the change cannot be read
    │   ├── NotARepository  a path that is not inside a git work tree
    │   ├── UnknownRevision a revision git cannot resolve to a commit
    │   └── PatchError      a patch that cannot be read or does not apply
    └── ConfigError         `[tool.ratchet]` is invalid (unknown key, wrong type, bad glob or rule id)

Git's own failures are translated here once (see `guards.sources.git`); everything else propagates.
"""

from __future__ import annotations


class GuardError(Exception):
    """Base class: the guard was asked to check something it cannot check."""


class InputError(GuardError):
    """The change itself cannot be read."""


class NotARepository(InputError):
    """The path is not inside a git work tree."""


class UnknownRevision(InputError):
    """A revision does not name a commit."""


class PatchError(InputError):
    """A patch cannot be read or does not apply to its base."""


class ConfigError(GuardError):
    """`[tool.ratchet]` contains something the guard does not accept."""
