"""SARIF 2.1.0, validated against the official OASIS schema vendored beside this file.

`sarif-schema-2.1.0.json` is oasis-tcs/sarif-spec `Schemata/sarif-schema-2.1.0.json` (commit
85971b3e048f61a6d643b95fc6233d073302f5b8), verbatim. It declares JSON Schema 2020-12. Its
`language` pattern uses an inline flag Python's `re` rejects, so the schema itself is not
meta-validated here; our logs never carry `language`, so that pattern is never applied.
"""

from __future__ import annotations

import json
from dataclasses import replace
from functools import cache
from importlib.metadata import version
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit

import jsonschema
import pytest
from jsonschema.validators import validator_for

from guards import Change, FilePair, RuleSet, check
from guards.reports import renderer
from guards.reports.sarif import sarif_log
from tests.guards.reports.cases import ONLY_FB001, REPORTS, SERVICE_AFTER, SERVICE_BEFORE

SCHEMA_PATH = Path(__file__).parent / "sarif-schema-2.1.0.json"


@cache
def _validator() -> jsonschema.protocols.Validator:
    schema = json.loads(SCHEMA_PATH.read_text(encoding="utf-8"))
    cls = validator_for(schema)
    return cls(schema, format_checker=cls.FORMAT_CHECKER)


def _sarif(case: str) -> dict[str, Any]:
    return json.loads(renderer("sarif")(REPORTS[case]))


def _is_absolute_uri(text: str) -> bool:
    parts = urlsplit(text)
    return parts.scheme in ("http", "https") and bool(parts.netloc)


def test_vendored_schema_is_the_official_one() -> None:
    schema = json.loads(SCHEMA_PATH.read_text(encoding="utf-8"))
    assert schema["title"] == "Static Analysis Results Format (SARIF) Version 2.1.0 JSON Schema"
    assert schema["properties"]["version"]["enum"] == ["2.1.0"]
    assert len(SCHEMA_PATH.read_text(encoding="utf-8")) == 112785


@pytest.mark.parametrize("case", sorted(REPORTS))
def test_log_is_valid_sarif(case: str) -> None:
    errors = sorted(_validator().iter_errors(_sarif(case)), key=str)
    assert not errors, [f"{list(e.absolute_path)}: {e.message}" for e in errors]


@pytest.mark.parametrize(
    ("pointer", "bad"),
    [(("version",), "2.0.0"), (("runs", 0, "results", 0, "level"), "fatal"), (("runs", 0, "results", 0, "ruleIndex"), -2)],
)
def test_schema_catches_a_broken_log(pointer: tuple[str | int, ...], bad: object) -> None:
    log = _sarif("reject")
    target: Any = log
    for key in pointer[:-1]:
        target = target[key]
    target[pointer[-1]] = bad
    assert any(True for _ in _validator().iter_errors(log))


def test_driver_describes_every_builtin_rule() -> None:
    driver = _sarif("empty")["runs"][0]["tool"]["driver"]
    assert driver["name"] == "ratchet"
    assert driver["version"] == version("ratchet")
    assert _is_absolute_uri(driver["informationUri"])
    assert [rule["id"] for rule in driver["rules"]] == [rule.meta.id for rule in RuleSet.default().rules]
    for rule, descriptor in zip(RuleSet.default().rules, driver["rules"], strict=True):
        assert descriptor["name"] == rule.meta.name
        assert descriptor["help"]["markdown"] == rule.documentation()
        assert descriptor["shortDescription"]["text"]
        assert descriptor["fullDescription"]["text"].startswith(descriptor["shortDescription"]["text"])
        assert descriptor["properties"]["category"] == rule.meta.category.value
        assert descriptor["defaultConfiguration"]["level"] in ("error", "warning", "note")


def test_results_point_at_their_rule_and_place() -> None:
    run = _sarif("reject")["runs"][0]
    rules = run["tool"]["driver"]["rules"]
    assert [(r["ruleId"], r["locations"][0]["physicalLocation"]["region"]["startLine"]) for r in run["results"]] == [
        ("FB001", 5),
        ("FB001", 12),
    ]
    for result in run["results"]:
        assert rules[result["ruleIndex"]]["id"] == result["ruleId"]
        assert result["level"] == "error"
        assert result["message"]["text"].startswith("broad exception handler swallows every error without re-raising. Catch only")
        artifact = result["locations"][0]["physicalLocation"]["artifactLocation"]
        assert artifact == {"uri": "app/service.py", "uriBaseId": "%SRCROOT%"}


def test_warnings_become_warning_level() -> None:
    assert {r["level"] for r in _sarif("accept-warning")["runs"][0]["results"]} == {"warning"}


def test_empty_report_has_no_results_and_no_notifications() -> None:
    run = _sarif("empty")["runs"][0]
    assert run["results"] == []
    assert run["invocations"][0]["toolExecutionNotifications"] == []


def test_skipped_file_is_a_notification() -> None:
    notifications = _sarif("reject")["runs"][0]["invocations"][0]["toolExecutionNotifications"]
    assert [(n["locations"][0]["physicalLocation"]["artifactLocation"]["uri"], n["message"]["text"]) for n in notifications] == [
        ("app/blob.py", "skipped: binary: contains NUL bytes")
    ]


def test_fingerprints_survive_lines_moving_and_tell_findings_apart() -> None:
    shifted = check(
        Change.of([FilePair("app/service.py", b"# header\n\n" + SERVICE_BEFORE, b"# header\n\n" + SERVICE_AFTER)]),
        ONLY_FB001,
        RuleSet.default(),
    )
    original = sarif_log(REPORTS["reject"])["runs"][0]["results"]
    moved = sarif_log(shifted)["runs"][0]["results"]
    assert [r["locations"][0]["physicalLocation"]["region"]["startLine"] for r in moved] == [7, 14]
    assert [r["partialFingerprints"] for r in moved] == [r["partialFingerprints"] for r in original]
    assert len({json.dumps(r["partialFingerprints"]) for r in original}) == len(original)


def test_path_is_percent_encoded_and_a_foreign_rule_gets_a_descriptor() -> None:
    report = REPORTS["reject"]
    foreign = replace(report.findings[0], rule="TS900", name="no-print", path="app/my module.py")
    log = sarif_log(replace(report, findings=(foreign,)))
    assert not list(_validator().iter_errors(log))
    run = log["runs"][0]
    result = run["results"][0]
    assert result["locations"][0]["physicalLocation"]["artifactLocation"]["uri"] == "app/my%20module.py"
    assert run["tool"]["driver"]["rules"][result["ruleIndex"]]["id"] == "TS900"
