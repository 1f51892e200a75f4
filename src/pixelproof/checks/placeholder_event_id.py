"""An event ID that is a placeholder, not a real per-action ID.

Flags event IDs that are empty, `undefined`, `null`, `NaN`, `0`, `[object Object]`, or an
unrendered template (`{{Event ID}}`, `${…}`, `%%…%%`), from either source.

**Why:** Meta deduplicates a browser and a server event only when their event IDs match. A
placeholder is the same for every action, so every purchase collapses into the first one
(real conversions are dropped) — or it never matches the other side (every purchase counts
twice). Either way the numbers are wrong and nothing errors.

**Fix:** mint one real ID per action (an order ID or a UUID) before the event fires and pass
the same value to `fbq('track', name, data, {eventID: id})` and to the CAPI `event_id`. In a
tag manager, check that the variable is defined in the tag's trigger context.

**Example:** `fbq('track', 'Purchase', {...}, {eventID: '{{Event ID}}'})` sends
`eid={{Event ID}}` when the GTM variable is missing: DD006 on the browser Purchase.
"""

from __future__ import annotations

import re
from collections.abc import Iterator

from pixelproof.checks.base import Check, CheckContext, Draft, Need
from pixelproof.result import Severity

_PLACEHOLDERS = frozenset({"", "undefined", "null", "nan", "0", "[object object]", "none"})
_TEMPLATE = re.compile(r"\{\{.*\}\}|\$\{.*\}|%%.*%%")


def is_placeholder(event_id: str) -> bool:
    """True for IDs that cannot identify one action."""
    value = event_id.strip()
    return value.lower() in _PLACEHOLDERS or bool(_TEMPLATE.search(value))


def run(ctx: CheckContext) -> Iterator[Draft]:
    for event in ctx.events:
        if event.event_id is None or not is_placeholder(event.event_id):
            continue
        shown = event.event_id or "(empty)"
        yield Draft(
            message=f"{event.source} {event.name} carries the placeholder event ID '{shown}'",
            event=event.name,
            event_key=event.event_key,
            journey=event.journey,
            step=event.step,
            source=str(event.source),
            pixel_id=event.pixel_id,
            refs=(event.ref,),
            hint="mint one ID per action and send the same value from both sources",
            subject="event_id",
            cause="placeholder-event-id",
        )


CHECK = Check(
    code="DD006",
    name="placeholder-event-id",
    severity=Severity.ERROR,
    needs=frozenset({Need.BROWSER, Need.SERVER}),
    any_need=True,
    run=run,
    doc=__doc__ or "",
    suppresses=("DD002", "DD004"),
)
