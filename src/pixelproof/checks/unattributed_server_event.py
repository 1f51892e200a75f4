"""A server event no journey can claim.

Info, one finding per (dataset, event name) with a capped list of refs, and only when the run had
journeys; the first finding carries the one hint of the run on how to make attribution work.

**Why:** pixelproof attributes server events to journeys by evidence — the browser's UA tag in
`client_user_agent`, `fbp`, event or order IDs, persona hashes — never by clock alone. An event
with none of them cannot be checked against its browser twin, so its deduplication stays
unproven (it is never reported as missing or unexpected instead).

**Fix:** forward the visitor's `User-Agent` (it carries `pixelproof/<run>.<journey>` during
runs) and `_fbp` into the CAPI event; both improve Meta's matching as well.

**Example:** a server Purchase with neither user agent, `fbp` nor a known order ID: OP007 (info).
"""

from __future__ import annotations

from collections.abc import Iterator

from pixelproof.checks.base import Check, CheckContext, Draft, Need
from pixelproof.meta.event import ObservedEvent
from pixelproof.result import Severity

MAX_REFS = 20
HINT = (
    "forward the visitor's User-Agent (it carries the pixelproof tag) and _fbp into "
    "client_user_agent and fbp so events can be attributed"
)


def run(ctx: CheckContext) -> Iterator[Draft]:
    groups: dict[tuple[str | None, str | None], list[ObservedEvent]] = {}
    for event in ctx.events:
        if event.channel == "capi" and event.journey is None:
            groups.setdefault((event.pixel_id, event.name), []).append(event)
    for index, ((pixel, name), events) in enumerate(sorted(groups.items(), key=str)):
        more = f" (first {MAX_REFS} listed)" if len(events) > MAX_REFS else ""
        yield Draft(
            message=f"{len(events)} server {name} event(s) to dataset {pixel} could not be "
            f"attributed to a journey{more}",
            event=name,
            source="server",
            pixel_id=pixel,
            scope="run",
            refs=tuple(e.ref for e in events[:MAX_REFS]),
            hint=HINT if index == 0 else None,
            subject=name,
            cause="unattributed-server-event",
        )


CHECK = Check(
    code="OP007",
    name="unattributed-server-event",
    severity=Severity.INFO,
    needs=frozenset({Need.SERVER, Need.JOURNEYS}),
    run=run,
    doc=__doc__ or "",
)
