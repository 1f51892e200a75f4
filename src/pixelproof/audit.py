"""Evidence + map → AuditResult: parse, attribute, pair, check, classify, assemble (DESIGN §1).

Pure: the same evidence and options always give the same result bytes. The clock is the
evidence's capture clock, or `--now`; never the wall clock.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, replace
from datetime import UTC, datetime

from pixelproof import __version__
from pixelproof.assemble import (
    availability,
    batch_records,
    event_record,
    journey_results,
    select_events,
)
from pixelproof.baseline import Ignore, classify
from pixelproof.checks import REGISTRY
from pixelproof.checks.base import CheckContext
from pixelproof.checks.context import build_context
from pixelproof.checks.runner import run_checks
from pixelproof.config.load import LoadedMap
from pixelproof.diagnostics import diagnostics_of
from pixelproof.evidence.model import BrowserHit, Evidence, ServerBatch
from pixelproof.meta.pixel import parse_browser_hits
from pixelproof.meta.server import parse_server_batches
from pixelproof.redact import Redactor
from pixelproof.result import (
    AuditResult,
    FileLocation,
    Finding,
    MapInfo,
    Options,
    Severity,
    SourceStatus,
    ToolInfo,
    finalise,
)
from pixelproof.sensitive import pii_of, secrets_of


@dataclass(frozen=True, slots=True)
class AuditRequest:
    """Everything one evaluation needs; the command builds it from flags and inputs."""

    loaded: LoadedMap
    evidence: Evidence
    sources: tuple[SourceStatus, ...]
    options: Options
    started_at: str
    duration_s: float
    map_path: str | None = None
    now: datetime | None = None  # --now
    clock_offset: float | None = None
    baseline: frozenset[str] = frozenset()
    extra_secrets: tuple[str, ...] = ()
    interrupted: bool = False


def capture_clock(
    evidence: Evidence, browser: Iterable[float | None], server: Iterable[float | None]
) -> datetime:
    """The latest capture time in the evidence, else the run's start, else the epoch."""
    times = [t for t in (*browser, *server) if t is not None]
    if times:
        return datetime.fromtimestamp(max(times), tz=UTC)
    if evidence.run.started is not None:
        return datetime.fromtimestamp(evidence.run.started, tz=UTC)
    return datetime.fromtimestamp(0, tz=UTC)


def _unobserved(loaded: LoadedMap) -> str | None:
    capi = loaded.environment.capi
    declares_server = any("server" in e.sources for e in loaded.map.events.values())
    if declares_server and capi is not None and capi.capture == "none":
        return capi.reason or "capi.capture is none"
    return None


def _ignores(loaded: LoadedMap) -> tuple[Ignore, ...]:
    return tuple(
        Ignore(code=i.code, event=i.event, journey=i.journey, reason=i.reason, until=i.until)
        for i in loaded.map.checks.ignore
    )


def _decorate(findings: Iterable[Finding], loaded: LoadedMap) -> tuple[Finding, ...]:
    """Owner and map location of each finding's event key."""
    out = []
    for f in findings:
        event = loaded.map.events.get(f.event_key) if f.event_key else None
        loc = loaded.location_of(f"events.{f.event_key}") if event is not None else None
        out.append(
            replace(
                f,
                owner=f.owner or (event.owner if event is not None else None),
                location=f.location
                or (FileLocation(loc.path, loc.line, loc.column) if loc else None),
            )
        )
    return tuple(out)


def _context(req: AuditRequest) -> CheckContext:
    hits = req.evidence.of(BrowserHit)
    batches = req.evidence.of(ServerBatch)
    browser = tuple(parse_browser_hits(hits))
    server = tuple(parse_server_batches(batches))
    now = req.now or capture_clock(
        req.evidence, (e.time for e in browser), (b.time for b in batches)
    )
    available, failed, missing = availability(req.sources, journey_results(req.evidence))
    return build_context(
        loaded_map=req.loaded,
        evidence=req.evidence,
        browser_events=browser,
        server_events=server,
        batches=batch_records(batches, server),
        now=now,
        now_given=req.now is not None,
        clock_offset=req.clock_offset,
        available=available,
        failed=failed,
        missing_reason=missing,
        environment_kind=req.loaded.environment.kind,
    )


def evaluate(req: AuditRequest) -> AuditResult:
    """The whole offline half of a run."""
    ctx = _context(req)
    overrides = {c: Severity(s) for c, s in req.loaded.map.checks.severity.items()}
    outcome = run_checks(ctx, REGISTRY, overrides)
    findings = classify(
        _decorate(outcome.findings, req.loaded), req.baseline, _ignores(req.loaded), ctx.now
    )
    records = [event_record(e, ctx.attributions.get(e.ref)) for e in ctx.events]
    linked = {r for f in findings for r in f.refs} | {
        r for p in ctx.pairs for r in (p.browser, p.server) if r is not None
    }
    policy, listed = select_events(records, req.options.result_events, linked)
    journeys = journey_results(req.evidence)
    incomplete = [f"{s.name}: {s.error or 'failed'}" for s in req.sources if s.status == "error"]
    incomplete += [f"journey {j.name} errored" for j in journeys if j.status == "error"]
    incomplete += list(outcome.errors)
    if not req.evidence.complete and not req.interrupted:
        incomplete.append("evidence is partial: the run did not finish")
    result = AuditResult(
        tool=ToolInfo(version=__version__),
        map=MapInfo(
            path=req.map_path,
            name=req.loaded.map.name,
            environment=req.loaded.environment.kind,
            environment_name=req.loaded.environment_name,
        ),
        options=replace(req.options, result_events=policy),
        started_at=req.started_at,
        duration_s=req.duration_s,
        sources=req.sources,
        journeys=journeys,
        events=listed,
        pairs=ctx.pairs,
        checks=outcome.checks,
        findings=findings,
        batches=ctx.batches,
        diagnostics=diagnostics_of(req.evidence),
        incomplete_reasons=tuple(dict.fromkeys(incomplete)),
        unobserved_server=_unobserved(req.loaded),
        interrupted=req.interrupted,
    )
    result = replace(result, summary=replace(result.summary, events_total=len(records)))
    redactor = Redactor(
        pii=pii_of(req.loaded, req.evidence),
        secrets=secrets_of(req.loaded, req.extra_secrets),
        keep_pii=req.options.keep_pii,
    )
    return finalise(redactor.result(result))
