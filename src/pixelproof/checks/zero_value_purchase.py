"""A Purchase whose value is 0.

**Why:** a zero-value Purchase counts as a conversion worth nothing: ROAS drops and value-based
bidding learns that buyers are worthless. It usually means the value variable was not ready when
the event fired, or a tag template filled a default.

**Fix:** read the order total after it is known (the thank-you page's order object, not the cart
widget) and pass it as `value`. In server-side GTM, map the value explicitly: some templates
(Stape's Facebook tag) default a missing Purchase value to `0` and currency to `USD`.

**Example:** `custom_data: {"value": 0, "currency": "USD"}` on a server Purchase while the
browser copy says 49.90 EUR: PA005 (and PA003 for the disagreement).
"""

from __future__ import annotations

from collections.abc import Iterator

from pixelproof.checks.base import Check, CheckContext, Draft, Need
from pixelproof.meta.standard import number_of
from pixelproof.result import Severity
from pixelproof.rulekit.drafts import Drafter, label, site_event

_TEMPLATE_HINT = "a tag template may have defaulted a missing value to 0 and currency to USD"


def run(ctx: CheckContext) -> Iterator[Draft]:
    draft = Drafter(ctx)
    for event in ctx.events:
        if event.name != "Purchase" or not site_event(event):
            continue
        if number_of(event.custom_data.get("value")) != 0:
            continue
        currency = str(event.custom_data.get("currency") or "").upper()
        yield draft(
            event,
            f"{label(event)} has value 0",
            hint=_TEMPLATE_HINT if currency == "USD" else "read the order total once it is known",
            subject="value",
            cause="zero-value-purchase",
        )


CHECK = Check(
    code="PA005",
    name="zero-value-purchase",
    severity=Severity.WARNING,
    needs=frozenset({Need.BROWSER, Need.SERVER}),
    any_need=True,
    run=run,
    doc=__doc__ or "",
)
