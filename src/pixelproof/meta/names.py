"""Canonical event names: when two names probably mean one action (DESIGN §5 pass 4).

Meta compares names case-sensitively; pixelproof's heuristics do not. Two names are *near*
when their canonical forms agree (case and separators ignored, aliases and GA4 names mapped
to Meta's), or when both canonical forms have 6+ characters and are at most 2 edits apart —
but never when they name two different standard events (AddToCart vs AddToWishlist).
"""

from __future__ import annotations

import re
from functools import lru_cache

from pixelproof.meta.standard import STANDARD_EVENTS

_SEPARATORS = re.compile(r"[\s_\-.:/]+")
MAX_EDITS = 2
MIN_FUZZY = 6

# Compact lower-case alias → Meta standard name (GA4 recommended events, common spellings).
ALIASES: dict[str, str] = {
    "purchase": "Purchase",
    "order": "Purchase",
    "ordercompleted": "Purchase",
    "checkoutcompleted": "Purchase",
    "addtocart": "AddToCart",
    "addtobasket": "AddToCart",
    "begincheckout": "InitiateCheckout",
    "checkoutstarted": "InitiateCheckout",
    "initiatecheckout": "InitiateCheckout",
    "generatelead": "Lead",
    "lead": "Lead",
    "viewitem": "ViewContent",
    "productviewed": "ViewContent",
    "signup": "CompleteRegistration",
    "register": "CompleteRegistration",
    "registration": "CompleteRegistration",
    "addpaymentinfo": "AddPaymentInfo",
    "addtowishlist": "AddToWishlist",
    "pageview": "PageView",
    "pageviewed": "PageView",
    "search": "Search",
    "viewsearchresults": "Search",
    "subscribe": "Subscribe",
    "starttrial": "StartTrial",
    "contact": "Contact",
}
_STANDARD_BY_COMPACT = {s.lower(): s for s in STANDARD_EVENTS}


def compact(name: str) -> str:
    """Lower case with separators removed: `Add_To-Cart` → `addtocart`."""
    return _SEPARATORS.sub("", name).lower()


@lru_cache(maxsize=4096)
def canonical(name: str) -> str:
    """The name's canonical form: its standard event when an alias says so, else compacted."""
    short = compact(name)
    standard = ALIASES.get(short) or _STANDARD_BY_COMPACT.get(short)
    return standard.lower() if standard else short


@lru_cache(maxsize=4096)
def standard_of(name: str) -> str | None:
    """The standard event a name stands for (exactly, by case/separators, or by alias)."""
    short = compact(name)
    return ALIASES.get(short) or _STANDARD_BY_COMPACT.get(short)


def is_standard(name: str | None) -> bool:
    """True for Meta's standard names, spelled exactly (Meta is case-sensitive)."""
    return name in _STANDARD_SET


_STANDARD_SET = frozenset(STANDARD_EVENTS)


def two_standards(a: str, b: str) -> bool:
    """True when `a` and `b` are (or stand for) two different standard events."""
    sa, sb = standard_of(a), standard_of(b)
    return sa is not None and sb is not None and sa != sb


def within_edits(a: str, b: str, limit: int = MAX_EDITS) -> bool:
    """Levenshtein distance of `a` and `b` is at most `limit` (banded, early exit)."""
    if abs(len(a) - len(b)) > limit:
        return False
    previous = list(range(len(b) + 1))
    for i, ca in enumerate(a, 1):
        current = [i] + [0] * len(b)
        for j, cb in enumerate(b, 1):
            cost = 0 if ca == cb else 1
            current[j] = min(previous[j] + 1, current[j - 1] + 1, previous[j - 1] + cost)
        if min(current) > limit:
            return False
        previous = current
    return previous[-1] <= limit


@lru_cache(maxsize=16384)
def near(a: str, b: str) -> bool:
    """One action under two spellings? Never true for two different standard events."""
    if two_standards(a, b):
        return False
    ca, cb = canonical(a), canonical(b)
    if ca == cb:
        return True
    return min(len(ca), len(cb)) >= MIN_FUZZY and within_edits(ca, cb)
