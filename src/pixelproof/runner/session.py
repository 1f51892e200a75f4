"""A live run: sink, browser, journeys (with `--workers`), settles, source records.

`gather(...)` is called inside `asyncio.run`; it writes every observation to the evidence
writer as it arrives and returns how the run went. The sink starts first, so a taken port
fails (`SinkError`, exit 3) before the browser starts.
"""

from __future__ import annotations

import asyncio
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path
from urllib.parse import urlsplit

from pixelproof.config.load import LoadedMap
from pixelproof.errors import PixelproofError, SinkError
from pixelproof.evidence.model import BrowserHit, JourneyRecord, Record, ServerBatch, SourceRecord
from pixelproof.evidence.sources.browser import BrowserSource
from pixelproof.evidence.sources.browser_capture import CaptureSettings
from pixelproof.evidence.sources.capi_log import CapiLogSource, batch_from_line
from pixelproof.evidence.sources.sink import GRAPH_BASE_URL, SinkHandle
from pixelproof.evidence.store import EvidenceWriter
from pixelproof.meta.keys import facts_from_map
from pixelproof.runner.clock import RunClock
from pixelproof.runner.expect import settle
from pixelproof.runner.graph_run import GraphRun
from pixelproof.runner.journey import JourneyRun, Shared
from pixelproof.runner.live import LiveEvents
from pixelproof.runner.plan import GatherOptions, Planned, Waits


@dataclass
class Outcome:
    """How the live part went (the evidence says the rest)."""

    interrupted: bool = False
    batches: int = 0
    hits: int = 0


@dataclass
class Gathering:
    loaded: LoadedMap
    options: GatherOptions
    writer: EvidenceWriter
    clock: RunClock
    run_id: str
    base_url: str
    planned: list[Planned]
    waits: Waits
    say: Callable[[str], None]
    outcome: Outcome = field(default_factory=Outcome)
    live: LiveEvents | None = None

    def emit(self, record: Record) -> Record:
        """Write a record; hand browser hits to the live dispatcher (waiters wake up)."""
        stored = self.writer.write(record)
        if isinstance(stored, BrowserHit):
            self.outcome.hits += 1
            if self.live is not None:
                self.live.on_hit(stored)
        return stored


def origin_of(url: str) -> str:
    parts = urlsplit(url)
    return f"{parts.scheme}://{parts.netloc}"


def _start_sink(g: Gathering, live: LiveEvents) -> SinkHandle | None:
    capi = g.loaded.environment.capi
    if capi is None or capi.capture not in ("sink", "relay"):
        return None
    source = "relay" if capi.capture == "relay" else "sink"
    cfg = capi.sink

    def on_batch(line: dict[str, object]) -> None:
        batch = batch_from_line(line, seq=0, pixel_hint=None, source=source)
        stored = g.writer.write(batch)
        g.outcome.batches += 1
        if isinstance(stored, ServerBatch):
            live.on_batch(stored)

    forward = ((cfg.forward if cfg else None) or GRAPH_BASE_URL) if source == "relay" else None
    handle = SinkHandle(
        cfg.listen if cfg else "127.0.0.1:4010",
        out_dir=g.options.out,
        token=cfg.token if cfg else None,
        accept_tokens=cfg.accept_tokens if cfg else (),
        forward=forward,
        clock=g.clock.now,
        on_batch=on_batch,
        consumer_loop=asyncio.get_running_loop(),
    )
    try:
        url = handle.start()
    except SinkError as exc:
        g.emit(SourceRecord(name=source, status="error", error=exc.message))
        raise
    g.say(f"CAPI sink listening on {url} (point the backend's Graph base URL here)")
    return handle


def _capture_settings(g: Gathering) -> CaptureSettings:
    site = g.loaded.map.site
    return CaptureSettings(
        send=g.options.send,
        containers=tuple(c.url for c in g.loaded.map.server_containers),
        block=tuple(site.block),
        origin=origin_of(g.base_url),
        headers={k: v for k, v in site.headers.items() if v is not None},
    )


async def _journeys(g: Gathering, shared: Shared) -> None:
    gate = asyncio.Semaphore(max(1, g.options.workers))
    settles: list[asyncio.Task[None]] = []

    async def one(planned: Planned) -> None:
        if planned.skip is not None:
            g.emit(
                JourneyRecord(
                    name=planned.journey.name,
                    status="skip",
                    consent=planned.journey.consent,
                    error=planned.skip,
                )
            )
            g.say(f"{planned.journey.name}: skipped: {planned.skip}")
            return
        async with gate:
            wants = await JourneyRun(shared, planned.journey).run()
        # the settle overlaps the next journeys instead of adding up (DESIGN §5)
        settles.append(asyncio.create_task(settle(shared.live, wants, g.clock.now, g.waits)))

    try:
        async with asyncio.TaskGroup() as group:
            for planned in g.planned:
                group.create_task(one(planned))
        if settles:
            await asyncio.gather(*settles)
    finally:
        for task in settles:
            task.cancel()


def _read_logs(g: Gathering) -> None:
    capi = g.loaded.environment.capi
    if capi is None or capi.capture != "logs" or not capi.logs:
        return
    count = 0
    for spec in capi.logs:
        path = g.loaded.path.parent / spec.path
        try:
            for batch in CapiLogSource(path, pixel_id=spec.pixel).records():
                g.emit(batch)
                count += 1
        except PixelproofError as exc:
            g.emit(SourceRecord(name="capi_log", status="error", error=exc.message))
            return
    g.emit(SourceRecord(name="capi_log", status="ok", items=count))


async def gather(g: Gathering) -> Outcome:
    """The whole live part; `Outcome.interrupted` when Ctrl-C / SIGTERM cancelled it."""
    live = g.live = LiveEvents(facts_from_map(g.loaded.map, g.loaded.environment))
    sink = _start_sink(g, live)
    graph = GraphRun.start(g.loaded, g.emit, g.clock.now, no_graph=g.options.no_graph)
    source = BrowserSource(
        executable=g.options.browser, ws=g.options.browser_ws, headed=g.options.headed
    )
    try:
        await _browse(g, source, live)
    except asyncio.CancelledError:
        g.outcome.interrupted = True
        task = asyncio.current_task()
        if task is not None:
            task.uncancel()
    finally:
        await source.close()
        if sink is not None:
            sink.stop()
        await graph.finish(interrupted=g.outcome.interrupted)
    _read_logs(g)
    _sources(g, sink)
    return g.outcome


async def _browse(g: Gathering, source: BrowserSource, live: LiveEvents) -> None:
    try:
        await source.start()
    except PixelproofError as exc:
        g.emit(SourceRecord(name="browser", status="error", error=exc.message))
        raise
    g.say(f"browser: Chromium {source.version}")
    shared = Shared(
        loaded=g.loaded,
        source=source,
        live=live,
        clock=g.clock,
        emit=g.emit,
        say=g.say,
        waits=g.waits,
        capture=_capture_settings(g),
        run_id=g.run_id,
        out=g.options.out,
        base_url=g.base_url,
        trace=g.options.trace,
        user_agent=await source.default_user_agent(),
    )
    await _journeys(g, shared)


def _sources(g: Gathering, sink: SinkHandle | None) -> None:
    g.emit(SourceRecord(name="browser", status="ok", items=g.outcome.hits))
    if sink is not None:
        capi = g.loaded.environment.capi
        name = "relay" if capi is not None and capi.capture == "relay" else "sink"
        log = sink.log_path
        g.emit(
            SourceRecord(
                name=name, status="ok", items=g.outcome.batches, path=log.name if log else None
            )
        )


def relative_files(out: Path, *folders: str) -> dict[str, str]:
    """Artefacts of the run folder, by name → path relative to it."""
    found: dict[str, str] = {}
    for folder in folders:
        base = out / folder
        for path in sorted(base.rglob("*")) if base.is_dir() else ():
            if path.is_file():
                rel = str(path.relative_to(out))
                found[rel] = rel
    return found
