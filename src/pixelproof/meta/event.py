"""The one compact record per observed event, browser hit or server event (DESIGN §1).

Parsers (`meta/pixel.py`, `meta/capi.py`) produce these from raw evidence; attribution and
pairing fill `journey`, `step` and `event_key` with `dataclasses.replace`; checks read them.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from enum import StrEnum


class Side(StrEnum):
    BROWSER = "browser"
    SERVER = "server"


@dataclass(frozen=True, slots=True)
class ObservedEvent:
    ref: str
    source: Side
    pixel_id: str | None
    name: str | None
    event_id: str | None
    channel: str = "pixel"
    transport: str = "get"
    trigger: str | None = None
    time: float | None = None  # capture time, epoch seconds
    ts: int | None = None  # Pixel `ts`, ms, raw
    event_time: int | None = None  # CAPI `event_time`, s, raw
    url: str | None = None  # `dl` or `event_source_url`
    custom_data: Mapping[str, object] = field(default_factory=dict)
    user_data: Mapping[str, object] = field(default_factory=dict)
    action_source: str | None = None
    problems: tuple[str, ...] = ()
    seq: int = 0  # the evidence record it came from
    batch_ref: str | None = None
    accepted: bool | None = None
    attempts: int = 1
    journey: str | None = None
    step: int | None = None
    event_key: str | None = None
