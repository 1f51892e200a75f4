"""Pairing passes of DESIGN §5, each event paired at most once, linear work."""

from __future__ import annotations

from pixelproof.meta.event import ObservedEvent
from pixelproof.meta.names import canonical, near, two_standards
from pixelproof.meta.pairing import pair_events
from pixelproof.result import Pair
from tests.factories import PIXEL, PIXEL_B, capi, hit, key_spec, map_facts

FACTS = map_facts(
    key_spec("web_purchase", "Purchase"),
    key_spec("AddToCart", sources=("browser",)),
    key_spec("Lead"),
    key_spec("signup", "CompleteRegistration"),
    key_spec("store_purchase", "Purchase", sources=("server",), pair=False, in_journeys=False,
             action_source="physical_store"),
    key_spec("PageView", sources=("browser", "server"), dedup="fbp"),
)  # fmt: skip


def _pairs(*events: ObservedEvent, offset: float | None = None) -> list[Pair]:
    keyed = [e if e.event_key else _keyed(e) for e in events]
    return list(pair_events(keyed, FACTS, clock_offset=offset).pairs)


def _keyed(e: ObservedEvent) -> ObservedEvent:
    from dataclasses import replace

    return replace(e, event_key=FACTS.resolve(e))


def _by_status(pairs: list[Pair]) -> dict[str, list[tuple[str | None, str | None]]]:
    out: dict[str, list[tuple[str | None, str | None]]] = {}
    for p in pairs:
        out.setdefault(p.status, []).append((p.browser, p.server))
    return out


def test_names_canonical_aliases_and_guard() -> None:
    assert canonical("add_to_cart") == canonical("AddToCart") == "addtocart"
    assert canonical("begin_checkout") == "initiatecheckout"
    assert canonical("sign_up") == "completeregistration"
    assert near("purchase", "Purchase")
    assert near("view_item", "ViewContent")
    assert near("generate_lead", "Lead")
    assert near("Purchse", "Purchase")  # one edit, 7+ characters
    assert not near("Lead", "Leed")  # too short for edits
    assert not near("AddToCart", "AddToWishlist")
    assert two_standards("add_to_cart", "InitiateCheckout")
    assert not two_standards("purchase", "Purchase")


def test_pass1_exact_key_deduplicated_whatever_the_step_or_order() -> None:
    pairs = _pairs(hit("b1", event_id="o1", step=3), capi("s1", event_id="o1", step=5, time=90.0))
    (p,) = pairs
    assert (p.status, p.basis, p.order, p.delay_s) == ("deduplicated", "event_id", "server-first",
                                                       -10.0)  # fmt: skip
    assert (p.event_key, p.name, p.confidence, p.step) == ("web_purchase", "Purchase", "high", 3)


def test_pass2_same_id_other_name_but_never_two_standard_names() -> None:
    pairs = _pairs(hit("b1", "Purchase", "o1"), capi("s1", "purchase", "o1"))
    assert _by_status(pairs) == {"name-mismatch": [("b1", "s1")]}
    pairs = _pairs(hit("b1", "AddToCart", "x1", key="AddToCart"), capi("s1", "Lead", "x1"))
    assert {p.status for p in pairs} == {"browser-only", "server-only"}


def test_pass3_same_name_and_id_on_another_dataset() -> None:
    pairs = _pairs(hit("b1", event_id="o1"), capi("s1", event_id="o1", pixel=PIXEL_B))
    assert _by_status(pairs) == {"dataset-mismatch": [("b1", "s1")]}


def test_fallback_dedup_by_fbp_whatever_the_ids_and_order() -> None:
    b = hit("b1", "PageView", None, fbp="fb.1.1700000000000.42", time=100.0)
    s = capi("s1", "PageView", "srv-1", fbp="fb.1.1700000000000.42", time=95.0)
    (p,) = _pairs(b, s)
    assert (p.status, p.basis, p.order) == ("fallback-dedup", "fbp", "server-first")


def test_pass4_heuristics_statuses_and_scores() -> None:
    b = hit("b1", event_id="eid-1", custom_data={"order_id": "A1", "value": "10"})
    s_far = capi("s9", event_id="srv-9", time=125.0, custom_data={"order_id": "A1"})
    s_near = capi("s2", event_id="srv-2", time=100.5, custom_data={"order_id": "A2"})
    pairs = _pairs(b, s_near, s_far)
    assert _by_status(pairs)["id-mismatch"] == [("b1", "s9")]  # order_id beats the gap
    assert pairs[0].basis == "name+order_id"
    (p, *_) = _pairs(hit("b1", event_id=None), capi("s1", event_id="o1"))
    assert (p.status, p.basis) == ("id-missing", "name+score")
    (p, *_) = _pairs(hit("b1", "Purchase", "a"), capi("s1", "purchase_completed", "b"))
    assert p.status == "name-mismatch"


def test_two_different_order_ids_veto_a_heuristic_pair() -> None:
    b = hit("b1", custom_data={"order_id": "A1"})
    s = capi("s1", custom_data={"order_id": "B2"})
    assert {p.status for p in _pairs(b, s)} == {"browser-only", "server-only"}


def test_heuristic_window_and_value_never_vetoes() -> None:
    b = hit("b1", custom_data={"value": "10"}, time=100.0)
    late = capi("s1", custom_data={"value": "99"}, time=100.0 + 400)
    assert {p.status for p in _pairs(b, late)} == {"browser-only", "server-only"}
    near_in_time = capi("s1", custom_data={"value": "99"}, time=130.0)
    assert _pairs(b, near_in_time)[0].status == "id-missing"


def test_pass5_leftovers_of_one_step_low_confidence() -> None:
    pairs = _pairs(hit("b1", "Lead", "x"), capi("s1", "contact_form_sent", "y"))
    (p,) = pairs
    assert (p.status, p.basis, p.confidence) == ("name-mismatch", "step-leftover", "low")


def test_pass5_never_between_two_standard_names_and_not_for_browser_only_keys() -> None:
    pairs = _pairs(hit("b1", "AddToCart", key="AddToCart"), capi("s1", "Lead", "y"))
    assert {p.status for p in pairs} == {"browser-only", "server-only"}
    pairs = _pairs(hit("b1", "Lead", "x"), capi("s1", "Purchase", "y", custom_data={}))
    assert {p.status for p in pairs} == {"browser-only", "server-only"}


def test_fan_out_pairs_each_pixel_on_its_own() -> None:
    pairs = _pairs(
        hit("b1", event_id="o1"), hit("b2", event_id="o1", pixel=PIXEL_B),
        capi("s1", event_id="o1"), capi("s2", event_id="o1", pixel=PIXEL_B),
    )  # fmt: skip
    assert _by_status(pairs) == {"deduplicated": [("b1", "s1"), ("b2", "s2")]}


def test_crm_twins_automatic_hits_and_rejected_copies_never_pair() -> None:
    crm = capi("s1", action_source="physical_store", journey=None, step=None)
    auto = hit("b1", "SubscribedButtonClick", trigger="automatic")
    rejected = capi("s2", event_id="o1", accepted=False)
    pairs = _pairs(crm, auto, rejected, hit("b2", event_id="o1"))
    assert _by_status(pairs) == {"browser-only": [("b2", None)]}


def test_each_event_pairs_at_most_once() -> None:
    pairs = _pairs(hit("b1", event_id="o1"), hit("b2", event_id="o1", time=101.0),
                   capi("s1", event_id="o1"))  # fmt: skip
    refs = [r for p in pairs for r in (p.browser, p.server) if r]
    assert sorted(refs) == ["b1", "b2", "s1"]
    assert _by_status(pairs)["deduplicated"] == [("b1", "s1")]


def test_journey_less_scoping_by_visitor_never_pairs_strangers() -> None:
    fa, fb = "fb.1.1700000000000.1", "fb.1.1700000000000.2"
    b = hit("b1", journey=None, step=None, fbp=fa)
    s_stranger = capi("s1", journey=None, step=None, fbp=fb, time=100.2)
    s_same = capi("s2", journey=None, step=None, fbp=fa, time=110.0)
    pairs = _pairs(b, s_stranger, s_same)
    assert _by_status(pairs)["id-missing"] == [("b1", "s2")]
    assert pairs[0].confidence == "high"
    # A placeholder ID shared by strangers does not pair them either.
    pairs = _pairs(hit("b1", event_id="undefined", journey=None, step=None, fbp=fa),
                   capi("s1", event_id="undefined", journey=None, step=None, fbp=fb))  # fmt: skip
    assert {p.status for p in pairs} == {"browser-only", "server-only"}


def test_journey_less_time_window_fallback_is_low_confidence_and_no_pass5() -> None:
    b = hit("b1", journey=None, step=None)
    s = capi("s1", journey=None, step=None, time=102.0)
    (p,) = _pairs(b, s)
    assert (p.basis, p.confidence) == ("time-window", "low")
    pairs = _pairs(hit("b1", "Lead", journey=None, step=None),
                   capi("s1", "contact_form_sent", journey=None, step=None))  # fmt: skip
    assert {p.status for p in pairs} == {"browser-only", "server-only"}


def test_journey_less_clock_offset_given_or_estimated() -> None:
    skew = 3600.0
    events = [hit("b1", event_id="o1", journey=None, step=None, time=100.0),
              capi("s1", event_id="o1", journey=None, step=None, time=100.0 + skew),
              hit("b2", journey=None, step=None, time=500.0, custom_data={"order_id": "Z"}),
              capi("s2", journey=None, step=None, time=501.0 + skew,
                   custom_data={"order_id": "Z"})]  # fmt: skip
    outcome = pair_events([_keyed(e) for e in events], FACTS)
    assert outcome.clock_offset == skew
    assert [p.status for p in outcome.pairs] == ["deduplicated", "id-missing"]
    assert outcome.pairs[1].delay_s == 1.0
    given = pair_events([_keyed(e) for e in events], FACTS, clock_offset=skew - 1)
    assert given.clock_offset == skew - 1


def test_without_capture_time_event_time_pairs_with_low_confidence() -> None:
    b = hit("b1", time=1_700_000_000.0)
    s = capi("s1", time=None, event_time=1_700_000_001)
    (p,) = _pairs(b, s)
    assert (p.status, p.confidence, p.delay_s) == ("id-missing", "low", 1.0)


def test_ten_thousand_events_pair_with_bounded_work() -> None:
    events: list[ObservedEvent] = []
    for i in range(5000):
        fbp = f"fb.1.1700000000000.{i % 700}"
        eid = "undefined" if i % 3 == 0 else f"o{i}"
        t = 1000.0 + i
        events.append(hit(f"b{i}", event_id=eid, journey=None, step=None, time=t, fbp=fbp))
        events.append(capi(f"s{i}", event_id=eid, journey=None, step=None, time=t + 1, fbp=fbp))
    pairs = pair_events([_keyed(e) for e in events], FACTS).pairs
    refs = [r for p in pairs for r in (p.browser, p.server) if r]
    assert len(refs) == len(set(refs)) == 10_000
    assert sum(p.status == "deduplicated" for p in pairs) >= 4000
    assert all(p.pixel_id == PIXEL for p in pairs)
