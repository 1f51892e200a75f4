"""What a live run will do: options, the journeys it runs (filter, shard, safety), templates."""

from __future__ import annotations

import re
import uuid
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from pathlib import Path

from pixelproof.config.fields import parse_duration, suggest
from pixelproof.config.load import LoadedMap
from pixelproof.config.model import Journey, Persona
from pixelproof.config.steps import Expect
from pixelproof.errors import UsageError

CONVERSIONS = frozenset({"Purchase", "Lead", "CompleteRegistration", "Subscribe", "StartTrial"})
PLACEHOLDER = re.compile(r"\{([a-z_.]+)\}")


@dataclass(frozen=True, slots=True)
class GatherOptions:
    """Every live option of `gather`/`audit` (DESIGN §3)."""

    map_path: Path
    out: Path
    env: str | None = None
    journeys: tuple[str, ...] = ()
    no_graph: bool = False
    quiet: int = 0
    verbose: int = 0
    base_url: str | None = None
    workers: int = 1
    headed: bool = False
    browser: Path | None = None
    browser_ws: str | None = None
    send: bool = False
    allow_send_production: bool = False
    trace: str = "off"  # off | on | retain-on-failure
    shard: str | None = None
    within: str | None = None
    settle: str | None = None

    def recorded(self) -> dict[str, object]:
        """The options as the evidence header keeps them (`check` copies them)."""
        return {
            "env": self.env,
            "journeys": list(self.journeys),
            "workers": self.workers,
            "shard": self.shard,
            "send": self.send,
            "base_url": self.base_url,
            "trace": self.trace,
            "within": self.within,
            "settle": self.settle,
            "no_graph": self.no_graph,
        }


@dataclass(frozen=True, slots=True)
class Planned:
    index: int  # position in the map's journeys
    journey: Journey
    skip: str | None = None  # why it is recorded as skipped instead of run


@dataclass(frozen=True, slots=True)
class Waits:
    """Timing of the live waits: the map's, with `--within` / `--settle` overrides."""

    browser_within: float
    server_within: float
    quiet: float
    settle: float
    within_override: float | None = None
    server_overrides: Mapping[str, float] = field(default_factory=dict)


def duration_option(flag: str, text: str | None) -> float | None:
    if text is None:
        return None
    try:
        return parse_duration(text)
    except Exception:
        raise UsageError(
            f"{flag} {text!r} is not a duration", hint="write 500ms, 10s, 1m or seconds"
        ) from None


def waits_of(loaded: LoadedMap, options: GatherOptions) -> Waits:
    timing = loaded.map.timing
    within = duration_option("--within", options.within)
    settle = duration_option("--settle", options.settle)
    return Waits(
        browser_within=within if within is not None else timing.browser_within,
        server_within=within if within is not None else timing.server_within,
        quiet=timing.quiet,
        settle=settle if settle is not None else timing.journey_settle,
        within_override=within,
    )


def parse_shard(text: str | None) -> tuple[int, int] | None:
    """`I/N` (1 ≤ I ≤ N) or None."""
    if text is None:
        return None
    match = re.fullmatch(r"\s*(\d+)\s*/\s*(\d+)\s*", text)
    if not match or not 1 <= int(match.group(1)) <= int(match.group(2)):
        raise UsageError(f"--shard {text!r}: expected I/N with 1 ≤ I ≤ N", hint="e.g. --shard 2/4")
    return int(match.group(1)), int(match.group(2))


def _expects_conversion(loaded: LoadedMap, journey: Journey) -> bool:
    for step in journey.steps:
        if not isinstance(step, Expect):
            continue
        for key, entry in step.expect.items():
            event = loaded.map.events.get(key)
            if event is None or entry.count == 0 or "server" not in event.sources:
                continue
            if (event.name or key) in CONVERSIONS:
                return True
    return False


def plan_journeys(
    loaded: LoadedMap, names: Sequence[str], shard: tuple[int, int] | None
) -> list[Planned]:
    """`--journey` filter, the environment's journeys, `--shard`, production safety."""
    journeys = list(enumerate(loaded.map.journeys))
    known = [j.name for _, j in journeys]
    for name in names:
        if name not in known:
            raise UsageError(
                f"--journey {name}: no such journey", hint=suggest(name, known, "journeys")
            )
    env = loaded.environment_name
    chosen = [
        (i, j)
        for i, j in journeys
        if (not names or j.name in names)
        and (j.environments is None or env is None or env in j.environments)
    ]
    if shard is not None:
        number, total = shard
        chosen = chosen[number - 1 :: total]
    out = []
    for i, journey in chosen:
        skip = None
        production = loaded.environment.kind == "production"
        if production and journey.environments is None and _expects_conversion(loaded, journey):
            skip = (
                "expects a server conversion and does not list this production environment "
                "(add environments: [...] to run it there)"
            )
        out.append(Planned(i, journey, skip))
    return out


def check_send(loaded: LoadedMap, options: GatherOptions) -> None:
    if (
        options.send
        and loaded.environment.kind == "production"
        and not options.allow_send_production
    ):
        raise UsageError(
            "--send against a production environment lets test hits reach the live pixel",
            hint="add --allow-send-production if that is really intended",
        )


def expand(text: str, values: Mapping[str, str]) -> str:
    """`{persona.email}`, `{run.id}`, `{journey}`, `{uuid}` → their values (others kept)."""
    return PLACEHOLDER.sub(lambda m: values.get(m.group(1), m.group(0)), text)


def template_values(
    run_id: str, journey: Journey, personas: Mapping[str, Persona]
) -> dict[str, str]:
    """The placeholders of one journey, persona values expanded first."""
    base = {"run.id": run_id, "journey": journey.name, "uuid": uuid.uuid4().hex}
    persona = personas.get(journey.persona) if isinstance(journey.persona, str) else journey.persona
    values = dict(base)
    if persona is not None:
        for name, value in persona.model_dump().items():
            if isinstance(value, str):
                values[f"persona.{name}"] = expand(value, base)
    return values


def persona_of(values: Mapping[str, str]) -> dict[str, str]:
    return {k.removeprefix("persona."): v for k, v in values.items() if k.startswith("persona.")}
