"""Meta's Pixel script, its configuration or a plugin failed to load, or the Pixel threw.

Warning for a failed load of `fbevents.js`, `signals/config/<pixel>` or a `signals/plugins/…`
script (no response or a 4xx/5xx), and for a page error thrown from Meta's scripts; error when
such a load failed and the journey then sent no Pixel hit at all (the Pixel is blocked). Needs
the page-script timeline, so HAR and log input are `not_applicable`.

**Why:** a missing config or plugin silently disables features (advanced matching, the cookie
plugin that sets `_fbp`, automatic events); a missing `fbevents.js` disables the Pixel. Nothing
on the page shows it.

**Fix:** check the Content-Security-Policy (`script-src` and `connect-src` must allow
`connect.facebook.net` and `www.facebook.com`), the consent manager's blocking rules and the tag
manager's firing order.

**Example:** a CSP without `connect.facebook.net` blocks `signals/config/111…`: OP003; no `/tr`
hit follows in that journey: OP003 (error), explaining its EV001 findings.
"""

from __future__ import annotations

import re
from collections.abc import Iterator

from pixelproof.checks.base import Check, CheckContext, Draft, Need
from pixelproof.evidence.model import PageErrorRecord, ScriptLoadRecord
from pixelproof.result import Severity
from pixelproof.rulekit import timeline

META_SCRIPT = re.compile(
    r"connect\.facebook\.net/(?:[a-z]{2}_[A-Z]{2}/fbevents(?:\.[a-z]+)?\.js|signals/(?:config|plugins)/)"
)
_THROWN = re.compile(r"fbevents|fbq|signals/config|signals/plugins", re.IGNORECASE)


def _failed(record: ScriptLoadRecord) -> bool:
    return record.status is None or record.status >= 400


def _last_hit(ctx: CheckContext) -> dict[str | None, float]:
    last: dict[str | None, float] = {}
    for event in ctx.events_from("browser"):
        if event.time is not None:
            last[event.journey] = max(last.get(event.journey, 0.0), event.time)
    return last


def run(ctx: CheckContext) -> Iterator[Draft]:
    last = _last_hit(ctx)
    for load in timeline.records(ctx, ScriptLoadRecord):
        if not META_SCRIPT.search(load.url) or not _failed(load):
            continue
        hit_after = last.get(load.journey)
        blocked = hit_after is None or (load.time is not None and hit_after < load.time)
        status = "no response" if load.status is None else f"HTTP {load.status}"
        yield Draft(
            message=f"Meta script {load.url.split('?')[0]} failed to load ({status})"
            + ("; no Pixel hit followed" if blocked else ""),
            severity=Severity.ERROR if blocked else Severity.WARNING,
            journey=load.journey,
            step=load.step,
            source="browser",
            scope="page",
            hint="check the CSP, the consent manager and the tag manager's order",
            subject=load.url.split("?")[0],
            cause="pixel-script-blocked" if blocked else "pixel-script-error",
            joins=(f"script:{load.journey}",),
        )
    for error in timeline.records(ctx, PageErrorRecord):
        if _THROWN.search(error.message) or (error.url and META_SCRIPT.search(error.url)):
            yield Draft(
                message=f"the Pixel threw: {error.message[:200]}",
                journey=error.journey,
                step=error.step,
                source="browser",
                scope="page",
                hint="look at the calls made just before (fbq arguments, a second init)",
                subject="page_error",
                cause="pixel-script-error",
                joins=(f"script:{error.journey}",),
            )


CHECK = Check(
    code="OP003",
    name="pixel-script-error",
    severity=Severity.WARNING,
    severities=(Severity.ERROR, Severity.WARNING),
    needs=frozenset({Need.PAGE_SCRIPT}),
    run=run,
    doc=__doc__ or "",
    suppresses=("EV001",),
)
