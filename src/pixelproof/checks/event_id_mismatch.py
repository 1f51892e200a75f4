"""The browser and server copies of one action carry different event IDs.

Judged on pairs the heuristics matched (same canonical name, same time window, no conflicting
order IDs) whose IDs differ. Hints name the usual causes: a type or prefix difference
(`1001` vs `order-1001`), and IDs minted by a plugin rather than the site (`ob3_plugin-set_…`
from the Conversions API Gateway, `sgwpixel_…`, Shopify's `sh-…`).

**Why:** Meta only drops the second copy when the IDs are equal. Two IDs mean two
conversions for one action: reported numbers double and optimisation learns from noise.

**Fix:** mint the ID once (order ID or a UUID created before the event fires), hand it to the
page and to the backend, and send it unchanged from both sides.

**Example:** browser `eid=1f0c…` from a tag-manager UUID, server `event_id: "order-1001"`:
DD002 on the Purchase pair.
"""

from __future__ import annotations

from collections.abc import Iterator

from pixelproof.checks.base import Check, CheckContext, Draft, Need
from pixelproof.result import Pair, Severity

PLUGIN_PREFIXES = ("ob3_plugin-set_", "sgwpixel_plugin-set", "sgwpixel_", "sh-")


def hint_for(browser: str, server: str) -> str:
    """Why two IDs differ, when their shapes tell."""
    plugin = next(
        (p for p in PLUGIN_PREFIXES if browser.startswith(p) or server.startswith(p)), None
    )
    if plugin is not None:
        return f"an ID starting '{plugin}' is minted by a plugin, not the site: send the site's ID"
    a, b = browser.strip().lower(), server.strip().lower()
    if a == b:
        return "the IDs differ only in case or spaces: Meta compares them exactly"
    if a in b or b in a:
        return "one ID contains the other (a prefix or suffix added on one side)"
    if a.removesuffix(".0") == b.removesuffix(".0"):
        return "a number on one side, a string or float on the other: send the same text"
    return "mint the ID once and pass the same value to fbq's eventID and CAPI's event_id"


def _applies(ctx: CheckContext, pair: Pair) -> bool:
    if pair.status != "id-mismatch" or not pair.browser_event_id or not pair.server_event_id:
        return False
    spec = ctx.facts.keys.get(pair.event_key or "")
    return spec is None or spec.dedup == "event_id"


def run(ctx: CheckContext) -> Iterator[Draft]:
    for pair in ctx.pairs:
        if not _applies(ctx, pair):
            continue
        b, s = pair.browser_event_id or "", pair.server_event_id or ""
        yield Draft(
            message=f"{pair.name} pair carries different event IDs: browser '{b}', server '{s}'",
            event=pair.name,
            event_key=pair.event_key,
            journey=pair.journey,
            step=pair.step,
            step_key=ctx.step_key(pair.journey, pair.step),
            source="both",
            pixel_id=pair.pixel_id,
            refs=tuple(r for r in (pair.browser, pair.server) if r),
            hint=hint_for(b, s),
            subject="event_id",
            cause="event-id-mismatch",
        )


CHECK = Check(
    code="DD002",
    name="event-id-mismatch",
    severity=Severity.ERROR,
    needs=frozenset({Need.BROWSER, Need.SERVER}),
    run=run,
    doc=__doc__ or "",
)
