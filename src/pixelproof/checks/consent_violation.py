"""An event, or its identifiers, that needs consent was sent before consent or without it.

For event keys with `consent: {event: required}`: any copy — browser or server — captured before
the journey's consent step completed, or at any time in a journey whose consent state denies
marketing. With `user_data: required` the event may fire, but not with identifiers (`user_data`,
`ud[…]`, `fbp`, `fbc`). Hits queued under `fbq('consent', 'revoke')` and released at grant are
correct. Needs the journey timeline (consent step times), so HAR and log input are
`not_applicable`.

**Why:** under GDPR/ePrivacy, marketing tracking before opt-in is unlawful; a server copy sent
regardless of the banner is the same violation through another channel, and harder to spot.

**Fix:** gate `fbq` with `fbq('consent', 'revoke')` before `init` and `grant` on opt-in, and
send the server copy only when the order records marketing consent.

**Example:** journey `consent-rejected` (`marketing: denied`) and a server Purchase for
`web_purchase` (`consent: required`): PR004 (error). It also explains the EV010 for the same
event, which is suppressed.
"""

from __future__ import annotations

from collections.abc import Iterator

from pixelproof.checks.base import Check, CheckContext, Draft, Need
from pixelproof.evidence.model import ConsentRecord
from pixelproof.meta.event import ObservedEvent
from pixelproof.result import Severity
from pixelproof.rulekit import mapview, timeline
from pixelproof.rulekit.drafts import Drafter, label, present


def consent_times(ctx: CheckContext) -> dict[str, float]:
    """When each journey's consent step completed (the first record with a time)."""
    times: dict[str, float] = {}
    for record in timeline.records(ctx, ConsentRecord):
        if record.time is not None:
            times.setdefault(record.journey, record.time)
    return times


def _identifiers(event: ObservedEvent) -> bool:
    return any(present(v) for v in event.user_data.values()) or bool(event.fbp or event.fbc)


def _state(ctx: CheckContext, journey: str) -> str | None:
    record = timeline.journeys(ctx).get(journey)
    name = record.consent if record is not None and record.consent else None
    return mapview.marketing(ctx, name or mapview.journey_consent(ctx, journey))


def violation(ctx: CheckContext, event: ObservedEvent, granted_at: float | None) -> str | None:
    spec = mapview.spec(ctx, event.event_key)
    if spec is None or event.journey is None or event.trigger == "consent_replay":
        return None
    marketing = _state(ctx, event.journey)
    if marketing is None:
        return None
    needs_event = spec.consent.event == "required"
    needs_ids = spec.consent.user_data == "required" and _identifiers(event)
    if not (needs_event or needs_ids):
        return None
    what = "was sent" if needs_event else "carried identifiers"
    if marketing == "denied":
        return f"{what} in a journey whose consent state denies marketing"
    if granted_at is None:
        return f"{what} but the journey's consent step never completed"
    if event.time is not None and event.time < granted_at:
        return f"{what} {granted_at - event.time:.1f} s before consent was given"
    return None


def run(ctx: CheckContext) -> Iterator[Draft]:
    draft = Drafter(ctx)
    granted = consent_times(ctx)
    failed = {n for n, j in timeline.journeys(ctx).items() if j.status in ("error", "skip")}
    for event in ctx.events:
        if event.journey in failed:
            continue
        why = violation(ctx, event, granted.get(event.journey or ""))
        if why is not None:
            yield draft(
                event,
                f"{label(event)} {why}",
                hint="gate the Pixel with fbq('consent', …), the server copy on recorded consent",
                subject="consent",
                cause="consent-violation",
            )


CHECK = Check(
    code="PR004",
    name="consent-violation",
    severity=Severity.ERROR,
    needs=frozenset({Need.CONSENT}),
    run=run,
    doc=__doc__ or "",
    suppresses=("EV009", "EV010"),
)
