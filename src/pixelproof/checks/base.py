"""The rule frame: `Check`, what a rule emits (`Draft`), and what it reads (`CheckContext`)."""

from __future__ import annotations

import hashlib
from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass, field
from datetime import datetime
from enum import StrEnum

from pixelproof.meta.event import ObservedEvent
from pixelproof.result import Pair, Severity


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


@dataclass(frozen=True, slots=True)
class CheckContext:
    """Everything a check may read. Pure data: no browser, no network, no wall clock."""

    now: datetime
    environment_kind: str = "staging"
    available: frozenset[Need] = frozenset()
    failed: Mapping[Need, str] = field(default_factory=dict)
    missing_reason: Mapping[Need, str] = field(default_factory=dict)
    events: tuple[ObservedEvent, ...] = ()
    pairs: tuple[Pair, ...] = ()
    event_map: object | None = None  # config.model.EventMap once loaded

    def events_from(self, source: str) -> Iterable[ObservedEvent]:
        return (e for e in self.events if e.source == source)


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
