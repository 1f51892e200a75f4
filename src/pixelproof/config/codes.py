"""Closed lists the map is validated against: rule codes (DESIGN §8), Meta's standard names."""

from __future__ import annotations

import re

from pixelproof.meta.standard import STANDARD_EVENTS, USER_DATA_KEYS

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


# Conversions whose journeys may only hit a production kind when they list it (DESIGN §4).
CONVERSIONS = frozenset({"Purchase", "Lead", "CompleteRegistration", "Subscribe", "StartTrial"})

__all__ = [
    "CODES_ABOUT_UNMAPPED",
    "CONVERSIONS",
    "KNOWN_CODES",
    "RULE_CODE",
    "STANDARD_EVENTS",
    "USER_DATA_KEYS",
]
