"""Checks and notes on journeys: unique names and step ids, expectations that can be met,
persona placeholders, actions with no `expect` between them, personas shared by journeys."""

from __future__ import annotations

import re
from collections.abc import Iterable

from pixelproof.config.model import EventMap, Journey, Persona
from pixelproof.config.paths import PathKey
from pixelproof.config.problems import Problems
from pixelproof.config.steps import (
    FIRING,
    WATCHING,
    Expect,
    ExpectNone,
    Fill,
    Goto,
    Select,
    step_keys,
)

_PLACEHOLDER = re.compile(r"\{([a-z_.]+)\}")
_STEP_PLACEHOLDERS = frozenset({"run.id", "journey", "uuid"})
_INPUT = frozenset({"fill", "hover", "scroll", "uncheck"})


def check_journeys(m: EventMap, problems: Problems) -> None:
    for i, journey in enumerate(m.journeys):
        path: PathKey = ("journeys", i)
        _check_expectations(m, journey, path, problems)
        _check_placeholders(m, journey, path, problems)
    check_action_notes(m, problems)
    check_shared_personas(m, problems)


def _repeats(items: Iterable[tuple[PathKey, object]], what: str, problems: Problems) -> None:
    first: dict[str, PathKey] = {}
    for path, value in items:
        if not isinstance(value, str):
            continue
        if value in first:
            where = problems.locate(first[value])
            at = f" (first at line {where.line}, column {where.column})" if where else ""
            problems.add(path, f"{what} '{value}' is used twice{at}", "names must be unique")
        first.setdefault(value, path)


def check_raw_journeys(data: object, problems: Problems) -> None:
    """Unique journey names and step ids, judged on the data as written (always runs)."""
    journeys = data.get("journeys") if isinstance(data, dict) else None
    if not isinstance(journeys, list):
        return
    names = [(("journeys", i, "name"), j.get("name")) for i, j in enumerate(journeys)
             if isinstance(j, dict)]  # fmt: skip
    _repeats(names, "journey name", problems)
    for i, journey in enumerate(journeys):
        steps = journey.get("steps") if isinstance(journey, dict) else None
        items = enumerate(steps if isinstance(steps, list) else [])
        ids = [(("journeys", i, "steps", j, "id"), s.get("id")) for j, s in items
               if isinstance(s, dict)]  # fmt: skip
        _repeats(ids, "step id", problems)


def _check_expectations(m: EventMap, journey: Journey, path: PathKey, problems: Problems) -> None:
    for j, step in enumerate(journey.steps):
        if not isinstance(step, Expect | ExpectNone):
            continue
        entries = step.expect if isinstance(step, Expect) else step.expect_none
        for key, entry in entries.items():
            event = m.events.get(key)
            where: PathKey = (*path, "steps", j, step.action, key)
            if event is None:
                continue
            if event.journeys == "none":
                problems.add(
                    where,
                    f"event '{key}' says journeys: none; it is never expected in a journey",
                    "expect the key that journeys produce, or drop journeys: none",
                    at_key=True,
                )
            extra = sorted(set(entry.sources or ()) - set(event.sources))
            if extra:
                problems.add(
                    (*where, "sources"),
                    f"event '{key}' has no {' or '.join(extra)} source",
                    f"its sources are {', '.join(event.sources)}",
                )


def _step_texts(journey: Journey) -> Iterable[tuple[int, str]]:
    for j, step in enumerate(journey.steps):
        if isinstance(step, Goto):
            yield j, step.goto
        elif isinstance(step, Fill):
            yield from ((j, value) for value in step.fill.values())
        elif isinstance(step, Select):
            for value in step.select.values():
                yield from ((j, v) for v in ([value] if isinstance(value, str) else value))


def _check_placeholders(m: EventMap, journey: Journey, path: PathKey, problems: Problems) -> None:
    persona = _persona(m, journey)
    for j, text in _step_texts(journey):
        for name in _PLACEHOLDER.findall(text):
            if name in _STEP_PLACEHOLDERS:
                continue
            field = name.removeprefix("persona.")
            if not name.startswith("persona.") or field not in Persona.model_fields:
                problems.add(
                    (*path, "steps", j),
                    f"unknown placeholder {{{name}}}",
                    "use {persona.email} (or another persona field), {run.id}, {journey}, {uuid}",
                )
            elif persona is None or getattr(persona, field) is None:
                problems.add(
                    (*path, "steps", j),
                    f"{{{name}}} but the journey's persona has no {field}",
                    f"set persona: … with {field}, or type a fixed value",
                )


def _persona(m: EventMap, journey: Journey) -> Persona | None:
    if isinstance(journey.persona, str):
        return m.personas.get(journey.persona)
    return journey.persona


def check_action_notes(m: EventMap, problems: Problems) -> None:
    """An event-firing action followed by another action, no `expect` between (DESIGN §4)."""
    for i, journey in enumerate(m.journeys):
        if not any(step.action in WATCHING for step in journey.steps):
            continue  # forbid-only journeys judge the whole journey, not steps
        keys = step_keys(journey.steps)
        previous: str | None = None
        for j, step in enumerate(journey.steps):
            if step.action in WATCHING:
                previous = None
            elif step.action in FIRING or step.action in _INPUT:
                if previous is not None:
                    problems.note(
                        ("journeys", i, "steps", j),
                        f"'{keys[j]}' follows '{previous}' with no expect between",
                        f"events of '{previous}' may be counted in this step; add an expect",
                    )
                previous = keys[j] if step.action in FIRING else None


def check_shared_personas(m: EventMap, problems: Problems) -> None:
    """Journeys may run in parallel; a shared persona makes server attribution ambiguous."""
    users: dict[str, int] = {}
    for i, journey in enumerate(m.journeys):
        name = journey.persona if isinstance(journey.persona, str) else None
        persona = m.personas.get(name) if name else None
        if name is None or persona is None or _per_journey(persona):
            continue
        if name in users:
            other = m.journeys[users[name]].name
            problems.note(
                ("journeys", i, "persona"),
                f"journeys '{other}' and '{journey.name}' share persona '{name}'",
                "with --workers > 1 their server events get ambiguous; use {journey} in its email",
            )
        users.setdefault(name, i)


def _per_journey(persona: Persona) -> bool:
    values = [v for v in persona.model_dump().values() if isinstance(v, str)]
    return any("{journey}" in v or "{uuid}" in v for v in values)
