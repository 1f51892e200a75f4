"""More copies arrived than an `expect … count` allows, or a `count: 0` was violated.

Judged per expectation, source and pixel on the copies attributed to the expectation's
action step: the site's own sends only (route-change PageViews, Meta's automatic events and
unknown triggers do not count; server retries are already collapsed). A duplicate (DD003) or
a consent violation (PR004) for the same copies explains the count and takes over.

**Why:** `count` states how often one action may be reported. The classic case: a thank-you
page reload fires Purchase again, and every reload is another conversion for Meta unless its
event ID is the same within 48 hours.

**Fix:** fire the event once per action — on the confirmation transition, not on page load —
or guard it (a flag stored with the order) so reloads do not resend it.

**Example:** `reload` then `expect: {web_purchase: {count: 0, sources: [browser]}}` and the
thank-you page fires Purchase again: EV009 on `web_purchase`.
"""

from __future__ import annotations

from collections.abc import Iterator

from pixelproof.checks.base import Check, CheckContext, Draft, Need
from pixelproof.meta.event import ObservedEvent
from pixelproof.meta.triggers import counted
from pixelproof.result import Severity


def _copies(ctx: CheckContext) -> dict[tuple[object, ...], list[ObservedEvent]]:
    got: dict[tuple[object, ...], list[ObservedEvent]] = {}
    for e in ctx.events:
        if counted(e) and e.journey is not None:
            at = (e.journey, e.step, e.event_key, str(e.source), e.pixel_id)
            got.setdefault(at, []).append(e)
    return got


def run(ctx: CheckContext) -> Iterator[Draft]:
    got = _copies(ctx)
    for plan in ctx.plans.values():
        if plan.name not in ctx.timelines:
            continue
        for x in plan.expectations:
            spec = ctx.facts.keys.get(x.key)
            if spec is None:
                continue
            for source in x.sources or sorted(spec.sources):
                pixels = {p for (j, s, k, src, p) in got if (j, s, k, src) ==
                          (x.journey, x.step, x.key, source)}  # fmt: skip
                for pixel in sorted(pixels, key=lambda p: str(p)):
                    copies = got[(x.journey, x.step, x.key, source, pixel)]
                    if len(copies) <= x.count:
                        continue
                    yield ctx.draft(
                        copies[0],
                        f"{spec.name} ({x.key}) arrived {len(copies)} times from the {source}; "
                        f"the expectation allows {x.count}",
                        refs=tuple(c.ref for c in copies),
                        hint="fire it once per action (not on every page load)"
                        if x.count == 0 else "find the extra sender",
                        subject="count",
                        cause="unexpected-count",
                    )  # fmt: skip


CHECK = Check(
    code="EV009",
    name="unexpected-count",
    severity=Severity.ERROR,
    needs=frozenset({Need.JOURNEYS}),
    run=run,
    doc=__doc__ or "",
)
