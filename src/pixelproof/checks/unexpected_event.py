"""An event the map does not declare was sent by the site.

Counts explicit browser hits and server events attributed to a journey whose name matches no
event key. Meta's own automatic and user-properties events, route-change PageViews, triggers
the evidence cannot show, unattributed server events (OP007) and hits to pixels the map does
not declare (EV004) or ignores never count.

**Why:** an undeclared event is either tracking nobody planned (a plugin, a forgotten tag)
that pollutes the dataset, or a mapped event under a name the map does not know.

**Fix:** add the event to the map if it is wanted (with its sources and parameters), or remove
the code that sends it; for accepted noise use `checks.ignore` with a reason.

**Example:** a theme plugin fires `ViewCategory` on every listing page and the map has no
such key: EV002 (browser) on `ViewCategory`.
"""

from __future__ import annotations

from collections.abc import Iterator

from pixelproof.checks.base import Check, CheckContext, Draft, Need
from pixelproof.meta.event import ObservedEvent, Side
from pixelproof.meta.triggers import counted
from pixelproof.result import Severity

MAX_REFS = 20


def _unexpected(ctx: CheckContext, e: ObservedEvent) -> bool:
    if e.event_key is not None or not e.name or not counted(e):
        return False
    if e.source is Side.SERVER and e.journey is None:
        return False  # unattributed: OP007, never EV002
    if e.pixel_id in ctx.facts.ignored:
        return False
    return not ctx.facts.roles or e.pixel_id in ctx.facts.pixel_ids


def run(ctx: CheckContext) -> Iterator[Draft]:
    groups: dict[tuple[object, ...], list[ObservedEvent]] = {}
    for e in ctx.events:
        if _unexpected(ctx, e):
            groups.setdefault((e.journey, e.step, str(e.source), e.pixel_id, e.name), []).append(e)
    for events in groups.values():
        first = events[0]
        times = f" ({len(events)} times)" if len(events) > 1 else ""
        yield ctx.draft(
            first,
            f"{first.source} sent '{first.name}', which the map does not declare{times}",
            refs=tuple(e.ref for e in events[:MAX_REFS]),
            hint=f"declare it under events: (e.g. `{first.name}: {{sources: [{first.source}]}}`) "
            "or remove the code that sends it",
            subject=first.name,
            cause="unexpected-event",
        )


CHECK = Check(
    code="EV002",
    name="unexpected-event",
    severity=Severity.WARNING,
    needs=frozenset({Need.BROWSER, Need.SERVER}),
    any_need=True,
    suppresses=("EV007",),
    run=run,
    doc=__doc__ or "",
)
