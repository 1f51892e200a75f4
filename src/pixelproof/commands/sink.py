"""`pixelproof sink`: run the local Conversions API endpoint standalone (DESIGN §3, §6).

Prints the base URL on stdout (scripts read it), the how-to and one redacted line per batch on
stderr, writes `DIR/capi.jsonl` (0600) with `--out`, runs until SIGINT/SIGTERM and exits 0 after
a graceful stop — or 3 at once when the port is taken. Tokens come from the environment only.
"""

from __future__ import annotations

import os
import re
import signal
import sys
import threading
from pathlib import Path
from types import FrameType

from pixelproof.errors import ExitCode, UsageError
from pixelproof.evidence.sources.sink import GRAPH_BASE_URL, SinkHandle
from pixelproof.evidence.sources.sink_server import is_loopback, parse_listen

KEEP_IN_MEMORY = 10_000  # the file keeps everything; memory serves /__pixelproof/batches
META_WORDS = ("meta", "graph", "facebook")


def _env_value(option: str, var: str | None) -> str | None:
    if var is None:
        return None
    value = os.environ.get(var, "").strip()
    if not value:
        raise UsageError(
            f"{option} {var}: the variable is unset or empty",
            hint=f"export {var}=… before starting the sink (tokens never go on the command line)",
        )
    return value


def forward_url(forward: str | None) -> str | None:
    """`--forward meta` → the real Graph API; `--forward URL` → that Graph base URL."""
    if forward is None:
        return None
    if forward.strip().lower() in META_WORDS:
        return GRAPH_BASE_URL
    if not re.match(r"https?://[^/\s]+", forward):
        raise UsageError(
            f"--forward {forward!r}: expected 'meta' or a Graph base URL",
            hint="for example --forward meta, or --forward http://127.0.0.1:9000",
        )
    return forward.rstrip("/")


def _err(text: str) -> None:
    sys.stderr.write(text + "\n")
    sys.stderr.flush()


def _banner(url: str, handle: SinkHandle, token_env: str | None, forward: str | None) -> None:
    base = f"{url}/t/${{{token_env}}}" if token_env else url
    lines = [
        f"pixelproof sink: listening on {url} (Ctrl-C to stop)",
        "  official Python SDK:  from facebook_business.session import FacebookSession",
        f'                        FacebookSession.GRAPH = "{base}"',
        f"  any other client:     POST {base}/v25.0/<PIXEL_ID>/events (JSON or form)",
        f"  inspect / reset:      GET|DELETE {base}/__pixelproof/batches?since=SEQ",
    ]
    if token_env:
        lines.append(f"  sink token:           ${token_env} as /t/<token>/ or X-Pixelproof-Token")
    if handle.log_path is not None:
        lines.append(f"  recording to:         {handle.log_path}")
    if forward is not None:
        lines.append(f"  relaying to:          {forward} (Meta's answers are returned verbatim)")
    _err("\n".join(lines))


def _wait_for_signal() -> None:
    stop = threading.Event()

    def handle(signum: int, frame: FrameType | None) -> None:
        stop.set()

    previous = {sig: signal.signal(sig, handle) for sig in (signal.SIGINT, signal.SIGTERM)}
    try:
        while not stop.wait(1.0):
            pass
    finally:
        for sig, old in previous.items():
            signal.signal(sig, old)


def run(
    *,
    listen: str,
    out: Path | None,
    forward: str | None,
    token_env: str | None,
    accept_token_env: str | None,
    strict: bool,
    quiet: int,
) -> int:
    token = _env_value("--token-env", token_env)
    accepted = _env_value("--accept-token-env", accept_token_env)
    host, _ = parse_listen(listen)
    if not is_loopback(host) and token is None:
        raise UsageError(
            f"--listen {listen}: a non-loopback bind requires the shared sink token",
            hint="add --token-env VAR (clients send it as X-Pixelproof-Token or /t/<token>/)",
        )
    relay = forward_url(forward)
    handle = SinkHandle(
        listen,
        out_dir=out,
        token=token,
        accept_tokens=re.split(r"[\s,]+", accepted) if accepted else (),
        forward=relay,
        strict=strict,
        say=None if quiet else _err,
        keep=KEEP_IN_MEMORY,
    )
    url = handle.start()
    try:
        sys.stdout.write(url + "\n")
        sys.stdout.flush()
        if quiet < 2:
            _banner(url, handle, token_env, relay)
        _wait_for_signal()
    finally:
        handle.stop()
    if quiet < 2:
        where = f", on disk in {handle.log_path}" if handle.log_path else ""
        _err(f"pixelproof sink: stopped; {handle.last_seq} batch(es) recorded{where}")
    return int(ExitCode.OK)
