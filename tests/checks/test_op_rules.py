"""OP001–OP008: operational problems around the events."""

from __future__ import annotations

from pixelproof.checks import (
    dataset_aggregate_anomaly,
    graph_diagnostic,
    missing_test_event_code,
    pixel_script_error,
    server_container_error,
    test_event_code_in_production,
    unattributed_server_event,
    unobserved_server,
)
from pixelproof.checks.base import Need
from pixelproof.checks.runner import run_checks
from pixelproof.evidence.model import (
    BrowserHit,
    Evidence,
    GraphRecord,
    PageErrorRecord,
    RunInfo,
    ScriptLoadRecord,
)
from pixelproof.result import CheckStatus, Severity
from tests.factories import NOW, browser_event, drafts_of, rule_ctx, server_event, shop_map

T = NOW.timestamp()
CONTAINER = {"server_containers": [{"url": "https://sgtm.shop.example/g/collect", "kind": "ga4"}]}


def _evidence(*records: object) -> Evidence:
    return Evidence(RunInfo(), tuple(records))  # type: ignore[arg-type]


def test_op001_test_codes_in_production_from_server_and_container() -> None:
    emap = shop_map(**CONTAINER)
    evidence = _evidence(
        BrowserHit(seq=1, url="https://sgtm.shop.example/g/collect?v=2&ep.test_event_code=T1"),
        BrowserHit(seq=2, url="https://sgtm.shop.example/g/collect?v=2&en=purchase"),
    )
    events = (
        server_event("s1", test_event_code="TEST4711"),
        server_event("s2", test_event_code="TEST4711"),
        server_event("s3", batch_ref="batch2"),
    )
    ctx = rule_ctx(*events, event_map=emap, evidence=evidence, environment_kind="production")
    found = drafts_of(test_event_code_in_production.CHECK, ctx)
    assert [(f.source, f.refs) for f in found] == [("server", ("s1", "s2")), ("browser", ())]
    staging = rule_ctx(*events, event_map=emap, evidence=evidence)
    assert drafts_of(test_event_code_in_production.CHECK, staging) == []


def test_op002_staging_batches_carry_the_expected_code() -> None:
    emap = shop_map(test_event_code="TEST4711")
    events = (
        server_event("s1", test_event_code="TEST4711"),
        server_event("s2", batch_ref="batch2"),
        server_event("s3", batch_ref="batch3", test_event_code="TEST0000"),
    )
    found = drafts_of(missing_test_event_code.CHECK, rule_ctx(*events, event_map=emap))
    assert [f.refs for f in found] == [("s2",), ("s3",)]
    assert "expected 'TEST4711'" in found[1].message
    assert drafts_of(missing_test_event_code.CHECK, rule_ctx(*events, event_map=shop_map())) == []


def test_op003_failed_meta_scripts_and_thrown_errors() -> None:
    evidence = _evidence(
        ScriptLoadRecord(
            journey="purchase", time=T, url="https://connect.facebook.net/en_US/fbevents.js",
            status=200,
        ),
        ScriptLoadRecord(
            journey="purchase", time=T + 0.1, status=None,
            url="https://connect.facebook.net/signals/config/111111111111111?v=2.9.252",
        ),
        ScriptLoadRecord(
            journey="blocked", time=T, status=403,
            url="https://connect.facebook.net/signals/plugins/identity.js?v=2.9.252",
        ),
        PageErrorRecord(journey="purchase", message="TypeError: fbq is not a function"),
        PageErrorRecord(journey="purchase", message="TypeError: cart is undefined"),
    )  # fmt: skip
    ctx = rule_ctx(browser_event("b1", time=T + 1), evidence=evidence)
    found = drafts_of(pixel_script_error.CHECK, ctx)
    assert [(f.journey, f.severity) for f in found] == [
        ("purchase", Severity.WARNING),
        ("blocked", Severity.ERROR),
        ("purchase", Severity.WARNING),
    ]
    assert "signals/config/111111111111111 failed to load (no response)" in found[0].message


def test_op003_is_not_applicable_on_har_input() -> None:
    ctx = rule_ctx(
        available=frozenset({Need.BROWSER}),
        missing_reason={Need.PAGE_SCRIPT: "HAR input has no page-script timeline"},
    )
    out = run_checks(ctx, (pixel_script_error.CHECK,))
    assert out.checks[0].status is CheckStatus.NOT_APPLICABLE


def test_op004_graph_quality_against_thresholds() -> None:
    emap = shop_map(
        graph={
            "thresholds": {
                "emq": {"web_purchase": 6.0, "default": 4.0},
                "dedupe_key_coverage": 0.9,
                "event_coverage": 0.5,
            }
        }
    )
    quality = {
        "web": [
            {
                "event_name": "Purchase",
                "event_match_quality": {"composite_score": 5.2},
                "event_coverage": {"percentage": 80},
                "dedupe_key_feedback": [
                    {
                        "dedupe_key": "event_id",
                        "browser_events_with_dedupe_key": {"percentage": 95},
                        "server_events_with_dedupe_key": {"percentage": 40},
                    }
                ],
            },
            {"event_name": "PageView", "event_match_quality": {"composite_score": 4.5}},
        ]
    }
    evidence = _evidence(
        GraphRecord(path="/v25.0/dataset_quality", params={"dataset_id": "111"}, body=quality),
        GraphRecord(path="/v25.0/111", body={"id": "111", "is_unavailable": True}),
        GraphRecord(
            path="/v25.0/111/da_checks",
            body={"data": [{"key": "pixel_decline", "result": "failed", "title": "Decline"}]},
        ),
    )
    found = drafts_of(graph_diagnostic.CHECK, rule_ctx(event_map=emap, evidence=evidence))
    texts = [f.message for f in found]
    assert len(found) == 4
    assert "Event Match Quality 5.2 is below 6.0" in texts[0]
    assert "40% of server events carry a dedup key" in texts[1]
    assert "unavailable" in texts[2]
    assert "pixel_decline" in texts[3]
    assert {f.scope for f in found} == {"dataset"}
    assert {f.pixel_id for f in found} == {"111"}


def test_op005_failing_server_container() -> None:
    evidence = _evidence(
        BrowserHit(seq=1, url="https://sgtm.shop.example/g/collect?v=2", status=502,
                   journey="purchase"),
        BrowserHit(seq=2, url="https://sgtm.shop.example/g/collect?v=2", status=None,
                   journey="purchase"),
        BrowserHit(seq=3, url="https://sgtm.shop.example/g/collect?v=2", status=204,
                   journey="purchase"),
        BrowserHit(seq=4, url="https://elsewhere.example/collect", status=500),
    )  # fmt: skip
    ctx = rule_ctx(event_map=shop_map(**CONTAINER), evidence=evidence)
    found = drafts_of(server_container_error.CHECK, ctx)
    assert len(found) == 1
    assert "2 request(s)" in found[0].message
    assert "502" in found[0].message


def _stats(source: str | None, rows: list[dict[str, object]]) -> GraphRecord:
    params = {"event_source": source} if source else {}
    body = {"data": [{"aggregation": "event", "data": rows}]}
    return GraphRecord(path="/v25.0/111/stats", params=params, body=body)


def test_op006_name_variants_and_ratio_outliers() -> None:
    evidence = _evidence(
        _stats(None, [{"value": "Purchase", "count": 412}, {"value": "purchase", "count": 37}]),
        _stats(
            "WEB_ONLY", [{"value": "Lead", "count": 100}, {"value": "ViewContent", "count": 90}]
        ),
        _stats(
            "SERVER_ONLY", [{"value": "Lead", "count": 10}, {"value": "ViewContent", "count": 80}]
        ),
    )
    found = drafts_of(dataset_aggregate_anomaly.CHECK, rule_ctx(evidence=evidence))
    assert [f.subject for f in found] == ["Purchase", "Lead"]
    assert "Purchase, purchase" in found[0].message
    assert "100:10" in found[1].message


def test_op007_one_finding_per_dataset_and_name_with_one_hint() -> None:
    events = (
        *tuple(server_event(f"s{i}", journey=None) for i in range(1, 25)),
        server_event("s30", name="Lead", journey=None),
        server_event("s31"),
    )
    found = drafts_of(unattributed_server_event.CHECK, rule_ctx(*events))
    assert [(f.event, len(f.refs), f.severity) for f in found] == [
        ("Lead", 1, Severity.INFO),
        ("Purchase", 20, Severity.INFO),
    ]
    assert found[0].hint is not None
    assert found[1].hint is None
    no_journeys = rule_ctx(*events, available=frozenset({Need.SERVER}))
    out = run_checks(no_journeys, (unattributed_server_event.CHECK,))
    assert out.checks[0].status is CheckStatus.NOT_APPLICABLE


def test_op008_capture_none_with_server_events() -> None:
    emap = shop_map(capi={"capture": "none", "reason": "Shopify's Meta app sends CAPI"})
    ctx = rule_ctx(event_map=emap, available=frozenset())
    found = drafts_of(unobserved_server.CHECK, ctx)
    assert [(f.severity, f.scope) for f in found] == [(Severity.INFO, "run")]
    assert found[0].message.startswith("server half not observed — deduplication unproven")
    assert drafts_of(unobserved_server.CHECK, rule_ctx(event_map=shop_map())) == []
