"""`pixelproof check MAP [--evidence F] [--har F]… [--capi-log [PIXEL=]F]…`: audit offline."""

from __future__ import annotations

import os
import sys
from collections.abc import Sequence
from datetime import UTC, datetime
from pathlib import Path

from pixelproof.assemble import iso
from pixelproof.audit import AuditRequest, evaluate
from pixelproof.baseline import baseline_bytes, load_baseline
from pixelproof.config.load import load_map
from pixelproof.errors import UsageError
from pixelproof.evidence.model import Evidence, RunEndRecord
from pixelproof.evidence.store import load_run_info
from pixelproof.inputs import collect
from pixelproof.report import render_options
from pixelproof.report.targets import emit, parse_targets, write_atomic
from pixelproof.report.terminal import verdict
from pixelproof.result import AuditResult, FailOn, Options
from pixelproof.result_json import dumps


def choice(value: object) -> str:
    """The string of a typer enum choice (or of a plain string)."""
    return str(getattr(value, "value", value))


def parse_now(text: str | None) -> datetime | None:
    if text is None:
        return None
    try:
        value = datetime.fromisoformat(text.replace("Z", "+00:00"))
    except ValueError:
        raise UsageError(
            f"--now {text!r} is not an ISO 8601 time", hint="e.g. --now 2026-11-29T12:00:00Z"
        ) from None
    return value if value.tzinfo else value.replace(tzinfo=UTC)


def first_capture(evidence: Evidence) -> str:
    """The run's start for offline input: the earliest capture time (deterministic)."""
    times = [t for r in evidence.records if (t := getattr(r, "time", None)) is not None]
    return (iso(min(times)) if times else None) or "1970-01-01T00:00:00.000Z"


def run_facts(evidence: Evidence) -> tuple[float, bool]:
    """The live run's duration and whether it was interrupted, from its `run_end` record."""
    ends = evidence.of(RunEndRecord)
    end = ends[-1] if ends else None
    duration = end.duration_s if end is not None and end.duration_s is not None else 0.0
    return duration, end is not None and end.status == "interrupted"


def recorded_env(evidence: Path | None, env: str | None) -> str | None:
    """`--env`, else the environment the live run recorded (so `check` reproduces `audit`)."""
    if env is not None or evidence is None or not evidence.exists():
        return env
    recorded = load_run_info(evidence).options.get("env")
    return recorded if isinstance(recorded, str) else None


def _recorded(evidence: Evidence, name: str) -> object:
    return evidence.run.options.get(name)


def write_run_folder(out: Path, result: AuditResult) -> Path:
    """`--out DIR`: the run folder (0700) with result.json."""
    out.mkdir(parents=True, exist_ok=True)
    os.chmod(out, 0o700)
    path = out / "result.json"
    write_atomic(path, dumps(result), mode=0o600)
    return path


def run(
    *,
    map_path: Path,
    evidence: Path | None,
    har: Sequence[Path] | None,
    capi_log: Sequence[str] | None,
    now: str | None,
    clock_offset: float | None,
    report: Sequence[str] | None,
    out: Path | None,
    fail_on: object,
    env: str | None,
    journey: Sequence[str] | None,
    baseline: Path | None,
    write_baseline: Path | None,
    allow_unobserved_server: bool,
    keep_pii: bool,
    result_events: object,
    no_graph: bool,
    color: object,
    quiet: int,
    verbose: int,
) -> int:
    """Audit saved evidence; `audit` calls this on its own journal (DESIGN §1 determinism).

    A live run's journal supplies the start, duration, map path, environment, journeys,
    workers and shard, so the result is the one `audit` wrote, byte for byte.
    """
    targets = parse_targets(report)
    when = parse_now(now)
    loaded = load_map(map_path, env=recorded_env(evidence, env))
    known = load_baseline(baseline) if baseline else frozenset()
    ev, sources = collect(loaded, evidence, har or (), capi_log or (), journey or ())
    recorded_journeys = _recorded(ev, "journeys")
    if not journey and isinstance(recorded_journeys, list):
        journey = [str(j) for j in recorded_journeys]
    workers, shard = _recorded(ev, "workers"), _recorded(ev, "shard")
    options = Options(
        fail_on=FailOn(choice(fail_on)),
        environment=loaded.environment_name,
        now=now,
        baseline=str(baseline) if baseline else None,
        keep_pii=keep_pii,
        journeys=tuple(journey or ()),
        shard=shard if isinstance(shard, str) else None,
        workers=workers if isinstance(workers, int) else None,
        result_events=choice(result_events),
        allow_unobserved_server=allow_unobserved_server,
    )
    duration, interrupted = run_facts(ev)
    result = evaluate(
        AuditRequest(
            loaded=loaded,
            evidence=ev,
            sources=sources,
            options=options,
            started_at=ev.run.started_at or first_capture(ev),
            duration_s=duration,
            map_path=ev.run.map_path or str(map_path),
            now=when,
            clock_offset=clock_offset,
            baseline=known,
            interrupted=interrupted,
        )
    )
    if out is not None:
        write_run_folder(out, result)
    emit(result, targets, render_options(color, verbose))
    if write_baseline is not None:
        write_atomic(write_baseline, baseline_bytes(result))
    terminal_on_stdout = any(t.path is None and t.format.value == "terminal" for t in targets)
    if quiet < 1 and not terminal_on_stdout:
        sys.stderr.write(verdict(result) + "\n")
    return int(result.exit_code)
