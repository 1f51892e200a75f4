"""Journey timelines (what ran, from the evidence) and plans (what the map expects).

An `expect` or `wait` step extends the window of the action step before it (DESIGN §13
"Steps"): events, findings and fingerprints carry that action step's index and key. Step
indexes are positions in the map's `steps` list (0-based, like `journeys[0].steps[3]`).
"""

from __future__ import annotations

from bisect import bisect_right
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from typing import TYPE_CHECKING

if TYPE_CHECKING:  # the map's models pull pydantic and YAML; timelines alone do not need them
    from pixelproof.config.model import EventMap, Journey

EXTENDING = frozenset({"expect", "expect_none", "wait"})


@dataclass(frozen=True, slots=True)
class StepWindow:
    """An action step and the time it owns: its own run plus the expect/wait steps after it."""

    index: int
    key: str
    action: str = ""
    started: float | None = None
    own_end: float | None = None  # the action step's own end (deadline base for `within`)
    ended: float | None = None  # end of the extended window


@dataclass(frozen=True, slots=True)
class Timeline:
    """One journey as the evidence recorded it."""

    name: str
    order: int = 0
    status: str = "pass"
    consent: str | None = None
    started: float | None = None
    ended: float | None = None
    steps: tuple[StepWindow, ...] = ()
    action_of: Mapping[int, int] = field(default_factory=dict)  # any step index → action step
    stopped_at: int | None = None  # the action step where an erroring journey stopped

    def ran(self, index: int | None) -> bool:
        """False for a step at or after the action step where the journey stopped with an
        error: what it expected was never given a chance, the journey error reports it."""
        return self.stopped_at is None or index is None or index < self.stopped_at

    def step_at(self, time: float | None) -> StepWindow | None:
        """The action step whose window holds `time` (the last one started before it)."""
        if time is None:
            return None
        timed = [s for s in self.steps if s.started is not None]
        starts = [s.started for s in timed if s.started is not None]
        at = bisect_right(starts, time) - 1
        return timed[at] if at >= 0 else None

    def window(self, index: int | None) -> StepWindow | None:
        return next((s for s in self.steps if s.index == index), None)

    def action_step(self, index: int | None) -> int | None:
        return None if index is None else self.action_of.get(index, index)


@dataclass(frozen=True, slots=True)
class RawStep:
    """A step as recorded (`StepRecord` fields the timeline needs)."""

    index: int
    key: str
    action: str = ""
    started: float | None = None
    ended: float | None = None
    status: str = "pass"


def extends(action: str, key: str = "") -> bool:
    """True for `expect`, `expect_none` and `wait` steps (by action text, else key)."""
    word = (action or key).strip().split(" ", 1)[0].split(":", 1)[0]
    return word in EXTENDING


def windows(steps: Sequence[RawStep]) -> tuple[tuple[StepWindow, ...], dict[int, int]]:
    """Action windows and the index → action step map of one journey's steps."""
    out: list[StepWindow] = []
    action_of: dict[int, int] = {}
    for step in sorted(steps, key=lambda s: s.index):
        if out and extends(step.action, step.key):
            last = out[-1]
            end = step.ended if step.ended is not None else last.ended
            out[-1] = StepWindow(last.index, last.key, last.action, last.started, last.own_end, end)
            action_of[step.index] = last.index
            continue
        out.append(
            StepWindow(step.index, step.key, step.action, step.started, step.ended, step.ended)
        )
        action_of[step.index] = step.index
    return tuple(out), action_of


def timeline(
    name: str, steps: Iterable[RawStep], *, order: int = 0, status: str = "pass",
    consent: str | None = None, started: float | None = None, ended: float | None = None,
) -> Timeline:  # fmt: skip
    """A journey's timeline from its raw steps."""
    raw = list(steps)
    wins, action_of = windows(raw)
    start = started if started is not None else next((w.started for w in wins), None)
    end = ended if ended is not None else max((w.ended or 0.0 for w in wins), default=None)
    errored = [s.index for s in raw if s.status == "error"]
    stopped = action_of.get(min(errored)) if errored else None
    return Timeline(name, order, status, consent, start, end, wins, action_of, stopped)


@dataclass(frozen=True, slots=True)
class ExpectSpec:
    """One `expect`/`expect_none` entry, attached to the action step it watches."""

    journey: str
    step: int
    step_key: str
    key: str
    count: int = 1
    sources: tuple[str, ...] | None = None  # None: the key's declared sources
    params: Mapping[str, object] = field(default_factory=dict)
    browser_within: float | None = None
    server_within: float | None = None
    at: int = 0  # the expect step's own index (for locations)


@dataclass(frozen=True, slots=True)
class JourneyPlan:
    """What the map says about one journey."""

    name: str
    consent: str = "none"
    marketing: str | None = None  # granted | denied | partial (None: no state)
    forbid: tuple[str, ...] = ()
    expectations: tuple[ExpectSpec, ...] = ()
    step_keys: tuple[str, ...] = ()
    action_of: Mapping[int, int] = field(default_factory=dict)
    index: int = 0  # position in the map's journeys (locations)


def _marketing(m: EventMap, state: str) -> str | None:
    if state == "none" or m.consent is None:
        return None
    spec = m.consent.states.get(state)
    return spec.marketing if spec is not None else None


def plan_journey(m: EventMap, journey: Journey, index: int = 0) -> JourneyPlan:
    """The journey's expectations, each attached to its action step (DESIGN §13 "Steps")."""
    from pixelproof.config.steps import Expect, ExpectNone, step_keys

    keys = step_keys(journey.steps)
    raw = [RawStep(i, keys[i], s.action) for i, s in enumerate(journey.steps)]
    _, action_of = windows(raw)
    found: list[ExpectSpec] = []
    for i, step in enumerate(journey.steps):
        if not isinstance(step, Expect | ExpectNone):
            continue
        entries = step.expect if isinstance(step, Expect) else step.expect_none
        at = action_of.get(i, i)
        for key, entry in entries.items():
            within = entry.within
            found.append(
                ExpectSpec(
                    journey.name, at, keys[at], key, entry.count,
                    tuple(entry.sources) if entry.sources is not None else None,
                    dict(entry.params),
                    within.browser if within else None,
                    within.server if within else None,
                    i,
                )
            )  # fmt: skip
    return JourneyPlan(
        journey.name, journey.consent, _marketing(m, journey.consent), tuple(journey.forbid),
        tuple(found), tuple(keys), action_of, index,
    )  # fmt: skip


def plans_from_map(m: EventMap) -> dict[str, JourneyPlan]:
    return {j.name: plan_journey(m, j, i) for i, j in enumerate(m.journeys)}
