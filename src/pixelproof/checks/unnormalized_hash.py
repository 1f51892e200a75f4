"""A hashed identifier matches a persona's value only before normalisation.

Server hashes are judged by Meta's server rules (`meta-api.md` §2.3, the official SDK's variants
accepted), the Pixel's `ud[…]` by the Pixel's own rules (§1.6): a hash of `Jane@Example.com`, of
a phone without its country code on the server, or of `New York` with its space is flagged.
Needs the journey's persona values (from the run's identity records or the map).

**Why:** Meta hashes its own copy of the person after normalising it; a hash of anything else
matches nobody, so the event carries an identifier that looks right and counts for nothing.

**Fix:** normalise before hashing — trim and lower-case emails, digits with country code for
phones, lower-case letters only for names and cities, 2-letter codes for states and countries.

**Example:** persona `jane@example.com`, typed as `Jane@Example.com`, sent as `em =
sha256("Jane@Example.com")`: PR002 (error).
"""

from __future__ import annotations

from collections.abc import Iterator

from pixelproof.checks.base import Check, CheckContext, Draft, Need
from pixelproof.meta import hashing
from pixelproof.meta.event import ObservedEvent
from pixelproof.meta.standard import HASHED_KEYS
from pixelproof.result import Severity
from pixelproof.rulekit import personas
from pixelproof.rulekit.drafts import Drafter, label, texts


def wrong_forms(event: ObservedEvent, known: tuple[personas.PersonaKey, ...]) -> Iterator[str]:
    """The user_data keys whose hash is a persona value normalised wrongly for this side."""
    for key, value in event.user_data.items():
        if key not in HASHED_KEYS:
            continue
        for text in texts(value):
            digest = text.lower()
            if not hashing.looks_sha256(text):
                continue
            for persona in known:
                ok = persona.pixel_ok if event.channel == "pixel" else persona.server_ok
                if persona.key == key and digest in persona.every and digest not in ok:
                    yield key
                    break


def run(ctx: CheckContext) -> Iterator[Draft]:
    draft = Drafter(ctx)
    cache: dict[str | None, tuple[personas.PersonaKey, ...]] = {}
    every = personas.keys_of(personas.every_persona(ctx))
    for event in ctx.events:
        if event.journey not in cache:
            own = personas.persona_keys(personas.journey_values(ctx, event.journey))
            cache[event.journey] = own or every
        rules = "the Pixel's" if event.channel == "pixel" else "Meta's server"
        for key in dict.fromkeys(wrong_forms(event, cache[event.journey])):
            yield draft(
                event,
                f"{label(event)}: {key} is the hash of the persona's {key} not normalised by "
                f"{rules} rules",
                hint="normalise (trim, lower-case, country code for phones) before hashing",
                subject=key,
                cause="unnormalized-hash",
            )


CHECK = Check(
    code="PR002",
    name="unnormalized-hash",
    severity=Severity.ERROR,
    needs=frozenset({Need.BROWSER, Need.SERVER}),
    any_need=True,
    run=run,
    doc=__doc__ or "",
)
