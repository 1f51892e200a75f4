"""Merge shard results (`--shard I/N` runs) into one (DESIGN §3, §9, §11).

Refs get the shard's 1-based position as prefix (`2:b17`) so they never collide; sources and
checks are combined by name/code keeping the worst status; incompatible inputs (another map or
environment) are a usage error.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import replace

from pixelproof.errors import UsageError
from pixelproof.result import AuditResult, CheckResult, CheckStatus, SourceStatus, finalise

_CHECK_RANK = {
    CheckStatus.ERROR: 0,
    CheckStatus.FAIL: 1,
    CheckStatus.WARN: 2,
    CheckStatus.PASS: 3,
    CheckStatus.NOT_APPLICABLE: 4,
}
_SOURCE_RANK = {"error": 0, "ok": 1, "skipped": 2}


def _prefix(shard: int, ref: str | None) -> str | None:
    if ref is None:
        return None
    return f"{shard}:{ref.rpartition(':')[2]}"


def _reref(shard: int, result: AuditResult) -> AuditResult:
    return replace(
        result,
        events=tuple(replace(e, ref=_prefix(shard, e.ref) or e.ref) for e in result.events),
        pairs=tuple(
            replace(p, browser=_prefix(shard, p.browser), server=_prefix(shard, p.server))
            for p in result.pairs
        ),
        findings=tuple(
            replace(f, refs=tuple(_prefix(shard, r) or r for r in f.refs)) for f in result.findings
        ),
        batches=tuple(
            replace(
                b,
                ref=_prefix(shard, b.ref) or b.ref,
                events=tuple(_prefix(shard, r) or r for r in b.events),
            )
            for b in result.batches
        ),
    )


def _sources(results: Sequence[AuditResult]) -> tuple[SourceStatus, ...]:
    merged: dict[str, SourceStatus] = {}
    for s in (s for r in results for s in r.sources):
        old = merged.get(s.name)
        if old is None:
            merged[s.name] = s
            continue
        worst = min(old, s, key=lambda x: _SOURCE_RANK.get(x.status, 0))
        merged[s.name] = replace(worst, items=old.items + s.items)
    return tuple(merged.values())


def _checks(results: Sequence[AuditResult]) -> tuple[CheckResult, ...]:
    merged: dict[str, CheckResult] = {}
    for c in (c for r in results for c in r.checks):
        old = merged.get(c.code)
        if old is None or _CHECK_RANK[c.status] < _CHECK_RANK[old.status]:
            merged[c.code] = c
    return tuple(merged.values())


def _check_compatible(results: Sequence[AuditResult]) -> None:
    first = results[0]
    for r in results[1:]:
        if (r.map.name, r.map.environment, r.map.environment_name) != (
            first.map.name,
            first.map.environment,
            first.map.environment_name,
        ):
            raise UsageError(
                "incompatible results: they audit different maps or environments",
                hint="merge only the shards of one run (same map, same --env)",
            )


def merge_results(results: Sequence[AuditResult]) -> AuditResult:
    if not results:
        raise UsageError("merge needs at least one result")
    _check_compatible(results)
    shards = [_reref(i, r) for i, r in enumerate(results, start=1)]
    first = shards[0]
    return finalise(
        replace(
            first,
            options=replace(first.options, shard=None),
            started_at=min(r.started_at for r in shards),
            duration_s=max(r.duration_s for r in shards),
            sources=_sources(shards),
            journeys=tuple(j for r in shards for j in r.journeys),
            events=tuple(e for r in shards for e in r.events),
            pairs=tuple(p for r in shards for p in r.pairs),
            checks=_checks(shards),
            findings=tuple(f for r in shards for f in r.findings),
            batches=tuple(b for r in shards for b in r.batches),
            incomplete_reasons=tuple(
                dict.fromkeys(x for r in shards for x in r.incomplete_reasons)
            ),
            interrupted=any(r.interrupted for r in shards),
        )
    )
