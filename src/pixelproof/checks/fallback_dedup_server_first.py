"""An event that relies on fbp/external_id deduplication arrived from the server first.

Judged on `fallback-dedup` pairs (keys with `dedup: fbp` or `dedup: external_id`, matched by
the visitor key and name) whose server copy arrived before the browser copy.

**Why:** Meta's fallback deduplication compares a server event only with browser events it
already received: a server copy that comes first is kept, and the browser copy that follows
counts again.

**Fix:** send an event ID from both sides (`dedup: event_id`), or delay the server event
until after the page has fired.

**Example:** the backend sends Lead on form submit, the thank-you page fires Lead 2 s later,
no event ID on either: DD009 on `Lead`.
"""

from __future__ import annotations

from collections.abc import Iterator

from pixelproof.checks.base import Check, CheckContext, Draft, Need
from pixelproof.result import Severity


def run(ctx: CheckContext) -> Iterator[Draft]:
    for pair in ctx.pairs:
        if pair.status != "fallback-dedup" or pair.order != "server-first":
            continue
        yield Draft(
            message=f"{pair.name} relies on {pair.basis} deduplication but the server copy came "
            f"{abs(pair.delay_s or 0):.1f} s before the browser copy",
            event=pair.name, event_key=pair.event_key, journey=pair.journey, step=pair.step,
            step_key=ctx.step_key(pair.journey, pair.step), source="both",
            pixel_id=pair.pixel_id, refs=tuple(r for r in (pair.browser, pair.server) if r),
            hint="send one event ID from both sides (dedup: event_id)", subject=pair.basis,
            cause="fallback-dedup-server-first",
        )  # fmt: skip


CHECK = Check(
    code="DD009",
    name="fallback-dedup-server-first",
    severity=Severity.ERROR,
    needs=frozenset({Need.BROWSER, Need.SERVER}),
    run=run,
    doc=__doc__ or "",
)
