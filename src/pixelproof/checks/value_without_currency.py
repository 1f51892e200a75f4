"""A `value` sent without `currency`, or a `currency` without `value`.

Always checked for `Purchase` (an error there, whatever the map says: Meta requires both), and
a warning on any other event that carries one of the two.

**Why:** Meta reads a value only together with its currency. A Purchase without both is not
counted as revenue — ROAS and value optimisation see nothing — and the Pixel only logs a console
error while still sending the hit, so nothing on the page looks broken.

**Fix:** send both from the same source object: `fbq('track', 'Purchase', {value: 49.9,
currency: 'EUR'}, {eventID: orderId})` and `custom_data: {"value": 49.9, "currency": "EUR"}`.
Numeric strings (`"49.90"`) and lower-case codes (`"eur"`) are fine.

**Example:** a server Purchase with `custom_data: {"value": 49.9}`: PA004 (error) on the server
copy; the map's `value`/`currency` requirements are not reported again as PA001.
"""

from __future__ import annotations

from collections.abc import Iterator

from pixelproof.checks.base import Check, CheckContext, Draft, Need
from pixelproof.meta.event import ObservedEvent
from pixelproof.result import Severity
from pixelproof.rulekit.drafts import Drafter, label, present, site_event


def problem(event: ObservedEvent) -> str | None:
    """What PA004 says about this event, or None; PA001 defers to it for value/currency."""
    if not site_event(event):
        return None
    has_value = present(event.custom_data.get("value"))
    has_currency = present(event.custom_data.get("currency"))
    if has_value and not has_currency:
        return "carries value without currency"
    if has_currency and not has_value:
        return "carries currency without value"
    if event.name == "Purchase" and not has_value:
        return "carries neither value nor currency"
    return None


def run(ctx: CheckContext) -> Iterator[Draft]:
    draft = Drafter(ctx)
    for event in ctx.events:
        text = problem(event)
        if text is None:
            continue
        purchase = event.name == "Purchase"
        yield draft(
            event,
            f"{label(event)} {text}",
            severity=Severity.ERROR if purchase else Severity.WARNING,
            hint="send value and currency together (Meta requires both for Purchase)",
            subject="value/currency",
            cause="value-without-currency",
        )


CHECK = Check(
    code="PA004",
    name="value-without-currency",
    severity=Severity.ERROR,
    severities=(Severity.ERROR, Severity.WARNING),
    needs=frozenset({Need.BROWSER, Need.SERVER}),
    any_need=True,
    run=run,
    doc=__doc__ or "",
)
