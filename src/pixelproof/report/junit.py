"""The JUnit XML report, for CI test reporters (Jenkins xunit/JUnit, GitLab, GitHub actions).

Mapping (the output validates against Jenkins xunit's `junit-10.xsd`):

* One `<testsuite>` per journey (run order, then journeys only findings name), and first of
  all one named `(run)` for findings without a journey (dataset- and run-scope findings, HAR
  input with no journeys) and for the run's completeness.
* One `<testcase>` per **check × suite** (`name="DD001 missing-event-id"`,
  `classname="pixelproof.<suite>"`), not one per finding: CI UIs track a test by its name
  across builds, so a fixed set of testcases gives a meaningful history ("DD002 in checkout
  failed in #41, fixed in #42") and a stable test count, and a passing check is visible as a
  passing test. Every finding of that check in that suite is listed in the testcase's body.
* A testcase is a `<failure>` when one of its findings fails `--fail-on`
  (`result.options.fail_on`, via `fails()`): counted errors by default, counted warnings too
  with `--fail-on warning`, nothing with `never`. So the failures CI shows are exactly what
  made the exit code 1. Findings below the threshold, and known or ignored (baseline)
  findings, go to the testcase's `<system-out>` and never fail it.
* A check that errored is an `<error>` in every suite (it judged none of them); a
  `not_applicable` check is `<skipped>` with the reason.
* Each journey suite has a `journey` testcase: `<error>` when the journey errored (the run is
  incomplete), `<skipped>` when skipped; a journey whose steps failed is judged by the
  findings it produced, so its failed steps are only listed in `<system-out>`.
* The `(run)` suite opens with a `run complete` testcase: `<error>` when the run is
  incomplete (exit 3: interrupted, an errored source/journey/check, the server half not
  observed), `<skipped>` when the server half was not observed but `--allow-unobserved-server`
  accepted it. Its properties carry the verdict line.

Text is escaped by ElementTree; characters XML 1.0 cannot carry are written as `\\xNN`.
"""

from __future__ import annotations

import re
import xml.etree.ElementTree as ET
from collections import defaultdict
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field

from pixelproof.report import RenderOptions
from pixelproof.report.terminal import UNOBSERVED, verdict
from pixelproof.result import (
    AuditResult,
    CheckResult,
    CheckStatus,
    Finding,
    JourneyResult,
    fails,
)

RUN_SUITE = "(run)"
_ILLEGAL_XML = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\ud800-\udfff\ufffe\uffff]")


@dataclass
class _Suite:
    name: str
    cases: list[ET.Element] = field(default_factory=list)
    counts: dict[str, int] = field(default_factory=lambda: defaultdict(int))
    time: str | None = None


def render(result: AuditResult, options: RenderOptions) -> str:
    title = result.map.name or result.map.path or "event map"
    root = ET.Element("testsuites", name=_clean(f"pixelproof: {title}"))
    suites = [_run_suite(result), *_journey_suites(result)]
    totals: dict[str, int] = defaultdict(int)
    for suite in suites:
        root.append(_suite_element(result, suite))
        for key in ("tests", "failures", "errors"):
            totals[key] += suite.counts[key]
    for key in ("tests", "failures", "errors"):
        root.set(key, str(totals[key]))
    root.set("time", f"{max(result.duration_s, 0.0):.3f}")
    ET.indent(root)
    return '<?xml version="1.0" encoding="UTF-8"?>\n' + ET.tostring(root, "unicode") + "\n"


def _suite_element(result: AuditResult, suite: _Suite) -> ET.Element:
    element = ET.Element("testsuite", name=_clean(suite.name))
    for key in ("tests", "failures", "errors", "skipped"):
        element.set(key, str(suite.counts[key]))
    element.set("timestamp", _clean(result.started_at))
    if suite.time is not None:
        element.set("time", suite.time)
    if suite.name == RUN_SUITE:
        element.append(_properties(result))
    element.extend(suite.cases)
    return element


def _properties(result: AuditResult) -> ET.Element:
    props = ET.Element("properties")
    values = {
        "verdict": verdict(result),
        "status": result.status.value,
        "exit_code": str(int(result.exit_code)),
        "fail_on": result.options.fail_on.value,
        "map": result.map.path or "",
        "environment": result.map.environment_name or result.map.environment,
        "tool": f"{result.tool.name} {result.tool.version}".strip(),
    }
    if result.unobserved_server is not None:
        values = {"warning": UNOBSERVED, **values}
    for name, value in values.items():
        ET.SubElement(props, "property", name=name, value=_clean(value))
    return props


def _run_suite(result: AuditResult) -> _Suite:
    suite = _Suite(RUN_SUITE, time=f"{max(result.duration_s, 0.0):.3f}")
    _add(suite, _completeness_case(result))
    by_code = _findings_by_code(f for f in result.findings if f.journey is None)
    for check in _checks(result):
        _add(suite, _check_case(result, suite.name, check, by_code.get(check.code, [])))
    return suite


def _journey_suites(result: AuditResult) -> list[_Suite]:
    known = {j.name: j for j in result.journeys}
    names = [j.name for j in result.journeys]
    names += sorted({f.journey for f in result.findings if f.journey and f.journey not in known})
    suites = []
    for name in names:
        suite = _Suite(name)
        journey = known.get(name)
        if journey is not None:
            _add(suite, _journey_case(journey))
        by_code = _findings_by_code(f for f in result.findings if f.journey == name)
        for check in _checks(result):
            _add(suite, _check_case(result, name, check, by_code.get(check.code, [])))
        suites.append(suite)
    return suites


def _checks(result: AuditResult) -> list[CheckResult]:
    """Every check that ran, plus a stand-in for codes only findings name (merged results)."""
    checks = {c.code: c for c in result.checks}
    for f in result.findings:
        if f.code not in checks:
            status = CheckStatus.FAIL if f.counted else CheckStatus.PASS
            checks[f.code] = CheckResult(f.code, f.name, f.severity, (), status)
    return [checks[code] for code in sorted(checks)]


def _findings_by_code(findings: Iterable[Finding]) -> dict[str, list[Finding]]:
    grouped: dict[str, list[Finding]] = defaultdict(list)
    for f in findings:
        grouped[f.code].append(f)
    return grouped


def _add(suite: _Suite, case: ET.Element) -> None:
    suite.cases.append(case)
    suite.counts["tests"] += 1
    for tag, key in (("failure", "failures"), ("error", "errors"), ("skipped", "skipped")):
        if case.find(tag) is not None:
            suite.counts[key] += 1


def _case(suite: str, name: str) -> ET.Element:
    return ET.Element("testcase", name=_clean(name), classname=_clean(f"pixelproof.{suite}"))


def _outcome(case: ET.Element, tag: str, message: str, kind: str, body: str = "") -> None:
    child = ET.SubElement(case, tag, message=_clean(message), type=kind)
    if body:
        child.text = _clean(body)


def _system_out(case: ET.Element, lines: Sequence[str]) -> None:
    if lines:
        ET.SubElement(case, "system-out").text = _clean("\n".join(lines) + "\n")


def _check_case(
    result: AuditResult, suite: str, check: CheckResult, findings: list[Finding]
) -> ET.Element:
    case = _case(suite, f"{check.code} {check.name}")
    failing = [f for f in findings if fails(f, result.options.fail_on)]
    others = [f for f in findings if f not in failing]
    if failing:
        first = failing[0]
        more = f" (+{len(failing) - 1} more)" if len(failing) > 1 else ""
        body = "\n\n".join(_describe(f) for f in failing)
        _outcome(case, "failure", first.message + more, first.severity.value, body + "\n")
    elif check.status is CheckStatus.ERROR:
        _outcome(case, "error", check.message or "the check errored", "check-error")
    elif check.status is CheckStatus.NOT_APPLICABLE:
        _outcome(case, "skipped", check.message or "not applicable", "not_applicable")
    _system_out(case, ["\n\n".join(_describe(f) for f in others)] if others else [])
    return case


def _describe(f: Finding) -> str:
    where = " › ".join(
        p for p in (f.journey, None if f.step is None else f"step {f.step}", f.event) if p
    )
    tag = "" if f.counted else f" [{f.baseline.value}]"
    lines = [
        f"{f.severity.value.upper()} {f.code} {f.name}{tag}" + (f" · {where}" if where else "")
    ]
    lines.append(f"  {f.message}")
    if f.hint:
        lines.append(f"  fix: {f.hint}")
    if f.location is not None:
        loc = f.location
        lines.append(f"  map: {loc.path}:{loc.line}:{loc.column}")
    if f.refs:
        lines.append(f"  events: {' '.join(f.refs)}")
    lines.append(f"  fingerprint: {f.fingerprint}")
    return "\n".join(lines)


def _journey_case(journey: JourneyResult) -> ET.Element:
    case = _case(journey.name, "journey")
    broken = [s for s in journey.steps if s.status in ("fail", "error")]
    if journey.status == "error":
        step = broken[0] if broken else None
        message = f"step {step.key}: {step.error or step.status}" if step else "journey errored"
        _outcome(case, "error", message, "journey-error")
    elif journey.status == "skip":
        _outcome(case, "skipped", "journey skipped", "skip")
    lines = [f"consent: {journey.consent}"]
    lines += [
        f"step {s.index} {s.key}: {s.status}" + (f" — {s.error}" if s.error else "")
        for s in journey.steps
    ]
    _system_out(case, lines)
    return case


def _completeness_case(result: AuditResult) -> ET.Element:
    case = _case(RUN_SUITE, "run complete")
    reasons = []
    if result.unobserved_server is not None:
        reasons.append(f"{UNOBSERVED} ({result.unobserved_server})")
    if result.interrupted:
        reasons.append("interrupted")
    reasons += result.incomplete_reasons
    blocking = result.interrupted or bool(result.incomplete_reasons)
    blocking = blocking or (
        result.unobserved_server is not None and not result.options.allow_unobserved_server
    )
    if blocking:
        _outcome(case, "error", reasons[0], "incomplete", "\n".join(reasons) + "\n")
    elif reasons:
        _outcome(case, "skipped", f"{reasons[0]}; allowed by --allow-unobserved-server", "allowed")
    _system_out(case, [verdict(result)])
    return case


def _clean(text: str) -> str:
    """Characters XML 1.0 cannot carry at all (ElementTree would write them raw)."""
    return _ILLEGAL_XML.sub(lambda m: f"\\x{ord(m.group()):02x}", text)
