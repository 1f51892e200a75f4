"""Action steps on a page (DESIGN §4 "Steps"): goto … screenshot; `frame` acts in an iframe.

Each action raises `StepFailedError` with a message that says what and where; Playwright's own
errors are reduced to their first line (they carry call logs meant for developers).
"""

from __future__ import annotations

import asyncio
import re
from collections.abc import Awaitable, Callable, Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING
from urllib.parse import urlencode, urljoin, urlsplit, urlunsplit

from pixelproof.config import steps as s
from pixelproof.runner.plan import expand

if TYPE_CHECKING:
    from playwright.async_api import FrameLocator, Locator, Page

DEFAULT_TIMEOUT_S = 15.0


class StepFailedError(Exception):
    """A step could not do what it says."""


@dataclass
class ActionContext:
    """What actions need besides the page."""

    base_url: str
    values: Mapping[str, str]
    map_dir: Path
    screenshots: Path
    out: Path
    step_key: str
    fbclid: str | None = None  # added to the first goto, then cleared
    requests: list[tuple[float, str]] = field(default_factory=list)  # (time, url) seen
    since: float = 0.0  # the action window's start, for `wait: {request}`
    screenshot: str | None = None  # relative path of the last screenshot taken


def glob_regex(glob: str) -> re.Pattern[str]:
    """Playwright-style URL glob: `**` any text, `*` any text but `/`, `?` one character."""
    out = []
    i = 0
    while i < len(glob):
        if glob.startswith("**", i):
            out.append(".*")
            i += 2
            continue
        char = glob[i]
        out.append("[^/]*" if char == "*" else "." if char == "?" else re.escape(char))
        i += 1
    return re.compile("^" + "".join(out) + "$")


def with_fbclid(url: str, fbclid: str) -> str:
    parts = urlsplit(url)
    query = (parts.query + "&" if parts.query else "") + urlencode({"fbclid": fbclid})
    return urlunsplit((parts.scheme, parts.netloc, parts.path, query, parts.fragment))


def _root(page: Page, step: s.StepBase) -> Page | FrameLocator:
    return page.frame_locator(step.frame) if step.frame else page


def _loc(page: Page, step: s.StepBase, selector: str) -> Locator:
    return _root(page, step).locator(selector).first


async def run_action(page: Page, step: s.StepBase, ctx: ActionContext, timeout: float) -> None:
    """Run one action step once."""
    from playwright.async_api import Error as PlaywrightError

    handler = HANDLERS.get(step.action)
    if handler is None:
        raise StepFailedError(f"'{step.action}' is not an action")
    try:
        await handler(page, step, ctx, timeout * 1000)
    except PlaywrightError as exc:
        raise StepFailedError(_first_line(exc)) from exc


async def _goto(page: Page, step: s.StepBase, ctx: ActionContext, ms: float) -> None:
    assert isinstance(step, s.Goto)
    url = urljoin(ctx.base_url.rstrip("/") + "/", expand(step.goto, ctx.values).lstrip("/"))
    if step.goto.startswith(("http://", "https://")):
        url = expand(step.goto, ctx.values)
    if ctx.fbclid:
        url, ctx.fbclid = with_fbclid(url, ctx.fbclid), None
    response = await page.goto(url, timeout=ms)
    if response is not None and response.status >= 500:
        raise StepFailedError(f"{url} answered HTTP {response.status}")


async def _click(page: Page, step: s.StepBase, ctx: ActionContext, ms: float) -> None:
    assert isinstance(step, s.Click)
    await _loc(page, step, step.click).click(timeout=ms)


async def _fill(page: Page, step: s.StepBase, ctx: ActionContext, ms: float) -> None:
    assert isinstance(step, s.Fill)
    for selector, text in step.fill.items():
        await _loc(page, step, selector).fill(expand(text, ctx.values), timeout=ms)


async def _select(page: Page, step: s.StepBase, ctx: ActionContext, ms: float) -> None:
    assert isinstance(step, s.Select)
    for selector, value in step.select.items():
        values = [expand(v, ctx.values) for v in ([value] if isinstance(value, str) else value)]
        await _loc(page, step, selector).select_option(values, timeout=ms)


async def _check(page: Page, step: s.StepBase, ctx: ActionContext, ms: float) -> None:
    if isinstance(step, s.Check):
        await _loc(page, step, step.check).check(timeout=ms)
    elif isinstance(step, s.Uncheck):
        await _loc(page, step, step.uncheck).uncheck(timeout=ms)


async def _press(page: Page, step: s.StepBase, ctx: ActionContext, ms: float) -> None:
    assert isinstance(step, s.Press)
    if isinstance(step.press, str):
        await page.keyboard.press(step.press)
        return
    for selector, key in step.press.items():
        await _loc(page, step, selector).press(key, timeout=ms)


async def _hover(page: Page, step: s.StepBase, ctx: ActionContext, ms: float) -> None:
    assert isinstance(step, s.Hover)
    await _loc(page, step, step.hover).hover(timeout=ms)


async def _scroll(page: Page, step: s.StepBase, ctx: ActionContext, ms: float) -> None:
    assert isinstance(step, s.Scroll)
    if step.scroll in ("top", "bottom"):
        where = "0" if step.scroll == "top" else "document.body.scrollHeight"
        await page.evaluate(f"window.scrollTo(0, {where})")
        return
    await _loc(page, step, step.scroll).scroll_into_view_if_needed(timeout=ms)


async def _reload(page: Page, step: s.StepBase, ctx: ActionContext, ms: float) -> None:
    await page.reload(timeout=ms)


async def _back(page: Page, step: s.StepBase, ctx: ActionContext, ms: float) -> None:
    await page.go_back(timeout=ms)


async def _wait(page: Page, step: s.StepBase, ctx: ActionContext, ms: float) -> None:
    assert isinstance(step, s.Wait)
    spec = step.wait
    if spec.duration is not None:
        await asyncio.sleep(spec.duration)
    elif spec.selector is not None:
        await _loc(page, step, spec.selector).wait_for(timeout=ms)
    elif spec.url is not None:
        await page.wait_for_url(spec.url, timeout=ms)
    elif spec.request is not None:
        await _wait_request(page, glob_regex(spec.request), ctx, ms)


async def _wait_request(
    page: Page, pattern: re.Pattern[str], ctx: ActionContext, ms: float
) -> None:
    if any(t >= ctx.since and pattern.match(url) for t, url in ctx.requests):
        return
    await page.context.wait_for_event("request", lambda r: bool(pattern.match(r.url)), timeout=ms)


async def _script(page: Page, step: s.StepBase, ctx: ActionContext, ms: float) -> None:
    assert isinstance(step, s.Script)
    if isinstance(step.script, s.ScriptFile):
        path = ctx.map_dir / step.script.file
        try:
            code = path.read_text("utf-8")
        except OSError as exc:
            raise StepFailedError(f"script file {path}: {exc.strerror}") from exc
    else:
        code = step.script
    await page.evaluate(code)


async def _screenshot(page: Page, step: s.StepBase, ctx: ActionContext, ms: float) -> None:
    assert isinstance(step, s.Screenshot)
    name = re.sub(r"[^A-Za-z0-9_.-]+", "_", step.screenshot or ctx.step_key).strip("_") or "shot"
    path = ctx.screenshots / (name if name.endswith(".png") else name + ".png")
    path.parent.mkdir(parents=True, exist_ok=True)
    await page.screenshot(path=path, timeout=ms)
    ctx.screenshot = str(path.relative_to(ctx.out))


Handler = Callable[["Page", s.StepBase, ActionContext, float], Awaitable[None]]
HANDLERS: dict[str, Handler] = {
    "goto": _goto,
    "click": _click,
    "fill": _fill,
    "select": _select,
    "check": _check,
    "uncheck": _check,
    "press": _press,
    "hover": _hover,
    "scroll": _scroll,
    "reload": _reload,
    "back": _back,
    "wait": _wait,
    "script": _script,
    "screenshot": _screenshot,
}


def _first_line(exc: BaseException) -> str:
    text = str(exc).strip()
    line = text.splitlines()[0] if text else type(exc).__name__
    return line[:300]
