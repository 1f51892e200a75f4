"""Hashing and normalisation of customer information, each side by its own rules.

Meta's server rules (reference/meta-api.md §2.3, with the official Python SDK's variants) and the
Pixel's own rules for `ud[…]` (§1.6) differ — the Pixel adds no country code to phones and keeps
inner spaces in postcodes — so one person can hash differently on the two channels. `*_forms`
return every normalised text a side may correctly produce (Meta's documented form and the SDK's),
so a rule only flags what no correct implementation would send.
"""

from __future__ import annotations

import hashlib
import re
import unicodedata
from collections.abc import Callable

from pixelproof.meta import iso

_HEX64 = re.compile(r"^[0-9a-f]{64}$")
_HEX64_ANY_CASE = re.compile(r"^[0-9A-Fa-f]{64}$")
_HEX32_ANY_CASE = re.compile(r"^[0-9A-Fa-f]{32}$")
_SDK_CITY = re.compile(r"[0-9.\s\-()]")  # facebook_business normalize.py: ct and st
_SDK_PHONE = re.compile(r"[\s\-()+]")
_STATE_CODES = frozenset(iso.US_STATES.values()) | frozenset(iso.CA_PROVINCES.values())
_DATE_LAYOUTS = (
    re.compile(r"^(?P<y>\d{4})(?P<m>\d{2})(?P<d>\d{2})$"),
    re.compile(r"^(?P<y>\d{4})[-/.](?P<m>\d{1,2})[-/.](?P<d>\d{1,2})$"),
    re.compile(r"^(?P<m>\d{1,2})[-/.](?P<d>\d{1,2})[-/.](?P<y>\d{4})$"),
)


def sha256_hex(text: str) -> str:
    """Lower-case hex SHA-256 of the UTF-8 text: what Meta expects for hashed keys."""
    return hashlib.sha256(text.encode("utf-8")).hexdigest()


def is_sha256(value: str) -> bool:
    """64 lower-case hex digits (Meta's form)."""
    return bool(_HEX64.match(value))


def looks_sha256(value: str) -> bool:
    """64 hex digits in any case."""
    return bool(_HEX64_ANY_CASE.match(value))


def looks_md5(value: str) -> bool:
    return bool(_HEX32_ANY_CASE.match(value))


def looks_hashed(value: str) -> bool:
    """A SHA-256 or MD5 hex digest in any case."""
    return looks_sha256(value) or looks_md5(value)


def _strip_punctuation(text: str) -> str:
    return "".join(c for c in text if not unicodedata.category(c).startswith(("P", "S")))


def _letters_digits(text: str) -> str:
    return "".join(c for c in text if c.isalnum())


def _digits(text: str) -> str:
    return "".join(c for c in text if c.isdigit())


def normalize_date(text: str) -> str | None:
    """`YYYYMMDD` from the common layouts (Y-M-D, M/D/Y, YYYYMMDD); None when none fits."""
    value = text.strip()
    for layout in _DATE_LAYOUTS:
        match = layout.match(value)
        if match:
            year, month, day = int(match["y"]), int(match["m"]), int(match["d"])
            if 1 <= month <= 12 and 1 <= day <= 31:
                return f"{year:04d}{month:02d}{day:02d}"
    return None


def normalize_gender(text: str) -> str | None:
    value = text.strip().lower()
    return value[0] if value in ("f", "m", "female", "male") else None


def normalize_country(text: str) -> str:
    """ISO 3166-1 alpha-2, lower-case; names are looked up, anything else cut to 2 letters."""
    value = text.strip().lower()
    if value.upper() in iso.COUNTRIES:
        return value
    return iso.COUNTRY_NAMES.get(value, value[:2])


def _state_code(text: str) -> str | None:
    value = " ".join(text.strip().lower().split())
    if value in _STATE_CODES:
        return value
    return iso.US_STATES.get(value) or iso.CA_PROVINCES.get(value)


def _phone_server(text: str) -> str:
    return _digits(text).lstrip("0")


def _server_forms(key: str, text: str) -> set[str]:
    low = text.strip().lower()
    forms: dict[str, Callable[[], set[str]]] = {
        "em": lambda: {low},
        "ph": lambda: {_phone_server(text), _SDK_PHONE.sub("", low).lstrip("0")},
        "fn": lambda: {_strip_punctuation(low), _strip_punctuation(low).replace(" ", ""), low},
        "ln": lambda: {_strip_punctuation(low), _strip_punctuation(low).replace(" ", ""), low},
        "ct": lambda: {_letters_digits(low), _SDK_CITY.sub("", low)},
        "st": lambda: {_state_code(low) or _letters_digits(low), _SDK_CITY.sub("", low)},
        "zp": lambda: {
            low.replace(" ", "").split("-")[0],
            re.sub(r"\s", "", low).split("-")[0],
            low.replace(" ", "").replace("-", ""),
        },
        "country": lambda: {normalize_country(low)},
        "db": lambda: {normalize_date(low) or low},
        "ge": lambda: {normalize_gender(low) or low},
    }
    made = forms.get(key, lambda: {low, text})()
    return {f for f in made if f}


def _pixel_form(key: str, text: str) -> str:
    low = text.strip().lower()
    rules: dict[str, Callable[[], str]] = {
        "em": lambda: low,
        "ph": lambda: _digits(low).lstrip("0"),
        "fn": lambda: _strip_punctuation(low).replace(" ", ""),
        "ln": lambda: _strip_punctuation(low).replace(" ", ""),
        "ct": lambda: re.sub(r"[^a-z0-9]", "", low),
        "st": lambda: _state_code(low) or re.sub(r"[^a-z]", "", low)[:2],
        "zp": lambda: low.split("-")[0].strip(),
        "country": lambda: normalize_country(low)[:2],
        "db": lambda: normalize_date(low) or low,
        "ge": lambda: normalize_gender(low) or low,
    }
    return rules.get(key, lambda: low)()


def server_forms(key: str, text: str) -> frozenset[str]:
    """Every normalised text Meta's server rules (doc or official SDK) make of a raw value."""
    return frozenset(_server_forms(key, text))


def normalize_server(key: str, text: str) -> str:
    """Meta's documented server normalisation of one raw value (§2.3)."""
    low = text.strip().lower()
    rules: dict[str, Callable[[], str]] = {
        "ph": lambda: _phone_server(text),
        "fn": lambda: _strip_punctuation(low).replace(" ", ""),
        "ln": lambda: _strip_punctuation(low).replace(" ", ""),
        "ct": lambda: _letters_digits(low),
        "st": lambda: _state_code(low) or _letters_digits(low),
        "zp": lambda: low.replace(" ", "").split("-")[0],
        "country": lambda: normalize_country(low),
        "db": lambda: normalize_date(low) or low,
        "ge": lambda: normalize_gender(low) or low,
    }
    return rules.get(key, lambda: low)()


def normalize_pixel(key: str, text: str) -> str:
    """The Pixel's own normalisation of one raw `ud[…]` value (§1.6)."""
    return _pixel_form(key, text)


def hash_server(key: str, text: str) -> str:
    """What a correct server integration sends: already-hashed values pass through lower-cased."""
    if looks_sha256(text.strip()):
        return text.strip().lower()
    return sha256_hex(normalize_server(key, text))


def hash_pixel(key: str, text: str) -> str:
    """What the Pixel sends as `ud[key]` for a raw value given to `init`."""
    if looks_hashed(text.strip()):
        return text.strip().lower()
    return sha256_hex(normalize_pixel(key, text))
