"""A staging run's server batch lacks the expected `test_event_code`, or carries another.

Checked when the environment kind is staging and `test_event_code: {expect: …}` is set.

**Why:** without the test code, staging events land in the dataset as real conversions —
inflating numbers and training the ad algorithms on test traffic — and never appear in Events
Manager's Test Events tab where the team looks for them.

**Fix:** pass the test code from the staging configuration into every CAPI request body (top
level, next to `data`), e.g. `META_TEST_EVENT_CODE` read by the backend.

**Example:** `test_event_code: {expect: TEST4711}` and a staging batch without it: OP002
(warning) on that batch's events.
"""

from __future__ import annotations

from collections.abc import Iterator

from pixelproof.checks.base import Check, CheckContext, Draft, Need
from pixelproof.checks.test_event_code_in_production import by_batch
from pixelproof.result import Severity
from pixelproof.rulekit import mapview


def run(ctx: CheckContext) -> Iterator[Draft]:
    env = mapview.environment(ctx)
    spec = env.test_event_code if env is not None else None
    expected = spec.expect if spec is not None else None
    if ctx.environment_kind != "staging" or not expected:
        return
    for ref, events in by_batch(ctx).items():
        sent = events[0].test_event_code
        if sent == expected:
            continue
        head = events[0]
        what = f"carries test_event_code {sent!r}" if sent else "lacks the test_event_code"
        yield Draft(
            message=f"staging batch {ref} {what} (expected {expected!r})",
            event=head.name,
            event_key=head.event_key,
            journey=head.journey,
            source="server",
            pixel_id=head.pixel_id,
            refs=tuple(e.ref for e in events),
            hint="send the staging test code at the top level of every CAPI request",
            subject="test_event_code",
            cause="missing-test-event-code",
        )


CHECK = Check(
    code="OP002",
    name="missing-test-event-code",
    severity=Severity.WARNING,
    needs=frozenset({Need.SERVER}),
    run=run,
    doc=__doc__ or "",
)
