"""The live-overhead baseline: a bare Playwright script doing the journey of bench/live.py.

Same browser and flags, the same `/tr` route (1×1 GIF), the same event waits (the PageView hit
after the goto, the Purchase hit after the click); launch excluded. Prints
`{"seconds": …}` — the journey from context creation to its last wait.
"""

from __future__ import annotations

import asyncio
import json
import sys
import time

from playwright.async_api import Request, Route, async_playwright

from pixelproof.evidence.sources.browser_capture import GIF, PIXEL_ROUTE
from pixelproof.evidence.sources.browser_launch import find_browser, launch_args


async def _answer(route: Route) -> None:
    await route.fulfill(status=200, content_type="image/gif", body=GIF)


def _hit(name: str) -> object:
    return lambda r: isinstance(r, Request) and f"ev={name}&" in r.url


async def main(base: str) -> None:
    async with async_playwright() as pw:
        path = find_browser(None, pw.chromium.executable_path)
        browser = await pw.chromium.launch(executable_path=path, args=launch_args())
        start = time.perf_counter()
        context = await browser.new_context()
        await context.route(PIXEL_ROUTE, _answer)
        page = await context.new_page()
        async with page.expect_request(lambda r: "ev=PageView&" in r.url, timeout=10_000):
            await page.goto(base + "/shop.html")
        async with page.expect_request(lambda r: "ev=Purchase&" in r.url, timeout=10_000):
            await page.click("#buy")
        seconds = time.perf_counter() - start
        await context.close()
        await browser.close()
    print(json.dumps({"seconds": seconds}))


if __name__ == "__main__":
    asyncio.run(main(sys.argv[1]))
