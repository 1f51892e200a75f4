"""The explicit rule registry. A test proves every module under `checks/` is listed here."""

from __future__ import annotations

from pixelproof.checks import placeholder_event_id
from pixelproof.checks.base import Check

REGISTRY: tuple[Check, ...] = tuple(
    sorted(
        (placeholder_event_id.CHECK,),
        key=lambda c: c.code,
    )
)


def by_code(code: str) -> Check | None:
    """The registered check with this code (case-insensitive), or None."""
    wanted = code.strip().upper()
    return next((c for c in REGISTRY if c.code == wanted), None)
