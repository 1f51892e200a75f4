"""One action is reported under different names, or under a near-name of a mapped event.

Fires for pairs the pairing passes matched across names — same event ID (pass 2), near
canonical names in one time window (pass 4: case, separators, GA4 names such as `purchase`
or `begin_checkout`, or up to two typos), or the one leftover of each side in one step
(pass 5, warning: probably one action) — and for an unpaired event whose name is a near-name
of a mapped key. Never between two different standard events; dataset-wide variants seen only
in Graph statistics are OP006.

**Why:** Meta compares names exactly (`Purchase` ≠ `purchase`): the two copies are never
deduplicated, and the misspelled one optimises nothing.

**Fix:** send Meta's exact name from both sources (map GA4 names to Meta's in the server
container or tag template).

**Example:** the browser sends `Purchase`, the sGTM tag forwards GA4's `purchase` with the
same event ID: EV003 on the `web_purchase` pair.
"""

from __future__ import annotations

from collections.abc import Iterator

from pixelproof.checks.base import Check, CheckContext, Draft, Need
from pixelproof.meta.event import ObservedEvent, Side
from pixelproof.meta.keys import KeySpec
from pixelproof.meta.names import near
from pixelproof.meta.triggers import counted
from pixelproof.result import Severity


def _pairs(ctx: CheckContext) -> Iterator[Draft]:
    for pair in ctx.pairs:
        if pair.status != "name-mismatch":
            continue
        low = pair.confidence == "low"
        yield Draft(
            message=f"one action under two names: browser '{pair.browser_name}', server "
            f"'{pair.server_name}'" + (" (probably: the step's only leftovers)" if low else ""),
            severity=Severity.WARNING if low else None,
            event=pair.name, event_key=pair.event_key, journey=pair.journey, step=pair.step,
            step_key=ctx.step_key(pair.journey, pair.step), source="both",
            pixel_id=pair.pixel_id, refs=tuple(r for r in (pair.browser, pair.server) if r),
            hint="send Meta's exact event name from both sources", subject="name",
            cause="event-name-mismatch",
        )  # fmt: skip


def _resembled(ctx: CheckContext, e: ObservedEvent) -> KeySpec | None:
    source = str(e.source)
    name = e.name or ""
    found = [
        k for k in ctx.facts.keys.values() if source in k.sources and k.name != name
        and near(name, k.name)
    ]  # fmt: skip
    return found[0] if len(found) == 1 else None


def _near_names(ctx: CheckContext) -> Iterator[Draft]:
    paired = {r for p in ctx.pairs if p.browser and p.server for r in (p.browser, p.server)}
    for e in ctx.events:
        if e.event_key is not None or e.ref in paired or not e.name or not counted(e):
            continue
        if e.source is Side.SERVER and e.journey is None and ctx.has_journeys:
            continue
        spec = _resembled(ctx, e)
        if spec is None:
            continue
        yield ctx.draft(
            e,
            f"{e.source} sent '{e.name}', a near-name of '{spec.name}' ({spec.key})",
            event_key=spec.key,
            hint=f"Meta compares names exactly: send '{spec.name}'",
            subject="name",
            cause="event-name-mismatch",
        )


def run(ctx: CheckContext) -> Iterator[Draft]:
    yield from _pairs(ctx)
    yield from _near_names(ctx)


CHECK = Check(
    code="EV003",
    name="event-name-mismatch",
    severity=Severity.ERROR,
    severities=(Severity.ERROR, Severity.WARNING),
    needs=frozenset({Need.BROWSER, Need.SERVER}),
    any_need=True,
    suppresses=("EV001", "EV002", "DD002"),
    run=run,
    doc=__doc__ or "",
)
