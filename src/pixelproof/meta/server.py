"""CAPI batches (sink, relay or log lines) → server events, via `meta/capi.py`'s decoder.

The dataset ID and API version come from the batch's `path` (`/v25.0/<pixel>/events`), else the
batch's `pixel_hint` (`--capi-log PIXEL=FILE` or the map's single pixel). Each event carries the
problems of `validate_event`, plus the batch's decode problems on the batch's first event.
"""

from __future__ import annotations

from collections.abc import Iterable, Iterator, Mapping
from dataclasses import replace

import orjson

from pixelproof.evidence.model import ServerBatch, decode_body
from pixelproof.meta import wire
from pixelproof.meta.capi import CapiRequest, decode_request, parse_path, validate_event
from pixelproof.meta.event import EMPTY, NO_PARAMS, ObservedEvent, Side, Transport

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
    version, pixel, transport = where or (*parse_path(batch.path), _transport(batch))
    user_data = _mapping(event.get("user_data"))
    return ObservedEvent(
        ref=ref,
        source=Side.SERVER,
        pixel_id=pixel or batch.pixel_hint,
        name=_text(event.get("event_name")),
        event_id=_text(event.get("event_id")),
        channel="capi",
        transport=transport,
        time=batch.time,
        event_time=_event_time(event.get("event_time")),
        url=_text(event.get("event_source_url")),
        custom_data=_mapping(event.get("custom_data")),
        user_data=user_data,
        action_source=_text(event.get("action_source")),
        problems=validate_event(event),
        seq=batch.seq,
        batch_ref=f"batch{batch.seq}",
        accepted=_accepted(batch),
        fbp=_text(user_data.get("fbp")),
        fbc=_text(user_data.get("fbc")),
        test_event_code=req.test_event_code,
        partner_agent=req.partner_agent,
        api_version=version,
        user_data_auto=EMPTY,
        params=NO_PARAMS,
    )


def parse_server_batch(batch: ServerBatch, *, start: int = 1) -> tuple[ObservedEvent, ...]:
    """The events of one batch, numbered `s<start>`, `s<start+1>`, …"""
    req = decode_batch(batch)
    where = (*parse_path(batch.path), _transport(batch))
    events = [
        server_event(event, batch, req, ref=f"s{start + i}", where=where)
        for i, event in enumerate(req.events)
    ]
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
