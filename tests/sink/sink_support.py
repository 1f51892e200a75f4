"""Helpers for the sink tests: secrets, events, a local Graph stand-in, a bounded waiter."""

from __future__ import annotations

import json
import threading
import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field

from starlette.applications import Starlette
from starlette.requests import Request
from starlette.responses import Response
from starlette.routing import Route

from pixelproof.evidence.sources.sink_server import ServerThread, bind_socket, url_of

# Realistic-looking secrets; every test that handles them scans what the sink wrote and printed.
ACCESS_TOKEN = "EAAGm0PX4ZCpsBAPixelproofTestToken7Qx2ZB9kLmNoPqRsT"
APP_SECRET = "3f1c9a7e5b2d4c6a8e0f1b3d5c7a9e2f"
SINK_TOKEN = "sinktok-Vh3Qp9Lm2Xr7Ty4Wz8Kc"
PIXEL = "111111111111111"
VERSION = "v26.0"
SECRETS = (ACCESS_TOKEN, APP_SECRET, SINK_TOKEN)
HASHED_EMAIL = "62a14e44f765419d10fea99367361a727c12365e2520f32218d505ed9aa0f62f"
WAIT_S = 10.0


def appsecret_proof() -> str:
    import hashlib
    import hmac

    return hmac.new(APP_SECRET.encode(), ACCESS_TOKEN.encode(), hashlib.sha256).hexdigest()


ALL_SECRETS = (*SECRETS, appsecret_proof())


def event(
    name: str = "Purchase", *, age_s: float = 60.0, event_id: str = "order-1"
) -> dict[str, object]:
    """A website server event Meta accepts (`client_user_agent` included)."""
    return {
        "event_name": name,
        "event_time": int(time.time() - age_s),
        "event_id": event_id,
        "action_source": "website",
        "event_source_url": "https://shop.example/checkout",
        "user_data": {"em": [HASHED_EMAIL], "client_user_agent": "Mozilla/5.0 (test)"},
        "custom_data": {"currency": "EUR", "value": 12.5},
    }


def events(count: int, **kwargs: float) -> list[dict[str, object]]:
    return [
        {**event(**kwargs), "event_id": f"order-{i}"}  # type: ignore[arg-type]
        for i in range(count)
    ]


def json_strings(items: list[dict[str, object]]) -> str:
    """`data` as the official SDK sends it: a JSON array of JSON strings."""
    return json.dumps([json.dumps(e) for e in items])


def wait_until(check: Callable[[], bool], timeout: float = WAIT_S) -> None:
    """Wait on a condition with a bound (no fixed sleeps)."""
    done = threading.Event()
    deadline = time.monotonic() + timeout
    while not check():
        if time.monotonic() > deadline:
            raise AssertionError("condition not met in time")
        done.wait(0.01)


@dataclass
class GraphStandIn:
    """A local stand-in for graph.facebook.com: records what it got, answers like Meta."""

    received: list[dict[str, object]] = field(default_factory=list)
    status: int = 200
    answer: dict[str, object] = field(
        default_factory=lambda: {"events_received": 1, "messages": [], "fbtrace_id": "STANDIN"}
    )

    async def events(self, request: Request) -> Response:
        body = await request.body()
        self.received.append(
            {
                "path": request.url.path,
                "query": request.url.query,
                "body": body.decode("utf-8", "replace"),
                "headers": dict(request.headers),
            }
        )
        payload = json.dumps(self.answer).encode()
        return Response(
            payload,
            status_code=self.status,
            media_type="application/json",
            headers={"x-fb-trace-id": "STANDIN"},
        )


@contextmanager
def graph_standin() -> Iterator[tuple[str, GraphStandIn]]:
    standin = GraphStandIn()
    app = Starlette(routes=[Route("/{v}/{pixel}/events", standin.events, methods=["POST"])])
    sock = bind_socket("127.0.0.1", 0)
    url = url_of(sock)
    server = ServerThread(app, sock, name="graph-standin")
    server.start()
    try:
        yield url, standin
    finally:
        server.stop()


def closed_port_url() -> str:
    """A loopback URL nothing listens on (bound, then released)."""
    sock = bind_socket("127.0.0.1", 0)
    url = url_of(sock)
    sock.close()
    return url
