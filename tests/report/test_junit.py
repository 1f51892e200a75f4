"""The JUnit report: valid against Jenkins xunit's XSD, `--fail-on`-consistent, escaped."""

from __future__ import annotations

import xml.etree.ElementTree as ET
from dataclasses import replace
from pathlib import Path

import pytest
import xmlschema

from pixelproof.report import RenderOptions
from pixelproof.report.junit import RUN_SUITE, render
from pixelproof.report.terminal import UNOBSERVED, verdict
from pixelproof.result import AuditResult, CheckResult, CheckStatus, FailOn, Severity
from tests.factories import finding, report_result, result

XSD = Path(__file__).resolve().parents[1] / "data/schemas/junit-10.xsd"
HOSTILE = ' <script>alert(1)</script> "><img src=x onerror=alert(1)> {{7*7}} & ]]> \x00\x1b'


@pytest.fixture(scope="module")
def schema() -> xmlschema.XMLSchema:
    return xmlschema.XMLSchema(str(XSD))


def xml(res: AuditResult) -> ET.Element:
    return ET.fromstring(render(res, RenderOptions()))


def case(root: ET.Element, suite: str, name: str) -> ET.Element:
    found = root.find(f"testsuite[@name='{suite}']/testcase[@name='{name}']")
    assert found is not None, f"no testcase {suite} / {name}"
    return found


def outcome(element: ET.Element) -> str:
    for tag in ("failure", "error", "skipped"):
        if element.find(tag) is not None:
            return tag
    return "pass"


@pytest.mark.parametrize(
    "res",
    [
        report_result(),
        report_result(unobserved="capture: none"),
        report_result(HOSTILE, unobserved="capture: none"),
        report_result(fail_on=FailOn.WARNING),
        result(),
        result(finding(journey=None), interrupted=True),
    ],
    ids=["realistic", "unobserved", "hostile", "fail-on-warning", "empty", "interrupted"],
)
def test_valid_against_the_xunit_xsd(schema: xmlschema.XMLSchema, res: AuditResult) -> None:
    schema.validate(render(res, RenderOptions()))


def test_suites_one_per_journey_after_the_run_suite() -> None:
    root = xml(report_result())
    assert [s.get("name") for s in root.findall("testsuite")] == [RUN_SUITE, "purchase", "lead"]
    checks = {c.code for c in report_result().checks} | {"DD003"}  # DD003: only a known finding
    for suite in root.findall("testsuite"):
        names = {c.get("name", "").split()[0] for c in suite.findall("testcase")}
        assert checks <= names
        assert suite.get("tests") == str(len(suite.findall("testcase")))


def test_counts_add_up() -> None:
    root = xml(report_result())
    for key, tag in (("failures", "failure"), ("errors", "error")):
        assert root.get(key) == str(len(root.findall(f".//testcase/{tag}")))
        for suite in root.findall("testsuite"):
            assert suite.get(key) == str(len(suite.findall(f"testcase/{tag}")))


def test_failures_are_exactly_the_findings_that_fail_the_run() -> None:
    root = xml(report_result())
    failed = {
        (s.get("name"), c.get("name"))
        for s in root.findall("testsuite")
        for c in s.findall("testcase")
        if c.find("failure") is not None
    }
    assert failed == {
        (RUN_SUITE, "SE004 rejected-server-event"),
        ("purchase", "DD001 missing-event-id"),
        ("purchase", "DD002 event-id-mismatch"),
        ("purchase", "PA001 missing-parameter"),
    }
    body = case(root, "purchase", "DD002 event-id-mismatch").findtext("failure") or ""
    assert "map: event_maps/shop.yaml:41:9" in body
    assert "fix: send the same ID from both sides" in body


def test_warnings_fail_only_with_fail_on_warning() -> None:
    default = case(xml(report_result()), "purchase", "PA003 parameter-disagreement")
    assert outcome(default) == "pass"
    assert "value 49.9 vs 4990" in (default.findtext("system-out") or "")
    strict = case(
        xml(report_result(fail_on=FailOn.WARNING)), "purchase", "PA003 parameter-disagreement"
    )
    assert outcome(strict) == "failure"
    assert strict.find("failure").get("type") == "warning"  # type: ignore[union-attr]


def test_fail_on_never_fails_nothing() -> None:
    root = xml(report_result(fail_on=FailOn.NEVER))
    assert root.get("failures") == "0"
    assert "AddToCart from browser has no event ID" in ET.tostring(root, "unicode")


def test_known_and_ignored_findings_never_fail() -> None:
    root = xml(report_result(fail_on=FailOn.WARNING))
    known = case(root, "purchase", "DD003 duplicate-event")
    ignored = case(root, "purchase", "EV002 unexpected-event")
    assert (outcome(known), outcome(ignored)) == ("pass", "pass")
    assert "[known]" in (known.findtext("system-out") or "")
    assert "[ignored]" in (ignored.findtext("system-out") or "")


def test_errored_check_is_an_error_and_not_applicable_is_skipped_with_reason() -> None:
    root = xml(report_result())
    for suite in (RUN_SUITE, "purchase", "lead"):
        errored = case(root, suite, "OP004 graph-diagnostic")
        assert errored.find("error").get("message") == "graph failed"  # type: ignore[union-attr]
        skipped = case(root, suite, "PR004 consent-violation")
        assert skipped.find("skipped").get("message") == "no CMP"  # type: ignore[union-attr]


def test_journey_testcases() -> None:
    root = xml(report_result())
    assert outcome(case(root, "purchase", "journey")) == "pass"
    lead = case(root, "lead", "journey")
    assert lead.find("error").get("message") == "step submit: timeout 5000 ms"  # type: ignore[union-attr]


def test_run_complete_testcase_carries_the_unobserved_banner() -> None:
    root = xml(report_result(unobserved="capture: none"))
    run = root.find("testsuite")
    assert run is not None
    assert run.get("name") == RUN_SUITE
    first = run.find("testcase")
    assert first is not None
    assert first.get("name") == "run complete"
    error = first.find("error")
    assert error is not None
    assert error.get("message") == f"{UNOBSERVED} (capture: none)"
    props = {p.get("name"): p.get("value") for p in run.iter("property")}
    assert props["warning"] == UNOBSERVED
    assert props["verdict"] == verdict(report_result(unobserved="capture: none"))


def test_unobserved_but_allowed_is_skipped_not_an_error() -> None:
    res = result(unobserved="capture: none", allow_unobserved=True)
    first = case(xml(res), RUN_SUITE, "run complete")
    assert outcome(first) == "skipped"
    assert UNOBSERVED in (first.find("skipped").get("message") or "")  # type: ignore[union-attr]
    assert outcome(case(xml(result()), RUN_SUITE, "run complete")) == "pass"


def test_codes_only_findings_name_still_get_a_testcase() -> None:
    res = result(finding(code="EV009", journey=None))
    res = replace(res, checks=(CheckResult("DD001", "x", Severity.ERROR, (), CheckStatus.PASS),))
    assert outcome(case(xml(res), RUN_SUITE, "EV009 missing-event-id")) == "failure"


def test_hostile_text_is_escaped_and_control_characters_survive_as_text() -> None:
    text = render(report_result(HOSTILE, unobserved="x"), RenderOptions())
    assert "<script>" not in text
    assert "<img" not in text
    assert "&lt;script&gt;" in text
    assert "\x00" not in text
    assert "\x1b" not in text
    assert "\\x00\\x1b" in text
    root = ET.fromstring(text)  # still well-formed
    messages = [e.get("message") or "" for e in root.iter("failure")]
    assert any(HOSTILE.replace("\x00\x1b", "\\x00\\x1b") in m for m in messages)
