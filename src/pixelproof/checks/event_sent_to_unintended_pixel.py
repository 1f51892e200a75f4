"""A declared pixel receives an event its role does not list.

Judged per source: a browser hit of a mapped key on a pixel whose role's `events` does not
include that key, or a server event sent to a role with `capi: false`.

**Why:** `fbq('track', …)` goes to every initialised pixel. A partner or agency pixel that
should see only PageView then also receives purchases (and their values), which the
contract with that partner may not allow.

**Fix:** send role-limited events with `fbq('trackSingle', PIXEL_ID, name, data,
{eventID})` to the intended pixel only, or extend the role's `events` if it is wanted.

**Example:** role `agency: {events: [PageView]}` receives `Purchase` because the checkout
page calls `fbq('track', 'Purchase', …)`: EV007 on the agency pixel.
"""

from __future__ import annotations

from collections.abc import Iterator

from pixelproof.checks.base import Check, CheckContext, Draft, Need
from pixelproof.meta.event import ObservedEvent
from pixelproof.meta.triggers import META_OWN
from pixelproof.result import Severity


def _unintended(ctx: CheckContext, e: ObservedEvent) -> bool:
    if e.event_key is None or e.trigger in META_OWN:
        return False
    roles = ctx.facts.roles_of(e.pixel_id)
    return bool(roles) and not any(r.receives(e.event_key, str(e.source)) for r in roles)


def run(ctx: CheckContext) -> Iterator[Draft]:
    groups: dict[tuple[object, ...], list[ObservedEvent]] = {}
    for e in ctx.events:
        if _unintended(ctx, e):
            at = (e.journey, e.step, str(e.source), e.pixel_id, e.event_key)
            groups.setdefault(at, []).append(e)
    for events in groups.values():
        first = events[0]
        roles = ", ".join(r.role for r in ctx.facts.roles_of(first.pixel_id))
        hint = (
            "use fbq('trackSingle', PIXEL_ID, …) for role-limited events"
            if str(first.source) == "browser"
            else "this role has capi: false — send the server event to another dataset"
        )
        yield ctx.draft(
            first,
            f"pixel {first.pixel_id} (role {roles}) received {first.source} {first.name} "
            f"({first.event_key}), which its role does not list",
            refs=tuple(e.ref for e in events),
            hint=hint,
            cause="unintended-pixel",
        )


CHECK = Check(
    code="EV007",
    name="event-sent-to-unintended-pixel",
    severity=Severity.WARNING,
    needs=frozenset({Need.BROWSER, Need.SERVER}),
    any_need=True,
    run=run,
    doc=__doc__ or "",
)
