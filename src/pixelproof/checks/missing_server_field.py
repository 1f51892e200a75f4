"""A CAPI event lacks a field Meta requires.

Every server event needs `event_name`, `event_time`, `action_source` and `user_data` with at
least one customer-information key; a `website` event also needs `event_source_url` and
`user_data.client_user_agent`. The judgement is the shared CAPI validator's (`meta/capi.py`).

**Why:** Meta rejects a batch whose event lacks a name or time. A website event without
`client_user_agent` or `event_source_url` is accepted but documented as wrong: it matches worse
and may be excluded from website attribution — nothing errors, the numbers are just lower.

**Fix:** fill the fields where the CAPI event is built: forward the browser's `User-Agent`
header and the page URL from the request that triggered the event.

**Example:** a website Purchase without `client_user_agent`, accepted by Meta (and by the sink):
SE001 (reported, not a rejection). A declared `client_user_agent` in the map's `user_data` is not
reported again as SE003.
"""

from __future__ import annotations

from collections.abc import Iterator

from pixelproof.checks.base import Check, CheckContext, Draft, Need
from pixelproof.meta.event import ObservedEvent
from pixelproof.result import Severity
from pixelproof.rulekit.drafts import Drafter, label

# The validator's texts for absent fields, and the field each names (meta/capi_rules.py).
FIELD_PROBLEMS: tuple[tuple[str, str], ...] = (
    ("event_name is required", "event_name"),
    ("event_time is required", "event_time"),
    ("action_source is required", "action_source"),
    ("action_source ", "action_source"),  # a value that is not one of Meta's
    ("website event without event_source_url", "event_source_url"),
    ("website event without user_data.client_user_agent", "client_user_agent"),
    ("user_data has no customer information parameter", "match_key"),
    ("user_data is required", "user_data"),
    ("user_data must be an object", "user_data"),
)
NO_MATCH_KEY = ("match_key", "user_data")


def missing_fields(event: ObservedEvent) -> list[tuple[str, str]]:
    """(field, validator text) for each SE001 problem of a server event."""
    found: list[tuple[str, str]] = []
    for problem in event.problems:
        for prefix, field in FIELD_PROBLEMS:
            if problem.startswith(prefix):
                found.append((field, problem))
                break
    return found


def run(ctx: CheckContext) -> Iterator[Draft]:
    draft = Drafter(ctx)
    for event in ctx.events:
        if event.channel != "capi":
            continue
        for field, problem in missing_fields(event):
            yield draft(
                event,
                f"{label(event)}: {problem}",
                hint="fill it where the CAPI event is built (see Meta's server event fields)",
                subject=field,
                cause="missing-server-field",
            )


CHECK = Check(
    code="SE001",
    name="missing-server-field",
    severity=Severity.ERROR,
    needs=frozenset({Need.SERVER}),
    run=run,
    doc=__doc__ or "",
)
