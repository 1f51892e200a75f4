"""The one compact record per observed event, browser hit or server event (DESIGN §1).

Parsers (`meta/pixel.py`, `meta/server.py`) produce these from raw evidence; attribution and
pairing fill `journey`, `step` and `event_key` with `dataclasses.replace`; checks read them.
A slotted frozen dataclass: the offline benchmark (bench/offline.py, docs/decisions.md) measured
it against `msgspec.Struct` and kept it. Unset optional fields cost one pointer each.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from enum import StrEnum

EMPTY: Mapping[str, object] = {}  # shared, never mutated: parsers pass it for empty groups
NO_PARAMS: Mapping[str, str] = {}


class Side(StrEnum):
    BROWSER = "browser"
    SERVER = "server"


class Trigger(StrEnum):
    """Why a browser hit was sent (DESIGN §5); `unknown` when the evidence cannot tell."""

    EXPLICIT = "explicit"
    HISTORY = "history"
    HASH = "hash"
    BFCACHE = "bfcache"
    AUTOMATIC = "automatic"
    USER_PROPERTIES = "user_properties"
    CONSENT_REPLAY = "consent_replay"
    PRIVACY_SANDBOX = "privacy_sandbox"
    NOSCRIPT = "noscript"
    UNKNOWN = "unknown"


class Transport(StrEnum):
    """How the event left: Pixel transports (`rqm`) or the CAPI body encoding."""

    GET = "get"
    FORM_POST = "form_post"
    BEACON = "beacon"
    FETCH = "fetch"
    XHR = "xhr"
    POST = "post"  # a POST whose `rqm` does not say which kind
    JSON = "json"
    FORM = "form"
    MULTIPART = "multipart"
    LOG_EVENT = "log_event"  # a log line holding one bare event


@dataclass(frozen=True, slots=True)
class ObservedEvent:
    ref: str
    source: Side
    pixel_id: str | None
    name: str | None
    event_id: str | None
    channel: str = "pixel"  # pixel | capi
    transport: str = "get"  # a Transport value
    trigger: str | None = None  # a Trigger value (browser only)
    time: float | None = None  # capture time, epoch seconds
    ts: int | None = None  # Pixel `ts`, ms, raw
    event_time: int | None = None  # CAPI `event_time`, s, raw
    url: str | None = None  # `dl` or `event_source_url`
    custom_data: Mapping[str, object] = field(default_factory=dict)
    user_data: Mapping[str, object] = field(default_factory=dict)  # `ud[…]` / CAPI user_data
    action_source: str | None = None
    problems: tuple[str, ...] = ()
    seq: int = 0  # the evidence record it came from
    batch_ref: str | None = None
    accepted: bool | None = None
    attempts: int = 1
    journey: str | None = None
    step: int | None = None
    event_key: str | None = None
    # Added by issue 4 (evidence and parsers):
    fbp: str | None = None  # `fbp` param / user_data.fbp
    fbc: str | None = None
    user_data_auto: Mapping[str, object] = field(
        default_factory=dict
    )  # `udff[…]`: automatic advanced matching
    params: Mapping[str, str] = field(
        default_factory=dict
    )  # every other raw wire parameter (v, ec, es, tm, a, …)
    test_event_code: str | None = None  # CAPI batch-level
    partner_agent: str | None = None  # CAPI `partner_agent`, Pixel `a`
    api_version: str | None = None  # from the CAPI path
