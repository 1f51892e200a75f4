"""Server retries, collapsed before anything is attributed or counted (DESIGN §5, §13).

A retry is a §5-equal re-send — same dataset, name, event ID and payload ignoring
`event_time` — in a later batch, after a non-2xx, a timeout or no response. It is collapsed
into one event whose `attempts` counts the sends; the survivor is the last attempt (what Meta
finally got). A re-send after a 2xx is not collapsed: DD003 reports it at info.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field, replace

import orjson

from pixelproof.meta.event import ObservedEvent

PayloadKey = tuple[str | None, str | None, str | None, str | None, str | None, bytes, bytes]


def _dump(value: Mapping[str, object]) -> bytes:
    return orjson.dumps(value, option=orjson.OPT_SORT_KEYS, default=str)


def payload_key(event: ObservedEvent) -> PayloadKey:
    """What makes two sends 'the same event' (§5): everything but `event_time` and transport."""
    return (
        event.pixel_id,
        event.name,
        event.event_id,
        event.action_source,
        event.url,
        _dump(event.custom_data),
        _dump(event.user_data),
    )


@dataclass(frozen=True, slots=True)
class Collapsed:
    """Server events with retries folded in; `merged[survivor ref]` = the refs folded into it."""

    events: tuple[ObservedEvent, ...]
    merged: Mapping[str, tuple[str, ...]] = field(default_factory=dict)


def collapse_retries(events: Iterable[ObservedEvent]) -> Collapsed:
    """One pass in capture order; a hash map of the last send of each payload (linear)."""
    kept: list[ObservedEvent | None] = []
    last: dict[PayloadKey, int] = {}
    merged: dict[str, tuple[str, ...]] = {}
    for event in events:
        key = payload_key(event)
        at = last.get(key)
        earlier = kept[at] if at is not None else None
        if earlier is not None and _retries(earlier, event):
            folded = (*merged.pop(earlier.ref, ()), earlier.ref)
            kept[at] = None  # type: ignore[index]
            event = replace(event, attempts=earlier.attempts + 1)
            merged[event.ref] = folded
        last[key] = len(kept)
        kept.append(event)
    return Collapsed(tuple(e for e in kept if e is not None), merged)


def _retries(earlier: ObservedEvent, later: ObservedEvent) -> bool:
    different_batch = earlier.batch_ref is None or earlier.batch_ref != later.batch_ref
    return different_batch and earlier.accepted is not True


def resent_after_success(earlier: ObservedEvent, later: ObservedEvent) -> bool:
    """A §5-equal re-send in a later batch after a 2xx (DD003 info, never collapsed)."""
    return (
        earlier.accepted is True
        and earlier.batch_ref != later.batch_ref
        and payload_key(earlier) == payload_key(later)
    )
