"""The sink's ASGI app: a Graph-compatible `POST /{version}/{pixel_id}/events` (DESIGN §6).

Every request body is read whole (up to an explicit 10 MB, never Starlette's form parser and its
silent 1 MB field cap) and recorded with its answer, whatever `meta.capi` makes of it. Verdicts
come from the one CAPI validator (`meta.capi.judge_request`); this module adds what only the sink
knows: Meta's token (missing → 190), the accept list, the relay, retries and the record itself.
Inspection for test suites: `GET`/`DELETE /__pixelproof/batches`, `GET /__pixelproof/health`.
"""

from __future__ import annotations

import re
import time
from collections.abc import Callable
from dataclasses import dataclass
from datetime import UTC, datetime

import orjson
from starlette.applications import Starlette
from starlette.requests import ClientDisconnect, Request
from starlette.responses import Response
from starlette.routing import Route
from starlette.types import ASGIApp

from pixelproof.evidence.sources.sink_forward import Answer, Forwarder
from pixelproof.evidence.sources.sink_graph import (
    CLIENT_GONE,
    INTERNAL,
    TOKEN_MISSING,
    TOKEN_NOT_ACCEPTED,
    error_envelope,
    success,
    unknown_path,
    unsupported,
)
from pixelproof.evidence.sources.sink_log import BatchLog, Line, request_digest
from pixelproof.evidence.sources.sink_record import Arrival, build_line, summary
from pixelproof.evidence.sources.sink_secrets import (
    SharedTokenGuard,
    find_credentials,
    scrub,
    token_hash,
)
from pixelproof.meta import wire
from pixelproof.meta.capi import (
    MAX_BODY_BYTES,
    CapiRequest,
    Rejection,
    decode_request,
    judge_request,
)

VERSION = re.compile(r"v\d+(?:\.\d+)?")
HEAD_KEPT = 64 * 1024  # what is stored of a body over the limit
HARD_CAP = 4 * MAX_BODY_BYTES  # past this the sink stops reading and lets the connection close
JSON = "application/json"
EMPTY = decode_request(b"", None)

Say = Callable[[str], None]


@dataclass(frozen=True, slots=True)
class SinkOptions:
    """How the sink judges: accepted token hashes (empty = any non-empty), strict, clock."""

    accept_hashes: frozenset[str] = frozenset()
    strict: bool = False
    clock: Callable[[], float] = time.time
    sink_token: str | None = None


async def read_body(request: Request) -> tuple[bytes, int, bool]:
    """(kept bytes, true size, complete); over the limit only the first 64 KiB are kept."""
    kept = bytearray()
    size = 0
    try:
        async for chunk in request.stream():
            size += len(chunk)
            if size <= MAX_BODY_BYTES:
                kept += chunk
                continue
            del kept[HEAD_KEPT:]
            kept += chunk[: max(0, HEAD_KEPT - len(kept))]
            if size > HARD_CAP:
                break
    except ClientDisconnect:
        return bytes(kept), size, False
    return bytes(kept), size, True


def first_wins(pairs: wire.Pairs) -> dict[str, str]:
    return {name: value for name, value in reversed(pairs)}


def iso_time(epoch: float) -> str:
    return datetime.fromtimestamp(epoch, UTC).isoformat(timespec="microseconds")[:-6] + "Z"


def graph_response(status: int, body: dict[str, object]) -> Response:
    return Response(orjson.dumps(body), status_code=status, media_type=JSON)


def rejection_response(rejection: Rejection) -> Response:
    return graph_response(rejection.http, error_envelope(rejection))


class SinkApp:
    """The routes, bound to one batch log, one optional relay and the console line writer."""

    def __init__(
        self,
        options: SinkOptions,
        log: BatchLog,
        forwarder: Forwarder | None = None,
        say: Say | None = None,
    ) -> None:
        self.options = options
        self.log = log
        self.forwarder = forwarder
        self.say = say
        routes = [
            Route("/__pixelproof/batches", self.batches, methods=["GET", "DELETE"]),
            Route("/__pixelproof/health", self.health, methods=["GET"]),
            Route("/{version}/{pixel_id}/events", self.events, methods=["POST"]),
            Route("/{version}/{pixel_id}/events/", self.events, methods=["POST"]),
        ]
        handlers = {404: self._not_found, 405: self._not_allowed}
        self.guard = SharedTokenGuard(
            Starlette(routes=routes, exception_handlers=handlers),
            options.sink_token,
        )

    @property
    def asgi(self) -> ASGIApp:
        return self.guard

    async def events(self, request: Request) -> Response:
        arrival = self.options.clock()
        if not VERSION.fullmatch(request.path_params["version"]):
            return await self._not_found(request, None)
        try:
            return await self._events(request, arrival)
        except Exception as exc:  # a bug must not lose the answer
            if self.say is not None:
                self.say(f"sink: internal error answering a batch: {type(exc).__name__}")
            return rejection_response(INTERNAL)

    async def _events(self, request: Request, arrival: float) -> Response:
        raw, size, complete = await read_body(request)
        query = request.scope["query_string"]
        pairs = wire.decode_pairs(query.decode("latin-1"))
        content_type = request.headers.get("content-type")
        creds = find_credentials(pairs, raw, content_type, request.headers.get("authorization"))
        fits = complete and size <= MAX_BODY_BYTES
        req = decode_request(raw, content_type, first_wins(pairs)) if fits else EMPTY
        if req.has_token and creds.token is None:
            auth = request.headers.get("authorization")
            creds = find_credentials(pairs, raw, content_type, auth, deep=True)
        if not complete:
            answer = Answer(CLIENT_GONE, b"", JSON)
        else:
            answer = await self._answer(request, raw, size, req, creds.token)
        arrived = Arrival(
            time=iso_time(arrival),
            path=request.scope["path"],
            query=query,
            content_type=content_type,
            body=raw,
            size=size,
            user_agent=request.headers.get("user-agent"),
            remote=_remote(request),
        )
        line = build_line(arrived, req, creds.token, answer)
        line = scrub(line, (*creds.secrets, self.options.sink_token or ""))
        line = self.log.record(line, request_digest(str(line["path"]), raw))
        self._tell(line, len(req.events))
        return Response(answer.body, status_code=answer.status, media_type=answer.content_type)

    async def _answer(
        self, request: Request, raw: bytes, size: int, req: CapiRequest, token: str | None
    ) -> Answer:
        rejection = self._token_rejection(token)
        if rejection is None and size > MAX_BODY_BYTES:
            rejection = judge_request(EMPTY, now=0.0, body_size=size)
        if rejection is None and self.forwarder is not None:
            answer, unreachable = await self.forwarder.send(
                request.scope["path"], request.scope["query_string"], raw, dict(request.headers)
            )
            if unreachable is not None and self.say is not None:
                self.say(f"sink: relay could not reach {self.forwarder.base_url}: {unreachable}")
            return answer
        if rejection is None:
            now = self.options.clock()
            rejection = judge_request(req, now=now, strict=self.options.strict, body_size=size)
        if rejection is not None:
            return Answer(rejection.http, orjson.dumps(error_envelope(rejection)), JSON)
        return Answer(200, orjson.dumps(success(len(req.events))), JSON)

    def _token_rejection(self, token: str | None) -> Rejection | None:
        if not token:
            return TOKEN_MISSING
        accepted = self.options.accept_hashes
        if accepted and token_hash(token) not in accepted:
            return TOKEN_NOT_ACCEPTED
        return None

    def _tell(self, line: Line, events: int) -> None:
        if self.say is not None:
            self.say(summary(line, events))

    async def batches(self, request: Request) -> Response:
        if request.method == "DELETE":
            deleted = self.log.reset()
            return graph_response(200, {"deleted": deleted, "last_seq": self.log.last_seq})
        since_text = request.query_params.get("since", "0")
        if not since_text.lstrip("-").isdigit():
            bad = Rejection(400, 100, None, f"since must be an integer, got {since_text!r}")
            return rejection_response(bad)
        batches = self.log.since(int(since_text))
        return graph_response(200, {"batches": batches, "last_seq": self.log.last_seq})

    async def health(self, request: Request) -> Response:
        return graph_response(200, {"ok": True, "last_seq": self.log.last_seq})

    async def _not_found(self, request: Request, exc: Exception | None) -> Response:
        self._note_ignored(request)
        return rejection_response(unknown_path(request.url.path))

    async def _not_allowed(self, request: Request, exc: Exception | None) -> Response:
        self._note_ignored(request)
        return rejection_response(unsupported(request.method, request.url.path))

    def _note_ignored(self, request: Request) -> None:
        if self.say is not None:
            self.say(
                f"sink: not recorded: {request.method} {request.url.path} ({_remote(request)})"
            )


def _remote(request: Request) -> str | None:
    client = request.client
    return f"{client.host}:{client.port}" if client is not None else None
