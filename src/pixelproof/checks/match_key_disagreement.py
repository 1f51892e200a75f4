"""The server's `fbp`, `fbc`, `external_id`, `em` or `ph` differ from the browser's in a journey.

Each side is judged by its own normalisation rules: the Pixel adds no country code to a phone
and hashes `external_id` itself, the official SDK sends `external_id` raw — so a persona's phone
hashed by each side's correct rules agrees even though the hashes differ. Without a persona, two
different hashes disagree.

**Why:** the browser and server copies of one action should describe the same person. A server
`fbp` from another visitor (a cached session, a shared cookie jar) credits the conversion to the
wrong person; a different `em` splits one customer in two.

**Fix:** take the identifiers from the request of the visitor who acted (their cookies, their
order), and normalise exactly as Meta documents before hashing.

**Example:** browser hits carry `fbp=fb.1.1795992568581.1239569942`, the server Purchase of the
same journey `fb.1.1795992400000.987654321`: SE006 (warning) on the server event.
"""

from __future__ import annotations

from collections.abc import Iterator

from pixelproof.checks.base import Check, CheckContext, Draft, Need
from pixelproof.meta import hashing
from pixelproof.meta.event import ObservedEvent
from pixelproof.result import Severity
from pixelproof.rulekit import personas
from pixelproof.rulekit.drafts import Drafter, label, texts

KEYS = ("fbp", "fbc", "external_id", "em", "ph")
Seen = dict[str, set[str]]


def _browser_values(events: list[ObservedEvent]) -> Seen:
    seen: Seen = {k: set() for k in KEYS}
    for event in events:
        for key in ("fbp", "fbc"):
            value = getattr(event, key)
            if value:
                seen[key].add(value)
        for key in ("external_id", "em", "ph"):
            seen[key].update(v.lower() for v in texts(event.user_data.get(key)))
    return seen


def _server_values(event: ObservedEvent, key: str) -> set[str]:
    if key in ("fbp", "fbc"):
        value = getattr(event, key)
        return {value} if value else set()
    values = texts(event.user_data.get(key))
    if key == "external_id":  # sent raw by the SDK; the Pixel hashes lower-cased + trimmed
        return {
            v.lower() if hashing.looks_sha256(v) else hashing.hash_pixel(key, v) for v in values
        }
    return {v.lower() for v in values}


def _same_person(
    key: str, server: set[str], browser: set[str], known: list[personas.PersonaKey]
) -> bool:
    if server & browser:
        return True
    for persona in known:
        if persona.key == key and server & persona.every and browser & persona.every:
            return True
    return False


def _groups(ctx: CheckContext) -> Iterator[tuple[list[ObservedEvent], list[ObservedEvent]]]:
    """(browser events, server events) per journey, and per pair for events without one."""
    journeys: dict[str, tuple[list[ObservedEvent], list[ObservedEvent]]] = {}
    for event in ctx.events:
        if event.journey is not None:
            group = journeys.setdefault(event.journey, ([], []))
            group[0 if event.channel == "pixel" else 1].append(event)
    yield from journeys.values()
    by_ref = {e.ref: e for e in ctx.events}
    for pair in ctx.pairs:
        b, s = by_ref.get(pair.browser or ""), by_ref.get(pair.server or "")
        if b is not None and s is not None and s.journey is None:
            yield [b], [s]


def run(ctx: CheckContext) -> Iterator[Draft]:
    draft = Drafter(ctx)
    for browser, server in _groups(ctx):
        seen = _browser_values(browser)
        journey = server[0].journey if server else None
        known = list(personas.persona_keys(personas.journey_values(ctx, journey)))
        for event in server:
            for key in KEYS:
                values = _server_values(event, key)
                if not values or not seen[key] or _same_person(key, values, seen[key], known):
                    continue
                hint = "the Pixel adds no country code to phones" if key == "ph" else None
                yield draft(
                    event,
                    f"{label(event)}: {key} differs from the browser's in the same journey",
                    hint=hint or f"send the {key} of the visitor who acted",
                    subject=key,
                    cause="match-key-disagreement",
                )


CHECK = Check(
    code="SE006",
    name="match-key-disagreement",
    severity=Severity.WARNING,
    needs=frozenset({Need.BROWSER, Need.SERVER}),
    run=run,
    doc=__doc__ or "",
)
