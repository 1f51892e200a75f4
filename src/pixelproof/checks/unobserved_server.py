"""The map declares server events, but the environment's CAPI capture is `none`.

Info, scope `run`, carrying the map's `reason`. The run is incomplete (exit 3) unless
`--allow-unobserved-server` — through `complete=false`, not through this finding's severity.

**Why:** with no server evidence, every server-side check is `not_applicable` and nothing proves
that browser and server copies deduplicate: the report must never read as a pass.

**Fix:** capture the server half — point the backend's Graph base URL at the sink (`capture:
sink`), use the relay, or export CAPI request logs (`capture: logs`) — or accept the gap
explicitly with `--allow-unobserved-server`.

**Example:** `capi: {capture: none, reason: "Shopify's Meta app sends CAPI"}` and an event with
`sources: [browser, server]`: OP008 (info), "server half not observed — deduplication unproven".
"""

from __future__ import annotations

from collections.abc import Iterator

from pixelproof.checks.base import Check, CheckContext, Draft
from pixelproof.result import Severity
from pixelproof.rulekit import mapview


def run(ctx: CheckContext) -> Iterator[Draft]:
    emap = mapview.event_map(ctx)
    capture, reason = mapview.capture(ctx)
    if emap is None or capture != "none":
        return
    keys = sorted(k for k, e in emap.events.items() if "server" in e.sources)
    if not keys:
        return
    yield Draft(
        message="server half not observed — deduplication unproven"
        + (f" ({reason})" if reason else ""),
        source="server",
        scope="run",
        hint="capture CAPI with the sink, the relay or logs, or pass --allow-unobserved-server",
        subject=", ".join(keys[:10]),
        cause="unobserved-server",
    )


CHECK = Check(
    code="OP008",
    name="unobserved-server",
    severity=Severity.INFO,
    needs=frozenset(),
    run=run,
    doc=__doc__ or "",
)
