"""PA001–PA006: parameters inside each event."""

from __future__ import annotations

from pixelproof.checks import (
    invalid_parameter,
    missing_parameter,
    parameter_disagreement,
    parameter_value_mismatch,
    value_without_currency,
    zero_value_purchase,
)
from pixelproof.checks.base import Need
from pixelproof.meta.timeline import plans_from_map
from pixelproof.result import CheckStatus, Pair, Severity
from tests.factories import browser_event, drafts_of, rule_ctx, server_event, shop_map

GOOD = {"value": "49.90", "currency": "eur"}


def _pair(b: str = "b1", s: str = "s1") -> Pair:
    return Pair(
        "purchase", 2, "111111111111111", "Purchase", "Purchase", "Purchase", b, s,
        "order-42", "order-42", "deduplicated", "event_id", 1.0, "browser-first", "web_purchase",
    )  # fmt: skip


def test_pa001_required_from_declared_sources_only() -> None:
    emap = shop_map(
        events={
            "web_purchase": {
                "name": "Purchase",
                "sources": ["browser", "server"],
                "params": {
                    "value": "number",
                    "currency": "currency",
                    "order_id": {"type": "string", "required": ["server"]},
                },
            }
        }
    )
    events = (
        browser_event("b1", custom_data=GOOD),  # order_id not required from the browser
        server_event("s1", custom_data={"value": 49.9, "currency": "EUR"}),
        server_event("s2", custom_data={"value": 49.9, "currency": "EUR", "order_id": "42"}),
        server_event("s3", custom_data={"value": 49.9, "currency": "EUR", "order_id": "_removed_"}),
    )
    found = drafts_of(missing_parameter.CHECK, rule_ctx(*events, event_map=emap))
    assert [(f.refs, f.subject) for f in found] == [(("s1",), "order_id")]
    assert found[0].message == "server Purchase (s1) lacks the required parameter 'order_id'"


def test_pa001_leaves_value_and_currency_to_pa004() -> None:
    emap = shop_map()
    events = (
        browser_event("b1", custom_data={"value": "10"}),  # PA004 owns it
        browser_event("b2", name="AddToCart", event_key="web_purchase", custom_data={}),
    )
    found = drafts_of(missing_parameter.CHECK, rule_ctx(*events, event_map=emap))
    assert {f.subject for f in found if f.refs == ("b2",)} == {"value", "currency"}
    assert not [f for f in found if f.refs == ("b1",)]


def test_pa002_accepts_what_meta_accepts() -> None:
    events = (
        browser_event("b1", custom_data={**GOOD, "content_ids": ["42"], "num_items": "2"}),
        server_event(
            "s1",
            custom_data={
                "value": "142.52",
                "currency": "usd",
                "contents": [{"id": "42", "quantity": 1, "item_price": 9.99}],
                "content_type": "product",
            },
        ),
    )
    assert drafts_of(invalid_parameter.CHECK, rule_ctx(*events)) == []


def test_pa002_flags_types_with_their_severities() -> None:
    events = (
        browser_event("b1", custom_data={"value": "49,90", "currency": "EURO"}),
        browser_event("b2", custom_data={"value": "-5", "currency": "KES"}),
        server_event("s1", custom_data={"content_ids": "42", "contents": [{"id": "42"}]}),
        browser_event("b3", trigger="automatic", custom_data={"value": "n/a"}),  # Meta's own
    )
    found = drafts_of(invalid_parameter.CHECK, rule_ctx(*events))
    got = sorted((f.refs[0], f.subject, f.severity.value) for f in found)
    assert got == [
        ("b1", "currency", "error"),
        ("b1", "value", "error"),
        ("b2", "currency", "info"),
        ("b2", "value", "warning"),
        ("s1", "content_ids", "error"),
        ("s1", "contents", "error"),
    ]


def test_pa002_uses_the_maps_declared_type_enum_min_pattern() -> None:
    emap = shop_map(
        events={
            "web_purchase": {
                "name": "Purchase",
                "sources": ["browser", "server"],
                "params": {
                    "value": {"type": "number", "min": 1},
                    "tier": {"type": "string", "enum": ["gold", "silver"]},
                    "sku": {"type": "string", "pattern": "^SKU-"},
                    "qty": "integer",
                },
            }
        }
    )
    events = (
        server_event("s1", custom_data={"value": 0.5, "tier": "bronze", "sku": "X1", "qty": 1.5}),
        server_event("s2", custom_data={"value": "3", "tier": "gold", "sku": "SKU-1", "qty": "2"}),
    )
    found = drafts_of(invalid_parameter.CHECK, rule_ctx(*events, event_map=emap))
    assert sorted((f.refs[0], f.subject) for f in found) == [
        ("s1", "qty"),
        ("s1", "sku"),
        ("s1", "tier"),
        ("s1", "value"),
    ]


def test_pa003_compares_paired_copies() -> None:
    cases = {
        "value ×100": ({"value": "49.90", "currency": "EUR"}, {"value": 4990, "currency": "EUR"}),
        "currency": ({"value": "10", "currency": "EUR"}, {"value": 10, "currency": "USD"}),
        "ids": ({"content_ids": ["1", "2"]}, {"content_ids": ["2", "3"]}),
    }
    for label, (b, s) in cases.items():
        ctx = rule_ctx(
            browser_event("b1", custom_data=b), server_event("s1", custom_data=s), pairs=(_pair(),)
        )
        found = drafts_of(parameter_disagreement.CHECK, ctx)
        assert len(found) == 1, label
        assert found[0].refs == ("b1", "s1")
    value, currency = (
        drafts_of(
            parameter_disagreement.CHECK,
            rule_ctx(
                browser_event("b1", custom_data=b),
                server_event("s1", custom_data=s),
                pairs=(_pair(),),
            ),
        )[0]
        for b, s in (cases["value ×100"], cases["currency"])
    )
    assert value.severity is Severity.WARNING
    assert value.hint == "the server sends 100× the browser value (cents?)"
    assert currency.severity is Severity.ERROR


def test_pa003_silent_within_tolerance_and_on_case() -> None:
    emap = shop_map(
        events={
            "web_purchase": {
                "name": "Purchase",
                "sources": ["browser", "server"],
                "params": {"value": {"type": "number", "compare": {"tolerance": 0.01}}},
            }
        }
    )
    ctx = rule_ctx(
        browser_event(
            "b1", custom_data={"value": "49.90", "currency": "eur", "content_ids": ["1"]}
        ),
        server_event("s1", custom_data={"value": 49.899, "currency": "EUR", "content_ids": [1]}),
        pairs=(_pair(),),
        event_map=emap,
    )
    assert drafts_of(parameter_disagreement.CHECK, ctx) == []


def test_pa004_purchase_always_other_events_warn() -> None:
    events = (
        browser_event("b1", custom_data={"value": "10"}),
        server_event("s1", custom_data={}),
        browser_event("b2", name="AddToCart", event_key=None, custom_data={"currency": "EUR"}),
        browser_event("b3", name="ViewContent", event_key=None, custom_data={}),
        browser_event("b4", custom_data=GOOD),
    )
    found = drafts_of(value_without_currency.CHECK, rule_ctx(*events))
    assert [(f.refs[0], f.severity.value) for f in found] == [
        ("b1", "error"),
        ("s1", "error"),
        ("b2", "warning"),
    ]


def test_pa005_zero_value_purchase() -> None:
    events = (
        server_event("s1", custom_data={"value": 0, "currency": "USD"}),
        browser_event("b1", custom_data={"value": "0.00", "currency": "EUR"}),
        browser_event("b2", custom_data=GOOD),
        browser_event("b3", name="Lead", custom_data={"value": 0, "currency": "EUR"}),
    )
    found = drafts_of(zero_value_purchase.CHECK, rule_ctx(*events))
    assert [f.refs for f in found] == [("s1",), ("b1",)]
    assert "USD" in (found[0].hint or "")


def test_pa006_asserted_values_after_normalisation() -> None:
    emap = shop_map(
        journeys=[
            {
                "name": "purchase",
                "steps": [
                    {"goto": "/product/42"},
                    {"id": "pay", "click": "#pay"},
                    {"wait": {"url": "**/thanks"}},
                    {"expect": {"web_purchase": {"params": {"value": 49.9, "currency": "EUR"}}}},
                ],
            }
        ]
    )
    # Steps count from 0 like the map's `steps` list: the expect watches `click #pay` (1).
    events = (
        browser_event("b1", step=1, custom_data={"value": "49.90", "currency": "eur"}),
        server_event("s1", step=1, custom_data={"value": 0, "currency": "EUR"}),
        browser_event("b2", step=0, custom_data={"value": "1", "currency": "EUR"}),  # other step
    )
    ctx = rule_ctx(*events, event_map=emap, plans=plans_from_map(emap))
    found = drafts_of(parameter_value_mismatch.CHECK, ctx)
    assert [(f.refs, f.subject) for f in found] == [(("s1",), "value")]
    assert found[0].message == "server Purchase (s1): value: expected 49.9, sent 0"


def test_pa006_needs_journeys() -> None:
    ctx = rule_ctx(browser_event("b1"), available=frozenset({Need.BROWSER}))
    from pixelproof.checks.runner import run_checks

    out = run_checks(ctx, (parameter_value_mismatch.CHECK,))
    assert out.checks[0].status is CheckStatus.NOT_APPLICABLE
