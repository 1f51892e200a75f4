"""The live run's Graph reads: on a worker thread, beside the journeys (DESIGN §1, §7).

The reads are synchronous httpx calls, so they run in `asyncio.to_thread` and never block the
loop that drives the browser. Records go straight to the (thread-safe) evidence writer. Ctrl-C
sets `stop`: the client's backoff sleeps on it and the remaining reads are abandoned.
"""

from __future__ import annotations

import asyncio
import threading
from collections.abc import Callable
from dataclasses import dataclass, field

from pixelproof.config.load import LoadedMap
from pixelproof.errors import GraphError
from pixelproof.evidence.model import Record, SourceRecord
from pixelproof.evidence.sources.graph_reads import (
    AUDIT_READS,
    GraphReader,
    client_for,
    map_pixels,
    plan,
    skip_reason,
)


def read_graph(
    loaded: LoadedMap,
    emit: Callable[[Record], object],
    now: Callable[[], float],
    stop: threading.Event,
) -> SourceRecord:
    """Every audit read for the environment's pixels → the `graph` source's status."""
    try:
        client = client_for(loaded, sleep=stop.wait)
    except GraphError as exc:
        return SourceRecord(name="graph", status="skipped", error=exc.message)
    with client:
        specs = plan(AUDIT_READS, map_pixels(loaded))
        return GraphReader(client, now, emit, stop).run(specs).source()


@dataclass
class GraphRun:
    """The reads as a task started with the run; `finish` writes the source record."""

    emit: Callable[[Record], object]
    stop: threading.Event = field(default_factory=threading.Event)
    task: asyncio.Future[SourceRecord] | None = None
    skipped: str | None = None

    @classmethod
    def start(
        cls,
        loaded: LoadedMap,
        emit: Callable[[Record], object],
        now: Callable[[], float],
        *,
        no_graph: bool,
    ) -> GraphRun:
        run = cls(emit, skipped=skip_reason(loaded, no_graph=no_graph))
        if run.skipped is None:
            work = asyncio.to_thread(read_graph, loaded, emit, now, run.stop)
            run.task = asyncio.ensure_future(work)
        return run

    async def finish(self, *, interrupted: bool) -> None:
        if interrupted:
            self.stop.set()
        if self.task is None:
            self.emit(SourceRecord(name="graph", status="skipped", error=self.skipped))
            return
        try:
            record = await self.task
        except asyncio.CancelledError:
            self.stop.set()  # a second Ctrl-C: the thread gives up at its next step
            raise
        self.emit(record)
