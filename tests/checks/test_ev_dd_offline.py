"""EV/DD rules on journey-less evidence (a HAR and CAPI logs), and the suppression joins."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest

from pixelproof.checks import REGISTRY, by_code
from pixelproof.checks.base import Check, CheckContext, Draft, Need
from pixelproof.checks.runner import run_checks
from pixelproof.config.load import LoadedMap
from pixelproof.meta.event import ObservedEvent
from pixelproof.result import CheckStatus, Severity
from tests.checks.scenario import MAIN, MAP, context, findings, load
from tests.factories import NOW, capi, hit

OFFLINE = (Need.BROWSER, Need.SERVER)
FBP = "fb.1.1700000000000.77"
DUAL_PAGEVIEW = MAP.replace(
    "PageView: {sources: [browser]}", "PageView: {sources: [browser, server], event_id: shared}"
)


@pytest.fixture
def shop(tmp_path: Path) -> LoadedMap:
    return load(tmp_path)


def _loose(**kw: object) -> dict[str, object]:
    return {"journey": None, "step": None, **kw}


def test_timeline_rules_are_not_applicable_without_journeys(shop: LoadedMap) -> None:
    ctx = context(shop, [hit("b1", "Purchase", "o1", **_loose())], sources=OFFLINE)  # type: ignore[arg-type]
    status = {c.code: c.status for c in run_checks(ctx, REGISTRY).checks}
    assert status["EV009"] is CheckStatus.NOT_APPLICABLE
    assert status["EV010"] is CheckStatus.NOT_APPLICABLE
    assert status["EV005"] is CheckStatus.NOT_APPLICABLE
    assert status["DD003"] is CheckStatus.PASS


def test_pair_trigger_ev001_and_dd008_on_a_day_of_logs(shop: LoadedMap) -> None:
    late = 49 * 3600.0
    events = [
        hit("b1", "Purchase", "o1", fbp=FBP, **_loose(time=100.0)),  # type: ignore[arg-type]
        capi("s1", "Purchase", "o1", fbp=FBP, **_loose(time=100.0 + late)),  # type: ignore[arg-type]
        hit("b2", "Purchase", "o2", fbp=FBP, **_loose(time=200.0)),  # type: ignore[arg-type]
    ]
    found = findings(context(shop, events, sources=OFFLINE))
    assert [(f.code, f.source, f.refs) for f in found] == [
        ("DD008", "server", ("b1", "s1")),
        ("EV001", "server", ("b2",)),
    ]


def test_strangers_server_events_are_not_missing_their_browser_twin(shop: LoadedMap) -> None:
    events = [
        hit("b1", "Purchase", "o1", fbp=FBP, **_loose()),  # type: ignore[arg-type]
        capi("s1", "Purchase", "o1", fbp=FBP, **_loose()),  # type: ignore[arg-type]
        capi("s2", "Purchase", "o9", fbp="fb.1.1700000000000.99", **_loose(time=300.0)),  # type: ignore[arg-type]
    ]
    assert findings(context(shop, events, sources=OFFLINE)) == []


def test_dd009_fallback_dedup_server_first(shop: LoadedMap) -> None:
    events = [
        capi("s1", "Lead", None, fbp=FBP, **_loose(time=100.0)),  # type: ignore[arg-type]
        hit("b1", "Lead", None, fbp=FBP, **_loose(time=102.0)),  # type: ignore[arg-type]
    ]
    ctx = context(shop, events, sources=OFFLINE)
    assert [(p.status, p.basis, p.order) for p in ctx.pairs] == [
        ("fallback-dedup", "fbp", "server-first")
    ]
    assert [f.code for f in findings(ctx)] == ["DD009"]
    fine = [events[1], capi("s1", "Lead", None, fbp=FBP, **_loose(time=104.0))]  # type: ignore[arg-type]
    assert findings(context(shop, fine, sources=OFFLINE)) == []


def test_dd010_server_pageview_for_a_route_change(tmp_path: Path) -> None:
    shop = load(tmp_path, DUAL_PAGEVIEW)
    events = [
        hit("b1", "PageView", "pv-1", **_loose(time=100.0)),  # type: ignore[arg-type]
        capi("s1", "PageView", "pv-1", **_loose(time=100.5)),  # type: ignore[arg-type]
        hit("b2", "PageView", None, trigger="history", **_loose(time=110.0)),  # type: ignore[arg-type]
        capi("s2", "PageView", "pv-2", **_loose(time=110.4)),  # type: ignore[arg-type]
    ]
    found = findings(context(shop, events, sources=OFFLINE))
    assert [(f.code, f.refs) for f in found] == [("DD010", ("b2", "s2"))]  # no DD001 on b2


def test_dd001_exempts_route_change_and_unknown_pageviews(tmp_path: Path) -> None:
    shop = load(tmp_path, DUAL_PAGEVIEW)
    events = [
        hit("b1", "PageView", None, **_loose(time=100.0)),  # type: ignore[arg-type]
        hit("b2", "PageView", None, trigger="hash", **_loose(time=101.0)),  # type: ignore[arg-type]
        hit("b3", "PageView", None, trigger="unknown", **_loose(time=102.0)),  # type: ignore[arg-type]
    ]
    found = findings(context(shop, events, sources=(Need.BROWSER,)), "DD001")
    assert [(f.code, f.refs) for f in found] == [("DD001", ("b1",))]


def test_dd004_strangers_share_an_id_and_dd006_takes_over_placeholders(shop: LoadedMap) -> None:
    events = [
        hit("b1", "AddToCart", "cart", fbp=FBP, **_loose()),  # type: ignore[arg-type]
        hit("b2", "AddToCart", "cart", fbp="fb.1.1700000000000.5", **_loose()),  # type: ignore[arg-type]
    ]
    assert [f.code for f in findings(context(shop, events, sources=OFFLINE))] == ["DD004"]
    events = [
        hit("b1", "AddToCart", "undefined", fbp=FBP, **_loose()),  # type: ignore[arg-type]
        hit("b2", "AddToCart", "undefined", fbp="fb.1.1700000000000.5", **_loose()),  # type: ignore[arg-type]
    ]
    assert [f.code for f in findings(context(shop, events, sources=OFFLINE))] == ["DD006"] * 2


def test_fan_out_to_several_pixels_is_not_a_duplicate_or_a_reuse(shop: LoadedMap) -> None:
    events = [
        hit("b1", "Purchase", "o1", fbp=FBP, pixel=MAIN, **_loose()),  # type: ignore[arg-type]
        hit("b2", "Purchase", "o1", fbp=FBP, pixel="333333333333333", **_loose()),  # type: ignore[arg-type]
        capi("s1", "Purchase", "o1", fbp=FBP, pixel=MAIN, **_loose()),  # type: ignore[arg-type]
    ]
    assert findings(context(shop, events, sources=OFFLINE)) == []


def test_ev004_info_for_an_ignored_pixel(tmp_path: Path) -> None:
    shop = load(
        tmp_path, MAP.replace("pixels:\n  main:", 'pixels:\n  ignore: ["555555555555555"]\n  main:')
    )
    events = [hit("b1", "Purchase", "o1", pixel="555555555555555", **_loose())]  # type: ignore[arg-type]
    found = findings(context(shop, events, sources=(Need.BROWSER,)), "EV004")
    assert [(f.code, f.severity) for f in found] == [("EV004", Severity.INFO)]


def _winner(ctx: CheckContext) -> Iterator[Draft]:
    yield Draft(message="cause", joins=("script:purchase",))


def _loser(ctx: CheckContext) -> Iterator[Draft]:
    yield Draft(message="effect", refs=("b1",), joins=("script:purchase",))


def test_runner_suppresses_by_join_keys_as_well_as_refs() -> None:
    base = by_code("EV001")
    assert base is not None
    win = Check("OP003", "w", Severity.WARNING, frozenset({Need.BROWSER}), _winner, "x.",
                suppresses=("EV001",))  # fmt: skip
    lose = Check("EV001", "l", Severity.ERROR, frozenset({Need.BROWSER}), _loser, "x.")
    ctx = CheckContext(now=NOW, available=frozenset({Need.BROWSER}))
    out = run_checks(ctx, (lose, win))
    assert [f.code for f in out.findings] == ["OP003"]
    assert out.findings[0].related


def _burst(
    gap: float, ids: tuple[str | None, str | None], url2: str = "https://shop.test/p"
) -> list[ObservedEvent]:
    """Two journey-less browser AddToCart copies from one visitor, `gap` seconds apart."""
    first = hit("b1", "AddToCart", ids[0], time=100.0, journey=None, step=None, fbp=FBP,
                url="https://shop.test/p")  # fmt: skip
    second = hit(
        "b2", "AddToCart", ids[1], time=100.0 + gap, journey=None, step=None, fbp=FBP, url=url2
    )
    return [first, second]


@pytest.mark.parametrize("ids", [("atc-a", "atc-b"), (None, None), ("atc-a", None)])
def test_dd003_one_page_sending_twice_without_journeys(
    shop: LoadedMap, ids: tuple[str | None, str | None]
) -> None:
    """Regression (scenario fixture): two tags firing one Lead with their own IDs were missed."""
    found = findings(context(shop, _burst(0.002, ids), sources=OFFLINE))
    assert [(f.code, f.severity, f.refs) for f in found] == [
        ("DD003", Severity.ERROR, ("b1", "b2"))
    ]


def test_dd003_journey_less_bursts_need_one_page_and_the_quiet_window(shop: LoadedMap) -> None:
    assert findings(context(shop, _burst(5.0, ("atc-a", "atc-b")), sources=OFFLINE)) == []
    other_page = _burst(0.002, ("atc-a", "atc-b"), url2="https://shop.test/q")
    assert findings(context(shop, other_page, sources=OFFLINE)) == []
    same_id_later = _burst(600.0, ("atc-a", "atc-a"))
    assert [
        (f.code, f.severity) for f in findings(context(shop, same_id_later, sources=OFFLINE))
    ] == [("DD003", Severity.WARNING)]
