"""Secrets at the sink's edge: Meta tokens in, the shared sink token checked, nothing stored.

Meta's access token arrives in the query, a body field or an `Authorization: Bearer` header
(reference/meta-api.md §2.1). Only its fingerprint is kept; `access_token`, `appsecret_proof` and
`Authorization` are stripped from everything stored, and a last pass replaces any secret that
still shows up in a line (belt and braces: a token pasted into `event_source_url` is caught too).
The shared sink token (DESIGN §13 "Sink tokens and relay") travels as an `X-Pixelproof-Token`
header or a `/t/<token>/` path prefix and is never stored or printed.
"""

from __future__ import annotations

import hashlib
import hmac
from collections.abc import Iterable
from dataclasses import dataclass
from urllib.parse import unquote

import orjson
from starlette.types import ASGIApp, Receive, Scope, Send

from pixelproof.evidence.sources.sink_graph import SINK_TOKEN_REFUSAL, error_envelope
from pixelproof.meta import wire
from pixelproof.redact import Redactor, scan_secrets

SINK_TOKEN_HEADER = b"x-pixelproof-token"
AUTH_SCHEMES = ("bearer ", "oauth ")


def token_hash(token: str) -> str:
    return hashlib.sha256(token.encode("utf-8", "replace")).hexdigest()


@dataclass(frozen=True, slots=True)
class Credentials:
    """What a request carried: Meta's token (first found) and every secret value seen."""

    token: str | None
    secrets: tuple[str, ...]


def _bearer(authorization: str | None) -> str | None:
    if not authorization:
        return None
    for scheme in AUTH_SCHEMES:
        if authorization[: len(scheme)].lower() == scheme:
            return authorization[len(scheme) :].strip()
    return None


def names_token_field(body: bytes) -> bool:
    """Cheap pre-check: does the body spell a token field name (as is)?"""
    return b"access_token" in body or b"appsecret_proof" in body


def _body_fields(body: bytes, content_type: str | None, deep: bool) -> Iterable[tuple[str, object]]:
    if not deep and not names_token_field(body):
        return ()
    media, _ = wire.media_type(content_type)
    if media.endswith("json") or body.lstrip()[:1] == b"{":
        try:
            parsed = orjson.loads(body)
        except orjson.JSONDecodeError:
            return ()
        return parsed.items() if isinstance(parsed, dict) else ()
    pairs, _ = wire.decode_form(body, content_type)
    return pairs


def find_credentials(
    query: Iterable[tuple[str, str]],
    body: bytes,
    content_type: str | None,
    authorization: str | None,
    *,
    deep: bool = False,
) -> Credentials:
    """Meta's token from the query, then the body, then the header (Graph's order).

    The body is searched only when it spells a token field name, or with `deep` (the decoder
    saw a token under an escaped name such as `access%5Ftoken`)."""
    fields = [*query, *_body_fields(body, content_type, deep)]
    found = [v for k, v in fields if k in wire.TOKEN_FIELDS and isinstance(v, str) and v]
    bearer = _bearer(authorization)
    tokens = [v for k, v in fields if k == "access_token" and isinstance(v, str) and v]
    token = tokens[0] if tokens else bearer or None
    return Credentials(token, tuple({*found, *([bearer] if bearer else [])}))


def scrub(line: dict[str, object], secrets: Iterable[str]) -> dict[str, object]:
    """`line` with every secret (raw or URL-encoded) replaced; untouched when none occurs."""
    wanted = [s for s in secrets if s]
    if not wanted:
        return line
    leaked = scan_secrets(orjson.dumps(line).decode(), wanted)
    if not leaked:
        return line
    cleaned = Redactor(pii={}, secrets=tuple(leaked), keep_pii=True).data(line)
    return cleaned if isinstance(cleaned, dict) else line


class SharedTokenGuard:
    """ASGI middleware: strips a `/t/<token>/` prefix and, when a token is set, requires it."""

    def __init__(self, app: ASGIApp, token: str | None) -> None:
        self._app = app
        self._token = token.encode() if token else None
        self.refused = 0

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self._app(scope, receive, send)
            return
        given: bytes | None = None
        path: str = scope["path"]
        if path.startswith("/t/"):
            prefix, _, rest = path[3:].partition("/")
            given = unquote(prefix).encode()
            scope = {**scope, "path": "/" + rest, "raw_path": ("/" + rest).encode()}
        if given is None:
            given = dict(scope["headers"]).get(SINK_TOKEN_HEADER)
        if self._token is not None and not (given and hmac.compare_digest(given, self._token)):
            self.refused += 1
            await _send_refusal(send)
            return
        await self._app(scope, receive, send)


async def _send_refusal(send: Send) -> None:
    body = orjson.dumps(error_envelope(SINK_TOKEN_REFUSAL))
    headers = [(b"content-type", b"application/json"), (b"content-length", str(len(body)).encode())]
    status = SINK_TOKEN_REFUSAL.http
    await send({"type": "http.response.start", "status": status, "headers": headers})
    await send({"type": "http.response.body", "body": body})
