"""Load an event map: YAML nodes → interpolation → pydantic → cross-checks, every problem at once.

`load_map` raises `MapError` carrying every error (and the warnings and notes found with
them); on success the warnings and notes are on `LoadedMap.notes`.
"""

from __future__ import annotations

import os
from collections.abc import Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from pydantic import ValidationError

from pixelproof.config.environment import Environment
from pixelproof.config.fields import suggest
from pixelproof.config.interpolate import interpolate
from pixelproof.config.journeys import check_journeys, check_raw_journeys
from pixelproof.config.messages import add_validation_errors
from pixelproof.config.model import EventMap
from pixelproof.config.paths import PathKey, parse_path
from pixelproof.config.problems import Problems, resolve
from pixelproof.config.semantics import (
    check_claims,
    check_environments,
    check_event_names,
    check_numeric_ids,
    check_secrets,
    check_short_forms,
    environment_paths,
)
from pixelproof.config.yamlnodes import SourceMap, compose_source
from pixelproof.errors import InputError, Location, MapError, Problem


@dataclass(frozen=True)
class LoadedMap:
    """A valid map, the environment chosen for this run, and what `validate` would note."""

    map: EventMap
    path: Path
    notes: tuple[Problem, ...]
    environment_name: str | None
    environment: Environment
    data: object = field(repr=False, compare=False, default=None)
    source: SourceMap | None = field(repr=False, compare=False, default=None)

    def location_of(self, dotted_path: str) -> Location | None:
        """`events.web_purchase` or `journeys[0].steps[3]` → its place in the file.

        A path into a part the file leaves to defaults gives its nearest written ancestor;
        a path that names nothing in the file gives None.
        """
        path = parse_path(dotted_path)
        if not path or self.source is None or not resolve(self.data, path):
            return None
        return Problems(self.source, self.data).locate(path)


def load_map(
    path: Path, *, env: str | None = None, environ: Mapping[str, str] | None = None
) -> LoadedMap:
    """Read, validate and resolve the map at `path` for environment `env`."""
    text = _read(path)
    shown = str(path)
    composed = compose_source(text, shown)
    problems = Problems(composed.source, composed.data)
    problems.extend(composed.problems)
    if composed.data is None or not isinstance(composed.data, dict):
        _not_a_map(composed.data, problems)
        raise MapError(problems.sorted())
    done = interpolate(composed.data, os.environ if environ is None else environ, composed.source)
    problems.data = done.data
    problems.extend(done.problems)
    check_numeric_ids(done.data, problems)
    check_secrets(done.data, done.templated, problems)
    check_raw_journeys(done.data, problems)
    assert isinstance(done.data, dict)
    event_map, broken = _validate(done.data, problems, done.unset)
    if event_map is not None:
        _cross_check(event_map, problems)
    else:
        _cross_check_partial(done.data, broken, problems)
    if event_map is None:
        raise MapError(problems.sorted())
    name, environment = _select(event_map, env, problems)
    if problems.errors:
        raise MapError(problems.sorted())
    return LoadedMap(
        event_map, path, problems.sorted(), name, environment, done.data, composed.source
    )


def _read(path: Path) -> str:
    try:
        raw = path.read_bytes()
    except OSError as exc:
        raise InputError(
            f"cannot read the event map {path}: {exc.strerror or exc}",
            hint="check the path; `pixelproof init` writes a starter map",
        ) from exc
    try:
        return raw.decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        line = raw[: exc.start].count(b"\n") + 1
        problem = Problem(Location(str(path), line, 1), "", "the map is not UTF-8 text", None)
        raise MapError((problem,)) from exc


def _not_a_map(data: object, problems: Problems) -> None:
    if problems.errors:
        return
    if data is None:
        problems.found.append(
            Problem(Location(problems.source.file, 1, 1), "", "the map is empty",
                    "start from `pixelproof init`; a map needs version: 1 and events:")
        )  # fmt: skip
        return
    problems.add((), "the map must be a mapping (version: 1, events: …)", "see docs/event-map.md")


def _context(data: dict[str, Any]) -> dict[str, Mapping[str, Any]]:
    """The names the map declares, for reference checks during validation."""

    def keys(value: object) -> dict[str, str]:
        return {str(k): str(k) for k in value} if isinstance(value, dict) else {}

    events = data.get("events")
    names = {}
    for key, event in events.items() if isinstance(events, dict) else ():
        name = event.get("name") if isinstance(event, dict) else None
        names[str(key)] = name if isinstance(name, str) else str(key)
    consent = data.get("consent")
    states = consent.get("states", consent) if isinstance(consent, dict) else {}
    roles = {k: k for k in keys(data.get("pixels")) if k != "ignore"}
    if isinstance(data.get("pixel"), dict):
        roles["main"] = "main"
    envs = keys(data.get("environments"))
    if isinstance(data.get("environment"), str):
        envs[data["environment"]] = data["environment"]
    journeys = data.get("journeys")
    journey_names = [j.get("name") for j in journeys if isinstance(j, dict)] if isinstance(
        journeys, list
    ) else []  # fmt: skip
    return {
        "events": names,
        "states": {k: k for k in keys(states) if k != "banner"},
        "personas": keys(data.get("personas")),
        "roles": roles,
        "environments": envs,
        "journeys": {str(n): str(n) for n in journey_names if isinstance(n, str)},
    }


def _validate(
    data: dict[str, Any], problems: Problems, unset: Mapping[Any, str]
) -> tuple[EventMap | None, list[PathKey]]:
    try:
        return EventMap.model_validate(data, context=_context(data)), []
    except ValidationError as exc:
        add_validation_errors(exc, data, problems, unset)
        return None, [resolve(data, err["loc"]) for err in exc.errors()]


def _validate_pruned(data: dict[str, Any], broken: list[PathKey]) -> EventMap | None:
    """The map without its broken parts, so cross-checks still report on the rest.

    Dict entries (`events.X`) are dropped; a broken list item drops the whole list, since
    removing one item would shift the indices every message is located by.
    """
    pruned: dict[str, Any] = {**data, "version": 1}
    for path in broken:
        section = str(path[0]) if path else ""
        if len(path) >= 2 and isinstance(path[1], str) and isinstance(pruned.get(section), dict):
            pruned[section] = {k: v for k, v in pruned[section].items() if k != path[1]}
        elif path and path[0] != "version":
            pruned.pop(str(path[0]), None)
    try:
        return EventMap.model_validate(pruned, context=_context(data))
    except ValidationError:
        return None


def _cross_check_partial(data: dict[str, Any], broken: list[PathKey], problems: Problems) -> None:
    """Cross-checks on the valid rest; nothing is said about (or above) the broken parts."""
    partial = _validate_pruned(data, broken)
    if partial is None:
        return
    extra = Problems(problems.source, problems.data)
    _cross_check(partial, extra)
    for problem in extra.found:
        own = parse_path(problem.path) or ()
        if not any(own[: len(b)] == b or b[: len(own)] == own for b in broken):
            problems.found.append(problem)


def _cross_check(event_map: EventMap, problems: Problems) -> None:
    check_short_forms(event_map, problems)
    check_environments(event_map, problems)
    check_claims(event_map, problems)
    check_event_names(event_map, problems)
    check_journeys(event_map, problems)


def _select(m: EventMap, wanted: str | None, problems: Problems) -> tuple[str | None, Environment]:
    """`--env NAME`, else the only environment, else `staging` (DESIGN §4)."""
    declared = dict(m.environments)
    fallback = Environment(kind="staging", base_url=m.site.base_url, capi=m.capi,
                           test_event_code=m.test_event_code,
                           pixels={"main": m.pixel.id} if m.pixel else {})  # fmt: skip
    if wanted is None and not declared:
        return None, fallback
    if wanted is None:
        wanted = next(iter(declared)) if len(declared) == 1 else "staging"
    if wanted not in declared:
        listed = ", ".join(declared) or "none"
        message = f"no environment '{wanted}' (declared: {listed})"
        hint = suggest(wanted, declared, "environments") if declared else "declare environments:"
        if len(declared) > 1 and "staging" not in declared:
            hint = f"pick one with --env: {listed}"
        problems.add(("environments",), message, hint, at_key=True)
        return None, fallback
    env = declared[wanted]
    if env.base_url is None and m.site.base_url is not None:
        env = env.model_copy(update={"base_url": m.site.base_url})
    _note_capture(m, wanted, env, problems)
    return wanted, env


def _note_capture(m: EventMap, name: str, env: Environment, problems: Problems) -> None:
    if env.capi is None or env.capi.capture != "none":
        return
    if not any("server" in e.sources for e in m.events.values()):
        return
    path = next((p for p, e in environment_paths(m) if e is env), ())
    problems.note(
        (*path, "capi") if path else ("capi",),
        f"environment '{name}': server half not observed (capture: none)",
        "deduplication stays unproven; audits exit 3 unless --allow-unobserved-server",
    )
