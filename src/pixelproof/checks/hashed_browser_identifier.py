"""An identifier Meta needs raw (`client_ip_address`, `client_user_agent`, `fbp`, `fbc`) is hashed.

**Why:** Meta matches these values as they are: a hashed IP or user agent matches nobody, and a
hashed `fbp`/`fbc` can neither link the event to the browser nor deduplicate by it — every
hash looks valid, so nothing errors.

**Fix:** exclude these keys from the hashing step (the official SDKs do); only contact fields
(`em`, `ph`, names, address, `external_id`) are hashed.

**Example:** `"fbp": "3f1c…e2"` (64 hex digits): PR007 (error). SE005 does not report the same
value again.
"""

from __future__ import annotations

from collections.abc import Iterator

from pixelproof.checks.base import Check, CheckContext, Draft, Need
from pixelproof.meta.event import ObservedEvent
from pixelproof.meta.hashing import looks_hashed
from pixelproof.meta.standard import RAW_IDENTIFIERS
from pixelproof.result import Severity
from pixelproof.rulekit.drafts import Drafter, label, texts


def hashed_keys(event: ObservedEvent) -> list[str]:
    found = []
    for key in RAW_IDENTIFIERS:
        values = texts(event.user_data.get(key))
        values += [getattr(event, key)] if key in ("fbp", "fbc") and getattr(event, key) else []
        if any(looks_hashed(v.strip()) for v in values):
            found.append(key)
    return found


def run(ctx: CheckContext) -> Iterator[Draft]:
    draft = Drafter(ctx)
    for event in ctx.events:
        for key in hashed_keys(event):
            yield draft(
                event,
                f"{label(event)}: {key} is hashed; Meta needs it raw",
                hint=f"send {key} unhashed (only contact fields are hashed)",
                subject=key,
                cause="hashed-browser-identifier",
            )


CHECK = Check(
    code="PR007",
    name="hashed-browser-identifier",
    severity=Severity.ERROR,
    needs=frozenset({Need.BROWSER, Need.SERVER}),
    any_need=True,
    run=run,
    doc=__doc__ or "",
)
