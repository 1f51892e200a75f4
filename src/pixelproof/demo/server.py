"""The demo shop on 127.0.0.1, behind a small handle used by `pixelproof demo`, tests and bench.

    with DemoShop(defects=BROKEN, graph_base_url=lambda: sink.url) as shop:
        shop.url            # http://127.0.0.1:<port>, the map's base URL for this run

The shop runs like the sink (`evidence.sources.sink_server`): uvicorn on a socket bound before its
own thread starts, so port 0 works and a taken port fails at once. `graph_base_url` is read when
an event is sent, so it may name a sink that starts after the shop.
"""

from __future__ import annotations

from collections.abc import Callable
from types import TracebackType

from pixelproof.demo.backend import CapiSender, Say, ShopApp
from pixelproof.demo.defects import BROKEN, Defects
from pixelproof.errors import IncompleteRunError, SinkError
from pixelproof.evidence.sources.sink_server import ServerThread, bind_socket, parse_listen, url_of

PURCHASE_DELAY_S = 1.0


class DemoShop:
    """Start, use and stop the demo shop; `stop` waits for CAPI posts still pending."""

    def __init__(
        self,
        defects: Defects = BROKEN,
        graph_base_url: str | Callable[[], str | None] | None = None,
        *,
        listen: str = "127.0.0.1:0",
        purchase_delay_s: float = PURCHASE_DELAY_S,
        say: Say | None = None,
    ) -> None:
        self.defects = defects
        self._graph: str | Callable[[], str | None] | None = graph_base_url
        self._listen = listen
        self._sender = CapiSender(self._graph_url, say)
        self._app = ShopApp(defects, self._sender, purchase_delay_s)
        self._thread: ServerThread | None = None
        self._url: str | None = None

    @property
    def url(self) -> str:
        if self._url is None:
            raise IncompleteRunError("the demo shop is not started")
        return self._url

    @property
    def capi_posts(self) -> tuple[int, int]:
        """(sent, failed) CAPI requests so far."""
        return self._sender.sent, self._sender.failed

    def set_graph_base_url(self, url: str | None) -> None:
        """Where CAPI events go from now on (a sink that started after the shop)."""
        self._graph = url

    def _graph_url(self) -> str | None:
        return self._graph() if callable(self._graph) else self._graph

    def start(self) -> str:
        if self._thread is not None:
            return self.url
        host, port = parse_listen(self._listen)
        try:
            sock = bind_socket(host, port)
            self._url = url_of(sock)
            self._thread = ServerThread(
                self._app.asgi, sock, name="pixelproof-demo-shop", on_stop=self._sender.aclose
            )
            self._thread.start()
        except SinkError as exc:
            self.stop()
            raise IncompleteRunError(
                f"the demo shop could not start: {exc.message}", hint=exc.hint
            ) from exc
        return self._url

    def stop(self) -> None:
        """Graceful: CAPI posts still pending are sent (bounded), then the server stops."""
        if self._thread is not None:
            self._thread.stop()

    def __enter__(self) -> DemoShop:
        self.start()
        return self

    def __exit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        tb: TracebackType | None,
    ) -> None:
        self.stop()
