"""A parameter the event map requires is absent from a source that must carry it.

A parameter is required from every declared source of its event (`params: {value: number}`), or
from the sources its long form names (`order_id: {type: string, required: [server]}`).

**Why:** a missing parameter breaks what depends on it — catalog ads need `content_ids`,
reconciliation needs `order_id`, value optimisation needs `value` — and Meta accepts the event
anyway, so only an audit notices.

**Fix:** fill the parameter where the event is built (the `fbq` call's third argument, or the
CAPI event's `custom_data`), or relax the map if the source genuinely cannot know it.

**Example:** `order_id: {type: string, required: [server]}` and a server Purchase whose
`custom_data` has no `order_id`: PA001 on the server copy. Parameters Meta stripped
(`_removed_`) are EV008's; a missing `value`/`currency` that PA004 reports is not repeated here.
"""

from __future__ import annotations

from collections.abc import Iterator

from pixelproof.checks import value_without_currency
from pixelproof.checks.base import Check, CheckContext, Draft, Need
from pixelproof.config.events import Event, Param
from pixelproof.meta.event import ObservedEvent
from pixelproof.result import Severity
from pixelproof.rulekit import mapview
from pixelproof.rulekit.drafts import Drafter, label, present, site_event


def required_from(param: Param, spec: Event) -> frozenset[str]:
    """The sources that must carry a parameter."""
    if param.required is True:
        return frozenset(spec.sources)
    if param.required is False:
        return frozenset()
    return frozenset(param.required)


def missing(event: ObservedEvent, spec: Event) -> list[str]:
    """Required parameters this event lacks, PA004's value/currency cases left out."""
    pa004 = value_without_currency.problem(event) is not None
    out = []
    for name, param in spec.params.items():
        if str(event.source) not in required_from(param, spec):
            continue
        if present(event.custom_data.get(name)):
            continue
        if pa004 and name in ("value", "currency"):
            continue
        out.append(name)
    return out


def run(ctx: CheckContext) -> Iterator[Draft]:
    draft = Drafter(ctx)
    for event in ctx.events:
        spec = mapview.spec(ctx, event.event_key)
        if spec is None or not site_event(event):
            continue
        for name in missing(event, spec):
            yield draft(
                event,
                f"{label(event)} lacks the required parameter '{name}'",
                hint=f"send {name} from the {event.source} or relax params.{name}.required",
                subject=name,
                cause="missing-parameter",
            )


CHECK = Check(
    code="PA001",
    name="missing-parameter",
    severity=Severity.ERROR,
    needs=frozenset({Need.BROWSER, Need.SERVER}),
    any_need=True,
    run=run,
    doc=__doc__ or "",
)
