"""EV/DD rules on a live purchase journey: each rule fires, and stays silent on tricky cases."""

from __future__ import annotations

from dataclasses import replace
from pathlib import Path

import pytest

from pixelproof.checks.base import CheckContext, Need
from pixelproof.config.load import LoadedMap
from pixelproof.evidence.model import (
    ConsoleRecord,
    FbqCallRecord,
    JourneyRecord,
    Record,
    ScriptLoadRecord,
    StepRecord,
)
from pixelproof.meta.event import ObservedEvent
from pixelproof.result import Severity
from tests.checks.scenario import (
    AGENCY,
    FBP,
    MAIN,
    MAP,
    PROD,
    codes,
    context,
    findings,
    load,
    server_ua,
    timeline_records,
)
from tests.factories import capi, hit

ORDER = {"order_id": "order-1", "value": "49.9", "currency": "EUR"}


@pytest.fixture
def shop(tmp_path: Path) -> LoadedMap:
    return load(tmp_path)


def _purchase_journey() -> list[ObservedEvent]:
    """The correct run: PageView fanned out to both pixels, AddToCart, Purchase with an ID."""
    return [
        hit("b1", "PageView", time=101.0, step=0, pixel=MAIN),
        hit("b2", "PageView", time=101.0, step=0, pixel=AGENCY),
        hit("b3", "AddToCart", time=111.5, step=3, pixel=MAIN),  # recorded during its expect
        hit("b4", "Purchase", "order-1", time=125.0, step=6, pixel=MAIN, custom_data=ORDER),
        hit("b5", "Purchase", "order-1", time=125.0, step=6, pixel=AGENCY, custom_data=ORDER),
        server_ua(capi("s1", "Purchase", "order-1", time=126.0, journey=None, step=None,
                       custom_data=ORDER, fbp=FBP)),
    ]  # fmt: skip


def _ctx(shop: LoadedMap, events: list[ObservedEvent], *extra: Record) -> CheckContext:
    return context(shop, events, [*timeline_records(shop), *extra])


def _swap(events: list[ObservedEvent], ref: str, **changes: object) -> list[ObservedEvent]:
    return [replace(e, **changes) if e.ref == ref else e for e in events]  # type: ignore[arg-type]


def test_the_correct_journey_is_silent_and_attributed(shop: LoadedMap) -> None:
    ctx = _ctx(shop, _purchase_journey())
    server = ctx.by_ref()["s1"]
    assert (server.journey, server.step, server.event_key) == ("purchase", 4, "web_purchase")
    assert ctx.attributions["s1"].method == "user_agent"
    assert ctx.by_ref()["b4"].step == 4
    assert [(p.status, p.browser, p.server) for p in ctx.pairs if p.server] == [
        ("deduplicated", "b4", "s1")
    ]
    assert findings(ctx) == []


def test_dd001_missing_browser_event_id(shop: LoadedMap) -> None:
    ctx = _ctx(shop, _swap(_purchase_journey(), "b4", event_id=None))
    (found,) = findings(ctx)
    assert (found.code, found.source, found.refs, found.step) == ("DD001", "browser", ("b4",), 4)
    assert found.event_key == "web_purchase"


def test_dd005_event_id_in_custom_data_suppresses_dd001(shop: LoadedMap) -> None:
    events = _swap(_purchase_journey(), "b4", event_id=None,
                   custom_data={**ORDER, "eventID": "order-1"})  # fmt: skip
    (found,) = findings(ctx := _ctx(shop, events))
    assert found.code == "DD005"
    assert len(found.related) == 1
    both = _swap(_purchase_journey(), "b4", custom_data={**ORDER, "event_id": "order-1"})
    assert [(f.code, f.severity) for f in findings(_ctx(shop, both))] == [("DD005", Severity.INFO)]
    assert ctx is not None


def test_dd002_different_ids_for_one_order(shop: LoadedMap) -> None:
    events = _swap(_purchase_journey(), "s1", event_id="ob3_plugin-set_ab12")
    (found,) = findings(_ctx(shop, events))
    assert found.code == "DD002"
    assert set(found.refs) == {"b4", "s1"}
    assert found.hint is not None
    assert "plugin" in found.hint


def test_ev003_name_mismatch_suppresses_dd002_ev001_and_ev002(shop: LoadedMap) -> None:
    events = _swap(_purchase_journey(), "s1", name="purchase", event_id="srv-1")
    found = findings(_ctx(shop, events))
    assert [f.code for f in found] == ["EV003"]
    assert len(found[0].related) >= 2  # the EV001 (server) and EV002 it explains


def test_ev001_missing_server_copy_one_finding(shop: LoadedMap) -> None:
    events = [e for e in _purchase_journey() if e.ref != "s1"]
    (found,) = findings(_ctx(shop, events))
    assert (found.code, found.source, found.pixel_id, found.cause) == (
        "EV001", "server", MAIN, "not-sent")  # fmt: skip


def test_ev001_not_for_unobservable_source_or_server_only_crm(shop: LoadedMap) -> None:
    events = [e for e in _purchase_journey() if e.ref != "s1"]
    ctx = context(shop, events, timeline_records(shop), sources=(Need.BROWSER, Need.JOURNEYS))
    assert findings(ctx) == []
    crm = capi("s9", "Purchase", "crm-7", time=130.0, journey=None, step=None,
               action_source="physical_store")  # fmt: skip
    ctx = _ctx(shop, [*_purchase_journey(), crm])
    assert ctx.by_ref()["s9"].event_key == "store_purchase"
    assert findings(ctx) == []
    assert all(p.server != "s9" for p in ctx.pairs)


def test_ev001_hint_arrived_in_another_step(shop: LoadedMap) -> None:
    events = _swap(_purchase_journey(), "b3", step=0, time=101.5)
    (found,) = findings(_ctx(shop, events))
    assert (found.code, found.cause, found.refs) == ("EV001", "other-step", ("b3",))


def test_ev001_consent_lock_hint(shop: LoadedMap) -> None:
    events = [e for e in _purchase_journey() if e.ref not in ("b4", "b5")]
    lock = [FbqCallRecord(seq=90, journey="purchase", args=("consent", "revoke")),
            FbqCallRecord(seq=91, journey="purchase", args=("track", "Purchase"))]  # fmt: skip
    found = findings(_ctx(shop, events, *lock))
    assert [(f.code, f.source, f.cause, f.pixel_id) for f in found] == [
        ("EV001", "browser", "consent-lock", MAIN), ("EV001", "browser", "consent-lock", AGENCY)
    ]  # fmt: skip
    assert "1 queued" in (found[0].hint or "")


def test_ev008_meta_suppression_takes_over_ev001(shop: LoadedMap) -> None:
    events = [e for e in _purchase_journey() if e.ref not in ("b4", "b5")]
    line = ConsoleRecord(seq=77, journey="purchase", step=4, text="[Meta Pixel] RESTRICTED_EVENT")
    found = findings(_ctx(shop, events, line))
    assert [(f.code, f.severity) for f in found] == [("EV008", Severity.ERROR)]
    assert found[0].related


def test_dd003_double_fire_suppresses_ev009_and_retries_collapse(shop: LoadedMap) -> None:
    extra = hit("b6", "Purchase", "gtm-9", time=125.5, step=6, pixel=MAIN, custom_data=ORDER)
    found = findings(_ctx(shop, [*_purchase_journey(), extra]))
    assert [(f.code, f.severity) for f in found] == [("DD003", Severity.ERROR)]
    assert found[0].related  # the EV009 count it explains
    failed = replace(_purchase_journey()[-1], ref="s0", accepted=False, batch_ref="batch0",
                     time=125.5, seq=999)  # fmt: skip
    ctx = _ctx(shop, [*_purchase_journey()[:-1], failed, _purchase_journey()[-1]])
    assert ctx.by_ref()["s1"].attempts == 2
    assert ctx.retries == {"s1": ("s0",)}
    assert findings(ctx) == []


def test_dd003_info_for_a_resend_after_2xx(shop: LoadedMap) -> None:
    again = replace(_purchase_journey()[-1], ref="s2", batch_ref="batch2", time=127.0, seq=1002)
    found = findings(_ctx(shop, [*_purchase_journey(), again]))
    assert [(f.code, f.severity, f.source) for f in found] == [("DD003", Severity.INFO, "server")]


def test_ev009_thank_you_reload_but_dd004_exempt_for_per_order(shop: LoadedMap) -> None:
    reload = hit("b7", "Purchase", "order-1", time=142.0, step=8, pixel=MAIN, custom_data=ORDER)
    found = findings(_ctx(shop, [*_purchase_journey(), reload]))
    assert [(f.code, f.step) for f in found] == [("EV009", 7)]


def test_dd004_one_id_for_two_actions(shop: LoadedMap) -> None:
    events = _swap(_purchase_journey(), "b3", event_id="sid-1")
    again = hit("b8", "AddToCart", "sid-1", time=120.5, step=4, pixel=MAIN)
    found = findings(_ctx(shop, [*events, again]))
    assert [f.code for f in found] == ["DD004"]
    assert set(found[0].refs) == {"b3", "b8"}


def test_ev002_undeclared_event_but_not_automatic_or_history(shop: LoadedMap) -> None:
    extra = [
        hit("b9", "ViewCategory", time=101.2, step=0),
        hit("b10", "SubscribedButtonClick", time=110.2, step=2, trigger="automatic"),
        hit("b11", "PageView", time=112.0, step=2, trigger="history"),
    ]
    found = findings(_ctx(shop, [*_purchase_journey(), *extra]))
    assert [(f.code, f.subject, f.refs) for f in found] == [("EV002", "ViewCategory", ("b9",))]


def test_ev004_foreign_pixel_and_info_from_a_frame_or_ignored(shop: LoadedMap) -> None:
    stray = hit("b12", "Purchase", "order-1", time=125.0, step=6, pixel="555555555555555")
    found = findings(_ctx(shop, [*_purchase_journey(), stray]))
    assert [(f.code, f.severity, f.pixel_id) for f in found] == [
        ("EV004", Severity.ERROR, "555555555555555")
    ]


def test_ev006_production_pixel_in_a_staging_run(shop: LoadedMap) -> None:
    events = _swap(_purchase_journey(), "b2", pixel_id=PROD)
    found = findings(_ctx(shop, events))
    assert [f.code for f in found] == ["EV006"]  # not EV004, and EV001 (agency) suppressed
    assert found[0].related


def test_ev007_fan_out_to_a_role_that_does_not_list_the_key(shop: LoadedMap) -> None:
    extra = hit("b13", "AddToCart", time=111.5, step=3, pixel=AGENCY)
    found = findings(_ctx(shop, [*_purchase_journey(), extra]))
    assert [(f.code, f.pixel_id) for f in found] == [("EV007", AGENCY)]


def test_ev005_double_init_but_not_a_user_data_init(shop: LoadedMap) -> None:
    inits = [FbqCallRecord(seq=50 + i, journey="purchase", document="d1", args=args)
             for i, args in enumerate((("init", MAIN), ("init", MAIN)))]  # fmt: skip
    found = findings(_ctx(shop, _purchase_journey(), *inits))
    assert [(f.code, f.pixel_id) for f in found] == [("EV005", MAIN)]
    fine = [inits[0], FbqCallRecord(seq=52, journey="purchase", document="d1",
                                    args=("init", MAIN, {"em": "x"}))]  # fmt: skip
    assert findings(_ctx(shop, _purchase_journey(), *fine)) == []


def test_consent_replay_counts_once_and_is_never_a_duplicate(shop: LoadedMap) -> None:
    events = _swap(_purchase_journey(), "b1", trigger="consent_replay")
    assert findings(_ctx(shop, events)) == []


def test_forbid_fires_ev010_and_consent_violation_takes_over(tmp_path: Path) -> None:
    text = (
        load(tmp_path)
        .path.read_text()
        .replace("forbid: [web_purchase]", "forbid: [web_purchase, AddToCart]")
    )
    shop = load(tmp_path, text)
    records = timeline_records(shop, "rejected")
    events = [
        hit("b1", "AddToCart", time=101.0, step=0, journey="rejected"),
        hit("b2", "Purchase", "o-2", time=101.5, step=0, journey="rejected", custom_data=ORDER),
    ]
    ctx = context(shop, events, records)
    assert codes(ctx, "EV010") == ["EV010"]  # the AddToCart; the Purchase is PR004's
    assert "PR004" in codes(ctx, "PR004", "EV010")


def test_op003_blocked_pixel_script_takes_over_ev001(shop: LoadedMap) -> None:
    events = [e for e in _purchase_journey() if e.ref not in ("b4", "b5")]
    load = ScriptLoadRecord(
        seq=80, journey="purchase", step=4, time=120.5,
        url="https://connect.facebook.net/signals/plugins/identity.js", status=None,
    )  # fmt: skip
    found = findings(_ctx(shop, events, load), "EV001", "OP003")
    assert [f.code for f in found] == ["OP003"]
    assert found[0].related


def test_expectations_after_an_erroring_step_are_left_to_the_journey_error(
    shop: LoadedMap,
) -> None:
    # `click #pay` (step 4) failed: the journey stopped; its Purchase was never given a chance.
    events = [e for e in _purchase_journey() if e.ref not in ("b4", "b5", "s1")]
    records = [
        replace(r, status="error" if r.index == 4 else "skip" if r.index > 4 else r.status)
        if isinstance(r, StepRecord)
        else replace(r, status="error")
        if isinstance(r, JourneyRecord)
        else r
        for r in timeline_records(shop)
    ]
    assert codes(context(shop, events, records), "EV001") == []
    assert codes(context(shop, events, timeline_records(shop)), "EV001") == ["EV001"] * 3


def test_pa006_judges_expect_params_on_the_steps_the_runner_records(tmp_path: Path) -> None:
    asserted = MAP.replace(
        "      - expect: {web_purchase: {count: 1}}",
        "      - expect: {web_purchase: {count: 1, params: {value: 49.9, currency: EUR}}}",
    )
    assert asserted != MAP
    loaded = load(tmp_path, asserted)
    ok = findings(_ctx(loaded, _purchase_journey()), "PA006")
    assert ok == []
    cheap = {**ORDER, "value": "4.99"}
    wrong = _swap(_purchase_journey(), "b4", custom_data=cheap)
    (found,) = findings(_ctx(loaded, wrong), "PA006")
    assert (found.refs, found.subject, found.step) == (("b4",), "value", 4)
