"""A `user_data` key the event map declares is absent, or the server drops a known `_fbp`.

Keys come from the event's `user_data: {server: [...], browser: [...]}`; a conditional key
(`{fbc: when_available}`) is required only when the journey had it (the browser sent it, or the
cookie existed). Independently of the map, a website server event of a journey whose browser had
an `_fbp` should carry `fbp`.

**Why:** each match key raises the share of server events Meta can attribute to a person (Event
Match Quality). `fbp` in particular links the server event to the browser visit and is Meta's
fallback deduplication key.

**Fix:** read `_fbp`/`_fbc` from the request cookies and the hashed customer fields from the
order, and put them into the CAPI `user_data`.

**Example:** `user_data: {server: [em, fbp]}` and a server Purchase with only `em`: SE003
(warning, `fbp`). A key SE001 already reports (`client_user_agent` of a website event, or no
match key at all) is not repeated here.
"""

from __future__ import annotations

from collections.abc import Iterator

from pixelproof.checks.base import Check, CheckContext, Draft, Need
from pixelproof.checks.missing_server_field import NO_MATCH_KEY, missing_fields
from pixelproof.evidence.model import CookiesRecord, IdentityRecord
from pixelproof.meta.event import ObservedEvent
from pixelproof.result import Severity
from pixelproof.rulekit import mapview, timeline
from pixelproof.rulekit.drafts import Drafter, label, present

_BROWSER_IMPLICIT = frozenset({"client_user_agent", "client_ip_address"})  # every request has them


def journey_keys(ctx: CheckContext) -> dict[str | None, set[str]]:
    """Keys each journey's browser had: hit parameters, `ud[…]` keys, identity, cookies."""
    seen: dict[str | None, set[str]] = {}
    for event in ctx.events_from("browser"):
        keys = seen.setdefault(event.journey, set())
        keys.update(k for k in event.user_data if present(event.user_data[k]))
        keys.update(k for k in ("fbp", "fbc") if getattr(event, k))
    for record in timeline.records(ctx, IdentityRecord):
        keys = seen.setdefault(record.journey, set())
        keys.update(k for k in ("fbp", "fbc") if getattr(record, k))
    for cookies in timeline.records(ctx, CookiesRecord):
        names = {str(c.get("name")) for c in cookies.cookies}
        seen.setdefault(cookies.journey, set()).update(n[1:] for n in names & {"_fbp", "_fbc"})
    return seen


def _sent(event: ObservedEvent) -> set[str]:
    keys = {k for k, v in event.user_data.items() if present(v)}
    keys.update(k for k in ("fbp", "fbc") if getattr(event, k))
    return keys | (_BROWSER_IMPLICIT if event.channel == "pixel" else set())


def _se001_keys(event: ObservedEvent) -> set[str]:
    fields = {f for f, _ in missing_fields(event)} if event.channel == "capi" else set()
    return {"*"} if fields & set(NO_MATCH_KEY) else fields


def _absent(ctx: CheckContext, event: ObservedEvent, had: set[str]) -> list[str]:
    spec = mapview.spec(ctx, event.event_key)
    declared = [] if spec is None else getattr(spec.user_data, str(event.source))
    sent, owned = _sent(event), _se001_keys(event)
    if "*" in owned:
        return []
    out = [
        item.key
        for item in declared
        if item.key not in sent
        and item.key not in owned
        and (item.when == "always" or item.key in had)
    ]
    website = event.action_source in (None, "website")
    if event.channel == "capi" and website and "fbp" in had and "fbp" not in sent | set(out):
        out.append("fbp")
    return out


def run(ctx: CheckContext) -> Iterator[Draft]:
    draft = Drafter(ctx)
    had_by_journey = journey_keys(ctx)
    for event in ctx.events:
        had = had_by_journey.get(event.journey, set()) if event.journey else set()
        for key in _absent(ctx, event, had):
            why = " though the browser had it" if key in had else ""
            yield draft(
                event,
                f"{label(event)} lacks user_data.{key}{why}",
                hint=f"add {key} to the {event.source} event's user data",
                subject=key,
                cause="missing-match-key",
            )


CHECK = Check(
    code="SE003",
    name="missing-match-key",
    severity=Severity.WARNING,
    needs=frozenset({Need.BROWSER, Need.SERVER}),
    any_need=True,
    run=run,
    doc=__doc__ or "",
)
