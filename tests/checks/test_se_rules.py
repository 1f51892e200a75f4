"""SE001–SE011: what a CAPI event must carry and how."""

from __future__ import annotations

from dataclasses import replace
from typing import Any

from pixelproof.checks import (
    event_source_url_mismatch,
    invalid_event_time,
    malformed_fbp_fbc,
    match_key_disagreement,
    missing_match_key,
    missing_server_field,
    non_public_client_ip,
    outdated_graph_version,
    rejected_server_event,
    server_user_agent_as_client,
    wrong_action_source,
)
from pixelproof.checks.missing_server_field import missing_fields
from pixelproof.evidence.model import Evidence, IdentityRecord, RunInfo
from pixelproof.meta import hashing
from pixelproof.meta.capi import validate_event
from pixelproof.meta.event import ObservedEvent
from pixelproof.result import BatchRecord, BatchResponse, Pair, Severity
from tests.factories import NOW, browser_event, drafts_of, rule_ctx, server_event, shop_map

UA = "Mozilla/5.0 (X11; Linux x86_64) Chrome/156.0 pixelproof/r1.purchase"
FBP = "fb.1.1795900000000.1239569942"
T = int(NOW.timestamp())


def _pair(b: str = "b1", s: str = "s1") -> Pair:
    return Pair(
        "purchase", 2, "111111111111111", "Purchase", "Purchase", "Purchase", b, s,
        "order-42", "order-42", "deduplicated", "event_id", 1.0, "browser-first", "web_purchase",
    )  # fmt: skip


def _capi(ref: str, raw: dict[str, Any]) -> ObservedEvent:
    """A server event whose `problems` come from the shared validator, as the parser makes it."""
    user = raw.get("user_data")
    return server_event(
        ref,
        problems=validate_event(raw),
        user_data=user if isinstance(user, dict) else {},
        action_source=raw.get("action_source"),
        url=raw.get("event_source_url"),
    )


def _evidence(*records: object) -> Evidence:
    return Evidence(RunInfo(), tuple(records))  # type: ignore[arg-type]


def test_se001_website_event_without_user_agent_is_reported_not_rejected() -> None:
    base = {"event_name": "Purchase", "event_time": T, "action_source": "website"}
    events = (
        _capi(
            "s1", {**base, "event_source_url": "https://shop.example/t", "user_data": {"em": "x"}}
        ),
        _capi("s2", {**base, "user_data": {"client_user_agent": UA}}),
        _capi(
            "s3",
            {
                **base,
                "event_source_url": "https://s.example/",
                "user_data": {"em": "x", "client_user_agent": UA},
            },
        ),
        _capi("s4", {"event_time": T, "action_source": "physical_store", "user_data": {"ph": "x"}}),
    )
    found = drafts_of(missing_server_field.CHECK, rule_ctx(*events))
    assert sorted((f.refs[0], f.subject) for f in found) == [
        ("s1", "client_user_agent"),
        ("s2", "event_source_url"),
        ("s2", "match_key"),
        ("s4", "event_name"),
    ]
    batch = BatchRecord("batch1", "sink", None, None, "v25.0", None, None, None, "accepted",
                        BatchResponse(200), ("s1",))  # fmt: skip
    assert drafts_of(rejected_server_event.CHECK, rule_ctx(*events, batches=(batch,))) == []


def test_se002_milliseconds_old_future_and_hour_offsets() -> None:
    events = (
        server_event("s1", event_time=T * 1000),
        server_event("s2", event_time=T - 8 * 86400, time=float(T)),
        server_event("s3", event_time=T + 900, time=float(T)),
        server_event("s4", event_time=T + 3600 + 30),
        server_event("s5", event_time=T - 6 * 86400, time=float(T)),
        browser_event("b4", ts=T * 1000),
    )
    pair = _pair("b4", "s4")
    found = drafts_of(invalid_event_time.CHECK, rule_ctx(*events, pairs=(pair,)))
    assert [(f.refs[0], f.severity.value) for f in found] == [
        ("s1", "error"),
        ("s2", "error"),
        ("s3", "warning"),
        ("s4", "warning"),
    ]
    assert "milliseconds" in found[0].message
    assert "+1 h" in found[3].message


def test_se002_arrival_clause_needs_a_capture_time_or_now() -> None:
    old = server_event("s1", event_time=T - 30 * 86400, time=None)
    assert drafts_of(invalid_event_time.CHECK, rule_ctx(old)) == []
    assert len(drafts_of(invalid_event_time.CHECK, rule_ctx(old, now_given=True))) == 1


def test_se003_declared_keys_conditional_fbc_and_known_fbp() -> None:
    emap = shop_map(
        events={
            "web_purchase": {
                "name": "Purchase",
                "sources": ["browser", "server"],
                "user_data": {"server": ["em", "client_user_agent", {"fbc": "when_available"}]},
            }
        }
    )
    browser = browser_event("b1", fbp=FBP)
    server = server_event("s1", user_data={"em": "a" * 64}, problems=(
        "website event without user_data.client_user_agent",))  # fmt: skip
    found = drafts_of(missing_match_key.CHECK, rule_ctx(browser, server, event_map=emap))
    assert [(f.refs[0], f.subject) for f in found] == [("s1", "fbp")]  # fbc: no click; UA: SE001
    clicked = replace(browser, fbc="fb.1.1795900000000.IwAR2xYz")
    found = drafts_of(missing_match_key.CHECK, rule_ctx(clicked, server, event_map=emap))
    assert sorted(f.subject for f in found) == ["fbc", "fbp"]


def test_se004_rejections_and_their_cause() -> None:
    old = server_event("s1", event_time=T - 9 * 86400, time=float(T))
    plain = server_event("s2", batch_ref="batch2")
    rejected = BatchResponse(400, 100, 2804003, "Event Timestamp Too Old")
    b1 = BatchRecord(
        "batch1", "sink", None, None, "v25.0", None, None, None, "rejected", rejected, ("s1",)
    )
    b2 = BatchRecord(
        "batch2",
        "relay",
        None,
        None,
        "v25.0",
        None,
        None,
        None,
        "rejected",
        BatchResponse(400, 190, None, "Invalid OAuth access token"),
        ("s2",),
    )
    found = drafts_of(rejected_server_event.CHECK, rule_ctx(old, plain, batches=(b1, b2)))
    assert [(f.refs, f.severity.value) for f in found] == [(("s1",), "info"), (("s2",), "error")]
    assert found[0].hint == "caused by SE002 on s1"
    assert "code 190" in found[1].message
    assert "Invalid OAuth" in found[1].message


def test_se004_stale_time_explains_a_rejection_before_a_missing_soft_field() -> None:
    # Meta accepts a website event without client_user_agent; the 8-day-old time is the cause.
    payload = {"event_name": "Purchase", "event_time": T - 8 * 86400,
               "action_source": "website", "event_source_url": "https://shop.example/",
               "user_data": {"em": "a" * 64}}  # fmt: skip
    stale = server_event(
        "s1", event_time=T - 8 * 86400, time=float(T), user_data={"em": "a" * 64},
        problems=validate_event(payload),
    )  # fmt: skip
    assert missing_fields(stale), "the event must lack a soft field for this test to mean much"
    rejected = BatchResponse(400, 100, 2804003, "Invalid parameter")
    batch = BatchRecord(
        "batch1", "sink", None, None, "v25.0", None, None, None, "rejected", rejected, ("s1",)
    )
    found = drafts_of(rejected_server_event.CHECK, rule_ctx(stale, batches=(batch,)))
    assert [f.hint for f in found] == ["caused by SE002 on s1"]


def test_se004_without_batch_records_uses_accepted_flags() -> None:
    events = (server_event("s1", accepted=False), server_event("s2", accepted=True))
    found = drafts_of(rejected_server_event.CHECK, rule_ctx(*events))
    assert [f.refs for f in found] == [("s1",)]


def test_se005_format_seconds_future_and_landing_fbclid() -> None:
    landing = browser_event("b1", url="https://shop.example/?fbclid=IwAR2xYz", time=NOW.timestamp())
    events = (
        landing,
        server_event("s1", fbp=FBP, fbc="fb.1.1795900000000.IwAR2xYz.AQ"),  # fine
        server_event("s2", fbp="fb.1.1795992568.1239569942"),  # seconds
        server_event("s3", fbc="fb.1.1795900000000.iwar2xyz"),  # re-cased fbclid
        server_event("s4", fbp="fb.1.9995992568581.1"),  # future
        server_event("s5", fbp="1239569942"),
        server_event("s6", fbp=hashing.sha256_hex(FBP)),  # PR007's
    )
    found = drafts_of(malformed_fbp_fbc.CHECK, rule_ctx(*events))
    assert [(f.refs[0], f.subject) for f in found] == [
        ("s2", "fbp"),
        ("s3", "fbc"),
        ("s4", "fbp"),
        ("s5", "fbp"),
    ]
    assert "only the case differs" in found[1].message


def test_se006_each_side_normalised_by_its_own_rules() -> None:
    ph_browser = hashing.sha256_hex("6505550101")  # the Pixel keeps no country code
    ph_server = hashing.sha256_hex("16505550101")
    em = hashing.sha256_hex("jane@example.com")
    browser = browser_event("b1", fbp=FBP, user_data={"em": em, "ph": ph_browser,
                            "external_id": hashing.sha256_hex("cust-42")})  # fmt: skip
    agree = server_event(
        "s1", fbp=FBP, user_data={"em": [em], "ph": [ph_server], "external_id": "CUST-42"}
    )
    ctx = rule_ctx(browser, agree, event_map=shop_map())
    assert drafts_of(match_key_disagreement.CHECK, ctx) == []
    other = server_event(
        "s2", fbp="fb.1.1795992400000.987654321", user_data={"em": hashing.sha256_hex("x@y.z")}
    )
    found = drafts_of(match_key_disagreement.CHECK, rule_ctx(browser, other))
    assert sorted(f.subject for f in found) == ["em", "fbp"]


def test_se007_url_absolute_host_and_twin_path() -> None:
    emap = shop_map()
    events = (
        browser_event("b1", url="https://shop.example/thanks?x=1"),
        server_event("s1", url="https://www.shop.example/thanks/"),
        server_event("s2", url="/thanks"),
        server_event("s3", url="https://api.other.example/hook"),
        server_event("s4", url="https://shop.example/api/orders"),
    )
    found = drafts_of(
        event_source_url_mismatch.CHECK,
        rule_ctx(*events, event_map=emap, pairs=(_pair("b1", "s4"),)),
    )
    assert [f.refs[0] for f in found] == ["s2", "s3", "s4"]
    assert "differs from the browser page" in found[2].message


def test_se008_action_source_against_map_and_twin() -> None:
    emap = shop_map(
        events={
            "web_purchase": {"name": "Purchase", "sources": ["browser", "server"]},
            "store_purchase": {
                "name": "Purchase",
                "sources": ["server"],
                "action_source": "physical_store",
                "journeys": "none",
                "pair": False,
            },
        }
    )
    events = (
        server_event("s1", action_source="system_generated"),
        server_event("s2", event_key="store_purchase", action_source="website"),
        server_event("s3", event_key="store_purchase", action_source="physical_store"),
        server_event("s4"),
        server_event("s5", event_key=None, action_source="other"),
    )
    found = drafts_of(
        wrong_action_source.CHECK, rule_ctx(*events, event_map=emap, pairs=(_pair("b9", "s5"),))
    )
    assert [f.refs[0] for f in found] == ["s1", "s2", "s5"]


def test_se009_library_agents_and_foreign_browsers() -> None:
    evidence = _evidence(IdentityRecord(journey="purchase", user_agent=UA))
    events = (
        server_event("s1", user_data={"client_user_agent": "python-requests/2.32.3"}),
        server_event("s2", user_data={"client_user_agent": UA}),
        server_event(
            "s3", user_data={"client_user_agent": "Mozilla/5.0 (X11; Linux x86_64) Chrome/156.0"}
        ),
        server_event("s4", user_data={"client_user_agent": "Mozilla/5.0 (iPhone) Safari/17"}),
    )
    found = drafts_of(server_user_agent_as_client.CHECK, rule_ctx(*events, evidence=evidence))
    assert [f.refs[0] for f in found] == ["s1", "s4"]


def test_se010_only_in_production() -> None:
    events = (
        server_event("s1", user_data={"client_ip_address": "10.0.3.17"}),
        server_event("s2", user_data={"client_ip_address": "203.0.113.7"}),
        server_event("s3", user_data={"client_ip_address": "fe80::1"}),
        server_event("s4", user_data={"client_ip_address": "not-an-ip"}),
        server_event("s5", user_data={"client_ip_address": "2a03:2880:f12f:83:face:b00c::25de"}),
    )
    assert drafts_of(non_public_client_ip.CHECK, rule_ctx(*events)) == []
    found = drafts_of(non_public_client_ip.CHECK, rule_ctx(*events, environment_kind="production"))
    assert [f.refs[0] for f in found] == ["s1", "s3", "s4"]


def test_se011_judged_against_the_capture_clock() -> None:
    events = (
        server_event("s1", api_version="v16.0"),
        server_event("s2", api_version="v16.0"),
        server_event("s3", api_version="v25.0"),
        server_event("s4", api_version="v99.0"),
    )
    found = drafts_of(outdated_graph_version.CHECK, rule_ctx(*events))
    assert [(f.refs, f.severity, f.scope) for f in found] == [
        (("s1", "s2"), Severity.WARNING, "dataset")
    ]
    near = drafts_of(
        outdated_graph_version.CHECK,
        replace(rule_ctx(server_event("s1", api_version="v21.0")), now=NOW.replace(month=12)),
    )
    assert [f.severity for f in near] == [Severity.INFO]


def test_recorded_sdk_and_hand_rolled_bodies_raise_no_payload_findings() -> None:
    from pathlib import Path

    from pixelproof.checks import REGISTRY
    from pixelproof.checks.base import CheckContext, Need
    from pixelproof.checks.runner import run_checks
    from pixelproof.evidence.sources.capi_log import CapiLogSource
    from pixelproof.meta.server import parse_server_batches

    root = Path(__file__).resolve().parents[2] / "fixtures/capi"
    ours = tuple(c for c in REGISTRY if c.code[:2] in ("PA", "SE", "PR", "OP"))
    clock_free = tuple(c for c in ours if c.code != "SE002")  # the recorder fixes capture times
    for name in ("sdk-python.jsonl", "hand-rolled.jsonl", "envelope.jsonl"):
        batches = list(CapiLogSource(root / name, pixel_id="111111111111111").records())
        events = tuple(parse_server_batches(batches))
        assert events, name
        ctx = CheckContext(now=NOW, events=events, available=frozenset({Need.SERVER}))
        out = run_checks(ctx, clock_free)
        assert out.findings == (), (name, [f.message for f in out.findings])


def test_se002_an_event_time_that_is_no_number_of_seconds() -> None:
    """An ISO date or an object as event_time parses to None; it is SE002, never silence."""
    iso = {"event_name": "Contact", "event_time": "2026-11-29T22:49:31Z", "action_source": "email"}
    absent = {"event_name": "Contact", "action_source": "email"}
    events = (
        server_event("s1", event_time=None, problems=validate_event(iso)),
        server_event("s2", event_time=None, problems=validate_event(absent)),  # SE001's
    )
    found = drafts_of(invalid_event_time.CHECK, rule_ctx(*events))
    assert [(f.refs[0], f.severity.value) for f in found] == [("s1", "error")]
    assert "'2026-11-29T22:49:31Z'" in found[0].message
