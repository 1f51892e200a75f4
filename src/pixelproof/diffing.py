"""Compare two results: new / fixed / unchanged findings, events that stopped firing, pairs
that got worse (DESIGN §3 `diff`). Pure: two AuditResults in, one ResultDiff out.
"""

from __future__ import annotations

from dataclasses import dataclass

from pixelproof.result import AuditResult, Finding, Pair, Severity

# Lower is better; a pair moving to a higher rank got worse.
PAIR_RANK = {
    "deduplicated": 0,
    "fallback-dedup": 1,
    "id-missing": 2,
    "id-mismatch": 3,
    "name-mismatch": 3,
    "dataset-mismatch": 3,
    "browser-only": 4,
    "server-only": 4,
}

EventKey = tuple[str | None, str | None, str, str | None]  # journey, name, source, pixel
PairKey = tuple[str | None, int | None, str | None, str | None]  # journey, step, pixel, name


@dataclass(frozen=True, slots=True)
class PairChange:
    key: PairKey
    old: str
    new: str


@dataclass(frozen=True, slots=True)
class ResultDiff:
    new: tuple[Finding, ...]
    fixed: tuple[Finding, ...]
    unchanged: tuple[Finding, ...]
    stopped: tuple[EventKey, ...]
    worse: tuple[PairChange, ...]
    better: tuple[PairChange, ...]

    @property
    def regressed(self) -> bool:
        serious = (Severity.ERROR, Severity.WARNING)
        return bool(any(f.severity in serious for f in self.new) or self.stopped or self.worse)


def _counted(result: AuditResult) -> dict[str, Finding]:
    return {f.fingerprint: f for f in result.findings if f.counted}


def _fired(result: AuditResult) -> set[EventKey]:
    return {(e.journey, e.name, e.source, e.pixel_id) for e in result.events if e.name}


def _pairs(result: AuditResult) -> dict[PairKey, Pair]:
    return {(p.journey, p.step, p.pixel_id, p.name or p.browser_name): p for p in result.pairs}


def diff_results(old: AuditResult, new: AuditResult) -> ResultDiff:
    before, after = _counted(old), _counted(new)
    old_pairs, new_pairs = _pairs(old), _pairs(new)
    worse, better = [], []
    for key in sorted(old_pairs.keys() & new_pairs.keys(), key=repr):
        a, b = old_pairs[key].status, new_pairs[key].status
        rank_a, rank_b = PAIR_RANK.get(a, 5), PAIR_RANK.get(b, 5)
        if rank_b > rank_a:
            worse.append(PairChange(key, a, b))
        elif rank_b < rank_a:
            better.append(PairChange(key, a, b))
    return ResultDiff(
        new=tuple(after[k] for k in sorted(after.keys() - before.keys())),
        fixed=tuple(before[k] for k in sorted(before.keys() - after.keys())),
        unchanged=tuple(after[k] for k in sorted(after.keys() & before.keys())),
        stopped=tuple(sorted(_fired(old) - _fired(new), key=repr)),
        worse=tuple(worse),
        better=tuple(better),
    )
