"""What one journey's browser context sends, captured at the network layer in every frame.

Pixel `/tr` and privacy-sandbox hits, requests to declared server containers (with their
status), page requests to Graph `/events`, Meta script loads, console lines, page errors and
`fbq` calls (through the init-script trap) become evidence records (DESIGN §13 "Evidence
file"). Only the Pixel endpoints are routed — answered locally with a 1×1 GIF unless `--send` —
plus the map's `site.block` patterns and, when the map sets headers, the site's own origin.
"""

from __future__ import annotations

import asyncio
import importlib.resources
import re
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass, field
from typing import TYPE_CHECKING
from urllib.parse import urlsplit

import orjson

from pixelproof.evidence.model import (
    BrowserHit,
    ConsoleRecord,
    FbqCallRecord,
    PageErrorRecord,
    Record,
    ScriptLoadRecord,
    encode_body,
    keep_headers,
)
from pixelproof.evidence.sources.browser_frames import (
    child_frame_url,
    error_text,
    frame_of,
    frame_url,
    headers_of,
)
from pixelproof.meta.pixel import hit_kind

if TYPE_CHECKING:
    from playwright.async_api import (
        BrowserContext,
        ConsoleMessage,
        Frame,
        Request,
        Route,
        WebError,
    )

PIXEL_ROUTE = re.compile(
    r"^https://www\.facebook\.com/(?:tr|privacy_sandbox/pixel/register/trigger)(?:[/?#]|$)"
)
META_SCRIPT_HOST = "connect.facebook.net"
GRAPH_EVENTS = re.compile(r"^/(?:v\d+(?:\.\d+)?/)?[^/]+/events/?$")
BINDING = "__pixelproofFbq"
GIF = bytes.fromhex(
    "47494638396101000100800000000000ffffff21f90401000000002c00000000010001000002024401003b"
)
MAX_TEXT = 2000


def trap_script() -> str:
    """The `fbq` property trap (package data)."""
    return (importlib.resources.files(__package__) / "fbq_trap.js").read_text("utf-8")


def request_kind(url: str, containers: Sequence[str]) -> str | None:
    """'pixel', 'container', 'graph', 'script' or None (not evidence)."""
    parts = urlsplit(url)
    host = (parts.hostname or "").lower()
    if host.endswith("facebook.com") and hit_kind(url) is not None:
        return "pixel"
    if any(url.startswith(c) for c in containers):
        return "container"
    if host.startswith("graph.") and host.endswith("facebook.com"):
        return "graph" if GRAPH_EVENTS.match(parts.path) else None
    return "script" if host == META_SCRIPT_HOST else None


@dataclass
class CaptureSettings:
    """Per-run capture options."""

    send: bool = False
    containers: tuple[str, ...] = ()
    block: tuple[str, ...] = ()
    origin: str | None = None  # the site's origin (`scheme://host[:port]`)
    headers: Mapping[str, str] = field(default_factory=dict)  # for that origin only


@dataclass
class Started:
    time: float
    step: int | None
    document: str | None = None


class Capture:
    """Wires one context; `emit` receives every record, `step()` says the current step."""

    def __init__(
        self,
        journey: str,
        settings: CaptureSettings,
        *,
        emit: Callable[[Record], object],
        step: Callable[[], int | None],
        clock: Callable[[], float],
    ) -> None:
        self.journey = journey
        self.settings = settings
        self._emit = emit
        self._step = step
        self._clock = clock
        self._started: dict[Request, Started] = {}
        self._documents: dict[Frame, str] = {}  # each frame's current document id
        self.answered = 0  # Pixel hits answered locally by the route
        self.hits = 0

    async def attach(self, context: BrowserContext) -> None:
        await context.expose_binding(BINDING, self._on_fbq)  # before the trap that calls it
        setup = [
            context.add_init_script(trap_script()),
            context.route(PIXEL_ROUTE, self._answer_pixel),
            *(context.route(pattern, _abort) for pattern in self.settings.block),
        ]
        if self.settings.headers and self.settings.origin:
            own = re.compile("^" + re.escape(self.settings.origin) + r"(?:[/?#]|$)")
            setup.append(context.route(own, self._with_headers))
        await asyncio.gather(*setup)  # independent round trips: one wait, not five
        context.on("request", self._on_request)
        context.on("requestfinished", self._on_finished)
        context.on("requestfailed", self._on_failed)
        context.on("console", self._on_console)
        context.on("weberror", self._on_web_error)

    def flush(self) -> None:
        """Requests still in flight when the journey ends are kept without a status."""
        pending = list(self._started.items())
        self._started.clear()
        for request, started in pending:
            self._record(request, started, None, {})

    async def _answer_pixel(self, route: Route) -> None:
        if self.settings.send:
            await route.continue_()
            return
        self.answered += 1
        if route.request.method.upper() == "GET":
            await route.fulfill(status=200, content_type="image/gif", body=GIF)
        else:  # the hidden-iframe form POST navigates a frame: give it an empty document
            await route.fulfill(status=200, content_type="text/html", body="")

    async def _with_headers(self, route: Route) -> None:
        headers = {**await route.request.all_headers(), **self.settings.headers}
        await route.continue_(headers=headers)

    def _on_request(self, request: Request) -> None:
        if request_kind(request.url, self.settings.containers) is not None:
            document = self._document_of(frame_of(request))
            self._started[request] = Started(self._clock(), self._step(), document)

    async def _on_finished(self, request: Request) -> None:
        started = self._started.pop(request, None)
        if started is None:
            return
        response = await request.response()
        headers = await headers_of(request)
        self._record(request, started, response.status if response else None, headers)

    async def _on_failed(self, request: Request) -> None:
        started = self._started.pop(request, None)
        if started is not None:
            self._record(request, started, None, await headers_of(request))

    def _record(
        self, request: Request, started: Started, status: int | None, headers: Mapping[str, str]
    ) -> None:
        kind = request_kind(request.url, self.settings.containers)
        frame = frame_url(request)
        if started.document is None:  # the trap's hello may arrive after the request event
            started.document = self._document_of(frame_of(request))
        if kind == "script":
            self._emit(
                ScriptLoadRecord(
                    journey=self.journey,
                    step=started.step,
                    time=started.time,
                    url=request.url,
                    status=status,
                    frame=frame,
                    document=started.document,
                )
            )
            return
        body, encoding = encode_body(request.post_data_buffer)
        self.hits += 1
        self._emit(
            BrowserHit(
                time=started.time,
                method=request.method,
                url=request.url,
                headers=keep_headers(headers or request.headers),
                body=body,
                body_encoding=encoding,
                resource_type=request.resource_type,
                frame=frame,
                status=status,
                journey=self.journey,
                step=started.step,
                document=started.document,
            )
        )

    def _on_console(self, message: ConsoleMessage) -> None:
        location = message.location
        url = location.get("url") if isinstance(location, dict) else None
        self._emit(
            ConsoleRecord(
                journey=self.journey,
                step=self._step(),
                time=self._clock(),
                level=message.type,
                text=message.text[:MAX_TEXT],
                url=url or None,
            )
        )

    def _on_web_error(self, error: WebError) -> None:
        page = error.page
        self._emit(
            PageErrorRecord(
                journey=self.journey,
                step=self._step(),
                time=self._clock(),
                message=error_text(error.error)[:MAX_TEXT],
                url=page.url if page else None,
            )
        )

    def _on_fbq(self, source: Mapping[str, object], payload: object) -> None:
        try:
            data = orjson.loads(payload) if isinstance(payload, str) else {}
        except orjson.JSONDecodeError:
            return
        if not isinstance(data, dict):
            return
        frame = source.get("frame")
        document = _text(data.get("doc"))
        if frame is not None and document is not None:
            self._documents[frame] = document  # type: ignore[index]
        if data.get("hello"):
            return
        args = data.get("args")
        self._emit(
            FbqCallRecord(
                journey=self.journey,
                step=self._step(),
                time=self._clock(),
                args=tuple(args) if isinstance(args, list) else (),
                script=_text(data.get("script")),
                frame=child_frame_url(frame),
                url=_text(data.get("url")),
                document=document,
            )
        )

    def _document_of(self, frame: Frame | None) -> str | None:
        """The frame's document id, else its nearest ancestor's (a hidden form-POST iframe)."""
        while frame is not None:
            found = self._documents.get(frame)
            if found is not None:
                return found
            frame = frame.parent_frame
        return None


async def _abort(route: Route) -> None:
    await route.abort("blockedbyclient")


def _text(value: object) -> str | None:
    return value if isinstance(value, str) and value else None


__all__ = ["BINDING", "Capture", "CaptureSettings", "request_kind", "trap_script"]
