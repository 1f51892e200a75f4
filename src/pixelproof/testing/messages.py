"""Failure messages of the tracking assertions: what was asked, the near miss, what DID arrive.

no browser Purchase (pixel '111111111111111', params {'value': 29.99}) within 1.0 s
  closest: b2 Purchase: value: expected 29.99, sent 19.99
arrived (2 browser, 1 server):
  b1  browser  PageView  pixel 111111111111111  event_id -        {}
  b2  browser  Purchase  pixel 111111111111111  event_id order-7  {value: 19.99, …}
  s1  server   Purchase  pixel 111111111111111  event_id order-7  {value: 19.99, …}
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence

from pixelproof.meta.event import ObservedEvent, Trigger
from pixelproof.testing.matching import Want

MAX_LISTED = 40
MAX_PARAMS = 140
MAX_WIDTH = 24


class TrackingAssertionError(AssertionError):
    """A tracking assertion failed; the message lists what arrived."""

    __module__ = "pixelproof.testing"  # where users import it from, and what tracebacks say


def wanted(want: Want, source: str) -> str:
    """`browser Purchase (pixel '1', event_id 'a', params {...})`."""
    parts = [f"pixel {want.pixel!r}"] if want.pixel is not None else []
    if want.event_id is not None:
        parts.append(f"event_id {want.event_id!r}")
    if want.params:
        parts.append(f"params {dict(want.params)!r}")
    detail = f" ({', '.join(parts)})" if parts else ""
    return f"{source} {want.name}{detail}"


def params_text(params: Mapping[str, object]) -> str:
    text = "{" + ", ".join(f"{k}: {v!r}" for k, v in params.items()) + "}"
    return text if len(text) <= MAX_PARAMS else text[: MAX_PARAMS - 2] + "…}"


def line(event: ObservedEvent, widths: tuple[int, int] = (16, 14)) -> str:
    """One arrived event; `widths` align the name and event ID columns of a listing."""
    notes = []
    if event.trigger not in (None, Trigger.EXPLICIT):
        notes.append(f"[{event.trigger}]")
    if event.accepted is False:
        notes.append("[REJECTED by the sink]")
    cells = (
        f"{event.ref:<4}",
        f"{event.source!s:<7}",
        f"{event.name or '?':<{widths[0]}}",
        f"pixel {event.pixel_id or '-':<15}",
        f"event_id {event.event_id or '-':<{widths[1]}}",
        params_text(event.custom_data),
        *notes,
    )
    return "  ".join(cells).rstrip()


def lines(events: Sequence[ObservedEvent]) -> list[str]:
    widths = (
        min(MAX_WIDTH, max((len(e.name or "?") for e in events), default=1)),
        min(MAX_WIDTH, max((len(e.event_id or "-") for e in events), default=1)),
    )
    return [f"  {line(e, widths)}" for e in events]


def arrived(events: Sequence[ObservedEvent], *, sink_url: str | None = None, late: int = 0) -> str:
    """The listing of everything this test received, browser then server."""
    browser = sum(1 for e in events if e.source == "browser")
    server = len(events) - browser
    head = f"arrived ({browser} browser, {server} server):" if events else "arrived: nothing"
    rows = lines(events[:MAX_LISTED])
    if len(events) > MAX_LISTED:
        rows.append(f"  … and {len(events) - MAX_LISTED} more (tracking.events() has them all)")
    if late:
        rows.append(f"  ({late} late server event(s) of an earlier test's browser left out)")
    elif server == 0 and sink_url:
        rows.append(f"  (no batch reached the sink at {sink_url}: is it the backend's Graph URL?)")
    return "\n".join([head, *rows])


def closest_text(near: tuple[ObservedEvent, list[str]] | None) -> list[str]:
    if near is None:
        return []
    event, why = near
    return [f"  closest: {event.ref} {event.name}: " + "; ".join(why)]


def missing(
    want: Want,
    source: str,
    within: float,
    near: tuple[ObservedEvent, list[str]] | None,
    listing: str,
) -> str:
    head = f"no {wanted(want, source)} within {within:g} s"
    return "\n".join([head, *closest_text(near), listing])


def miscounted(
    want: Want, source: str, count: int, got: Sequence[ObservedEvent], listing: str
) -> str:
    refs = ", ".join(e.ref for e in got)
    head = f"expected {count} × {wanted(want, source)}, got {len(got)}: {refs}"
    return "\n".join([head, listing])


def unwanted(want: Want, source: str, within: float, got: Sequence[ObservedEvent]) -> str:
    head = f"expected no {wanted(want, source)} within {within:g} s, got {len(got)}:"
    return "\n".join([head, *lines(got)])


def not_deduplicated(name: str, within: float, why: str, listing: str) -> str:
    head = f"{name} is not deduplicated within {within:g} s: {why}"
    rule = "  (Meta keeps one copy only when pixel, event name and event ID are equal)"
    return "\n".join([head, rule, listing])
