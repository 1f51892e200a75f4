"""The browser and server copies agree on name and ID but go to different datasets.

Judged on pairs of pass 3: same event name and event ID within one journey, the browser hit
to pixel A and the server event to dataset B.

**Why:** Meta deduplicates only within one pixel/dataset. Across two datasets both copies
count — and each dataset sees only half of the signals it needs.

**Fix:** send the server event to the same pixel ID the browser uses (per environment), and
when several pixels fire in the browser, one server event per pixel.

**Example:** browser Purchase to 111…, server Purchase with the same ID to 999… (an old
dataset ID in the backend's settings): DD007 on `web_purchase`.
"""

from __future__ import annotations

from collections.abc import Iterator

from pixelproof.checks.base import Check, CheckContext, Draft, Need
from pixelproof.result import Severity


def run(ctx: CheckContext) -> Iterator[Draft]:
    events = ctx.by_ref()
    for pair in ctx.pairs:
        if pair.status != "dataset-mismatch" or not pair.server:
            continue
        server = events[pair.server]
        yield Draft(
            message=f"{pair.name} (event ID '{pair.browser_event_id}') went to pixel "
            f"{pair.pixel_id} from the browser but to dataset {server.pixel_id} from the server",
            event=pair.name, event_key=pair.event_key, journey=pair.journey, step=pair.step,
            step_key=ctx.step_key(pair.journey, pair.step), source="server",
            pixel_id=pair.pixel_id, refs=tuple(r for r in (pair.browser, pair.server) if r),
            hint="send the server event to the pixel ID the browser uses", subject="dataset",
            cause="dataset-mismatch",
        )  # fmt: skip


CHECK = Check(
    code="DD007",
    name="dataset-mismatch",
    severity=Severity.ERROR,
    needs=frozenset({Need.BROWSER, Need.SERVER}),
    suppresses=("EV001",),
    run=run,
    doc=__doc__ or "",
)
