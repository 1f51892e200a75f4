"""The HAR path with a real Chromium: record the scenario shop now, read it like the fixture.

Playwright drives the browser (PIXELPROOF_BROWSER, else /usr/bin/chromium) through the pages of
fixtures/pages/scenario/, served from 127.0.0.1; only the Pixel endpoint and the base code's
`fbevents.js` (answered with our stand-in) are routed, every other host is unresolvable. The
fresh HAR must give what fixtures/scenario/shop.har gives: the same event names, IDs,
transports (the long Purchase as a hidden-iframe form POST) and pages.

No browser: a failure when PIXELPROOF_REQUIRE_BROWSER=1 (CI), else a skip.
"""

from __future__ import annotations

import functools
import os
import re
import threading
from collections.abc import Callable, Iterator
from contextlib import ExitStack
from http.server import SimpleHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from urllib.parse import urlsplit

import pytest

from pixelproof.demo import standin_script
from pixelproof.evidence.model import BrowserHit
from pixelproof.evidence.sources.har import HarSource
from pixelproof.meta.event import ObservedEvent
from pixelproof.meta.pixel import parse_browser_hits

pytestmark = [pytest.mark.browser, pytest.mark.timeout(60)]

ROOT = Path(__file__).resolve().parents[2]
PAGES = ROOT / "fixtures/pages/scenario"
FIXTURE = ROOT / "fixtures/scenario/shop.har"
PIXEL = re.compile(r"^https://www\.facebook\.com/tr([/?]|$)")
FBEVENTS = "https://connect.facebook.net/en_US/fbevents.js"
GIF = bytes.fromhex(
    "47494638396101000100800000000000ffffff21f90401000000002c00000000010001000002024401003b"
)
WAIT_MS = 10_000
Row = tuple[str | None, str | None, str, str | None, str]

# (action, the Pixel hits it must cause) — the visit record_scenario.py makes
JOURNEY: tuple[tuple[str, str, tuple[tuple[str, str | None], ...]], ...] = (
    ("goto", "mug.html", (("PageView", None), ("ViewContent", "vc-mug-1"))),
    ("click", "#add", (("AddToCart", "atc-mug-1"),)),
    ("goto", "teapot.html", (("PageView", None), ("ViewContent", "vc-pot-7"))),
    ("click", "#add", (("AddToCart", "atc-pot-7"),)),
    ("click", "#cart", (("PageView", None), ("InitiateCheckout", "ic-theme-5a1"))),
    ("click", "#pay", (("PageView", None), ("Purchase", "SO-1001"))),
    ("click", "#reorder", (("PageView", None), ("Purchase", "SO-1002"))),
    ("goto", "register.html", (("PageView", None),)),
    ("click", "#register", (("CompleteRegistration", "reg-jane-1"),)),
    ("click", "#subscribe", (("Subscribe", "sub-jane-1"),)),
    ("click", "#signup", (("Lead", "lead-theme-3f1"), ("Lead", "lead-gtm-9d2"))),
)


def find_browser() -> str:
    path = os.environ.get("PIXELPROOF_BROWSER") or "/usr/bin/chromium"
    if Path(path).is_file() and os.access(path, os.X_OK):
        return path
    why = f"no Chromium at {path} (set PIXELPROOF_BROWSER)"
    if os.environ.get("PIXELPROOF_REQUIRE_BROWSER") == "1":
        pytest.fail(why + "; PIXELPROOF_REQUIRE_BROWSER=1 forbids skipping")
    pytest.skip(why)


def launch_args() -> list[str]:
    args = [
        "--disable-gpu",
        "--disable-background-networking",
        "--disable-component-update",
        "--disable-sync",
        "--no-first-run",
        "--disable-quic",
        "--disable-dev-shm-usage",
        "--host-resolver-rules=MAP * ~NOTFOUND, EXCLUDE 127.0.0.1",
    ]
    return ["--no-sandbox", *args] if os.geteuid() == 0 else args


class QuietHandler(SimpleHTTPRequestHandler):
    def log_message(self, *args: object) -> None:
        return


@pytest.fixture
def shop_url() -> Iterator[str]:
    handler = functools.partial(QuietHandler, directory=str(PAGES))
    server = ThreadingHTTPServer(("127.0.0.1", 0), handler)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        yield f"http://127.0.0.1:{server.server_address[1]}"
    finally:
        server.shutdown()
        server.server_close()
        thread.join(timeout=5)


def rows(path: Path) -> list[Row]:
    """(name, event ID, transport, trigger, page path + query) of every Pixel event in a HAR."""
    source = HarSource(path)
    hits = [r for r in source.records() if isinstance(r, BrowserHit)]
    assert source.problems == []
    return [_row(e) for e in parse_browser_hits(hits)]


def _row(e: ObservedEvent) -> Row:
    page = urlsplit(e.url or "")
    return (e.name, e.event_id, e.transport, e.trigger, page.path + "?" + page.query)


def record(chromium: str, base: str, har: Path) -> None:
    from playwright.sync_api import Request, Route, sync_playwright

    def answer_pixel(route: Route) -> None:
        gif = route.request.method == "GET"
        route.fulfill(status=200, content_type="image/gif" if gif else "text/html", body=GIF)

    def serve_standin(route: Route) -> None:
        route.fulfill(status=200, content_type="application/javascript", body=standin_script())

    def is_hit(ev: str, eid: str | None) -> Callable[[Request], bool]:
        def match(r: Request) -> bool:
            text = r.url + "&" + (r.post_data or "")
            return (
                bool(PIXEL.match(r.url))
                and f"&ev={ev}&" in text
                and (eid is None or f"&eid={eid}&" in text)
            )

        return match

    with sync_playwright() as pw:
        browser = pw.chromium.launch(executable_path=chromium, args=launch_args())
        try:
            context = browser.new_context(record_har_path=str(har), record_har_content="embed")
            context.route(PIXEL, answer_pixel)
            context.route(FBEVENTS, serve_standin)
            page = context.new_page()
            for action, target, wanted in JOURNEY:
                with ExitStack() as waits:
                    for ev, eid in wanted:
                        waits.enter_context(page.expect_request(is_hit(ev, eid), timeout=WAIT_MS))
                    if action == "goto":
                        page.goto(f"{base}/{target}", timeout=WAIT_MS)
                    else:
                        page.click(target, timeout=WAIT_MS)
            context.close()
        finally:
            browser.close()


def test_a_fresh_chromium_har_reads_like_the_committed_fixture(
    tmp_path: Path, shop_url: str
) -> None:
    chromium = find_browser()
    har = tmp_path / "live.har"
    record(chromium, shop_url, har)
    live, fixture = rows(har), rows(FIXTURE)
    explicit = [r for r in live if r[3] == "explicit"]
    assert explicit == [r for r in fixture if r[3] == "explicit"]
    # Meta's automatic button-click hits race with the click's navigation: compared as a set.
    assert {r[:4] for r in live} == {r[:4] for r in fixture}
    long = [r for r in live if r[2] == "form_post"]
    assert long == [("Purchase", "SO-1002", "form_post", "explicit", "/thanks.html?order=SO-1002")]
    assert {r[2] for r in live} == {"get", "form_post"}
