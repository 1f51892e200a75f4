"""Run checks with error isolation (DESIGN §1, §13; STYLE habit 6).

A missing source makes a check `not_applicable`, a failed one `error`, and a crashing rule
`error` — the run goes on and is reported incomplete.
"""

from __future__ import annotations

import traceback
from collections.abc import Mapping
from dataclasses import dataclass, replace

from pixelproof.checks.base import Check, CheckContext, Draft, Need, fingerprint
from pixelproof.result import CheckResult, CheckStatus, Finding, Severity


@dataclass(frozen=True, slots=True)
class Outcome:
    """What running the registry produced: per-check results, findings, crash reasons."""

    checks: tuple[CheckResult, ...]
    findings: tuple[Finding, ...]
    errors: tuple[str, ...]


def _readiness(check: Check, ctx: CheckContext) -> tuple[CheckStatus, str] | None:
    """None when the check can run; otherwise its status and the reason."""
    failed = [n for n in sorted(check.needs) if n in ctx.failed]
    missing = [n for n in sorted(check.needs) if n not in ctx.available and n not in ctx.failed]
    if check.any_need and any(n in ctx.available for n in check.needs):
        return None
    if failed:
        return CheckStatus.ERROR, "; ".join(f"{n}: {ctx.failed[n]}" for n in failed)
    if missing:
        return CheckStatus.NOT_APPLICABLE, _missing_text(missing, ctx)
    return None


def _missing_text(missing: list[Need], ctx: CheckContext) -> str:
    reasons = [ctx.missing_reason.get(n, f"no {n} evidence") for n in missing]
    return "; ".join(dict.fromkeys(reasons))


def _finding(check: Check, draft: Draft, severity: Severity) -> Finding:
    fp = fingerprint(
        check.code,
        draft.event_key,
        draft.journey,
        draft.step_key,
        draft.pixel_id,
        draft.source,
        draft.subject,
    )
    return Finding(
        code=check.code,
        name=check.name,
        severity=severity,
        message=draft.message,
        fingerprint=fp,
        event=draft.event,
        event_key=draft.event_key,
        journey=draft.journey,
        step=draft.step,
        source=draft.source,
        pixel_id=draft.pixel_id,
        scope=draft.scope,
        refs=draft.refs,
        hint=draft.hint,
        subject=draft.subject,
        cause=draft.cause,
    )


def status_of(findings: list[Finding]) -> CheckStatus:
    """`fail` if any counted finding is an error, `warn` if a warning, else `pass` (§13)."""
    severities = {f.severity for f in findings if f.counted}
    if Severity.ERROR in severities:
        return CheckStatus.FAIL
    if Severity.WARNING in severities:
        return CheckStatus.WARN
    return CheckStatus.PASS


def run_one(
    check: Check, ctx: CheckContext, override: Severity | None
) -> tuple[CheckStatus, str | None, list[Finding]]:
    status, message, found = _run(check, ctx, override)
    return status, message, [f for f, _ in found]


Joined = tuple[Finding, frozenset[str]]


def _run(
    check: Check, ctx: CheckContext, override: Severity | None
) -> tuple[CheckStatus, str | None, list[Joined]]:
    """Run one check; each finding keeps its suppression keys (refs plus `Draft.joins`)."""
    ready = _readiness(check, ctx)
    if ready is not None:
        return ready[0], ready[1], []
    try:
        drafts = list(check.run(ctx))
    except Exception as exc:  # a buggy rule must not stop the run (STYLE habit 6)
        where = traceback.extract_tb(exc.__traceback__)[-1]
        reason = f"{check.code} crashed: {type(exc).__name__}: {exc} ({where.name}:{where.lineno})"
        return CheckStatus.ERROR, reason, []
    found = [
        (_finding(check, d, override or d.severity or check.severity), frozenset(d.refs + d.joins))
        for d in drafts
    ]
    return status_of([f for f, _ in found]), None, found


def run_checks(
    ctx: CheckContext,
    checks: tuple[Check, ...],
    overrides: Mapping[str, Severity] | None = None,
) -> Outcome:
    """Every check, isolated; then the suppression post-pass."""
    overrides = overrides or {}
    results: list[CheckResult] = []
    findings: dict[str, list[Finding]] = {}
    keys: dict[int, frozenset[str]] = {}
    errors: list[str] = []
    for check in checks:
        override = overrides.get(check.code)
        status, message, joined = _run(check, ctx, override)
        found = [f for f, _ in joined]
        keys.update((id(f), k) for f, k in joined)
        if status is CheckStatus.ERROR and message:
            errors.append(message)
        findings[check.code] = found
        severity = override or min(check.emits, key=lambda s: s.rank)
        needs = tuple(sorted(n.value for n in check.needs))
        results.append(CheckResult(check.code, check.name, severity, needs, status, message))
    errored = {r.code for r in results if r.status is CheckStatus.ERROR}
    kept = suppress(findings, checks, errored, keys)
    return Outcome(tuple(results), tuple(kept), tuple(errors))


def suppress(
    findings: Mapping[str, list[Finding]],
    checks: tuple[Check, ...],
    errored: set[str],
    keys: Mapping[int, frozenset[str]] | None = None,
) -> list[Finding]:
    """One defect, one finding: a suppressing rule's finding hides findings that share a ref
    (or a join key a rule declared with `Draft.joins`, e.g. a console line or a journey)."""
    keys = keys or {}

    def key(f: Finding) -> frozenset[str]:
        return keys.get(id(f), frozenset(f.refs))

    removed: set[int] = set()
    survivors: dict[int, Finding] = {}
    for check in checks:
        if check.code in errored:
            continue
        for winner in findings.get(check.code, []):
            hidden = [
                loser
                for code in check.suppresses
                for loser in findings.get(code, [])
                if key(loser) & key(winner)
            ]
            removed.update(id(h) for h in hidden)
            if hidden:
                related = tuple(sorted({*winner.related, *(h.fingerprint for h in hidden)}))
                survivors[id(winner)] = replace(winner, related=related)
    every = (f for found in findings.values() for f in found)
    return [survivors.get(id(f), f) for f in every if id(f) not in removed]
