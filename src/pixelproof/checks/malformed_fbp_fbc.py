"""An `fbp`/`fbc` value that is not in Meta's cookie format, or an `fbc` for another click.

The format is `fb.<0-9>.<13-digit creation ms>.<payload>[.<appendix>]`. Errors: any other shape,
a creation time in seconds or after the event was sent (5 minutes of slack), or an `fbc` whose
payload differs from the landing URL's `fbclid` (compared case-sensitively). Hashed values are
PR007's, not repeated here.

**Why:** Meta parses these values to link a server event to a browser and an ad click; a
malformed `fbc` loses the click attribution, and a re-cased `fbclid` is a different click.

**Fix:** forward the `_fbp`/`_fbc` cookie values verbatim. When minting `fbc` on the server, use
`fb.1.<now in ms>.<fbclid exactly as in the URL>` — or Meta's Parameter Builder.

**Example:** `"fbc": "fb.1.1795992568.iwar2xyz"` (seconds, lower-cased fbclid): SE005 (error).
"""

from __future__ import annotations

from collections.abc import Iterator
from urllib.parse import parse_qs, urlsplit

from pixelproof.checks.base import Check, CheckContext, Draft, Need
from pixelproof.meta.event import ObservedEvent
from pixelproof.meta.hashing import looks_hashed
from pixelproof.meta.standard import parse_cookie_id
from pixelproof.result import Severity
from pixelproof.rulekit.drafts import Drafter, label

FUTURE_SLACK_S = 300


def landing_fbclids(ctx: CheckContext) -> dict[str, str]:
    """The first `fbclid` each journey's browser saw in a page URL."""
    found: dict[str, str] = {}
    browser = sorted(ctx.events_from("browser"), key=lambda e: (e.time or 0.0, e.ts or 0))
    for event in browser:
        if event.journey is None or event.journey in found or not event.url:
            continue
        values = parse_qs(urlsplit(event.url).query).get("fbclid")
        if values:
            found[event.journey] = values[0]
    return found


def _sent_at(event: ObservedEvent) -> float | None:
    """The latest clock that says when the event was sent (capture, `ts`, `event_time`).

    The cookie predates all of them; taking the latest keeps one skewed clock (a log's capture
    time, a browser's clock) from making a real cookie look like it was minted in the future.
    """
    clocks = [event.time, event.ts / 1000 if event.ts is not None else None, event.event_time]
    known = [c for c in clocks if c is not None and c < 100_000_000_000]
    return max(known) if known else None


def problem(
    ctx: CheckContext, event: ObservedEvent, key: str, value: str, fbclids: dict[str, str]
) -> str | None:
    parsed, why = parse_cookie_id(value)
    if why is not None:
        return why
    assert parsed is not None
    reference = _sent_at(event)
    if reference is not None and parsed.created_ms / 1000 > reference + FUTURE_SLACK_S:
        return "its creation time is in the future"
    fbclid = fbclids.get(event.journey or "") if key == "fbc" else None
    if fbclid is not None and parsed.payload != fbclid:
        case = " (only the case differs)" if parsed.payload.lower() == fbclid.lower() else ""
        return f"its click ID differs from the landing fbclid {fbclid!r}{case}"
    return None


def run(ctx: CheckContext) -> Iterator[Draft]:
    draft = Drafter(ctx)
    fbclids = landing_fbclids(ctx)
    for event in ctx.events:
        for key in ("fbp", "fbc"):
            value = getattr(event, key)
            if not isinstance(value, str) or not value or looks_hashed(value):
                continue
            why = problem(ctx, event, key, value, fbclids)
            if why is not None:
                yield draft(
                    event,
                    f"{label(event)}: {key} {value!r} is malformed: {why}",
                    hint="forward the cookie verbatim, or mint fb.1.<ms>.<fbclid as in the URL>",
                    subject=key,
                    cause="malformed-fbp-fbc",
                )


CHECK = Check(
    code="SE005",
    name="malformed-fbp-fbc",
    severity=Severity.ERROR,
    needs=frozenset({Need.BROWSER, Need.SERVER}),
    any_need=True,
    run=run,
    doc=__doc__ or "",
)
