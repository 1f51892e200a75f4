"""Drafts located on one observed event: the common fields every rule fills the same way."""

from __future__ import annotations

from typing import TYPE_CHECKING

from pixelproof.checks.base import Draft
from pixelproof.meta.event import ObservedEvent
from pixelproof.result import Severity
from pixelproof.rulekit import timeline

if TYPE_CHECKING:
    from pixelproof.checks.base import CheckContext


class Drafter:
    """`Drafter(ctx)(event, message, …)`: a Draft with the event's place and step key."""

    def __init__(self, ctx: CheckContext) -> None:
        self._steps = timeline.step_keys(ctx)

    def step_key(self, journey: str | None, step: int | None) -> str | None:
        if journey is None or step is None:
            return None
        return self._steps.get((journey, step))

    def __call__(
        self,
        event: ObservedEvent,
        message: str,
        *,
        severity: Severity | None = None,
        hint: str | None = None,
        subject: str | None = None,
        cause: str | None = None,
        refs: tuple[str, ...] | None = None,
    ) -> Draft:
        return Draft(
            message=message,
            severity=severity,
            event=event.name,
            event_key=event.event_key,
            journey=event.journey,
            step=event.step,
            step_key=self.step_key(event.journey, event.step),
            source=str(event.source),
            pixel_id=event.pixel_id,
            refs=(event.ref,) if refs is None else refs,
            hint=hint,
            subject=subject,
            cause=cause,
        )


def label(event: ObservedEvent) -> str:
    """`server Purchase (s3)` — how messages name an event."""
    return f"{event.source} {event.name or '(unnamed)'} ({event.ref})"


_NOT_THE_SITES = frozenset({"automatic", "user_properties", "privacy_sandbox"})


def site_event(event: ObservedEvent) -> bool:
    """An event the site itself sent: not Meta's automatic ones, not Chrome's sandbox copy."""
    return event.trigger not in _NOT_THE_SITES


def present(value: object) -> bool:
    """Sent with content: not absent, null or empty (Meta's `_removed_` marker counts: EV008)."""
    return value not in (None, "", [], {})


def texts(value: object) -> list[str]:
    """A `user_data` value as its strings: one string, or each string of a list."""
    if isinstance(value, str):
        return [value] if value else []
    if isinstance(value, list | tuple):
        return [v for v in value if isinstance(v, str) and v]
    return []
