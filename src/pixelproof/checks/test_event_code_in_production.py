"""A `test_event_code` sent while the environment kind is production.

Error for every server batch that carries one, and for every browser payload to a declared
server container that carries one (a tag server then forwards it to Meta).

**Why:** events sent with a test code still count as real events, but Events Manager files them
under Test Events, and a forgotten code usually means the production backend still runs with
staging settings (staging token, staging dataset, debug logging).

**Fix:** set the test code only in staging configuration (an environment variable the
production deploy leaves unset), and drop it from server-container tags in production.

**Example:** a production run and a batch `{"data": […], "test_event_code": "TEST4711"}`:
OP001 (error) on that batch's events.
"""

from __future__ import annotations

from collections.abc import Iterator

from pixelproof.checks.base import Check, CheckContext, Draft, Need
from pixelproof.evidence.model import BrowserHit
from pixelproof.meta.event import ObservedEvent
from pixelproof.result import Severity
from pixelproof.rulekit import mapview, timeline


def by_batch(ctx: CheckContext) -> dict[str, list[ObservedEvent]]:
    groups: dict[str, list[ObservedEvent]] = {}
    for event in ctx.events:
        if event.channel == "capi":
            groups.setdefault(event.batch_ref or event.ref, []).append(event)
    return groups


def container_hits(ctx: CheckContext) -> Iterator[BrowserHit]:
    """Captured browser requests to a declared server container."""
    prefixes = [c.url.split("?")[0].rstrip("/") for c in mapview.server_containers(ctx)]
    for hit in timeline.records(ctx, BrowserHit):
        if any(hit.url.startswith(p) for p in prefixes if p):
            yield hit


def run(ctx: CheckContext) -> Iterator[Draft]:
    if ctx.environment_kind != "production":
        return
    for ref, events in by_batch(ctx).items():
        code = events[0].test_event_code
        if code:
            head = events[0]
            yield Draft(
                message=f"production batch {ref} carries test_event_code {code!r}",
                event=head.name,
                event_key=head.event_key,
                journey=head.journey,
                source="server",
                pixel_id=head.pixel_id,
                refs=tuple(e.ref for e in events),
                hint="set the test code only in staging configuration",
                subject="test_event_code",
                cause="test-code-in-production",
            )
    for hit in container_hits(ctx):
        if "test_event_code" in hit.url or (hit.body and "test_event_code" in hit.body):
            yield Draft(
                message=f"production request to the server container {hit.url.split('?')[0]} "
                "carries a test_event_code",
                journey=hit.journey,
                step=hit.step,
                source="browser",
                scope="page",
                hint="remove the test code from the server-container tag in production",
                subject="test_event_code",
                cause="test-code-in-production",
            )


CHECK = Check(
    code="OP001",
    name="test-event-code-in-production",
    severity=Severity.ERROR,
    needs=frozenset({Need.BROWSER, Need.SERVER}),
    any_need=True,
    run=run,
    doc=__doc__ or "",
)
