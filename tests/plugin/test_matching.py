"""The assertions' pure core: what matches (after the rules' normalisation), what differs."""

from __future__ import annotations

from pixelproof.meta.event import ObservedEvent, Side, Trigger
from pixelproof.testing import messages
from pixelproof.testing.matching import Want, best_pair, countable, dedup_gaps

PIXEL = "111111111111111"


def event(
    ref: str = "b1",
    source: Side = Side.BROWSER,
    name: str = "Purchase",
    event_id: str | None = "order-1",
    **custom: object,
) -> ObservedEvent:
    return ObservedEvent(ref, source, PIXEL, name, event_id, custom_data=custom)


def test_params_match_as_the_rules_compare_them() -> None:
    want = Want("Purchase", params={"value": 49.9, "currency": "eur", "content_ids": ["b", "a"]})
    hit = event(value="49.90", currency="EUR", content_ids=["a", "b"], order_id="x")
    assert want.differences(hit) == []


def test_each_difference_is_named() -> None:
    want = Want("Purchase", pixel="222", event_id="order-2", params={"value": 10, "currency": "X"})
    assert want.differences(event(value="9.99")) == [
        "pixel: expected '222', sent '111111111111111'",
        "event_id: expected 'order-2', sent 'order-1'",
        "value: expected 10, sent '9.99'",
        "currency: expected 'X', not sent",
    ]


def test_a_rejected_server_event_counts_only_for_absence() -> None:
    rejected = ObservedEvent("s1", Side.SERVER, PIXEL, "Lead", "l-1", accepted=False)
    assert Want("Lead").matches([rejected]) == []
    assert Want("Lead", accepted_only=False).matches([rejected]) == [rejected]


def test_the_closest_miss_shares_the_name_in_any_case_or_the_event_id() -> None:
    want = Want("Purchase", event_id="order-1")
    lower = event(name="purchase")
    assert want.closest([event(name="Lead", event_id="x"), lower]) == (
        lower,
        ["name: expected 'Purchase', sent 'purchase'"],
    )
    assert want.closest([event(name="Lead", event_id="x")]) is None


def test_privacy_sandbox_copies_are_not_events() -> None:
    copy = ObservedEvent(
        "b2", Side.BROWSER, PIXEL, "Purchase", "o", trigger=Trigger.PRIVACY_SANDBOX
    )
    assert countable([event(), copy]) == [event()]


def test_dedup_gaps_say_which_key_differs() -> None:
    browser = event()
    assert dedup_gaps(browser, event("s1", Side.SERVER)) == []
    assert dedup_gaps(browser, event("s1", Side.SERVER, event_id="order-2")) == [
        "event IDs differ: browser 'order-1', server 'order-2'"
    ]
    assert dedup_gaps(event(event_id=None), event("s1", Side.SERVER, name="purchase")) == [
        "names differ: browser 'Purchase', server 'purchase'",
        "the browser copy carries no event ID",
    ]
    clean = event("s2", Side.SERVER)
    assert best_pair([browser], [event("s1", Side.SERVER, event_id="x"), clean]) == (
        browser,
        clean,
        [],
    )


def test_the_listing_aligns_and_notes_rejections_and_late_events() -> None:
    rejected = ObservedEvent("s1", Side.SERVER, PIXEL, "Lead", "lead-1", accepted=False)
    text = messages.arrived([event(value="5"), rejected], sink_url="http://sink", late=1)
    assert text.splitlines() == [
        "arrived (1 browser, 1 server):",
        "  b1    browser  Purchase  pixel 111111111111111  event_id order-1  {value: '5'}",
        "  s1    server   Lead      pixel 111111111111111  event_id lead-1   {}  "
        "[REJECTED by the sink]",
        "  (1 late server event(s) of an earlier test's browser left out)",
    ]
    assert messages.arrived([], sink_url="http://sink").splitlines() == [
        "arrived: nothing",
        "  (no batch reached the sink at http://sink: is it the backend's Graph URL?)",
    ]
