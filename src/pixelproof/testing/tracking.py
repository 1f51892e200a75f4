"""`tracking`: assert, inside a Playwright test, what the Pixel and the backend told Meta.

    tracking.expect_event("Purchase", params={"value": 49.9, "currency": "eur"}, source="both")
    tracking.expect_no_event("Lead", within=1.0)
    browser, server = tracking.expect_deduplicated("Purchase")
    assert [e.name for e in tracking.events("browser")] == ["PageView", "Purchase"]

Assertions wait — event-driven, up to `within` seconds — and fail with a
`TrackingAssertionError` that lists what was asked, the nearest miss and everything that DID
arrive (name, pixel, event ID, params, per source).
"""

from __future__ import annotations

import time
from collections.abc import Callable, Mapping
from typing import Literal

from pixelproof.meta.event import ObservedEvent
from pixelproof.testing import messages
from pixelproof.testing.browser import PixelHits
from pixelproof.testing.matching import Want, best_pair, countable
from pixelproof.testing.messages import TrackingAssertionError
from pixelproof.testing.server import ServerView

Source = Literal["browser", "server", "both"]
Side = Literal["browser", "server"]
PUMP_S = 0.05  # while a page is open, how often a server wait looks at the sink
SIDES: dict[str, tuple[Side, ...]] = {
    "browser": ("browser",),
    "server": ("server",),
    "both": ("browser", "server"),
}


class Tracking:
    """Both halves of one test: the context's Pixel hits and the sink batches since it began."""

    def __init__(self, hits: PixelHits | None, server: ServerView | None) -> None:
        self.hits = hits
        self.server = server

    @property
    def sink_url(self) -> str | None:
        """The Graph base URL the backend under test must use (None without a sink)."""
        return self.server.url if self.server is not None else None

    def events(
        self, source: Source | None = None, name: str | None = None
    ) -> tuple[ObservedEvent, ...]:
        """What arrived so far (no waiting), browser `b…` then server `s…`; filter by name."""
        sides = sides_of(source) if source is not None else ("browser", "server")
        found: list[ObservedEvent] = []
        if "browser" in sides and self.hits is not None:
            found += countable(self.hits.events())
        if "server" in sides and self.server is not None:
            found += self.server.events()
        return tuple(e for e in found if name is None or e.name == name)

    def expect_event(
        self,
        name: str,
        *,
        pixel: str | None = None,
        params: Mapping[str, object] | None = None,
        event_id: str | None = None,
        source: Source = "browser",
        count: int | None = None,
        within: float = 5.0,
    ) -> tuple[ObservedEvent, ...]:
        """Wait until `name` arrived from each side of `source`; return the matching events.

        `params` is a subset match; `count` asks for exactly that many per side, judged as soon
        as that many have arrived (after one round trip that collects hits already under way).
        """
        __tracebackhide__ = True
        if count is not None and count < 1:
            raise ValueError("count must be at least 1 (expect_no_event asserts absence)")
        want = Want(name, pixel, event_id, dict(params or {}))
        need = count or 1
        deadline = time.monotonic() + within
        found: list[ObservedEvent] = []
        for side in sides_of(source):
            self._wait(side, self._has(want, side, need), deadline)
            if count is not None and side == "browser" and self.hits is not None:
                self.hits.drain()  # a double fire's second copy is often one step behind
            events = self.events(side)
            got = want.matches(events)
            if not got:
                near = want.closest(events)
                raise TrackingAssertionError(
                    messages.missing(want, side, within, near, self._listing())
                )
            if count is not None and len(got) != count:
                raise TrackingAssertionError(
                    messages.miscounted(want, side, count, got, self._listing())
                )
            found += got
        return tuple(found)

    def expect_no_event(
        self,
        name: str,
        *,
        pixel: str | None = None,
        params: Mapping[str, object] | None = None,
        event_id: str | None = None,
        source: Source = "browser",
        within: float = 2.0,
    ) -> None:
        """Watch for `within` seconds; fail as soon as a matching event arrives (even rejected)."""
        __tracebackhide__ = True
        want = Want(name, pixel, event_id, dict(params or {}), accepted_only=False)
        deadline = time.monotonic() + within
        for side in sides_of(source):
            self._wait(side, self._has(want, side, 1), deadline)
            got = want.matches(self.events(side))
            if got:
                raise TrackingAssertionError(messages.unwanted(want, side, within, got))

    def expect_deduplicated(
        self,
        name: str,
        *,
        pixel: str | None = None,
        event_id: str | None = None,
        within: float = 5.0,
    ) -> tuple[ObservedEvent, ObservedEvent]:
        """Wait for a browser and a server copy with the same pixel, name and event ID."""
        __tracebackhide__ = True
        want = Want(name, pixel, event_id)
        deadline = time.monotonic() + within
        self._wait("browser", self._has(want, "browser", 1), deadline)
        self._wait("server", lambda: self._clean_pair(want) is not None, deadline)
        pair = self._clean_pair(want)
        if pair is not None:
            return pair
        raise TrackingAssertionError(
            messages.not_deduplicated(name, within, self._why_unpaired(want), self._listing())
        )

    def _has(self, want: Want, side: Side, need: int) -> Callable[[], bool]:
        return lambda: len(want.matches(self.events(side))) >= need

    def _clean_pair(self, want: Want) -> tuple[ObservedEvent, ObservedEvent] | None:
        best = best_pair(want.matches(self.events("browser")), want.matches(self.events("server")))
        return (best[0], best[1]) if best is not None and not best[2] else None

    def _why_unpaired(self, want: Want) -> str:
        browser = want.matches(self.events("browser"))
        if not browser:
            near = want.closest(self.events("browser"))
            return f"no {messages.wanted(want, 'browser')} arrived" + _near(near)
        ids = {e.event_id for e in browser if e.event_id}
        server = [
            e
            for e in self.events("server")
            if (e.name or "").lower() == want.name.lower() or e.event_id in ids
        ]
        best = best_pair(browser, server)
        if best is None:
            return f"no server {want.name} (nor any server event with its event ID) arrived"
        b, s, gaps = best
        return f"{b.ref} ↔ {s.ref}: " + "; ".join(gaps)

    def _wait(self, side: Side, done: Callable[[], bool], deadline: float) -> None:
        if side == "browser":
            if self.hits is None:
                raise ValueError("this Tracking has no browser capture (source='server' only)")
            self.hits.wait(done, deadline)
        elif self.server is None:
            raise ValueError("this Tracking has no CAPI sink (source='browser' only)")
        elif self.hits is None:
            self.server.wait(done, deadline)
        else:
            self._pump_until(self.hits, self.server, done, deadline)

    @staticmethod
    def _pump_until(
        hits: PixelHits, server: ServerView, done: Callable[[], bool], deadline: float
    ) -> None:
        """Wait for the server while Playwright keeps running: in the sync API, route handlers
        (the Pixel's and the app's own) run only inside Playwright calls, and the request that
        makes the backend post may be waiting for one. Batches are noticed within a slice."""
        while not done():
            remaining = deadline - time.monotonic()
            if remaining <= 0:
                return
            if not hits.next_hit(min(remaining, PUMP_S)):
                server.wait(done, deadline)  # no page left: nothing to run, wait on the sink
                return

    def _listing(self) -> str:
        late = len(self.server.late) if self.server is not None else 0
        return messages.arrived(self.events(), sink_url=self.sink_url, late=late)


def sides_of(source: str) -> tuple[Side, ...]:
    try:
        return SIDES[source]
    except KeyError:
        raise ValueError(f"source must be 'browser', 'server' or 'both', not {source!r}") from None


def _near(near: tuple[ObservedEvent, list[str]] | None) -> str:
    return "" if near is None else f" (closest: {near[0].ref}: {'; '.join(near[1])})"
