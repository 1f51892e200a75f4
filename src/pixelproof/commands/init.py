"""`pixelproof init`: write a commented starter map, or draft one from what a live page fires.

With `--from-url URL [--click SELECTOR]…` the page is opened headless (Pixel hits answered
locally, never sent to Meta), the selectors are clicked in order, and a DRAFT map is written
from the hits seen (`recording/`). No hit seen: say what was loaded instead, exit 3.
"""

from __future__ import annotations

import asyncio
import os
import shlex
import sys
import tempfile
from pathlib import Path
from typing import TYPE_CHECKING
from urllib.parse import urlsplit, urlunsplit

from pixelproof.config.starter import STARTER
from pixelproof.errors import ExitCode, MapError, UsageError

if TYPE_CHECKING:
    from pixelproof.recording.draft import Draft
    from pixelproof.recording.session import Recording


def run(
    *,
    from_url: str | None = None,
    click: list[str] | None = None,
    output: Path | None = None,
    browser: Path | None = None,
) -> int:
    if output is not None and output.exists():
        raise UsageError(f"{output} exists", hint="choose another --output or remove it first")
    if from_url is None:
        if click:
            raise UsageError("--click needs --from-url", hint="--from-url URL --click SELECTOR")
        _emit(STARTER, output)
        return 0
    return _from_url(from_url, tuple(click or ()), output, browser)


def _from_url(url: str, clicks: tuple[str, ...], output: Path | None, browser: Path | None) -> int:
    from pixelproof.recording.draft import draft_map
    from pixelproof.recording.session import origin_of, record

    origin_of(url)  # a usage error before any browser starts
    recording = asyncio.run(record(url, clicks, executable=browser))
    for note in recording.notes:
        sys.stderr.write(f"pixelproof: note: {note}\n")
    if recording.status is not None and recording.status >= 400:
        sys.stderr.write(f"pixelproof: warning: {url} answered HTTP {recording.status}\n")
    draft = draft_map(recording, command_line(url, clicks))
    if not draft.events or not draft.pixels:
        sys.stderr.write(nothing_seen(recording, draft))
        return int(ExitCode.INCOMPLETE)
    problems = _validate(draft.text)
    _emit(draft.text, output)
    sys.stderr.write(_summary(recording, draft))
    if problems:  # a draft that does not validate is our bug, never the user's
        sys.stderr.write(f"pixelproof: internal error: the draft does not validate:\n{problems}\n")
        return int(ExitCode.BUG)
    return 0


def command_line(url: str, clicks: tuple[str, ...]) -> str:
    """The command as the draft's header shows it (no credentials from the URL)."""
    parts = urlsplit(url)
    shown = urlunsplit(parts._replace(netloc=parts.netloc.rpartition("@")[2]))
    args = ["pixelproof", "init", "--from-url", shown]
    for selector in clicks:
        args += ["--click", selector]
    return shlex.join(args)


def nothing_seen(recording: Recording, draft: Draft) -> str:
    """No Pixel hit the site fired: say what Meta scripts were loaded, and what to try."""
    actions = "the page load" + (
        f" and {len(recording.clicks)} click(s)" if recording.clicks else ""
    )
    lines = [f"pixelproof: no Pixel hit seen on {recording.url} after {actions}"]
    if draft.left_out:
        fired = ", ".join(f"{name} ×{n} ({trigger})" for name, trigger, n in draft.left_out)
        lines.append(f"only events the Pixel fires on its own: {fired}")
    if recording.scripts:
        for script in recording.scripts:
            status = f"HTTP {script.status}" if script.status is not None else "no answer"
            lines.append(f"loaded from connect.facebook.net: {script.url} ({status})")
    else:
        lines.append("loaded from connect.facebook.net: none")
    lines.append(
        "hint: is the Meta Pixel base code on this page? Behind a consent banner, add "
        "--click for its accept button; for a later action, --click what triggers it"
    )
    return "\n".join(lines) + "\n"


def _summary(recording: Recording, draft: Draft) -> str:
    names = ", ".join(e.name for e in draft.events)
    return (
        f"pixelproof: {len(recording.hits)} Pixel hit(s) seen, {recording.answered} answered "
        f"locally, none sent to Meta (Chromium {recording.browser}); "
        f"pixel(s) {', '.join(draft.pixels)}; events {names}\n"
    )


def _validate(text: str) -> str:
    """'' when the draft loads with `load_map`, else its problems."""
    from pixelproof.config.load import load_map

    with tempfile.TemporaryDirectory(prefix="pixelproof-draft-") as folder:
        path = Path(folder) / "draft.yaml"
        path.write_text(text, "utf-8")
        try:
            load_map(path, environ={})
        except MapError as exc:
            return exc.render()
    return ""


def _emit(text: str, output: Path | None) -> None:
    if output is None:
        sys.stdout.write(text)
        return
    _write_atomically(output, text)
    sys.stderr.write(f"wrote {output}; check it with: pixelproof validate {output}\n")


def _write_atomically(path: Path, text: str) -> None:
    """Temp file + link: the whole text or nothing, and never over a file that appeared."""
    path.parent.mkdir(parents=True, exist_ok=True)
    fd, tmp = tempfile.mkstemp(dir=path.parent, prefix=f".{path.name}.", suffix=".tmp")
    try:
        with os.fdopen(fd, "w", encoding="utf-8") as handle:
            handle.write(text)
        os.link(tmp, path)
    except FileExistsError:
        raise UsageError(
            f"{path} exists", hint="choose another --output or remove it first"
        ) from None
    finally:
        Path(tmp).unlink(missing_ok=True)
