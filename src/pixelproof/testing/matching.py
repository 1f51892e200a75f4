"""What a tracking assertion asks for, read against the events that arrived (pure).

Parameter values compare exactly as the rules compare them (`rulekit.values.same` with PA006's
choices): numbers numerically (`"49.90"` == 49.9), currencies in any case, `content_ids` as a
set. A server event whose batch the sink rejected never satisfies an assertion: Meta would not
have kept it either. Chrome's privacy-sandbox copies of a hit are not events of their own.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field

from pixelproof.meta.event import ObservedEvent, Trigger
from pixelproof.rulekit.values import same, shown

DEDUP_FIELDS = ("pixel", "name", "event ID")


@dataclass(frozen=True)
class Want:
    """One assertion's filter: the name, and optionally the pixel, event ID and params."""

    name: str
    pixel: str | None = None
    event_id: str | None = None
    params: Mapping[str, object] = field(default_factory=dict)
    accepted_only: bool = True  # a rejected server batch does not count (absence checks: it does)

    def differences(self, event: ObservedEvent) -> list[str]:
        """Why `event` is not wanted, one reason per field; empty when it matches."""
        found: list[str] = []
        if event.name != self.name:
            found.append(f"name: expected {self.name!r}, sent {event.name!r}")
        if self.pixel is not None and event.pixel_id != self.pixel:
            found.append(f"pixel: expected {self.pixel!r}, sent {event.pixel_id!r}")
        if self.event_id is not None and event.event_id != self.event_id:
            sent = "not sent" if event.event_id is None else f"sent {event.event_id!r}"
            found.append(f"event_id: expected {self.event_id!r}, {sent}")
        found += [p for p in (_param_problem(k, v, event) for k, v in self.params.items()) if p]
        if self.accepted_only and event.accepted is False:
            found.append("its batch was rejected by the sink")
        return found

    def matches(self, events: Iterable[ObservedEvent]) -> list[ObservedEvent]:
        return [e for e in events if not self.differences(e)]

    def closest(self, events: Sequence[ObservedEvent]) -> tuple[ObservedEvent, list[str]] | None:
        """The near miss worth naming: same name (in any case) or same event ID, fewest diffs."""
        near = [e for e in events if _related(self, e)]
        if not near:
            return None
        best = min(near, key=lambda e: len(self.differences(e)))
        return best, self.differences(best)


def _related(want: Want, event: ObservedEvent) -> bool:
    if (event.name or "").lower() == want.name.lower():
        return True
    return want.event_id is not None and event.event_id == want.event_id


def _param_problem(name: str, expected: object, event: ObservedEvent) -> str | None:
    actual = event.custom_data.get(name)
    if actual in (None, "", [], {}):  # `rulekit.drafts.present` (that module loads every rule)
        return f"{name}: expected {shown(expected)}, not sent"
    ptype = "currency" if name == "currency" else None
    if same(expected, actual, ptype, as_set=name == "content_ids"):
        return None
    return f"{name}: expected {shown(expected)}, sent {shown(actual)}"


def countable(events: Iterable[ObservedEvent]) -> list[ObservedEvent]:
    """Events an assertion counts: not Chrome's privacy-sandbox copies."""
    return [e for e in events if e.trigger != Trigger.PRIVACY_SANDBOX]


def dedup_gaps(browser: ObservedEvent, server: ObservedEvent) -> list[str]:
    """Which of Meta's deduplication keys differ between two copies (empty: they pair)."""
    gaps: list[str] = []
    if browser.pixel_id != server.pixel_id:
        gaps.append(f"pixels differ: browser {browser.pixel_id!r}, server {server.pixel_id!r}")
    if browser.name != server.name:
        gaps.append(f"names differ: browser {browser.name!r}, server {server.name!r}")
    if browser.event_id is None or server.event_id is None:
        side = "browser" if browser.event_id is None else "server"
        gaps.append(f"the {side} copy carries no event ID")
    elif browser.event_id != server.event_id:
        gaps.append(f"event IDs differ: browser {browser.event_id!r}, server {server.event_id!r}")
    if server.accepted is False:
        gaps.append("the server batch was rejected by the sink")
    return gaps


def best_pair(
    browser: Sequence[ObservedEvent], server: Sequence[ObservedEvent]
) -> tuple[ObservedEvent, ObservedEvent, list[str]] | None:
    """The browser/server pair with the fewest differing keys (a clean pair has none)."""
    pairs = [(b, s, dedup_gaps(b, s)) for b in browser for s in server]
    return min(pairs, key=lambda p: len(p[2])) if pairs else None
