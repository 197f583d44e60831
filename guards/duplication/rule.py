"""The kind of rule that judges the copies a change adds (the rule itself: `guards.rules.duplicated_code`)."""

from __future__ import annotations

from abc import abstractmethod
from collections.abc import Iterator, Sequence

from guards.duplication.finder import Copy
from guards.findings import Finding
from guards.rules.base import Rule


class CopyRule(Rule):
    """Gets every copy the change adds, found against the whole tree the check was given."""

    @abstractmethod
    def check(self, copies: Sequence[Copy]) -> Iterator[Finding]: ...
