"""The SARIF 2.1.0 report, for GitHub code scanning and other SARIF viewers.

* `tool.driver.rules`: one rule per code the findings name (sorted), `id` = the code, `name`
  = its kebab name, `helpUri` = its section of `docs/rules.md`, default level from the check.
* One result per finding, in the result's order: `level` error/warning/note from the
  severity, the message (with where and the fix), the event map location (`path:line:column`
  when the finding has one, else the map file itself), `partialFingerprints` from the
  finding's stable fingerprint (so alerts survive line moves), `baselineState` new/unchanged
  from the baseline, and ignored findings carried as accepted external suppressions.
* The invocation records the exit code and succeeds when the run was complete (exit 0 or 1);
  the unobserved-server banner, incomplete reasons and errored checks are tool notifications.
"""

from __future__ import annotations

from collections.abc import Mapping
from pathlib import PurePosixPath, PureWindowsPath
from urllib.parse import quote

import orjson

from pixelproof.errors import ExitCode
from pixelproof.report import RenderOptions
from pixelproof.report.terminal import UNOBSERVED, verdict
from pixelproof.result import AuditResult, Baseline, CheckStatus, Finding, Severity

SCHEMA_URI = (
    "https://docs.oasis-open.org/sarif/sarif/v2.1.0/errata01/os/schemas/sarif-schema-2.1.0.json"
)
RULES_DOC = "docs/rules.md"
FINGERPRINT_KEY = "pixelproof/v1"
_LEVEL = {Severity.ERROR: "error", Severity.WARNING: "warning", Severity.INFO: "note"}
_BASELINE = {Baseline.NEW: "new", Baseline.KNOWN: "unchanged", Baseline.IGNORED: "unchanged"}

Json = dict[str, object]


def render(result: AuditResult, options: RenderOptions) -> str:
    rules = _rules(result)
    index = {str(rule["id"]): i for i, rule in enumerate(rules)}
    run: Json = {
        "tool": {
            "driver": {
                "name": result.tool.name,
                "version": result.tool.version or "0",
                "rules": rules,
            }
        },
        "invocations": [_invocation(result)],
        "columnKind": "unicodeCodePoints",
        "results": [_result(result, f, index[f.code]) for f in result.findings],
        "properties": _run_properties(result),
    }
    log = {"version": "2.1.0", "$schema": SCHEMA_URI, "runs": [run]}
    return orjson.dumps(log, option=orjson.OPT_INDENT_2).decode() + "\n"


def _rules(result: AuditResult) -> list[Json]:
    checks = {c.code: c for c in result.checks}
    worst: dict[str, Finding] = {}
    for f in result.findings:
        if f.code not in worst or f.severity.rank < worst[f.code].severity.rank:
            worst[f.code] = f
    rules: list[Json] = []
    for code in sorted(worst):
        check = checks.get(code)
        name = check.name if check else worst[code].name
        severity = check.severity if check else worst[code].severity
        rules.append(
            {
                "id": code,
                "name": name,
                "shortDescription": {"text": name.replace("-", " ").capitalize()},
                "helpUri": f"{RULES_DOC}#{code.lower()}",
                "help": {
                    "text": f"{code} {name}: `pixelproof explain {code}` says why it matters "
                    "and how to fix it.",
                    "markdown": f"**{code} {name}**: run `pixelproof explain {code}` or see "
                    f"[the rules reference]({RULES_DOC}#{code.lower()}).",
                },
                "defaultConfiguration": {"level": _LEVEL[severity]},
            }
        )
    return rules


def _result(result: AuditResult, f: Finding, rule_index: int) -> Json:
    out: Json = {
        "ruleId": f.code,
        "ruleIndex": rule_index,
        "level": _LEVEL[f.severity],
        "message": {"text": _message(f)},
    }
    location = _location(result, f)
    if location is not None:
        out["locations"] = [location]
    out["partialFingerprints"] = {FINGERPRINT_KEY: f.fingerprint}
    out["baselineState"] = _BASELINE[f.baseline]
    if f.baseline is Baseline.IGNORED:
        out["suppressions"] = [
            {
                "kind": "external",
                "status": "accepted",
                "justification": "ignored by the event map's checks.ignore or the baseline",
            }
        ]
    out["properties"] = _finding_properties(f)
    return out


def _message(f: Finding) -> str:
    where = " › ".join(
        p for p in (f.journey, None if f.step is None else f"step {f.step}", f.event) if p
    )
    text = f"{where}: {f.message}" if where else f.message
    return text + (f"\nFix: {f.hint}" if f.hint else "")


def _location(result: AuditResult, f: Finding) -> Json | None:
    if f.location is not None:
        physical: Json = {
            "artifactLocation": _artifact(f.location.path),
            "region": {
                "startLine": max(f.location.line, 1),
                "startColumn": max(f.location.column, 1),
            },
        }
    elif result.map.path:
        physical = {"artifactLocation": _artifact(result.map.path)}
    else:
        return None
    return {"physicalLocation": physical}


def _artifact(path: str) -> Json:
    """A file URI for absolute paths; a relative URI under the checkout root otherwise."""
    windows = PureWindowsPath(path)
    if windows.drive and windows.is_absolute():
        return {"uri": windows.as_uri()}
    posix = PurePosixPath(path.replace("\\", "/"))
    if posix.is_absolute():
        return {"uri": posix.as_uri()}
    return {"uri": quote(posix.as_posix(), safe="/"), "uriBaseId": "%SRCROOT%"}


def _finding_properties(f: Finding) -> Json:
    values: Mapping[str, object] = {
        "severity": f.severity.value,
        "scope": f.scope,
        "journey": f.journey,
        "step": f.step,
        "event": f.event,
        "eventKey": f.event_key,
        "source": f.source,
        "pixelId": f.pixel_id,
        "subject": f.subject,
        "cause": f.cause,
        "owner": f.owner,
        "refs": list(f.refs) or None,
        "related": list(f.related) or None,
    }
    return {k: v for k, v in values.items() if v is not None}


def _invocation(result: AuditResult) -> Json:
    notes: list[Json] = []
    if result.unobserved_server is not None:
        notes.append(_note("warning", f"{UNOBSERVED} ({result.unobserved_server})", "OP008"))
    if result.interrupted:
        notes.append(_note("error", "interrupted: partial result"))
    notes += [_note("warning", f"incomplete: {r}") for r in result.incomplete_reasons]
    notes += [
        _note("error", f"{c.code} {c.name} errored: {c.message or 'no reason given'}", c.code)
        for c in result.checks
        if c.status is CheckStatus.ERROR
    ]
    invocation: Json = {
        "executionSuccessful": result.exit_code in (ExitCode.OK, ExitCode.FINDINGS),
        "exitCode": int(result.exit_code),
    }
    if result.started_at:
        invocation["startTimeUtc"] = result.started_at
    if notes:
        invocation["toolExecutionNotifications"] = notes
    return invocation


def _note(level: str, text: str, rule: str | None = None) -> Json:
    note: Json = {"level": level, "message": {"text": text}}
    if rule is not None:
        note["descriptor"] = {"id": rule}
    return note


def _run_properties(result: AuditResult) -> Json:
    s = result.summary
    return {
        "verdict": verdict(result),
        "status": result.status.value,
        "complete": result.complete,
        "failOn": result.options.fail_on.value,
        "map": {"path": result.map.path, "name": result.map.name},
        "environment": result.map.environment_name or result.map.environment,
        "summary": {
            "error": s.error,
            "warning": s.warning,
            "info": s.info,
            "known": s.known,
            "events": s.events_total,
        },
    }
