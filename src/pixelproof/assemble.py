"""Evidence and parsed events → the records of the result (DESIGN §9). Pure functions.

Kept apart from `audit.py` so the shapes of events, batches, journeys and sources are tested
on their own and the audit function stays a short sequence of steps.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence
from datetime import UTC, datetime

import orjson

from pixelproof.checks.base import SOURCE_PROVIDES, Need
from pixelproof.evidence.model import Evidence, JourneyRecord, ServerBatch, StepRecord
from pixelproof.meta.capi import parse_path
from pixelproof.meta.event import ObservedEvent
from pixelproof.meta.server import decode_batch
from pixelproof.result import (
    Attribution,
    BatchRecord,
    BatchResponse,
    EventRecord,
    JourneyResult,
    SourceStatus,
    StepResult,
)

EXCERPT_LIMIT = 2048
AUTO_LIMIT = 10_000


def iso(epoch: float | None) -> str | None:
    """ISO 8601 UTC with milliseconds, or None."""
    if epoch is None:
        return None
    stamp = datetime.fromtimestamp(epoch, tz=UTC)
    return stamp.strftime("%Y-%m-%dT%H:%M:%S.") + f"{stamp.microsecond // 1000:03d}Z"


def excerpt(event: ObservedEvent) -> str | None:
    """A short, stable view of what was sent (redacted later with the rest of the result)."""
    data = {
        "name": event.name,
        "event_id": event.event_id,
        "custom_data": dict(event.custom_data),
        "user_data": dict(event.user_data),
    }
    text = orjson.dumps(data, option=orjson.OPT_SORT_KEYS, default=str).decode()
    return text if len(text) <= EXCERPT_LIMIT else text[: EXCERPT_LIMIT - 1] + "…"


def event_record(event: ObservedEvent, attribution: Attribution | None = None) -> EventRecord:
    return EventRecord(
        ref=event.ref,
        source=str(event.source),
        channel=event.channel,
        transport=str(event.transport),
        trigger=None if event.trigger is None else str(event.trigger),
        attribution=attribution,
        pixel_id=event.pixel_id,
        name=event.name,
        event_id=event.event_id,
        journey=event.journey,
        step=event.step,
        time=iso(event.time),
        ts=event.ts,
        event_time=event.event_time,
        url=event.url,
        custom_data=event.custom_data,
        user_data_keys=tuple(sorted(event.user_data)),
        excerpt=excerpt(event),
        problems=event.problems,
        event_key=event.event_key,
        attempts=event.attempts,
        action_source=event.action_source,
        accepted=event.accepted,
    )


def _response(batch: ServerBatch) -> BatchResponse | None:
    if batch.response is None:
        return None
    status = batch.response.get("status")
    http = status if isinstance(status, int) and not isinstance(status, bool) else None
    try:
        body = orjson.loads(str(batch.response.get("body") or "null"))
    except orjson.JSONDecodeError:
        body = None
    error = body.get("error") if isinstance(body, dict) else None
    if not isinstance(error, dict):
        return BatchResponse(http=http)
    code, sub, msg = error.get("code"), error.get("error_subcode"), error.get("message")
    return BatchResponse(
        http=http,
        code=code if isinstance(code, int) else None,
        subcode=sub if isinstance(sub, int) else None,
        message=msg if isinstance(msg, str) else None,
    )


def _batch_status(batch: ServerBatch, response: BatchResponse | None, parsed: bool) -> str:
    if batch.retry_of is not None:
        return "retry"
    if not parsed:
        return "unparseable"
    if response is not None and response.http is not None and not 200 <= response.http < 300:
        return "rejected"
    return "accepted"


def _batch_codes(
    batch: ServerBatch, parsed: Sequence[ObservedEvent]
) -> tuple[bool, str | None, str | None]:
    """(decoded, partner_agent, test_event_code): from the batch's parsed events, which carry
    them; only an event-less batch (empty, invalid, no `data`) is decoded again."""
    if parsed:
        head = parsed[0]
        return batch.shape != "invalid", head.partner_agent, head.test_event_code
    req = decode_batch(batch)
    decoded = req.data_present and batch.shape != "invalid"
    return decoded, req.partner_agent, req.test_event_code


def batch_records(
    batches: Sequence[ServerBatch], events: Iterable[ObservedEvent]
) -> tuple[BatchRecord, ...]:
    """One record per server batch, with the refs of the events parsed from it."""
    by_batch: dict[str, list[ObservedEvent]] = {}
    for e in events:
        if e.batch_ref is not None:
            by_batch.setdefault(e.batch_ref, []).append(e)
    out = []
    for batch in batches:
        ref = f"batch{batch.seq}"
        parsed = by_batch.get(ref, [])
        decoded, agent, test_code = _batch_codes(batch, parsed)
        response = _response(batch)
        version, _ = parse_path(batch.path or "")
        out.append(
            BatchRecord(
                ref=ref,
                source=batch.source,
                time=iso(batch.time),
                path=batch.path,
                api_version=version,
                partner_agent=agent,
                user_agent=batch.user_agent,
                test_event_code=test_code,
                status=_batch_status(batch, response, decoded),
                response=response,
                events=tuple(e.ref for e in parsed),
            )
        )
    return tuple(out)


def journey_results(evidence: Evidence) -> tuple[JourneyResult, ...]:
    """Journeys and their steps as the live runner recorded them (none for HAR/log input)."""
    steps: dict[str, list[StepResult]] = {}
    for s in evidence.of(StepRecord):
        steps.setdefault(s.journey, []).append(
            StepResult(
                index=s.index,
                id=s.id,
                key=s.key,
                action=s.action,
                status=s.status,
                started_at=iso(s.started),
                ended_at=iso(s.ended),
                error=s.error,
                screenshot=s.screenshot,
            )
        )
    return tuple(
        JourneyResult(
            name=j.name,
            status=j.status,
            consent=j.consent or "none",
            steps=tuple(sorted(steps.get(j.name, []), key=lambda s: s.index)),
        )
        for j in evidence.of(JourneyRecord)
    )


def availability(
    sources: Iterable[SourceStatus], journeys: Sequence[JourneyResult] = ()
) -> tuple[frozenset[Need], dict[Need, str], dict[Need, str]]:
    """Which needs the sources provide, which failed (with why), and why others are missing.

    When every journey errored, the browser "worked" but gathered nothing the site would send:
    the needs a journey feeds are failed, so no check passes on that missing evidence.
    """
    available: set[Need] = set()
    failed: dict[Need, str] = {}
    skipped: dict[Need, str] = {}
    for s in sources:
        for need in SOURCE_PROVIDES.get(s.name, frozenset()):
            if s.status == "ok":
                available.add(need)
            elif s.status == "error":
                failed.setdefault(need, f"{s.name} failed: {s.error or 'unknown error'}")
            elif s.error:
                skipped.setdefault(need, f"{s.name} skipped: {s.error}")
    for need in available:
        failed.pop(need, None)
    if journeys and all(j.status == "error" for j in journeys):
        for need in _FED_BY_JOURNEYS & available:
            failed[need] = "every journey errored: nothing was gathered to judge"
        available -= _FED_BY_JOURNEYS
    missing = {n: skipped.get(n, _MISSING[n]) for n in Need if n not in available}
    return frozenset(available), failed, missing


_FED_BY_JOURNEYS = frozenset(
    {Need.BROWSER, Need.SERVER, Need.JOURNEYS, Need.CONSENT, Need.PAGE_SCRIPT}
)


_MISSING: Mapping[Need, str] = {
    Need.BROWSER: "no browser evidence (no journeys run and no --har given)",
    Need.SERVER: "no server evidence (no sink, relay or --capi-log)",
    Need.GRAPH: "no Graph snapshot (no token, --no-graph, or offline input)",
    Need.JOURNEYS: "no journey timeline (HAR or log input)",
    Need.CONSENT: "no consent timeline (HAR or log input)",
    Need.PAGE_SCRIPT: "no page-script observations (HAR or log input)",
}


def select_events(
    records: Sequence[EventRecord], policy: str, linked: set[str]
) -> tuple[str, tuple[EventRecord, ...]]:
    """Apply `--result-events`: the effective policy and the listed events."""
    effective = policy
    if policy == "auto":
        effective = "all" if len(records) <= AUTO_LIMIT else "linked"
    if effective == "all":
        return effective, tuple(records)
    return effective, tuple(r for r in records if r.ref in linked)
