"""Capture times as the offline sources write them → epoch seconds (total)."""

from __future__ import annotations

from datetime import UTC, datetime

_MS_EPOCH = 100_000_000_000


def epoch_of(value: object) -> tuple[float | None, str | None]:
    """ISO 8601 text (naive = UTC) or an epoch number (s or ms) → seconds, or a reason."""
    if value is None:
        return None, None
    if isinstance(value, bool):
        return None, f"time is a boolean: {value}"
    if isinstance(value, int | float):
        number = float(value)
        return (number / 1000 if number > _MS_EPOCH else number), None
    if not isinstance(value, str):
        return None, f"time is a {type(value).__name__}, expected ISO 8601 text"
    try:
        moment = datetime.fromisoformat(value.strip())
    except ValueError:
        return None, f"time {value[:40]!r} is not ISO 8601"
    if moment.tzinfo is None:
        moment = moment.replace(tzinfo=UTC)
    try:
        return moment.timestamp(), None
    except (OverflowError, OSError, ValueError):
        return None, f"time {value[:40]!r} is out of range"
