"""Attribution by identity keys (strongest first), browser step windows, retry collapsing."""

from __future__ import annotations

import hashlib

from pixelproof.meta.attribution import (
    JourneyIdentity,
    attribute_browser_event,
    attribute_server_event,
    build_index,
    persona_values,
)
from pixelproof.meta.retries import collapse_retries, resent_after_success
from pixelproof.meta.timeline import RawStep, Timeline, extends, timeline
from tests.factories import capi, hit

FBP_A, FBP_B = "fb.1.1700000000000.111", "fb.1.1700000000000.222"


def _line(name: str, start: float, end: float | None) -> Timeline:
    steps = [
        RawStep(0, "goto /product/42#1", "goto /product/42", start, start + 2),
        RawStep(1, "expect PageView#1", "expect", start + 2, start + 4),
        RawStep(2, "pay", "click #pay", start + 10, start + 11),
        RawStep(3, "wait url#1", "wait", start + 11, start + 14),
        RawStep(4, "expect web_purchase#1", "expect", start + 14, start + 20),
    ]
    return timeline(name, steps, started=start, ended=end)


def _identity(name: str, start: float, end: float | None, **kw: object) -> JourneyIdentity:
    return JourneyIdentity(name, _line(name, start, end), **kw)  # type: ignore[arg-type]


INDEX = build_index(
    [
        _identity("purchase", 100.0, 130.0, token="run1.purchase", fbps=frozenset({FBP_A}),
                  ids={"order-1": 2}, persona=persona_values({"email": " Jane@Example.com "}),
                  open_until=160.0),
        _identity("lead", 120.0, 150.0, token="run1.lead", fbps=frozenset({FBP_B}),
                  persona=persona_values({"email": "jane@example.com"}), open_until=180.0),
    ]
)  # fmt: skip


def _server(**kw: object) -> tuple[str | None, int | None, str, tuple[str, ...] | None]:
    event = capi("s1", journey=None, step=None, **kw)  # type: ignore[arg-type]
    done, how = attribute_server_event(event, INDEX)
    return done.journey, done.step, how.method, how.conflict


def test_ua_tag_wins_and_a_disagreeing_fbp_is_a_conflict() -> None:
    ua = {"client_user_agent": "Mozilla/5.0 HeadlessChrome pixelproof/run1.lead"}
    journey, _, method, conflict = _server(user_data=ua, fbp=FBP_A, time=125.0)
    assert (journey, method, conflict) == ("lead", "user_agent", ("fbp:purchase",))


def test_fbp_then_event_id_gives_the_step_of_the_browser_twin() -> None:
    assert _server(fbp=FBP_A, time=140.0)[:3] == ("purchase", 2, "fbp")
    assert _server(event_id="order-1", time=500.0)[:3] == ("purchase", 2, "event_id")
    order = {"order_id": "order-1"}
    assert _server(custom_data=order, time=None)[:3] == ("purchase", 2, "event_id")


def test_persona_hash_narrowed_by_time_and_echo_header() -> None:
    em = hashlib.sha256(b"jane@example.com").hexdigest()
    # both journeys share the persona; the time key (only lead open at 170) decides
    assert _server(user_data={"em": [em]}, time=170.0)[:3] == ("lead", 2, "time")
    assert _server(custom_data={"pixelproof": "run1.purchase"}, time=None)[2] == "echo"


def test_time_only_while_exactly_one_window_fits_else_unattributed_with_candidates() -> None:
    assert _server(time=105.0)[:3] == ("purchase", 0, "time")
    event = capi("s1", journey=None, step=None, time=125.0)
    done, how = attribute_server_event(event, INDEX)
    assert done.journey is None
    assert (how.method, how.candidates) == ("unattributed", ("lead", "purchase"))
    assert _server(time=1000.0)[:3] == (None, None, "unattributed")


def test_live_and_check_agree_windows_open_at_capture_time() -> None:
    live = build_index([_identity("purchase", 100.0, None)])  # still running: open window
    event = capi("s1", journey=None, step=None, time=300.0)
    assert attribute_server_event(event, live)[0].journey == "purchase"
    done = build_index([_identity("purchase", 100.0, 130.0, open_until=160.0)])
    assert attribute_server_event(event, done)[0].journey is None


def test_expect_and_wait_extend_the_action_step_before_them() -> None:
    line = _line("purchase", 100.0, 130.0)
    assert [w.index for w in line.steps] == [0, 2]
    assert line.action_step(4) == 2
    assert line.action_step(1) == 0
    assert extends("expect")
    assert extends("wait", "")
    assert not extends("click #pay")
    recorded = hit("b1", journey="purchase", step=4, time=115.0)
    done, how = attribute_browser_event(recorded, {"purchase": line})
    assert (done.step, how and how.method) == (2, "recorded")
    loose = hit("b2", journey=None, step=None, time=113.0)
    done, how = attribute_browser_event(loose, {"purchase": line})
    assert (done.journey, done.step, how and how.method) == ("purchase", 2, "time")


def test_browser_hits_in_two_open_journeys_stay_unattributed() -> None:
    lines = {"a": _line("a", 100.0, 130.0), "b": _line("b", 110.0, 140.0)}
    done, how = attribute_browser_event(hit("b1", journey=None, step=None, time=120.0), lines)
    assert done.journey is None
    assert how is not None
    assert how.candidates == ("a", "b")
    assert attribute_browser_event(hit("b2", journey=None), {})[1] is None


def test_retries_after_non_2xx_collapse_resends_after_2xx_do_not() -> None:
    first = capi("s1", event_id="o1", accepted=False, event_time=1, batch_ref="batch1")
    retry = capi("s2", event_id="o1", accepted=True, event_time=2, batch_ref="batch2")
    again = capi("s3", event_id="o1", accepted=True, event_time=3, batch_ref="batch3")
    out = collapse_retries([first, retry, again])
    assert [(e.ref, e.attempts) for e in out.events] == [("s2", 2), ("s3", 1)]
    assert out.merged == {"s2": ("s1",)}
    assert resent_after_success(out.events[0], out.events[1])


def test_no_response_retries_chain_and_same_batch_copies_stay() -> None:
    a = capi("s1", event_id="o1", accepted=None, batch_ref="batch1")
    b = capi("s2", event_id="o1", accepted=None, batch_ref="batch2")
    c = capi("s3", event_id="o1", accepted=True, batch_ref="batch3")
    out = collapse_retries([a, b, c])
    assert [(e.ref, e.attempts) for e in out.events] == [("s3", 3)]
    assert out.merged == {"s3": ("s1", "s2")}
    twin = capi("s4", event_id="o1", accepted=False, batch_ref="batch1")
    assert len(collapse_retries([a, twin]).events) == 2
    other = capi("s5", event_id="o1", accepted=True, batch_ref="batch9", custom_data={"v": 1})
    assert len(collapse_retries([a, other]).events) == 2
