"""Bounded candidate sets for pairing: time-sorted buckets and the heuristic score (§5 pass 4).

Every lookup bisects a bucket and walks at most `LIMIT` neighbours, so pairing stays linear in
events even when thousands share one key (a placeholder event ID, a day of PageViews).
"""

from __future__ import annotations

from bisect import bisect_left
from collections.abc import Callable, Iterable, Iterator, Sequence
from dataclasses import dataclass
from urllib.parse import urlsplit

from pixelproof.meta.event import ObservedEvent, Side
from pixelproof.result import Pair

LIMIT = 16
INF = float("inf")


@dataclass(frozen=True, slots=True)
class Clock:
    """Times on the browser's clock: `--clock-offset` = server clock − browser clock."""

    offset: float = 0.0

    def browser(self, event: ObservedEvent) -> float | None:
        if event.time is not None:
            return event.time
        return event.ts / 1000 if event.ts is not None else None

    def server(self, event: ObservedEvent) -> float | None:
        raw = event.time if event.time is not None else event.event_time
        return None if raw is None else raw - self.offset


class Bucket:
    """Events sorted by time (untimed ones last) with a shared `taken` set of refs."""

    __slots__ = ("events", "taken", "times")

    def __init__(
        self, events: Sequence[ObservedEvent], time: Callable[[ObservedEvent], float | None],
        taken: set[str],
    ) -> None:  # fmt: skip
        keyed = sorted(events, key=lambda e: (_or_inf(time(e)), e.seq, e.ref))
        self.events = keyed
        self.times = [_or_inf(time(e)) for e in keyed]
        self.taken = taken

    def nearest(
        self, at: float | None, ok: Callable[[ObservedEvent], bool] | None = None
    ) -> ObservedEvent | None:
        """The free event closest in time to `at` (the earliest free one when untimed)."""
        found = self.around(at, 1, ok=ok)
        return found[0] if found else None

    def around(
        self, at: float | None, k: int, lo: float = -INF, hi: float = INF,
        ok: Callable[[ObservedEvent], bool] | None = None,
    ) -> list[ObservedEvent]:  # fmt: skip
        """Up to `k` free events within [lo, hi], nearest to `at` first (≤ LIMIT probes)."""
        start = 0 if at is None else bisect_left(self.times, at)
        left, right = start - 1, start
        out: list[ObservedEvent] = []
        for _ in range(LIMIT):
            if len(out) >= k or (left < 0 and right >= len(self.events)):
                break
            take_right = left < 0 or (
                right < len(self.events)
                and abs(self.times[right] - (at or 0.0)) <= abs(self.times[left] - (at or 0.0))
            )
            index = right if take_right else left
            right, left = (right + 1, left) if take_right else (right, left - 1)
            event = self.events[index]
            if event.ref in self.taken or (at is not None and not lo <= self.times[index] <= hi):
                continue
            if ok is None or ok(event):
                out.append(event)
        return out


def _or_inf(value: float | None) -> float:
    return INF if value is None else value


def order_id(event: ObservedEvent) -> str | None:
    value = event.custom_data.get("order_id")
    if isinstance(value, bool):
        return None
    if isinstance(value, str | int | float):
        text = str(value).strip()
        return text or None
    return None


def _ids(value: object) -> frozenset[str] | None:
    if isinstance(value, list | tuple):
        return frozenset(str(v) for v in value)
    return None


def _number(value: object) -> float | None:
    if isinstance(value, bool):
        return None
    try:
        return float(value) if isinstance(value, int | float | str) else None
    except ValueError:
        return None


def _path(url: str | None) -> str | None:
    if not url:
        return None
    try:
        return urlsplit(url).path.rstrip("/") or "/"
    except ValueError:
        return None


def score(b: ObservedEvent, s: ObservedEvent) -> int | None:
    """Pass 4's score; None when two different order IDs veto the pair."""
    bo, so = order_id(b), order_id(s)
    if bo and so and bo != so:
        return None
    points = 100 if bo and bo == so else 0
    if (b.event_id and b.event_id == so) or (s.event_id and s.event_id == bo):
        points += 50
    bc, sc = b.custom_data, s.custom_data
    ids = _ids(bc.get("content_ids"))
    points += 20 if ids and ids == _ids(sc.get("content_ids")) else 0
    value = _number(bc.get("value"))
    points += 10 if value is not None and value == _number(sc.get("value")) else 0
    currency = bc.get("currency")
    same_currency = isinstance(currency, str) and str(sc.get("currency", "")).upper() == (
        currency.upper()
    )
    points += 5 if same_currency else 0
    points += 5 if b.fbp and b.fbp == s.fbp else 0
    path = _path(b.url)
    points += 3 if path and path == _path(s.url) else 0
    return points + (2 if b.name == s.name else 0)


def visitor(event: ObservedEvent) -> str | None:
    """The visitor key journey-less evidence is scoped by: `fbp`, else `external_id`."""
    if event.fbp:
        return "fbp:" + event.fbp
    return external_id(event)


def external_id(event: ObservedEvent) -> str | None:
    xid = event.user_data.get("external_id")
    if isinstance(xid, list) and xid:
        xid = xid[0]
    return "xid:" + xid.strip().lower() if isinstance(xid, str) and xid.strip() else None


def always(b: ObservedEvent, s: ObservedEvent) -> bool:
    return True


def same_visitor(b: ObservedEvent, s: ObservedEvent) -> bool:
    """Strangers are never paired: two different visitor keys veto (journey-less only)."""
    vb, vs = visitor(b), visitor(s)
    return vb is None or vs is None or vb == vs or vb[:3] != vs[:3]


def id_key(e: ObservedEvent, pixel: bool, name: bool) -> tuple[object, ...] | None:
    if not e.event_id:
        return None
    return (e.pixel_id if pixel else None, e.name if name else None, e.event_id)


def fallback_key(mode: str) -> Callable[[ObservedEvent], tuple[object, ...] | None]:
    def key(e: ObservedEvent) -> tuple[object, ...] | None:
        v = ("fbp:" + e.fbp if e.fbp else None) if mode == "fbp" else external_id(e)
        if v is None:
            return None
        return (e.pixel_id, e.name, v)

    return key


def heuristic_status(b: ObservedEvent, s: ObservedEvent) -> str:
    if b.name != s.name:
        return "name-mismatch"
    return "id-mismatch" if b.event_id and s.event_id else "id-missing"


def make_pair(
    journey: str | None, b: ObservedEvent | None, s: ObservedEvent | None, status: str,
    basis: str, delay: float | None, confidence: str,
) -> Pair:  # fmt: skip
    first = b or s
    assert first is not None
    order = None if delay is None else ("browser-first" if delay >= 0 else "server-first")
    step = b.step if b is not None and b.step is not None else (s.step if s else None)
    return Pair(
        journey, step, first.pixel_id, first.name, b.name if b else None, s.name if s else None,
        b.ref if b else None, s.ref if s else None, b.event_id if b else None,
        s.event_id if s else None, status, basis, delay, order, first.event_key, confidence,
    )  # fmt: skip


def by_pixel(events: Iterable[ObservedEvent]) -> dict[str | None, list[ObservedEvent]]:
    out: dict[str | None, list[ObservedEvent]] = {}
    for e in events:
        out.setdefault(e.pixel_id, []).append(e)
    return out


def split_sides(events: Iterable[ObservedEvent]) -> tuple[list[ObservedEvent], list[ObservedEvent]]:
    browser = [e for e in events if e.source is Side.BROWSER]
    return browser, [e for e in events if e.source is Side.SERVER]


def per_dataset(
    browser: list[ObservedEvent], server: list[ObservedEvent]
) -> Iterator[tuple[list[ObservedEvent], list[ObservedEvent]]]:
    bp, sp = by_pixel(browser), by_pixel(server)
    for pixel in sorted(set(bp) | set(sp), key=lambda p: p or ""):
        yield bp.get(pixel, []), sp.get(pixel, [])
