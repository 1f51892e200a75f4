"""Evidence + map → `CheckContext`: keys, retries, attribution and pairing (DESIGN §1, §5).

`build_context` is what `check` (and `audit`, on its own evidence) calls once the parsers have
turned raw records into `ObservedEvent`s. Order matters: browser hits are attributed first
(their event IDs, order IDs and `_fbp` become journey identity keys), server retries are
collapsed, server events are attributed one by one, every event gets its key, then pairing.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence
from dataclasses import replace
from datetime import datetime
from typing import TYPE_CHECKING

from pixelproof.checks.base import CheckContext, Need
from pixelproof.evidence.model import (
    CookiesRecord,
    Evidence,
    IdentityRecord,
    JourneyRecord,
    StepRecord,
)
from pixelproof.meta.attribution import (
    JourneyIdentity,
    attribute_browser_event,
    attribute_server_event,
    build_index,
    event_ids,
    persona_values,
)
from pixelproof.meta.event import ObservedEvent, Side
from pixelproof.meta.keys import MapFacts, facts_from_map
from pixelproof.meta.pairing import pair_events
from pixelproof.meta.retries import collapse_retries
from pixelproof.meta.timeline import RawStep, Timeline, plans_from_map, timeline
from pixelproof.result import Attribution, BatchRecord

if TYPE_CHECKING:
    from pixelproof.config.load import LoadedMap

UA_PREFIX = "pixelproof/"


def timelines_of(evidence: Evidence | None) -> dict[str, Timeline]:
    """Each journey's timeline from its `journey` and `step` records, in run order."""
    if evidence is None:
        return {}
    steps: dict[str, list[RawStep]] = {}
    for s in evidence.of(StepRecord):
        steps.setdefault(s.journey, []).append(
            RawStep(s.index, s.key, s.action, s.started, s.ended, s.status)
        )
    out: dict[str, Timeline] = {}
    for order, j in enumerate(evidence.of(JourneyRecord)):
        out[j.name] = timeline(
            j.name, steps.get(j.name, []), order=order, status=j.status, consent=j.consent,
            started=j.started, ended=j.ended,
        )  # fmt: skip
    for name in sorted(set(steps) - set(out)):
        out[name] = timeline(name, steps[name], order=len(out))
    return out


def _cookie_fbps(evidence: Evidence, journey: str) -> set[str]:
    found: set[str] = set()
    for record in evidence.of(CookiesRecord):
        if record.journey != journey:
            continue
        for cookie in record.cookies:
            value = cookie.get("value")
            if cookie.get("name") == "_fbp" and isinstance(value, str) and value:
                found.add(value)
    return found


def identities_of(
    evidence: Evidence | None,
    lines: Mapping[str, Timeline],
    browser: Iterable[ObservedEvent],
    settle: float,
) -> list[JourneyIdentity]:
    """Each journey's identity keys: UA tag, observed `_fbp`, its IDs per step, persona."""
    ids: dict[str, dict[str, int | None]] = {}
    fbps: dict[str, set[str]] = {}
    for e in browser:
        if e.journey is None:
            continue
        for value in event_ids(e):
            ids.setdefault(e.journey, {}).setdefault(value, e.step)
        if e.fbp:
            fbps.setdefault(e.journey, set()).add(e.fbp)
    records = {r.journey: r for r in evidence.of(IdentityRecord)} if evidence else {}
    out = []
    for name, line in lines.items():
        record = records.get(name)
        token = record.ua_tag.removeprefix(UA_PREFIX) if record and record.ua_tag else None
        seen = fbps.get(name, set()) | (_cookie_fbps(evidence, name) if evidence else set())
        if record is not None and record.fbp:
            seen.add(record.fbp)
        persona = persona_values(record.persona) if record is not None else frozenset()
        until = None if line.ended is None else line.ended + settle
        out.append(
            JourneyIdentity(name, line, token, frozenset(seen), ids.get(name, {}), persona, until)
        )
    return out


def _attribute(
    browser: Sequence[ObservedEvent],
    server: Sequence[ObservedEvent],
    evidence: Evidence | None,
    lines: Mapping[str, Timeline],
    settle: float,
) -> tuple[list[ObservedEvent], dict[str, Attribution]]:
    attributions: dict[str, Attribution] = {}
    events: list[ObservedEvent] = []
    for event in browser:
        done, how = attribute_browser_event(event, lines)
        events.append(done)
        if how is not None:
            attributions[done.ref] = how
    if not lines:
        return events + [replace(e, journey=None, step=None) for e in server], attributions
    index = build_index(identities_of(evidence, lines, events, settle))
    for event in server:
        done, how = attribute_server_event(event, index)
        events.append(done)
        attributions[done.ref] = how
    return events, attributions


def _facts(loaded_map: LoadedMap | None, environment_kind: str) -> MapFacts:
    if loaded_map is None:
        return MapFacts(environment_kind=environment_kind)
    return facts_from_map(loaded_map.map, loaded_map.environment)


def build_context(
    *,
    loaded_map: LoadedMap | None,
    evidence: Evidence | None,
    browser_events: Sequence[ObservedEvent],
    server_events: Sequence[ObservedEvent],
    batches: Sequence[BatchRecord],
    now: datetime,
    now_given: bool = False,
    clock_offset: float | None = None,
    available: frozenset[Need],
    failed: Mapping[Need, str],
    missing_reason: Mapping[Need, str],
    environment_kind: str,
) -> CheckContext:
    """Key resolution, retry collapsing, attribution and pairing → the filled context."""
    facts = _facts(loaded_map, environment_kind)
    plans = plans_from_map(loaded_map.map) if loaded_map is not None else {}
    lines = timelines_of(evidence)
    collapsed = collapse_retries(e for e in server_events if e.source is Side.SERVER)
    events, attributions = _attribute(
        browser_events, collapsed.events, evidence, lines, facts.settle
    )
    keyed = tuple(replace(e, event_key=facts.resolve(e)) for e in events)
    outcome = pair_events(keyed, facts, clock_offset=clock_offset)
    return CheckContext(
        now=now,
        environment_kind=environment_kind,
        available=available,
        failed=failed,
        missing_reason=missing_reason,
        events=keyed,
        pairs=outcome.pairs,
        batches=tuple(batches),
        event_map=loaded_map,
        evidence=evidence,
        now_given=now_given,
        clock_offset=outcome.clock_offset,
        facts=facts,
        plans=plans,
        timelines=lines,
        attributions=attributions,
        retries=collapsed.merged,
    )
