"""A server `event_source_url` that is not absolute, not the site's, or not the browser's page.

Warnings: the URL is not absolute `http(s)`; its host is neither a `base_url` host nor one of
`site.domains` (subdomains count); its path differs from the paired browser hit's `dl`.

**Why:** Meta attributes website events to the domain in `event_source_url` and checks it
against the verified domains. A relative URL, the API host (`api.shop.com/webhooks/…`) or a
staging host makes the event look like it came from somewhere else; a different path splits
one action across two pages in reports.

**Fix:** send the full page URL of the request that triggered the event — the browser's
`location.href`, passed to the backend — not the backend's own URL.

**Example:** `"event_source_url": "/checkout/thanks"`: SE007 (not absolute). A browser `dl` of
`https://shop.example/thanks` and a server `https://shop.example/api/orders`: SE007 (path).
"""

from __future__ import annotations

from collections.abc import Iterator
from urllib.parse import urlsplit

from pixelproof.checks.base import Check, CheckContext, Draft, Need
from pixelproof.meta.event import ObservedEvent
from pixelproof.result import Severity
from pixelproof.rulekit import mapview
from pixelproof.rulekit.drafts import Drafter, label


def _twins(ctx: CheckContext) -> dict[str, ObservedEvent]:
    by_ref = {e.ref: e for e in ctx.events}
    twins: dict[str, ObservedEvent] = {}
    for pair in ctx.pairs:
        b = by_ref.get(pair.browser or "")
        if b is not None and pair.server:
            twins[pair.server] = b
    return twins


def _path(url: str) -> str:
    return urlsplit(url).path.rstrip("/") or "/"


def problem(url: str, ours: frozenset[str], twin: ObservedEvent | None) -> str | None:
    parts = urlsplit(url)
    if parts.scheme not in ("http", "https") or not parts.hostname:
        return f"{url!r} is not an absolute http(s) URL"
    if ours and not mapview.host_is_ours(parts.hostname, ours):
        return f"host {parts.hostname!r} is not the site's ({', '.join(sorted(ours))})"
    if twin is not None and twin.url and _path(twin.url) != _path(url):
        return f"path {_path(url)!r} differs from the browser page {_path(twin.url)!r}"
    return None


def run(ctx: CheckContext) -> Iterator[Draft]:
    draft = Drafter(ctx)
    ours = mapview.site_hosts(ctx)
    twins = _twins(ctx)
    for event in ctx.events:
        if event.channel != "capi" or not event.url:
            continue
        why = problem(event.url, ours, twins.get(event.ref))
        if why is not None:
            yield draft(
                event,
                f"{label(event)}: event_source_url {why}",
                hint="send the browser page's full URL (location.href) with the event",
                subject="event_source_url",
                cause="event-source-url-mismatch",
            )


CHECK = Check(
    code="SE007",
    name="event-source-url-mismatch",
    severity=Severity.WARNING,
    needs=frozenset({Need.SERVER}),
    run=run,
    doc=__doc__ or "",
)
