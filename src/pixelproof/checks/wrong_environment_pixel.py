"""A run of one environment kind sends to a pixel declared for another.

Judged on browser hits and server events whose pixel/dataset ID belongs only to an
environment of the other kind — staging traffic into the production dataset, or production
pages still pointing at the staging pixel.

**Why:** test conversions in the production dataset inflate reported results and train
ad delivery on fake buyers; production traffic in a staging pixel is lost.

**Fix:** read the pixel ID (and the CAPI dataset ID) from the environment's configuration,
never hard-code it; check the build's environment variables.

**Example:** the staging site's theme hard-codes the production pixel 222…: EV006 on every
PageView and Purchase of the staging run.
"""

from __future__ import annotations

from collections.abc import Iterator

from pixelproof.checks.base import Check, CheckContext, Draft, Need
from pixelproof.meta.event import ObservedEvent
from pixelproof.meta.triggers import META_OWN
from pixelproof.result import Severity


def run(ctx: CheckContext) -> Iterator[Draft]:
    other = ctx.facts.other_pixels
    groups: dict[tuple[object, ...], list[ObservedEvent]] = {}
    for e in ctx.events:
        if e.pixel_id in other and e.trigger not in META_OWN:
            at = (e.journey, e.step, str(e.source), e.pixel_id, e.event_key or e.name)
            groups.setdefault(at, []).append(e)
    for events in groups.values():
        first = events[0]
        yield ctx.draft(
            first,
            f"this {ctx.facts.environment_kind} run sent {first.source} {first.name} to pixel "
            f"{first.pixel_id}, declared for the {other[first.pixel_id or '']}",
            refs=tuple(e.ref for e in events),
            hint="take the pixel/dataset ID from the environment's configuration",
            subject=None if first.event_key else first.name,
            cause="wrong-environment-pixel",
        )


CHECK = Check(
    code="EV006",
    name="wrong-environment-pixel",
    severity=Severity.ERROR,
    needs=frozenset({Need.BROWSER, Need.SERVER}),
    any_need=True,
    suppresses=("EV001",),
    run=run,
    doc=__doc__ or "",
)
