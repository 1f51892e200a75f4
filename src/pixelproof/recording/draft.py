"""A recorded visit → a commented DRAFT event map (`pixelproof init --from-url`).

One event key per event name the site fired explicitly (what the Pixel fires on its own —
automatic button clicks, user properties — is listed in a comment instead), the pixel IDs under
`environments.staging.pixels`, the custom-data parameters seen with inferred types, and one
journey replaying the visit: `goto`, the clicks, and an `expect` of what fired after each.
Values seen on the wire are never written: they may hold personal data.
"""

from __future__ import annotations

import re
from collections import Counter
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field

from pixelproof.meta.event import ObservedEvent, Trigger
from pixelproof.meta.names import is_standard
from pixelproof.meta.pixel import parse_browser_hits
from pixelproof.recording.draft_text import render
from pixelproof.recording.session import Recording
from pixelproof.rulekit.values import TYPE_TESTS

LEFT_OUT = frozenset({Trigger.AUTOMATIC, Trigger.USER_PROPERTIES})
PIXEL_ID = re.compile(r"^[0-9]{10,20}$")
EVENT_KEY = re.compile(r"^[A-Za-z_][A-Za-z0-9_.:-]*$")
# Meta's documented types for standard parameters; anything else is inferred from the values.
KNOWN_TYPES = {
    "value": "number",
    "predicted_ltv": "number",
    "currency": "currency",
    "content_ids": "list",
    "contents": "list",
    "num_items": "integer",
    "content_name": "string",
    "content_type": "string",
    "content_category": "string",
    "order_id": "string",
    "search_string": "string",
}
INFERRED_ORDER = ("list", "object", "boolean", "number", "string")


@dataclass
class DraftEvent:
    """What the visit showed of one event name."""

    key: str
    name: str
    hits: int = 0
    with_eid: int = 0
    pixels: set[str] = field(default_factory=set)
    params: dict[str, list[object]] = field(default_factory=dict)

    @property
    def custom(self) -> bool:
        return not is_standard(self.name)

    def param_type(self, name: str) -> str:
        return param_type(name, self.params.get(name, []))


@dataclass(frozen=True, slots=True)
class Draft:
    text: str
    pixels: tuple[str, ...]  # role main first
    silent: tuple[str, ...]  # initialised but fired nothing the site asked for
    events: tuple[DraftEvent, ...]
    left_out: tuple[tuple[str, str, int], ...]  # (name, trigger, hits)


def param_type(name: str, values: Sequence[object]) -> str:
    """A parameter's map type: Meta's for standard names, else the narrowest that fits."""
    if name in KNOWN_TYPES:
        return KNOWN_TYPES[name]
    if "currency" in name and values and all(TYPE_TESTS["currency"](v) for v in values):
        return "currency"
    for kind in INFERRED_ORDER:
        if values and all(TYPE_TESTS[kind](v) for v in values):
            return kind
    return "string"


def _key_for(name: str, taken: set[str]) -> str:
    key = name if EVENT_KEY.fullmatch(name) else re.sub(r"[^A-Za-z0-9_.:-]+", "_", name)
    if not EVENT_KEY.fullmatch(key):
        key = "_" + key
    base, n = key, 2
    while key in taken:
        key, n = f"{base}_{n}", n + 1
    taken.add(key)
    return key


def split_events(
    events: Iterable[ObservedEvent],
) -> tuple[list[ObservedEvent], Counter[tuple[str, str]]]:
    """(events the site fired, (name, trigger) counts of what the Pixel fired on its own)."""
    kept: list[ObservedEvent] = []
    left: Counter[tuple[str, str]] = Counter()
    for event in events:
        if event.trigger == Trigger.PRIVACY_SANDBOX or not event.name:
            continue  # Chrome's attribution copy of a hit already kept
        if event.trigger in LEFT_OUT:
            left[(event.name, str(event.trigger))] += 1
        else:
            kept.append(event)
    return kept, left


def collect(events: Iterable[ObservedEvent]) -> dict[str, DraftEvent]:
    """Meta name → what was seen, in order of first appearance."""
    found: dict[str, DraftEvent] = {}
    taken: set[str] = set()
    for event in events:
        name = event.name or ""
        entry = found.get(name)
        if entry is None:
            entry = found[name] = DraftEvent(_key_for(name, taken), name)
        entry.hits += 1
        entry.with_eid += event.event_id is not None
        if event.pixel_id:
            entry.pixels.add(event.pixel_id)
        for param, value in event.custom_data.items():
            entry.params.setdefault(param, []).append(value)
    return found


def pixel_ids(ids: Iterable[str | None]) -> tuple[str, ...]:
    """Distinct well-formed pixel IDs in order of first appearance."""
    return tuple(dict.fromkeys(p for p in ids if p and PIXEL_ID.fullmatch(p)))


def draft_map(recording: Recording, command: str) -> Draft:
    """The draft map's text and what went into it."""
    kept, left = split_events(parse_browser_hits(recording.hits))
    pixels = pixel_ids(e.pixel_id for e in kept)
    silent = tuple(p for p in pixel_ids(recording.inits) if p not in pixels)
    events = collect(kept)
    left_out = tuple((name, trigger, n) for (name, trigger), n in left.items())
    steps = _steps(kept, events, pixels, len(recording.clicks))
    text = render(
        recording=recording,
        command=command,
        pixels=pixels,
        silent=silent,
        events=list(events.values()),
        left_out=left_out,
        steps=steps,
    )
    return Draft(text, pixels, silent, tuple(events.values()), left_out)


@dataclass(frozen=True, slots=True)
class Fired:
    """One event key fired after one action, at most `count` times on any one pixel."""

    key: str
    count: int


def _steps(
    kept: Sequence[ObservedEvent],
    events: dict[str, DraftEvent],
    pixels: Sequence[str],
    clicks: int,
) -> list[list[Fired]]:
    """Per action (0 = the page load, N = click N): what fired, in order of first hit."""
    per_step: list[Counter[tuple[str, str]]] = [Counter() for _ in range(clicks + 1)]
    for event in kept:
        step = event.step if event.step is not None and 0 <= event.step <= clicks else clicks
        per_step[step][(events[event.name or ""].key, event.pixel_id or "")] += 1
    out: list[list[Fired]] = []
    for counts in per_step:
        most: dict[str, int] = {}
        for (key, _pixel), n in counts.items():
            most[key] = max(most.get(key, 0), n)
        out.append([Fired(key, n) for key, n in most.items()])
    return out


__all__ = ["Draft", "DraftEvent", "Fired", "draft_map", "param_type"]
