"""The SARIF report: valid SARIF 2.1.0, rules from the findings, baseline states, locations."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import jsonschema
import pytest

from pixelproof.report import RenderOptions
from pixelproof.report.sarif import FINGERPRINT_KEY, render
from pixelproof.report.terminal import UNOBSERVED, verdict
from pixelproof.result import AuditResult, FailOn, FileLocation, MapInfo
from tests.factories import finding, report_result, result

SCHEMA = json.loads(
    (Path(__file__).resolve().parents[1] / "data/schemas/sarif-schema-2.1.0.json").read_text()
)
HOSTILE = ' <script>alert(1)</script> "><img src=x onerror=alert(1)> {{7*7}}'


def sarif(res: AuditResult) -> Any:
    return json.loads(render(res, RenderOptions()))


def run(res: AuditResult) -> Any:
    return sarif(res)["runs"][0]


@pytest.mark.parametrize(
    "res",
    [
        report_result(),
        report_result(unobserved="capture: none"),
        report_result(HOSTILE, unobserved="capture: none"),
        report_result(fail_on=FailOn.NEVER),
        result(),
        result(finding(journey=None), interrupted=True),
    ],
    ids=["realistic", "unobserved", "hostile", "fail-on-never", "empty", "interrupted"],
)
def test_valid_sarif_2_1_0(res: AuditResult) -> None:
    validator = jsonschema.Draft4Validator(
        SCHEMA, format_checker=jsonschema.Draft4Validator.FORMAT_CHECKER
    )
    errors = [f"{list(e.absolute_path)}: {e.message}" for e in validator.iter_errors(sarif(res))]
    assert not errors


def test_schema_is_the_real_one() -> None:
    """The committed schema rejects what SARIF forbids (guards against a truncated copy)."""
    validator = jsonschema.Draft4Validator(SCHEMA)
    good = {"version": "2.1.0", "runs": [{"tool": {"driver": {"name": "x"}}, "results": []}]}
    validator.validate(good)
    bad = {"version": "2.1.0", "runs": [{"tool": {"driver": {}}}]}
    assert not validator.is_valid(bad)
    assert not validator.is_valid({**good, "version": "2.0.0"})


def test_rules_come_from_the_findings_codes() -> None:
    res = report_result()
    rules = run(res)["tool"]["driver"]["rules"]
    assert [r["id"] for r in rules] == sorted({f.code for f in res.findings})
    dd002 = next(r for r in rules if r["id"] == "DD002")
    assert dd002["name"] == "event-id-mismatch"
    assert dd002["shortDescription"]["text"] == "Event id mismatch"
    assert dd002["helpUri"] == "docs/rules.md#dd002"
    assert dd002["defaultConfiguration"]["level"] == "error"


def test_results_levels_messages_and_rule_indexes() -> None:
    res = report_result()
    out = run(res)
    results = out["results"]
    assert len(results) == len(res.findings)
    levels = {r["ruleId"]: r["level"] for r in results}
    assert levels["DD002"] == "error"
    assert levels["PA003"] == "warning"
    for r in results:
        assert out["tool"]["driver"]["rules"][r["ruleIndex"]]["id"] == r["ruleId"]
    dd002 = next(r for r in results if r["ruleId"] == "DD002")
    assert dd002["message"]["text"].startswith("purchase › step 3 › Purchase: Purchase: browser")
    assert "\nFix: send the same ID from both sides" in dd002["message"]["text"]


def test_info_is_a_note() -> None:
    from pixelproof.result import Severity

    res = result(finding(code="OP007", severity=Severity.INFO))
    assert run(res)["results"][0]["level"] == "note"


def test_locations_use_the_map_position_or_the_map_file() -> None:
    results = {r["ruleId"]: r for r in run(report_result())["results"]}
    physical = results["DD002"]["locations"][0]["physicalLocation"]
    assert physical == {
        "artifactLocation": {"uri": "event_maps/shop.yaml", "uriBaseId": "%SRCROOT%"},
        "region": {"startLine": 41, "startColumn": 9},
    }
    fallback = results["SE004"]["locations"][0]["physicalLocation"]
    assert fallback == {
        "artifactLocation": {"uri": "event_maps/shop.yaml", "uriBaseId": "%SRCROOT%"}
    }


@pytest.mark.parametrize(
    ("path", "uri"),
    [
        ("/home/ci/repo/maps/shop map.yaml", "file:///home/ci/repo/maps/shop%20map.yaml"),
        ("maps/shop map.yaml", "maps/shop%20map.yaml"),
        ("C:\\repo\\shop.yaml", "file:///C:/repo/shop.yaml"),
    ],
)
def test_artifact_uris(path: str, uri: str) -> None:
    from dataclasses import replace

    f = replace(finding(), location=FileLocation(path, 3, 1))
    res = replace(result(f), map=MapInfo(path=None))
    location = run(res)["results"][0]["locations"][0]["physicalLocation"]
    assert location["artifactLocation"]["uri"] == uri


def test_no_map_path_and_no_location_means_no_locations() -> None:
    from dataclasses import replace

    res = replace(result(finding()), map=MapInfo(path=None))
    assert "locations" not in run(res)["results"][0]


def test_fingerprints_baseline_states_and_suppressions() -> None:
    res = report_result()
    by_code = {r["ruleId"]: r for r in run(res)["results"]}
    fingerprints = {f.code: f.fingerprint for f in res.findings}
    for code, r in by_code.items():
        assert r["partialFingerprints"] == {FINGERPRINT_KEY: fingerprints[code]}
    assert by_code["DD002"]["baselineState"] == "new"
    assert by_code["DD003"]["baselineState"] == "unchanged"  # known
    assert "suppressions" not in by_code["DD003"]
    ignored = by_code["EV002"]
    assert ignored["baselineState"] == "unchanged"
    assert ignored["suppressions"][0]["kind"] == "external"
    assert ignored["suppressions"][0]["status"] == "accepted"


def test_invocation_notifications_and_verdict() -> None:
    res = report_result(unobserved="capture: none")
    out = run(res)
    invocation = out["invocations"][0]
    assert invocation["exitCode"] == 1
    assert invocation["executionSuccessful"] is True
    notes = invocation["toolExecutionNotifications"]
    assert notes[0]["message"]["text"] == f"{UNOBSERVED} (capture: none)"
    assert notes[0]["descriptor"]["id"] == "OP008"
    assert any(n["level"] == "error" and "OP004" in n["message"]["text"] for n in notes)
    assert out["properties"]["verdict"] == verdict(res)


def test_incomplete_run_is_not_a_successful_execution() -> None:
    res = result(incomplete=("sink: port taken",))
    invocation = run(res)["invocations"][0]
    assert (invocation["exitCode"], invocation["executionSuccessful"]) == (3, False)


def test_hostile_strings_stay_plain_json_strings() -> None:
    out = run(report_result(HOSTILE))
    texts = [r["message"]["text"] for r in out["results"]]
    assert any(HOSTILE in t for t in texts)
