"""The browser source (DESIGN §1, §12): one Playwright browser, one context per journey.

    async with BrowserSource(executable=None, ws=None, headed=False) as source:
        context = await source.new_context(ContextSpec(user_agent=...))

Contexts get the journey's storage state, HTTP credentials limited to the site's origin and
the marked user agent; `browser_capture.Capture` wires what they send into evidence.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path
from types import TracebackType
from typing import TYPE_CHECKING

from pixelproof.errors import BrowserError
from pixelproof.evidence.sources.browser_launch import open_browser

if TYPE_CHECKING:
    from playwright.async_api import Browser, BrowserContext, Playwright


@dataclass(frozen=True, slots=True)
class ContextSpec:
    """What one journey's context starts with (never any Meta cookie: those are observed)."""

    user_agent: str | None = None
    storage_state: Path | None = None
    username: str | None = None
    password: str | None = None
    origin: str | None = None  # credentials are sent to this origin only


class BrowserSource:
    """Start Playwright and the browser; hand out contexts; close everything."""

    name = "browser"

    def __init__(self, *, executable: Path | None, ws: str | None, headed: bool) -> None:
        self._executable = executable
        self._ws = ws
        self._headed = headed
        self._pw: Playwright | None = None
        self._browser: Browser | None = None
        self._default_ua: str | None = None
        self.version: str | None = None

    async def start(self) -> None:
        from playwright.async_api import async_playwright

        self._pw = await async_playwright().start()
        try:
            self._browser = await open_browser(
                self._pw, executable=self._executable, ws=self._ws, headed=self._headed
            )
        except BaseException:
            await self.close()
            raise
        self.version = self._browser.version

    @property
    def browser(self) -> Browser:
        if self._browser is None:
            raise BrowserError("the browser is not started")
        return self._browser

    async def default_user_agent(self) -> str:
        """The browser's own user agent (read once from a blank page)."""
        if self._default_ua is None:
            context = await self.browser.new_context()
            try:
                page = await context.new_page()
                self._default_ua = str(await page.evaluate("navigator.userAgent"))
            finally:
                await context.close()
        return self._default_ua

    async def new_context(self, spec: ContextSpec) -> BrowserContext:
        from playwright.async_api import Error as PlaywrightError

        credentials = None
        if spec.username is not None:
            credentials = {"username": spec.username, "password": spec.password or ""}
            if spec.origin:
                credentials["origin"] = spec.origin
        try:
            return await self.browser.new_context(
                user_agent=spec.user_agent,
                storage_state=spec.storage_state,
                http_credentials=credentials,  # type: ignore[arg-type]
            )
        except PlaywrightError as exc:
            raise BrowserError(f"cannot open a browser context: {exc}") from exc

    async def close(self) -> None:
        browser, self._browser = self._browser, None
        pw, self._pw = self._pw, None
        try:
            if browser is not None:
                await browser.close()
        finally:
            if pw is not None:
                await pw.stop()

    async def __aenter__(self) -> BrowserSource:
        await self.start()
        return self

    async def __aexit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        tb: TracebackType | None,
    ) -> None:
        await self.close()
