"""A server PageView exists for a route-change PageView, which can never carry an event ID.

Judged on pairs whose browser copy is the Pixel's own PageView on a history, hash or bfcache
navigation (the `history`/`hash`/`bfcache` triggers; unknown triggers are exempt) and that
have a server PageView twin.

**Why:** the Pixel sends these PageViews itself, without an event ID; the server copy can
therefore never be deduplicated and every route change counts twice.

**Fix:** set `fbq.disablePushState = true` and fire route-change PageViews yourself with an
`eventID`, or stop sending server PageViews for route changes.

**Example:** a single-page shop navigates with `pushState`; the backend also sends a PageView
per route: DD010 on `PageView`.
"""

from __future__ import annotations

from collections.abc import Iterator

from pixelproof.checks.base import Check, CheckContext, Draft, Need
from pixelproof.meta.triggers import route_change
from pixelproof.result import Severity


def run(ctx: CheckContext) -> Iterator[Draft]:
    events = ctx.by_ref()
    for pair in ctx.pairs:
        if not pair.browser or not pair.server or pair.server_name != "PageView":
            continue
        browser = events[pair.browser]
        if not route_change(browser):
            continue
        yield ctx.draft(
            browser,
            f"a server PageView twins the Pixel's automatic {browser.trigger} PageView, "
            "which never carries an event ID",
            source="both",
            refs=(pair.browser, pair.server),
            hint="fire route-change PageViews yourself with an eventID "
            "(fbq.disablePushState = true), or stop sending them from the server",
            subject="route-change",
            cause="automatic-pageview-without-event-id",
        )


CHECK = Check(
    code="DD010",
    name="automatic-pageview-without-event-id",
    severity=Severity.WARNING,
    needs=frozenset({Need.BROWSER, Need.SERVER}),
    run=run,
    doc=__doc__ or "",
)
