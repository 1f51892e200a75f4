"""The event ID was sent inside custom data instead of as the event ID.

Browser: `cd[eventID]`/`cd[event_id]` (the ID passed in `fbq`'s 3rd argument) while `eid` is
absent; server: `custom_data.event_id` while the top-level `event_id` is absent. Both present:
info (harmless, but the custom-data copy does nothing).

**Why:** Meta deduplicates only on the top-level ID: `fbq`'s 4th argument (`eid` on the wire)
and CAPI's `event_id`. An ID in custom data is just another parameter — both copies count.

**Fix:** move it: `fbq('track', 'Purchase', data, {eventID: id})` — the 4th argument, not
inside `data`; on the server, set `event_id` on the event itself.

**Example:** `fbq('track', 'Purchase', {value: 10, currency: 'EUR', eventID: 'o-1'})` sends
`cd[eventID]=o-1` and no `eid`: DD005 on the browser Purchase.
"""

from __future__ import annotations

from collections.abc import Iterator

from pixelproof.checks.base import Check, CheckContext, Draft, Need
from pixelproof.result import Severity

KEYS = ("eventID", "event_id", "eventId")


def run(ctx: CheckContext) -> Iterator[Draft]:
    for e in ctx.events:
        inside = next((k for k in KEYS if e.custom_data.get(k) not in (None, "")), None)
        if inside is None:
            continue
        both = e.event_id is not None
        where = "cd[" + inside + "]" if str(e.source) == "browser" else f"custom_data.{inside}"
        yield ctx.draft(
            e,
            f"{e.source} {e.name} carries its event ID in {where}"
            + (" as well as at top level" if both else " and none at top level"),
            severity=Severity.INFO if both else None,
            hint="pass it as fbq's 4th argument {eventID: …} / the CAPI event's event_id",
            subject="event_id",
            cause="event-id-in-custom-data",
        )


CHECK = Check(
    code="DD005",
    name="event-id-in-custom-data",
    severity=Severity.ERROR,
    severities=(Severity.ERROR, Severity.INFO),
    needs=frozenset({Need.BROWSER, Need.SERVER}),
    any_need=True,
    suppresses=("DD001",),
    run=run,
    doc=__doc__ or "",
)
