"""A mapped event goes to a pixel the map does not declare.

Judged on browser hits of mapped event keys sent to a pixel ID that no role of the run's
environment (nor another environment, EV006) declares. Hits from a cross-origin frame (an
embed) or to a pixel listed under `pixels.ignore` are info.

**Why:** conversions sent to someone else's pixel leak your customers' actions into a
dataset you do not control, and are missing from yours.

**Fix:** remove the stray `fbq('init', …)`, or declare the pixel (a role with the events it
should receive) — or list an embed's pixel under `pixels.ignore`.

**Example:** an old agency pixel still initialised in the theme receives every Purchase:
EV004 on `web_purchase` for pixel 555….
"""

from __future__ import annotations

from collections.abc import Iterator

from pixelproof.checks.base import Check, CheckContext, Draft, Need
from pixelproof.evidence.model import BrowserHit
from pixelproof.meta.event import ObservedEvent, Side
from pixelproof.meta.triggers import META_OWN
from pixelproof.result import Severity


def _foreign(ctx: CheckContext, e: ObservedEvent) -> bool:
    if e.source is not Side.BROWSER or e.event_key is None or e.trigger in META_OWN:
        return False
    facts = ctx.facts
    return bool(facts.roles) and e.pixel_id not in facts.pixel_ids | set(facts.other_pixels)


def run(ctx: CheckContext) -> Iterator[Draft]:
    frames = {h.seq: h.frame for h in ctx.evidence.of(BrowserHit)} if ctx.evidence else {}
    groups: dict[tuple[object, ...], list[ObservedEvent]] = {}
    for e in ctx.events:
        if _foreign(ctx, e):
            groups.setdefault((e.journey, e.step, e.pixel_id, e.event_key), []).append(e)
    for events in groups.values():
        first = events[0]
        framed = frames.get(first.seq) is not None
        minor = framed or first.pixel_id in ctx.facts.ignored
        where = " from a frame" if framed else ""
        yield ctx.draft(
            first,
            f"{first.name} ({first.event_key}) went to pixel {first.pixel_id}{where}, "
            "which the map does not declare",
            severity=Severity.INFO if minor else None,
            refs=tuple(e.ref for e in events),
            hint="remove the stray fbq('init', …) or declare the pixel under a role",
            cause="foreign-pixel",
        )


CHECK = Check(
    code="EV004",
    name="foreign-pixel",
    severity=Severity.ERROR,
    severities=(Severity.ERROR, Severity.INFO),
    needs=frozenset({Need.BROWSER}),
    suppresses=("EV001",),
    run=run,
    doc=__doc__ or "",
)
