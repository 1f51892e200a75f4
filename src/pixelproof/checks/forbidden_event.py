"""An event a journey's `forbid` list names arrived, from either source.

Judged over the whole journey (every step) for both sources; Meta's own automatic events do
not count. A consent violation (PR004) for the same copies explains them and takes over.

**Why:** `forbid` states what must never happen on a path — no PageView after rejecting
cookies, no Purchase on a failed payment. It arriving means the site's logic is wrong.

**Fix:** gate the sending code on the condition the journey tests (consent state, a
successful payment) — in the browser and in the backend.

**Example:** journey `consent-rejected` with `forbid: [PageView]` still sends a PageView
from the base code: EV010 on `PageView`.
"""

from __future__ import annotations

from collections.abc import Iterator

from pixelproof.checks.base import Check, CheckContext, Draft, Need
from pixelproof.meta.event import ObservedEvent
from pixelproof.meta.triggers import META_OWN
from pixelproof.result import Severity


def run(ctx: CheckContext) -> Iterator[Draft]:
    groups: dict[tuple[object, ...], list[ObservedEvent]] = {}
    for e in ctx.events:
        plan = ctx.plans.get(e.journey or "")
        if plan is None or e.event_key not in plan.forbid or e.trigger in META_OWN:
            continue
        if e.accepted is False:
            continue
        groups.setdefault((e.journey, e.event_key, str(e.source), e.pixel_id), []).append(e)
    for events in groups.values():
        first = events[0]
        yield ctx.draft(
            first,
            f"journey '{first.journey}' forbids {first.event_key}, but the {first.source} "
            f"sent {first.name} {len(events)} time(s)",
            refs=tuple(e.ref for e in events),
            hint="gate the code that sends it on what the journey tests",
            cause="forbidden-event",
        )


CHECK = Check(
    code="EV010",
    name="forbidden-event",
    severity=Severity.ERROR,
    needs=frozenset({Need.JOURNEYS}),
    run=run,
    doc=__doc__ or "",
)
