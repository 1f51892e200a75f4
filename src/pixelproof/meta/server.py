"""CAPI batches (sink, relay or log lines) → server events, via `meta/capi.py`'s decoder.

The dataset ID and API version come from the batch's `path` (`/v25.0/<pixel>/events`), else the
batch's `pixel_hint` (`--capi-log PIXEL=FILE` or the map's single pixel). Each event carries the
problems of `validate_event`, plus the batch's decode problems on the batch's first event.
"""

from __future__ import annotations

from collections.abc import Iterable, Iterator, Mapping
from dataclasses import replace
from sys import intern

import orjson

from pixelproof.evidence.model import ServerBatch, decode_body
from pixelproof.meta import wire
from pixelproof.meta.capi import CapiRequest, decode_request, parse_path, validate_event
from pixelproof.meta.event import EMPTY, NO_PARAMS, ObservedEvent, Side, Transport

SHARED_CHARS = 40
_TRANSPORTS = {
    "application/x-www-form-urlencoded": Transport.FORM,
    "multipart/form-data": Transport.MULTIPART,
}


def decode_batch(batch: ServerBatch) -> CapiRequest:
    """The request a batch record holds, whatever the log line's shape."""
    body = decode_body(batch.body, batch.body_encoding)
    if batch.shape == "invalid":
        return CapiRequest((), None, None, False, batch.problems, False)
    if batch.shape == "event":
        try:
            event = orjson.loads(body)
        except orjson.JSONDecodeError as exc:
            return CapiRequest((), None, None, False, (f"event line is not JSON: {exc}",), False)
        if not isinstance(event, dict):
            return CapiRequest((), None, None, False, ("event line is not an object",), True)
        return CapiRequest((event,), None, None, False, (), True)
    query = dict(wire.decode_pairs(wire.query_of(batch.path or "")))
    return decode_request(body, batch.content_type, query)


def _transport(batch: ServerBatch) -> str:
    if batch.shape == "event":
        return Transport.LOG_EVENT
    media, _ = wire.media_type(batch.content_type)
    return _TRANSPORTS.get(media, Transport.JSON)


def _accepted(batch: ServerBatch) -> bool | None:
    status = batch.response.get("status") if batch.response else None
    if not isinstance(status, int) or isinstance(status, bool):
        return None
    return 200 <= status < 300


def _text(value: object) -> str | None:
    if isinstance(value, str):
        return value
    if isinstance(value, int) and not isinstance(value, bool):
        return str(value)
    return None


def _event_time(value: object) -> int | None:
    if isinstance(value, bool):
        return None
    if isinstance(value, int):
        return value
    if isinstance(value, float) and value.is_integer():
        return int(value)
    if isinstance(value, str) and value.strip().isdigit() and len(value.strip()) < 20:
        return int(value.strip())
    return None


def _mapping(value: object) -> Mapping[str, object]:
    return value if isinstance(value, dict) else EMPTY


def _short(value: object) -> str | None:
    """`_text`, with one shared copy of each short value (event names, action sources repeat
    on every event: ~110 bytes an event at 1M)."""
    if type(value) is str:
        return intern(value) if len(value) <= SHARED_CHARS else value
    return _text(value)


# Per batch, not per event: (pixel_id, time, seq, batch_ref, accepted, test_event_code,
# partner_agent, api_version, transport).
_Facts = tuple[
    str | None, float | None, int, str, bool | None, str | None, str | None, str | None, str
]


def _shared(event: Mapping[str, object]) -> Mapping[str, object]:
    """The event with one shared copy of the values that repeat across events (the user agent,
    the currency): equal strings, so nothing a reader sees changes; ~140 bytes an event at 1M.
    Only for events this module decoded itself (nobody else holds them)."""
    user_data, custom_data = event.get("user_data"), event.get("custom_data")
    if type(user_data) is dict:
        agent = user_data.get("client_user_agent")
        if type(agent) is str:
            user_data["client_user_agent"] = intern(agent)
    if type(custom_data) is dict:
        currency = custom_data.get("currency")
        if type(currency) is str and len(currency) <= SHARED_CHARS:
            custom_data["currency"] = intern(currency)
    return event


def _facts(
    batch: ServerBatch, req: CapiRequest, where: tuple[str | None, str | None, str] | None
) -> _Facts:
    version, pixel, transport = where or (*parse_path(batch.path), _transport(batch))
    return (
        pixel or batch.pixel_hint,
        batch.time,
        batch.seq,
        f"batch{batch.seq}",
        _accepted(batch),
        req.test_event_code,
        req.partner_agent,
        version,
        transport,
    )


def _event(event: Mapping[str, object], ref: str, facts: _Facts) -> ObservedEvent:
    pixel, time, seq, batch_ref, accepted, test_code, agent, version, transport = facts
    get = event.get
    user_data = get("user_data")
    user_data = user_data if isinstance(user_data, dict) else EMPTY
    custom_data = get("custom_data")
    # `x if type(x) is … else _helper(x)`: the helpers' answer, without a call in the usual case.
    event_id, when, url = get("event_id"), get("event_time"), get("event_source_url")
    return ObservedEvent(
        ref=ref,
        source=Side.SERVER,
        pixel_id=pixel,
        name=_short(get("event_name")),
        event_id=event_id if type(event_id) is str else _text(event_id),
        channel="capi",
        transport=transport,
        time=time,
        event_time=when if type(when) is int else _event_time(when),
        url=url if type(url) is str else _text(url),
        custom_data=custom_data if isinstance(custom_data, dict) else EMPTY,
        user_data=user_data,
        action_source=_short(get("action_source")),
        problems=validate_event(event),
        seq=seq,
        batch_ref=batch_ref,
        accepted=accepted,
        fbp=_text(user_data.get("fbp")),
        fbc=_text(user_data.get("fbc")),
        user_data_auto=EMPTY,
        params=NO_PARAMS,
        test_event_code=test_code,
        partner_agent=agent,
        api_version=version,
    )


def server_event(
    event: Mapping[str, object],
    batch: ServerBatch,
    req: CapiRequest,
    *,
    ref: str,
    where: tuple[str | None, str | None, str] | None = None,
) -> ObservedEvent:
    """One decoded CAPI event as the compact record, with its validator problems.

    `where` is (api_version, pixel_id, transport) when the caller has worked it out per batch.
    """
    return _event(event, ref, _facts(batch, req, where))


def parse_server_batch(batch: ServerBatch, *, start: int = 1) -> tuple[ObservedEvent, ...]:
    """The events of one batch, numbered `s<start>`, `s<start+1>`, …"""
    req = decode_batch(batch)
    facts = _facts(batch, req, None)
    events = [_event(_shared(event), f"s{start + i}", facts) for i, event in enumerate(req.events)]
    if events and (req.problems or batch.problems):
        head = events[0]
        extra = tuple(f"batch: {p}" for p in (*batch.problems, *req.problems))
        events[0] = _with_problems(head, extra)
    return tuple(events)


def _with_problems(event: ObservedEvent, extra: tuple[str, ...]) -> ObservedEvent:
    return replace(event, problems=event.problems + extra)


def parse_server_batches(batches: Iterable[ServerBatch]) -> Iterator[ObservedEvent]:
    """Server events of batches in capture order, numbered `s1, s2, …` across batches."""
    number = 1
    for batch in batches:
        events = parse_server_batch(batch, start=number)
        number += len(events)
        yield from events
