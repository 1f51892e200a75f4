"""A server event's `action_source` contradicts the event map or its browser twin.

Error when an event key declared `action_source: website` (or one with a browser twin) arrives
with another action source, or when a key declared otherwise (`physical_store`, `system_generated`
…) arrives as `website`. A missing or unknown action source is SE001's.

**Why:** Meta deduplicates and attributes website events only against the Pixel; a checkout
event sent as `system_generated` never deduplicates with its browser copy and counts twice,
while an offline sale sent as `website` demands browser fields it cannot have.

**Fix:** set `action_source: "website"` for every event that happened on the site, and the real
channel for CRM, store and phone events.

**Example:** `web_purchase` (website, browser + server) arrives from the backend with
`"action_source": "system_generated"`: SE008 (error).
"""

from __future__ import annotations

from collections.abc import Iterator

from pixelproof.checks.base import Check, CheckContext, Draft, Need
from pixelproof.meta.event import ObservedEvent
from pixelproof.result import Severity
from pixelproof.rulekit import mapview
from pixelproof.rulekit.drafts import Drafter, label


def expected_source(ctx: CheckContext, event: ObservedEvent, twinned: set[str]) -> str | None:
    spec = mapview.spec(ctx, event.event_key)
    if spec is not None:
        website = spec.action_source == "website" or "browser" in spec.sources
        return "website" if website else spec.action_source
    return "website" if event.ref in twinned else None


def run(ctx: CheckContext) -> Iterator[Draft]:
    draft = Drafter(ctx)
    twinned = {p.server for p in ctx.pairs if p.server and p.browser}
    for event in ctx.events:
        if event.channel != "capi" or not event.action_source:
            continue
        wanted = expected_source(ctx, event, twinned)
        if wanted is None or (wanted == "website") == (event.action_source == "website"):
            continue
        yield draft(
            event,
            f"{label(event)} has action_source {event.action_source!r}, expected {wanted!r}",
            hint="website events must say action_source: website; others their real channel",
            subject="action_source",
            cause="wrong-action-source",
        )


CHECK = Check(
    code="SE008",
    name="wrong-action-source",
    severity=Severity.ERROR,
    needs=frozenset({Need.SERVER}),
    run=run,
    doc=__doc__ or "",
)
