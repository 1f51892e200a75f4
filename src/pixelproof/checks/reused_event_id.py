"""One (pixel, name, event ID) is used for different actions or journeys.

Copies are grouped per source, pixel, name and event ID; the group fires when they belong to
more than one action (journey and action step; without journeys, different visitors).
Exempt: one `fbq('track')` fanned out to several pixels (each pixel is its own dataset),
consent replays, route-change and unknown triggers, keys with `unique: per_order` (a
thank-you reload repeats the order's ID on purpose) and, within one journey, `per_journey`.

**Why:** Meta keeps the first event with a given ID and drops later ones for 48 hours: every
action after the first is silently lost.

**Fix:** mint a fresh ID per action (an order ID for purchases, a UUID otherwise); never
reuse a session or page ID as the event ID.

**Example:** `eventID: sessionStorage.sid` on both AddToCart clicks of one journey: DD004 on
`AddToCart` — Meta counts one add-to-cart.
"""

from __future__ import annotations

from collections.abc import Iterator

from pixelproof.checks.base import Check, CheckContext, Draft, Need
from pixelproof.meta.candidates import visitor
from pixelproof.meta.event import ObservedEvent
from pixelproof.meta.triggers import counted
from pixelproof.result import Severity


def _action(ctx: CheckContext, e: ObservedEvent) -> object | None:
    spec = ctx.facts.keys.get(e.event_key or "")
    unique = spec.unique if spec is not None else "per_action"
    if e.journey is None:
        return ("visitor", visitor(e)) if visitor(e) else None
    return e.journey if unique == "per_journey" else (e.journey, e.step)


def run(ctx: CheckContext) -> Iterator[Draft]:
    groups: dict[tuple[object, ...], list[ObservedEvent]] = {}
    for e in ctx.events:
        spec = ctx.facts.keys.get(e.event_key or "")
        if not e.event_id or not counted(e, replays=False):
            continue
        if spec is not None and spec.unique == "per_order":
            continue
        groups.setdefault((str(e.source), e.pixel_id, e.name, e.event_id), []).append(e)
    for (source, _, name, event_id), events in groups.items():
        actions = {a for a in (_action(ctx, e) for e in events) if a is not None}
        if len(actions) < 2:
            continue
        yield ctx.draft(
            events[0],
            f"{source} event ID '{event_id}' is used by {len(actions)} different {name} "
            "actions; Meta keeps only the first for 48 hours",
            refs=tuple(e.ref for e in events),
            hint="mint a fresh ID per action (order ID or UUID)",
            subject="event_id",
            cause="reused-event-id",
        )


CHECK = Check(
    code="DD004",
    name="reused-event-id",
    severity=Severity.ERROR,
    needs=frozenset({Need.BROWSER, Need.SERVER}),
    any_need=True,
    run=run,
    doc=__doc__ or "",
)
