"""`expect` / `expect_none` and the journey settle: the live runner only WAITS (DESIGN §4).

An `expect` ends as soon as every expected copy arrived (per pixel, per source), then listens
`quiet` longer so a late duplicate is still caught; `count: 0` waits its whole `within`.
Browser and server have their own `within`; `deferred` server copies wait for the journey's
settle, which ends early when nothing is outstanding. `check` judges what arrived.
"""

from __future__ import annotations

import asyncio
from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass

from pixelproof.config.steps import Expectation
from pixelproof.runner.live import LiveEvents, Slot
from pixelproof.runner.plan import Waits


@dataclass(frozen=True, slots=True)
class Want:
    slot: Slot
    pixels: tuple[str | None, ...]
    count: int
    deadline: float
    deferred: bool = False


def wants_of(
    live: LiveEvents,
    journey: str,
    step: int,
    entries: Mapping[str, Expectation],
    base: float,
    waits: Waits,
) -> list[Want]:
    """What one expect step waits for, each with its own deadline."""
    out: list[Want] = []
    for key, entry in entries.items():
        spec = live.facts.keys.get(key)
        if spec is None:
            continue
        sources = list(entry.sources) if entry.sources is not None else sorted(spec.sources)
        for source in sources:
            pixels = live.facts.pixels_for(key, source) or (None,)
            within = _within(entry, source, spec.server_within, waits)
            deferred = source == "server" and spec.deferred
            slot = (journey, step, key, source)
            out.append(Want(slot, pixels, entry.count, base + within, deferred))
    return out


def _within(entry: Expectation, source: str, server: float | None, waits: Waits) -> float:
    if waits.within_override is not None:
        return waits.within_override
    own = entry.within.browser if entry.within and source == "browser" else None
    own = entry.within.server if entry.within and source == "server" else own
    if own is not None:
        return own
    return waits.browser_within if source == "browser" else (server or waits.server_within)


def missing(live: LiveEvents, want: Want, settle: float) -> bool:
    """True while fewer copies than wanted arrived on some pixel."""
    if want.count == 0:
        return False
    got = live.copies(want.slot, settle)
    if want.pixels == (None,):
        return sum(got.values()) < want.count
    return any(got.get(p, 0) < want.count for p in want.pixels)


async def wait_for(
    live: LiveEvents, wants: Iterable[Want], clock: Callable[[], float], waits: Waits
) -> bool:
    """Wait until every non-deferred want arrived or passed its deadline; then `quiet`.

    Returns True when everything wanted arrived.
    """
    active = [w for w in wants if not w.deferred]
    while True:
        now = clock()
        open_ = [
            w
            for w in active
            if now < w.deadline and (w.count == 0 or missing(live, w, waits.settle))
        ]
        if not open_:
            break
        await live.changed(min(w.deadline for w in open_) - now)
    complete = not any(missing(live, w, waits.settle) for w in active)
    if complete and any(w.count > 0 for w in active) and waits.quiet > 0:
        await asyncio.sleep(waits.quiet)
    return complete


async def settle(
    live: LiveEvents, wants: Iterable[Want], clock: Callable[[], float], waits: Waits
) -> None:
    """After the journey: wait up to the settle for server copies still outstanding."""
    server = [w for w in wants if w.slot[3] == "server" and w.count > 0]
    deadline = clock() + waits.settle
    while True:
        outstanding = [w for w in server if missing(live, w, waits.settle)]
        now = clock()
        if not outstanding or now >= deadline:
            return
        await live.changed(deadline - now)
