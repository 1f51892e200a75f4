"""Conversions API requests: decoding, Meta's batch-level judgement and the one event validator.

Shared by the CAPI log parser, the rules and the sink (DESIGN §6, §12). Every function here is
pure and total: any byte string gives a `CapiRequest` whose `problems` say what could not be
decoded; nothing raises. Accepted encodings (reference/meta-api.md §2.1): a JSON body, an
`application/x-www-form-urlencoded` body or a `multipart/form-data` body, with `data` as a list of
event objects, a JSON string of such a list, or a list of JSON strings (the official SDK).
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from dataclasses import dataclass

import orjson

from pixelproof.meta import wire
from pixelproof.meta.capi_redact import redact_body
from pixelproof.meta.capi_rules import event_rejection, validate_event
from pixelproof.meta.wire import MAX_BODY_BYTES, strip_token_mapping, token_fp

__all__ = [
    "MAX_BATCH_EVENTS",
    "MAX_BODY_BYTES",
    "MAX_EVENT_AGE_S",
    "CapiRequest",
    "Rejection",
    "decode_request",
    "judge_request",
    "parse_path",
    "redact_body",
    "redact_token_fields",
    "token_fp",
    "validate_event",
]

MAX_BATCH_EVENTS = 1000
MAX_EVENT_AGE_S = 7 * 24 * 3600
SUBCODE_TOO_OLD = 2804003
_PATH = re.compile(r"^(?:/t/[^/]+)?/(v\d+(?:\.\d+)?)/([^/?#]+)/events/?$")
_FORM_TYPES = ("application/x-www-form-urlencoded", "multipart/form-data")


@dataclass(frozen=True, slots=True)
class CapiRequest:
    """One decoded CAPI request body; `problems` say which parts could not be decoded."""

    events: tuple[Mapping[str, object], ...]
    test_event_code: str | None
    partner_agent: str | None
    has_token: bool
    problems: tuple[str, ...]
    data_present: bool


@dataclass(frozen=True, slots=True)
class Rejection:
    """Meta's answer to a rejected batch: Graph error envelope fields plus the HTTP status."""

    http: int
    code: int
    subcode: int | None
    message: str
    type: str = "OAuthException"


def _scalar_text(value: object) -> str | None:
    if isinstance(value, str):
        return value
    if isinstance(value, int | float) and not isinstance(value, bool):
        return str(value)
    return None


def _events_of(data: object) -> tuple[tuple[Mapping[str, object], ...], list[str]]:
    problems: list[str] = []
    if isinstance(data, str | bytes):
        try:
            data = orjson.loads(data)
        except orjson.JSONDecodeError as exc:
            return (), [f"data is not valid JSON: {exc}"]
    if not isinstance(data, list):
        return (), [f"data must be a list of events, got {type(data).__name__}"]
    events: list[Mapping[str, object]] = []
    for i, item in enumerate(data):
        if isinstance(item, str):
            try:
                item = orjson.loads(item)
            except orjson.JSONDecodeError as exc:
                problems.append(f"data[{i}] is a string but not JSON: {exc}")
                continue
        if isinstance(item, dict):
            events.append(item)
        else:
            problems.append(f"data[{i}] is not an event object ({type(item).__name__})")
    return tuple(events), problems


def _fields_of(body: bytes, content_type: str | None) -> tuple[dict[str, object], list[str]]:
    media, _ = wire.media_type(content_type)
    if media in _FORM_TYPES or (not media.endswith("json") and body.lstrip()[:1] not in b"{["):
        pairs, problems = wire.decode_form(body, content_type)
        if media in _FORM_TYPES or any(name == "data" for name, _ in pairs):
            fields: dict[str, object] = {}
            for name, value in pairs:
                fields.setdefault(name, value)  # first occurrence wins, as in Graph
            return fields, list(problems)
    try:
        parsed = orjson.loads(body)
    except orjson.JSONDecodeError as exc:
        if "UTF-8" in str(exc):  # orjson's text for binary bytes talks about surrogates
            return {}, ["body is not valid JSON: it is not UTF-8 text (compressed or binary?)"]
        return {}, [f"body is not valid JSON: {exc}"]
    if not isinstance(parsed, dict):
        return {}, [f"body must be a JSON object, got {type(parsed).__name__}"]
    return parsed, []


def decode_request(
    body: bytes, content_type: str | None, query: Mapping[str, str] | None = None
) -> CapiRequest:
    """Decode one CAPI request body; `query` holds the URL's parameters (the body wins)."""
    if len(body) > MAX_BODY_BYTES:
        return CapiRequest((), None, None, False, ("body exceeds 10 MB; not decoded",), False)
    fields, problems = _fields_of(body, content_type)
    query = query or {}
    events: tuple[Mapping[str, object], ...] = ()
    if "data" in fields:
        events, more = _events_of(fields["data"])
        problems += more
    test_code = fields.get("test_event_code", query.get("test_event_code"))
    agent = fields.get("partner_agent", query.get("partner_agent"))
    for name, value in (("test_event_code", test_code), ("partner_agent", agent)):
        if value is not None and _scalar_text(value) is None:
            problems.append(f"{name} must be a string, got {type(value).__name__}")
    has_token = bool(fields.get("access_token") or query.get("access_token"))
    return CapiRequest(
        events=events,
        test_event_code=_scalar_text(test_code),
        partner_agent=_scalar_text(agent),
        has_token=has_token,
        problems=tuple(problems),
        data_present="data" in fields,
    )


def _too_old(event: Mapping[str, object], now: float) -> bool:
    value = event.get("event_time")
    if isinstance(value, str) and value.strip().isdigit():
        value = int(value.strip())
    if isinstance(value, bool) or not isinstance(value, int | float):
        return False
    return value < now - MAX_EVENT_AGE_S


def judge_request(
    req: CapiRequest, *, now: float, strict: bool = False, body_size: int = 0
) -> Rejection | None:
    """Meta's batch-level verdict (DESIGN §13 "Sink tokens and relay"); None = accepted.

    One bad event rejects the whole batch, as at Meta. Without `strict`, only what Meta
    itself rejects is rejected; `strict` also rejects what Meta accepts but documents as
    wrong (every problem `validate_event` reports).
    """
    if body_size > MAX_BODY_BYTES:
        return Rejection(400, 100, None, "Request body exceeds the 10 MB limit")
    if not req.data_present:
        reason = req.problems[0] if req.problems else "The parameter data is required"
        return Rejection(400, 100, None, f"Invalid parameter: {reason}")
    if req.problems:
        return Rejection(400, 100, None, f"Invalid parameter: {req.problems[0]}")
    if not req.events:
        return Rejection(400, 100, None, "Invalid parameter: data must not be empty")
    if len(req.events) > MAX_BATCH_EVENTS:
        return Rejection(
            400, 100, None, f"Invalid parameter: {len(req.events)} events exceed the 1000 limit"
        )
    for i, event in enumerate(req.events):
        if _too_old(event, now):
            return Rejection(
                400, 100, SUBCODE_TOO_OLD, f"Event Timestamp Too Old: data[{i}].event_time"
            )
    for i, event in enumerate(req.events):
        problems = validate_event(event) if strict else event_rejection(event)
        if problems:
            return Rejection(400, 100, None, f"Invalid parameter: data[{i}]: {problems[0]}")
    return None


def parse_path(path: str | None) -> tuple[str | None, str | None]:
    """(`api_version`, `pixel_id`) from `/v25.0/<pixel>/events` (with an optional `/t/<tok>`)."""
    if not path:
        return None, None
    match = _PATH.match(wire.path_of(path))
    return (match.group(1), match.group(2)) if match else (None, None)


def redact_token_fields(fields: Mapping[str, object]) -> tuple[dict[str, object], str | None]:
    """`fields` without `access_token`/`appsecret_proof`, and the token's short fingerprint."""
    return strip_token_mapping(fields)
