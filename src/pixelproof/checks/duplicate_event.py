"""One source delivers two or more copies of one action.

Copies are counted per journey, action step (with its `expect`/`wait` steps and quiet
window), source, pixel and name, after collapsing server retries and dropping what is not the
site's own sending: route-change PageViews, Meta's automatic events, consent replays and
triggers the evidence cannot show. Without journeys, copies count as one action when they
share an event ID and visitor, and browser copies also when one page (same visitor, pixel, name
and `dl`) sent them within `timing.quiet` of each other — the journey-less stand-in for "one
step and its quiet window". Error when the copies' IDs differ or are missing (Meta counts each),
warning when they share one, info for a server re-send after a 2xx answer.

**Why:** Meta never deduplicates within one source by `fbp`, and an event ID only protects
the copies that carry the same one: a double-firing tag doubles conversions.

**Fix:** find the second sender — two tag-manager tags, a plugin and hand-written code, a
listener bound twice — and remove one; make server retries happen only after failures.

**Example:** a Purchase fired by both the shop plugin and a GTM tag on the thank-you page,
`eid` different on each: DD003 (error) on the browser Purchase.
"""

from __future__ import annotations

from collections.abc import Iterable, Iterator, Mapping
from itertools import pairwise

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


def _burst_key(e: ObservedEvent) -> Group | None:
    """Journey-less browser copies that one page may have sent twice for one action."""
    if e.source is not Side.BROWSER or e.journey is not None or not counted(e, replays=False):
        return None
    who = visitor(e)
    return None if who is None or not e.url else (who, e.pixel_id, e.name, e.event_key, e.url)


def _clock(e: ObservedEvent) -> float | None:
    return e.time if e.time is not None else (e.ts / 1000 if e.ts is not None else None)


def _bursts(ctx: CheckContext) -> Iterator[tuple[str, str]]:
    """(earlier, later) refs of journey-less browser copies sent within `quiet` of each other."""
    pages: dict[Group, list[tuple[float, ObservedEvent]]] = {}
    for e in ctx.events:
        key, at = _burst_key(e), _clock(e)
        if key is not None and at is not None:
            pages.setdefault(key, []).append((at, e))
    for copies in pages.values():
        copies.sort(key=lambda c: (c[0], c[1].seq))
        for (t1, a), (t2, b) in pairwise(copies):
            if t2 - t1 <= ctx.facts.quiet:
                yield a.ref, b.ref


def _joined(
    groups: Iterable[list[ObservedEvent]],
    links: Iterable[tuple[str, str]],
    position: Mapping[str, int],
) -> list[list[ObservedEvent]]:
    """Groups merged where a link joins two of them (a small union-find), in capture order."""
    parts = list(groups)
    root = list(range(len(parts)))
    where = {e.ref: i for i, part in enumerate(parts) for e in part}

    def find(i: int) -> int:
        while root[i] != i:
            root[i] = root[root[i]]
            i = root[i]
        return i

    for a, b in links:
        root[find(where[a])] = find(where[b])
    merged: dict[int, list[ObservedEvent]] = {}
    for i, part in enumerate(parts):
        merged.setdefault(find(i), []).extend(part)
    return [sorted(m, key=lambda e: position[e.ref]) for m in merged.values()]


def copies_per_action(ctx: CheckContext) -> list[list[ObservedEvent]]:
    """Every action's copies (groups of one included)."""
    groups: dict[Group, list[ObservedEvent]] = {}
    for event in ctx.events:
        at = _group(ctx, event)
        if at is None and not ctx.has_journeys and _burst_key(event) is not None:
            at = ("page", event.ref)  # an eid-less copy: one page's burst may still join it
        if at is not None:
            groups.setdefault(at, []).append(event)
    if ctx.has_journeys:
        return list(groups.values())
    position = {e.ref: i for i, e in enumerate(ctx.events)}
    return _joined(groups.values(), _bursts(ctx), position)


def severity_of(copies: list[ObservedEvent]) -> Severity:
    first, rest = copies[0], copies[1:]
    if first.source is Side.SERVER and all(resent_after_success(first, c) for c in rest):
        return Severity.INFO
    ids = {c.event_id for c in copies}
    return Severity.WARNING if len(ids) == 1 and None not in ids else Severity.ERROR


def run(ctx: CheckContext) -> Iterator[Draft]:
    for copies in copies_per_action(ctx):
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
