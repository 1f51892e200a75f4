"""A delivered event copy has no event ID although the map requires one from its source.

Flags browser hits without `eid` and server events without a top-level `event_id` for event
keys whose `event_id.required` names that source (by default both sources of a
`dedup: event_id` key). Route-change PageViews (`history`, `hash`, `bfcache`) never carry an
ID and are exempt, as are Meta's own automatic events and triggers the evidence cannot show.

**Why:** Meta deduplicates a browser and a server copy of one action only when both carry the
same event ID. A copy without one is counted twice — every conversion doubles.

**Fix:** pass the ID as the 4th argument, `fbq('track', 'Purchase', data, {eventID: id})`,
and the same value as the CAPI event's top-level `event_id`.

**Example:** `fbq('track', 'Purchase', {value: 49.9, currency: 'EUR'})` on the thank-you page
while the backend sends `event_id: "order-1001"`: DD001 on the browser Purchase.
"""

from __future__ import annotations

from collections.abc import Iterator

from pixelproof.checks.base import Check, CheckContext, Draft, Need
from pixelproof.meta.event import ObservedEvent, Side
from pixelproof.meta.triggers import EXEMPT
from pixelproof.result import Severity

Group = tuple[str | None, int | None, str | None, str | None, str]


def _needs_id(ctx: CheckContext, event: ObservedEvent) -> bool:
    spec = ctx.facts.keys.get(event.event_key or "")
    if spec is None or event.event_id is not None or str(event.source) not in spec.id_required:
        return False
    if event.source is Side.SERVER:
        return event.accepted is not False
    return event.trigger not in EXEMPT


def run(ctx: CheckContext) -> Iterator[Draft]:
    groups: dict[Group, list[ObservedEvent]] = {}
    for event in ctx.events:
        if _needs_id(ctx, event):
            at = (event.journey, event.step, event.event_key, event.pixel_id, str(event.source))
            groups.setdefault(at, []).append(event)
    for events in groups.values():
        first = events[0]
        where = "eid" if first.source is Side.BROWSER else "event_id"
        copies = f" ({len(events)} copies)" if len(events) > 1 else ""
        yield ctx.draft(
            first,
            f"{first.source} {first.name} has no event ID ({where}){copies}; "
            f"event '{first.event_key}' requires one from the {first.source}",
            refs=tuple(e.ref for e in events),
            hint="send the same ID from both sources: fbq's 4th argument {eventID: …} "
            "and the CAPI event's top-level event_id",
            subject="event_id",
            cause="missing-event-id",
        )


CHECK = Check(
    code="DD001",
    name="missing-event-id",
    severity=Severity.ERROR,
    needs=frozenset({Need.BROWSER, Need.SERVER}),
    any_need=True,
    run=run,
    doc=__doc__ or "",
)
