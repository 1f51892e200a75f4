"""A parameter value asserted by an `expect … params` differs from what was sent.

Values are compared after PA002's normalisation: numbers numerically (within the parameter's
`compare.tolerance`), currencies in any case, `content_ids` as sets.

**Why:** the journey knows what the shopper did — one mug at 49.90 EUR — so a different value
on the wire is a tracking bug (a stale cart total, a default, a wrong variable), not noise.

**Fix:** read the value from the state the action produced (the order confirmation, the item
just added), or correct the expectation if the site changed on purpose.

**Example:** `expect: {AddToCart: {params: {value: 49.9, currency: EUR}}}` and a hit with
`cd[value]=0`: PA006 on that hit. A hit with `cd[value]=49.90&cd[currency]=eur` passes.
"""

from __future__ import annotations

from collections.abc import Iterator

from pixelproof.checks.base import Check, CheckContext, Draft, Need
from pixelproof.checks.missing_parameter import required_from
from pixelproof.config.events import Event
from pixelproof.meta.event import ObservedEvent
from pixelproof.result import Severity
from pixelproof.rulekit import mapview
from pixelproof.rulekit.drafts import Drafter, label, present
from pixelproof.rulekit.values import same, shown


def _mismatch(name: str, expected: object, event: ObservedEvent, spec: Event) -> str | None:
    param = spec.params.get(name)
    actual = event.custom_data.get(name)
    if not present(actual):
        if param is not None and str(event.source) in required_from(param, spec):
            return None  # PA001 reports the missing parameter
        return f"{name}: expected {shown(expected)}, not sent"
    ptype = param.type if param is not None else ("currency" if name == "currency" else None)
    tolerance = param.compare.tolerance if param is not None else 0.0
    as_set = (
        name == "content_ids"
        if param is None or param.compare.as_set is None
        else (param.compare.as_set)
    )
    if same(expected, actual, ptype, tolerance, as_set):
        return None
    return f"{name}: expected {shown(expected)}, sent {shown(actual)}"


def run(ctx: CheckContext) -> Iterator[Draft]:
    draft = Drafter(ctx)
    for plan in ctx.plans.values():
        for x in plan.expectations:
            spec = mapview.spec(ctx, x.key)
            if spec is None or not x.params:
                continue
            sources = set(x.sources or spec.sources)
            for event in ctx.events:
                if (event.journey, event.step, event.event_key) != (x.journey, x.step, x.key):
                    continue
                if str(event.source) not in sources:
                    continue
                for name, value in x.params.items():
                    text = _mismatch(name, value, event, spec)
                    if text is not None:
                        yield draft(
                            event,
                            f"{label(event)}: {text}",
                            subject=name,
                            cause="parameter-value-mismatch",
                        )


CHECK = Check(
    code="PA006",
    name="parameter-value-mismatch",
    severity=Severity.ERROR,
    needs=frozenset({Need.JOURNEYS}),
    run=run,
    doc=__doc__ or "",
)
