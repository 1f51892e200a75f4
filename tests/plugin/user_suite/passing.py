"""A user's passing tests (copied as `test_passing.py` into the subprocess suite)."""

from __future__ import annotations

from playwright.sync_api import Page

from pixelproof.testing import ServerView, Tracking
from tests.live.site import Shop

PIXEL = "111111111111111"


def test_purchase_is_deduplicated(page: Page, tracking: Tracking) -> None:
    page.goto("/shop.html")
    tracking.expect_event("PageView", pixel=PIXEL)
    page.click("#buy")
    (hit,) = tracking.expect_event("Purchase", params={"value": "19.990", "currency": "usd"})
    assert hit.event_id is not None
    assert hit.event_id.startswith("order-")
    tracking.expect_event("Purchase", source="server", event_id=hit.event_id, count=1)
    browser, server = tracking.expect_deduplicated("Purchase")
    assert (browser.ref, server.ref, server.event_id) == (hit.ref, "s1", hit.event_id)
    tracking.expect_no_event("Lead", source="both", within=0.2)


def test_each_test_sees_only_its_own_events(page: Page, tracking: Tracking) -> None:
    assert tracking.events() == ()
    page.goto("/shop.html")
    (view,) = tracking.expect_event("PageView")
    assert view.ref == "b1"


def test_form_posts_and_beacons_are_captured(page: Page, tracking: Tracking) -> None:
    page.goto("/shop.html")
    page.evaluate("fbq('track', 'ViewContent', {note: 'x'.repeat(3000)}, {eventID: 'vc-1'})")
    (post,) = tracking.expect_event("ViewContent", event_id="vc-1")
    page.evaluate("fbq('set', 'transport', 'beacon'); fbq('track', 'Lead', {value: 5})")
    (beacon,) = tracking.expect_event("Lead", params={"value": 5})
    assert (post.transport, beacon.transport) == ("form_post", "beacon")
    assert [e.name for e in tracking.events("browser")] == ["PageView", "ViewContent", "Lead"]


def test_own_routes_run_while_the_server_is_awaited(page: Page, tracking: Tracking) -> None:
    page.route("**/order", lambda route: route.continue_())  # runs only inside Playwright calls
    page.goto("/shop.html")
    page.evaluate("setTimeout(() => document.getElementById('buy').click(), 200)")
    tracking.expect_event("Purchase", source="server", within=3)  # the click comes meanwhile


def test_a_backend_that_posts_late(page: Page, tracking: Tracking, shop: Shop) -> None:
    shop.capi_delay = 1.5  # its server Purchase lands while the next test runs
    try:
        page.goto("/shop.html")
        page.click("#buy")
        tracking.expect_event("Purchase")
        page.wait_for_selector("#thanks")  # the order reached the backend
    finally:
        shop.capi_delay = 0.3


def test_leaves_the_late_batch_out(tracking: Tracking, capi_events: ServerView) -> None:
    tracking.expect_no_event("Purchase", source="server", within=2.5)
    assert [(e.name, e.source) for e in capi_events.late] == [("Purchase", "server")]
