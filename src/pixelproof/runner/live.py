"""Live evidence as it arrives: parsed hits and server events, attributed, and wake-ups.

The dispatcher of DESIGN §1: browser hits are parsed with `meta.pixel.parse_pixel_hit` as they
are captured; sink batches are parsed and their events attributed to journeys with the same
pure function `check` uses (`meta.attribution.attribute_server_event`), against the identity
keys the journeys have shown so far. Waiters (`expect`, the settle) sleep on `changed()`.
"""

from __future__ import annotations

import asyncio
from collections.abc import Mapping
from dataclasses import dataclass, field

from pixelproof.evidence.model import BrowserHit, ServerBatch
from pixelproof.meta.attribution import (
    JourneyIdentity,
    attribute_server_event,
    build_index,
    event_ids,
    persona_values,
)
from pixelproof.meta.event import ObservedEvent
from pixelproof.meta.keys import MapFacts
from pixelproof.meta.pixel import parse_pixel_hit
from pixelproof.meta.server import parse_server_batch
from pixelproof.meta.timeline import RawStep, timeline
from pixelproof.meta.triggers import counted

Slot = tuple[str, int | None, str, str]  # journey, action step, key, source


@dataclass
class LiveJourney:
    """What one running journey has shown so far (its identity keys and step windows)."""

    name: str
    token: str | None = None
    started: float | None = None
    ended: float | None = None
    fbps: set[str] = field(default_factory=set)
    ids: dict[str, int | None] = field(default_factory=dict)
    persona: frozenset[str] = frozenset()
    steps: dict[int, RawStep] = field(default_factory=dict)

    def identity(self, settle: float) -> JourneyIdentity:
        line = timeline(self.name, self.steps.values(), started=self.started, ended=self.ended)
        until = None if self.ended is None else self.ended + settle
        return JourneyIdentity(
            self.name, line, self.token, frozenset(self.fbps), dict(self.ids), self.persona, until
        )


class LiveEvents:
    """Counts of arrived copies per (journey, action step, key, source, pixel)."""

    def __init__(self, facts: MapFacts) -> None:
        self.facts = facts
        self.journeys: dict[str, LiveJourney] = {}
        self._browser: list[ObservedEvent] = []
        self._server: list[ObservedEvent] = []
        self._state: dict[tuple[str | None, str | None], tuple[str | None, str]] = {}
        self._tick = asyncio.Event()
        self.version = 0

    # --- journeys ------------------------------------------------------------------------
    def journey(self, name: str) -> LiveJourney:
        return self.journeys.setdefault(name, LiveJourney(name))

    def begin(self, name: str, token: str | None, persona: Mapping[str, str], at: float) -> None:
        live = self.journey(name)
        live.token, live.started = token, at
        live.persona = persona_values(persona)
        self._notify()

    def step(self, name: str, raw: RawStep) -> None:
        self.journey(name).steps[raw.index] = raw

    def end(self, name: str, at: float) -> None:
        self.journey(name).ended = at
        self._notify()

    def saw_fbp(self, name: str, value: str) -> None:
        live = self.journey(name)
        if value not in live.fbps:
            live.fbps.add(value)
            self._notify()

    # --- arrivals ------------------------------------------------------------------------
    def on_hit(self, hit: BrowserHit) -> None:
        for event in parse_pixel_hit(hit, ref=f"b{hit.seq}", state=self._state):
            self._browser.append(event)
            if event.journey is not None:
                live = self.journey(event.journey)
                for value in event_ids(event):
                    live.ids.setdefault(value, event.step)
                if event.fbp:
                    live.fbps.add(event.fbp)
        self._notify()

    def on_batch(self, batch: ServerBatch) -> None:
        self._server.extend(parse_server_batch(batch, start=len(self._server) + 1))
        self._notify()

    # --- waiting -------------------------------------------------------------------------
    def _notify(self) -> None:
        self.version += 1
        tick, self._tick = self._tick, asyncio.Event()
        tick.set()

    async def changed(self, timeout: float) -> None:
        """Return when something arrives, or after `timeout` seconds."""
        if timeout <= 0:
            return
        tick = self._tick
        try:
            await asyncio.wait_for(tick.wait(), timeout)
        except TimeoutError:
            return

    def copies(self, slot: Slot, settle: float) -> dict[str | None, int]:
        """Arrived copies of one slot, per pixel."""
        journey, step, key, source = slot
        events = self._browser if source == "browser" else self._attributed(settle)
        out: dict[str | None, int] = {}
        for e in events:
            if e.journey != journey or e.step != step or not counted(e):
                continue
            if self.facts.resolve(e) == key:
                out[e.pixel_id] = out.get(e.pixel_id, 0) + 1
        return out

    def _attributed(self, settle: float) -> list[ObservedEvent]:
        if not self._server:
            return []
        index = build_index(j.identity(settle) for j in self.journeys.values())
        return [attribute_server_event(e, index)[0] for e in self._server]
