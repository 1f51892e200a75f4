"""Files a journey leaves in the run folder: failure snapshots and traces (paths relative)."""

from __future__ import annotations

import contextlib
import re
from collections.abc import Sequence
from pathlib import Path
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from playwright.async_api import BrowserContext, Page

SNAPSHOT_TIMEOUT_MS = 5_000


def slug(text: str) -> str:
    return re.sub(r"[^A-Za-z0-9_.-]+", "_", text).strip("_")[:60] or "step"


async def keep_failure(
    page: Page | None, out: Path, journey: str, index: int, key: str, console: Sequence[str]
) -> str | None:
    """Screenshot, DOM and console log of a failing step; the screenshot's relative path."""
    from playwright.async_api import Error as PlaywrightError

    folder = out / "failures" / slug(journey) / f"{index:02d}-{slug(key)}"
    folder.mkdir(parents=True, exist_ok=True)
    (folder / "console.txt").write_text("\n".join(console) + ("\n" if console else ""), "utf-8")
    if page is None:
        return None
    shot: str | None = None
    with contextlib.suppress(PlaywrightError):
        await page.screenshot(path=folder / "screenshot.png", timeout=SNAPSHOT_TIMEOUT_MS)
        shot = str((folder / "screenshot.png").relative_to(out))
    with contextlib.suppress(PlaywrightError):
        (folder / "dom.html").write_text(await page.content(), "utf-8")
    return shot


async def start_trace(context: BrowserContext, mode: str) -> None:
    if mode != "off":
        await context.tracing.start(screenshots=True, snapshots=True, sources=False)


async def stop_trace(
    context: BrowserContext, mode: str, out: Path, journey: str, failed: bool
) -> str | None:
    """Save the trace (`on`, or `retain-on-failure` when the journey failed)."""
    if mode == "off":
        return None
    if mode == "on" or failed:
        path = out / "traces" / f"{slug(journey)}.zip"
        path.parent.mkdir(parents=True, exist_ok=True)
        await context.tracing.stop(path=path)
        return str(path.relative_to(out))
    await context.tracing.stop()
    return None
