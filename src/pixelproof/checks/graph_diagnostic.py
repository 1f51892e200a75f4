"""Meta's own diagnostics for the dataset fall below the map's `graph.thresholds`.

Warnings from the run's Graph reads: Event Match Quality (`dataset_quality` composite score)
below `thresholds.emq` for the event (or `default`); event coverage or browser/server dedup-key
coverage below `event_coverage`/`dedupe_key_coverage` (fractions; Graph's percentages are divided
by 100); the pixel node reporting `is_unavailable`; a failed `da_checks` entry. Aggregate and
delayed: these describe the dataset, not this run. Needs a Graph snapshot.

**Why:** the per-action checks prove the wiring; Meta's aggregates show what reaches the ad
system across all real traffic — a low match quality or dedup coverage costs attributed
conversions even when every test journey passes.

**Fix:** follow the diagnostic's own advice (Meta includes a solution text), usually: more match
keys (hashed email, phone, `fbp`, `fbc`, IP, user agent) and event IDs on both channels.

**Example:** `thresholds: {emq: {web_purchase: 6.0}}` and `dataset_quality` answering a Purchase
`composite_score` of 4.2: OP004 (warning).
"""

from __future__ import annotations

from collections.abc import Iterator, Mapping

from pixelproof.checks.base import Check, CheckContext, Draft, Need
from pixelproof.config.model import Thresholds
from pixelproof.evidence.model import GraphRecord
from pixelproof.result import Severity
from pixelproof.rulekit import mapview, timeline


def _number(value: object) -> float | None:
    if isinstance(value, bool) or not isinstance(value, int | float):
        return None
    return float(value)


def _pct(block: object) -> float | None:
    value = _number(block.get("percentage")) if isinstance(block, Mapping) else None
    return None if value is None else value / 100


def _emq_floor(ctx: CheckContext, thresholds: Thresholds, name: str) -> float | None:
    emap = mapview.event_map(ctx)
    for key, floor in thresholds.emq.items():
        if emap is not None and key in emap.events and emap.events[key].name == name:
            return floor
    return thresholds.emq.get("default")


def _quality(
    ctx: CheckContext, thresholds: Thresholds, entry: Mapping[str, object]
) -> Iterator[str]:
    name = str(entry.get("event_name") or "?")
    emq = entry.get("event_match_quality")
    score = _number(emq.get("composite_score")) if isinstance(emq, Mapping) else None
    floor = _emq_floor(ctx, thresholds, name)
    if score is not None and floor is not None and score < floor:
        yield f"{name}: Event Match Quality {score:.1f} is below {floor:.1f}"
    coverage = _pct(entry.get("event_coverage"))
    if coverage is not None and thresholds.event_coverage and coverage < thresholds.event_coverage:
        yield f"{name}: event coverage {coverage:.0%} is below {thresholds.event_coverage:.0%}"
    feedback = entry.get("dedupe_key_feedback")
    for item in feedback if isinstance(feedback, list) else []:
        for side in ("browser", "server"):
            share = (
                _pct(item.get(f"{side}_events_with_dedupe_key"))
                if isinstance(item, Mapping)
                else None
            )
            floor_share = thresholds.dedupe_key_coverage
            if share is not None and floor_share is not None and share < floor_share:
                below = f"(below {floor_share:.0%})"
                yield f"{name}: {share:.0%} of {side} events carry a dedup key {below}"


def problems(ctx: CheckContext, record: GraphRecord, thresholds: Thresholds) -> Iterator[str]:
    body = record.body if isinstance(record.body, Mapping) else {}
    if record.path.rstrip("/").endswith("dataset_quality"):
        web = body.get("web")
        for entry in web if isinstance(web, list) else []:
            if isinstance(entry, Mapping):
                yield from _quality(ctx, thresholds, entry)
    elif body.get("is_unavailable") is True:
        yield "Meta reports the pixel as unavailable"
    elif record.path.rstrip("/").endswith("da_checks"):
        data = body.get("data")
        for check in data if isinstance(data, list) else []:
            if isinstance(check, Mapping) and check.get("result") == "failed":
                yield f"Meta's check {check.get('key')!r} failed: {check.get('title', '')}"


def _pixel(record: GraphRecord) -> str | None:
    if "dataset_id" in record.params:
        return record.params["dataset_id"]
    parts = [p for p in record.path.split("/") if p and not p.startswith("v")]
    return parts[0] if parts and parts[0].isdigit() else None


def run(ctx: CheckContext) -> Iterator[Draft]:
    emap = mapview.event_map(ctx)
    graph = emap.graph if emap is not None else None
    thresholds = graph.thresholds if graph is not None else Thresholds()
    for record in timeline.records(ctx, GraphRecord):
        for text in problems(ctx, record, thresholds):
            yield Draft(
                message=f"Graph {record.path}: {text} (aggregate, delayed)",
                source="graph",
                pixel_id=_pixel(record),
                scope="dataset",
                hint="see the diagnostic in Events Manager; add match keys and event IDs",
                subject=text.split(":")[0],
                cause="graph-diagnostic",
            )


CHECK = Check(
    code="OP004",
    name="graph-diagnostic",
    severity=Severity.WARNING,
    needs=frozenset({Need.GRAPH}),
    run=run,
    doc=__doc__ or "",
)
