"""PR001–PR007: privacy of what each event carries."""

from __future__ import annotations

from pixelproof.checks import (
    access_token_in_browser,
    consent_violation,
    data_processing_options_mismatch,
    hashed_browser_identifier,
    malformed_fbp_fbc,
    pii_in_pixel_payload,
    unhashed_user_data,
    unnormalized_hash,
)
from pixelproof.checks.base import Need
from pixelproof.checks.runner import run_checks
from pixelproof.evidence.model import (
    BrowserHit,
    ConsentRecord,
    Evidence,
    IdentityRecord,
    JourneyRecord,
    RunInfo,
    ServerBatch,
)
from pixelproof.meta.hashing import sha256_hex
from pixelproof.result import CheckStatus, Severity
from tests.factories import NOW, browser_event, drafts_of, rule_ctx, server_event, shop_map

EM = sha256_hex("jane@example.com")
T = NOW.timestamp()


def _evidence(*records: object) -> Evidence:
    return Evidence(RunInfo(), tuple(records))  # type: ignore[arg-type]


def test_pr001_severity_by_key_and_the_sdks_raw_external_id() -> None:
    events = (
        server_event("s1", user_data={"em": ["jane@example.com"], "ct": "paris"}),
        server_event("s2", user_data={"em": [EM], "external_id": "cust-42", "fbp": "fb.1.1.1"}),
        server_event("s3", user_data={"ph": EM.upper()}),
        server_event("s4", user_data={"fn": "d41d8cd98f00b204e9800998ecf8427e"}),
        browser_event("b1", user_data={"em": EM, "country": "us"}),
        browser_event("b2", user_data_auto={"em": "JANE@EXAMPLE.COM"}),
    )
    found = drafts_of(unhashed_user_data.CHECK, rule_ctx(*events))
    got = [(f.refs[0], f.subject, f.severity) for f in found]
    assert got == [
        ("s1", "em", Severity.ERROR),
        ("s1", "ct", Severity.WARNING),
        ("s2", "external_id", Severity.INFO),
        ("s3", "ph", Severity.WARNING),  # upper-case hex
        ("s4", "fn", Severity.ERROR),  # MD5
        ("b1", "country", Severity.WARNING),
        ("b2", "em", Severity.ERROR),
    ]
    assert found[4].message.endswith("looks like MD5; Meta expects SHA-256")


def test_pr002_judges_each_side_by_its_own_rules() -> None:
    identity = IdentityRecord(
        journey="purchase",
        persona={"email": "Jane@Example.com", "phone": "+1 650 555 0101", "zip": "M1 1AE"},
    )
    ctx_fields = {"evidence": _evidence(identity)}
    events = (
        server_event("s1", user_data={"em": sha256_hex("Jane@Example.com")}),  # not lower-cased
        server_event("s2", user_data={"ph": sha256_hex("6505550101")}),  # no country code
        server_event("s3", user_data={"em": EM, "ph": sha256_hex("16505550101")}),  # right
        browser_event("b1", user_data={"ph": sha256_hex("6505550101")}),  # the Pixel's own rule
        browser_event("b2", user_data={"zp": sha256_hex("m1 1ae")}),  # the Pixel keeps spaces
        server_event("s4", user_data={"zp": sha256_hex("m1 1ae")}),  # the server must not
        server_event("s5", user_data={"em": sha256_hex("someone@else.example")}),  # not persona
    )
    found = drafts_of(unnormalized_hash.CHECK, rule_ctx(*events, **ctx_fields))
    assert [(f.refs[0], f.subject) for f in found] == [("s1", "em"), ("s2", "ph"), ("s4", "zp")]


def test_pr002_falls_back_to_the_maps_persona() -> None:
    events = (server_event("s1", user_data={"em": sha256_hex("JANE@EXAMPLE.COM")}),)
    found = drafts_of(unnormalized_hash.CHECK, rule_ctx(*events, event_map=shop_map()))
    assert [f.subject for f in found] == ["em"]


def test_pr003_persona_values_other_emails_and_what_stays_silent() -> None:
    emap = shop_map()
    events = (
        browser_event("b1", url="https://shop.example/thanks?email=jane%40example.com"),
        browser_event("b2", custom_data={"phone": "(650) 555-0101"}),
        browser_event("b3", custom_data={"note": "mail bob@other.example"}),
        browser_event(  # Meta's automatic metadata with the shop's contact address
            "b4",
            name="Microdata",
            trigger="automatic",
            custom_data={"Schema.org": [{"email": "hello@shop.example"}]},
        ),
        browser_event("b5", params={"pmd[contact]": "hello@shop.example"}),
        browser_event(  # an order number and fbp digits that look like phone numbers
            "b6",
            fbp="fb.1.1795900000000.6505550101",
            custom_data={"order_id": "10065550101", "content_ids": ["16505550199"]},
        ),
        server_event("s1", custom_data={"customer": "jane@example.com"}),
    )
    found = drafts_of(pii_in_pixel_payload.CHECK, rule_ctx(*events, event_map=emap))
    got = [(f.refs[0], f.subject, f.severity) for f in found]
    assert got == [
        ("b1", "dl", Severity.ERROR),
        ("b2", "custom_data.phone", Severity.ERROR),
        ("b3", "custom_data.note", Severity.WARNING),
        ("s1", "custom_data.customer", Severity.ERROR),
    ]


def test_pr003_generic_phones_only_when_enabled() -> None:
    event = browser_event("b1", custom_data={"contact": "+44 20 7946 0958"})
    assert drafts_of(pii_in_pixel_payload.CHECK, rule_ctx(event)) == []
    emap = shop_map(checks={"options": {"PR003": {"detect_phones": True}}})
    found = drafts_of(pii_in_pixel_payload.CHECK, rule_ctx(event, event_map=emap))
    assert [f.severity for f in found] == [Severity.WARNING]


def _consent_map(marketing_event: str = "required") -> object:
    return shop_map(
        consent={"states": {"accept": [{"click": "#ok"}], "reject": [{"click": "#no"}]}},
        events={
            "web_purchase": {
                "name": "Purchase",
                "sources": ["browser", "server"],
                "consent": {"event": marketing_event, "user_data": "required"},
            }
        },
        journeys=[
            {"name": "purchase", "consent": "accept", "steps": [{"goto": "/"}]},
            {"name": "rejected", "consent": "reject", "steps": [{"goto": "/"}]},
        ],
    )


def test_pr004_before_consent_and_in_a_rejecting_journey() -> None:
    evidence = _evidence(
        JourneyRecord(name="purchase", consent="accept"),
        JourneyRecord(name="rejected", consent="reject"),
        ConsentRecord(journey="purchase", step=1, time=T, state="granted"),
    )
    events = (
        browser_event("b1", time=T - 2),  # before the consent step
        browser_event("b2", time=T + 1),
        browser_event("b3", time=T - 1, trigger="consent_replay"),
        browser_event("b4", journey="rejected", time=T + 1),
        server_event("s1", journey="rejected", time=T + 5),
    )
    ctx = rule_ctx(*events, event_map=_consent_map(), evidence=evidence)
    found = drafts_of(consent_violation.CHECK, ctx)
    assert [f.refs[0] for f in found] == ["b1", "b4", "s1"]
    assert consent_violation.CHECK.suppresses == ("EV009", "EV010")


def test_pr004_user_data_consent_allows_the_event_without_identifiers() -> None:
    evidence = _evidence(JourneyRecord(name="rejected", consent="reject"))
    events = (
        browser_event("b1", journey="rejected"),
        browser_event("b2", journey="rejected", fbp="fb.1.1795900000000.1"),
    )
    ctx = rule_ctx(*events, event_map=_consent_map("not_required"), evidence=evidence)
    assert [f.refs[0] for f in drafts_of(consent_violation.CHECK, ctx)] == ["b2"]


def test_pr004_is_not_applicable_without_a_timeline() -> None:
    ctx = rule_ctx(browser_event("b1"), available=frozenset({Need.BROWSER, Need.SERVER}),
                   missing_reason={Need.CONSENT: "HAR input has no journey timeline"})  # fmt: skip
    out = run_checks(ctx, (consent_violation.CHECK,))
    assert out.checks[0].status is CheckStatus.NOT_APPLICABLE
    assert out.checks[0].message == "HAR input has no journey timeline"


def test_pr005_ldu_required_one_channel_and_place() -> None:
    emap = shop_map(
        environment=None,
        environments={"staging": {"kind": "staging", "ldu": {"required": True}}},
    )
    body = (
        '{"data": [{"event_name": "Purchase", "event_time": 1, "action_source": "website",'
        ' "data_processing_options": ["LDU"]}, {"event_name": "Purchase", "event_time": 1,'
        ' "action_source": "website", "data_processing_options": ["LDU"],'
        ' "data_processing_options_country": 0, "data_processing_options_state": 0}]}'
    )
    batch = ServerBatch(seq=7, body=body, content_type="application/json")
    events = (
        browser_event("b1", params={"dpo": "LDU", "dpoco": "0", "dpost": "0"}),
        browser_event("b2"),
        server_event("s1", seq=7),
        server_event("s2", seq=7),
    )
    found = drafts_of(
        data_processing_options_mismatch.CHECK,
        rule_ctx(*events, event_map=emap, evidence=_evidence(batch)),
    )
    assert [f.refs[0] for f in found] == ["b2", "s1"]
    assert "country" in found[1].message


def test_pr005_one_channel_only_without_a_requirement() -> None:
    events = (browser_event("b1", params={"dpo": "LDU"}), server_event("s1"))
    found = drafts_of(data_processing_options_mismatch.CHECK, rule_ctx(*events))
    assert [f.refs[0] for f in found] == ["s1"]


def test_pr006_graph_calls_and_tokens_from_the_page() -> None:
    token = "EAAG" + "x1Y2z3" * 8
    evidence = _evidence(
        BrowserHit(seq=1, method="POST", url="https://graph.facebook.com/v25.0/111/events"),
        BrowserHit(seq=2, url=f"https://sgtm.shop.example/g/collect?tok={token}"),
        BrowserHit(seq=3, url="https://www.facebook.com/tr/?id=111&ev=PageView"),
    )
    found = drafts_of(access_token_in_browser.CHECK, rule_ctx(evidence=evidence))
    assert len(found) == 2
    assert "calls the Conversions API" in found[0].message
    assert token not in found[1].message


def test_pr007_owns_hashed_fbp_and_se005_stays_silent() -> None:
    hashed = sha256_hex("fb.1.1795900000000.1239569942")
    events = (
        server_event("s1", fbp=hashed, user_data={"fbp": hashed, "client_ip_address": "1.2.3.4"}),
        server_event("s2", user_data={"client_user_agent": sha256_hex("Mozilla/5.0")}),
        browser_event("b1", fbp="fb.1.1795900000000.1239569942"),
    )
    ctx = rule_ctx(*events)
    found = drafts_of(hashed_browser_identifier.CHECK, ctx)
    assert [(f.refs[0], f.subject) for f in found] == [("s1", "fbp"), ("s2", "client_user_agent")]
    assert drafts_of(malformed_fbp_fbc.CHECK, ctx) == []


def test_pr002_catches_how_forms_hold_a_normalised_persona() -> None:
    """The map's persona is written normalised; the site hashed what the visitor typed."""
    identity = IdentityRecord(
        journey="purchase", persona={"email": "jane@example.com", "phone": "+16505550101"}
    )
    events = (
        server_event("s1", user_data={"ph": sha256_hex("+1 (650) 555-0101")}),
        server_event("s2", user_data={"em": sha256_hex("Jane@Example.com")}),
        server_event("s3", user_data={"ph": sha256_hex("650-555-0101")}),
        server_event("s4", user_data={"em": sha256_hex(" jane@example.com")}),
        server_event("s5", user_data={"em": EM, "ph": sha256_hex("16505550101")}),  # right
    )
    found = drafts_of(unnormalized_hash.CHECK, rule_ctx(*events, evidence=_evidence(identity)))
    assert [(f.refs[0], f.subject) for f in found] == [
        ("s1", "ph"),
        ("s2", "em"),
        ("s3", "ph"),
        ("s4", "em"),
    ]


def test_raw_server_events_keep_their_refs_when_a_retry_folded_one_away() -> None:
    import json

    from pixelproof.evidence.model import Evidence, RunInfo, ServerBatch
    from pixelproof.rulekit.timeline import raw_server_events

    def batch(seq: int, *names: str) -> ServerBatch:
        data = [{"event_name": n, "event_time": 1, "action_source": "website"} for n in names]
        return ServerBatch(
            seq=seq, content_type="application/json", body=json.dumps({"data": data}),
            path="/v25.0/111111111111111/events",
        )  # fmt: skip

    # batch 1 (A, B) failed; batch 2 re-sent only A: s1 was folded into s3, s2 stays B.
    evidence = Evidence(RunInfo(), (batch(1, "A", "B"), batch(2, "A")))
    events = (server_event("s2", "B"), server_event("s3", "A"))
    raws = raw_server_events(rule_ctx(*events, evidence=evidence))
    assert {ref: raw["event_name"] for ref, raw in raws.items()} == {
        "s1": "A",
        "s2": "B",
        "s3": "A",
    }
