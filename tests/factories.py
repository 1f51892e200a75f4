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


# Imports of the report-test builders below (kept with them; the file grows only at its end).
from collections.abc import Callable  # noqa: E402
from dataclasses import replace  # noqa: E402
from typing import Any  # noqa: E402

from pixelproof.result import (  # noqa: E402
    BatchRecord,
    BatchResponse,
    FileLocation,
    JourneyResult,
    Pair,
    StepResult,
)


def report_result(
    text: str = "",
    *,
    unobserved: str | None = None,
    allow_unobserved: bool = False,
    fail_on: FailOn = FailOn.ERROR,
) -> AuditResult:
    """A realistic finalised run for the report tests: two journeys (one errored), paired and
    unpaired actions, findings sharing a cause, known/ignored findings, run-scope findings,
    checks in every status and batches. `text` is appended to every captured text field (the
    hostile-string tests use it); status and enum fields stay valid.
    """

    def t(value: str) -> str:
        return value + text

    loc = FileLocation(t("event_maps/shop.yaml"), 41, 9)
    steps = (
        StepResult(1, "product", "product", t("goto /product/42"), "pass"),
        StepResult(2, None, t("click #add-to-cart#1"), "click #add-to-cart", "pass"),
        StepResult(3, "pay", "pay", t("click #pay"), "pass", location=loc),
    )
    lead_steps = (
        StepResult(1, "contact", "contact", "goto /contact", "pass"),
        StepResult(2, "submit", "submit", "click #submit", "error", error=t("timeout 5000 ms")),
    )
    return finalise(
        AuditResult(
            tool=ToolInfo(version="0.1.0"),
            map=MapInfo(path=t("event_maps/shop.yaml"), name=t("Shop"), environment="staging"),
            options=Options(fail_on=fail_on, allow_unobserved_server=allow_unobserved),
            started_at="2026-11-29T12:00:00.000Z",
            duration_s=12.25,
            sources=(
                SourceStatus("browser", "browser", "ok", None, 5),
                SourceStatus("sink", "sink", "ok", None, 2),
                SourceStatus("graph", "graph", "error", t("(#190) token expired")),
            ),
            journeys=(
                JourneyResult("purchase", "pass", "accept", steps),
                JourneyResult("lead", "error", "reject", lead_steps),
            ),
            events=_report_events(t),
            pairs=_report_pairs(t),
            checks=_report_checks(t),
            findings=_report_findings(t, loc),
            batches=(
                BatchRecord(
                    "S1",
                    "sink",
                    "2026-11-29T12:00:07.000Z",
                    "/v21.0/111111111111111/events",
                    "v21.0",
                    "woocommerce-9.1",
                    "python-requests/2.32",
                    None,
                    "accepted",
                    BatchResponse(200),
                    ("s1", "s3"),
                ),
                BatchRecord(
                    "S2",
                    "sink",
                    "2026-11-29T12:00:09.000Z",
                    "/v21.0/111111111111111/events",
                    "v21.0",
                    None,
                    "python-requests/2.32",
                    "TEST123",
                    "rejected",
                    BatchResponse(400, 100, 2804003, t("Invalid parameter")),
                    ("s2",),
                ),
            ),
            incomplete_reasons=(t("journey lead errored at step submit"),),
            unobserved_server=None if unobserved is None else t(unobserved),
        )
    )


def _report_events(t: Callable[[str], str]) -> tuple[EventRecord, ...]:
    base = event_record()
    rows = [
        ("b1", "purchase", 1, "ViewContent", "vc-42", "https://shop.test/product/42"),
        ("b2", "purchase", 2, "AddToCart", None, "https://shop.test/product/42"),
        ("b3", "purchase", 3, "Purchase", "order-1042", "https://shop.test/thank-you"),
        ("s1", "purchase", 1, "ViewContent", "vc-42", "https://shop.test/product/42"),
        ("s3", "purchase", 3, "Purchase", "1042", "https://shop.test/thank-you"),
        ("s2", None, None, "Lead", "lead-7", "https://shop.test/contact"),
    ]
    return tuple(
        replace(
            base,
            ref=ref,
            source="browser" if ref.startswith("b") else "server",
            channel="pixel" if ref.startswith("b") else "capi",
            transport="get" if ref.startswith("b") else "sink",
            journey=journey,
            step=step,
            name=t(name),
            event_id=None if eid is None else t(eid),
            url=t(url),
            custom_data={"value": 49.9, "currency": "EUR", "note": t("gift"), "ids": [t("sku-1")]},
            excerpt=t(f"ev={name}&cd[email]=<redacted:em>"),
            event_key=f"web_{name.lower()}",
            problems=(t("eid looks like a template"),) if ref == "b3" else (),
        )
        for ref, journey, step, name, eid, url in rows
    )


def _report_pairs(t: Callable[[str], str]) -> tuple[Pair, ...]:
    ids = {"b1": t("vc-42"), "s1": t("vc-42"), "b3": t("order-1042"), "s3": t("1042")}

    def pair(step: int, name: str, b: str | None, s: str | None, status: str, basis: str) -> Pair:
        return Pair(
            journey="purchase",
            step=step,
            pixel_id="111111111111111",
            name=t(name),
            browser_name=name if b else None,
            server_name=name if s else None,
            browser=b,
            server=s,
            browser_event_id=None if b is None else ids.get(b),
            server_event_id=None if s is None else ids.get(s),
            status=status,
            basis=basis,
            delay_s=2.5 if b and s else None,
            order="browser-first" if b and s else None,
            event_key=f"web_{name.lower()}",
        )

    return (
        pair(1, "ViewContent", "b1", "s1", "deduplicated", "event_id"),
        pair(2, "AddToCart", "b2", None, "browser-only", "none"),
        pair(3, "Purchase", "b3", "s3", "id-mismatch", "name+order_id"),
    )


def _report_checks(t: Callable[[str], str]) -> tuple[CheckResult, ...]:
    rows = [
        ("DD001", "missing-event-id", Severity.ERROR, CheckStatus.FAIL, None),
        ("DD002", "event-id-mismatch", Severity.ERROR, CheckStatus.FAIL, None),
        ("DD006", "placeholder-event-id", Severity.ERROR, CheckStatus.PASS, None),
        ("EV002", "unexpected-event", Severity.WARNING, CheckStatus.PASS, None),
        ("OP004", "graph-diagnostic", Severity.WARNING, CheckStatus.ERROR, t("graph failed")),
        ("OP006", "dataset-aggregate-anomaly", Severity.WARNING, CheckStatus.WARN, None),
        ("PA001", "missing-parameter", Severity.ERROR, CheckStatus.FAIL, None),
        ("PA003", "parameter-disagreement", Severity.ERROR, CheckStatus.WARN, None),
        ("PR004", "consent-violation", Severity.ERROR, CheckStatus.NOT_APPLICABLE, t("no CMP")),
        ("SE004", "rejected-server-event", Severity.ERROR, CheckStatus.FAIL, None),
    ]
    return tuple(
        CheckResult(code, name, sev, ("browser", "server"), status, message)
        for code, name, sev, status, message in rows
    )


def _report_findings(t: Callable[[str], str], loc: FileLocation) -> tuple[Finding, ...]:
    cause = t("GTM variable {{Event ID}} is undefined on checkout")

    def f(code: str, name: str, sev: Severity, message: str, **kw: object) -> Finding:
        fields: dict[str, Any] = {"journey": "purchase", "pixel_id": "111111111111111", **kw}
        return Finding(
            code=code,
            name=name,
            severity=sev,
            message=t(message),
            fingerprint=f"{code}:{fields.get('event_key')}:{fields['journey']}:{fields.get('step')}",
            **fields,
        )

    return (
        f(
            "DD002",
            "event-id-mismatch",
            Severity.ERROR,
            "Purchase: browser eid 'order-1042', server event_id '1042'",
            step=3,
            event="Purchase",
            event_key="web_purchase",
            refs=("b3", "s3"),
            hint=t("send the same ID from both sides"),
            location=loc,
            cause=cause,
            owner="web-team",
        ),
        f(
            "DD001",
            "missing-event-id",
            Severity.ERROR,
            "AddToCart from browser has no event ID",
            step=2,
            event="AddToCart",
            event_key="web_addtocart",
            source="browser",
            refs=("b2",),
            hint=t("pass {eventID: id} as the 4th fbq argument"),
            cause=cause,
        ),
        f(
            "PA001",
            "missing-parameter",
            Severity.ERROR,
            "Purchase from server lacks content_ids",
            step=3,
            event="Purchase",
            event_key="web_purchase",
            source="server",
            refs=("s3",),
            subject="content_ids",
            cause=cause,
            location=loc,
        ),
        f(
            "PA003",
            "parameter-disagreement",
            Severity.WARNING,
            "value 49.9 vs 4990 (×100?)",
            step=3,
            event="Purchase",
            event_key="web_purchase",
            subject="value",
        ),
        f(
            "SE004",
            "rejected-server-event",
            Severity.ERROR,
            "batch S2 rejected: (#100) Invalid parameter",
            journey=None,
            scope="run",
            refs=("s2",),
            source="server",
        ),
        f(
            "OP006",
            "dataset-aggregate-anomaly",
            Severity.WARNING,
            "dataset shows 'purchase' and 'Purchase'",
            journey=None,
            scope="dataset",
        ),
        f(
            "EV002",
            "unexpected-event",
            Severity.WARNING,
            "unexpected Lead",
            step=1,
            event="Lead",
            baseline=Baseline.IGNORED,
        ),
        f(
            "DD003",
            "duplicate-event",
            Severity.WARNING,
            "2 copies of ViewContent",
            step=1,
            event="ViewContent",
            event_key="web_viewcontent",
            baseline=Baseline.KNOWN,
        ),
    )


# --- issue 5 (attribution, pairing, EV/DD rules) -------------------------------------------

from pixelproof.meta.keys import KeySpec, MapFacts, RoleSpec, build_facts  # noqa: E402

PIXEL = "111111111111111"
PIXEL_B = "333333333333333"


def hit(
    ref: str,
    name: str = "Purchase",
    event_id: str | None = None,
    *,
    time: float | None = 100.0,
    journey: str | None = "purchase",
    step: int | None = 3,
    pixel: str | None = PIXEL,
    trigger: str | None = "explicit",
    key: str | None = None,
    **extra: Any,
) -> ObservedEvent:
    """A browser event as parsed (and, with `journey`, attributed)."""
    number = int(ref.lstrip("bs") or 0)
    return ObservedEvent(
        ref=ref, source=Side.BROWSER, pixel_id=pixel, name=name, event_id=event_id,
        trigger=trigger, time=time, journey=journey, step=step, event_key=key, seq=number,
        **extra,
    )  # fmt: skip


def capi(
    ref: str,
    name: str = "Purchase",
    event_id: str | None = None,
    *,
    time: float | None = 101.0,
    journey: str | None = "purchase",
    step: int | None = 3,
    pixel: str | None = PIXEL,
    key: str | None = None,
    accepted: bool | None = True,
    **extra: Any,
) -> ObservedEvent:
    """A server event as parsed (and, with `journey`, attributed)."""
    number = int(ref.lstrip("bs") or 0)
    extra.setdefault("action_source", "website")
    extra.setdefault("batch_ref", f"batch{number}")
    return ObservedEvent(
        ref=ref, source=Side.SERVER, pixel_id=pixel, name=name, event_id=event_id,
        channel="capi", transport="json", time=time, journey=journey, step=step,
        event_key=key, accepted=accepted, seq=1000 + number, **extra,
    )  # fmt: skip


def key_spec(
    key: str, name: str | None = None, sources: tuple[str, ...] = ("browser", "server"), **kw: Any
) -> KeySpec:
    dual = set(sources) == {"browser", "server"}
    kw.setdefault("dedup", "event_id" if dual else "none")
    kw.setdefault("id_required", frozenset(sources) if kw["dedup"] == "event_id" else frozenset())
    return KeySpec(key=key, name=name or key, sources=frozenset(sources), **kw)


def map_facts(*specs: KeySpec, roles: tuple[RoleSpec, ...] | None = None, **kw: Any) -> MapFacts:
    return build_facts(specs, roles if roles is not None else (RoleSpec("main", PIXEL),), **kw)


# --- issue 6: payload, server, privacy and operations rules --------------------------------


def browser_event(ref: str = "b1", name: str = "Purchase", **fields: Any) -> ObservedEvent:
    """A browser hit as parsed and attributed; wire values are strings, as on `/tr`."""
    fields.setdefault("pixel_id", PIXEL)
    fields.setdefault("event_id", "order-42")
    fields.setdefault("journey", "purchase")
    fields.setdefault("step", 2)
    fields.setdefault("event_key", "web_purchase")
    fields.setdefault("trigger", "explicit")
    fields.setdefault("time", NOW.timestamp())
    fields.setdefault("ts", int(NOW.timestamp() * 1000))
    fields.setdefault("url", "https://shop.example/thanks")
    return ObservedEvent(ref=ref, source=Side.BROWSER, name=name, channel="pixel", **fields)


def server_event(ref: str = "s1", name: str = "Purchase", **fields: Any) -> ObservedEvent:
    """A server event as parsed and attributed, with a correct website payload by default."""
    fields.setdefault("pixel_id", PIXEL)
    fields.setdefault("event_id", "order-42")
    fields.setdefault("journey", "purchase")
    fields.setdefault("step", 2)
    fields.setdefault("event_key", "web_purchase")
    fields.setdefault("time", NOW.timestamp() + 5)
    fields.setdefault("event_time", int(NOW.timestamp()))
    fields.setdefault("url", "https://shop.example/thanks")
    fields.setdefault("action_source", "website")
    fields.setdefault("batch_ref", "batch1")
    fields.setdefault("api_version", "v25.0")
    return ObservedEvent(
        ref=ref, source=Side.SERVER, name=name, channel="capi", transport="json", **fields
    )


def shop_map(**overrides: Any) -> Any:
    """A small valid EventMap (web_purchase on both sources), top-level keys overridable."""
    from pixelproof.config.model import EventMap

    data: dict[str, Any] = {
        "version": 1,
        "environment": "staging",
        "pixel": {"id": PIXEL},
        "capi": {"capture": "sink"},
        "site": {"base_url": "https://shop.example", "domains": ["shop.example"]},
        "personas": {"jane": {"email": "jane@example.com", "phone": "+16505550101"}},
        "events": {
            "web_purchase": {
                "name": "Purchase",
                "sources": ["browser", "server"],
                "params": {"value": "number", "currency": "currency"},
            }
        },
        "journeys": [
            {
                "name": "purchase",
                "persona": "jane",
                "steps": [{"goto": "/product/42"}, {"id": "pay", "click": "#pay"}],
            }
        ],
    }
    data.update(overrides)
    return EventMap.model_validate(data)


def rule_ctx(*events: ObservedEvent, **fields: Any) -> Any:
    """A CheckContext with every source available (tests pick what the rule reads)."""
    from pixelproof.checks.base import CheckContext, Need

    fields.setdefault("available", frozenset(Need))
    return CheckContext(now=NOW, events=events, **fields)


def drafts_of(check: Any, ctx: Any) -> list[Any]:
    """The findings one rule yields on a context, run through the isolating runner."""
    from pixelproof.checks.runner import run_checks

    outcome = run_checks(ctx, (check,))
    assert not outcome.errors, outcome.errors
    return list(outcome.findings)
