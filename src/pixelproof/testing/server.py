"""The session's CAPI sink and each test's view of it.

`WatchedSink` is a `SinkHandle` whose batches also notify a `threading.Condition`, so a test
waiting for a server event wakes when a batch lands (bounded by its deadline) instead of
sleeping. `ServerView` is one test's window on the shared sink: the batches recorded after the
view was made, parsed into events `s1, s2, …` by `meta/server.py`.
"""

from __future__ import annotations

import threading
import time
from collections.abc import Callable, Iterable
from dataclasses import replace
from pathlib import Path

from pixelproof.evidence.sources.capi_log import batch_from_line
from pixelproof.evidence.sources.sink import Line, SinkHandle
from pixelproof.meta.event import ObservedEvent
from pixelproof.meta.server import parse_server_batch

KEEP = 10_000  # lines the session keeps in memory; a view older than that sees only the newest


class WatchedSink(SinkHandle):
    """A sink on its own thread and loop that wakes waiters on every batch."""

    def __init__(self, listen: str = "127.0.0.1:0", out_dir: Path | None = None) -> None:
        self._arrived = threading.Condition()
        self.retired_fbps: set[str] = set()  # visitors (`_fbp`) of tests that have finished
        super().__init__(listen, out_dir, on_batch=self._notify, keep=KEEP)

    def start(self) -> str:
        # SinkHandle hands batches to the caller's running loop when there is one. Between sync
        # Playwright calls, Playwright's loop is marked running but only turns inside those
        # calls, so the hand-over would wait for the next one: start from a loop-less thread,
        # and `on_batch` runs on the sink's own thread instead.
        outcome: list[str | BaseException] = []

        def run() -> None:
            try:
                outcome.append(SinkHandle.start(self))
            except BaseException as exc:  # re-raised on the caller's thread
                outcome.append(exc)

        starter = threading.Thread(target=run, name="pixelproof-sink-start")
        starter.start()
        starter.join()
        if isinstance(outcome[0], BaseException):
            raise outcome[0]
        return outcome[0]

    def wait_after(self, seq: int, timeout: float) -> None:
        """Return once a batch newer than `seq` is recorded, or after `timeout` seconds."""
        with self._arrived:
            self._arrived.wait_for(lambda: self.last_seq > seq, timeout)

    def retire(self, fbps: Iterable[str]) -> None:
        """A finished test's browser visitors: their late server events belong to no later test."""
        self.retired_fbps.update(fbps)

    def _notify(self, line: Line) -> None:
        with self._arrived:
            self._arrived.notify_all()


class ServerView:
    """The batches one test received: those recorded after the view was created.

    A server event carrying the `_fbp` of an earlier test's browser is that test's late batch
    (a backend posting after the page moved on): it is kept in `late`, not among `events()`.
    """

    def __init__(self, sink: WatchedSink) -> None:
        self.sink = sink
        self.start_seq = sink.last_seq
        self._parsed_seq = self.start_seq
        self._events: list[ObservedEvent] = []
        self.late: list[ObservedEvent] = []

    @property
    def url(self) -> str:
        return self.sink.url

    def lines(self) -> list[Line]:
        """The sink lines of this test (DESIGN §13 shape: body, path, response, …)."""
        return self.sink.batches_since(self.start_seq)

    def events(self) -> tuple[ObservedEvent, ...]:
        """The server events so far, `s1, s2, …` in arrival order."""
        for line in self.sink.batches_since(self._parsed_seq):
            seq = line.get("seq")
            number = seq if isinstance(seq, int) else self._parsed_seq + 1
            batch = batch_from_line(line, seq=number, pixel_hint=None, source="sink")
            for event in parse_server_batch(batch):
                if event.fbp is not None and event.fbp in self.sink.retired_fbps:
                    self.late.append(event)
                else:
                    self._events.append(replace(event, ref=f"s{len(self._events) + 1}"))
            self._parsed_seq = number
        return tuple(self._events)

    def wait(self, done: Callable[[], bool], deadline: float) -> bool:
        """Until `done()` or the `time.monotonic()` deadline; True when `done()` holds."""
        while True:
            seen = self.sink.last_seq
            if done():
                return True
            remaining = deadline - time.monotonic()
            if remaining <= 0:
                return False
            self.sink.wait_after(seen, remaining)
