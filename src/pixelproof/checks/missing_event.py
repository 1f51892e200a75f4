"""An expected event did not arrive from a source that declares it and can be observed.

Two triggers, one finding per (journey, action step, key, pixel, source): an `expect` entry
whose copies did not all arrive within that source's `within` (server: `server.within`, or
journey end plus `journey_settle` when `deferred`), and a pair left one-sided although the key
declares both sources. Sources the run cannot observe (`capture: none`, no HAR) and events a
rejecting consent state blocks are never missing. The hint names the cause the evidence shows:
late arrival, another step, another dataset, a rejected batch, a near-name, a consent lock
with queued calls, the Pixel script not loaded, or Meta's own suppression.

**Why:** a conversion Meta never receives from one source cannot be deduplicated or
attributed from it; a missing server copy also loses every ad-blocked conversion.

**Fix:** follow the hint: send the event from the declared source, in the same action, under
the same name and to the same dataset, after consent.

**Example:** `expect: {web_purchase: {count: 1}}` after `click #pay`, the browser Purchase
arrives but no server Purchase within 90 s: EV001 (server) on `web_purchase`.
"""

from __future__ import annotations

from collections.abc import Iterator, Sequence

from pixelproof.checks.base import Check, CheckContext, Draft, Need
from pixelproof.evidence.model import ConsoleRecord, FbqCallRecord, ScriptLoadRecord
from pixelproof.meta.candidates import visitor
from pixelproof.meta.event import ObservedEvent, Side
from pixelproof.meta.names import near
from pixelproof.meta.timeline import ExpectSpec
from pixelproof.meta.triggers import counted
from pixelproof.result import Severity

Slot = tuple[str | None, int | None, str, str | None, str]
Cause = tuple[str, str, tuple[str, ...], tuple[str, ...]]  # cause, hint, refs, joins
SUPPRESSED = ("RESTRICTED_EVENT", "UNWANTED_EVENT", "UNWANTED_CUSTOM_DATA")
MAX_REFS = 20
_ANY_PIXEL: tuple[str | None, ...] = (None,)  # a map without pixel roles


def _observable(ctx: CheckContext, source: str) -> bool:
    return Need(source) in ctx.available


def _deadline(ctx: CheckContext, x: ExpectSpec, source: str) -> float | None:
    line = ctx.timelines[x.journey]
    window = line.window(x.step)
    spec = ctx.facts.keys[x.key]
    base = window.own_end if window and window.own_end is not None else None
    if source == "server" and spec.deferred:
        return None if line.ended is None else line.ended + ctx.facts.settle
    if base is None:
        return None
    own = x.browser_within if source == "browser" else x.server_within
    within = own or (ctx.facts.browser_within if source == "browser" else spec.server_within)
    return base + (within or ctx.facts.server_within) + ctx.facts.quiet


def _journey_causes(ctx: CheckContext, journey: str | None) -> Cause | None:
    """Causes of the whole journey's browser silence, from the page's own records."""
    if ctx.evidence is None or journey is None:
        return None
    for line in ctx.evidence.of(ConsoleRecord):
        if line.journey == journey and any(m in line.text for m in SUPPRESSED):
            return ("suppressed-by-meta", f"Meta's pixel configuration: {line.text[:120]}",
                    (), (f"console:{line.seq}",))  # fmt: skip
    calls = [c for c in ctx.evidence.of(FbqCallRecord) if c.journey == journey]
    consent = [c.args[1] for c in calls if len(c.args) > 1 and c.args[0] == "consent"]
    if consent and consent[-1] == "revoke":
        queued = sum(1 for c in calls if c.args and c.args[0] in ("track", "trackSingle"))
        return ("consent-lock", f"fbq('consent', 'revoke') never granted: {queued} queued calls",
                (), (f"consent:{journey}",))  # fmt: skip
    loads = [s for s in ctx.evidence.of(ScriptLoadRecord) if s.journey == journey]
    if ctx.evidence.of(ScriptLoadRecord) and not any("fbevents" in s.url for s in loads):
        return ("script-not-loaded", "fbevents.js never loaded in this journey", (),
                (f"script:{journey}",))  # fmt: skip
    return None


def _cause(ctx: CheckContext, slot: Slot, late: Sequence[ObservedEvent]) -> Cause:
    journey, step, key, pixel, source = slot
    if late:
        return ("late", "it arrived after the expectation's within", _refs(late), ())
    name = ctx.facts.keys[key].name
    mine = [e for e in ctx.events if e.journey == journey and str(e.source) == source]
    found = (
        ("other-step", "it arrived in another step", [e for e in mine
         if e.event_key == key and e.pixel_id == pixel and e.step != step]),
        ("other-dataset", "it went to another pixel/dataset", [e for e in mine
         if e.event_key == key and e.pixel_id != pixel and e.step == step]),
        ("rejected", "its batch was rejected", [e for e in mine
         if e.event_key == key and e.accepted is False]),
        ("near-name", "an event under a near name arrived", [e for e in mine
         if e.step == step and e.name != name and near(e.name or "", name)]),
    )  # fmt: skip
    for cause, hint, events in found:
        if events:
            return cause, f"{hint}: {', '.join(sorted({e.name or '' for e in events}))}", \
                _refs(events), ()  # fmt: skip
    journey_cause = _journey_causes(ctx, journey) if source == "browser" else None
    return journey_cause or ("not-sent", f"the {source} did not send it", (), ())


def _refs(events: Sequence[ObservedEvent]) -> tuple[str, ...]:
    return tuple(e.ref for e in events[:MAX_REFS])


def _finding(ctx: CheckContext, slot: Slot, what: str, cause: Cause, twin: str | None) -> Draft:
    journey, step, key, pixel, source = slot
    name = ctx.facts.keys[key].name
    why, hint, refs, joins = cause
    return Draft(
        message=f"{name} ({key}) {what} from the {source}" + (f" (pixel {pixel})" if pixel else ""),
        event=name, event_key=key, journey=journey, step=step,
        step_key=ctx.step_key(journey, step), source=source, pixel_id=pixel,
        refs=tuple(dict.fromkeys((*refs, *(t for t in (twin,) if t)))), hint=hint,
        subject=None, cause=why, joins=joins,
    )  # fmt: skip


def _judge(
    ctx: CheckContext, x: ExpectSpec, slot: Slot, copies: list[ObservedEvent], seen: set[Slot]
) -> Draft | None:
    """One expectation for one source and pixel; the slot is judged once (C6)."""
    if slot in seen:
        return None
    seen.add(slot)
    limit = _deadline(ctx, x, slot[4])
    on_time = [e for e in copies if limit is None or e.time is None or e.time <= limit]
    if len(on_time) >= x.count:
        return None
    late = [e for e in copies if e not in on_time]
    what = f"arrived {len(on_time)} of {x.count} times" if on_time else "did not arrive"
    return _finding(ctx, slot, what, _cause(ctx, slot, late), None)


def _expected(ctx: CheckContext, seen: set[Slot]) -> Iterator[Draft]:
    got: dict[tuple[object, ...], list[ObservedEvent]] = {}
    for e in ctx.events:
        if counted(e) and e.journey is not None:
            got.setdefault((e.journey, e.step, e.event_key, str(e.source)), []).append(e)
    for plan in ctx.plans.values():
        line = ctx.timelines.get(plan.name)
        for x in plan.expectations if line is not None else ():
            spec = ctx.facts.keys.get(x.key)
            blocked = plan.marketing == "denied" and spec is not None and spec.consent_required
            unjudged = line is None or not line.window(x.step) or not line.ran(x.step)
            if spec is None or blocked or x.count == 0 or unjudged:
                continue
            for source in x.sources or sorted(spec.sources):
                arrived = got.get((x.journey, x.step, x.key, source), [])
                if not _observable(ctx, source):
                    continue
                for pixel in ctx.facts.pixels_for(x.key, source) or _ANY_PIXEL:
                    copies = [e for e in arrived if pixel is None or e.pixel_id == pixel]
                    found = _judge(ctx, x, (x.journey, x.step, x.key, pixel, source), copies, seen)
                    if found is not None:
                        yield found


def _twins(ctx: CheckContext) -> set[tuple[object, ...]]:
    """Where each source did send: per step, and per (pixel, name, ID) across steps."""
    out: set[tuple[object, ...]] = set()
    for e in ctx.events:
        if counted(e) and e.journey is not None:
            out.add((e.journey, e.step, e.event_key, e.pixel_id, str(e.source)))
        if counted(e):
            out.add((e.pixel_id, e.name, e.event_id, str(e.source)))
    return out


def _one_sided(ctx: CheckContext, seen: set[Slot]) -> Iterator[Draft]:
    events = ctx.by_ref()
    twins = _twins(ctx)
    browser_visitors = {visitor(e) for e in ctx.events if e.source is Side.BROWSER}
    for pair in ctx.pairs:
        if pair.status not in ("browser-only", "server-only"):
            continue
        e = events[pair.browser or pair.server or ""]
        missing = "server" if pair.status == "browser-only" else "browser"
        spec = ctx.facts.keys.get(e.event_key or "")
        if spec is None or not spec.dual or not _observable(ctx, missing) or not counted(e):
            continue
        plan = ctx.plans.get(e.journey or "")
        if plan is not None and plan.marketing == "denied" and spec.consent_required:
            continue
        if e.journey is None and (
            ctx.has_journeys or (missing == "browser" and visitor(e) not in browser_visitors)
        ):
            continue  # fmt: skip
        pixels = ctx.facts.pixels_for(spec.key, missing)
        if ctx.facts.roles and e.pixel_id not in pixels:
            continue
        slot = (e.journey, e.step, spec.key, e.pixel_id, missing)
        shared = e.event_id and (e.pixel_id, e.name, e.event_id, missing) in twins
        if slot not in seen and slot not in twins and not shared:
            seen.add(slot)
            yield _finding(ctx, slot, "has no twin", _cause(ctx, slot, ()), e.ref)


def run(ctx: CheckContext) -> Iterator[Draft]:
    seen: set[Slot] = set()
    if ctx.has_journeys:
        yield from _expected(ctx, seen)
    yield from _one_sided(ctx, seen)


CHECK = Check(
    code="EV001",
    name="missing-event",
    severity=Severity.ERROR,
    needs=frozenset({Need.BROWSER, Need.SERVER}),
    any_need=True,
    run=run,
    doc=__doc__ or "",
)
