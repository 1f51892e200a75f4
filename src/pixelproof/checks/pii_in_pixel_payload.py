"""Personal data in clear text inside a Pixel URL, custom data or server custom data.

Error: a persona's email, phone (any common formatting) or long identifier in a Pixel hit's
parameters, its page URL, its custom data, or a server event's `custom_data` or
`event_source_url`. Warning: any other email address there — except inside Meta's automatic
events and page metadata, where a shop's own contact address is normal. Generic phone numbers are
looked for only when `checks.options.PR003.detect_phones` is true (international `+…` form).

**Why:** Meta's terms forbid sending unhashed personal data outside the hashed `user_data`
fields, and a Pixel URL with `?email=jane@…` lands in Meta's logs, the browser history and every
analytics tool on the page.

**Fix:** keep personal data out of URLs (POST forms, no `?email=` on thank-you pages) and out of
custom data; pass identifiers as hashed `user_data` instead.

**Example:** `dl=https://shop.example/thanks?email=jane%40example.com`: PR003 (error). An order
number `10065550101` or an `fbp` whose digits resemble a phone: nothing.
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from urllib.parse import unquote

from pixelproof.checks.base import Check, CheckContext, Draft, Need
from pixelproof.meta.event import ObservedEvent
from pixelproof.result import Severity
from pixelproof.rulekit import mapview, personas
from pixelproof.rulekit.drafts import Drafter, label, site_event

EMAIL = re.compile(r"[A-Za-z0-9._%+-]+@[A-Za-z0-9-]+(?:\.[A-Za-z0-9-]+)*\.[A-Za-z]{2,}")
DIGIT_RUN = re.compile(r"\+?\d[\d\s()\-]{5,}\d")
INTERNATIONAL = re.compile(r"\+\d[\d\s()\-]{7,}\d")
_METADATA = ("pmd[", "sssd[", "mft[")
Needles = tuple[frozenset[str], frozenset[str], frozenset[str]]


def _strings(value: object) -> Iterator[str]:
    if isinstance(value, dict):
        for key, item in value.items():
            yield str(key)
            yield from _strings(item)
    elif isinstance(value, list | tuple):
        for item in value:
            yield from _strings(item)
    elif value is not None:
        yield str(value)


def _text(value: object) -> str:
    raw = value if isinstance(value, str) else " ".join(_strings(value))
    once = unquote(raw)
    return once if "%" not in once else unquote(once)


def fields(event: ObservedEvent) -> Iterator[tuple[str, str, bool]]:
    """(where, decoded text, counts for the generic email scan) of every scanned field."""
    generic = site_event(event)
    if event.url:
        yield ("dl" if event.channel == "pixel" else "event_source_url"), _text(event.url), True
    for name, value in event.custom_data.items():
        yield f"custom_data.{name}", _text(value), generic
    if event.channel == "pixel":
        for name, value in event.params.items():
            yield name, _text(value), generic and not name.startswith(_METADATA)


def _persona_hit(text: str, needles: Needles) -> bool:
    emails, phones, other = needles
    low = text.lower()
    if any(e in low for e in emails) or any(o in low for o in other):
        return True
    runs = ("".join(c for c in m.group() if c.isdigit()) for m in DIGIT_RUN.finditer(text))
    return any(r in phones for r in runs)


def findings(
    event: ObservedEvent, needles: Needles, phones: bool
) -> Iterator[tuple[Severity, str, str]]:
    for where, text, generic in fields(event):
        if _persona_hit(text, needles):
            yield Severity.ERROR, where, "a persona's personal data"
        elif generic and EMAIL.search(text):
            yield Severity.WARNING, where, "an email address"
        elif generic and phones and INTERNATIONAL.search(text):
            yield Severity.WARNING, where, "what looks like a phone number"


def _needles(ctx: CheckContext) -> Needles:
    emails: set[str] = set()
    phones: set[str] = set()
    other: set[str] = set()
    for values in personas.every_persona(ctx):
        e, p, o = personas.raw_needles(values)
        emails |= e
        phones |= p
        other |= o
    return frozenset(emails), frozenset(phones), frozenset(other)


def run(ctx: CheckContext) -> Iterator[Draft]:
    draft = Drafter(ctx)
    needles = _needles(ctx)
    phones = bool(mapview.option(ctx, "PR003", "detect_phones", False))
    for event in ctx.events:
        for severity, where, what in findings(event, needles, phones):
            yield draft(
                event,
                f"{label(event)}: {where} contains {what} in clear text",
                severity=severity,
                hint="keep personal data out of URLs and custom data; send it hashed in user_data",
                subject=where,
                cause="pii-in-payload",
            )


CHECK = Check(
    code="PR003",
    name="pii-in-pixel-payload",
    severity=Severity.ERROR,
    severities=(Severity.ERROR, Severity.WARNING),
    needs=frozenset({Need.BROWSER, Need.SERVER}),
    any_need=True,
    run=run,
    doc=__doc__ or "",
)
