"""pytest fixtures for existing Playwright test suites: assert Pixel + CAPI tracking in tests.

Auto-loaded through the `pytest11` entry point `pixelproof`; it adds no autouse fixture and
imports nothing heavy until a test asks for one of its fixtures (needs pytest-playwright for
the browser half). Full guide with a complete example: docs/pytest-plugin.md.

Fixtures:

* `pixelproof_sink` (session) — the local Conversions API sink (`SinkHandle`): a Graph-
  compatible endpoint on its own thread. Point the app under test's Graph base URL at
  `pixelproof_sink.url` (`{url}/v25.0/{pixel}/events`) before it starts.
* `capi_events` — this test's view of the sink: only the batches recorded since the test began.
* `pixel_hits` — attached to pytest-playwright's `context`: routes only the Pixel endpoints
  (answered locally with a 1×1 GIF) and captures every `/tr` hit of every frame and page.
* `tracking` — both halves with waiting assertions: `expect_event(name, *, pixel, params,
  event_id, source="browser"|"server"|"both", count, within)`, `expect_no_event(name, …)`,
  `expect_deduplicated(name)` and `events()`.

Options:

* `--pixelproof-send` — let Pixel hits through to Meta (for Events Manager's Test Events);
  off by default, and warned about in the header: Meta may treat headless hits as bot traffic.
* `--pixelproof-sink-listen HOST:PORT` — where the sink listens (default `127.0.0.1:0`, a free
  port); a fixed port serves an app started outside pytest. Loopback only.
"""

from __future__ import annotations

from collections.abc import Iterator
from typing import TYPE_CHECKING

import pytest

if TYPE_CHECKING:
    from playwright.sync_api import BrowserContext

    from pixelproof.testing import PixelHits, ServerView, Tracking, WatchedSink

SEND = "--pixelproof-send"
LISTEN = "--pixelproof-sink-listen"
SEND_WARNING = (
    "pixelproof: --pixelproof-send: Pixel hits reach Meta (Meta may treat headless hits as "
    "bot traffic; use a test pixel or Events Manager's Test Events)"
)


def pytest_addoption(parser: pytest.Parser) -> None:
    group = parser.getgroup("pixelproof", "pixelproof (Meta Pixel + Conversions API assertions)")
    group.addoption(
        SEND,
        action="store_true",
        default=False,
        help="let Pixel hits through to Meta instead of answering them locally (warns)",
    )
    group.addoption(
        LISTEN,
        default="127.0.0.1:0",
        metavar="HOST:PORT",
        help="where the CAPI sink fixture listens (default 127.0.0.1:0, a free port)",
    )


def pytest_report_header(config: pytest.Config) -> list[str]:
    return [SEND_WARNING] if config.getoption(SEND) else []


@pytest.fixture(scope="session")
def pixelproof_sink(pytestconfig: pytest.Config) -> Iterator[WatchedSink]:
    """The session's CAPI sink; `.url` is the Graph base URL for the app under test."""
    from pixelproof.errors import SinkError
    from pixelproof.testing import WatchedSink

    listen = str(pytestconfig.getoption(LISTEN))
    sink = WatchedSink(listen)
    try:
        sink.start()
    except SinkError as exc:
        hint = f" ({exc.hint})" if exc.hint else ""
        pytest.fail(f"pixelproof_sink: {LISTEN} {listen}: {exc.message}{hint}", pytrace=False)
    yield sink
    sink.stop()


@pytest.fixture
def capi_events(pixelproof_sink: WatchedSink) -> ServerView:
    """This test's batches: those the sink records from now on."""
    from pixelproof.testing import ServerView

    return ServerView(pixelproof_sink)


@pytest.fixture
def pixel_hits(pytestconfig: pytest.Config, context: BrowserContext) -> Iterator[PixelHits]:
    """The Pixel hits of pytest-playwright's `context`, parsed as they arrive."""
    from pixelproof.testing import PixelHits

    hits = PixelHits(send=bool(pytestconfig.getoption(SEND)))
    hits.attach(context)
    yield hits
    hits.detach()


@pytest.fixture
def tracking(pixel_hits: PixelHits, capi_events: ServerView) -> Iterator[Tracking]:
    """Waiting assertions over this test's Pixel hits and CAPI batches."""
    from pixelproof.testing import Tracking

    yield Tracking(pixel_hits, capi_events)
    capi_events.sink.retire(pixel_hits.fbps())
