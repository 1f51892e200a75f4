"""Open a page in the product's browser, click, and keep what the Pixel sent.

The browser is found and launched as for `audit` (`browser_launch`: `--browser`,
`PIXELPROOF_BROWSER`, Playwright's own, the system's; DESIGN §12 flags), and the context is wired
by the live runner's `Capture`: only the Pixel endpoints are routed and answered locally, so no
hit reaches Meta. Every wait is bounded; after the page load and after each click the recorder
waits until no request has been in flight for `quiet` seconds, at most `settle`.
"""

from __future__ import annotations

import asyncio
import time
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING
from urllib.parse import urlsplit

from pixelproof.errors import IncompleteRunError, UsageError
from pixelproof.evidence.model import BrowserHit, FbqCallRecord, Record, ScriptLoadRecord
from pixelproof.evidence.sources.browser_capture import Capture, CaptureSettings

if TYPE_CHECKING:
    from playwright.async_api import BrowserContext, Page, Request

JOURNEY = "recorded"
MAX_LISTED = 15
CLICKABLE = """() => Array.from(document.querySelectorAll(
  'button, a[href], input[type=submit], input[type=button], [role=button], [onclick]'
)).slice(0, 50).map((e) => {
  const tag = e.tagName.toLowerCase();
  const name = e.getAttribute('name');
  const sel = e.id ? '#' + CSS.escape(e.id) : name ? `${tag}[name="${name}"]` : tag;
  const text = (e.innerText || e.value || '').trim().replace(/\\s+/g, ' ').slice(0, 30);
  return text ? `${sel} (${tag} "${text}")` : `${sel} (${tag})`;
})"""


@dataclass(frozen=True, slots=True)
class Timeouts:
    """Upper bounds, seconds."""

    goto: float = 30.0
    click: float = 10.0
    quiet: float = 1.0
    settle: float = 10.0


@dataclass(frozen=True, slots=True)
class Recording:
    """What one visit sent: hits carry `step` 0 for the page load, N for the Nth click."""

    url: str
    clicks: tuple[str, ...]
    hits: tuple[BrowserHit, ...]
    scripts: tuple[ScriptLoadRecord, ...]
    inits: tuple[str, ...]  # pixel IDs of `fbq('init', …)` calls, in call order
    status: int | None  # the page's HTTP status
    answered: int  # Pixel hits answered locally (none reached Meta)
    browser: str
    notes: tuple[str, ...] = ()


def origin_of(url: str) -> str:
    """`scheme://host[:port]` of an http(s) URL; `UsageError` for anything else."""
    parts = urlsplit(url)
    if parts.scheme not in ("http", "https") or not parts.hostname:
        raise UsageError(
            f"--from-url {url!r}: not an http(s) URL",
            hint="for example --from-url https://staging.example.com/product/1",
        )
    return f"{parts.scheme}://{parts.netloc.rpartition('@')[2]}"


async def record(
    url: str, clicks: tuple[str, ...], *, executable: Path | None, timeouts: Timeouts = Timeouts()
) -> Recording:
    """Load `url` headless, click each selector in order, return every Pixel hit seen."""
    from pixelproof.evidence.sources.browser import BrowserSource, ContextSpec

    async with BrowserSource(executable=executable, ws=None, headed=False) as source:
        context = await source.new_context(ContextSpec())
        try:
            visit = _Visit(url, timeouts)
            await visit.attach(context)
            page = await context.new_page()
            status = await visit.open(page)
            for index, selector in enumerate(clicks, start=1):
                await visit.click(page, index, selector)
            return visit.result(clicks, status, source.version or "unknown")
        finally:
            await context.close()


class _Visit:
    def __init__(self, url: str, timeouts: Timeouts) -> None:
        self.url = url
        self.timeouts = timeouts
        self.records: list[Record] = []
        self.step = 0
        self.quiet = _Quiet()
        self.notes: list[str] = []
        settings = CaptureSettings(origin=origin_of(url))
        self.capture = Capture(
            JOURNEY, settings, emit=self.records.append, step=lambda: self.step, clock=time.time
        )

    async def attach(self, context: BrowserContext) -> None:
        await self.capture.attach(context)
        self.quiet.attach(context)

    async def open(self, page: Page) -> int | None:
        from playwright.async_api import Error as PlaywrightError

        try:
            response = await page.goto(self.url, timeout=self.timeouts.goto * 1000)
        except PlaywrightError as exc:
            raise IncompleteRunError(
                f"{self.url}: the page did not load: {first_line(exc)}",
                hint="is the site up and reachable from this machine?",
            ) from exc
        await self._settle("the page load")
        return response.status if response is not None else None

    async def click(self, page: Page, index: int, selector: str) -> None:
        from playwright.async_api import Error as PlaywrightError
        from playwright.async_api import TimeoutError as PlaywrightTimeout

        self.step = index
        target = page.locator(selector).first
        ms = self.timeouts.click * 1000
        try:
            await target.wait_for(state="attached", timeout=ms)
        except PlaywrightTimeout:
            raise UsageError(
                f"--click {selector!r}: nothing on {page.url} matches it "
                f"(waited {self.timeouts.click:g} s)",
                hint=await _clickables(page),
            ) from None
        except PlaywrightError as exc:
            raise UsageError(f"--click {selector!r}: {first_line(exc)}") from exc
        try:
            await target.click(timeout=ms)
        except PlaywrightError as exc:
            raise UsageError(
                f"--click {selector!r}: found on {page.url} but not clickable: {first_line(exc)}",
                hint="pick a visible, enabled element (or click what reveals it first)",
            ) from exc
        await self._settle(f"click {index} ({selector})")

    async def _settle(self, what: str) -> None:
        t = self.timeouts
        if not await self.quiet.wait(t.quiet, t.settle):
            self.notes.append(f"after {what} the network was still busy after {t.settle:g} s")

    def result(self, clicks: tuple[str, ...], status: int | None, browser: str) -> Recording:
        self.capture.flush()
        hits = tuple(r for r in self.records if isinstance(r, BrowserHit))
        inits = tuple(
            str(r.args[1])
            for r in self.records
            if isinstance(r, FbqCallRecord) and len(r.args) > 1 and r.args[0] == "init"
        )
        return Recording(
            url=self.url,
            clicks=clicks,
            hits=hits,
            scripts=tuple(r for r in self.records if isinstance(r, ScriptLoadRecord)),
            inits=inits,
            status=status,
            answered=self.capture.answered,
            browser=browser,
            notes=tuple(self.notes),
        )


class _Quiet:
    """Requests in flight in one context; `wait` returns once none was for `quiet` seconds."""

    def __init__(self) -> None:
        self.inflight = 0
        self.changed = asyncio.Event()

    def attach(self, context: BrowserContext) -> None:
        context.on("request", self._start)
        context.on("requestfinished", self._end)
        context.on("requestfailed", self._end)

    def _start(self, request: Request) -> None:
        self.inflight += 1
        self.changed.set()

    def _end(self, request: Request) -> None:
        self.inflight = max(0, self.inflight - 1)
        self.changed.set()

    async def wait(self, quiet: float, limit: float) -> bool:
        """True once quiet; False when `limit` seconds passed first."""
        loop = asyncio.get_running_loop()
        deadline = loop.time() + limit
        while (left := deadline - loop.time()) > 0:
            self.changed.clear()
            idle = self.inflight == 0
            try:
                await asyncio.wait_for(self.changed.wait(), min(quiet, left) if idle else left)
            except TimeoutError:
                if idle:
                    return True
        return False


async def _clickables(page: Page) -> str:
    """What a selector could have named: the page's buttons, links and clickable elements."""
    try:
        found = await asyncio.wait_for(page.evaluate(CLICKABLE), 5.0)
    except Exception:  # the page navigated away or hung: the error above says enough
        return "check the selector against the page"
    names = [str(f) for f in found] if isinstance(found, list) else []
    if not names:
        return "the page has no button, link or other clickable element"
    more = f", … and {len(names) - MAX_LISTED} more" if len(names) > MAX_LISTED else ""
    return "clickable elements there: " + ", ".join(names[:MAX_LISTED]) + more


def first_line(exc: BaseException) -> str:
    text = str(exc).strip()
    return text.splitlines()[0][:300] if text else type(exc).__name__
