"""Pixel hits of one test's browser context (sync Playwright, as pytest-playwright drives it).

Only the Pixel endpoints are routed — `https://www.facebook.com/tr*` and the privacy-sandbox
path, answered locally with a 1×1 GIF (an empty page for the hidden-iframe form POST) unless
`--pixelproof-send` — never `**/*`, which would disable the HTTP cache. Every `/tr` request of
every frame and page of the context (GET image, form POST, beacon, fetch) is kept as a
`BrowserHit` and parsed by `meta/pixel.py`, exactly as the live runner does.

Waiting is event-driven: `wait` blocks in `context.wait_for_event("request")`, which also
pumps Playwright's dispatcher (route handlers and listeners run only inside Playwright calls in
the sync API), and re-tests its condition after every Pixel request.
"""

from __future__ import annotations

import contextlib
import time
from collections.abc import Callable
from typing import TYPE_CHECKING

from pixelproof.evidence.model import BrowserHit, encode_body, keep_headers
from pixelproof.evidence.sources.browser_capture import GIF, PIXEL_ROUTE, request_kind
from pixelproof.meta.event import ObservedEvent
from pixelproof.meta.pixel import State, parse_pixel_hit

if TYPE_CHECKING:
    from playwright.sync_api import BrowserContext, Request, Route

SLICE_S = 0.1  # with several contexts, each wait watches one of them for this long at most


def is_pixel_request(request: Request) -> bool:
    return request_kind(request.url, ()) == "pixel"


class PixelHits:
    """Captures and parses the Pixel hits of the contexts it is attached to."""

    def __init__(self, *, send: bool = False, clock: Callable[[], float] = time.time) -> None:
        self.send = send
        self.hits: list[BrowserHit] = []
        self._clock = clock
        self._events: list[ObservedEvent] = []
        self._state: State = {}
        self._seen: set[Request] = set()  # holds them: identity stays unique
        self._contexts: list[BrowserContext] = []

    def attach(self, context: BrowserContext) -> None:
        """Route and listen on `context` (before its pages navigate); any number of contexts."""
        if not self.send:
            context.route(PIXEL_ROUTE, self._answer)
        context.on("request", self._on_request)
        self._contexts.append(context)

    def detach(self) -> None:
        from playwright.sync_api import Error as PlaywrightError

        for context in self._contexts:
            context.remove_listener("request", self._on_request)
            if not self.send:
                with contextlib.suppress(PlaywrightError):  # the context is already closed
                    context.unroute(PIXEL_ROUTE, self._answer)
        self._contexts.clear()

    def events(self) -> tuple[ObservedEvent, ...]:
        """The events of the hits so far, `b1, b2, …` in capture order."""
        return tuple(self._events)

    def fbps(self) -> set[str]:
        """The `_fbp` visitor IDs the hits carried (how late server batches are told apart)."""
        return {e.fbp for e in self._events if e.fbp}

    def wait(self, done: Callable[[], bool], deadline: float) -> bool:
        """Until `done()` or the `time.monotonic()` deadline; True when `done()` holds."""
        while not done():
            remaining = deadline - time.monotonic()
            if remaining <= 0 or not self.next_hit(remaining):
                return done()
        return True

    def drain(self) -> None:
        """One round trip to the browser: requests it already reported are captured after it."""
        from playwright.sync_api import Error as PlaywrightError

        for context in self._contexts:
            with contextlib.suppress(PlaywrightError):
                context.cookies()

    def next_hit(self, seconds: float) -> bool:
        """Run Playwright until the next Pixel request, at most `seconds`; False when no page
        is open (nothing can come, and nothing needs pumping)."""
        from playwright.sync_api import Error as PlaywrightError
        from playwright.sync_api import TimeoutError as PlaywrightTimeout

        open_contexts = [c for c in self._contexts if c.pages]
        if not open_contexts:
            return False
        watched = open_contexts[-1]
        if len(open_contexts) > 1:
            seconds = min(seconds, SLICE_S)
        try:
            request = watched.wait_for_event(
                "request", predicate=is_pixel_request, timeout=max(1.0, seconds * 1000)
            )
        except PlaywrightTimeout:
            return True  # the caller re-tests and sees its deadline
        except PlaywrightError:
            return False  # closed while waiting
        self._on_request(request)
        return True

    def _answer(self, route: Route) -> None:
        if route.request.method.upper() == "GET":
            route.fulfill(status=200, content_type="image/gif", body=GIF)
        else:  # the hidden-iframe form POST navigates a frame: give it an empty document
            route.fulfill(status=200, content_type="text/html", body="")

    def _on_request(self, request: Request) -> None:
        if request in self._seen or not is_pixel_request(request):
            return
        self._seen.add(request)
        body, encoding = encode_body(request.post_data_buffer)
        hit = BrowserHit(
            seq=len(self.hits) + 1,
            time=self._clock(),
            method=request.method,
            url=request.url,
            headers=keep_headers(request.headers),
            body=body,
            body_encoding=encoding,
            resource_type=request.resource_type,
            frame=_frame_url(request),
        )
        self.hits.append(hit)
        ref = f"b{len(self._events) + 1}"
        self._events += parse_pixel_hit(hit, ref=ref, state=self._state)


def _frame_url(request: Request) -> str | None:
    try:
        frame = request.frame
    except Exception:  # service-worker requests have no frame
        return None
    return frame.url if frame.parent_frame is not None else None
