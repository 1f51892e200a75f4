"""The local Conversions API sink behind a small handle (DESIGN §6), reused by the live runner,
the demo, the pytest plugin and `pixelproof sink`.

    with SinkHandle(out_dir=run_dir) as sink:      # 127.0.0.1, a free port
        url = sink.url                             # point FacebookSession.GRAPH here
        ...
        lines = sink.batches_since(0)              # every batch, accepted or rejected

The sink runs on its own thread with its own loop (uvicorn on a socket bound before the thread
starts: a taken port fails at once with `SinkError`). Batches reach a consumer through the locked
log (`batches_since`) or `on_batch`, called on the consumer's loop via `call_soon_threadsafe`.
"""

from __future__ import annotations

import asyncio
import time
from collections.abc import Callable, Iterable
from pathlib import Path
from types import TracebackType

from pixelproof.errors import SinkError
from pixelproof.evidence.sources.sink_app import SinkApp, SinkOptions
from pixelproof.evidence.sources.sink_forward import GRAPH_BASE_URL, Forwarder
from pixelproof.evidence.sources.sink_log import BatchLog, Line, OnBatch
from pixelproof.evidence.sources.sink_secrets import token_hash
from pixelproof.evidence.sources.sink_server import (
    ServerThread,
    bind_socket,
    is_loopback,
    parse_listen,
    url_of,
)

__all__ = ["GRAPH_BASE_URL", "Line", "SinkHandle"]


class SinkHandle:
    """Start, read and stop one sink; `forward` is a Graph base URL (relay) or None."""

    def __init__(
        self,
        listen: str = "127.0.0.1:0",
        out_dir: Path | None = None,
        token: str | None = None,
        accept_tokens: Iterable[str] = (),
        forward: str | None = None,
        strict: bool = False,
        clock: Callable[[], float] = time.time,
        *,
        on_batch: OnBatch | None = None,
        consumer_loop: asyncio.AbstractEventLoop | None = None,
        say: Callable[[str], None] | None = None,
        keep: int | None = None,
    ) -> None:
        self._host, self._port = parse_listen(listen)
        self._out_dir = out_dir
        self._token = token or None
        self._options = SinkOptions(
            accept_hashes=frozenset(token_hash(t) for t in accept_tokens if t),
            strict=strict,
            clock=clock,
            sink_token=self._token,
        )
        self._forward = forward
        self._on_batch = on_batch
        self._consumer_loop = consumer_loop
        self._say = say
        self._keep = keep
        self._log: BatchLog | None = None
        self._thread: ServerThread | None = None
        self._url: str | None = None

    @property
    def url(self) -> str:
        """The base URL (no token in it): `{url}/v25.0/{pixel}/events`."""
        if self._url is None:
            raise SinkError("the sink is not started")
        return self._url

    @property
    def log_path(self) -> Path | None:
        return self._log.path if self._log is not None else None

    @property
    def last_seq(self) -> int:
        return self._log.last_seq if self._log is not None else 0

    def start(self) -> str:
        """Bind, serve, and return the base URL; `SinkError` if the port is taken."""
        if self._thread is not None:
            return self.url
        if not is_loopback(self._host) and self._token is None:
            raise SinkError(
                f"refusing to listen on {self._host} without the shared sink token",
                hint="set sink.token (pixelproof sink --token-env VAR), or listen on 127.0.0.1",
            )
        sock = bind_socket(self._host, self._port)
        try:
            self._log = BatchLog(
                self._out_dir,
                keep=self._keep,
                on_batch=self._on_batch,
                consumer_loop=self._consumer_loop or _running_loop(),
            )
        except BaseException:
            sock.close()
            raise
        forwarder = Forwarder(self._forward) if self._forward else None
        app = SinkApp(self._options, self._log, forwarder, self._say)
        on_stop = forwarder.aclose if forwarder is not None else None
        self._url = url_of(sock)
        self._thread = ServerThread(app.asgi, sock, on_stop=on_stop)
        try:
            self._thread.start()
        except SinkError:
            self.stop()
            raise
        return self._url

    def batches_since(self, seq: int = 0) -> list[Line]:
        """Recorded lines with a greater `seq`, oldest first (copies; safe from any thread)."""
        return self._log.since(seq) if self._log is not None else []

    def stop(self) -> None:
        """Graceful stop: answer what is in flight, close the JSONL file. Idempotent."""
        if self._thread is not None:
            self._thread.stop()
        if self._log is not None:
            self._log.close()

    def __enter__(self) -> SinkHandle:
        self.start()
        return self

    def __exit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        tb: TracebackType | None,
    ) -> None:
        self.stop()


def _running_loop() -> asyncio.AbstractEventLoop | None:
    try:
        return asyncio.get_running_loop()
    except RuntimeError:
        return None
