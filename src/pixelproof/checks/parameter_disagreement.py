"""The browser and server copies of one action disagree on a parameter.

Compared on every pair that has both copies: `value` beyond the map's `compare.tolerance`
(warning; hints when one side is ×100 or looks like it includes tax or shipping), `currency`
(error), `content_ids` as sets (warning), and any other parameter both copies carry that the map
declares (warning).

**Why:** Meta keeps one copy of a deduplicated pair — usually the first to arrive — so the value
reported depends on a race. A currency disagreement makes one side's revenue wrong by the
exchange rate; different `content_ids` break catalog matching for half the events.

**Fix:** build both copies from the same order object. Send the same unit (not cents on one
side), the same total (with or without tax and shipping, but the same), and the same IDs.

**Example:** browser `cd[value]=49.90`, server `"value": 4990`: PA003 (warning) with the hint
"the server sends 100× the browser value (cents?)".
"""

from __future__ import annotations

from collections.abc import Iterator

from pixelproof.checks.base import Check, CheckContext, Draft, Need
from pixelproof.config.events import Event
from pixelproof.meta.event import ObservedEvent
from pixelproof.meta.standard import number_of
from pixelproof.result import Pair, Severity
from pixelproof.rulekit import mapview
from pixelproof.rulekit.drafts import present
from pixelproof.rulekit.values import same, shown

_CORE = ("value", "currency", "content_ids")


def _value_hint(browser: float, server: float) -> str:
    if browser and abs(server / browser - 100) < 0.5:
        return "the server sends 100× the browser value (cents?)"
    if server and abs(browser / server - 100) < 0.5:
        return "the browser sends 100× the server value (cents?)"
    return "one side may include tax or shipping; send the same total from both"


def _tolerance(spec: Event | None, name: str, a: float, b: float) -> float:
    param = spec.params.get(name) if spec is not None else None
    if param is None:
        return 0.005
    if param.compare.relative:
        return param.compare.tolerance * max(abs(a), abs(b))
    return param.compare.tolerance


def _compare(
    name: str, b: object, s: object, spec: Event | None
) -> tuple[Severity, str, str | None] | None:
    if name == "value":
        bn, sn = number_of(b), number_of(s)
        if bn is None or sn is None or abs(bn - sn) <= _tolerance(spec, name, bn, sn) + 1e-9:
            return None
        return (
            Severity.WARNING,
            f"value {shown(b)} (browser) vs {shown(s)} (server)",
            _value_hint(bn, sn),
        )
    if name == "currency":
        if same(b, s, "currency"):
            return None
        return Severity.ERROR, f"currency {shown(b)} (browser) vs {shown(s)} (server)", None
    param = spec.params.get(name) if spec is not None else None
    as_set = (
        name == "content_ids"
        if param is None or param.compare.as_set is None
        else (param.compare.as_set)
    )
    ptype = param.type if param is not None else None
    if same(b, s, ptype, param.compare.tolerance if param else 0.0, as_set):
        return None
    return Severity.WARNING, f"{name} {shown(b)} (browser) vs {shown(s)} (server)", None


def _names(spec: Event | None) -> tuple[str, ...]:
    declared = tuple(n for n in (spec.params if spec else {}) if n not in _CORE)
    return _CORE + declared


def _pair_drafts(
    pair: Pair, b: ObservedEvent, s: ObservedEvent, spec: Event | None
) -> Iterator[Draft]:
    for name in _names(spec):
        bv, sv = b.custom_data.get(name), s.custom_data.get(name)
        if not (present(bv) and present(sv)):
            continue
        found = _compare(name, bv, sv, spec)
        if found is None:
            continue
        severity, text, hint = found
        yield Draft(
            message=f"{pair.name or b.name}: browser and server disagree: {text}",
            severity=severity,
            event=pair.name or b.name,
            event_key=pair.event_key or s.event_key or b.event_key,
            journey=pair.journey,
            step=pair.step,
            pixel_id=pair.pixel_id,
            refs=(b.ref, s.ref),
            hint=hint,
            subject=name,
            cause="parameter-disagreement",
        )


def run(ctx: CheckContext) -> Iterator[Draft]:
    by_ref = {e.ref: e for e in ctx.events}
    for pair in ctx.pairs:
        b = by_ref.get(pair.browser or "")
        s = by_ref.get(pair.server or "")
        if b is None or s is None:
            continue
        spec = mapview.spec(ctx, pair.event_key or s.event_key)
        yield from _pair_drafts(pair, b, s, spec)


CHECK = Check(
    code="PA003",
    name="parameter-disagreement",
    severity=Severity.WARNING,
    severities=(Severity.ERROR, Severity.WARNING),
    needs=frozenset({Need.BROWSER, Need.SERVER}),
    run=run,
    doc=__doc__ or "",
)
