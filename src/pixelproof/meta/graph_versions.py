"""Graph API versions and their end of life for CAPI calls (SE011; open question M13).

Rule applied: a version stays usable until two years after its successor shipped (Graph's
versioning policy), and never less than two years after its own release (CAPI's "every version
is supported for at least two years", reference/meta-api.md §5). "Near" is the 90 days before
that. v23.0–v26.0 dates are from meta-api.md §5; older ones from Meta's Graph API changelog.
Judged against the capture clock (`ctx.now`), never the wall clock.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import date, timedelta
from enum import StrEnum

RELEASED: dict[str, date] = {
    "v10.0": date(2021, 2, 23),
    "v11.0": date(2021, 6, 8),
    "v12.0": date(2021, 9, 14),
    "v13.0": date(2022, 2, 8),
    "v14.0": date(2022, 5, 25),
    "v15.0": date(2022, 9, 15),
    "v16.0": date(2023, 2, 2),
    "v17.0": date(2023, 5, 23),
    "v18.0": date(2023, 9, 12),
    "v19.0": date(2024, 1, 23),
    "v20.0": date(2024, 5, 21),
    "v21.0": date(2024, 10, 2),
    "v22.0": date(2025, 1, 21),
    "v23.0": date(2025, 5, 29),
    "v24.0": date(2025, 10, 8),
    "v25.0": date(2026, 2, 18),
    "v26.0": date(2026, 7, 29),
}
NEAR = timedelta(days=90)
_VERSION = re.compile(r"^v?(\d+)(?:\.(\d+))?$")


class Lifecycle(StrEnum):
    CURRENT = "current"
    NEAR_END = "near_end"
    PAST_END = "past_end"
    UNKNOWN = "unknown"


@dataclass(frozen=True, slots=True)
class VersionStatus:
    version: str
    lifecycle: Lifecycle
    end_of_life: date | None = None


def canonical(version: str) -> str | None:
    """`v25`, `25.0`, `v25.0` → `v25.0`; None for anything else."""
    match = _VERSION.match(version.strip().lower())
    if match is None:
        return None
    return f"v{int(match[1])}.{int(match[2] or 0)}"


def _two_years(day: date) -> date:
    try:
        return day.replace(year=day.year + 2)
    except ValueError:  # 29 February
        return day.replace(year=day.year + 2, day=28)


def end_of_life(version: str) -> date | None:
    """The last day a version is guaranteed; None for versions the table does not know."""
    released = RELEASED.get(version)
    if released is None:
        return None
    later = sorted(d for d in RELEASED.values() if d > released)
    floor = _two_years(released)
    return max(floor, _two_years(later[0])) if later else floor


def _major(version: str) -> int:
    return int(version[1:].split(".")[0])


def status(version: str, today: date) -> VersionStatus:
    """Where `version` stands on `today` (the capture date)."""
    name = canonical(version)
    if name is None:
        return VersionStatus(version, Lifecycle.UNKNOWN)
    eol = end_of_life(name)
    if eol is None:
        oldest = min(_major(v) for v in RELEASED)
        if _major(name) < oldest:  # older than every version the table lists: long dead
            return VersionStatus(name, Lifecycle.PAST_END)
        return VersionStatus(name, Lifecycle.UNKNOWN)
    if today > eol:
        return VersionStatus(name, Lifecycle.PAST_END, eol)
    if today > eol - NEAR:
        return VersionStatus(name, Lifecycle.NEAR_END, eol)
    return VersionStatus(name, Lifecycle.CURRENT, eol)
