"""The rule frame: `Check`, what a rule emits (`Draft`), and what it reads (`CheckContext`)."""

from __future__ import annotations

import hashlib
from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass, field
from datetime import datetime
from enum import StrEnum
from typing import TYPE_CHECKING, Any

from pixelproof.meta.event import ObservedEvent
from pixelproof.meta.keys import MapFacts
from pixelproof.meta.timeline import JourneyPlan, Timeline
from pixelproof.result import Attribution, BatchRecord, Pair, Severity

if TYPE_CHECKING:
    from pixelproof.config.load import LoadedMap
    from pixelproof.evidence.model import Evidence


class Need(StrEnum):
    """What a check needs from the evidence; the runner maps sources onto these (§13)."""

    BROWSER = "browser"
    SERVER = "server"
    GRAPH = "graph"
    JOURNEYS = "journeys"
    CONSENT = "consent"
    PAGE_SCRIPT = "page_script"


# Which needs each fixed source name provides (DESIGN §13 "Sources and needs").
SOURCE_PROVIDES: Mapping[str, frozenset[Need]] = {
    "browser": frozenset({Need.BROWSER, Need.JOURNEYS, Need.CONSENT, Need.PAGE_SCRIPT}),
    "har": frozenset({Need.BROWSER}),
    "sink": frozenset({Need.SERVER}),
    "relay": frozenset({Need.SERVER}),
    "capi_log": frozenset({Need.SERVER}),
    "graph": frozenset({Need.GRAPH}),
}


@dataclass(frozen=True, slots=True)
class Draft:
    """A finding as a rule states it; the runner adds code, name, fingerprint and baseline."""

    message: str
    severity: Severity | None = None  # None: the check's default
    event: str | None = None
    event_key: str | None = None
    journey: str | None = None
    step: int | None = None
    step_key: str | None = None
    source: str | None = None
    pixel_id: str | None = None
    scope: str = "action"
    refs: tuple[str, ...] = ()
    hint: str | None = None
    subject: str | None = None
    cause: str | None = None
    joins: tuple[str, ...] = ()  # extra suppression keys besides refs (`script:<journey>`…)


@dataclass(frozen=True, slots=True)
class CheckContext:
    """Everything a check may read. Pure data: no browser, no network, no wall clock."""

    now: datetime
    environment_kind: str = "staging"
    available: frozenset[Need] = frozenset()
    failed: Mapping[Need, str] = field(default_factory=dict)
    missing_reason: Mapping[Need, str] = field(default_factory=dict)
    events: tuple[ObservedEvent, ...] = ()  # parsed, retries collapsed, attributed, keyed
    pairs: tuple[Pair, ...] = ()
    batches: tuple[BatchRecord, ...] = ()  # one per server_batch record, refs of its events
    event_map: LoadedMap | None = None
    evidence: Evidence | None = None  # raw records: timeline, graph reads, sources
    now_given: bool = False  # `--now` was given (SE002's arrival clause needs a clock)
    clock_offset: float | None = None  # server clock − browser clock, s
    # Added by issue 5 (attribution, pairing): the map flattened, and the journeys' timelines.
    facts: MapFacts = field(default_factory=MapFacts)  # keys, pixel roles, timing
    plans: Mapping[str, JourneyPlan] = field(default_factory=dict)  # expectations, forbid
    timelines: Mapping[str, Timeline] = field(default_factory=dict)  # journeys that ran
    attributions: Mapping[str, Attribution] = field(default_factory=dict)  # by event ref
    retries: Mapping[str, tuple[str, ...]] = field(default_factory=dict)  # survivor → folded

    @property
    def has_journeys(self) -> bool:
        """The evidence holds a journey timeline (a live run), not just HAR/log traffic."""
        return bool(self.timelines)

    def events_from(self, source: str) -> Iterable[ObservedEvent]:
        return (e for e in self.events if e.source == source)

    def by_ref(self) -> dict[str, ObservedEvent]:
        return {e.ref: e for e in self.events}

    def step_key(self, journey: str | None, step: int | None) -> str | None:
        """The key of a journey's step (`pay`, `click #pay#1`): the map's, else the timeline's."""
        if journey is None or step is None:
            return None
        plan = self.plans.get(journey)
        if plan is not None and 0 <= step < len(plan.step_keys):
            return plan.step_keys[step]
        line = self.timelines.get(journey)
        window = line.window(step) if line is not None else None
        return window.key if window is not None else None

    def draft(self, event: ObservedEvent, message: str, **extra: Any) -> Draft:
        """A finding about one event: its name, key, journey, step, source, pixel and ref."""
        fields: dict[str, Any] = {
            "event": event.name,
            "event_key": event.event_key,
            "journey": event.journey,
            "step": event.step,
            "step_key": self.step_key(event.journey, event.step),
            "source": str(event.source),
            "pixel_id": event.pixel_id,
            "refs": (event.ref,),
        }
        fields.update(extra)
        return Draft(message=message, **fields)


@dataclass(frozen=True, slots=True)
class Check:
    """One rule. Its module docstring (summary, Why, Fix, Example) is its documentation."""

    code: str
    name: str
    severity: Severity
    needs: frozenset[Need]
    run: Callable[[CheckContext], Iterable[Draft]]
    doc: str
    severities: tuple[Severity, ...] = ()
    suppresses: tuple[str, ...] = ()
    any_need: bool = False  # True: one available need of `needs` is enough

    @property
    def summary(self) -> str:
        return self.doc.strip().splitlines()[0] if self.doc.strip() else ""

    @property
    def emits(self) -> tuple[Severity, ...]:
        return self.severities or (self.severity,)


def fingerprint(
    code: str,
    event_key: str | None,
    journey: str | None,
    step_key: str | None,
    pixel_id: str | None,
    source: str | None,
    subject: str | None = None,
) -> str:
    """Stable across runs: no refs, times or values, only what names the defect's place."""
    parts = (code, event_key, journey, step_key, pixel_id, source, subject)
    text = "\x1f".join("" if p is None else p for p in parts)
    return f"{code}-{hashlib.sha256(text.encode()).hexdigest()[:16]}"
