"""One recorded batch as a line (DESIGN §13 "CAPI log and sink lines"), and its console summary.

The line is a superset of the CAPI log envelope `{time, content_type, body}`, so the capi-log
reader takes sink files as they are: `path` keeps the query minus `access_token` and
`appsecret_proof`; `body` is the request body with those fields removed (`meta.capi.redact_body`),
as text — or base64 with `body_encoding` when it is not UTF-8 — and a body over the 10 MB limit
keeps its first 64 KiB with `body_size` and `body_truncated`.
"""

from __future__ import annotations

import base64
from dataclasses import dataclass

import orjson

from pixelproof.evidence.sources.sink_forward import Answer
from pixelproof.evidence.sources.sink_log import Line
from pixelproof.meta import wire
from pixelproof.meta.capi import CapiRequest, redact_body, token_fp

UA_SHOWN = 60
_TOKEN_SPELLINGS = (b"access_token", b"appsecret_proof", b"access%5ftoken", b"appsecret%5fproof")


@dataclass(frozen=True, slots=True)
class Arrival:
    """What arrived, before anything was parsed."""

    time: str
    path: str
    query: bytes
    content_type: str | None
    body: bytes
    size: int
    user_agent: str | None
    remote: str | None


def stored_path(path: str, query: bytes) -> str:
    kept = wire.strip_token_pairs(query.decode("latin-1"))[0] if query else ""
    return f"{path}?{kept}" if kept else path


def stored_body(arrival: Arrival) -> dict[str, object]:
    cleaned = arrival.body
    if _may_carry_token(arrival.body):
        cleaned = redact_body(arrival.body, arrival.content_type)[0]
    fields: dict[str, object] = {}
    try:
        fields["body"] = cleaned.decode("utf-8")
    except UnicodeDecodeError:
        fields["body"] = base64.b64encode(cleaned).decode("ascii")
        fields["body_encoding"] = "base64"
    if arrival.size > len(arrival.body):
        fields["body_size"] = arrival.size
        fields["body_truncated"] = True
    return fields


def _may_carry_token(body: bytes) -> bool:
    """A body that names no token field, even escaped, is stored as it came (a token value under
    an odd spelling is still caught by the final secret pass)."""
    lowered = body.lower()
    return any(name in lowered for name in _TOKEN_SPELLINGS)


def response_body(answer: Answer) -> object:
    if not answer.body:
        return None
    try:
        return orjson.loads(answer.body)
    except orjson.JSONDecodeError:
        return answer.body.decode("utf-8", "replace")


def build_line(arrival: Arrival, req: CapiRequest, token: str | None, answer: Answer) -> Line:
    return {
        "seq": 0,
        "time": arrival.time,
        "path": stored_path(arrival.path, arrival.query),
        "content_type": arrival.content_type,
        **stored_body(arrival),
        "user_agent": arrival.user_agent,
        "remote": arrival.remote,
        "partner_agent": req.partner_agent,
        "token_fp": token_fp(token) if token else None,
        "retry_of": None,
        "response": {"status": answer.status, "body": response_body(answer)},
    }


def _error_of(line: Line) -> str | None:
    response = line.get("response")
    body = response.get("body") if isinstance(response, dict) else None
    error = body.get("error") if isinstance(body, dict) else None
    if not isinstance(error, dict):
        return None
    sub = error.get("error_subcode")
    return f"{error.get('code')}/{sub}" if sub is not None else str(error.get("code"))


def summary(line: Line, events: int) -> str:
    """One console line per batch; built from the stored (already redacted) line only."""
    response = line.get("response")
    status = response.get("status") if isinstance(response, dict) else None
    agent = str(line.get("user_agent") or "-")[:UA_SHOWN]
    parts = [
        f"sink #{line.get('seq')} {status} {line.get('path')} events={events}",
        f'ua="{agent}" from {line.get("remote") or "-"} token={line.get("token_fp") or "-"}',
    ]
    if line.get("retry_of") is not None:
        parts.append(f"retry_of=#{line['retry_of']}")
    error = _error_of(line)
    if error is not None:
        parts.append(f"error={error}")
    return " ".join(parts)
