"""A Conversions API access token exposed to the browser.

Error when the page itself calls the Graph API's `/events` endpoint, or when a captured browser
request carries something shaped like a Meta access token (`EAA…`, 30+ characters; open
question M14) in its URL or body.

**Why:** whoever holds the token can send events into the dataset — fake purchases, poisoned
optimisation — and read what the token allows. A token in page code is public.

**Fix:** send Conversions API events from the backend only; revoke the exposed token in Events
Manager and generate a new one kept server-side.

**Example:** the page's script `fetch('https://graph.facebook.com/v25.0/<pixel>/events?access_token=EAAG…')`:
PR006 (error).
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from urllib.parse import urlsplit

from pixelproof.checks.base import Check, CheckContext, Draft, Need
from pixelproof.evidence.model import BrowserHit
from pixelproof.result import Severity
from pixelproof.rulekit import timeline

TOKEN = re.compile(r"(?<![A-Za-z0-9])EAA[A-Za-z0-9]{30,}")
_GRAPH_EVENTS = re.compile(r"^/(?:v\d+(?:\.\d+)?/)?[^/]+/events/?$")


def problem(hit: BrowserHit) -> str | None:
    parts = urlsplit(hit.url)
    host = (parts.hostname or "").lower()
    graph = host.startswith("graph.") and host.endswith("facebook.com")
    if graph and _GRAPH_EVENTS.match(parts.path):
        return f"the page calls the Conversions API ({hit.method} {host}{parts.path})"
    if TOKEN.search(hit.url) or (hit.body and TOKEN.search(hit.body)):
        return f"a request to {host}{parts.path} carries a Meta access token"
    return None


def run(ctx: CheckContext) -> Iterator[Draft]:
    for hit in timeline.records(ctx, BrowserHit):
        why = problem(hit)
        if why is None:
            continue
        yield Draft(
            message=f"access token exposed in the browser: {why}",
            journey=hit.journey,
            step=hit.step,
            source="browser",
            scope="page",
            hint="send CAPI from the backend only, and revoke the exposed token",
            subject=urlsplit(hit.url).hostname,
            cause="access-token-in-browser",
        )


CHECK = Check(
    code="PR006",
    name="access-token-in-browser",
    severity=Severity.ERROR,
    needs=frozenset({Need.BROWSER}),
    run=run,
    doc=__doc__ or "",
)
