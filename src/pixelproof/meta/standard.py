"""Meta's standard events and parameters, `user_data` key classes, `_fbp`/`_fbc` and client UAs.

Facts from reference/meta-api.md §1.9 (cookie format), §1.10 (standard events, the Pixel's own
Purchase rule and currency list), §2.2–2.4 (server fields, `user_data`, `custom_data`). Hashing
and normalisation live in `meta/hashing.py`, ISO codes in the generated `meta/iso.py`.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from enum import StrEnum

from pixelproof.meta import iso

STANDARD_EVENTS: frozenset[str] = frozenset(
    [
        "AddPaymentInfo",
        "AddToCart",
        "AddToWishlist",
        "CompleteRegistration",
        "Contact",
        "CustomizeProduct",
        "Donate",
        "FindLocation",
        "InitiateCheckout",
        "Lead",
        "PageView",
        "Purchase",
        "Schedule",
        "Search",
        "StartTrial",
        "SubmitApplication",
        "Subscribe",
        "ViewContent",
    ]
)
# Meta's customer-information parameters (CAPI `user_data`).
USER_DATA_KEYS: tuple[str, ...] = (
    "em",
    "ph",
    "fn",
    "ln",
    "db",
    "ge",
    "ct",
    "st",
    "zp",
    "country",
    "external_id",
    "client_ip_address",
    "client_user_agent",
    "fbc",
    "fbp",
    "subscription_id",
    "fb_login_id",
    "lead_id",
    "anon_id",
    "madid",
    "page_id",
    "page_scoped_user_id",
    "ctwa_clid",
    "ig_account_id",
    "ig_sid",
)
# The only script-enforced requirement: Purchase needs value and currency (§1.10).
REQUIRED_BY_META: dict[str, tuple[str, ...]] = {"Purchase": ("value", "currency")}
# fbevents.js 2.9.252's own currency list; a valid ISO code outside it is only a console error.
PIXEL_CURRENCIES: frozenset[str] = frozenset(
    [
        "AED",
        "ARS",
        "AUD",
        "BOB",
        "BRL",
        "CAD",
        "CHF",
        "CLP",
        "CNY",
        "COP",
        "CRC",
        "CZK",
        "DKK",
        "EUR",
        "GBP",
        "GTQ",
        "HKD",
        "HNL",
        "HUF",
        "IDR",
        "ILS",
        "INR",
        "ISK",
        "JPY",
        "KRW",
        "MOP",
        "MXN",
        "MYR",
        "NIO",
        "NOK",
        "NZD",
        "PEN",
        "PHP",
        "PLN",
        "PYG",
        "QAR",
        "RON",
        "RUB",
        "SAR",
        "SEK",
        "SGD",
        "THB",
        "TRY",
        "TWD",
        "USD",
        "UYU",
        "VEF",
        "VND",
        "ZAR",
    ]
)
CONTENT_TYPES = frozenset({"product", "product_group"})
_NUMERIC = re.compile(r"^\s*[+-]?\d+(\.\d+)?\s*$")  # the Pixel's own `value` rule


class KeyClass(StrEnum):
    """How a `user_data` key must travel (§2.3)."""

    HASH_REQUIRED = "hash_required"  # em ph fn ln db: raw is an error
    HASH_EXPECTED = "hash_expected"  # ct st zp country ge: raw is a warning
    HASH_RECOMMENDED = "hash_recommended"  # external_id: the official SDK sends it raw
    RAW = "raw"  # never hashed


HASHED_KEYS: dict[str, KeyClass] = {
    **dict.fromkeys(("em", "ph", "fn", "ln", "db"), KeyClass.HASH_REQUIRED),
    **dict.fromkeys(("ct", "st", "zp", "country", "ge"), KeyClass.HASH_EXPECTED),
    "external_id": KeyClass.HASH_RECOMMENDED,
}
# Identifiers Meta needs raw; a hash of them matches nothing (PR007).
RAW_IDENTIFIERS = ("client_ip_address", "client_user_agent", "fbp", "fbc")
# Persona fields (event map) → `user_data` keys.
PERSONA_KEYS: dict[str, str] = {
    "email": "em",
    "phone": "ph",
    "first_name": "fn",
    "last_name": "ln",
    "date_of_birth": "db",
    "gender": "ge",
    "city": "ct",
    "state": "st",
    "zip": "zp",
    "country": "country",
    "external_id": "external_id",
}

# Clients that are not a visitor's browser (open question M16): HTTP libraries, SDKs, webhooks.
SERVER_AGENTS = re.compile(
    r"python-requests|python-urllib|python/|aiohttp|httpx|urllib3|okhttp|go-http-client|"
    r"^curl/|wget/|axios/|node-fetch|undici|^node$|got \(|java/|apache-httpclient|jersey/|"
    r"libwww-perl|guzzlehttp|^php/|wordpress/|woocommerce|^ruby|faraday|rest-client|"
    r"restsharp|postmanruntime|insomnia|fbbizsdk|facebook-(?:php|python|nodejs|java|ruby)|"
    r"shopify|stripe/|zapier|make\.com|integromat|hubspot|klaviyo|segment|rudderstack|"
    r"dart/|reqwest|hyper/|deno/|bun/|^\S+/[\d.]+$",
    re.IGNORECASE,
)


def is_server_agent(user_agent: str) -> bool:
    """True for an HTTP library, SDK or webhook sender rather than a browser."""
    text = user_agent.strip()
    if not text:
        return False
    return bool(SERVER_AGENTS.search(text)) and "mozilla/" not in text.lower()


def is_numeric(value: object) -> bool:
    """A number, or a string the Pixel accepts as one (`^[+-]?\\d+(\\.\\d+)?$`)."""
    if isinstance(value, bool):
        return False
    if isinstance(value, int | float):
        return value == value and value not in (float("inf"), float("-inf"))
    return isinstance(value, str) and bool(_NUMERIC.match(value))


def number_of(value: object) -> float | None:
    """The numeric value of a number or numeric string; None otherwise."""
    if not is_numeric(value):
        return None
    return float(value) if isinstance(value, int | float | str) else None


def is_currency(value: object) -> bool:
    """An ISO 4217 code in any case (§13: lowercase currency is correct)."""
    return isinstance(value, str) and value.strip().upper() in iso.CURRENCIES


def pixel_accepts_currency(value: str) -> bool:
    return value.strip().upper() in PIXEL_CURRENCIES


@dataclass(frozen=True, slots=True)
class CookieId:
    """A parsed `_fbp`/`_fbc` value: `fb.<index>.<creation ms>.<payload>[.<appendix>]`."""

    index: int
    created_ms: int
    payload: str
    appendix: str | None


_COOKIE = re.compile(
    r"^fb\.(?P<index>\d)\.(?P<ts>\d+)\.(?P<payload>[^.\s]+)(?:\.(?P<appendix>[A-Za-z0-9_-]+))?$"
)


def parse_cookie_id(value: str) -> tuple[CookieId | None, str | None]:
    """(parsed value, None) or (None or a partial parse, the problem) — SE005's format test.

    The creation time must have 13 digits (milliseconds); 10 digits are seconds, a common bug
    of server-minted values. The appendix is Meta's Parameter Builder token (§1.9).
    """
    match = _COOKIE.match(value.strip())
    if match is None:
        return None, "not fb.<0-9>.<13-digit ms>.<payload>[.<appendix>]"
    ts = match["ts"]
    parsed = CookieId(int(match["index"]), int(ts), match["payload"], match["appendix"])
    if len(ts) == 10:
        return parsed, "its creation time is in seconds, not milliseconds"
    if len(ts) != 13:
        return parsed, f"its creation time has {len(ts)} digits, not 13 (milliseconds)"
    return parsed, None
