"""An ASGI app served by uvicorn on its own thread and loop, on a socket bound beforehand.

DESIGN §1 "Concurrency": uvicorn captures signals on the main thread, a synchronous client calling
a server on its own loop deadlocks, and pytest-playwright's sync API cannot share a running loop —
so the sink (and the tests' Graph stand-in) run here. The socket is bound by the caller before the
thread starts, so a taken port fails at once with `SinkError` and port 0 works in tests.
"""

from __future__ import annotations

import asyncio
import ipaddress
import socket
import threading
from collections.abc import Awaitable, Callable

import uvicorn
from starlette.types import ASGIApp

from pixelproof.errors import SinkError, UsageError

START_TIMEOUT_S = 10.0
STOP_TIMEOUT_S = 10.0


def parse_listen(listen: str) -> tuple[str, int]:
    """`HOST:PORT` (or `[v6]:PORT`) → (host, port); port 0 asks the OS for a free one."""
    host, sep, port_text = listen.strip().rpartition(":")
    if not sep or not port_text.isdigit() or int(port_text) > 65535:
        raise UsageError(
            f"--listen {listen!r}: expected HOST:PORT", hint="for example 127.0.0.1:4010"
        )
    return host.strip("[]") or "127.0.0.1", int(port_text)


def is_loopback(host: str) -> bool:
    if host == "localhost":
        return True
    try:
        return ipaddress.ip_address(host).is_loopback
    except ValueError:
        return False


def bind_socket(host: str, port: int) -> socket.socket:
    """A listening TCP socket on (host, port); a taken port raises `SinkError` (exit 3)."""
    family = socket.AF_INET6 if ":" in host else socket.AF_INET
    # proto must say TCP: asyncio sets TCP_NODELAY only on sockets that do, and without it
    # Nagle + delayed ACK add ~40 ms to every keep-alive answer
    sock = socket.socket(family, socket.SOCK_STREAM, socket.IPPROTO_TCP)
    try:
        sock.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
        sock.bind((host, port))
        sock.listen(2048)
    except OSError as exc:
        sock.close()
        raise SinkError(
            f"cannot listen on {host}:{port}: {exc.strerror or exc}",
            hint="choose another port with --listen HOST:PORT, or stop what is using it",
        ) from exc
    sock.setblocking(False)
    return sock


def url_of(sock: socket.socket) -> str:
    """The base URL a local client uses; wildcard binds are reached through loopback."""
    host, port = sock.getsockname()[:2]
    if host in ("0.0.0.0", "::"):
        host = "127.0.0.1" if host == "0.0.0.0" else "::1"
    shown = f"[{host}]" if ":" in host else host
    return f"http://{shown}:{port}"


class _Server(uvicorn.Server):
    """uvicorn's server that says when it is listening (no polling of `started`)."""

    def __init__(self, config: uvicorn.Config, ready: threading.Event) -> None:
        super().__init__(config)
        self._ready = ready

    async def startup(self, sockets: list[socket.socket] | None = None) -> None:
        await super().startup(sockets=sockets)
        self._ready.set()


class ServerThread:
    """Serve `app` on `sock` from a daemon thread with its own event loop."""

    def __init__(
        self,
        app: ASGIApp,
        sock: socket.socket,
        *,
        name: str = "pixelproof-sink",
        on_stop: Callable[[], Awaitable[None]] | None = None,
    ) -> None:
        config = uvicorn.Config(
            app,
            loop="asyncio",
            http="httptools",
            access_log=False,  # it would print `?access_token=`
            log_config=None,
            lifespan="off",
            server_header=False,
            timeout_graceful_shutdown=5,
        )
        self._ready = threading.Event()
        self._server = _Server(config, self._ready)
        self._sock = sock
        self._on_stop = on_stop
        self._error: BaseException | None = None
        self._loop: asyncio.AbstractEventLoop | None = None
        self._thread = threading.Thread(target=self._run, name=name, daemon=True)

    @property
    def loop(self) -> asyncio.AbstractEventLoop | None:
        return self._loop

    def start(self, timeout: float = START_TIMEOUT_S) -> None:
        self._thread.start()
        if not self._ready.wait(timeout) or self._error is not None:
            self._server.should_exit = True
            raise SinkError(f"the sink did not start: {self._error or 'timed out'}")

    def stop(self, timeout: float = STOP_TIMEOUT_S) -> None:
        """Graceful stop: in-flight requests finish, idle keep-alive connections close."""
        if not self._thread.is_alive():
            return
        self._server.should_exit = True
        self._thread.join(timeout)
        if self._thread.is_alive():
            self._server.force_exit = True
            self._thread.join(timeout)

    def _run(self) -> None:
        loop = asyncio.new_event_loop()
        self._loop = loop
        try:
            loop.run_until_complete(self._serve())
        except BaseException as exc:  # SystemExit from uvicorn's startup included
            self._error = exc
        finally:
            self._ready.set()
            loop.run_until_complete(loop.shutdown_asyncgens())
            loop.close()
            self._sock.close()

    async def _serve(self) -> None:
        try:
            await self._server.serve(sockets=[self._sock])
        finally:
            if self._on_stop is not None:
                await self._on_stop()
