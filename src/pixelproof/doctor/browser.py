"""Find the browser as a run would, launch it headless with the product's flags, close it.

Discovery and flags are `browser_launch`'s (DESIGN §12); this adds *how* it was found and a
bounded launch (30 s) so a hung browser cannot hang `doctor`.
"""

from __future__ import annotations

import asyncio
import importlib.metadata
import os
import shlex
import time
from pathlib import Path

from pixelproof.doctor.checklist import Line, Status
from pixelproof.errors import BrowserError
from pixelproof.evidence.sources.browser_launch import (
    EXTRA_ARGS_ENV,
    INSTALL_HINT,
    find_browser,
    launch_args,
)

LAUNCH_TIMEOUT_S = 30.0
CHECK = "browser"


def how_found(explicit: Path | None, path: str, bundled: str | None) -> str:
    """--browser, PIXELPROOF_BROWSER, Playwright's own, or the system's."""
    if explicit is not None:
        from_env = os.environ.get("PIXELPROOF_BROWSER")
        return "PIXELPROOF_BROWSER" if from_env and Path(from_env) == explicit else "--browser"
    if bundled and path == bundled:
        return "Playwright's own Chromium"
    return "system"


def probe_browser(explicit: Path | None, timeout_s: float = LAUNCH_TIMEOUT_S) -> Line:
    """ok with the version, or missing with the apt/--browser hint."""
    try:
        return asyncio.run(_probe(explicit, timeout_s))
    except BrowserError as exc:
        return Line(CHECK, Status.MISSING, exc.message, exc.hint or INSTALL_HINT)


async def _probe(explicit: Path | None, timeout_s: float) -> Line:
    from playwright.async_api import Error as PlaywrightError
    from playwright.async_api import async_playwright

    path = "the browser"
    started = time.monotonic()
    try:
        async with asyncio.timeout(timeout_s + 10):  # the driver itself may hang
            async with async_playwright() as pw:
                bundled = _bundled(pw.chromium)
                path = find_browser(explicit, bundled)
                how = how_found(explicit, path, bundled)
                started = time.monotonic()
                browser = await pw.chromium.launch(
                    executable_path=path,
                    args=launch_args(),
                    headless=True,
                    timeout=timeout_s * 1000,
                )
                version = browser.version
                await browser.close()
    except PlaywrightError as exc:
        raise BrowserError(
            f"{path}: the browser did not start headless: {_first_line(exc)}", hint=INSTALL_HINT
        ) from exc
    except TimeoutError:
        raise BrowserError(
            f"the browser did not start within {timeout_s:g} s", hint=INSTALL_HINT
        ) from None
    took = time.monotonic() - started
    return Line(CHECK, Status.OK, _detail(version, path, how, took))


def _detail(version: str, path: str, how: str, took: float) -> str:
    extra = os.environ.get(EXTRA_ARGS_ENV)
    flags = f"; extra flags from {EXTRA_ARGS_ENV}: {len(shlex.split(extra))}" if extra else ""
    return (
        f"Chromium {version} at {path} (found: {how}); launched headless with the product's "
        f"flags in {took:.1f} s; Playwright {_playwright_version()}{flags}"
    )


def _bundled(chromium: object) -> str | None:
    try:
        path = getattr(chromium, "executable_path", None)
    except Exception:  # Playwright raises when its browser registry is broken
        return None
    return path if isinstance(path, str) else None


def _playwright_version() -> str:
    try:
        return importlib.metadata.version("playwright")
    except importlib.metadata.PackageNotFoundError:  # pragma: no cover - a broken install
        return "unknown"


def _first_line(exc: BaseException) -> str:
    text = str(exc).strip()
    return text.splitlines()[0][:300] if text else type(exc).__name__
