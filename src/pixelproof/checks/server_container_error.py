"""Browser requests to a declared server container failed or were answered with a non-2xx status.

Reported once per container and journey, with the count and the statuses seen.

**Why:** in a server-side tagging setup (sGTM, Stape, the Conversions API Gateway) the browser
feeds the container and the container sends CAPI. A failing container means no server events at
all — and nothing in the page breaks.

**Fix:** check the container's health and logs, its custom domain's DNS and certificate, and the
client (GA4, Data Client) that should claim the request.

**Example:** `server_containers: [{url: https://sgtm.acme.com/g/collect}]` and that request
answered 502: OP005 (warning).
"""

from __future__ import annotations

from collections.abc import Iterator

from pixelproof.checks.base import Check, CheckContext, Draft, Need
from pixelproof.checks.test_event_code_in_production import container_hits
from pixelproof.evidence.model import BrowserHit
from pixelproof.result import Severity


def failed(hit: BrowserHit) -> bool:
    return hit.status is None or not 200 <= hit.status < 300


def run(ctx: CheckContext) -> Iterator[Draft]:
    groups: dict[tuple[str, str | None], list[BrowserHit]] = {}
    for hit in container_hits(ctx):
        if failed(hit):
            groups.setdefault((hit.url.split("?")[0], hit.journey), []).append(hit)
    for (url, journey), hits in groups.items():
        statuses = sorted({"no response" if h.status is None else str(h.status) for h in hits})
        yield Draft(
            message=f"{len(hits)} request(s) to the server container {url} failed "
            f"({', '.join(statuses)})",
            journey=journey,
            step=hits[0].step,
            source="browser",
            scope="journey" if journey else "run",
            hint="check the container's health, domain and the client that claims the request",
            subject=url,
            cause="server-container-error",
        )


CHECK = Check(
    code="OP005",
    name="server-container-error",
    severity=Severity.WARNING,
    needs=frozenset({Need.BROWSER}),
    run=run,
    doc=__doc__ or "",
)
