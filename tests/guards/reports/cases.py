"""Real reports for the renderer tests: small changes run through `guards.engine.check`.

Only FB001 is selected so that the golden files do not move when other rules land; the SARIF
tests still see every built-in rule in the driver.
"""

from __future__ import annotations

from types import MappingProxyType

from guards import Change, Config, FilePair, Report, RuleSet, Severity, check

SERVICE_BEFORE = b"""\
import json


def load(path):
    return json.loads(path.read_text())
"""
SERVICE_AFTER = b"""\
import json

try:
    import yaml
except:
    yaml = None


def load(path):
    try:
        return json.loads(path.read_text())
    except Exception:
        return None
"""
ONLY_FB001 = Config(select=("FB001",))


def _reject() -> Change:
    return Change.of(
        [
            FilePair("app/service.py", SERVICE_BEFORE, SERVICE_AFTER),
            FilePair("app/blob.py", None, b"\x00\x01binary"),
            FilePair("app/old.py", b"def gone():\n    return 1\n", None),
            FilePair("app/clean.py", b"X = 1\n", b"X = 2\n"),
        ]
    )


def _clean() -> Change:
    return Change.of([FilePair("app/clean.py", b"X = 1\n", b"X = 2\n")])


def reports() -> dict[str, Report]:
    """The cases by name: a reject, an accept with a warning, a clean accept, an empty change."""
    warning_only = Config(select=("FB001",), severity=MappingProxyType({"FB001": Severity.WARNING}), budget=10.0)
    return {
        "reject": check(_reject(), ONLY_FB001, RuleSet.default()),
        "accept-warning": check(Change.of([FilePair("app/service.py", SERVICE_BEFORE, SERVICE_AFTER)]), warning_only, RuleSet.default()),
        "clean": check(_clean(), ONLY_FB001, RuleSet.default()),
        "empty": check(Change.of([]), ONLY_FB001, RuleSet.default()),
    }


REPORTS = reports()
