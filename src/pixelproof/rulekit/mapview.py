"""Typed views of the event map a check reads through `ctx.event_map`.

`ctx.event_map` holds the loaded map (`LoadedMap`, whose `.map` is the `EventMap`) or, in tests,
an `EventMap` itself; every function here accepts both and answers None/empty without a map.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any
from urllib.parse import urlsplit

from pixelproof.config.environment import Environment
from pixelproof.config.events import Event
from pixelproof.config.model import EventMap, ServerContainer

if TYPE_CHECKING:
    from pixelproof.checks.base import CheckContext

_EXTENDING = frozenset({"expect", "expect_none", "wait"})


def event_map(ctx: CheckContext) -> EventMap | None:
    loaded = ctx.event_map
    inner = getattr(loaded, "map", loaded)
    return inner if isinstance(inner, EventMap) else None


def environment(ctx: CheckContext) -> Environment | None:
    """The run's environment: the loaded map's resolved one, else the best match by kind."""
    chosen = getattr(ctx.event_map, "environment", None)
    if isinstance(chosen, Environment):
        return chosen
    emap = event_map(ctx)
    if emap is None or not emap.environments:
        return None
    name = getattr(ctx.event_map, "environment_name", None)
    if isinstance(name, str) and name in emap.environments:
        return emap.environments[name]
    envs = emap.environments
    if ctx.environment_kind in envs:
        return envs[ctx.environment_kind]
    same_kind = [e for e in envs.values() if e.kind == ctx.environment_kind]
    return same_kind[0] if same_kind else next(iter(envs.values()))


def spec(ctx: CheckContext, key: str | None) -> Event | None:
    emap = event_map(ctx)
    if emap is None or key is None:
        return None
    return emap.events.get(key)


def site_hosts(ctx: CheckContext) -> frozenset[str]:
    """Hosts whose `event_source_url` is ours: `base_url` hosts and `site.domains`."""
    emap = event_map(ctx)
    if emap is None:
        return frozenset()
    urls = [emap.site.base_url, *(e.base_url for e in emap.environments.values())]
    hosts = {urlsplit(u).hostname or "" for u in urls if u}
    hosts.update(d.lower().lstrip(".") for d in emap.site.domains)
    return frozenset(h.lower() for h in hosts if h)


def host_is_ours(host: str, ours: frozenset[str]) -> bool:
    host = host.lower().rstrip(".")
    return any(host == h or host.endswith("." + h) for h in ours)


def capture(ctx: CheckContext) -> tuple[str | None, str | None]:
    """(`capi.capture`, its reason) of the run's environment."""
    env = environment(ctx)
    if env is None or env.capi is None:
        return None, None
    return env.capi.capture, env.capi.reason


def marketing(ctx: CheckContext, state: str | None) -> str | None:
    """`granted`, `denied` or `partial` for a consent state name; None for `none` or unknown."""
    emap = event_map(ctx)
    if state in (None, "none"):
        return None
    if emap is not None and emap.consent is not None and state in emap.consent.states:
        return emap.consent.states[state].marketing
    return {"accept": "granted", "reject": "denied"}.get(state or "")


def journey_consent(ctx: CheckContext, journey: str) -> str | None:
    emap = event_map(ctx)
    if emap is None:
        return None
    found = next((j for j in emap.journeys if j.name == journey), None)
    return None if found is None else found.consent


def server_containers(ctx: CheckContext) -> list[ServerContainer]:
    emap = event_map(ctx)
    return list(emap.server_containers) if emap is not None else []


def option(ctx: CheckContext, code: str, name: str, default: Any) -> Any:
    """`checks.options.<code>.<name>` (open question M15), else `default`."""
    emap = event_map(ctx)
    if emap is None:
        return default
    return emap.checks.options.get(code, {}).get(name, default)


def map_personas(ctx: CheckContext) -> dict[str, dict[str, str]]:
    """Persona values that need no run-time expansion (no `{run.id}`-style placeholders)."""
    emap = event_map(ctx)
    if emap is None:
        return {}
    out: dict[str, dict[str, str]] = {}
    for name, persona in emap.personas.items():
        values = persona.model_dump(exclude_none=True)
        out[name] = {k: str(v) for k, v in values.items() if "{" not in str(v)}
    return out


def journey_persona(ctx: CheckContext, journey: str) -> dict[str, str]:
    emap = event_map(ctx)
    if emap is None:
        return {}
    found = next((j for j in emap.journeys if j.name == journey), None)
    persona = None if found is None else found.persona
    if isinstance(persona, str):
        return map_personas(ctx).get(persona, {})
    if persona is not None:
        values = persona.model_dump(exclude_none=True)
        return {k: str(v) for k, v in values.items() if "{" not in str(v)}
    return {}
