"""Checks across the whole map, once every part is valid on its own.

Short-form conflicts, pixel roles and IDs, CAPI capture, literal secrets, and events that could
claim each other's hits (DESIGN §13 "Event keys"). Journeys are checked in `journeys.py`.
"""

from __future__ import annotations

import difflib
from collections.abc import Iterator
from itertools import combinations

from pixelproof.config.codes import STANDARD_EVENTS
from pixelproof.config.environment import Environment, PixelRole
from pixelproof.config.events import Event
from pixelproof.config.fields import suggest
from pixelproof.config.model import EventMap
from pixelproof.config.paths import PathKey
from pixelproof.config.problems import Problems

_SHORT_ONLY = ("pixel", "capi", "test_event_code")
_SECRETS: tuple[tuple[PathKey, str], ...] = (
    (("graph", "access_token"), "error"),
    (("graph", "app_secret"), "error"),
    (("site", "http_credentials", "password"), "warning"),
)


def check_short_forms(m: EventMap, problems: Problems) -> None:
    """`environment:` and `environments:` exclude each other; so do the short-form keys."""
    if m.environment is not None and "environments" in m.model_fields_set:
        problems.add(
            ("environment",),
            "environment (one environment) and environments (several) are both set",
            "keep environments and move this one's settings into it",
            at_key=True,
        )
    if "environments" not in m.model_fields_set:
        return
    for key in _SHORT_ONLY:
        if key in m.model_fields_set:
            problems.add(
                (key,),
                f"top-level {key} belongs to the one-environment form",
                f"move it into each environment: environments.<name>.{key}",
                at_key=True,
            )


def environment_paths(m: EventMap) -> Iterator[tuple[PathKey, Environment]]:
    """Every declared environment with the path it came from."""
    if "environments" in m.model_fields_set:
        for name, env in m.environments.items():
            yield ("environments", name), env
    elif m.environments:
        yield (), next(iter(m.environments.values()))


def check_environments(m: EventMap, problems: Problems) -> None:
    roles = m.roles()
    server_events = [k for k, e in m.events.items() if "server" in e.sources]
    for path, env in environment_paths(m):
        _check_roles(path, env, roles, problems)
        _check_capi(path, env, server_events, problems)
        if env.kind == "production" and env.test_event_code and env.test_event_code.expect:
            problems.add(
                (*path, "test_event_code"),
                "a production environment expects a test_event_code",
                "test codes are for staging only (OP001); remove it here",
                at_key=True,
            )
    _check_shared_ids(m, problems)


def _check_roles(
    path: PathKey, env: Environment, roles: dict[str, PixelRole], problems: Problems
) -> None:
    if not roles:
        return
    for role in env.pixels:
        if role not in roles:
            problems.add(
                (*path, "pixels", role),
                f"unknown pixel role '{role}'",
                suggest(role, roles, "pixel roles"),
                at_key=True,
            )


def _check_capi(
    path: PathKey, env: Environment, server_events: list[str], problems: Problems
) -> None:
    if not server_events or env.capi is not None:
        return
    shown = ", ".join(f"'{k}'" for k in server_events[:3])
    problems.add(
        path,
        f"events {shown} come from the server but this environment has no capi",
        "add capi: {capture: sink} (or logs / relay, or capture: none with a reason)",
        at_key=bool(path),
    )


def _check_shared_ids(m: EventMap, problems: Problems) -> None:
    kinds: dict[str, set[str]] = {}
    for path, env in environment_paths(m):
        for role, pixel in env.pixels.items():
            kinds.setdefault(pixel, set()).add(env.kind)
            if pixel in m.pixels.ignore:
                problems.add((*path, "pixels", role), f"pixel {pixel} is also in pixels.ignore")
    for path, env in environment_paths(m):
        for role, pixel in env.pixels.items():
            if env.kind == "staging" and len(kinds[pixel]) > 1:
                problems.warn(
                    (*path, "pixels", role),
                    f"pixel {pixel} is used by a staging and a production environment",
                    "staging traffic would land in the production dataset (EV006 cannot tell)",
                )


def check_numeric_ids(data: object, problems: Problems) -> None:
    """Unquoted pixel IDs are read as numbers; accepted as text, with a warning."""
    for path in _pixel_id_paths(data):
        spot = problems.source.spot(path)
        if spot is not None and spot.plain and (spot.text or "").isdigit():
            problems.warn(
                path,
                f"pixel ID {spot.text} is written as a number",
                f'quote it: "{spot.text}" (it is kept as text)',
            )


def _pixel_id_paths(data: object) -> Iterator[PathKey]:
    if not isinstance(data, dict):
        return
    envs = data.get("environments")
    for name, env in envs.items() if isinstance(envs, dict) else ():
        pixels = env.get("pixels") if isinstance(env, dict) else None
        for role in pixels if isinstance(pixels, dict) else ():
            yield ("environments", name, "pixels", role)
    pixel = data.get("pixel")
    if isinstance(pixel, dict) and "id" in pixel:
        yield ("pixel", "id")
    roles = data.get("pixels")
    ignore = roles.get("ignore") if isinstance(roles, dict) else None
    for i, _ in enumerate(ignore if isinstance(ignore, list) else ()):
        yield ("pixels", "ignore", i)


def check_secrets(data: object, templated: set[PathKey], problems: Problems) -> None:
    """Secrets come from the environment (`${VAR}`); a literal one is never echoed."""
    paths = list(_SECRETS)
    if isinstance(data, dict) and isinstance(data.get("environments"), dict):
        for name in data["environments"]:
            paths.append((("environments", name, "capi", "sink", "token"), "warning"))
    paths.append((("capi", "sink", "token"), "warning"))
    for path, severity in paths:
        spot = problems.source.spot(path)
        if spot is None or path in templated or spot.text in (None, "", "null", "~"):
            continue
        if "${" in (spot.text or ""):
            continue  # a malformed reference: interpolation reports it, it is no literal
        key = str(path[-1])
        variable = "META_ACCESS_TOKEN" if key == "access_token" else key.upper()
        problems.add(
            path,
            f"a literal {key} in the map",
            f'read it from the environment: {key}: "${{{variable}}}"',
            severity=severity,
        )


def _claim_sources(event: Event, role: PixelRole) -> set[str]:
    allowed = {"browser", "server"} if role.capi else {"browser"}
    return {s for s in event.sources if s in allowed}


def check_claims(m: EventMap, problems: Problems) -> None:
    """Two keys must never both match one observed event (name, sources, action_source, role)."""
    roles = m.roles() or {"main": PixelRole()}
    for (a, ea), (b, eb) in combinations(m.events.items(), 2):
        if ea.name != eb.name or ea.action_source != eb.action_source:
            continue
        shared = [
            r for r, role in roles.items()
            if role.receives(a) and role.receives(b)
            and _claim_sources(ea, role) & _claim_sources(eb, role)
        ]  # fmt: skip
        if shared:
            problems.add(
                ("events", b),
                f"events '{a}' and '{b}' could both claim the same '{eb.name}' events",
                "give them different sources, action_source or pixel roles",
                at_key=True,
            )


def check_event_names(m: EventMap, problems: Problems) -> None:
    """A custom name one typo away from a standard event is almost always that event."""
    for key, event in m.events.items():
        if event.name in STANDARD_EVENTS:
            continue
        close = difflib.get_close_matches(event.name, sorted(STANDARD_EVENTS), n=1, cutoff=0.8)
        if close:
            path = ("events", key, "name") if key != event.name else ("events", key)
            problems.add(
                path,
                f"'{event.name}' is a custom event name, close to the standard '{close[0]}'",
                f"if it is meant to be {close[0]}, fix the spelling (Meta treats them apart)",
                severity="warning",
                at_key=True,
            )
