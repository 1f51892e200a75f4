"""The server twin arrived more than 48 hours after the browser twin.

Judged on paired copies (any pairing basis) whose server copy came more than 48 h after the
browser copy, on the capture clock (or `event_time` when there is no capture time).

**Why:** Meta deduplicates only within 48 hours of the first copy carrying the ID; a later
twin counts as a second conversion.

**Fix:** send server events promptly (queue them, do not batch them daily); for genuinely
late conversions (offline payments) use a different event or `action_source`.

**Example:** a nightly job sends yesterday's and older purchases: DD008 on `web_purchase`.
"""

from __future__ import annotations

from collections.abc import Iterator

from pixelproof.checks.base import Check, CheckContext, Draft, Need
from pixelproof.result import Severity

WINDOW_S = 48 * 3600


def run(ctx: CheckContext) -> Iterator[Draft]:
    for pair in ctx.pairs:
        if not pair.browser or not pair.server or pair.delay_s is None:
            continue
        if pair.delay_s <= WINDOW_S:
            continue
        hours = pair.delay_s / 3600
        yield Draft(
            message=f"the server {pair.server_name} came {hours:.1f} h after the browser one; "
            "Meta deduplicates only within 48 h",
            event=pair.name, event_key=pair.event_key, journey=pair.journey, step=pair.step,
            step_key=ctx.step_key(pair.journey, pair.step), source="server",
            pixel_id=pair.pixel_id, refs=(pair.browser, pair.server),
            hint="send server events promptly, not in a daily batch", subject="delay",
            cause="dedup-window-exceeded",
        )  # fmt: skip


CHECK = Check(
    code="DD008",
    name="dedup-window-exceeded",
    severity=Severity.WARNING,
    needs=frozenset({Need.BROWSER, Need.SERVER}),
    run=run,
    doc=__doc__ or "",
)
