"""The Conversions API call uses a Graph API version past or near its end of life.

Warning once a version is past its end of life, info in the 90 days before. A version lives
until two years after its successor shipped, and at least two years after its own release
(`meta/graph_versions.py`). Judged against the run's capture clock, never the wall clock.

**Why:** Meta lets calls to a dead version fall through to the oldest live one, so the
integration keeps "working" with semantics it was never tested on — until a field it relies on
changes and events silently lose parameters.

**Fix:** bump the version in the SDK, tag template or HTTP client (`/v25.0/<pixel>/events`), and
test it against the sink before release.

**Example:** Meta's own server-GTM tag pinned at `/v16.0/…/events`, seen in November 2026:
SE011 (warning; v16.0 ended 2025-05-23).
"""

from __future__ import annotations

from collections.abc import Iterator

from pixelproof.checks.base import Check, CheckContext, Draft, Need
from pixelproof.meta import graph_versions as gv
from pixelproof.meta.event import ObservedEvent
from pixelproof.result import Severity


def run(ctx: CheckContext) -> Iterator[Draft]:
    groups: dict[tuple[str | None, str], list[ObservedEvent]] = {}
    for event in ctx.events:
        if event.channel == "capi" and event.api_version:
            groups.setdefault((event.pixel_id, event.api_version), []).append(event)
    today = ctx.now.date()
    for (pixel, version), events in groups.items():
        found = gv.status(version, today)
        if found.lifecycle not in (gv.Lifecycle.PAST_END, gv.Lifecycle.NEAR_END):
            continue
        past = found.lifecycle is gv.Lifecycle.PAST_END
        when = f" on {found.end_of_life.isoformat()}" if found.end_of_life else ""
        verb = "reached its end of life" if past else "reaches its end of life"
        yield Draft(
            message=f"CAPI calls to dataset {pixel} use Graph {found.version}, which {verb}{when}",
            severity=Severity.WARNING if past else Severity.INFO,
            source="server",
            pixel_id=pixel,
            scope="dataset",
            refs=tuple(e.ref for e in events[:20]),
            hint="update the API version of the SDK, tag or HTTP client that sends CAPI",
            subject=found.version,
            cause="outdated-graph-version",
        )


CHECK = Check(
    code="SE011",
    name="outdated-graph-version",
    severity=Severity.WARNING,
    severities=(Severity.WARNING, Severity.INFO),
    needs=frozenset({Need.SERVER}),
    run=run,
    doc=__doc__ or "",
)
