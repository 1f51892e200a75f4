"""Trigger classes as the counting rules read them (DESIGN §5, §13 "Offline clocks").

`unknown` (a trigger the evidence cannot show) is treated as exempt by every exemption.
"""

from __future__ import annotations

from pixelproof.meta.event import ObservedEvent, Side

ROUTE_CHANGE = frozenset({"history", "hash", "bfcache"})
META_OWN = frozenset({"automatic", "user_properties", "privacy_sandbox"})
EXEMPT = ROUTE_CHANGE | META_OWN | {"unknown"}
COUNTED = frozenset({"explicit", "consent_replay", "noscript"})


def counted(event: ObservedEvent, *, replays: bool = True) -> bool:
    """An action the site itself sent: server events, explicit (and replayed) browser hits."""
    if event.source is Side.SERVER:
        return event.accepted is not False
    if event.trigger is None:
        return True
    return event.trigger in COUNTED and (replays or event.trigger != "consent_replay")


def route_change(event: ObservedEvent) -> bool:
    return event.source is Side.BROWSER and event.trigger in ROUTE_CHANGE
