"""A parameter of the wrong type or format, after decoding.

Meta's standard parameters are judged on every event the site sends: `value` must be a number or
a numeric string (negative: warning), `currency` an ISO 4217 code in any case (a valid code the
Pixel's own list lacks: info), `content_ids` a list, `contents` a list of objects with `id` and
`quantity`, `num_items` an integer. Parameters the map declares are judged by their declared
`type`, `enum`, `min` and `pattern` instead.

**Why:** Meta drops or misreads a malformed parameter without telling anyone: a `value` of
`"49,90"` is not revenue, a `content_ids` string matches no catalog item.

**Fix:** send numbers as numbers (or `"49.90"`), ISO codes for currency, and arrays for
`content_ids`/`contents` — `fbq` serialises arrays itself; do not `JSON.stringify` them first.

**Example:** `cd[value]=49,90` on a browser Purchase: PA002 (error). `"value": "49.90"` and
`"currency": "eur"` on a server Purchase: correct, nothing reported.
"""

from __future__ import annotations

import re
from collections.abc import Iterator

from pixelproof.checks.base import Check, CheckContext, Draft, Need
from pixelproof.config.events import Param
from pixelproof.result import Severity
from pixelproof.rulekit import mapview
from pixelproof.rulekit.drafts import Drafter, label, site_event
from pixelproof.rulekit.values import TYPE_TESTS, Problem, canonical, shown, standard_problems


def declared_problems(name: str, param: Param, value: object, side: str) -> list[Problem]:
    """Problems against the map's long form; the standard facts still apply to its type."""
    if not TYPE_TESTS[param.type](value):
        return [(Severity.ERROR, f"{name} {shown(value)} is not of type {param.type}")]
    found = [p for p in standard_problems(name, value, side) if p[0] is not Severity.ERROR]
    if param.enum is not None:
        allowed = [canonical(e, param.type) for e in param.enum]
        if canonical(value, param.type) not in allowed:
            found.append((Severity.ERROR, f"{name} {shown(value)} is not one of {param.enum}"))
    number = canonical(value, param.type)
    if param.min is not None and isinstance(number, float) and number < param.min:
        found.append((Severity.ERROR, f"{name} {shown(value)} is below the minimum {param.min}"))
    if param.pattern is not None and not re.search(param.pattern, str(value)):
        found.append((Severity.ERROR, f"{name} {shown(value)} does not match {param.pattern}"))
    return found


def run(ctx: CheckContext) -> Iterator[Draft]:
    draft = Drafter(ctx)
    for event in ctx.events:
        if not site_event(event):
            continue
        spec = mapview.spec(ctx, event.event_key)
        declared = spec.params if spec is not None else {}
        for name, value in event.custom_data.items():
            if value in (None, "", "_removed_"):
                continue
            side = str(event.source)
            param = declared.get(name)
            found = (
                declared_problems(name, param, value, side)
                if param is not None
                else standard_problems(name, value, side)
            )
            for severity, text in found:
                yield draft(
                    event,
                    f"{label(event)}: {text}",
                    severity=severity,
                    subject=name,
                    cause="invalid-parameter",
                )


CHECK = Check(
    code="PA002",
    name="invalid-parameter",
    severity=Severity.ERROR,
    severities=(Severity.ERROR, Severity.WARNING, Severity.INFO),
    needs=frozenset({Need.BROWSER, Need.SERVER}),
    any_need=True,
    run=run,
    doc=__doc__ or "",
)
