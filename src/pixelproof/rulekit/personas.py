"""Persona values as hashes each side may send, and as un-normalised variants (PR002, SE006).

`phonenumbers` is used here only, on persona phones (DESIGN §12), to learn the country code
Meta's server rules require; it is never run over payload strings.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from typing import TYPE_CHECKING

from pixelproof.evidence.model import IdentityRecord
from pixelproof.meta import hashing
from pixelproof.meta.standard import PERSONA_KEYS
from pixelproof.rulekit import mapview, timeline

if TYPE_CHECKING:
    from pixelproof.checks.base import CheckContext


@dataclass(frozen=True, slots=True)
class PersonaKey:
    """One persona value as `user_data` key `key`: what is correct on each side, what is not."""

    key: str
    raw: str
    server_ok: frozenset[str]  # hashes a correct server integration may send
    pixel_ok: frozenset[str]  # hashes the Pixel may send as ud[key]
    variants: frozenset[str]  # hashes of the same value, normalised wrongly or not at all

    @property
    def every(self) -> frozenset[str]:
        return self.server_ok | self.pixel_ok | self.variants


def _e164_digits(phone: str, country: str | None) -> str | None:
    import phonenumbers

    region = country.strip().upper()[:2] if country else None
    try:
        parsed = phonenumbers.parse(phone, region)
    except phonenumbers.NumberParseException:
        return None
    formatted = phonenumbers.format_number(parsed, phonenumbers.PhoneNumberFormat.E164)
    return formatted.lstrip("+")


def _national(e164: str) -> str:
    import phonenumbers

    return str(phonenumbers.parse("+" + e164).national_number)


def _email_layouts(text: str) -> set[str]:
    """How a form may hold a (normalised) persona email: capitalised parts, stray spaces."""
    local, at, domain = text.partition("@")
    if not at:
        return set()
    locals_ = {local, local.lower(), local.capitalize(), local.upper()}
    labels = domain.split(".")
    domains = {
        domain,
        domain.lower(),
        domain.upper(),
        domain.capitalize(),
        ".".join(p.capitalize() for p in labels),
        ".".join([labels[0].capitalize(), *labels[1:]]),
    }
    found = {f"{lo}@{do}" for lo in locals_ for do in domains}
    return found | {f" {v}" for v in found} | {f"{v} " for v in found}


def _phone_layouts(raw: str, country: str | None) -> set[str]:
    """How a form may hold a persona phone: +1 (650) 555-0101, 650-555-0101, tel:+1-650-…"""
    import phonenumbers

    region = country.strip().upper()[:2] if country else None
    try:
        parsed = phonenumbers.parse(raw, region)
    except phonenumbers.NumberParseException:
        return set()
    fmt = phonenumbers.PhoneNumberFormat
    intl = phonenumbers.format_number(parsed, fmt.INTERNATIONAL)
    national = phonenumbers.format_number(parsed, fmt.NATIONAL)
    code = f"+{parsed.country_code}"
    found = {
        intl,
        national,
        phonenumbers.format_number(parsed, fmt.RFC3966),
        f"{code} {national}",
        f"{code[1:]} {national}",
        f"{code}{national}",
    }
    found |= {t.replace("(", "").replace(") ", "-").replace(")", "") for t in found}
    for text in list(found):
        found |= {text.replace("-", " "), text.replace("-", "."), text.replace(" ", "-")}
    return found


def _raw_variants(key: str, raw: str, country: str | None = None) -> set[str]:
    text = raw.strip()
    found = {raw, text, text.lower(), text.upper(), text.title(), " ".join(text.split())}
    if key == "em":
        found |= _email_layouts(text)
    if key == "ph":
        digits = "".join(c for c in text if c.isdigit())
        found |= {digits, "+" + digits, text.replace(" ", ""), "0" + digits.lstrip("0")}
        found |= phone_digits(raw, None)
        found |= _phone_layouts(raw, country)
    if key in ("ct", "fn", "ln", "st", "zp"):
        found |= {text.lower().replace(" ", ""), text.lower().replace("-", "")}
    return {v for v in found if v}


def persona_key(key: str, raw: str, country: str | None = None) -> PersonaKey:
    server = set(hashing.server_forms(key, raw))
    pixel = {hashing.normalize_pixel(key, raw)}
    if key == "ph":
        e164 = _e164_digits(raw, country)
        national = hashing.normalize_server("ph", raw)
        if e164:
            server = {e164}
            pixel |= {e164, _national(e164)}  # the Pixel adds no country code
        elif not raw.strip().startswith("+"):
            server = {national}  # no country known: the digits are the best guess
    server_ok = frozenset(hashing.sha256_hex(v) for v in server if v)
    pixel_ok = frozenset(hashing.sha256_hex(v) for v in pixel if v)
    variants = frozenset(hashing.sha256_hex(v) for v in _raw_variants(key, raw, country))
    return PersonaKey(key, raw, server_ok, pixel_ok, variants - server_ok - pixel_ok)


def persona_keys(values: Mapping[str, str]) -> tuple[PersonaKey, ...]:
    """`{email: …, phone: …}` (persona fields or `user_data` keys) → one PersonaKey each."""
    country = values.get("country")
    out: list[PersonaKey] = []
    for field, raw in values.items():
        key = PERSONA_KEYS.get(field, field)
        if key in PERSONA_KEYS.values() and raw and raw.strip():
            out.append(persona_key(key, raw, country))
    return tuple(out)


def journey_values(ctx: CheckContext, journey: str | None) -> dict[str, str]:
    """A journey's persona values: expanded ones from its identity record, else the map's."""
    found = timeline.identity(ctx, journey)
    if found is not None and found.persona:
        return dict(found.persona)
    return mapview.journey_persona(ctx, journey) if journey else {}


def every_persona(ctx: CheckContext) -> tuple[dict[str, str], ...]:
    """Every persona value set the run knows: identity records first, then the map's."""
    seen: list[dict[str, str]] = [
        dict(r.persona) for r in timeline.records(ctx, IdentityRecord) if r.persona
    ]
    seen += [v for v in mapview.map_personas(ctx).values() if v and v not in seen]
    return tuple(seen)


def keys_of(value_sets: Iterable[Mapping[str, str]]) -> tuple[PersonaKey, ...]:
    return tuple(k for values in value_sets for k in persona_keys(values))


def phone_digits(phone: str, country: str | None) -> frozenset[str]:
    """Digit strings a persona phone may appear as: international, national, with trunk 0."""
    digits = "".join(c for c in phone if c.isdigit())
    found = {digits, digits.lstrip("0")}
    e164 = _e164_digits(phone, country)
    if e164:
        national = _national(e164)
        found |= {e164, national, "0" + national}
    return frozenset(d for d in found if len(d) >= 7)


def raw_needles(values: Mapping[str, str]) -> tuple[frozenset[str], frozenset[str], frozenset[str]]:
    """(emails lower-cased, phone digit strings, other identifiers) to search payloads for."""
    fields = {PERSONA_KEYS.get(k, k): v for k, v in values.items() if v and v.strip()}
    emails = frozenset({fields["em"].strip().lower()} if "em" in fields else ())
    phones = phone_digits(fields["ph"], fields.get("country")) if "ph" in fields else frozenset()
    other = frozenset(
        v.strip().lower()
        for k, v in fields.items()
        if k in ("external_id", "ln") and len(v.strip()) >= 6
    )
    return emails, phones, other
