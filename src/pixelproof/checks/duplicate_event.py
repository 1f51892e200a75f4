"""One source delivers two or more copies of one action.

Copies are counted per journey, action step (with its `expect`/`wait` steps and quiet
window), source, pixel and name, after collapsing server retries and dropping what is not the
site's own sending: route-change PageViews, Meta's automatic events, consent replays and
triggers the evidence cannot show. Without journeys, copies count as one action when they
share an event ID and visitor. Error when the copies' IDs differ or are missing (Meta counts each),
warning when they share one, info for a server re-send after a 2xx answer.

**Why:** Meta never deduplicates within one source by `fbp`, and an event ID only protects
the copies that carry the same one: a double-firing tag doubles conversions.

**Fix:** find the second sender — two tag-manager tags, a plugin and hand-written code, a
listener bound twice — and remove one; make server retries happen only after failures.

**Example:** a Purchase fired by both the shop plugin and a GTM tag on the thank-you page,
`eid` different on each: DD003 (error) on the browser Purchase.
"""

from __future__ import annotations

from collections.abc import Iterator

from pixelproof.checks.base import Check, CheckContext, Draft, Need
from pixelproof.meta.candidates import visitor
from pixelproof.meta.event import ObservedEvent, Side
from pixelproof.meta.retries import resent_after_success
from pixelproof.meta.triggers import counted
from pixelproof.result import Severity

Group = tuple[object, ...]


def _group(ctx: CheckContext, e: ObservedEvent) -> Group | None:
    if not counted(e, replays=False):
        return None
    if e.journey is None:
        if ctx.has_journeys or not e.event_id:
            return None  # unattributed server events are OP007's; no step, no action
        return (None, visitor(e), str(e.source), e.pixel_id, e.name, e.event_key, e.event_id)
    return (e.journey, e.step, str(e.source), e.pixel_id, e.name, e.event_key)


def severity_of(copies: list[ObservedEvent]) -> Severity:
    first, rest = copies[0], copies[1:]
    if first.source is Side.SERVER and all(resent_after_success(first, c) for c in rest):
        return Severity.INFO
    ids = {c.event_id for c in copies}
    return Severity.WARNING if len(ids) == 1 and None not in ids else Severity.ERROR


def run(ctx: CheckContext) -> Iterator[Draft]:
    groups: dict[Group, list[ObservedEvent]] = {}
    for event in ctx.events:
        at = _group(ctx, event)
        if at is not None:
            groups.setdefault(at, []).append(event)
    for copies in groups.values():
        if len(copies) < 2:
            continue
        severity = severity_of(copies)
        first = copies[0]
        ids = sorted({c.event_id or "(none)" for c in copies})
        hint = {
            Severity.INFO: "the server re-sent an event Meta had accepted: retry only on failure",
            Severity.WARNING: "the copies share one event ID; still, find the second sender",
            Severity.ERROR: "each copy counts: find the second sender and remove it",
        }[severity]
        yield ctx.draft(
            first,
            f"{first.source} sent {len(copies)} copies of {first.name} for one action "
            f"(event IDs: {', '.join(ids)})",
            severity=severity,
            refs=tuple(c.ref for c in copies),
            hint=hint,
            cause="duplicate-event",
        )


CHECK = Check(
    code="DD003",
    name="duplicate-event",
    severity=Severity.ERROR,
    severities=(Severity.ERROR, Severity.WARNING, Severity.INFO),
    needs=frozenset({Need.BROWSER, Need.SERVER}),
    any_need=True,
    suppresses=("EV009",),
    run=run,
    doc=__doc__ or "",
)
