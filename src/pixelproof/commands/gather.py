"""`pixelproof gather MAP --out DIR`: live gathering only → DIR/evidence.jsonl (DESIGN §3).

Exit: 0 every journey ran; 3 a journey or source errored, no browser, the sink port is taken;
2 bad flags or an invalid map; 130 interrupted (the evidence is kept, finalised as such).
"""

from __future__ import annotations

import asyncio
import secrets
import signal
import sys
import time
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from pathlib import Path

from pixelproof import __version__
from pixelproof.assemble import iso
from pixelproof.config.load import LoadedMap, load_map
from pixelproof.errors import ExitCode, UsageError
from pixelproof.evidence.model import JourneyRecord, RunEndRecord, RunInfo, SourceRecord
from pixelproof.evidence.store import FILE_NAME, EvidenceWriter, load_evidence
from pixelproof.runner.clock import RunClock
from pixelproof.runner.plan import (
    GatherOptions,
    check_send,
    parse_shard,
    plan_journeys,
    waits_of,
)
from pixelproof.runner.session import Gathering, Outcome, gather, relative_files


@dataclass(frozen=True, slots=True)
class Gathered:
    evidence: Path
    interrupted: bool
    errored: tuple[str, ...]  # journeys that errored
    failed: tuple[str, ...] = ()  # sources that errored, with why


def run_id_of(clock: RunClock) -> str:
    stamp = time.strftime("%Y%m%dT%H%M%SZ", time.gmtime(clock.wall))
    return f"{stamp}-{secrets.token_hex(3)}"


def progress(quiet: int) -> Callable[[str], None]:
    if quiet > 0:
        return lambda text: None
    from rich.console import Console

    console = Console(stderr=True, highlight=False)
    return lambda text: console.print(text, markup=False)


def _base_url(loaded: LoadedMap, options: GatherOptions) -> str:
    base = options.base_url or loaded.environment.base_url
    if not base:
        raise UsageError(
            "the map gives no base_url for this environment",
            hint="set base_url in the environment (or site.base_url), or pass --base-url URL",
        )
    return base


def _prepare_out(out: Path) -> None:
    if (out / FILE_NAME).exists():
        raise UsageError(f"{out / FILE_NAME} already holds a run", hint="choose a new --out folder")
    out.mkdir(mode=0o700, parents=True, exist_ok=True)
    out.chmod(0o700)


async def _main(g: Gathering) -> Outcome:
    loop = asyncio.get_running_loop()
    task = asyncio.current_task()
    assert task is not None
    for sig in (signal.SIGINT, signal.SIGTERM):
        loop.add_signal_handler(sig, task.cancel)
    try:
        return await gather(g)
    finally:
        for sig in (signal.SIGINT, signal.SIGTERM):
            loop.remove_signal_handler(sig)


def gather_run(options: GatherOptions) -> Gathered:
    """Load the map, run the journeys, write and finalise the evidence journal."""
    loaded = load_map(options.map_path, env=options.env)
    planned = plan_journeys(loaded, options.journeys, parse_shard(options.shard))
    check_send(loaded, options)
    waits = waits_of(loaded, options)
    base = _base_url(loaded, options)
    clock = RunClock()
    _prepare_out(options.out)
    info = RunInfo(
        started_at=iso(clock.wall) or "",
        started=clock.wall,
        options=options.recorded(),
        map_path=str(options.map_path),
        tool_version=__version__,
        artefacts={"evidence": FILE_NAME, "capi_log": "capi.jsonl"},
    )
    say = progress(options.quiet)
    with EvidenceWriter(options.out, info) as writer:
        g = Gathering(loaded, options, writer, clock, run_id_of(clock), base, planned, waits, say)
        say(f"pixelproof gather: run {g.run_id}, {len(planned)} journey(s) → {options.out}")
        outcome = asyncio.run(_main(g))
        files = relative_files(options.out, "failures", "screenshots", "traces")
        status = "interrupted" if outcome.interrupted else "finished"
        path = writer.finalise(
            RunEndRecord(
                time=clock.now(),
                duration_s=round(clock.since_start(), 3),
                status=status,
                artefacts=files,
            )
        )
    journal = load_evidence(path)
    errored = tuple(j.name for j in journal.of(JourneyRecord) if j.status == "error")
    failed = tuple(f"{s.name}: {s.error}" for s in journal.of(SourceRecord) if s.status == "error")
    return Gathered(path, outcome.interrupted, errored, failed)


def options_of(map_path: Path, out: Path, **kw: object) -> GatherOptions:
    """`GatherOptions` from the typer keywords (choices as their strings)."""
    journeys = kw.get("journey") or ()
    assert isinstance(journeys, Sequence)
    trace = kw.get("trace", "off")
    return GatherOptions(
        map_path=map_path,
        out=out,
        env=_opt_str(kw.get("env")),
        journeys=tuple(str(j) for j in journeys),
        no_graph=bool(kw.get("no_graph")),
        quiet=_int(kw.get("quiet"), 0),
        verbose=_int(kw.get("verbose"), 0),
        base_url=_opt_str(kw.get("base_url")),
        workers=_int(kw.get("workers"), 1),
        headed=bool(kw.get("headed")),
        browser=_opt_path(kw.get("browser")),
        browser_ws=_opt_str(kw.get("browser_ws")),
        send=bool(kw.get("send")),
        allow_send_production=bool(kw.get("allow_send_production")),
        trace=str(getattr(trace, "value", trace)),
        shard=_opt_str(kw.get("shard")),
        within=_opt_str(kw.get("within")),
        settle=_opt_str(kw.get("settle")),
    )


def _int(value: object, default: int) -> int:
    return value if isinstance(value, int) else default


def _opt_str(value: object) -> str | None:
    return None if value is None else str(value)


def _opt_path(value: object) -> Path | None:
    return None if value is None else Path(str(value))


def run(*, map_path: Path, out: Path, **kw: object) -> int:
    done = gather_run(options_of(map_path, out, **kw))
    say = progress(_int(kw.get("quiet"), 0))
    say(f"evidence: {done.evidence}")
    if done.interrupted:
        return int(ExitCode.INTERRUPTED)
    for reason in done.failed:
        sys.stderr.write(f"pixelproof: source failed: {reason}\n")
    if done.errored:
        sys.stderr.write(f"pixelproof: journey(s) errored: {', '.join(done.errored)}\n")
    if done.errored or done.failed:
        return int(ExitCode.INCOMPLETE)
    return int(ExitCode.OK)
