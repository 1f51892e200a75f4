"""Small builders for hand-made results and events used across tests."""

from __future__ import annotations

from datetime import UTC, datetime

from pixelproof.meta.event import ObservedEvent, Side
from pixelproof.result import (
    AuditResult,
    Baseline,
    CheckResult,
    CheckStatus,
    EventRecord,
    FailOn,
    Finding,
    MapInfo,
    Options,
    Severity,
    SourceStatus,
    ToolInfo,
    finalise,
)

NOW = datetime(2026, 11, 29, 12, 0, tzinfo=UTC)


def finding(
    code: str = "DD001",
    severity: Severity = Severity.ERROR,
    baseline: Baseline = Baseline.NEW,
    fp: str | None = None,
    journey: str | None = "purchase",
) -> Finding:
    return Finding(
        code=code,
        name="missing-event-id",
        severity=severity,
        message=f"{code} happened",
        fingerprint=fp or f"{code}-{severity.value}-{baseline.value}",
        event="Purchase",
        journey=journey,
        baseline=baseline,
    )


def event_record(ref: str = "b1", journey: str | None = "purchase", step: int = 1) -> EventRecord:
    return EventRecord(
        ref=ref,
        source="browser" if ref.startswith("b") else "server",
        channel="pixel",
        transport="get",
        trigger="explicit",
        attribution=None,
        pixel_id="111111111111111",
        name="Purchase",
        event_id="order-1",
        journey=journey,
        step=step,
        time="2026-11-29T12:00:00.000Z",
        ts=1764417600000,
        event_time=None,
        url="https://shop.test/thank-you",
        custom_data={"value": 49.9, "currency": "EUR"},
        user_data_keys=("em",),
        excerpt="ev=Purchase&eid=order-1",
        problems=(),
        event_key="web_purchase",
    )


def result(
    *findings: Finding,
    fail_on: FailOn = FailOn.ERROR,
    incomplete: tuple[str, ...] = (),
    unobserved: str | None = None,
    allow_unobserved: bool = False,
    interrupted: bool = False,
    events: tuple[EventRecord, ...] = (),
) -> AuditResult:
    return finalise(
        AuditResult(
            tool=ToolInfo(version="0.1.0"),
            map=MapInfo(path="event_maps/shop.yaml", name="Shop"),
            options=Options(fail_on=fail_on, allow_unobserved_server=allow_unobserved),
            started_at="2026-11-29T12:00:00.000Z",
            duration_s=1.5,
            sources=(SourceStatus("har", "har", "ok", None, 3),),
            checks=(
                CheckResult(
                    "DD001", "missing-event-id", Severity.ERROR, ("browser",), CheckStatus.PASS
                ),
            ),
            findings=findings,
            events=events,
            incomplete_reasons=incomplete,
            unobserved_server=unobserved,
            interrupted=interrupted,
        )
    )


def observed(
    ref: str = "b1",
    event_id: str | None = "order-1",
    source: Side = Side.BROWSER,
    name: str = "Purchase",
) -> ObservedEvent:
    return ObservedEvent(
        ref=ref,
        source=source,
        pixel_id="111111111111111",
        name=name,
        event_id=event_id,
        journey="purchase",
        step=3,
        event_key="web_purchase",
    )
