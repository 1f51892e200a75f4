"""meta/pixel.py on real fbevents.js captures (fixtures/captures) and hostile input."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from hypothesis import given
from hypothesis import strategies as st

from pixelproof.evidence.model import BrowserHit
from pixelproof.meta.event import ObservedEvent, Trigger
from pixelproof.meta.pixel import hit_kind, parse_browser_hits, parse_pixel_hit

CAPTURES = Path(__file__).resolve().parents[2] / "fixtures" / "captures"


def _hits(version: str) -> list[tuple[str, BrowserHit]]:
    data = json.loads((CAPTURES / f"pixel-requests-{version}.json").read_text())
    out = []
    for i, e in enumerate(data["log"], 1):
        if e["kind"] != "tr":
            continue
        headers = {"content-type": e["ctype"]} if e.get("ctype") else {}
        hit = BrowserHit(
            seq=i, method=e["method"], url=e["url"], body=e.get("body"), headers=headers
        )
        out.append((e["step"], hit))
    return out


def _events(version: str) -> list[tuple[str, ObservedEvent]]:
    steps = _hits(version)
    events = list(parse_browser_hits(h for _, h in steps))
    return [(step, ev) for (step, _), ev in zip(steps, events, strict=True)]


@pytest.mark.parametrize("version", ["2.9.15", "2.9.252"])
def test_real_captures_parse_without_problems(version: str) -> None:
    events = _events(version)
    assert all(ev.problems == () for _, ev in events)
    assert [ev.ref for _, ev in events] == [f"b{i}" for i in range(1, len(events) + 1)]
    by_step: dict[str, list[ObservedEvent]] = {}
    for step, ev in events:
        by_step.setdefault(step, []).append(ev)
    pixel = "2222222222222222" if version == "2.9.15" else "111111111111111"
    assert {ev.pixel_id for _, ev in events} == {pixel}
    (eid4,) = by_step["purchase_eid4"]
    assert (eid4.name, eid4.event_id, eid4.custom_data) == (
        "Purchase",
        "order-42",
        {"value": "19.99", "currency": "USD"},
    )
    (eid3,) = by_step["purchase_eid3"]
    assert eid3.event_id is None
    assert eid3.custom_data["eventID"] == "order-43"
    (long,) = by_step["purchase_long"]
    assert long.transport == "form_post"
    assert long.event_id == "order-44"
    contents = long.custom_data["contents"]
    assert isinstance(contents, list)
    assert len(contents) == 40
    assert [ev.name for ev in by_step["burst3"]] == ["ViewContent", "AddToCart", "MyCustom"]
    assert by_step["burst3"][0].custom_data["content_ids"] == ["MUG-1"]
    load = by_step["load"]
    assert [(e.name, e.trigger) for e in load] == [
        ("PageView", Trigger.EXPLICIT),
        ("Microdata", Trigger.AUTOMATIC),
    ]
    assert load[0].fbp
    assert load[0].fbp.startswith("fb.3.")
    assert load[0].ts is not None
    assert load[0].params["v"] == version
    assert by_step["click_button"][0].trigger == Trigger.AUTOMATIC
    assert by_step["click_button"][0].params["tm"] == "3"
    assert by_step["click_link"][-1].trigger == Trigger.HASH


def test_new_parameters_are_kept_raw() -> None:
    (_, first), *_ = _events("2.9.252")
    for name in ("expv2[0]", "ler", "cdl", "hmd", "pid", "o", "ec", "rqm", "coo", "it"):
        assert name in first.params
    click = next(ev for s, ev in _events("2.9.15") if s == "click_button")
    assert click.user_data_auto == {"em": click.user_data_auto["em"]}


def test_encoded_bracket_names_and_ud_and_body_over_query() -> None:
    hit = BrowserHit(
        method="POST",
        url="https://www.facebook.com/tr/?id=1&ev=Lead&cd%5Bvalue%5D=1",
        headers={"content-type": "application/x-www-form-urlencoded"},
        body="ev=Purchase&cd%5Bvalue%5D=2&ud%5Bem%5D=abc&eid%5B%5D=e-1&a=tmgoogle&fbc=fb.1.2.x",
    )
    (ev,) = parse_pixel_hit(hit)
    assert ev.name == "Purchase"
    assert ev.params["?ev"] == "Lead"
    assert ev.custom_data == {"value": "2"}
    assert ev.params["?cd[value]"] == "1"
    assert ev.user_data == {"em": "abc"}
    assert ev.event_id == "e-1"
    assert ev.partner_agent == "tmgoogle"
    assert ev.fbc == "fb.1.2.x"
    assert ev.transport == "post"


def test_privacy_sandbox_noscript_and_other_requests() -> None:
    sandbox = BrowserHit(
        url="https://www.facebook.com/privacy_sandbox/pixel/register/trigger/?id=1&ev=Purchase&v=2&ts=1&rqm=FGET"
    )
    assert parse_pixel_hit(sandbox)[0].trigger == Trigger.PRIVACY_SANDBOX
    noscript = BrowserHit(url="https://www.facebook.com/tr?id=1&ev=PageView&noscript=1")
    assert parse_pixel_hit(noscript)[0].trigger == Trigger.NOSCRIPT
    assert parse_pixel_hit(BrowserHit(url="https://example.com/app.js")) == ()
    assert hit_kind("https://proxy.example/tr/?id=1") == "tr"


def test_history_and_unknown_pageviews_from_the_event_counter() -> None:
    base = "https://www.facebook.com/tr/?id=1&ev=PageView&v=2&ts=1"
    hits = [
        BrowserHit(url=f"{base}&ec=0&dl=https%3A%2F%2Fs%2Fa"),
        BrowserHit(url=f"{base}&ec=1&dl=https%3A%2F%2Fs%2Fb"),
        BrowserHit(url=f"{base}&ec=2&dl=https%3A%2F%2Fs%2Fb"),
        BrowserHit(url=f"{base}&ec=3&dl=https%3A%2F%2Fs%2Fb&eid=pv-1"),
        BrowserHit(url=f"{base}&ec=9&dl=https%3A%2F%2Fs%2Fc", journey="other"),
    ]
    triggers = [ev.trigger for ev in parse_browser_hits(hits)]
    assert triggers == [
        Trigger.EXPLICIT,
        Trigger.HISTORY,
        Trigger.UNKNOWN,
        Trigger.EXPLICIT,
        Trigger.UNKNOWN,
    ]


def test_malformed_hits_are_events_with_reasons() -> None:
    (ev,) = parse_pixel_hit(BrowserHit(url="https://www.facebook.com/tr/?ts=abc&cd[x]=%7Bbad&v=1"))
    text = " ".join(ev.problems)
    assert "'id'" in text
    assert "'ev'" in text
    assert "ts:" in text
    assert "cd[x]" in text
    (ev,) = parse_pixel_hit(
        BrowserHit(
            method="POST",
            url="https://www.facebook.com/tr/",
            headers={"content-type": "multipart/form-data"},
            body="x",
        )
    )
    assert any("boundary" in p for p in ev.problems)


urls = st.builds(
    lambda path, q: f"https://www.facebook.com{path}?{q}",
    st.sampled_from(["/tr", "/tr/", "/privacy_sandbox/pixel/register/trigger/", "/x"]),
    st.text(max_size=300),
)


@given(
    urls,
    st.sampled_from(["GET", "POST"]),
    st.one_of(st.none(), st.text(max_size=300)),
    st.sampled_from(
        [None, "application/x-www-form-urlencoded", "multipart/form-data; boundary=b", "text/plain"]
    ),
)
def test_parse_pixel_hit_is_total(
    url: str, method: str, body: str | None, ctype: str | None
) -> None:
    headers = {"content-type": ctype} if ctype else {}
    hit = BrowserHit(url=url, method=method, body=body, headers=headers)
    for ev in parse_browser_hits([hit, hit]):
        assert ev.ref.startswith("b")
        assert ev.trigger in set(Trigger)
        if not ev.name:
            assert ev.problems


@given(st.text(alphabet="ab%2B+=&;[]5Dé x", max_size=60))
def test_the_one_decoder_matches_parse_qsl(text: str) -> None:
    from urllib.parse import parse_qsl

    from pixelproof.meta.wire import decode_pairs

    assert decode_pairs(text) == tuple(parse_qsl(text, keep_blank_values=True, errors="replace"))


@given(st.text(alphabet="%0123456789abcdefABCDEFGxyz=+é\n \t", min_size=250, max_size=400))
def test_the_fast_path_for_long_values_decodes_like_unquote(text: str) -> None:
    from urllib.parse import unquote

    from pixelproof.meta.wire import decode_pairs

    value = text.replace("&", "").replace("=", "%3D")
    expected = unquote(value.replace("+", " "), errors="replace")
    assert decode_pairs("d=" + value) == (("d", expected),)
