"""Small readers of the page for a journey: the consent state's steps, the Meta cookies."""

from __future__ import annotations

from collections.abc import Mapping
from typing import TYPE_CHECKING

from pixelproof.config.model import Consent
from pixelproof.runner.actions import DEFAULT_TIMEOUT_S, ActionContext, StepFailedError, run_action

if TYPE_CHECKING:
    from playwright.async_api import BrowserContext, Page

META_COOKIES = ("_fbp", "_fbc")


async def run_consent(
    page: Page, consent: Consent | None, state_name: str, ctx: ActionContext
) -> str | None:
    """Wait for the banner (when the map names one), run the state's steps; their text.

    None when the journey has no state to reach; `StepFailedError` when the banner never
    showed or a step failed (a journey error).
    """
    from playwright.async_api import Error as PlaywrightError

    state = consent.states.get(state_name) if consent is not None else None
    if consent is None or state is None:
        return None
    if consent.banner:
        try:
            await page.locator(consent.banner).first.wait_for(timeout=DEFAULT_TIMEOUT_S * 1000)
        except PlaywrightError as exc:
            raise StepFailedError(f"the banner {consent.banner} never showed") from exc
    for step in state.steps:
        timeout = step.timeout if step.timeout is not None else DEFAULT_TIMEOUT_S
        await run_action(page, step, ctx, timeout)
    return "; ".join(f"{s.action} {s.target()}".strip() for s in state.steps)


async def meta_cookies(context: BrowserContext) -> tuple[Mapping[str, object], ...] | None:
    """The context's `_fbp`/`_fbc` cookies as observed (None when the context is gone)."""
    from playwright.async_api import Error as PlaywrightError

    try:
        jar = await context.cookies()
    except PlaywrightError:
        return None
    return tuple(dict(c) for c in jar if c.get("name") in META_COOKIES)
