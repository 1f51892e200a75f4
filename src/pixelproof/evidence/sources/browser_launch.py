"""Find, launch or connect the browser (DESIGN §12).

Order: `--browser PATH` / `PIXELPROOF_BROWSER`, Playwright's own Chromium when installed, then
the distribution's Chromium or Chrome. `PIXELPROOF_BROWSER_ARGS` adds flags (tests add
`--host-resolver-rules=…` so nothing can leave the machine).
"""

from __future__ import annotations

import os
import shlex
import shutil
from collections.abc import Mapping
from pathlib import Path
from typing import TYPE_CHECKING

from pixelproof.errors import BrowserError

if TYPE_CHECKING:
    from playwright.async_api import Browser, Playwright

SYSTEM_PATHS = ("/usr/bin/chromium", "/usr/bin/chromium-browser")
SYSTEM_NAMES = ("chromium", "chromium-browser", "google-chrome", "google-chrome-stable")
FLAGS = (
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--no-first-run",
    "--disable-quic",
    "--disable-dev-shm-usage",
    "--disable-gpu",
)
EXTRA_ARGS_ENV = "PIXELPROOF_BROWSER_ARGS"
INSTALL_HINT = (
    "install one (`apt-get install chromium`, or `make chromium`), or pass --browser PATH "
    "(or set PIXELPROOF_BROWSER)"
)


def find_browser(explicit: Path | None, bundled: str | None) -> str:
    """The executable to launch; `BrowserError` (exit 3) when there is none."""
    if explicit is not None:
        if not explicit.is_file() or not os.access(explicit, os.X_OK):
            raise BrowserError(f"--browser {explicit}: no executable there", hint=INSTALL_HINT)
        return str(explicit)
    if bundled and Path(bundled).is_file():
        return bundled
    for path in SYSTEM_PATHS:
        if Path(path).is_file():
            return path
    for name in SYSTEM_NAMES:
        found = shutil.which(name)
        if found:
            return found
    raise BrowserError("no Chromium or Chrome found", hint=INSTALL_HINT)


def launch_args(environ: Mapping[str, str] | None = None) -> list[str]:
    """DESIGN §12 flags, `--no-sandbox` when root, plus `PIXELPROOF_BROWSER_ARGS`."""
    env = os.environ if environ is None else environ
    args = list(FLAGS)
    if hasattr(os, "geteuid") and os.geteuid() == 0:
        args.append("--no-sandbox")
    args += shlex.split(env.get(EXTRA_ARGS_ENV, ""))
    return args


async def open_browser(
    pw: Playwright, *, executable: Path | None, ws: str | None, headed: bool
) -> Browser:
    """Launch (or, with `--browser-ws`, connect to) one Chromium for the whole run."""
    from playwright.async_api import Error as PlaywrightError

    if ws:
        try:
            return await pw.chromium.connect(ws, timeout=30_000)
        except PlaywrightError as exc:
            raise BrowserError(
                f"--browser-ws {ws}: cannot connect: {_first_line(exc)}",
                hint="is `playwright run-server` running there, with the same Playwright version?",
            ) from exc
    path = find_browser(executable, _bundled(pw))
    try:
        return await pw.chromium.launch(
            executable_path=path, args=launch_args(), headless=not headed, timeout=60_000
        )
    except PlaywrightError as exc:
        raise BrowserError(
            f"{path}: the browser did not start: {_first_line(exc)}",
            hint="run `pixelproof doctor`; " + INSTALL_HINT,
        ) from exc


def _bundled(pw: Playwright) -> str | None:
    try:
        return pw.chromium.executable_path
    except Exception:  # pragma: no cover - Playwright raises when its registry is broken
        return None


def _first_line(exc: BaseException) -> str:
    text = str(exc).strip()
    return text.splitlines()[0][:300] if text else type(exc).__name__
