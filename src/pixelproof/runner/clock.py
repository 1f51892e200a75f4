"""One monotonic clock for hits, batches and steps, anchored once to wall time (DESIGN §1)."""

from __future__ import annotations

import time
from dataclasses import dataclass, field


@dataclass(frozen=True, slots=True)
class RunClock:
    """Epoch seconds that never jump: the wall time at the anchor plus monotonic progress."""

    wall: float = field(default_factory=time.time)
    mono: float = field(default_factory=time.monotonic)

    def now(self) -> float:
        return self.wall + (time.monotonic() - self.mono)

    def since_start(self) -> float:
        return time.monotonic() - self.mono
