"""A CAPI `event_time` that is in milliseconds, too old, in the future, or hours off.

Error: milliseconds instead of seconds; not a number of seconds at all (an ISO date, an
object: Meta rejects the batch); older than 7 days at arrival (Meta rejects the whole batch).
Warning: more than 5 minutes after the arrival time, or a whole-hour offset (±2 min) from the
browser twin — a time-zone bug. Arrival is the capture time (sink arrival, log envelope
time); without one, the arrival clauses run only when `--now` is given.

**Why:** one event older than 7 days makes Meta reject every event of its batch. Milliseconds
read as a date thousands of years ahead. A local-time `event_time` shifts conversions by hours
and breaks the 48-hour deduplication window at its edges.

**Fix:** stamp `event_time` as `int(time.time())` — Unix seconds, UTC — when the action happens,
and send promptly.

**Example:** `"event_time": 1795992600000`: SE002 (error, milliseconds);
`"event_time": "2026-11-29T22:49:31Z"`: SE002 (error, not Unix seconds). A server Purchase 3600 s
after its browser twin's `ts`: SE002 (warning, whole-hour offset).
"""

from __future__ import annotations

from collections.abc import Iterator

from pixelproof.checks.base import Check, CheckContext, Draft, Need
from pixelproof.meta.event import ObservedEvent
from pixelproof.result import Severity
from pixelproof.rulekit.drafts import Drafter, label

MS_THRESHOLD = 100_000_000_000
NOT_SECONDS = "event_time must be an integer"  # meta/capi_rules.py: a value Meta rejects
MAX_AGE_S = 7 * 24 * 3600
FUTURE_S = 300
HOUR_SLACK_S = 120


def hour_offset(delta_s: float) -> int | None:
    """k ≠ 0 when |Δ − k·3600| ≤ 120 s (open question M16), else None."""
    k = round(delta_s / 3600)
    return k if k != 0 and abs(delta_s - k * 3600) <= HOUR_SLACK_S else None


def arrival(ctx: CheckContext, event: ObservedEvent) -> float | None:
    if event.time is not None:
        return event.time
    return ctx.now.timestamp() if ctx.now_given else None


def time_problem(ctx: CheckContext, event: ObservedEvent) -> tuple[Severity, str] | None:
    """SE002's judgement of one server event's own clock (SE004 asks it too)."""
    et = event.event_time
    if et is None:
        bad = next((p for p in event.problems if p.startswith(NOT_SECONDS)), None)
        return (Severity.ERROR, bad) if bad else None  # absent: SE001's
    if et > MS_THRESHOLD:
        return Severity.ERROR, f"event_time {et} is in milliseconds; send Unix seconds"
    at = arrival(ctx, event)
    if at is None:
        return None
    if at - et > MAX_AGE_S:
        days = (at - et) / 86400
        return Severity.ERROR, f"event_time is {days:.1f} days old at arrival (Meta: at most 7)"
    if et - at > FUTURE_S:
        return Severity.WARNING, f"event_time is {et - at:.0f} s after its arrival (future)"
    return None


def _twin_offsets(ctx: CheckContext) -> Iterator[tuple[ObservedEvent, int, float]]:
    by_ref = {e.ref: e for e in ctx.events}
    offset = ctx.clock_offset or 0.0
    for pair in ctx.pairs:
        b, s = by_ref.get(pair.browser or ""), by_ref.get(pair.server or "")
        if b is None or s is None or s.event_time is None or s.event_time > MS_THRESHOLD:
            continue
        browser_s = b.ts / 1000 if b.ts is not None else b.time
        if browser_s is None:
            continue
        delta = s.event_time - (browser_s + offset)
        k = hour_offset(delta)
        if k is not None:
            yield s, k, delta


def run(ctx: CheckContext) -> Iterator[Draft]:
    draft = Drafter(ctx)
    offsets = list(_twin_offsets(ctx))
    shifted = {event.ref for event, _, _ in offsets}
    for event in ctx.events:
        if event.channel != "capi":
            continue
        found = time_problem(ctx, event)
        if found is None or (found[0] is Severity.WARNING and event.ref in shifted):
            continue  # a "future" time that is a whole-hour shift is reported as the shift
        severity, text = found
        yield draft(event, f"{label(event)}: {text}", severity=severity, subject="event_time")
    for event, k, delta in offsets:
        yield draft(
            event,
            f"{label(event)}: event_time is {delta:+.0f} s from its browser twin ({k:+d} h)",
            severity=Severity.WARNING,
            hint="a whole-hour offset is a time-zone bug: stamp event_time in UTC seconds",
            subject="event_time",
            cause="event-time-timezone",
        )


CHECK = Check(
    code="SE002",
    name="invalid-event-time",
    severity=Severity.ERROR,
    severities=(Severity.ERROR, Severity.WARNING),
    needs=frozenset({Need.SERVER}),
    run=run,
    doc=__doc__ or "",
)
