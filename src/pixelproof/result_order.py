"""The documented array orders of the result (DESIGN §9, §13): nulls last, ties by ref."""

from __future__ import annotations

import re
from collections.abc import Callable
from dataclasses import replace

from pixelproof.result import AuditResult, EventRecord, Finding, Pair

_LAST = (1, "")
_REF = re.compile(r"([A-Za-z_]*)([0-9]+)")


def _nullable(value: str | int | float | None) -> tuple[int, str | int | float]:
    """Sort key that places None after every value."""
    return _LAST if value is None else (0, value)


def _ref_key(ref: str | None) -> tuple[int, int, str, int]:
    """`b12` < `b100`, `batch9` < `batch10`; shard prefixes (`2:b17`) sort by shard first."""
    if ref is None:
        return (1, 0, "", 0)
    shard, _, local = ref.rpartition(":")
    match = _REF.fullmatch(local)
    if match is None:
        return (0, int(shard) if shard.isdigit() else 0, local, 0)
    return (0, int(shard) if shard.isdigit() else 0, match.group(1), int(match.group(2)))


def _journey_rank(result: AuditResult) -> dict[str, int]:
    return {j.name: i for i, j in enumerate(result.journeys)}


def _journey_pos(ranks: dict[str, int], journey: str | None) -> tuple[int, int | str]:
    """Journeys in run order; unknown names after them by name; no journey last."""
    if journey is None:
        return (2, "")
    return (0, ranks[journey]) if journey in ranks else (1, journey)


def event_sort_key(ranks: dict[str, int]) -> Callable[[EventRecord], tuple[object, ...]]:
    def key(e: EventRecord) -> tuple[object, ...]:
        return (
            _journey_pos(ranks, e.journey),
            _nullable(e.step),
            e.source,
            _nullable(e.time),
            _ref_key(e.ref),
        )

    return key


def finding_sort_key(f: Finding) -> tuple[object, ...]:
    return (
        f.severity.rank,
        f.code,
        _nullable(f.journey),
        _nullable(f.step),
        _nullable(f.event),
        f.fingerprint,
    )


def pair_sort_key(ranks: dict[str, int]) -> Callable[[Pair], tuple[object, ...]]:
    def key(p: Pair) -> tuple[object, ...]:
        return (
            _journey_pos(ranks, p.journey),
            _nullable(p.step),
            _nullable(p.pixel_id),
            _nullable(p.name),
            _ref_key(p.browser),
            _ref_key(p.server),
        )

    return key


def sort_result(result: AuditResult) -> AuditResult:
    ranks = _journey_rank(result)
    return replace(
        result,
        events=tuple(sorted(result.events, key=event_sort_key(ranks))),
        pairs=tuple(sorted(result.pairs, key=pair_sort_key(ranks))),
        findings=tuple(sorted(result.findings, key=finding_sort_key)),
        checks=tuple(sorted(result.checks, key=lambda c: c.code)),
        batches=tuple(sorted(result.batches, key=lambda b: _ref_key(b.ref))),
        sources=tuple(sorted(result.sources, key=lambda s: s.name)),
    )
