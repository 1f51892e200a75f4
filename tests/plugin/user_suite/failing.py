"""A user's failing tests (copied as `test_failing.py`): each failure message is asserted."""

from __future__ import annotations

from playwright.sync_api import Page

from pixelproof.testing import Tracking

ORDER = "fetch('/order', {method: 'POST', body: JSON.stringify({order: '%s'})})"


def test_missing_event(page: Page, tracking: Tracking) -> None:
    page.goto("/shop.html")
    tracking.expect_event("CompleteRegistration", within=0.5)


def test_wrong_params(page: Page, tracking: Tracking) -> None:
    page.goto("/shop.html")
    page.click("#buy")
    tracking.expect_event("Purchase", params={"value": 29.99, "currency": "EUR"}, within=1)


def test_different_ids(page: Page, tracking: Tracking) -> None:
    page.goto("/shop.html")
    page.evaluate("fbq('track', 'Purchase', {value: 5, currency: 'USD'}, {eventID: 'ord-A'})")
    page.evaluate(ORDER % "ord-B")
    tracking.expect_deduplicated("Purchase", within=1.5)


def test_server_never_sent(page: Page, tracking: Tracking) -> None:
    page.goto("/shop.html")
    tracking.expect_event("Purchase", source="server", within=0.3)


def test_unwanted_event(page: Page, tracking: Tracking) -> None:
    page.goto("/shop.html")
    page.click("#buy")
    tracking.expect_no_event("Purchase", within=3)


def test_fired_twice(page: Page, tracking: Tracking) -> None:
    page.goto("/shop.html")
    page.evaluate("for (const i of [1, 2]) fbq('track', 'AddToCart', {}, {eventID: 'atc'})")
    page.evaluate("fbq('trackCustom', 'Marker')")
    tracking.expect_event("Marker")  # hits arrive in order: both copies are in by now
    tracking.expect_event("AddToCart", count=1, within=1)
