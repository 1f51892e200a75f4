"""Closed lists the map is validated against: rule codes (DESIGN §8), Meta's standard names."""

from __future__ import annotations

import re

RULE_CODE = re.compile(r"^(EV|DD|PA|SE|PR|OP|RC)\d{3}$")


def _series(prefix: str, last: int) -> tuple[str, ...]:
    return tuple(f"{prefix}{n:03d}" for n in range(1, last + 1))


# DESIGN §8, including the reserved RC codes; codes never change meaning.
KNOWN_CODES: frozenset[str] = frozenset(
    _series("EV", 10)
    + _series("DD", 10)
    + _series("PA", 6)
    + _series("SE", 11)
    + _series("PR", 7)
    + _series("OP", 8)
    + _series("RC", 3)
)

# Rules about events the map has no key for: an ignore's `event` names the Meta name there.
CODES_ABOUT_UNMAPPED = frozenset({"EV002", "EV004", "OP006", "OP007"})

STANDARD_EVENTS: tuple[str, ...] = (
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

# Conversions whose journeys may only hit a production kind when they list it (DESIGN §4).
CONVERSIONS = frozenset({"Purchase", "Lead", "CompleteRegistration", "Subscribe", "StartTrial"})
