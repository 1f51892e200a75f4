"""The sink, the relay or Meta rejected a CAPI batch; its events count as not received.

Reported once per batch with Meta's answer (code, subcode and message). When an SE001 or SE002
problem of an event in the same batch explains the rejection (a missing name or time, an
`event_time` older than 7 days), the rejection is info pointing at that event.

**Why:** Meta rejects a whole batch for one bad event — up to 1,000 conversions lost at once —
and most backends log the error and move on, so nobody sees it.

**Fix:** read Meta's `error_user_msg`, fix the event it names, and alert on non-2xx answers from
the Conversions API.

**Example:** a batch answered `400 {"error": {"code": 100, "error_subcode": 2804003, …}}` because
one event is 8 days old: SE004 (info, "see SE002 on s7"), SE002 (error) on s7.
"""

from __future__ import annotations

from collections.abc import Iterator

from pixelproof.checks.base import Check, CheckContext, Draft, Need
from pixelproof.checks.invalid_event_time import time_problem
from pixelproof.checks.missing_server_field import missing_fields
from pixelproof.meta.event import ObservedEvent
from pixelproof.result import BatchRecord, BatchResponse, Severity

REJECTED = frozenset({"rejected", "unparseable"})


def _rejected(batch: BatchRecord) -> bool:
    http = batch.response.http if batch.response else None
    return batch.status in REJECTED or (http is not None and not 200 <= http < 300)


def _answer(response: BatchResponse | None) -> str:
    if response is None:
        return "no answer recorded"
    codes = "/".join(str(c) for c in (response.code, response.subcode) if c is not None)
    parts = [f"HTTP {response.http}" if response.http else "", f"code {codes}" if codes else ""]
    text = ", ".join(p for p in parts if p)
    return f"{text}: {response.message}" if response.message else text or "rejected"


# Fields whose absence makes Meta reject the batch (the others it accepts and documents wrong).
_REJECTED_WITHOUT = frozenset({"event_name", "event_time", "action_source"})


def _explained_by(ctx: CheckContext, events: list[ObservedEvent]) -> str | None:
    """The SE002/SE001 finding that explains a rejection: a stale time first (Meta's 2804003)."""
    for event in events:
        found = time_problem(ctx, event)
        if found is not None and found[0] is Severity.ERROR:
            return f"SE002 on {event.ref}"
    for event in events:
        if any(f in _REJECTED_WITHOUT for f, _ in missing_fields(event)):
            return f"SE001 on {event.ref}"
    return None


def _fallback_batches(ctx: CheckContext) -> list[BatchRecord]:
    """Without batch records, events marked not accepted, one group per batch."""
    groups: dict[str, list[str]] = {}
    for event in ctx.events:
        if event.channel == "capi" and event.accepted is False:
            groups.setdefault(event.batch_ref or event.ref, []).append(event.ref)
    return [
        BatchRecord(ref, "server", None, None, None, None, None, None, "rejected", None, tuple(r))
        for ref, r in groups.items()
    ]


def run(ctx: CheckContext) -> Iterator[Draft]:
    by_ref = {e.ref: e for e in ctx.events}
    for batch in ctx.batches or _fallback_batches(ctx):
        if not _rejected(batch):
            continue
        events = [by_ref[r] for r in batch.events if r in by_ref]
        cause = _explained_by(ctx, events)
        head = events[0] if events else None
        yield Draft(
            message=f"batch {batch.ref} ({len(batch.events)} events) was rejected: "
            + _answer(batch.response),
            severity=Severity.INFO if cause else None,
            event=head.name if head else None,
            event_key=head.event_key if head else None,
            journey=head.journey if head else None,
            source="server",
            pixel_id=head.pixel_id if head else None,
            scope="action" if head else "run",
            refs=tuple(batch.events) or (batch.ref,),
            hint=f"caused by {cause}" if cause else "fix the event Meta's message names",
            subject=batch.path,
            cause="rejected-server-batch",
        )


CHECK = Check(
    code="SE004",
    name="rejected-server-event",
    severity=Severity.ERROR,
    severities=(Severity.ERROR, Severity.INFO),
    needs=frozenset({Need.SERVER}),
    run=run,
    doc=__doc__ or "",
    suppresses=("EV001",),
)
